import django_filters

from aims.autocomplete import AutocompleteSelect
from aims.filtersets import SearchFilterSet, StrictBooleanFilter

from .choices import DatasetSource
from .models import (
    AcceptanceCriterion,
    DataCategory,
    Dataset,
    LifecycleRecord,
    ProvenanceEntry,
    QualityRequirement,
    Release,
    Responsibility,
    Supplier,
    SupplierReview,
    SystemDataset,
    SystemResource,
)


class SupplierFilterSet(SearchFilterSet):
    search_fields = ("name", "description", "contract_reference")
    review_overdue = StrictBooleanFilter(
        method="filter_review_overdue", label="Review overdue"
    )

    class Meta:
        model = Supplier
        fields = []

    def filter_review_overdue(self, queryset, name, value):
        from django.utils import timezone

        overdue = {"next_review_date__lt": timezone.localdate()}
        return (
            queryset.filter(**overdue)
            if value == "true"
            else queryset.exclude(**overdue)
        )


class DatasetFilterSet(SearchFilterSet):
    search_fields = ("reference", "name", "description")
    source = django_filters.ChoiceFilter(choices=DatasetSource.choices)
    category = django_filters.ModelChoiceFilter(
        field_name="categories",
        queryset=DataCategory.objects.all(),
        to_field_name="slug",
    )
    personal = StrictBooleanFilter(method="filter_personal", label="Personal data")
    supplier = django_filters.ModelChoiceFilter(
        queryset=Supplier.objects.all(), widget=AutocompleteSelect("registry.supplier")
    )

    class Meta:
        model = Dataset
        fields = ["source", "supplier"]

    def filter_personal(self, queryset, name, value):
        ids = Dataset.categories.through.objects.filter(
            datacategory__is_personal=True
        ).values("dataset_id")
        return (
            queryset.filter(pk__in=ids)
            if value == "true"
            else queryset.exclude(pk__in=ids)
        )


def child_filterset(model, parent: str):
    """The API filter of a child record type: by its parent's id."""
    meta = type("Meta", (), {"model": model, "fields": [parent]})
    return type(
        f"{model.__name__}FilterSet",
        (django_filters.FilterSet,),
        {"Meta": meta, parent: django_filters.NumberFilter(field_name=f"{parent}_id")},
    )


CHILD_FILTERSETS = {
    model: child_filterset(model, parent)
    for model, parent in [
        (SupplierReview, "supplier"),
        (ProvenanceEntry, "dataset"),
        (QualityRequirement, "dataset"),
        (SystemDataset, "ai_system"),
        (SystemResource, "ai_system"),
        (Responsibility, "ai_system"),
        (LifecycleRecord, "ai_system"),
        (AcceptanceCriterion, "ai_system"),
        (Release, "ai_system"),
    ]
}
