"""The risk appetite card of the home page: visible risks whose residual level is above
the appetite and not accepted, and treatment actions overdue, each linking to its list."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from aims.counting import cached_aggregate, cached_count, state_token
from aims.permissions import can, visible_to

from .choices import RiskLevel, RiskStatus
from .models import Risk, TreatmentAction
from .services import criteria_current


def appetite_card(request) -> dict | None:
    user = request.user
    if not can(user, "view", Risk):
        return None
    criteria = criteria_current()
    above = [level for level in RiskLevel.values if criteria.above_appetite(level)]
    open_statuses = [
        s
        for s in RiskStatus.values
        if s not in (RiskStatus.ACCEPTED, RiskStatus.CLOSED)
    ]
    risks = visible_to(Risk.objects.all(), user, "view")
    token = state_token()
    counts = cached_aggregate(
        risks,
        lambda risks: risks.aggregate(
            above=Count(
                "pk", filter=Q(residual_level__in=above, status__in=open_statuses)
            ),
            accepted_above=Count(
                "pk", filter=Q(residual_level__in=above, status=RiskStatus.ACCEPTED)
            ),
            unassessed=Count("pk", filter=Q(status=RiskStatus.IDENTIFIED)),
        ),
        f"risk.appetite:{above}",
        token,
    )
    overdue_actions = cached_count(
        TreatmentAction.objects.filter(
            risk__in=risks, due_date__lt=timezone.localdate()
        ).exclude(status__in=("done", "cancelled")),
        token,
    )
    base = reverse("risk:risk_list")
    levels = "&".join(f"residual_level={level}" for level in above)
    statuses = "&".join(f"status={status}" for status in open_statuses)
    return {
        "appetite": criteria.get_appetite_display(),
        "counts": counts,
        "overdue_actions": overdue_actions,
        "links": {
            "above": f"{base}?{levels}&{statuses}",
            "accepted_above": f"{base}?{levels}&status=accepted",
            "unassessed": f"{base}?status=identified",
        },
    }
