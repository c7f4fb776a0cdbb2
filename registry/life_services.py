"""Writes to the records of an AI system's life (A.4, A.6, A.7, A.10), and its gate.

Every write is validated, versioned and change-logged (``object_save``). A record that
belongs to a parent (a system, a dataset, a supplier) is written only by whoever may
change that parent: the check is here, so pages and API refuse alike (403).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from aims.context import attributed_to
from aims.history import change_scope, record_event
from aims.models import ReferenceCounter
from aims.permissions import can, move_ownership
from aims.services import object_delete, object_save

from . import gates
from .choices import LifecycleStage, ReleaseStatus
from .models import (
    AISystem,
    Dataset,
    LifecycleRecord,
    Release,
    Supplier,
    SupplierReview,
)

__all__ = [
    "GateBlocked",
    "child_delete",
    "child_save",
    "dataset_save",
    "gate_blocked_record",
    "gate_problems",
    "lifecycle_record_approve",
    "release_record",
    "supplier_review_save",
    "supplier_save",
]

DATASET_PREFIX = "DS"


class GateBlocked(ValidationError):
    """The release gate is not met: a 409 with every missing condition."""

    def __init__(self, system, problems: list[str], field: str = "__all__"):
        self.system = system
        self.problems = problems
        super().__init__({field: problems})


def _parent_of(record):
    field = record.inherit_permissions["change"][0]
    return getattr(record, field)


def child_save(*, record, actor, m2m=None, expected_version=None):
    """Save a record that belongs to a parent (system, dataset, supplier)."""
    parent = _parent_of(record)
    if parent is not None and not can(actor, "change", parent):
        raise PermissionDenied(f"You may not change this {parent._meta.verbose_name}.")
    with attributed_to(actor), change_scope():
        object_save(
            instance=record, actor=actor, m2m=m2m, expected_version=expected_version
        )
        if isinstance(record, SupplierReview):
            _sync_next_review(record.supplier, actor)
    return record


def child_delete(*, record, actor) -> None:
    parent = _parent_of(record)
    if parent is not None and not can(actor, "change", parent):
        raise PermissionDenied(f"You may not change this {parent._meta.verbose_name}.")
    with attributed_to(actor), change_scope():
        object_delete(instance=record, actor=actor)
        if isinstance(record, SupplierReview):
            _sync_next_review(record.supplier, actor)


def supplier_save(*, supplier: Supplier, actor, m2m=None, expected_version=None):
    return object_save(
        instance=supplier, actor=actor, m2m=m2m, expected_version=expected_version
    )


def supplier_review_save(*, review: SupplierReview, actor, expected_version=None):
    return child_save(record=review, actor=actor, expected_version=expected_version)


def _sync_next_review(supplier: Supplier, actor) -> None:
    latest = supplier.reviews.order_by("-reviewed_on", "-pk").first()
    next_date = latest.next_review if latest else None
    supplier.refresh_from_db()
    if supplier.next_review_date != next_date:
        supplier.next_review_date = next_date
        object_save(instance=supplier, actor=actor)


def dataset_save(
    *, dataset: Dataset, actor, m2m=None, expected_version=None
) -> Dataset:
    """Register or edit a dataset; its steward holds view and change permissions."""
    with attributed_to(actor), change_scope():
        previous_owner = None
        if dataset.pk is None:
            dataset.reference = ReferenceCounter.next_reference(DATASET_PREFIX)
        else:
            previous_owner = Dataset.objects.get(pk=dataset.pk).owner
        object_save(
            instance=dataset, actor=actor, m2m=m2m, expected_version=expected_version
        )
        move_ownership(dataset, previous_owner, dataset.owner)
    return dataset


def lifecycle_record_approve(*, record: LifecycleRecord, actor) -> LifecycleRecord:
    if not can(actor, "approve", LifecycleRecord):
        raise PermissionDenied(
            "Only AIMS managers and the committee approve life-cycle records."
        )
    if record.created_by_id == actor.pk:
        raise ValidationError(
            "Someone other than the author approves a life-cycle record."
        )
    with attributed_to(actor), change_scope():
        record.approved_by = actor
        record.approved_at = timezone.now()
        object_save(instance=record, actor=actor)
        record_event(record, "lifecyclerecord.approved", f"{actor} approved {record}.")
    return record


# The gate (A.6.2.5)


def gate_problems(system: AISystem, release=None) -> list[str]:
    return [
        problem
        for result in gates.evaluate(system, release)
        for problem in result.problems
    ]


def gate_blocked_record(
    system: AISystem, problems: list[str], actor, what: str
) -> None:
    """Keep a blocked attempt in the change log, after the attempt itself rolled back."""
    with attributed_to(actor), change_scope():
        record_event(
            system,
            "aisystem.gate_blocked",
            f"{what} for {system} blocked by the release gate: " + " ".join(problems),
            {"problems": problems},
        )


def release_record(
    *, release: Release, actor, override_justification: str = ""
) -> Release:
    """Record a release if the gate is met, or on the committee's justified override.

    Either way the system is then *deployed*; a failed gate without an override raises
    ``GateBlocked`` and nothing is saved."""
    system = release.ai_system
    if not can(actor, "change", system):
        raise PermissionDenied("You may not record releases of this AI system.")
    override_justification = override_justification.strip()
    if override_justification and not can(actor, "override_gate", Release):
        raise PermissionDenied(
            "Only the governance committee overrides a release gate."
        )
    results = gates.evaluate(system, release)
    problems = [problem for result in results for problem in result.problems]
    if problems and not override_justification:
        raise GateBlocked(system, problems)
    from .services import ai_system_save

    with transaction.atomic(), attributed_to(actor), change_scope():
        release.status = (
            ReleaseStatus.OVERRIDDEN if problems else ReleaseStatus.RELEASED
        )
        release.gate_results = [
            {"key": r.condition.key, "label": r.condition.label, "problems": r.problems}
            for r in results
        ]
        if problems:
            release.override_justification = override_justification
            release.overridden_by = actor
        object_save(instance=release, actor=actor)
        if problems:
            record_event(
                release,
                "release.gate_overridden",
                f"{actor} released {system} {release.release_version} despite the gate: "
                + " ".join(problems)
                + f" Justification: {override_justification}",
                {"problems": problems, "justification": override_justification},
            )
        else:
            record_event(
                release,
                "release.recorded",
                f"{system} {release.release_version} released; the gate was met.",
            )
        if system.lifecycle_stage != LifecycleStage.DEPLOYED:
            system.refresh_from_db()
            system.lifecycle_stage = LifecycleStage.DEPLOYED
            system._gate_cleared = True
            ai_system_save(system=system, actor=actor)
    return release


def latest_release(system):
    return system.releases.aggregate(last=Max("released_on"))["last"]
