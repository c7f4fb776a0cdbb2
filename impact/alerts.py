"""The blocking alert for an AI system classified as a prohibited practice (EU AI Act
Art. 5): on every page of the system and of its impact records, on the home page.

The register's tier follows the classification (``registry.locks``), so the system's
own ``eu_risk_tier`` tells, without a query, whether the alert applies; the basis is read
only for the systems that are prohibited."""

from django.urls import reverse

from aims.permissions import can, visible_to
from aims.record_tabs import RecordAlert

from .models import Classification

PROHIBITED = "prohibited"
TITLE = "Prohibited practice (EU AI Act Art. 5)."
CONSEQUENCE = "it may not be placed on the market, put into service or used."


def _system_of(obj):
    from registry.models import AISystem

    if isinstance(obj, AISystem):
        return obj
    if hasattr(obj, "ai_system"):
        return obj.ai_system
    if hasattr(obj, "assessment"):
        return obj.assessment.ai_system
    return None


def prohibited_alerts(request, obj) -> list[RecordAlert]:
    """The alert on the pages of ``obj`` (a system, or a record about one)."""
    system = _system_of(obj)
    if system is None or system.eu_risk_tier != PROHIBITED:
        return []
    # A record about the system may be visible to someone the system is not.
    if system is not obj and not can(request.user, "view", system):
        return []
    current = (
        Classification.objects.filter(ai_system=system, is_current=True)
        .only("pk", "basis", "ai_system_id")
        .first()
    )
    basis = f" on {', '.join(current.basis)}" if current and current.basis else ""
    return [
        RecordAlert(
            title=TITLE,
            message=f"{system.reference} {system.name} is classified as a prohibited "
            f"practice{basis}: {CONSEQUENCE}",
            url=current.get_absolute_url() if current else "",
            link_label="See the classification",
        )
    ]


def prohibited_gate_problems(system, release=None) -> list[str]:
    """The release gate refuses a prohibited practice: the alert blocks, not only warns."""
    if system.eu_risk_tier != PROHIBITED:
        return []
    return [
        f"{system.reference} is classified as a prohibited practice (EU AI Act Art. 5): "
        "it may not be put into service or used."
    ]


def prohibited_card(request) -> dict | None:
    """The visible systems classified as prohibited (at most ten named, all counted)."""
    current = visible_to(
        Classification.objects.filter(is_current=True, tier=PROHIBITED), request.user
    ).select_related("ai_system")
    rows = list(current.order_by("ai_system__reference")[:11])
    if not rows:
        return None
    return {
        "prohibited": rows[:10],
        "more": len(rows) > 10,
        "list_url": reverse("impact:classification_list")
        + f"?current=true&tier={PROHIBITED}",
    }
