import django_filters

from aims.autocomplete import AutocompleteSelect
from aims.filtersets import SearchFilterSet, StrictBooleanFilter
from aims.permissions import visible_to
from registry.choices import EURiskTier
from registry.models import AISystem

from .choices import AssessmentStatus, ImpactLevel
from .models import Classification, Impact, ImpactAssessment, Obligation


def _visible_systems(request):
    return visible_to(AISystem.objects.all(), getattr(request, "user", None), "view")


class ImpactAssessmentFilterSet(SearchFilterSet):
    search_fields = ("reference", "ai_system__name", "ai_system__reference")
    ai_system = django_filters.ModelChoiceFilter(
        queryset=_visible_systems,
        label="AI system",
        widget=AutocompleteSelect("registry.aisystem"),
    )
    status = django_filters.MultipleChoiceFilter(choices=AssessmentStatus.choices)
    level = django_filters.MultipleChoiceFilter(
        field_name="highest_level",
        choices=ImpactLevel.choices,
        label="Highest impact level",
    )
    review_needed = StrictBooleanFilter(
        method="filter_review_needed", label="Review needed"
    )

    class Meta:
        model = ImpactAssessment
        fields = ["ai_system", "status", "level", "review_needed"]

    def filter_review_needed(self, queryset, name, value: str):
        return queryset.filter(review_needed=value == "true")


class ImpactFilterSet(django_filters.FilterSet):
    assessment = django_filters.NumberFilter(field_name="assessment_id")
    level = django_filters.MultipleChoiceFilter(choices=ImpactLevel.choices)

    class Meta:
        model = Impact
        fields = ["assessment", "level"]


class ClassificationFilterSet(SearchFilterSet):
    search_fields = ("ai_system__name", "ai_system__reference")
    ai_system = django_filters.ModelChoiceFilter(
        queryset=_visible_systems,
        label="AI system",
        widget=AutocompleteSelect("registry.aisystem"),
    )
    tier = django_filters.MultipleChoiceFilter(choices=EURiskTier.choices)
    current = StrictBooleanFilter(method="filter_current", label="Current only")
    fria_required = StrictBooleanFilter(method="filter_fria", label="FRIA required")
    review_needed = StrictBooleanFilter(
        method="filter_review_needed", label="Review needed"
    )

    class Meta:
        model = Classification
        fields = ["ai_system", "tier", "current", "fria_required", "review_needed"]

    def filter_current(self, queryset, name, value: str):
        return queryset.filter(is_current=value == "true")

    def filter_fria(self, queryset, name, value: str):
        return queryset.filter(fria_required=value == "true")

    def filter_review_needed(self, queryset, name, value: str):
        return queryset.filter(review_needed=value == "true")


class ObligationFilterSet(django_filters.FilterSet):
    ai_system = django_filters.ModelChoiceFilter(
        queryset=_visible_systems, widget=AutocompleteSelect("registry.aisystem")
    )
    applies = StrictBooleanFilter(method="filter_applies")

    class Meta:
        model = Obligation
        fields = ["ai_system", "status", "applies"]

    def filter_applies(self, queryset, name, value: str):
        return queryset.filter(applies=value == "true")
