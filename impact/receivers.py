"""Reassessment on significant change (ISO/IEC 42001 8.4): a material edit of an AI
system marks its approved impact assessment and its classification "review needed"."""

from django.dispatch import receiver

from registry.signals import ai_system_changed

from .rules import material_fields


def material_changes(changed: set, after: dict) -> list[str]:
    """Labels of the material fields among ``changed`` (per impact/data/material_changes.json)."""
    found = []
    for rule in material_fields():
        if rule["field"] not in changed:
            continue
        if "to" in rule and after.get(rule["field"]) not in rule["to"]:
            continue
        found.append(rule["label"])
    return found


@receiver(ai_system_changed, dispatch_uid="impact_review_on_material_change")
def _review_on_material_change(
    sender, system, created, changed, after, entry, actor, **kwargs
):
    if created:
        return
    labels = material_changes(changed, after)
    if not labels:
        return
    from .services import mark_review_needed

    mark_review_needed(
        system=system,
        reason=f"{system.reference} changed ({', '.join(labels)}) by {actor or 'the portal'}",
        entry=entry,
        actor=actor,
    )
