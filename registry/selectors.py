"""Reads of the register for dashboards; constant number of queries."""

from django.db.models import Count, Q
from django.utils import timezone

from aims.counting import cached_aggregate, state_token
from aims.permissions import visible_to

from .choices import EURiskTier, LifecycleStage
from .models import AISystem

REVIEW_DUE_DAYS = 30


def register_summary(user) -> dict:
    systems = visible_to(AISystem.objects.all(), user, "view")
    today = timezone.localdate()
    active = ~Q(lifecycle_stage=LifecycleStage.RETIRED)
    # Each computed once per state of the register (aims.counting).
    token = state_token()
    totals = cached_aggregate(
        systems,
        lambda systems: systems.aggregate(
            total=Count("pk"),
            overdue=Count("pk", filter=active & Q(next_review_date__lt=today)),
            due_soon=Count(
                "pk",
                filter=active
                & Q(
                    next_review_date__gte=today,
                    next_review_date__lte=today
                    + timezone.timedelta(days=REVIEW_DUE_DAYS),
                ),
            ),
            mine=Count("pk", filter=Q(owner=user)),
        ),
        f"register.totals:{user.pk}:{today}",
        token,
    )
    by_stage = dict(
        cached_aggregate(
            systems.values_list("lifecycle_stage").annotate(n=Count("pk")).order_by(),
            list,
            "register.by_stage",
            token,
        )
    )
    by_tier = dict(
        cached_aggregate(
            systems.values_list("eu_risk_tier").annotate(n=Count("pk")).order_by(),
            list,
            "register.by_tier",
            token,
        )
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


# The personal-data flag (A.7.2): the register entry says the system processes personal
# data, but no dataset linked to it declares a personal-data category.


def systems_using_personal_data():
    through = AISystem.data_categories.through.objects
    return through.filter(datacategory__is_personal=True).values("aisystem_id")


def systems_declaring_personal_data():
    from .models import SystemDataset

    return SystemDataset.objects.filter(dataset__categories__is_personal=True).values(
        "ai_system_id"
    )


def personal_data_undeclared_ids():
    """Ids of systems flagged: one subquery, for lists and filters."""
    return (
        AISystem.objects.filter(pk__in=systems_using_personal_data())
        .exclude(pk__in=systems_declaring_personal_data())
        .values("pk")
    )


def personal_data_undeclared(system) -> bool:
    return AISystem.objects.filter(
        pk=system.pk, pk__in=personal_data_undeclared_ids()
    ).exists()
