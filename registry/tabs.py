"""The AI system page's tabs for its life: resources, data, suppliers, life cycle.

Each tab is its own page, so only the open tab's queries run (a constant number)."""

from django.db.models import Prefetch

from aims.permissions import can

from . import gates
from .choices import LifecycleRecordKind
from .models import Release, SystemDataset
from .selectors import personal_data_undeclared


def resources_tab(request, system):
    return {
        "system": system,
        "resources": system.resources.select_related("supplier"),
        "may_change": can(request.user, "change", system),
    }


def data_tab(request, system):
    from .models import DataCategory

    links = (
        SystemDataset.objects.filter(ai_system=system)
        .select_related("dataset", "dataset__owner")
        .prefetch_related(
            Prefetch("dataset__categories", queryset=DataCategory.objects.all())
        )
    )
    return {
        "system": system,
        "links": links,
        "personal_data_undeclared": personal_data_undeclared(system),
        "may_change": can(request.user, "change", system),
    }


def suppliers_tab(request, system):
    from .models import Supplier

    supplier_ids = set(
        system.resources.exclude(supplier=None).values_list("supplier_id", flat=True)
    )
    supplier_ids |= set(
        SystemDataset.objects.filter(ai_system=system)
        .exclude(dataset__supplier=None)
        .values_list("dataset__supplier_id", flat=True)
    )
    return {
        "system": system,
        "suppliers": Supplier.objects.filter(pk__in=supplier_ids),
        "responsibilities": system.responsibilities.select_related("supplier"),
        "may_change": can(request.user, "change", system),
    }


def lifecycle_tab(request, system):
    records = system.lifecycle_records.select_related(
        "approved_by", "created_by"
    ).prefetch_related("evidence")
    by_kind = {kind: [] for kind in LifecycleRecordKind.values}
    for record in records:
        by_kind[record.kind].append(record)
    return {
        "system": system,
        "sections": [
            (kind, label, by_kind[kind]) for kind, label in LifecycleRecordKind.choices
        ],
        "criteria": system.acceptance_criteria.select_related("evidence"),
        "releases": system.releases.select_related("overridden_by", "created_by"),
        "gate": gates.evaluate(system),
        "may_change": can(request.user, "change", system),
        "may_approve": can(request.user, "approve", system.lifecycle_records.model),
        "may_override": can(request.user, "override_gate", Release),
    }
