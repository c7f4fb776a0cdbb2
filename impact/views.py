"""Pages of the impact app: assessments with their questionnaire and impacts, the
EU AI Act classification with its obligations, FRIAs and the template versions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from aims.permissions import can, visible_to
from aims.reauth import SensitiveActionMixin
from aims.services import EditConflict
from aims.views import generic
from registry.models import AISystem

from . import reference
from .choices import AssessmentStatus
from .filtersets import ClassificationFilterSet, ImpactAssessmentFilterSet
from .forms import (
    ApproveForm,
    AssessmentForm,
    ClassificationForm,
    FRIAForm,
    ImpactForm,
    ObligationForm,
    OverrideForm,
    QuestionnaireForm,
    ReturnForm,
    TemplatePublishForm,
)
from .models import (
    FRIA,
    AssessmentTemplate,
    Classification,
    Impact,
    ImpactAssessment,
    Obligation,
)
from .selectors import compare_revisions, system_overview
from .services import (
    answers_save,
    assessment_approve,
    assessment_return,
    assessment_revise,
    assessment_save,
    assessment_start,
    assessment_submit,
    classification_override,
    classification_record,
    fria_prefill,
    fria_save,
    impact_create_risk,
    impact_delete,
    impact_save,
    may_create_risk,
    obligation_save,
    open_high_impacts,
    template_current,
    template_publish,
    visible_answers,
)
from .tables import ClassificationTable, ImpactAssessmentTable

ASSESSMENT_FIELDSETS = [
    (
        "Assessment",
        [
            "reference",
            "revision",
            "ai_system",
            "template",
            "trigger",
            "owner",
            "assessor",
            "status",
        ],
    ),
    (
        "Sign-off and retention",
        [
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "approval_note",
            "retention_until",
            "next_review_date",
        ],
    ),
]


def _errors_to_messages(request, exc: ValidationError):
    for field, errors in getattr(exc, "message_dict", {"": exc.messages}).items():
        for error in errors:
            messages.error(
                request, f"{field}: {error}" if field and field != "__all__" else error
            )


def _visible_assessment(request, pk) -> ImpactAssessment:
    return get_object_or_404(
        visible_to(
            ImpactAssessment.objects.select_related("ai_system", "template", "owner"),
            request.user,
        ),
        pk=pk,
    )


def _visible_system(request, pk) -> AISystem:
    return get_object_or_404(visible_to(AISystem.objects.all(), request.user), pk=pk)


# Assessments


class ImpactAssessmentListView(generic.ObjectListView):
    queryset = ImpactAssessment.objects.select_related("ai_system", "owner")
    filterset_class = ImpactAssessmentFilterSet
    table_class = ImpactAssessmentTable


class ImpactAssessmentDetailView(generic.ObjectDetailView):
    queryset = ImpactAssessment.objects.select_related(
        "ai_system",
        "template",
        "owner",
        "assessor",
        "submitted_by",
        "approved_by",
        "previous",
    )
    fieldsets = ASSESSMENT_FIELDSETS

    def record_context(self, obj, active_tab):
        context = super().record_context(obj, active_tab)
        if obj.frozen:
            # Approved revisions are kept as approved: no Edit or Delete to offer.
            context["permitted"] = context["permitted"] - {"change", "delete"}
        return context

    def get_extra_context(self, assessment):
        user = self.request.user
        may_change = can(user, "change", assessment)
        approver = can(user, "approve", ImpactAssessment)
        impacts = list(assessment.impacts.select_related("risk"))
        newest = ImpactAssessment.objects.current_for(assessment.ai_system)
        return {
            "sections": list(visible_answers(assessment.template, assessment.answers)),
            "impacts": impacts,
            "risks_visible": _visible_risk_impacts(user, impacts),
            "charter": reference.charter_rights(),
            "may_edit": may_change and assessment.status == AssessmentStatus.DRAFT,
            "may_submit": may_change and assessment.status == AssessmentStatus.DRAFT,
            "may_decide": approver and assessment.status == AssessmentStatus.IN_REVIEW,
            "may_revise": assessment.status == AssessmentStatus.APPROVED
            and newest.pk == assessment.pk
            and (can(user, "change", assessment.ai_system) or may_change),
            "may_create_risk": bool(impacts) and may_create_risk(user, impacts[0]),
            "blocking": open_high_impacts(assessment)
            if assessment.status != AssessmentStatus.APPROVED
            else [],
            "revisions": ImpactAssessment.objects.filter(ai_system=assessment.ai_system)
            .exclude(pk=assessment.pk)
            .order_by("-revision"),
            "return_form": ReturnForm(),
        }


def _visible_risk_impacts(user, impacts) -> set[int]:
    """The impacts whose linked risk the user may see, in one query for all of them."""
    from risk.models import Risk

    risk_ids = {i.risk_id for i in impacts if i.risk_id}
    if not risk_ids:
        return set()
    visible = set(
        visible_to(Risk.objects.filter(pk__in=risk_ids), user).values_list(
            "pk", flat=True
        )
    )
    return {i.pk for i in impacts if i.risk_id in visible}


class ImpactAssessmentEditView(generic.ObjectEditView):
    queryset = ImpactAssessment.objects.select_related("ai_system")
    form_class = AssessmentForm

    def new_object(self, **kwargs):
        raise Http404("Start an impact assessment from the AI system's page.")

    def get_object(self, **kwargs):
        obj = super().get_object(**kwargs)
        if obj.frozen:
            raise PermissionDenied(
                "An approved assessment is frozen: start a revision to change it."
            )
        return obj

    def save(self, form):
        return assessment_save(
            assessment=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )


class ImpactAssessmentDeleteView(generic.ObjectDeleteView):
    queryset = ImpactAssessment.objects.all()

    def get_object(self, **kwargs):
        obj = super().get_object(**kwargs)
        if obj.status != AssessmentStatus.DRAFT:
            raise PermissionDenied(
                "Only a draft assessment can be deleted; approved ones are retained."
            )
        return obj


class AssessmentStartView(View):
    def post(self, request, system_pk):
        system = _visible_system(request, system_pk)
        try:
            assessment = assessment_start(system=system, actor=request.user)
        except ValidationError as exc:
            _errors_to_messages(request, exc)
            return redirect(system.get_absolute_url())
        messages.success(
            request,
            f"Started {assessment}. Answer the questions, record the impacts, then submit.",
        )
        return redirect("impact:impactassessment_answers", assessment.pk)


class QuestionnaireView(View):
    template_name = "impact/questionnaire.html"

    def load(self, request, pk):
        assessment = _visible_assessment(request, pk)
        if not can(request.user, "change", assessment):
            raise PermissionDenied(
                "Only the assessment's owner or assessor may answer it."
            )
        if assessment.frozen:
            raise PermissionDenied(
                "An approved assessment is frozen: start a revision to change it."
            )
        if assessment.status != AssessmentStatus.DRAFT:
            raise PermissionDenied(
                "The assessment is in review: it is answered again once returned to draft."
            )
        return assessment

    def get(self, request, pk):
        assessment = self.load(request, pk)
        form = QuestionnaireForm(
            template=assessment.template,
            answers=assessment.answers,
            initial={"_version": assessment.version},
        )
        return render(
            request, self.template_name, {"assessment": assessment, "form": form}
        )

    def post(self, request, pk):
        assessment = self.load(request, pk)
        form = QuestionnaireForm(
            request.POST, template=assessment.template, answers=assessment.answers
        )
        status = 400
        if form.is_valid():
            try:
                answers_save(
                    assessment=assessment,
                    actor=request.user,
                    answers=form.answers(),
                    expected_version=form.cleaned_data.get("_version"),
                )
                if "submit" in request.POST:
                    assessment_submit(assessment=assessment, actor=request.user)
                    messages.success(request, f"{assessment} submitted for approval.")
                else:
                    messages.success(request, "Answers saved.")
                return redirect(assessment.get_absolute_url())
            except EditConflict as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
                assessment.refresh_from_db()
        return render(
            request,
            self.template_name,
            {"assessment": assessment, "form": form},
            status=status,
        )


class _WorkflowView(View):
    def done(self, assessment, message):
        messages.success(self.request, message)
        return redirect(assessment.get_absolute_url())


class AssessmentSubmitView(_WorkflowView):
    def post(self, request, pk):
        assessment = _visible_assessment(request, pk)
        try:
            assessment_submit(assessment=assessment, actor=request.user)
        except ValidationError as exc:
            _errors_to_messages(request, exc)
            return redirect(assessment.get_absolute_url())
        return self.done(assessment, f"{assessment} submitted for approval.")


class AssessmentReturnView(_WorkflowView):
    def post(self, request, pk):
        assessment = _visible_assessment(request, pk)
        try:
            assessment_return(
                assessment=assessment,
                actor=request.user,
                note=request.POST.get("note", "")[:2000],
            )
        except ValidationError as exc:
            _errors_to_messages(request, exc)
            return redirect(assessment.get_absolute_url())
        return self.done(assessment, f"{assessment} returned to draft.")


class AssessmentApproveView(SensitiveActionMixin, _WorkflowView):
    template_name = "impact/approve.html"

    def load(self, request, pk):
        assessment = _visible_assessment(request, pk)
        if not can(request.user, "approve", ImpactAssessment):
            raise PermissionDenied(
                "Only the governance committee or a designated approver may approve."
            )
        return assessment

    def get(self, request, pk):
        assessment = self.load(request, pk)
        return render(
            request,
            self.template_name,
            {
                "assessment": assessment,
                "form": ApproveForm(),
                "blocking": open_high_impacts(assessment),
            },
        )

    def post(self, request, pk):
        assessment = self.load(request, pk)
        form = ApproveForm(request.POST)
        if form.is_valid():
            try:
                assessment_approve(
                    assessment=assessment,
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                for errors in exc.message_dict.values():
                    for error in errors:
                        form.add_error(None, error)
            else:
                return self.done(assessment, f"{assessment} approved.")
        assessment.refresh_from_db()
        return render(
            request,
            self.template_name,
            {
                "assessment": assessment,
                "form": form,
                "blocking": open_high_impacts(assessment),
            },
            status=400,
        )


class AssessmentReviseView(_WorkflowView):
    def post(self, request, pk):
        assessment = _visible_assessment(request, pk)
        try:
            revision = assessment_revise(assessment=assessment, actor=request.user)
        except ValidationError as exc:
            _errors_to_messages(request, exc)
            return redirect(assessment.get_absolute_url())
        return self.done(revision, f"Revision {revision.revision} started as a draft.")


class AssessmentCompareView(View):
    def get(self, request, pk):
        assessment = _visible_assessment(request, pk)
        other_pk = request.GET.get("with") or (
            assessment.previous_id and str(assessment.previous_id)
        )
        if not other_pk or not str(other_pk).isdigit():
            raise Http404("Choose a revision to compare with.")
        other = _visible_assessment(request, int(other_pk))
        if other.ai_system_id != assessment.ai_system_id:
            raise Http404("Compare revisions of the same system's assessment.")
        older, newer = sorted((assessment, other), key=lambda a: a.revision)
        return render(
            request,
            "impact/compare.html",
            {
                "older": older,
                "newer": newer,
                "assessment": assessment,
                **compare_revisions(older, newer),
            },
        )


# Impacts


class ImpactEditView(generic.ObjectEditView):
    queryset = Impact.objects.select_related("assessment", "assessment__ai_system")
    form_class = ImpactForm

    def new_object(self, assessment_pk):
        assessment = _visible_assessment(self.request, assessment_pk)
        if not can(self.request.user, "change", assessment):
            raise PermissionDenied("You may not change this assessment.")
        if assessment.frozen:
            raise PermissionDenied(
                "An approved assessment is frozen: start a revision to change it."
            )
        return Impact(assessment=assessment)

    def get_object(self, **kwargs):
        obj = super().get_object(**kwargs)
        if obj.assessment.frozen:
            raise PermissionDenied(
                "An approved assessment is frozen: start a revision to change it."
            )
        return obj

    def save(self, form):
        return impact_save(
            impact=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )


class ImpactDeleteView(View):
    def post(self, request, pk):
        impact = get_object_or_404(
            visible_to(Impact.objects.select_related("assessment"), request.user), pk=pk
        )
        impact_delete(impact=impact, actor=request.user)
        messages.success(request, f"Removed impact '{impact}'.")
        return redirect(impact.assessment.get_absolute_url())


class ImpactRiskView(View):
    def post(self, request, pk):
        impact = get_object_or_404(
            visible_to(Impact.objects.select_related("assessment"), request.user), pk=pk
        )
        try:
            risk = impact_create_risk(impact=impact, actor=request.user)
        except ValidationError as exc:
            _errors_to_messages(request, exc)
            return redirect(impact.assessment.get_absolute_url())
        messages.success(
            request,
            f"Created {risk} from this impact; complete its treatment in the risk register.",
        )
        return redirect(
            reverse("risk:risk_edit", args=[risk.pk])
            + f"?next={impact.assessment.get_absolute_url()}"
        )


# Classification


class ClassificationListView(generic.ObjectListView):
    queryset = Classification.objects.select_related("ai_system")
    filterset_class = ClassificationFilterSet
    table_class = ClassificationTable
    template_name = "impact/classification_list.html"


class ClassificationDetailView(View):
    def get(self, request, pk):
        classification = get_object_or_404(
            visible_to(
                Classification.objects.select_related("ai_system", "created_by"),
                request.user,
            ),
            pk=pk,
        )
        return render(
            request,
            "impact/classification_detail.html",
            {
                "classification": classification,
                "system": classification.ai_system,
                **system_overview(request.user, classification.ai_system),
            },
        )


class ClassifyView(View):
    template_name = "impact/classify.html"

    def load(self, request, system_pk):
        system = _visible_system(request, system_pk)
        if not can(request.user, "change", system):
            raise PermissionDenied(
                "Only the system's owner or an AIMS manager may classify it."
            )
        return system

    def get(self, request, system_pk):
        system = self.load(request, system_pk)
        current = Classification.objects.filter(
            ai_system=system, is_current=True
        ).first()
        form = ClassificationForm(
            initial={
                "operator_role": current.operator_role
                if current
                else system.eu_operator_role,
                "notes": current.notes if current else "",
            },
            initial_answers=current.answers if current else {},
        )
        return render(request, self.template_name, {"system": system, "form": form})

    def post(self, request, system_pk):
        system = self.load(request, system_pk)
        form = ClassificationForm(request.POST)
        if form.is_valid():
            try:
                classification = classification_record(
                    system=system,
                    actor=request.user,
                    answers=form.answers(),
                    operator_role=form.cleaned_data["operator_role"],
                    notes=form.cleaned_data["notes"],
                )
            except ValidationError as exc:
                for ref, errors in exc.message_dict.items():
                    form.add_error(form.field_for_ref(ref), errors)
            else:
                messages.success(
                    request,
                    f"{system.reference} classified as {classification.get_tier_display()}.",
                )
                return redirect(classification.get_absolute_url())
        return render(
            request, self.template_name, {"system": system, "form": form}, status=400
        )


class OverrideView(SensitiveActionMixin, View):
    template_name = "impact/override.html"

    def load(self, request, system_pk):
        system = _visible_system(request, system_pk)
        if not can(request.user, "change", system):
            raise PermissionDenied(
                "Only the system's owner or an AIMS manager may set its tier."
            )
        return system

    def get(self, request, system_pk):
        return render(
            request,
            self.template_name,
            {"system": self.load(request, system_pk), "form": OverrideForm()},
        )

    def post(self, request, system_pk):
        system = self.load(request, system_pk)
        form = OverrideForm(request.POST)
        if form.is_valid():
            try:
                classification = classification_override(
                    system=system,
                    actor=request.user,
                    tier=form.cleaned_data["tier"],
                    justification=form.cleaned_data["justification"],
                )
            except ValidationError as exc:
                generic._add_validation_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Tier of {system.reference} set to {classification.get_tier_display()}.",
                )
                return redirect(classification.get_absolute_url())
        return render(
            request, self.template_name, {"system": system, "form": form}, status=400
        )


class ObligationEditView(generic.ObjectEditView):
    queryset = Obligation.objects.select_related("ai_system")
    form_class = ObligationForm
    template_name = "impact/obligation_edit.html"

    def new_object(self, **kwargs):
        raise Http404("Obligations follow from the classification.")

    def save(self, form):
        return obligation_save(
            obligation=form.instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
        )

    def render(self, context, status=200):
        context["classification"] = Classification.objects.filter(
            ai_system=context["object"].ai_system, is_current=True
        ).first()
        return super().render(context, status)


# FRIA


class FRIAEditView(View):
    template_name = "impact/fria_edit.html"

    def load(self, request, system_pk):
        system = _visible_system(request, system_pk)
        fria = FRIA.objects.filter(ai_system=system).first()
        return system, fria

    def context(self, system, fria, form):
        current = Classification.objects.filter(
            ai_system=system, is_current=True
        ).first()
        return {
            "system": system,
            "fria": fria,
            "form": form,
            "classification": current,
            "may_change": can(self.request.user, "change", system),
            "object": fria or FRIA(ai_system=system),
            "verbose_name": "fundamental rights impact assessment",
            "url_prefix": "impact:fria",
        }

    def get(self, request, system_pk):
        system, fria = self.load(request, system_pk)
        if fria is None:
            elements, assessment = fria_prefill(system)
            fria = FRIA(ai_system=system, elements=elements, assessment=assessment)
            form = FRIAForm(instance=fria, user=request.user)
            return render(request, self.template_name, self.context(system, None, form))
        form = FRIAForm(
            instance=fria, user=request.user, initial={"_version": fria.version}
        )
        return render(request, self.template_name, self.context(system, fria, form))

    def post(self, request, system_pk):
        system, fria = self.load(request, system_pk)
        if not can(request.user, "change", system):
            raise PermissionDenied(
                "Only the system's owner or an AIMS manager may edit its FRIA."
            )
        if fria is None:
            _, assessment = fria_prefill(system)
            fria = FRIA(ai_system=system, assessment=assessment)
        form = FRIAForm(request.POST, instance=fria, user=request.user)
        status = 400
        if form.is_valid():
            form.instance.elements = form.elements()
            try:
                fria_save(
                    fria=form.instance,
                    actor=request.user,
                    expected_version=form.cleaned_data.get("_version"),
                )
            except EditConflict as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                generic._add_validation_errors(form, exc)
            else:
                messages.success(request, "FRIA saved.")
                return redirect("impact:fria_edit", system.pk)
        return render(
            request,
            self.template_name,
            self.context(system, fria if fria.pk else None, form),
            status=status,
        )


# Templates


class TemplateListView(View):
    def get(self, request):
        if not can(request.user, "view", AssessmentTemplate):
            raise PermissionDenied("You may not see the impact assessment templates.")
        current = template_current()
        return render(
            request,
            "impact/template_list.html",
            {
                "current": current,
                "template": current,
                "versions": AssessmentTemplate.objects.select_related("created_by"),
                "may_publish": can(request.user, "add", AssessmentTemplate),
            },
        )


class TemplateDetailView(View):
    def get(self, request, pk):
        if not can(request.user, "view", AssessmentTemplate):
            raise PermissionDenied("You may not see the impact assessment templates.")
        template = get_object_or_404(AssessmentTemplate, pk=pk)
        return render(
            request,
            "impact/template_list.html",
            {
                "current": template_current(),
                "template": template,
                "versions": AssessmentTemplate.objects.select_related("created_by"),
                "may_publish": can(request.user, "add", AssessmentTemplate),
            },
        )


class TemplatePublishView(SensitiveActionMixin, View):
    template_name = "impact/template_publish.html"

    def dispatch(self, request, *args, **kwargs):
        if not can(request.user, "add", AssessmentTemplate):
            raise PermissionDenied(
                "Only AIMS managers publish the impact assessment template."
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        import json

        current = template_current()
        form = TemplatePublishForm(
            initial={
                "title": current.title,
                "retention_years": current.retention_years,
                "review_interval_months": current.review_interval_months,
                "sections": json.dumps(current.sections, indent=2, ensure_ascii=False),
            }
        )
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = TemplatePublishForm(request.POST)
        if form.is_valid():
            try:
                template = template_publish(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                generic._add_validation_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Published {template}. Assessments already started keep their version.",
                )
                return redirect("impact:template_list")
        return render(request, self.template_name, {"form": form}, status=400)
