"""Reads of the register for dashboards; constant number of queries."""

from django.db.models import Count, Q
from django.utils import timezone

from aims.permissions import visible_to

from .choices import EURiskTier, LifecycleStage
from .models import AISystem

REVIEW_DUE_DAYS = 30


def register_summary(user) -> dict:
    systems = visible_to(AISystem.objects.all(), user, "view")
    today = timezone.localdate()
    active = ~Q(lifecycle_stage=LifecycleStage.RETIRED)
    totals = systems.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=active & Q(next_review_date__lt=today)),
        due_soon=Count(
            "pk",
            filter=active
            & Q(
                next_review_date__gte=today,
                next_review_date__lte=today + timezone.timedelta(days=REVIEW_DUE_DAYS),
            ),
        ),
        mine=Count("pk", filter=Q(owner=user)),
    )
    by_stage = dict(
        systems.values_list("lifecycle_stage").annotate(n=Count("pk")).order_by()
    )
    by_tier = dict(
        systems.values_list("eu_risk_tier").annotate(n=Count("pk")).order_by()
    )
    return {
        **totals,
        "due_days": REVIEW_DUE_DAYS,
        "by_stage": [
            (value, label, by_stage.get(value, 0))
            for value, label in LifecycleStage.choices
        ],
        "by_tier": [
            (value, label, by_tier.get(value, 0)) for value, label in EURiskTier.choices
        ],
    }
