"""Filters of the audit app's lists, each shared by its page and the API."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from aims.autocomplete import AutocompleteSelect
from aims.filtersets import SearchFilterSet, StrictBooleanFilter
from aims.permissions import visible_to
from registry.models import AISystem

from .choices import (
    OPEN_ACTION_STATUSES,
    AuditKind,
    AuditStatus,
    CertificationStage,
    ChecklistResult,
    CorrectiveActionStatus,
    DecisionKind,
    DecisionStatus,
    FindingStatus,
    NonconformitySource,
    NonconformityStatus,
    PackStatus,
    ProgrammeStatus,
    RequirementKind,
    ReviewStatus,
)
from .models import (
    Audit,
    AuditorBundle,
    AuditProgramme,
    ChecklistLine,
    CorrectiveAction,
    EffectivenessVerification,
    EvidencePack,
    Finding,
    ManagementReview,
    ManagementReviewDecision,
    ManagementReviewInput,
    Nonconformity,
)
from .packs.registry import kinds
from .reference import finding_grade_choices, nonconformity_grade_choices


def _kind_choices():
    return [(kind.key, kind.title) for kind in kinds()]


class EvidencePackFilterSet(SearchFilterSet):
    search_fields = ("reference", "target_repr")
    kind = django_filters.ChoiceFilter(choices=_kind_choices)
    status = django_filters.MultipleChoiceFilter(choices=PackStatus.choices)
    mine = StrictBooleanFilter(method="filter_mine", label="Requested by me")
    target = django_filters.NumberFilter(field_name="target_id", label="Target id")

    class Meta:
        model = EvidencePack
        fields = ["kind", "status", "mine", "target"]

    def filter_mine(self, queryset, name, value: str):
        user = getattr(self.request, "user", None)
        if user is None:
            return queryset
        if value == "true":
            return queryset.filter(requested_by=user)
        return queryset.exclude(requested_by=user)


# Audit programme, audits, findings, corrective actions, management reviews

_users = get_user_model().objects.filter(is_active=True)


def _visible(model):
    def queryset(request):
        return visible_to(model.objects.all(), getattr(request, "user", None), "view")

    return queryset


def _today():
    return timezone.localdate()


class AuditProgrammeFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "objectives")
    status = django_filters.MultipleChoiceFilter(choices=ProgrammeStatus.choices)

    class Meta:
        model = AuditProgramme
        fields = ["status"]


class AuditFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "body_name")
    programme = django_filters.ModelChoiceFilter(queryset=AuditProgramme.objects.all())
    kind = django_filters.ChoiceFilter(choices=AuditKind.choices)
    certification_stage = django_filters.ChoiceFilter(
        choices=CertificationStage.choices
    )
    status = django_filters.MultipleChoiceFilter(choices=AuditStatus.choices)
    lead_auditor = django_filters.ModelChoiceFilter(
        queryset=_users, widget=AutocompleteSelect("aims.user")
    )
    ai_system = django_filters.ModelChoiceFilter(
        field_name="ai_systems",
        queryset=_visible(AISystem),
        label="AI system",
        widget=AutocompleteSelect("registry.aisystem"),
    )
    planned_from = django_filters.DateFilter(
        field_name="planned_start", lookup_expr="gte", label="Planned from"
    )
    planned_until = django_filters.DateFilter(
        field_name="planned_start", lookup_expr="lte", label="Planned until"
    )

    class Meta:
        model = Audit
        fields = ["programme", "kind", "status", "lead_auditor"]


class ChecklistLineFilterSet(django_filters.FilterSet):
    audit = django_filters.ModelChoiceFilter(
        queryset=_visible(Audit), widget=AutocompleteSelect("audit.audit")
    )
    result = django_filters.MultipleChoiceFilter(choices=ChecklistResult.choices)
    requirement_kind = django_filters.ChoiceFilter(choices=RequirementKind.choices)
    requirement_id = django_filters.CharFilter(label="Requirement")

    class Meta:
        model = ChecklistLine
        fields = ["audit", "result", "requirement_kind", "requirement_id"]


class FindingFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "description", "requirement_id")
    audit = django_filters.ModelChoiceFilter(
        queryset=_visible(Audit), widget=AutocompleteSelect("audit.audit")
    )
    grade = django_filters.MultipleChoiceFilter(choices=finding_grade_choices)
    status = django_filters.MultipleChoiceFilter(choices=FindingStatus.choices)
    requirement_id = django_filters.CharFilter(label="Requirement")
    owner = django_filters.ModelChoiceFilter(
        queryset=_users, widget=AutocompleteSelect("aims.user")
    )

    class Meta:
        model = Finding
        fields = ["audit", "grade", "status", "owner"]


class NonconformityFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "description", "requirement_id")
    source = django_filters.MultipleChoiceFilter(choices=NonconformitySource.choices)
    grade = django_filters.ChoiceFilter(choices=nonconformity_grade_choices)
    status = django_filters.MultipleChoiceFilter(choices=NonconformityStatus.choices)
    owner = django_filters.ModelChoiceFilter(
        queryset=_users, widget=AutocompleteSelect("aims.user")
    )
    open = StrictBooleanFilter(method="filter_open", label="Open")

    class Meta:
        model = Nonconformity
        fields = ["source", "grade", "status", "owner"]

    def filter_open(self, queryset, name, value: str):
        if value == "true":
            return queryset.exclude(status=NonconformityStatus.CLOSED)
        return queryset.filter(status=NonconformityStatus.CLOSED)


class CorrectiveActionFilterSet(SearchFilterSet):
    search_fields = ("description", "nonconformity__reference", "nonconformity__title")
    nonconformity = django_filters.ModelChoiceFilter(
        queryset=_visible(Nonconformity),
        widget=AutocompleteSelect("audit.nonconformity"),
    )
    status = django_filters.MultipleChoiceFilter(choices=CorrectiveActionStatus.choices)
    source = django_filters.MultipleChoiceFilter(
        field_name="nonconformity__source", choices=NonconformitySource.choices
    )
    grade = django_filters.ChoiceFilter(
        field_name="nonconformity__grade", choices=nonconformity_grade_choices
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=_users, widget=AutocompleteSelect("aims.user")
    )
    overdue = StrictBooleanFilter(method="filter_overdue", label="Overdue")
    unverified = StrictBooleanFilter(
        method="filter_unverified", label="Awaiting verification"
    )

    class Meta:
        model = CorrectiveAction
        fields = ["nonconformity", "status", "owner"]

    def filter_overdue(self, queryset, name, value: str):
        overdue = Q(status__in=OPEN_ACTION_STATUSES, due_date__lt=_today())
        return (
            queryset.filter(overdue) if value == "true" else queryset.exclude(overdue)
        )

    def filter_unverified(self, queryset, name, value: str):
        done = Q(status=CorrectiveActionStatus.DONE)
        return queryset.filter(done) if value == "true" else queryset.exclude(done)


class EffectivenessVerificationFilterSet(django_filters.FilterSet):
    action = django_filters.ModelChoiceFilter(queryset=_visible(CorrectiveAction))
    effective = django_filters.BooleanFilter()
    verified_by = django_filters.ModelChoiceFilter(
        queryset=_users, widget=AutocompleteSelect("aims.user")
    )

    class Meta:
        model = EffectivenessVerification
        fields = ["action", "effective", "verified_by"]


class ManagementReviewFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "minutes")
    status = django_filters.MultipleChoiceFilter(choices=ReviewStatus.choices)
    held_from = django_filters.DateFilter(
        field_name="review_date", lookup_expr="gte", label="From"
    )
    held_until = django_filters.DateFilter(
        field_name="review_date", lookup_expr="lte", label="Until"
    )

    class Meta:
        model = ManagementReview
        fields = ["status"]


class ManagementReviewInputFilterSet(django_filters.FilterSet):
    review = django_filters.ModelChoiceFilter(queryset=_visible(ManagementReview))
    input_id = django_filters.CharFilter()

    class Meta:
        model = ManagementReviewInput
        fields = ["review", "input_id"]


class ManagementReviewDecisionFilterSet(SearchFilterSet):
    search_fields = ("description", "review__reference")
    review = django_filters.ModelChoiceFilter(queryset=_visible(ManagementReview))
    kind = django_filters.ChoiceFilter(choices=DecisionKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=DecisionStatus.choices)
    owner = django_filters.ModelChoiceFilter(
        queryset=_users, widget=AutocompleteSelect("aims.user")
    )

    class Meta:
        model = ManagementReviewDecision
        fields = ["review", "kind", "status", "owner"]
class AuditorBundleFilterSet(SearchFilterSet):
    search_fields = ("reference", "purpose")
    status = django_filters.MultipleChoiceFilter(choices=PackStatus.choices)
    mine = StrictBooleanFilter(method="filter_mine", label="Requested by me")

    class Meta:
        model = AuditorBundle
        fields = ["status", "mine"]

    def filter_mine(self, queryset, name, value: str):
        user = getattr(self.request, "user", None)
        if user is None:
            return queryset
        if value == "true":
            return queryset.filter(requested_by=user)
        return queryset.exclude(requested_by=user)
