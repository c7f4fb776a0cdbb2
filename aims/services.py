"""Write paths shared by every governance record: validated, versioned, change-logged."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction

from .context import attributed_to
from .history import change_scope
from .models import AimsModel, ObjectChange

__all__ = [
    "EditConflict",
    "change_log_head",
    "lookup_get_or_create",
    "object_delete",
    "object_save",
]


class EditConflict(Exception):
    """Somebody saved the record after the editor loaded it (optimistic locking)."""

    def __init__(self, instance, expected_version: int, current_version: int):
        self.instance = instance
        self.expected_version = expected_version
        self.current_version = current_version
        stored = type(instance)._base_manager.filter(pk=instance.pk).first()
        super().__init__(
            f"{stored or instance} is at version {current_version}, not the version "
            f"{expected_version} you edited: it was saved since you opened it."
        )

    def changes_since(self, seen_seq: int | None, limit: int = 10):
        """The record's own change-log entries saved after the editor opened the form
        (``seen_seq``: its newest entry then), newest first. Changes to the records that
        belong to it (its risks flagged for review) are no conflict with this form."""
        entries = _own_entries(self.instance)
        if seen_seq is not None:
            entries = entries.filter(seq__gt=seen_seq)
        return entries.select_related("user", "content_type").order_by("-seq")[:limit]


def _own_entries(obj):
    return ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
    )


def change_log_head(obj) -> int:
    """The sequence number of the newest change-log entry of ``obj`` (0 when none): an
    edit form carries it, so a conflict can show only what was saved after the form
    opened (the record's own, not the whole log's, so the form says nothing about
    other records)."""
    return (
        _own_entries(obj).order_by("-seq").values_list("seq", flat=True).first() or 0
    )


def object_save(
    *,
    instance: AimsModel,
    actor,
    m2m: dict | None = None,
    expected_version: int | None = None,
) -> AimsModel:
    """Validate (``full_clean``) and save a record with its many-to-many values.

    An edit carrying ``expected_version`` is refused with ``EditConflict`` when the stored
    version moved on; the row is locked while checking so two editors cannot both pass.
    The change log names ``actor`` (or, without one, the request's user or system task).
    """
    with attributed_to(actor), change_scope():
        if instance.pk is not None and not instance._state.adding:
            current = (
                type(instance)
                ._base_manager.select_for_update()
                .filter(pk=instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is None:
                raise ObjectDoesNotExist(
                    f"{instance._meta.verbose_name} no longer exists"
                )
            if expected_version is not None and current != expected_version:
                raise EditConflict(instance, expected_version, current)
            instance.version = current + 1
        elif actor is not None and actor.is_authenticated:
            instance.created_by = actor
        instance.full_clean()
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
    return instance


def object_delete(*, instance: models.Model, actor) -> None:
    """Delete a record; the change log keeps its last state. Protected links raise
    ``ProtectedError`` and nothing is deleted."""
    with attributed_to(actor), change_scope():
        instance.delete()


# Readiness records (aims.readiness)


def self_assessment_save(*, assessment, actor):
    """Record how a requirement that no record judges stands, in ``actor``'s name."""
    if assessment.pk is None:
        assessment.assessed_by = actor
    return object_save(instance=assessment, actor=actor)


def gap_report_save(*, actor, note: str = "", as_of=None):
    """Keep today's readiness as a gap report (to compare later reports with)."""
    from django.db import transaction

    from .history import record_event
    from .models import GapReport, ReferenceCounter
    from .readiness import compute

    report = compute(as_of)
    with transaction.atomic(), attributed_to(actor), change_scope():
        blockers = sum(len(b.items) for b in report.blockers)
        saved = object_save(
            instance=GapReport(
                reference=ReferenceCounter.next_reference("GAP"),
                as_of=report.as_of,
                note=note,
                data=report.as_json(),
                clause_percent=report.percent("clause"),
                annex_percent=report.percent("annex_a"),
                blockers=blockers,
            ),
            actor=actor,
        )
        record_event(
            saved,
            "gapreport.saved",
            f"{actor} kept the gap report of {report.as_of}: clauses "
            f"{saved.clause_percent} %, Annex A {saved.annex_percent} %, {blockers} blockers.",
            {
                "clause_percent": saved.clause_percent,
                "annex_percent": saved.annex_percent,
                "blockers": blockers,
            },
        )
    return saved


def lookup_get_or_create(
    model: type[AimsModel], *, lookup: dict, defaults: dict | None = None, actor=None
) -> tuple[AimsModel, bool]:
    """The row matching ``lookup`` (unique fields), created through ``object_save`` when
    missing, surviving the race of two requests creating the same value at once (tags,
    lookup values typed into a form): the loser's insert fails on the unique index (or
    its uniqueness check already sees the winner), its savepoint is rolled back, and it
    reads the winner's row. Returns ``(row, created)``."""
    existing = model.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    try:
        # A savepoint: the failed INSERT must not abort the caller's transaction. The
        # change log only records rows whose INSERT succeeded (post_save).
        with transaction.atomic():
            created = object_save(
                instance=model(**lookup, **(defaults or {})), actor=actor
            )
    except (IntegrityError, ValidationError):
        winner = model.objects.filter(**lookup).first()
        if winner is None:
            raise
        return winner, False
    return created, True
