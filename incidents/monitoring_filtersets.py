"""Filters of the post-market monitoring lists, shared by the pages and the API."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from aims.autocomplete import AutocompleteSelect
from aims.filtersets import SearchFilterSet, StrictBooleanFilter
from aims.models import User
from registry.models import AISystem

from .models import MonitoringMetric, MonitoringPlan, MonitoringResult


class MonitoringPlanFilterSet(SearchFilterSet):
    search_fields = ("ai_system__reference", "ai_system__name", "scope")
    ai_system = django_filters.ModelChoiceFilter(
        queryset=AISystem.objects.all(),
        widget=AutocompleteSelect("registry.aisystem"),
        label="AI system",
    )
    responsible = django_filters.ModelChoiceFilter(
        queryset=User.objects.all(), widget=AutocompleteSelect("aims.user")
    )

    class Meta:
        model = MonitoringPlan
        fields = ["ai_system", "responsible"]


class MonitoringMetricFilterSet(SearchFilterSet):
    search_fields = ("name", "plan__ai_system__reference", "plan__ai_system__name")
    ai_system = django_filters.ModelChoiceFilter(
        field_name="plan__ai_system",
        queryset=AISystem.objects.all(),
        widget=AutocompleteSelect("registry.aisystem"),
        label="AI system",
    )
    plan = django_filters.NumberFilter(field_name="plan_id")
    overdue = StrictBooleanFilter(method="filter_overdue", label="Check overdue")
    breached = StrictBooleanFilter(
        method="filter_breached", label="Latest result breaches the threshold"
    )

    class Meta:
        model = MonitoringMetric
        fields = ["ai_system", "plan", "active"]

    def filter_overdue(self, queryset, name, value: str):
        late = {"active": True, "next_due__lt": timezone.localdate()}
        return queryset.filter(**late) if value == "true" else queryset.exclude(**late)

    def filter_breached(self, queryset, name, value: str):
        # The latest result of each metric, as an anti-join on a newer one.
        newer = MonitoringResult.objects.filter(metric=OuterRef("metric")).filter(
            Q(measured_on__gt=OuterRef("measured_on"))
            | Q(measured_on=OuterRef("measured_on"), pk__gt=OuterRef("pk"))
        )
        latest_breached = MonitoringResult.objects.filter(
            metric=OuterRef("pk"), breached=True
        ).exclude(Exists(newer))
        condition = Exists(latest_breached)
        return (
            queryset.filter(condition)
            if value == "true"
            else queryset.exclude(condition)
        )


class MonitoringResultFilterSet(django_filters.FilterSet):
    metric = django_filters.NumberFilter(field_name="metric_id")
    breached = django_filters.BooleanFilter()

    class Meta:
        model = MonitoringResult
        fields = ["metric", "breached"]
