"""Filters of the evidence-pack list, shared by the page and the API."""

import django_filters

from aims.filtersets import SearchFilterSet, StrictBooleanFilter

from .choices import PackStatus
from .models import AuditorBundle, EvidencePack
from .packs.registry import kinds


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
