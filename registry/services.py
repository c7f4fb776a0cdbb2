"""Writes to the AI system register (ISO/IEC 42001 A.4.2, A.6.2, clause 4.1 roles)."""

from collections.abc import Iterable

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.text import slugify

from aims.context import attributed_to
from aims.history import after_changes, change_scope
from aims.models import ReferenceCounter, Tag
from aims.permissions import move_ownership
from aims.services import lookup_get_or_create, object_save

from .choices import LifecycleStage
from .models import REFERENCE_PREFIX, AISystem
from .signals import ai_system_changed

__all__ = ["ai_system_save", "tags_from_names"]

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
        previous_owner = None
        before = None
        if system.pk is not None:
            stored = (
                AISystem.objects.filter(pk=system.pk).select_related("owner").first()
            )
            if stored is None:
                raise ObjectDoesNotExist("This AI system was deleted meanwhile.")
            previous_owner = stored.owner
            before = stored.serialize()
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
