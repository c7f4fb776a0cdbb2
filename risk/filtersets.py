import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from aims.autocomplete import AutocompleteSelect
from aims.filtersets import SearchFilterSet, StrictBooleanFilter
from aims.permissions import visible_to
from registry.models import AISystem

from .choices import ActionStatus, RiskLevel, RiskStatus, Treatment
from .models import Risk, TreatmentAction


def _visible_systems(request):
    # Only the systems the user may see are offered (the list itself is restricted too).
    user = getattr(request, "user", None)
    return visible_to(AISystem.objects.all(), user, "view")


class RiskFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "description", "cause", "consequence")
    ai_system = django_filters.ModelChoiceFilter(
        queryset=_visible_systems,
        label="AI system",
        widget=AutocompleteSelect("registry.aisystem"),
    )
    organisation_wide = StrictBooleanFilter(
        method="filter_organisation_wide", label="Organisation-wide"
    )
    business_unit = django_filters.CharFilter(
        field_name="ai_system__business_unit", lookup_expr="iexact"
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(is_active=True),
        widget=AutocompleteSelect("aims.user"),
    )
    status = django_filters.MultipleChoiceFilter(choices=RiskStatus.choices)
    treatment = django_filters.ChoiceFilter(choices=Treatment.choices)
    control = django_filters.CharFilter(
        field_name="controls__control_id", label="Control ID", distinct=True
    )
    inherent_level = django_filters.MultipleChoiceFilter(choices=RiskLevel.choices)
    residual_level = django_filters.MultipleChoiceFilter(choices=RiskLevel.choices)
    inherent_likelihood = django_filters.NumberFilter(widget=forms.HiddenInput)
    inherent_impact = django_filters.NumberFilter(widget=forms.HiddenInput)
    residual_likelihood = django_filters.NumberFilter(widget=forms.HiddenInput)
    residual_impact = django_filters.NumberFilter(widget=forms.HiddenInput)
    review_overdue = StrictBooleanFilter(
        method="filter_review_overdue", label="Review overdue"
    )
    acceptance = django_filters.ChoiceFilter(
        choices=[
            ("requested", "Requested, waiting for the committee"),
            ("rejected", "Rejected by the committee"),
            ("expired", "Accepted, expired"),
        ],
        method="filter_acceptance",
        label="Acceptance",
    )

    class Meta:
        model = Risk
        fields = ["ai_system", "owner", "status", "treatment"]

    def filter_organisation_wide(self, queryset, name, value: str):
        return queryset.filter(ai_system__isnull=(value == "true"))

    def filter_acceptance(self, queryset, name, value: str):
        if value == "requested":
            return queryset.filter(acceptance_requested_at__isnull=False)
        if value == "rejected":
            return queryset.filter(acceptance_rejected_at__isnull=False)
        return queryset.filter(
            status=RiskStatus.ACCEPTED, acceptance_revisit_on__lte=timezone.localdate()
        )

    def filter_review_overdue(self, queryset, name, value: str):
        overdue = Risk.objects.review_overdue(timezone.localdate()).values("pk")
        if value == "true":
            return queryset.filter(pk__in=overdue)
        return queryset.exclude(pk__in=overdue)


def _visible_risks(request):
    user = getattr(request, "user", None)
    return visible_to(Risk.objects.all(), user, "view")


class TreatmentActionFilterSet(django_filters.FilterSet):
    risk = django_filters.ModelChoiceFilter(
        queryset=_visible_risks, widget=AutocompleteSelect("risk.risk")
    )
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices)
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(is_active=True),
        widget=AutocompleteSelect("aims.user"),
    )

    class Meta:
        model = TreatmentAction
        fields = ["risk", "status", "owner"]
