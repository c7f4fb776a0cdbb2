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
    return {
        **overview(request.user),
        **_measurements(request.user),
        **_off_track(request.user),
        "acknowledgements_pending": _acknowledgements_pending(),
    }


def _off_track(user) -> dict:
    """Open indicators whose latest measurement misses the threshold (two queries)."""
    from .choices import IndicatorStatus
    from .models import Indicator
    from .selectors import indicator_rows

    if not can(user, "view", Indicator):
        return {}
    rows = indicator_rows(
        Indicator.objects.filter(closed=False).select_related("objective")
    )
    off = [row.indicator for row in rows if row.status == IndicatorStatus.OFF_TRACK]
    return {"off_track": off[:3], "off_track_count": len(off)}


def _acknowledgements_pending() -> int:
    """People who have not yet acknowledged an approved version published to them,
    summed over the versions (one query)."""
    from django.db.models import Count, Q

    from .choices import VersionStatus
    from .models import DocumentVersion

    figures = (
        DocumentVersion.objects.filter(
            status=VersionStatus.APPROVED, publications__isnull=False
        )
        .annotate(
            audience=Count(
                "publications__groups__user",
                filter=Q(publications__groups__user__is_active=True),
                distinct=True,
            ),
            done=Count("acknowledgements", distinct=True),
        )
        .values_list("audience", "done")
    )
    return sum(max(0, audience - done) for audience, done in figures)


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
