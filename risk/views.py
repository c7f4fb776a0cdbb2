from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from aims.permissions import can, visible_to
from aims.reauth import SensitiveActionMixin
from aims.views import generic

from .choices import RiskStatus
from .exports import risk_exporter
from .filtersets import RiskFilterSet
from .forms import RiskAcceptForm, RiskCriteriaForm, RiskForm, TreatmentActionForm
from .heatmap import heat_maps
from .models import Risk, RiskCriteria, TreatmentAction
from .services import (
    TRANSITIONS,
    acceptance_options,
    criteria_current,
    criteria_publish,
    lifecycle_warnings,
    risk_accept,
    risk_acceptance_reject,
    risk_acceptance_request,
    risk_review,
    risk_save,
    risk_transition,
    treatment_action_save,
)
from .tables import RiskTable

RISK_FIELDSETS = [
    (
        "Risk",
        [
            "reference",
            "ai_system",
            "title",
            "description",
            "risk_source",
            "cause",
            "consequence",
            "objectives",
            "owner",
        ],
    ),
    ("Treatment", ["treatment", "treatment_rationale"]),
    ("Review", ["status", "review_frequency", "next_review_date", "criteria"]),
]


class RiskListView(generic.ObjectListView):
    queryset = Risk.objects.select_related("ai_system", "owner", "criteria")
    filterset_class = RiskFilterSet
    table_class = RiskTable
    exporter = risk_exporter
    export_key = "risks"

    def get_extra_context(self, rows):
        return {"heat_maps": heat_maps(rows, criteria_current())}


class RiskDetailView(generic.ObjectDetailView):
    queryset = Risk.objects.select_related(
        "ai_system", "owner", "criteria", "risk_source", "accepted_by"
    ).prefetch_related("objectives", "controls__control")
    fieldsets = RISK_FIELDSETS

    def get_extra_context(self, risk):
        user = self.request.user
        may_change = can(user, "change", risk)
        return {
            "actions": risk.actions.select_related("owner"),
            "transitions": [
                (status, RiskStatus(status).label, lifecycle_warnings(risk, status))
                for status in TRANSITIONS.get(risk.status, ())
            ]
            if may_change
            else [],
            "acceptance": acceptance_options(user, risk),
            "may_plan": may_change,
            "accept_form": RiskAcceptForm(),
        }


class RiskEditView(generic.ObjectEditView):
    queryset = Risk.objects.select_related("criteria")
    form_class = RiskForm

    def get_initial(self):
        system = self.request.GET.get("ai_system", "")
        return {
            "owner": self.request.user.pk,
            "ai_system": system if system.isdigit() else None,
        }

    def get_form_kwargs(self, obj):
        return {"criteria": obj.criteria if obj.criteria_id else criteria_current()}

    def save(self, form):
        return risk_save(
            risk=form.instance,
            actor=self.request.user,
            m2m={"objectives": form.cleaned_data["objectives"]},
            controls=form.cleaned_data["controls"],
            expected_version=form.cleaned_data.get("_version"),
        )


class RiskDeleteView(generic.ObjectDeleteView):
    queryset = Risk.objects.all()


class _RiskWorkflowView(View):
    """Base of the buttons on a risk page: load what the user may see, call a service."""

    def get_risk(self, pk) -> Risk:
        return get_object_or_404(
            visible_to(Risk.objects.select_related("criteria"), self.request.user),
            pk=pk,
        )

    def done(self, risk, message):
        messages.success(self.request, message)
        return redirect(risk.get_absolute_url())


class RiskTransitionView(_RiskWorkflowView):
    def post(self, request, pk):
        risk = self.get_risk(pk)
        if not can(request.user, "change", risk):
            raise PermissionDenied(
                "Only the risk owner or an AIMS manager may change its status."
            )
        try:
            risk_transition(
                risk=risk,
                to_status=request.POST.get("status", ""),
                actor=request.user,
                confirm_note=request.POST.get("confirm_note", "")[:1000],
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
            return redirect(risk.get_absolute_url())
        return self.done(
            risk, f"{risk.reference} is now {risk.get_status_display().lower()}."
        )


class RiskReviewView(_RiskWorkflowView):
    def post(self, request, pk):
        risk = self.get_risk(pk)
        if not can(request.user, "change", risk):
            raise PermissionDenied(
                "Only the risk owner or an AIMS manager may record a review."
            )
        risk_review(
            risk=risk, actor=request.user, note=request.POST.get("note", "")[:1000]
        )
        return self.done(
            risk, f"Review recorded; next review on {risk.next_review_date:%Y-%m-%d}."
        )


class RiskAcceptView(SensitiveActionMixin, _RiskWorkflowView):
    """Acceptance of the residual risk: accept it, request it from the committee (above
    the appetite), or, for the committee, decide a pending request. The page offers only
    the act the user can complete and says why when there is none."""

    template_name = "risk/risk_accept.html"

    def options(self, risk) -> dict[str, bool]:
        options = acceptance_options(self.request.user, risk)
        if not any(options.values()):
            raise PermissionDenied(_no_acceptance_reason(self.request.user, risk))
        return options

    def get(self, request, pk):
        risk = self.get_risk(pk)
        options = self.options(risk)
        return self._render(risk, options, RiskAcceptForm())

    def post(self, request, pk):
        risk = self.get_risk(pk)
        options = self.options(risk)
        form = RiskAcceptForm(request.POST)
        decision = request.POST.get("decision", "accept")
        # The services check who may do what (a 400 with the reason, as in the API).
        if form.is_valid():
            text = form.cleaned_data["rationale"]
            revisit_on = form.cleaned_data["revisit_on"]
            try:
                if decision == "request":
                    risk_acceptance_request(
                        risk=risk,
                        actor=request.user,
                        rationale=text,
                        revisit_on=revisit_on,
                    )
                    message = (
                        f"Acceptance of {risk.reference} requested; the governance "
                        "committee is told."
                    )
                elif decision == "reject":
                    risk_acceptance_reject(risk=risk, actor=request.user, comment=text)
                    message = f"Acceptance request of {risk.reference} rejected; the owner is told."
                else:
                    risk_accept(
                        risk=risk,
                        actor=request.user,
                        rationale=text,
                        revisit_on=revisit_on,
                        confirm_note=form.cleaned_data["confirm_note"],
                    )
                    message = (
                        f"Residual risk of {risk.reference} accepted until "
                        f"{risk.acceptance_revisit_on:%Y-%m-%d}."
                    )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(
                        field if field in ("revisit_on", "confirm_note") else None,
                        errors,
                    )
            else:
                return self.done(risk, message)
        risk.refresh_from_db()
        return self._render(risk, options, form, status=400)

    def _render(self, risk, options, form, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "risk": risk,
                "form": form,
                "options": options,
                # Accepting (not requesting) is the move the warnings are about.
                "acceptance_warnings": lifecycle_warnings(risk, RiskStatus.ACCEPTED)
                if options["accept"] or options["decide"]
                else [],
            },
            status=status,
        )


def _no_acceptance_reason(user, risk) -> str:
    if not (can(user, "change", risk) or can(user, "accept_above_appetite", Risk)):
        return (
            "Only the risk owner, an AIMS manager or the governance committee acts on "
            "the acceptance of a risk."
        )
    if risk.acceptance_pending:
        return "Acceptance is already requested; the governance committee decides."
    if risk.status == RiskStatus.ACCEPTED:
        return f"{risk.reference} is already accepted."
    return (
        f"{risk.reference} is {risk.get_status_display().lower()}: treat it (or plan to "
        "accept it) and assess its residual risk before acceptance."
    )


class TreatmentActionEditView(generic.ObjectEditView):
    """Add (under /risks/<risk>/actions/add/) or edit a step of a treatment plan."""

    queryset = TreatmentAction.objects.select_related("risk")
    form_class = TreatmentActionForm

    def new_object(self, risk_pk):
        risk = get_object_or_404(
            visible_to(Risk.objects.all(), self.request.user), pk=risk_pk
        )
        if not can(self.request.user, "change", risk):
            raise PermissionDenied("You may not change this risk's treatment plan.")
        return TreatmentAction(risk=risk)

    def get_initial(self):
        return {"owner": self.request.user.pk}

    def save(self, form):
        return treatment_action_save(
            action=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )


class TreatmentActionDeleteView(generic.ObjectDeleteView):
    queryset = TreatmentAction.objects.select_related("risk")

    def post(self, request, pk):
        action = self.get_object(pk=pk)
        risk_url = action.risk.get_absolute_url()
        self.delete(action)
        messages.success(request, f"Deleted treatment action '{action}'.")
        return redirect(risk_url)


class RiskCriteriaListView(View):
    """The current criteria and every earlier version (ISO/IEC 42001 6.1.1)."""

    def get(self, request):
        if not can(request.user, "view", RiskCriteria):
            raise PermissionDenied("You may not see the risk criteria.")
        current = criteria_current()
        return render(
            request,
            "risk/riskcriteria_list.html",
            {
                "current": current,
                "versions": RiskCriteria.objects.select_related("created_by"),
                "may_publish": can(request.user, "add", RiskCriteria),
                "cells": _matrix(current),
            },
        )


class RiskCriteriaDetailView(View):
    def get(self, request, pk):
        if not can(request.user, "view", RiskCriteria):
            raise PermissionDenied("You may not see the risk criteria.")
        criteria = get_object_or_404(RiskCriteria, pk=pk)
        return render(
            request,
            "risk/riskcriteria_list.html",
            {
                "current": criteria,
                "versions": RiskCriteria.objects.select_related("created_by"),
                "cells": _matrix(criteria),
                "viewing_old": not criteria.is_current,
            },
        )


class RiskCriteriaPublishView(SensitiveActionMixin, View):
    template_name = "risk/riskcriteria_publish.html"

    def dispatch(self, request, *args, **kwargs):
        if not can(request.user, "add", RiskCriteria):
            raise PermissionDenied("Only AIMS managers publish risk criteria.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(
            request,
            self.template_name,
            {"form": RiskCriteriaForm(current=criteria_current())},
        )

    def post(self, request):
        form = RiskCriteriaForm(request.POST, current=criteria_current())
        if form.is_valid():
            try:
                criteria = criteria_publish(
                    actor=request.user,
                    change_note=form.cleaned_data["change_note"],
                    **form.criteria_values(),
                )
            except ValidationError as exc:
                generic._add_validation_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Published {criteria}. Existing risks keep the version they were assessed under.",
                )
                return redirect("risk:riskcriteria_list")
        return render(request, self.template_name, {"form": form}, status=400)


def _matrix(criteria: RiskCriteria) -> list[tuple[str, list[tuple]]]:
    """(likelihood label, [(score, level, colour) per impact]) from the highest likelihood down."""
    rows = []
    for likelihood in range(criteria.max_likelihood, 0, -1):
        cells = []
        for impact in range(1, criteria.max_impact + 1):
            score = criteria.score(likelihood, impact)
            level = criteria.level_for(score)
            cells.append((score, level, criteria.colour_for(level)))
        rows.append((criteria.likelihood_label(likelihood), cells))
    return rows
