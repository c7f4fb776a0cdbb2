import django_filters
from django.contrib.auth import get_user_model
from django.utils import timezone

from aims.autocomplete import AutocompleteSelect
from aims.filtersets import SearchFilterSet, StrictBooleanFilter

from .choices import (
    AutomationLevel,
    Criticality,
    EUOperatorRole,
    EURiskTier,
    LifecycleStage,
    Source,
)
from .models import AIRole, AISystem, DataCategory


class AISystemFilterSet(SearchFilterSet):
    search_fields = (
        "reference",
        "name",
        "description",
        "intended_purpose",
        "business_unit",
        "vendor",
        "model_type",
        "foundation_model",
    )
    lifecycle_stage = django_filters.MultipleChoiceFilter(
        choices=LifecycleStage.choices
    )
    eu_risk_tier = django_filters.MultipleChoiceFilter(
        choices=EURiskTier.choices, label="EU AI Act risk tier"
    )
    criticality = django_filters.MultipleChoiceFilter(choices=Criticality.choices)
    source = django_filters.ChoiceFilter(choices=Source.choices)
    eu_operator_role = django_filters.ChoiceFilter(
        choices=EUOperatorRole.choices, label="EU operator role"
    )
    automation_level = django_filters.ChoiceFilter(choices=AutomationLevel.choices)
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(is_active=True),
        widget=AutocompleteSelect("aims.user"),
    )
    business_unit = django_filters.CharFilter(lookup_expr="iexact")
    ai_role = django_filters.ModelChoiceFilter(
        field_name="ai_roles",
        queryset=AIRole.objects.all(),
        to_field_name="slug",
        label="AI role",
    )
    data_category = django_filters.ModelChoiceFilter(
        field_name="data_categories",
        queryset=DataCategory.objects.all(),
        to_field_name="slug",
    )
    personal_data = StrictBooleanFilter(
        method="filter_personal_data", label="Uses personal data"
    )
    special_category_data = StrictBooleanFilter(
        method="filter_special_category_data", label="Uses special-category data"
    )
    personal_data_undeclared = StrictBooleanFilter(
        method="filter_personal_data_undeclared",
        label="Personal data not declared by a dataset",
    )
    tag = django_filters.CharFilter(field_name="tags__slug", label="Tag")
    review_overdue = StrictBooleanFilter(
        method="filter_review_overdue", label="Review overdue"
    )
    in_scope = StrictBooleanFilter(method="filter_in_scope", label="In the AIMS scope")

    class Meta:
        model = AISystem
        fields = ["lifecycle_stage", "eu_risk_tier", "criticality", "source", "owner"]

    def filter_personal_data(self, queryset, name, value: str):
        return _split(queryset, _with_data_flag("is_personal"), value)

    def filter_special_category_data(self, queryset, name, value: str):
        return _split(queryset, _with_data_flag("is_special_category"), value)

    def filter_personal_data_undeclared(self, queryset, name, value: str):
        from .selectors import personal_data_undeclared_ids

        return _split(queryset, personal_data_undeclared_ids(), value)
    def filter_in_scope(self, queryset, name, value: str):
        from .scope import systems_in_scope

        return _split(queryset, systems_in_scope().values("pk"), value)

    def filter_review_overdue(self, queryset, name, value: str):
        overdue = AISystem.objects.review_overdue(timezone.localdate()).values("pk")
        return _split(queryset, overdue, value)


def _with_data_flag(flag: str):
    """Ids of systems using at least one data category with ``flag`` set."""
    through = AISystem.data_categories.through.objects
    return through.filter(**{f"datacategory__{flag}": True}).values("aisystem_id")


def _split(queryset, ids, value: str):
    return (
        queryset.filter(pk__in=ids) if value == "true" else queryset.exclude(pk__in=ids)
    )
