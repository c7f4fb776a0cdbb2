import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from aims.autocomplete import AutocompleteSelect
from aims.filtersets import SearchFilterSet, StrictBooleanFilter

from .choices import (
    CheckResult,
    ControlSource,
    EvidenceKind,
    Freshness,
    ImplementationStatus,
)
from .models import Control, ControlCheck, ControlDomain, Evidence, SoAEntry
from .selectors import filter_failing, without_evidence


def _domain_choices():
    return [(d.code, str(d)) for d in ControlDomain.objects.all()]


class ControlFilterSet(SearchFilterSet):
    search_fields = ("control_id", "title", "summary")
    domain = django_filters.ChoiceFilter(
        field_name="domain__code", choices=_domain_choices, label="Domain"
    )
    source = django_filters.ChoiceFilter(choices=ControlSource.choices)

    class Meta:
        model = Control
        fields = ["domain", "source"]


class SoAEntryFilterSet(SearchFilterSet):
    search_fields = (
        "control__control_id",
        "control__title",
        "justification",
        "implementation_description",
    )
    domain = django_filters.ChoiceFilter(
        field_name="control__domain__code", choices=_domain_choices, label="Domain"
    )
    implementation_status = django_filters.ChoiceFilter(
        choices=ImplementationStatus.choices, label="Status"
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(is_active=True),
        label="Owner",
        widget=AutocompleteSelect("aims.user"),
    )
    applicable = django_filters.ChoiceFilter(
        choices=[
            ("yes", "Applicable"),
            ("no", "Excluded"),
            ("undecided", "Not decided"),
        ],
        method="filter_applicable",
        empty_label="Any",
    )
    without_evidence = StrictBooleanFilter(
        method="filter_without_evidence", label="Applicable without evidence"
    )
    failing = StrictBooleanFilter(method="filter_failing", label="Failing check")

    class Meta:
        model = SoAEntry
        fields = ["domain", "implementation_status", "owner", "applicable"]

    def filter_applicable(self, queryset, name, value):
        return queryset.filter(
            applicable={"yes": True, "no": False, "undecided": None}[value]
        )

    def filter_without_evidence(self, queryset, name, value):
        condition = Q(applicable=True) & without_evidence()
        return queryset.filter(condition if value == "true" else ~condition)

    def filter_failing(self, queryset, name, value):
        failing = filter_failing(queryset)
        return failing if value == "true" else queryset.exclude(pk__in=failing)


class EvidenceFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "description")
    freshness = django_filters.ChoiceFilter(
        choices=Freshness.choices, method="filter_freshness"
    )
    kind = django_filters.ChoiceFilter(choices=EvidenceKind.choices)
    control = django_filters.CharFilter(
        field_name="controls__control_id", label="Control ID"
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(is_active=True),
        widget=AutocompleteSelect("aims.user"),
    )
    restricted = StrictBooleanFilter(method="filter_restricted")

    class Meta:
        model = Evidence
        fields = ["freshness", "kind", "control", "owner", "restricted"]

    def filter_freshness(self, queryset, name, value):
        today = timezone.localdate()
        if value == Freshness.EXPIRED:
            return queryset.expired(today)
        if value == Freshness.EXPIRING:
            return queryset.expiring(today)
        return queryset.current(today).exclude(pk__in=queryset.expiring(today))

    def filter_restricted(self, queryset, name, value):
        return queryset.filter(restricted=value == "true")


class ControlCheckFilterSet(SearchFilterSet):
    search_fields = ("notes", "control__control_id")
    control = django_filters.CharFilter(field_name="control__control_id")
    result = django_filters.ChoiceFilter(choices=CheckResult.choices)

    class Meta:
        model = ControlCheck
        fields = ["control", "result"]
