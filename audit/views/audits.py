"""Pages of the audit programme, audits and checklists (ISO/IEC 42001 9.2)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from aims.permissions import can, visible_to
from aims.reauth import SensitiveActionMixin
from aims.views import generic

from ..choices import AuditStatus
from ..filtersets import AuditFilterSet, AuditProgrammeFilterSet
from ..forms import (
    ApprovalForm,
    AuditForm,
    AuditProgrammeForm,
    AuditResultsForm,
    ChecklistLineForm,
)
from ..models import Audit, AuditProgramme, ChecklistLine
from ..selectors import programme_audits, programme_coverage
from ..services import (
    AUDIT_TRANSITIONS,
    Frozen,
    audit_record_results,
    audit_save,
    audit_transition,
    checklist_line_save,
    objectivity_conflicts,
    programme_approve,
    programme_new_version,
    programme_save,
)
from ..tables import AuditProgrammeTable, AuditTable


def show_errors(request, exc: ValidationError) -> None:
    for field, errors in getattr(exc, "message_dict", {"": exc.messages}).items():
        label = field.replace("_", " ") if field and field != "__all__" else ""
        for error in errors:
            messages.error(
                request, f"{label.capitalize()}: {error}" if label else error
            )


class FrozenDetailMixin:
    """A record kept as decided shows no Edit or Delete button."""

    def record_context(self, obj, active_tab):
        context = super().record_context(obj, active_tab)
        if self.is_frozen(obj):
            context["permitted"] = context["permitted"] - {"change", "delete"}
        return context

    def is_frozen(self, obj) -> bool:
        return False


class FrozenDeleteMixin:
    def is_frozen(self, obj) -> bool:
        return False

    def delete(self, obj):
        if self.is_frozen(obj):
            raise Frozen(f"{obj} is kept as decided: it cannot be deleted.")
        super().delete(obj)


# Programme


class AuditProgrammeListView(generic.ObjectListView):
    queryset = AuditProgramme.objects.all()
    filterset_class = AuditProgrammeFilterSet
    table_class = AuditProgrammeTable


class AuditProgrammeDetailView(FrozenDetailMixin, generic.ObjectDetailView):
    queryset = AuditProgramme.objects.select_related("approved_by", "previous")
    template_name = "audit/auditprogramme_detail.html"
    fieldsets = [
        (
            "Programme",
            [
                "reference",
                "number",
                "title",
                "period_start",
                "period_end",
                "status",
                "approved_by",
                "approved_at",
                "approval_note",
                "previous",
            ],
        ),
        (
            "Content (9.2.2)",
            ["objectives", "criteria", "methods", "frequency", "responsibilities"],
        ),
    ]

    def is_frozen(self, obj):
        return not obj.is_draft

    def get_extra_context(self, programme):
        user = self.request.user
        return {
            "audits": visible_to(
                programme_audits(programme).select_related("lead_auditor"), user
            ),
            "may_approve": programme.is_draft and can(user, "approve", AuditProgramme),
            "may_new_version": not programme.is_draft
            and can(user, "add", AuditProgramme),
            "may_add_audit": can(user, "add", Audit),
            "versions": AuditProgramme.objects.filter(
                reference=programme.reference
            ).order_by("-number"),
        }


class AuditProgrammeEditView(generic.ObjectEditView):
    queryset = AuditProgramme.objects.all()
    form_class = AuditProgrammeForm

    def save(self, form):
        return programme_save(
            programme=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )


class AuditProgrammeDeleteView(FrozenDeleteMixin, generic.ObjectDeleteView):
    queryset = AuditProgramme.objects.all()

    def is_frozen(self, obj):
        return not obj.is_draft


class _ProgrammeView(View):
    def get_programme(self, pk) -> AuditProgramme:
        return get_object_or_404(
            visible_to(AuditProgramme.objects.all(), self.request.user), pk=pk
        )


class AuditProgrammeApproveView(SensitiveActionMixin, _ProgrammeView):
    template_name = "audit/auditprogramme_approve.html"

    def dispatch(self, request, *args, **kwargs):
        if not can(request.user, "approve", AuditProgramme):
            raise PermissionDenied("Only the governance committee approves programmes.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        programme = self.get_programme(pk)
        return render(
            request,
            self.template_name,
            {"programme": programme, "form": ApprovalForm()},
        )

    def post(self, request, pk):
        programme = self.get_programme(pk)
        form = ApprovalForm(request.POST)
        if form.is_valid():
            programme_approve(
                programme=programme, actor=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, f"Approved {programme}.")
            return redirect(programme.get_absolute_url())
        return render(
            request,
            self.template_name,
            {"programme": programme, "form": form},
            status=400,
        )


class AuditProgrammeNewVersionView(_ProgrammeView):
    def post(self, request, pk):
        programme = self.get_programme(pk)
        try:
            draft = programme_new_version(programme=programme, actor=request.user)
        except ValidationError as exc:
            show_errors(request, exc)
            return redirect(programme.get_absolute_url())
        messages.success(request, f"Draft version {draft.number} started.")
        return redirect(draft.get_absolute_url())


class AuditProgrammeCoverageView(_ProgrammeView):
    """Which audit covers each clause, control and AI system in scope, and what
    nothing covers yet."""

    def get(self, request, pk):
        programme = self.get_programme(pk)
        coverage = programme_coverage(programme, request.user)
        return render(
            request,
            "audit/auditprogramme_coverage.html",
            {"programme": programme, "coverage": coverage},
        )


# Audits


class AuditListView(generic.ObjectListView):
    queryset = Audit.objects.select_related("lead_auditor")
    filterset_class = AuditFilterSet
    table_class = AuditTable


AUDIT_FIELDSETS = [
    (
        "Audit",
        [
            "reference",
            "programme",
            "title",
            "kind",
            "certification_stage",
            "body_name",
            "criteria",
            "status",
        ],
    ),
    (
        "Team and dates",
        [
            "lead_auditor",
            "team",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
        ],
    ),
    ("Scope", ["scope_clauses", "scope_controls", "ai_systems", "business_units"]),
    ("Results", ["summary", "objectivity_justification"]),
]


class AuditDetailView(FrozenDetailMixin, generic.ObjectDetailView):
    queryset = Audit.objects.select_related(
        "programme", "lead_auditor"
    ).prefetch_related("team", "ai_systems")
    template_name = "audit/audit_detail.html"
    fieldsets = AUDIT_FIELDSETS

    def is_frozen(self, obj):
        return obj.is_frozen

    def get_extra_context(self, audit):
        user = self.request.user
        may_run = can(user, "run", audit)
        return {
            "lines": audit.lines.prefetch_related("evidence"),
            "findings": audit.findings.select_related("owner").order_by("reference"),
            "conflicts": objectivity_conflicts(
                [audit.lead_auditor, *audit.team.all()],
                scope_clauses=audit.scope_clauses,
                scope_controls=audit.scope_controls,
                ai_systems=list(audit.ai_systems.all()),
            ),
            "may_run": may_run and not audit.is_frozen,
            "may_fill": may_run and audit.status == AuditStatus.IN_PROGRESS,
            "transitions": [
                (status, AuditStatus(status).label)
                for status in AUDIT_TRANSITIONS.get(audit.status, ())
            ]
            if may_run
            or (audit.status == AuditStatus.REPORTED and can(user, "change", Audit))
            else [],
        }


class AuditEditView(generic.ObjectEditView):
    queryset = Audit.objects.select_related("programme")
    form_class = AuditForm

    def get_initial(self):
        programme = self.request.GET.get("programme", "")
        return {
            "lead_auditor": self.request.user.pk
            if can(self.request.user, "conduct", Audit)
            else None,
            "programme": programme if programme.isdigit() else None,
        }

    def save(self, form):
        return audit_save(
            audit=form.instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
        )


class AuditResultsView(generic.ObjectEditView):
    """The summary of results and the actual dates: written by whoever conducts the
    audit (run), who need not be allowed to change its plan."""

    queryset = Audit.objects.all()
    form_class = AuditResultsForm
    template_name = "audit/audit_results.html"

    def get_object(self, **kwargs):
        self.action = "run"
        return generic.BaseObjectView.get_object(self, **kwargs)

    def base_context(self, **extra):
        context = super().base_context(**extra)
        context["url_prefix"] = "audit:audit"
        return context

    def save(self, form):
        data = form.cleaned_data
        return audit_record_results(
            audit=form.instance,
            actor=self.request.user,
            changes={name: data[name] for name in AuditResultsForm.Meta.fields},
            expected_version=data.get("_version"),
        )


class AuditDeleteView(FrozenDeleteMixin, generic.ObjectDeleteView):
    queryset = Audit.objects.all()

    def is_frozen(self, obj):
        return obj.status != AuditStatus.PLANNED


class AuditTransitionView(View):
    def post(self, request, pk):
        audit = get_object_or_404(visible_to(Audit.objects.all(), request.user), pk=pk)
        try:
            audit = audit_transition(
                audit=audit,
                to_status=request.POST.get("status", ""),
                actor=request.user,
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(
                request,
                f"{audit.reference} is now {audit.get_status_display().lower()}.",
            )
        return redirect(audit.get_absolute_url())


class ChecklistLineEditView(generic.ObjectEditView):
    """Record a checklist result: the audit's auditors, while it is in progress."""

    queryset = ChecklistLine.objects.select_related("audit")
    form_class = ChecklistLineForm
    template_name = "audit/checklistline_edit.html"

    def base_context(self, **extra):
        context = super().base_context(**extra)
        context["url_prefix"] = "audit:audit"
        return context

    def save(self, form):
        return checklist_line_save(
            line=form.instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
        )

    def post(self, request, **kwargs):
        response = super().post(request, **kwargs)
        if response.status_code == 302 and not request.POST.get("next"):
            line = self.get_queryset().get(pk=kwargs["pk"])
            return redirect(line.audit.get_absolute_url() + f"#line-{line.pk}")
        return response


__all__ = [
    "AuditDeleteView",
    "AuditDetailView",
    "AuditEditView",
    "AuditListView",
    "AuditProgrammeApproveView",
    "AuditProgrammeCoverageView",
    "AuditProgrammeDeleteView",
    "AuditProgrammeDetailView",
    "AuditProgrammeEditView",
    "AuditProgrammeListView",
    "AuditProgrammeNewVersionView",
    "AuditResultsView",
    "AuditTransitionView",
    "ChecklistLineEditView",
]
