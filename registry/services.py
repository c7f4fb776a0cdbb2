"""Writes to the AI system register (ISO/IEC 42001 A.4.2, A.6.2, clause 4.1 roles)."""

from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.text import slugify

from aims.context import attributed_to
from aims.history import after_changes, change_scope, record_event
from aims.models import ReferenceCounter, Tag
from aims.permissions import can, move_ownership
from aims.services import lookup_get_or_create, object_save

from . import locks
from .choices import LifecycleStage
from .models import REFERENCE_PREFIX, AISystem
from .signals import ai_system_changed

__all__ = ["ai_system_review", "ai_system_save", "tags_from_names"]

TAG_MAX_LENGTH = 50


def tags_from_names(names: Iterable[str]) -> list[Tag]:
    """The tags with these names, creating the missing ones (names are case-insensitive)."""
    tags = []
    for raw in names:
        name = " ".join(raw.split())
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(
                {
                    "tags": f"Tags have at most {TAG_MAX_LENGTH} characters: {name[:20]}..."
                }
            )
        slug = slugify(name)
        if not slug:
            continue
        tag, _ = lookup_get_or_create(
            Tag, lookup={"slug": slug}, defaults={"name": name}
        )
        if tag not in tags:
            tags.append(tag)
    return tags


def ai_system_save(
    *,
    system: AISystem,
    actor,
    m2m: dict | None = None,
    expected_version: int | None = None,
) -> AISystem:
    """Register or update an AI system.

    A new system gets the next AIS reference (never reused; an imported reference is kept
    and reserved). The owner holds view and change permissions on their own system; when
    the owner changes, the permissions move with it.
    """
    with attributed_to(actor), change_scope():
        previous_owner, before, stored = None, None, None
        if system.pk is not None:
            stored = (
                AISystem.objects.filter(pk=system.pk).select_related("owner").first()
            )
            if stored is None:
                raise ObjectDoesNotExist("This AI system was deleted meanwhile.")
            previous_owner = stored.owner
            before = stored.serialize()
        # A field another record decides (the EU AI Act tier) is refused here, by field.
        locks.check(system, stored)
        _check_gate(system, before)
        if not system.reference:
            system.reference = ReferenceCounter.next_reference(REFERENCE_PREFIX)
        elif system.pk is None:
            ReferenceCounter.observe(system.reference)
        object_save(
            instance=system, actor=actor, m2m=m2m, expected_version=expected_version
        )
        move_ownership(system, previous_owner, system.owner)
        _announce(system, before, actor)
    return system


def _check_gate(system: AISystem, before: dict | None) -> None:
    """Moving a registered system to *deployed* passes the release gate (A.6.2.5).

    Registering a system that is already in use is not a move; recording a release (which
    runs the gate, or carries the committee's override) clears the way itself."""
    moving = (
        before is not None
        and before.get("lifecycle_stage") != LifecycleStage.DEPLOYED
        and system.lifecycle_stage == LifecycleStage.DEPLOYED
    )
    if not moving or getattr(system, "_gate_cleared", False):
        return
    from .life_services import GateBlocked, gate_problems

    problems = gate_problems(system)
    if problems:
        hint = (
            "Meet these conditions, or record a release on the Life cycle tab with the "
            "committee's justified override."
        )
        raise GateBlocked(system, [*problems, hint], field="lifecycle_stage")
def ai_system_review(*, system: AISystem, actor, note: str = "") -> AISystem:
    """Record that the owner reviewed the system (ISO/IEC 42001 9.1, A.6.2.6): the last
    review is today and the next one moves the system's review interval ahead."""
    if not can(actor, "change", system):
        raise ValidationError(
            {"note": "Only the system's owner or an AIMS manager may record a review."}
        )
    note = (note or "").strip()
    with attributed_to(actor), change_scope():
        today = timezone.localdate()
        system.last_review_date = today
        system.next_review_date = today + relativedelta(months=system.review_interval)
        ai_system_save(system=system, actor=actor)
        record_event(
            system,
            "aisystem.reviewed",
            f"AI system reviewed; next review {system.next_review_date.isoformat()}"
            + (f": {note}" if note else "."),
            {"next_review_date": system.next_review_date.isoformat(), "note": note},
        )
    return system


def _announce(system: AISystem, before: dict | None, actor) -> None:
    after = system.serialize()
    changed = {
        name
        for name in set(after) | set(before or {})
        if (before or {}).get(name) != after.get(name)
    }
    if before is not None and not changed:
        return

    def send(entries):
        entry = next(
            (
                e
                for e in entries
                if e.object_id == str(system.pk)
                and e.content_type.model_class() is AISystem
            ),
            None,
        )
        ai_system_changed.send(
            sender=AISystem,
            system=system,
            created=before is None,
            changed=changed,
            before=before or {},
            after=after,
            entry=entry,
            actor=actor,
        )

    after_changes(send)
