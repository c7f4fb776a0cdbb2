"""One FilterSet per record type, shared by the list pages and the API."""

import django_filters
from django.contrib.auth import get_user_model

from aims.autocomplete import AutocompleteSelect
from aims.filtersets import SearchFilterSet, StrictBooleanFilter
from registry.models import AISystem

from .choices import (
    AppliesTo,
    ChangeStatus,
    Channel,
    DocumentType,
    IssueCategory,
    IssueKind,
    ObjectiveConcern,
    ObjectiveStatus,
    RecordStatus,
    ScopeStatus,
    SystemRole,
    TrainingKind,
    VersionStatus,
)
from .models import (
    AimsRole,
    Commitment,
    CommunicationItem,
    CommunicationRecord,
    CompetenceRequirement,
    ContextIssue,
    Document,
    DocumentVersion,
    Indicator,
    InterestedParty,
    Measurement,
    Objective,
    PartyRequirement,
    PlannedChange,
    RoleAssignment,
    ScopeVersion,
    SystemRoleAssignment,
    TrainingRecord,
)


def _users():
    return get_user_model().objects.filter(is_active=True)


def _owner_filter(field_name="owner", label="Owner"):
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        label=label,
        queryset=_users(),
        widget=AutocompleteSelect("aims.user"),
    )


class ContextIssueFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "description", "effect", "source")
    kind = django_filters.ChoiceFilter(choices=IssueKind.choices)
    category = django_filters.MultipleChoiceFilter(choices=IssueCategory.choices)
    status = django_filters.ChoiceFilter(choices=RecordStatus.choices)
    owner = _owner_filter()
    is_climate_change = StrictBooleanFilter(
        method="filter_climate", label="Climate change"
    )

    class Meta:
        model = ContextIssue
        fields = ["kind", "category", "status", "owner"]

    def filter_climate(self, queryset, name, value):
        return queryset.filter(is_climate_change=value == "true")


class InterestedPartyFilterSet(SearchFilterSet):
    search_fields = ("reference", "name", "needs_and_expectations")
    kind = django_filters.ChoiceFilter(choices=IssueKind.choices)
    status = django_filters.ChoiceFilter(choices=RecordStatus.choices)
    owner = _owner_filter()

    class Meta:
        model = InterestedParty
        fields = ["kind", "status", "owner"]


class PartyRequirementFilterSet(SearchFilterSet):
    search_fields = ("requirement", "how_addressed", "party__name")
    party = django_filters.ModelChoiceFilter(
        queryset=InterestedParty.objects.all(),
        widget=AutocompleteSelect("governance.interestedparty"),
    )
    adopted = StrictBooleanFilter(method="filter_adopted", label="Adopted")

    class Meta:
        model = PartyRequirement
        fields = ["party"]

    def filter_adopted(self, queryset, name, value):
        return queryset.filter(adopted=value == "true")


class ScopeVersionFilterSet(SearchFilterSet):
    search_fields = ("statement", "boundaries", "summary_of_changes")
    status = django_filters.ChoiceFilter(choices=ScopeStatus.choices)

    class Meta:
        model = ScopeVersion
        fields = ["status"]


class DocumentFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "purpose", "external_source")
    doc_type = django_filters.MultipleChoiceFilter(
        choices=DocumentType.choices, label="Type"
    )
    owner = _owner_filter()
    review_due_by = django_filters.DateFilter(
        field_name="next_review_date", lookup_expr="lte", label="Review due by"
    )

    class Meta:
        model = Document
        fields = ["doc_type", "classification", "owner"]


class DocumentVersionFilterSet(SearchFilterSet):
    search_fields = ("document__reference", "document__title", "change_summary")
    document = django_filters.ModelChoiceFilter(
        queryset=Document.objects.all(),
        widget=AutocompleteSelect("governance.document"),
    )
    status = django_filters.MultipleChoiceFilter(choices=VersionStatus.choices)

    class Meta:
        model = DocumentVersion
        fields = ["document", "status"]


class ObjectiveFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "description", "target")
    status = django_filters.ChoiceFilter(choices=ObjectiveStatus.choices)
    concerns = django_filters.ChoiceFilter(choices=ObjectiveConcern.choices)
    owner = _owner_filter()
    ai_system = django_filters.ModelChoiceFilter(
        field_name="ai_systems",
        queryset=AISystem.objects.all(),
        widget=AutocompleteSelect("registry.aisystem"),
        label="AI system",
    )

    class Meta:
        model = Objective
        fields = ["status", "concerns", "owner"]


class IndicatorFilterSet(SearchFilterSet):
    search_fields = ("name", "objective__reference", "objective__title")
    objective = django_filters.ModelChoiceFilter(
        queryset=Objective.objects.all(),
        widget=AutocompleteSelect("governance.objective"),
    )
    closed = StrictBooleanFilter(method="filter_closed", label="Closed")

    class Meta:
        model = Indicator
        fields = ["objective", "frequency"]

    def filter_closed(self, queryset, name, value):
        return queryset.filter(closed=value == "true")


class MeasurementFilterSet(SearchFilterSet):
    search_fields = ("period", "note", "indicator__name")
    indicator = django_filters.ModelChoiceFilter(
        queryset=Indicator.objects.select_related("objective"),
        widget=AutocompleteSelect("governance.indicator"),
    )
    objective = django_filters.ModelChoiceFilter(
        field_name="indicator__objective",
        queryset=Objective.objects.all(),
        widget=AutocompleteSelect("governance.objective"),
    )
    since = django_filters.DateFilter(field_name="measured_on", lookup_expr="gte")
    until = django_filters.DateFilter(field_name="measured_on", lookup_expr="lte")

    class Meta:
        model = Measurement
        fields = ["indicator", "objective"]


class PlannedChangeFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "description", "purpose")
    status = django_filters.MultipleChoiceFilter(choices=ChangeStatus.choices)
    responsible = _owner_filter("responsible", "Responsible")

    class Meta:
        model = PlannedChange
        fields = ["status", "responsible"]


class AimsRoleFilterSet(SearchFilterSet):
    search_fields = ("name", "responsibilities", "authorities")
    top_management = StrictBooleanFilter(method="filter_top", label="Top management")

    class Meta:
        model = AimsRole
        fields = ["top_management"]

    def filter_top(self, queryset, name, value):
        return queryset.filter(top_management=value == "true")


class RoleAssignmentFilterSet(SearchFilterSet):
    search_fields = ("role__name", "person__username", "person__last_name")
    role = django_filters.ModelChoiceFilter(queryset=AimsRole.objects.all())
    person = _owner_filter("person", "Holder")

    class Meta:
        model = RoleAssignment
        fields = ["role", "person"]


class SystemRoleAssignmentFilterSet(SearchFilterSet):
    search_fields = ("ai_system__reference", "ai_system__name", "person__username")
    ai_system = django_filters.ModelChoiceFilter(
        queryset=AISystem.objects.all(),
        widget=AutocompleteSelect("registry.aisystem"),
        label="AI system",
    )
    role = django_filters.ChoiceFilter(choices=SystemRole.choices)
    person = _owner_filter("person", "Holder")

    class Meta:
        model = SystemRoleAssignment
        fields = ["ai_system", "role", "person"]


class CommitmentFilterSet(SearchFilterSet):
    search_fields = ("statement",)
    made_by = _owner_filter("made_by", "Made by")

    class Meta:
        model = Commitment
        fields = ["made_by"]


class CompetenceRequirementFilterSet(SearchFilterSet):
    search_fields = ("title", "description")
    applies_to = django_filters.ChoiceFilter(choices=AppliesTo.choices)
    aims_role = django_filters.ModelChoiceFilter(queryset=AimsRole.objects.all())
    system_role = django_filters.ChoiceFilter(
        choices=SystemRole.choices, label="AI-system role"
    )
    ai_literacy = StrictBooleanFilter(method="filter_literacy", label="AI literacy")

    class Meta:
        model = CompetenceRequirement
        fields = ["applies_to", "aims_role", "system_role"]

    def filter_literacy(self, queryset, name, value):
        return queryset.filter(ai_literacy=value == "true")


class TrainingRecordFilterSet(SearchFilterSet):
    search_fields = ("title", "provider", "person__username", "person__last_name")
    person = _owner_filter("person", "Person")
    requirement = django_filters.ModelChoiceFilter(
        queryset=CompetenceRequirement.objects.all()
    )
    kind = django_filters.ChoiceFilter(choices=TrainingKind.choices)
    expires_by = django_filters.DateFilter(
        field_name="expires_on", lookup_expr="lte", label="Expires by"
    )

    class Meta:
        model = TrainingRecord
        fields = ["person", "requirement", "kind"]


class CommunicationItemFilterSet(SearchFilterSet):
    search_fields = ("topic", "audience", "timing")
    reach = django_filters.ChoiceFilter(choices=IssueKind.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    communicator = _owner_filter("communicator", "Who communicates")

    class Meta:
        model = CommunicationItem
        fields = ["reach", "channel", "communicator"]


class CommunicationRecordFilterSet(SearchFilterSet):
    search_fields = ("summary", "item__topic")
    item = django_filters.ModelChoiceFilter(queryset=CommunicationItem.objects.all())
    since = django_filters.DateFilter(field_name="happened_on", lookup_expr="gte")

    class Meta:
        model = CommunicationRecord
        fields = ["item"]
