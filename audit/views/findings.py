"""Pages of findings, nonconformities, corrective actions and their verification
(ISO/IEC 42001 9.2.2, 10.2)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from aims.permissions import can, visible_to
from aims.reauth import SensitiveActionMixin
from aims.views import generic

from ..choices import FindingStatus, NonconformityStatus
from ..filtersets import (
    CorrectiveActionFilterSet,
    FindingFilterSet,
    NonconformityFilterSet,
)
from ..forms import (
    CloseForm,
    CorrectiveActionForm,
    FindingForm,
    NonconformityForm,
    VerificationForm,
)
from ..models import Audit, CorrectiveAction, Finding, Nonconformity
from ..services import (
    corrective_action_save,
    effectiveness_verify,
    finding_close,
    finding_save,
    may_verify,
    nonconformity_close,
    nonconformity_save,
)
from ..tables import CorrectiveActionTable, FindingTable, NonconformityTable
from .audits import FrozenDeleteMixin, FrozenDetailMixin, show_errors

# Findings


class FindingListView(generic.ObjectListView):
    queryset = Finding.objects.select_related("audit", "owner")
    filterset_class = FindingFilterSet
    table_class = FindingTable


class FindingDetailView(FrozenDetailMixin, generic.ObjectDetailView):
    queryset = Finding.objects.select_related(
        "audit", "owner", "checklist_line", "closed_by"
    ).prefetch_related("evidence", "ai_systems", "risks", "controls")
    template_name = "audit/finding_detail.html"
    fieldsets = [
        (
            "Finding",
            [
                "reference",
                "audit",
                "grade",
                "requirement_id",
                "checklist_line",
                "title",
                "description",
                "status",
            ],
        ),
        ("Evidence", ["objective_evidence", "evidence"]),
        ("Linked records", ["ai_systems", "risks", "controls"]),
        ("Follow-up", ["owner", "due_date", "closure_note", "closed_by", "closed_at"]),
    ]

    def is_frozen(self, obj):
        return obj.status == FindingStatus.CLOSED or obj.audit.is_frozen

    def get_extra_context(self, finding):
        user = self.request.user
        nonconformity = getattr(finding, "nonconformity", None)
        return {
            "nonconformity": nonconformity
            if nonconformity is not None and can(user, "view", nonconformity)
            else None,
            "may_close": not finding.is_nonconformity
            and finding.status != FindingStatus.CLOSED
            and (can(user, "change", finding) or can(user, "run", finding.audit)),
            "close_form": CloseForm(),
        }


class FindingEditView(generic.ObjectEditView):
    """Add a finding (under its audit: /audits/<audit>/findings/add/) or edit it."""

    queryset = Finding.objects.select_related("audit")
    form_class = FindingForm

    def new_object(self, audit_pk):
        audit = get_object_or_404(
            visible_to(Audit.objects.all(), self.request.user), pk=audit_pk
        )
        if not can(self.request.user, "run", audit):
            raise PermissionDenied("Only the audit's auditors record its findings.")
        line = self.request.GET.get("line", "")
        finding = Finding(audit=audit)
        if line.isdigit():
            chosen = audit.lines.filter(pk=int(line)).first()
            if chosen is not None:
                finding.checklist_line = chosen
                finding.requirement_id = chosen.requirement_id
                if chosen.result in ("major_nc", "minor_nc", "observation", "ofi"):
                    finding.grade = chosen.result
        return finding

    def get_initial(self):
        return {"due_date": timezone.localdate() + timezone.timedelta(days=30)}

    def save(self, form):
        return finding_save(
            finding=form.instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
        )


class FindingDeleteView(FrozenDeleteMixin, generic.ObjectDeleteView):
    queryset = Finding.objects.select_related("audit")

    def is_frozen(self, obj):
        return obj.audit.is_frozen or hasattr(obj, "nonconformity")


class FindingCloseView(View):
    def post(self, request, pk):
        finding = get_object_or_404(
            visible_to(Finding.objects.select_related("audit"), request.user), pk=pk
        )
        form = CloseForm(request.POST)
        try:
            finding_close(
                finding=finding,
                actor=request.user,
                note=form.data.get("note", ""),
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, f"Closed {finding.reference}.")
        return redirect(finding.get_absolute_url())


# Nonconformities


class NonconformityListView(generic.ObjectListView):
    queryset = Nonconformity.objects.select_related("owner")
    filterset_class = NonconformityFilterSet
    table_class = NonconformityTable


class NonconformityDetailView(FrozenDetailMixin, generic.ObjectDetailView):
    queryset = Nonconformity.objects.select_related(
        "owner", "finding", "review", "closed_by"
    )
    template_name = "audit/nonconformity_detail.html"
    fieldsets = [
        (
            "Nonconformity",
            [
                "reference",
                "source",
                "source_reference",
                "finding",
                "review",
                "grade",
                "requirement_id",
                "title",
                "description",
                "raised_on",
                "owner",
                "status",
            ],
        ),
        (
            "Correction and causes (10.2)",
            [
                "correction",
                "root_cause_method",
                "root_causes",
                "similar_nonconformities",
                "closed_by",
                "closed_at",
                "closure_note",
            ],
        ),
    ]

    def is_frozen(self, obj):
        return obj.status == NonconformityStatus.CLOSED

    def get_extra_context(self, nonconformity):
        user = self.request.user
        may_change = can(user, "change", nonconformity)
        actions = list(
            nonconformity.actions.select_related("owner").prefetch_related(
                "verifications__verified_by"
            )
        )
        # One query for the actions this user may update (their own), not one a row.
        editable = (
            set()
            if may_change
            else set(
                visible_to(nonconformity.actions.all(), user, "change").values_list(
                    "pk", flat=True
                )
            )
        )
        for action in actions:
            action.may_verify = action.status == "done" and may_verify(
                user, action, may_change=may_change
            )
            action.may_edit = may_change or action.pk in editable
        open_ = nonconformity.status != NonconformityStatus.CLOSED
        return {
            "actions": actions,
            "may_plan": may_change and open_,
            "may_close": may_change
            and nonconformity.status == NonconformityStatus.OPEN
            and any(a.status == "effective" for a in actions),
        }


class NonconformityEditView(generic.ObjectEditView):
    queryset = Nonconformity.objects.all()
    form_class = NonconformityForm

    def get_initial(self):
        return {"owner": self.request.user.pk}

    def save(self, form):
        return nonconformity_save(
            nonconformity=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )


class NonconformityDeleteView(FrozenDeleteMixin, generic.ObjectDeleteView):
    queryset = Nonconformity.objects.all()

    def is_frozen(self, obj):
        return obj.status == NonconformityStatus.CLOSED or obj.finding_id is not None


class NonconformityCloseView(SensitiveActionMixin, View):
    """Closing is a decision: the closer approves that the action worked."""

    template_name = "audit/nonconformity_close.html"

    def get_nonconformity(self, pk):
        nonconformity = get_object_or_404(
            visible_to(Nonconformity.objects.all(), self.request.user), pk=pk
        )
        if not can(self.request.user, "change", nonconformity):
            raise PermissionDenied("You may not close this nonconformity.")
        return nonconformity

    def get(self, request, pk):
        return render(
            request,
            self.template_name,
            {"nonconformity": self.get_nonconformity(pk), "form": CloseForm()},
        )

    def post(self, request, pk):
        nonconformity = self.get_nonconformity(pk)
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                nonconformity_close(
                    nonconformity=nonconformity,
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                generic._add_validation_errors(form, exc)
            else:
                messages.success(request, f"Closed {nonconformity.reference}.")
                return redirect(nonconformity.get_absolute_url())
        return render(
            request,
            self.template_name,
            {"nonconformity": nonconformity, "form": form},
            status=400,
        )


# Corrective actions


class CorrectiveActionListView(generic.ObjectListView):
    queryset = CorrectiveAction.objects.select_related("nonconformity", "owner")
    filterset_class = CorrectiveActionFilterSet
    table_class = CorrectiveActionTable


class CorrectiveActionDetailView(generic.ObjectDetailView):
    queryset = CorrectiveAction.objects.select_related("nonconformity", "owner")
    template_name = "audit/correctiveaction_detail.html"
    fieldsets = [
        (
            "Corrective action",
            [
                "nonconformity",
                "description",
                "owner",
                "due_date",
                "status",
                "completed_on",
                "verify_after_days",
                "notes",
            ],
        )
    ]

    def get_extra_context(self, action):
        return {
            "verifications": action.verifications.select_related("verified_by"),
            "may_verify": action.status == "done"
            and may_verify(self.request.user, action),
            "verification_due": action.verification_due,
        }


class CorrectiveActionEditView(generic.ObjectEditView):
    """Plan an action (under its nonconformity) or update it: its owner or whoever may
    change the nonconformity."""

    queryset = CorrectiveAction.objects.select_related("nonconformity")
    form_class = CorrectiveActionForm

    def new_object(self, nonconformity_pk):
        nonconformity = get_object_or_404(
            visible_to(Nonconformity.objects.all(), self.request.user),
            pk=nonconformity_pk,
        )
        if not can(self.request.user, "change", nonconformity):
            raise PermissionDenied("You may not plan actions for this nonconformity.")
        return CorrectiveAction(nonconformity=nonconformity)

    def get_object(self, **kwargs):
        if "pk" not in kwargs:
            return self.new_object(**kwargs)
        obj = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        if not (
            can(self.request.user, "change", obj)
            or can(self.request.user, "change", obj.nonconformity)
        ):
            raise PermissionDenied("You may not change this corrective action.")
        return obj

    def get_initial(self):
        return {"owner": self.request.user.pk}

    def save(self, form):
        return corrective_action_save(
            action=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )


class CorrectiveActionDeleteView(generic.ObjectDeleteView):
    queryset = CorrectiveAction.objects.select_related("nonconformity")

    def post(self, request, pk):
        action = self.get_object(pk=pk)
        url = action.nonconformity.get_absolute_url()
        self.delete(action)
        messages.success(request, "Deleted the corrective action.")
        return redirect(url)


class EffectivenessVerifyView(View):
    """Verify a completed action, after its set period, never one's own (10.2 d)."""

    template_name = "audit/correctiveaction_verify.html"

    def get_action(self, pk):
        action = get_object_or_404(
            visible_to(
                CorrectiveAction.objects.select_related("nonconformity", "owner"),
                self.request.user,
            ),
            pk=pk,
        )
        if self.request.user.pk == action.owner_id:
            raise PermissionDenied(
                "You cannot verify your own corrective action: someone else must."
            )
        if not can(self.request.user, "change", action.nonconformity):
            raise PermissionDenied("You may not verify this corrective action.")
        return action

    def get(self, request, pk):
        action = self.get_action(pk)
        form = VerificationForm(initial={"verified_on": timezone.localdate()})
        return render(request, self.template_name, {"action": action, "form": form})

    def post(self, request, pk):
        action = self.get_action(pk)
        form = VerificationForm(request.POST)
        if form.is_valid():
            try:
                effectiveness_verify(
                    action=action,
                    actor=request.user,
                    effective=form.cleaned_data["effective"],
                    notes=form.cleaned_data["notes"],
                    verified_on=form.cleaned_data["verified_on"],
                    new_action=form.new_action(),
                )
            except ValidationError as exc:
                renamed = {
                    "new_action": "new_description",
                    "description": "new_description",
                    "owner": "new_owner",
                    "due_date": "new_due_date",
                }
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        name = renamed.get(field, field)
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(request, "Verification recorded.")
                return redirect(action.nonconformity.get_absolute_url())
        return render(
            request, self.template_name, {"action": action, "form": form}, status=400
        )
