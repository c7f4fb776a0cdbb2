import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from aims import exports
from aims.permissions import can, visible_to
from aims.reauth import SensitiveActionMixin
from aims.services import object_delete
from aims.views import generic
from risk.models import Risk

from .choices import CheckResult, SoAStatus
from .exports import soa_exporter
from .filtersets import ControlFilterSet, EvidenceFilterSet, SoAEntryFilterSet
from .forms import (
    ApproveForm,
    ControlCheckForm,
    ControlForm,
    EvidenceForm,
    NewDraftForm,
    SoAEntryForm,
)
from .models import Control, ControlCheck, Evidence, EvidenceFile, SoAEntry, SoAVersion
from .selectors import FRAMEWORKS, coverage, coverage_summary, soa_rows, soa_totals
from .services import (
    control_check_save,
    control_save,
    evidence_add_file,
    evidence_save,
    may_download,
    may_edit_entry,
    may_record_check,
    next_check_due,
    soa_approve,
    soa_compare,
    soa_current,
    soa_entry_save,
    soa_new_draft,
)
from .tables import ControlTable, EvidenceTable

logger = logging.getLogger(__name__)


def _version_or_404(user, number):
    if not can(user, "view", SoAVersion):
        raise Http404("No such SoA version")
    if number is None:
        return soa_current()
    return get_object_or_404(SoAVersion, number=number)


# The library


class ControlListView(generic.ObjectListView):
    queryset = Control.objects.select_related("domain")
    filterset_class = ControlFilterSet
    table_class = ControlTable
    per_page = 50


class ControlDetailView(generic.ObjectDetailView):
    queryset = Control.objects.select_related("domain")
    template_name = "controls/control_detail.html"

    def get_extra_context(self, control):
        user = self.request.user
        current = soa_current()
        entry = (
            SoAEntry.objects.filter(soa=current, control=control)
            .select_related("owner", "soa")
            .first()
        )
        evidence = visible_to(control.evidence.select_related("owner"), user)
        risks = visible_to(
            Risk.objects.filter(controls__control_id=control.control_id)
            .select_related("ai_system", "owner")
            .distinct(),
            user,
        )
        checks = control.checks.select_related("performed_by").prefetch_related(
            Prefetch("evidence", queryset=visible_to(Evidence.objects.all(), user))
        )
        latest = checks.first()
        return {
            "entry": entry,
            "can_edit_entry": entry is not None and may_edit_entry(user, entry),
            "evidence": evidence,
            "risks": risks,
            "checks": checks[:20],
            "latest_check": latest,
            "failing": latest is not None and latest.result != CheckResult.PASS,
            "next_check_due": (
                next_check_due(latest.checked_on, entry.test_frequency)
                if latest and entry and entry.applicable
                else None
            ),
            "can_record_check": may_record_check(user, control),
            "can_add_evidence": can(user, "add", Evidence),
            "links": control.crosswalk.select_related("requirement"),
            "can_edit_control": control.is_custom and can(user, "change", control),
        }


class ControlEditView(generic.ObjectEditView):
    queryset = Control.objects.all()
    form_class = ControlForm

    def get_object(self, **kwargs):
        control = super().get_object(**kwargs)
        if control.pk and not control.is_custom:
            raise PermissionDenied(
                "Annex A controls come from the reference library and are not edited."
            )
        return control

    def save(self, form):
        return control_save(
            control=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )


class ControlDeleteView(generic.ObjectDeleteView):
    queryset = Control.objects.all()

    def get_object(self, **kwargs):
        control = super().get_object(**kwargs)
        if not control.is_custom:
            raise PermissionDenied("Annex A controls cannot be deleted.")
        return control

    def delete(self, obj):
        # Its rows in the draft go with it; rows in approved versions protect it.
        for entry in obj.soa_entries.filter(soa__status=SoAStatus.DRAFT):
            object_delete(instance=entry, actor=self.request.user)
        object_delete(instance=obj, actor=self.request.user)


# The Statement of Applicability


class SoAView(View):
    template_name = "controls/soa.html"

    def get(self, request, number=None):
        version = _version_or_404(request.user, number)
        filterset = SoAEntryFilterSet(
            request.GET or None,
            queryset=soa_rows(version, reader=request.user),
            request=request,
        )
        rows = filterset.qs
        export_format = request.GET.get("export")
        if export_format:
            if export_format not in exports.FORMATS:
                raise Http404("Unknown export format")
            return soa_exporter.response(
                rows,
                export_format,
                f"statement-of-applicability-v{version.number}",
                user=request.user,
            )
        rows = list(rows)
        return render(
            request,
            self.template_name,
            {
                "version": version,
                "rows": rows,
                "filterset": filterset,
                "query": request.GET.urlencode(),
                "export_formats": exports.FORMATS,
                "editable_ids": _editable_entry_ids(request.user, version),
                "can_approve": version.is_draft
                and request.user.has_perm("controls.approve_soaversion"),
                "can_new_draft": not version.is_draft
                and can(request.user, "add", SoAVersion)
                and not SoAVersion.objects.filter(status=SoAStatus.DRAFT).exists(),
                "approve_form": ApproveForm(),
                "draft_form": NewDraftForm(),
                "versions": SoAVersion.objects.select_related("approved_by")[:20],
                "totals": soa_totals(rows),
                "can_request_pack": _soa_pack_kind().may_request(request.user),
            },
        )


def _soa_pack_kind():
    from audit.packs.registry import get_kind

    return get_kind("soa")


def _editable_entry_ids(user, version) -> set[int]:
    if not version.is_draft:
        return set()
    return set(
        visible_to(SoAEntry.objects.filter(soa=version), user, "change").values_list(
            "pk", flat=True
        )
    )


class SoAEntryEditView(generic.ObjectEditView):
    queryset = SoAEntry.objects.select_related("control", "soa")
    form_class = SoAEntryForm
    template_name = "controls/soaentry_edit.html"

    def get_object(self, **kwargs):
        entry = super().get_object(**kwargs)
        if not entry.soa.is_draft:
            raise PermissionDenied(
                f"SoA version {entry.soa.number} is approved and frozen; start a "
                "new draft to change it."
            )
        return entry

    def save(self, form):
        return soa_entry_save(
            entry=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )


class SoAApproveView(SensitiveActionMixin, View):
    def post(self, request, number):
        version = _version_or_404(request.user, number)
        form = ApproveForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Say what the approval covers.")
            return redirect(version.get_absolute_url())
        try:
            soa_approve(
                version=version,
                actor=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(version.get_absolute_url())
        messages.success(request, f"SoA version {version.number} approved.")
        return redirect(version.get_absolute_url())


class SoANewDraftView(View):
    def post(self, request):
        if not can(request.user, "add", SoAVersion):
            raise PermissionDenied("You may not start a new SoA version.")
        form = NewDraftForm(request.POST)
        form.is_valid()
        try:
            draft = soa_new_draft(
                actor=request.user, summary=form.cleaned_data.get("summary", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("controls:soa")
        messages.success(request, f"Draft version {draft.number} started.")
        return redirect(draft.get_absolute_url())


class SoACompareView(View):
    def get(self, request):
        if not can(request.user, "view", SoAVersion):
            raise Http404("No SoA")
        versions = list(SoAVersion.objects.order_by("number"))
        numbers = [v.number for v in versions]
        try:
            a = int(request.GET.get("a", numbers[-2] if len(numbers) > 1 else 0))
            b = int(request.GET.get("b", numbers[-1] if numbers else 0))
        except ValueError:
            a = b = 0
        by_number = {v.number: v for v in versions}
        left, right = by_number.get(a), by_number.get(b)
        changes = soa_compare(left, right) if left and right else []
        return render(
            request,
            "controls/soa_compare.html",
            {
                "versions": versions,
                "left": left,
                "right": right,
                "changes": changes,
                "invalid": bool(request.GET) and not (left and right),
            },
            status=200 if (left and right) or not request.GET else 400,
        )


# Evidence


class EvidenceListView(generic.ObjectListView):
    queryset = Evidence.objects.select_related("owner").prefetch_related("controls")
    filterset_class = EvidenceFilterSet
    table_class = EvidenceTable


class EvidenceDetailView(generic.ObjectDetailView):
    queryset = Evidence.objects.select_related("owner")
    template_name = "controls/evidence_detail.html"

    def get_extra_context(self, evidence):
        user = self.request.user
        return {
            "files": evidence.files.select_related("uploaded_by"),
            "controls": evidence.controls.all(),
            "risks": visible_to(evidence.risks.all(), user),
            "ai_systems": visible_to(evidence.ai_systems.all(), user),
            "may_download": may_download(user, evidence),
            "checks": evidence.checks.select_related("control"),
        }


class EvidenceEditView(generic.ObjectEditView):
    queryset = Evidence.objects.all()
    form_class = EvidenceForm

    def get_initial(self):
        initial = {"owner": self.request.user.pk}
        control = Control.objects.filter(pk=self.request.GET.get("control")).first()
        if control is not None:
            initial["controls"] = [control.pk]
        return initial

    def save(self, form):
        return evidence_save(
            evidence=form.instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
            upload=form.cleaned_data.get("file"),
        )


class EvidenceDeleteView(generic.ObjectDeleteView):
    queryset = Evidence.objects.all()


class EvidenceDownloadView(View):
    def get(self, request, pk, number):
        evidence = get_object_or_404(
            visible_to(Evidence.objects.all(), request.user), pk=pk
        )
        if not may_download(request.user, evidence):
            raise PermissionDenied("This evidence is restricted.")
        stored = get_object_or_404(EvidenceFile, evidence=evidence, number=number)
        return file_response(stored, request)


def file_response(stored: EvidenceFile, request=None):
    """The stored bytes as an attachment that no browser renders or sniffs; 410 with a
    page (JSON under /api/) saying so when storage no longer has the file."""
    try:
        if not stored.file.storage.exists(stored.file.name):
            raise FileNotFoundError(stored.file.name)
        handle = stored.file.open("rb")
    except FileNotFoundError:
        return _file_missing(stored, request)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Digest"] = f"sha-256={stored.sha256}"
    return response


def _file_missing(stored: EvidenceFile, request):
    logger.error(
        "Evidence file missing from storage: %s v%s (%s); run manage.py verify_evidence",
        stored.evidence,
        stored.number,
        stored.file.name,
    )
    message = (
        f"The file of {stored.evidence} (version {stored.number}, "
        f"{stored.original_name}) is missing from the portal's storage. Its record "
        f"and SHA-256 ({stored.sha256}) are kept; an administrator can restore the "
        "file from the media backup."
    )
    if request is not None and request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "sha256": stored.sha256}, status=410)
    if request is None:
        return HttpResponse(message, status=410, content_type="text/plain")
    return render(
        request, "controls/evidence_file_missing.html", {"message": message}, status=410
    )


class EvidenceUploadView(View):
    """Add a new file version to an evidence item (the old versions stay)."""

    def post(self, request, pk):
        evidence = get_object_or_404(
            visible_to(Evidence.objects.all(), request.user), pk=pk
        )
        if not can(request.user, "change", evidence):
            raise PermissionDenied("You may not change this evidence.")
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "Choose a file to upload.")
            return redirect(evidence.get_absolute_url())
        try:
            stored = evidence_add_file(
                evidence=evidence, upload=upload, actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(evidence.get_absolute_url())
        messages.success(
            request, f"Uploaded version {stored.number} ({stored.original_name})."
        )
        return redirect(evidence.get_absolute_url())


# Effectiveness checks


class ControlCheckAddView(View):
    template_name = "controls/controlcheck_edit.html"

    def dispatch(self, request, control_pk):
        self.control = get_object_or_404(
            visible_to(Control.objects.all(), request.user), pk=control_pk
        )
        if not may_record_check(request.user, self.control):
            raise PermissionDenied("You may not record checks of this control.")
        return super().dispatch(request, control_pk)

    def get(self, request, control_pk):
        form = ControlCheckForm(user=request.user)
        return render(
            request, self.template_name, {"control": self.control, "form": form}
        )

    def post(self, request, control_pk):
        check = ControlCheck(control=self.control, performed_by=request.user)
        form = ControlCheckForm(request.POST, instance=check, user=request.user)
        if form.is_valid():
            try:
                control_check_save(
                    check=form.instance, actor=request.user, m2m=form.m2m_data()
                )
            except ValidationError as exc:
                generic._add_validation_errors(form, exc)
            else:
                messages.success(request, "Check recorded.")
                return redirect(self.control.get_absolute_url() + "#checks")
        return render(
            request,
            self.template_name,
            {"control": self.control, "form": form},
            status=400,
        )


# Crosswalk coverage


class CoverageView(View):
    def get(self, request):
        if not can(request.user, "view", Control):
            raise Http404("No coverage")
        framework = request.GET.get("framework", FRAMEWORKS[0][0])
        if framework not in dict(FRAMEWORKS):
            raise Http404("Unknown framework")
        version = soa_current()
        items = coverage(version, framework)
        return render(
            request,
            "controls/coverage.html",
            {
                "frameworks": FRAMEWORKS,
                "framework": framework,
                "version": version,
                "items": items,
                "summary": coverage_summary(items),
            },
        )
