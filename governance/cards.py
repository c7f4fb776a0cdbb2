"""Home-page cards (``aims.dashboard``): what the user has to acknowledge, and the
state of the management system for those who may see it."""

from aims import dashboard
from aims.permissions import can


def _to_acknowledge(request):
    from .services import to_acknowledge

    pending = list(to_acknowledge(request.user).order_by("document__reference")[:10])
    if not pending:
        return None
    return {"pending": pending}


def _summary(request):
    from .models import ContextIssue
    from .selectors import overview

    if not can(request.user, "view", ContextIssue):
        return None
    return {**overview(request.user), **_measurements(request.user)}


def _measurements(user) -> dict:
    """The overdue measurements (their schedules), for those who may see indicators."""
    from django.utils import timezone

    from .models import Indicator
    from .reminders import overdue_indicators

    if not can(user, "view", Indicator):
        return {}
    today = timezone.localdate()
    overdue = [
        (indicator, due, (today - due).days)
        for indicator, due in overdue_indicators(today)
        if due < today
    ]
    return {
        "measurements_overdue": overdue[:3],
        "measurements_overdue_count": len(overdue),
    }


def register_cards() -> None:
    dashboard.register(
        dashboard.DashboardCard(
            key="governance.to_acknowledge",
            order=2,
            template="governance/cards/to_acknowledge.html",
            context=_to_acknowledge,
            width="col-12",
        )
    )
    dashboard.register(
        dashboard.DashboardCard(
            key="governance.summary",
            order=45,
            template="governance/cards/summary.html",
            context=_summary,
        )
    )
