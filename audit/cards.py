"""The home-page card of audits and improvement: what the user may see, in a constant
number of queries."""

from django.db.models import Count, Q
from django.utils import timezone

from aims.permissions import can, visible_to

from .choices import OPEN_ACTION_STATUSES, CorrectiveActionStatus, NonconformityStatus


def audit_card(request) -> dict | None:
    from .models import (
        AuditProgramme,
        CorrectiveAction,
        ManagementReview,
        Nonconformity,
    )

    user = request.user
    today = timezone.localdate()
    actions = visible_to(CorrectiveAction.objects.all(), user).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES)),
        overdue=Count(
            "pk", filter=Q(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)
        ),
        unverified=Count("pk", filter=Q(status=CorrectiveActionStatus.DONE)),
        mine=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES, owner=user)),
    )
    ncs = (
        visible_to(Nonconformity.objects.all(), user)
        .exclude(status=NonconformityStatus.CLOSED)
        .aggregate(open=Count("pk"), major=Count("pk", filter=Q(grade="major_nc")))
    )
    if (
        not any(actions.values())
        and not ncs["open"]
        and not can(user, "view", ManagementReview)
    ):
        return None
    next_review = None
    programme = None
    if can(user, "view", ManagementReview):
        last = ManagementReview.objects.signed().order_by("-review_date").first()
        upcoming = (
            ManagementReview.objects.exclude(status="signed")
            .filter(review_date__gte=today)
            .order_by("review_date")
            .first()
        )
        next_review = (
            upcoming.review_date
            if upcoming
            else (last.next_review_date if last else None)
        )
    if can(user, "view", AuditProgramme):
        programme = AuditProgramme.objects.current(today)
    return {
        "audit_card": {
            "actions": actions,
            "nonconformities": ncs,
            "next_review": next_review,
            "review_overdue": bool(next_review and next_review < today),
            "programme": programme,
        }
    }
