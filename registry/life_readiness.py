"""What the records of the systems' lives tell the readiness view: the Annex A controls
of resources (A.4), the life cycle (A.6.2), data (A.7) and suppliers (A.10), judged by
how many in-scope systems (or datasets, or suppliers) hold the record each control asks
for, and the matching documented-information items (counts, never titles)."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse

from aims.context import once_per_request
from aims.documented_information import ItemStatus, Source
from aims.documented_information import register as register_item
from aims.readiness import Judgement, Readiness

from .choices import Comparator, LifecycleRecordKind, LifecycleStage, ResourceKind
from .models import (
    AcceptanceCriterion,
    AISystem,
    Dataset,
    LifecycleRecord,
    ProvenanceEntry,
    QualityRequirement,
    Release,
    Responsibility,
    Supplier,
    SystemDataset,
    SystemResource,
)
from .selectors import personal_data_undeclared_ids


@dataclass(frozen=True)
class Coverage:
    done: int
    total: int
    noun: str  # "systems", "datasets", "suppliers"
    what: str  # what "done" means, e.g. "have an approved requirements record"
    url: str


def in_scope_systems():
    """Systems past the idea stage and not retired: those the controls are asked of."""
    return AISystem.objects.exclude(
        lifecycle_stage__in=[LifecycleStage.IDEA, LifecycleStage.RETIRED]
    )


def _has(model, **condition):
    return Exists(model.objects.filter(ai_system=OuterRef("pk"), **condition))


def _record(kind, approved=False):
    condition = {"kind": kind}
    if approved:
        condition["approved_at__isnull"] = False
    return _has(LifecycleRecord, **condition)


def _systems(condition, what, base=None):
    """A system-based coverage, computed later in one aggregate over all systems."""
    return ("systems", condition, what, base)


def _unmet_criteria():
    at_least = Q(comparator=Comparator.AT_LEAST, measured_value__lt=F("threshold"))
    at_most = Q(comparator=Comparator.AT_MOST, measured_value__gt=F("threshold"))
    return AcceptanceCriterion.objects.filter(ai_system=OuterRef("pk")).filter(
        Q(measured_value__isnull=True) | Q(evidence__isnull=True) | at_least | at_most
    )


@once_per_request
def coverage(as_of) -> dict[str, Coverage]:
    """Control id -> how far the records cover it: three aggregate queries, once per
    request (the readiness view asks for every item in turn)."""

    def dataset_cov(condition, what):
        return ("datasets", condition, what, None)

    specs = {
        "A.4.2": _systems(
            Q(
                Exists(
                    SystemResource.objects.filter(ai_system=OuterRef("pk")).exclude(
                        stages=[]
                    )
                )
            ),
            "record their resources with the life-cycle stages they serve",
        ),
        "A.4.3": _systems(Q(_has(SystemDataset)), "name their datasets"),
        "A.4.4": _systems(
            Q(
                _has(
                    SystemResource,
                    kind__in=[
                        ResourceKind.MODEL,
                        ResourceKind.LIBRARY,
                        ResourceKind.TOOL,
                    ],
                )
            ),
            "record their models, libraries or tools",
        ),
        "A.4.5": _systems(
            Q(_has(SystemResource, kind=ResourceKind.COMPUTING)),
            "record their system and computing resources",
        ),
        "A.4.6": _systems(
            Q(_has(SystemResource, kind=ResourceKind.HUMAN)),
            "record the human resources and competences they need",
        ),
        "A.6.2.2": _systems(
            Q(_record(LifecycleRecordKind.REQUIREMENTS, approved=True)),
            "have approved requirements",
        ),
        "A.6.2.3": _systems(
            Q(_record(LifecycleRecordKind.DESIGN)),
            "document design and development",
        ),
        "A.6.2.4": _systems(
            Q(_has(AcceptanceCriterion)) & ~Q(Exists(_unmet_criteria())),
            "meet their acceptance criteria with evidence",
        ),
        "A.6.2.5": _systems(
            Q(_has(Release)),
            "have a release recorded through the gate",
            base="deployed",
        ),
        "A.6.2.6": _systems(
            Q(_record(LifecycleRecordKind.MONITORING_PLAN, approved=True)),
            "have an approved operation and monitoring plan",
        ),
        "A.6.2.7": _systems(
            Q(_record(LifecycleRecordKind.TECHNICAL_DOCUMENTATION)),
            "hold technical documentation",
        ),
        "A.6.2.8": _systems(
            Q(_record(LifecycleRecordKind.EVENT_LOGS)),
            "document their event-log configuration",
        ),
        # Use as intended (A.9.4) shows in the logs a deployed system keeps and the
        # monitoring it runs under an approved plan.
        "A.9.4": _systems(
            Q(_record(LifecycleRecordKind.EVENT_LOGS))
            & Q(_record(LifecycleRecordKind.MONITORING_PLAN, approved=True)),
            "keep event logs and run under an approved monitoring plan",
            base="deployed",
        ),
        "A.7.2": _systems(
            Q(_has(SystemDataset)) & ~Q(pk__in=personal_data_undeclared_ids()),
            "name their datasets, personal data declared",
        ),
        "A.7.3": dataset_cov(~Q(acquisition=""), "record how they were obtained"),
        "A.7.4": dataset_cov(
            Q(Exists(QualityRequirement.objects.filter(dataset=OuterRef("pk"))))
            & ~Q(
                Exists(
                    QualityRequirement.objects.filter(
                        dataset=OuterRef("pk"), measured_value__isnull=True
                    )
                )
            ),
            "have quality requirements with measured results",
        ),
        "A.7.5": dataset_cov(
            Q(Exists(ProvenanceEntry.objects.filter(dataset=OuterRef("pk")))),
            "record their provenance",
        ),
        "A.7.6": dataset_cov(~Q(preparation=""), "record their preparation methods"),
        "A.10.2": _systems(
            Q(_has(Responsibility, kind="allocation")),
            "allocate responsibilities between the parties",
        ),
    }
    result = _aggregate(specs)
    suppliers = Supplier.objects.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(next_review_date__gte=as_of)),
    )
    result["A.10.3"] = Coverage(
        suppliers["done"],
        suppliers["total"],
        "suppliers",
        "have a due-diligence review that is not overdue",
        reverse("registry:supplier_list"),
    )
    return result


def _aggregate(specs) -> dict[str, Coverage]:
    systems, datasets = {}, {}
    for control, (noun, condition, _what, base) in specs.items():
        target = systems if noun == "systems" else datasets
        if base is not None:  # only deployed systems count for releases
            target[f"{control}_total"] = Count(
                "pk", filter=Q(lifecycle_stage=LifecycleStage.DEPLOYED)
            )
            condition = condition & Q(lifecycle_stage=LifecycleStage.DEPLOYED)
        target[f"{control}_done"] = Count("pk", filter=condition)
    system_figures = in_scope_systems().aggregate(
        total=Count("pk"), **{k.replace(".", "_"): v for k, v in systems.items()}
    )
    dataset_figures = Dataset.objects.aggregate(
        total=Count("pk"), **{k.replace(".", "_"): v for k, v in datasets.items()}
    )
    result = {}
    for control, (noun, _, what, base) in specs.items():
        figures = system_figures if noun == "systems" else dataset_figures
        name = control.replace(".", "_")
        total = figures.get(f"{name}_total", figures["total"])
        url = (
            reverse("registry:aisystem_list")
            if noun == "systems"
            else reverse("registry:dataset_list")
        )
        label = "in-scope systems" if noun == "systems" else "datasets"
        if base is not None:
            label = "deployed systems"
        result[control] = Coverage(figures[f"{name}_done"], total, label, what, url)
    return result


def _judgement(cov: Coverage) -> Judgement:
    text = f"{cov.done} of {cov.total} {cov.noun} {cov.what}."
    if cov.total == 0:
        return Judgement(
            Readiness.NOT_READY,
            f"No {cov.noun} to judge yet.",
            "Register them.",
            url=cov.url,
        )
    if cov.done == cov.total:
        return Judgement(Readiness.READY, text, url=cov.url)
    status = Readiness.PARTIAL if cov.done else Readiness.NOT_READY
    return Judgement(
        status,
        text,
        f"Complete the records of the other {cov.total - cov.done}.",
        url=cov.url,
    )


def judge(as_of) -> dict[str, Judgement]:
    return {control: _judgement(cov) for control, cov in coverage(as_of).items()}


# Documented-information items (DI-Axx of the reference file) and the control each holds.
ITEMS = {
    "DI-A02": ("A.4.2", "Resources per life-cycle stage"),
    "DI-A03": ("A.4.3", "Datasets of AI systems"),
    "DI-A04": ("A.4.4", "Models, libraries and tools"),
    "DI-A05": ("A.4.5", "System and computing resources"),
    "DI-A06": ("A.4.6", "Human resources and competences"),
    "DI-A12": ("A.6.2.2", "Approved requirements and specifications"),
    "DI-A13": ("A.6.2.3", "Design and development records"),
    "DI-A14": ("A.6.2.4", "Acceptance criteria and V&V results"),
    "DI-A15": ("A.6.2.5", "Releases through the gate"),
    "DI-A16": ("A.6.2.6", "Operation and monitoring plans"),
    "DI-A17": ("A.6.2.7", "Technical documentation"),
    "DI-A18": ("A.6.2.8", "Event-log configurations"),
    "DI-A19": ("A.7.2", "Datasets per system, personal data declared"),
    "DI-A20": ("A.7.3", "Dataset acquisition records"),
    "DI-A21": ("A.7.4", "Data-quality requirements and results"),
    "DI-A22": ("A.7.5", "Dataset provenance"),
    "DI-A23": ("A.7.6", "Data preparation methods"),
    "DI-A29": ("A.9.4", "Event logs and monitoring of deployed systems"),
    "DI-A30": ("A.10.2", "Responsibilities between the parties"),
    "DI-A31": ("A.10.3", "Supplier due-diligence reviews"),
}


def _item_judge(control: str):
    def judge_item(as_of) -> ItemStatus:
        cov = coverage(as_of)[control]
        return ItemStatus(
            present=cov.done > 0,
            done=cov.done,
            total=cov.total,
            summary=f"{cov.done} of {cov.total} {cov.noun} {cov.what}.",
            url=cov.url,
        )

    return judge_item


def register() -> None:
    # The readiness view reads these items for their Annex A controls (DI-Axx), so the
    # controls need no judge of their own.
    for item_id, (control, label) in ITEMS.items():
        register_item(Source(item_id, label, _item_judge(control)))
