import django_filters
from django.utils import timezone

from aims.autocomplete import AutocompleteSelect
from aims.filtersets import SearchFilterSet, StrictBooleanFilter
from registry.models import AISystem

from .choices import ConcernStatus, IncidentStatus, Severity
from .models import Concern, Incident, TimelineEntry


class IncidentFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "description")
    status = django_filters.MultipleChoiceFilter(choices=IncidentStatus.choices)
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    is_serious = StrictBooleanFilter(method="filter_serious", label="Serious incident")
    report_overdue = StrictBooleanFilter(
        method="filter_report_overdue", label="Report to authority overdue"
    )
    ai_system = django_filters.ModelChoiceFilter(
        queryset=AISystem.objects.all(),
        widget=AutocompleteSelect("registry.aisystem"),
        label="AI system",
    )

    class Meta:
        model = Incident
        fields = ["status", "severity", "ai_system"]

    def filter_serious(self, queryset, name, value: str):
        return queryset.filter(is_serious=value == "true")

    def filter_report_overdue(self, queryset, name, value: str):
        overdue = Incident.objects.awaiting_authority_report().filter(
            report_deadline__lt=timezone.now()
        )
        ids = overdue.values("pk")
        return (
            queryset.filter(pk__in=ids)
            if value == "true"
            else queryset.exclude(pk__in=ids)
        )


class TimelineEntryFilterSet(django_filters.FilterSet):
    incident = django_filters.NumberFilter(field_name="incident_id")

    class Meta:
        model = TimelineEntry
        fields = ["incident", "kind"]


class ConcernFilterSet(SearchFilterSet):
    search_fields = ("reference", "subject", "description")
    status = django_filters.MultipleChoiceFilter(choices=ConcernStatus.choices)
    ai_system = django_filters.ModelChoiceFilter(
        queryset=AISystem.objects.all(),
        widget=AutocompleteSelect("registry.aisystem"),
        label="AI system",
    )

    class Meta:
        model = Concern
        fields = ["status", "ai_system"]
