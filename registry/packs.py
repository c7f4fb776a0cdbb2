"""Sections the register adds to the AI system pack: resources (A.4), datasets with
provenance and quality (A.7), suppliers and responsibilities (A.10), life-cycle records
and release gates (A.6.2).

The pack is read by its requester: every record is listed only if they may see it, and
what they may not see is counted, never named.
"""

from django.db.models import Prefetch

from aims.permissions import visible_to
from audit.packs.registry import PackContent, PackExtension, RecordRef, Section

from . import gates
from .models import (
    DataCategory,
    Dataset,
    LifecycleRecord,
    Release,
    Supplier,
    SystemDataset,
    SystemResource,
)
from .selectors import personal_data_undeclared


def _split(rows, visible_ids):
    shown = [row for row in rows if row.pk in visible_ids]
    return shown, len(rows) - len(shown)


def _ids(queryset, user) -> set[int]:
    return set(visible_to(queryset, user).values_list("pk", flat=True))


def build_life(pack, system, parameters) -> PackContent:
    user = pack.requested_by
    resources = list(
        SystemResource.objects.filter(ai_system=system).select_related("supplier")
    )
    resources, hidden_resources = _split(
        resources, _ids(SystemResource.objects.filter(ai_system=system), user)
    )
    links = list(
        SystemDataset.objects.filter(ai_system=system)
        .select_related("dataset__owner", "dataset__supplier")
        .prefetch_related(
            Prefetch("dataset__categories", queryset=DataCategory.objects.all()),
            "dataset__provenance",
            "dataset__quality",
        )
    )
    dataset_ids = _ids(
        Dataset.objects.filter(pk__in=[link.dataset_id for link in links]), user
    )
    shown_links = [link for link in links if link.dataset_id in dataset_ids]
    supplier_ids = {r.supplier_id for r in resources if r.supplier_id} | {
        link.dataset.supplier_id for link in shown_links if link.dataset.supplier_id
    }
    responsibilities = list(system.responsibilities.select_related("supplier"))
    supplier_ids |= {r.supplier_id for r in responsibilities if r.supplier_id}
    suppliers = list(
        visible_to(Supplier.objects.filter(pk__in=supplier_ids), user).prefetch_related(
            "reviews"
        )
    )
    visible_suppliers = {supplier.pk for supplier in suppliers}
    records = list(
        visible_to(LifecycleRecord.objects.filter(ai_system=system), user)
        .select_related("approved_by")
        .prefetch_related("evidence")
    )
    criteria = list(
        visible_to(system.acceptance_criteria.all(), user).select_related("evidence")
    )
    releases = list(
        visible_to(Release.objects.filter(ai_system=system), user).select_related(
            "overridden_by"
        )
    )
    return PackContent(
        context={
            "life": {
                "resources": resources,
                "hidden_resources": hidden_resources,
                "dataset_links": shown_links,
                "hidden_datasets": len(links) - len(shown_links),
                "personal_data_undeclared": personal_data_undeclared(system),
                "suppliers": suppliers,
                "hidden_suppliers": len(supplier_ids) - len(suppliers),
                "visible_suppliers": visible_suppliers,
                "responsibilities": responsibilities,
                "records": records,
                "criteria": criteria,
                "releases": releases,
                "gate": gates.evaluate(system),
            }
        },
        records=[
            RecordRef(str(link.dataset), link.dataset.version) for link in shown_links
        ]
        + [RecordRef(str(record), record.version) for record in records]
        + [RecordRef(str(release), release.version) for release in releases],
    )


def _empty(pack, system, parameters) -> PackContent:
    # The sections share one builder (``life``); the others read its context.
    return PackContent(context={})


def register_pack_sections() -> None:
    from audit.packs.registry import extend

    extend(
        "ai_system",
        PackExtension(
            Section(
                "resources",
                "Resources and components (A.4)",
                "registry/packs/resources.html",
            ),
            build=build_life,
            after="register",
        ),
    )
    for anchor, title, after in (
        ("datasets", "Datasets, provenance and quality (A.7)", "resources"),
        ("suppliers", "Suppliers and responsibilities (A.10)", "datasets"),
        ("lifecycle", "Life-cycle records and release gate (A.6.2)", "suppliers"),
    ):
        extend(
            "ai_system",
            PackExtension(
                Section(anchor, title, f"registry/packs/{anchor}.html"),
                build=_empty,
                after=after,
            ),
        )
