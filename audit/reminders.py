"""Reminder sources of the audit app (escalation is the registry's): corrective actions
and their verification (10.2), open findings, audits falling due (9.2), review decisions
and the next management review (9.3)."""

import datetime

from django.db.models import Exists, OuterRef

from aims.reminders import DueItem, DueSource, register


def _verifications_due(until: datetime.date):
    """Completed actions whose verification falls due: the nonconformity's owner
    arranges it (someone other than the action's owner verifies)."""
    from .models import CorrectiveAction

    actions = CorrectiveAction.objects.unverified().select_related(
        "nonconformity__owner", "owner"
    )
    for action in actions:
        due = action.verification_due
        if due is not None and due <= until:
            yield DueItem(
                obj=action,
                due_date=due,
                responsible=(action.nonconformity.owner,),
                title=f"Verify the effectiveness of {action}",
            )


def _next_reviews(until: datetime.date):
    """The next review a signed review planned, until a later review is scheduled."""
    from .models import ManagementReview

    later = ManagementReview.objects.filter(review_date__gt=OuterRef("review_date"))
    reviews = (
        ManagementReview.objects.signed()
        .filter(next_review_date__lte=until)
        .exclude(Exists(later))
        .select_related("chair")
    )
    for review in reviews:
        yield DueItem(
            obj=review,
            due_date=review.next_review_date,
            responsible=(review.chair,),
            title=f"Hold the next management review (after {review.reference})",
        )


def register_sources() -> None:
    from .choices import AuditStatus, DecisionStatus, FindingStatus
    from .models import Audit, CorrectiveAction, Finding, ManagementReviewDecision

    register(
        DueSource.from_queryset(
            "audit.corrective_action",
            "Corrective action",
            queryset=lambda: CorrectiveAction.objects.open().select_related(
                "owner", "nonconformity"
            ),
            date_field="due_date",
            responsible="owner",
        )
    )
    register(
        DueSource(
            "audit.verification", "Effectiveness verification", _verifications_due
        )
    )
    register(
        DueSource.from_queryset(
            "audit.finding",
            "Audit finding",
            queryset=lambda: Finding.objects.filter(
                status=FindingStatus.OPEN
            ).select_related("owner"),
            date_field="due_date",
            responsible="owner",
        )
    )
    register(
        DueSource.from_queryset(
            "audit.audit",
            "Audit due",
            queryset=lambda: Audit.objects.filter(
                status=AuditStatus.PLANNED
            ).select_related("lead_auditor"),
            date_field="planned_start",
            responsible="lead_auditor",
            title=lambda audit: f"Start {audit}",
        )
    )
    register(
        DueSource.from_queryset(
            "audit.review_decision",
            "Management review decision",
            queryset=lambda: ManagementReviewDecision.objects.filter(
                status=DecisionStatus.OPEN
            ).select_related("owner", "review"),
            date_field="due_date",
            responsible="owner",
            title=lambda d: f"{d.review.reference}: {d.description[:80]}",
        )
    )
    register(DueSource("audit.next_review", "Next management review", _next_reviews))
