"""Reminder sources of risk management: risk reviews and treatment actions (6.1.3, 8.3)."""

import datetime

from aims.reminders import DueItem, DueSource, register

# How long the committee has to decide on an acceptance request before it is overdue
# (and escalated along the reminder ladder).
ACCEPTANCE_DECISION_DAYS = 14


def acceptance_decision_due(risk) -> datetime.date:
    return risk.acceptance_requested_at.date() + datetime.timedelta(
        days=ACCEPTANCE_DECISION_DAYS
    )


def _acceptance_requests(until):
    from aims.permissions import users_with

    from .models import Risk

    pending = list(
        Risk.objects.filter(acceptance_requested_at__isnull=False).order_by(
            "acceptance_requested_at"
        )
    )
    if not pending:
        return
    deciders = tuple(
        users_with(Risk, "accept_above_appetite").filter(is_superuser=False)
    )
    for risk in pending:
        due = acceptance_decision_due(risk)
        if due <= until:
            yield DueItem(
                obj=risk,
                due_date=due,
                responsible=deciders,
                title=f"Decide on the acceptance of {risk}",
                url=risk.get_absolute_url(),
            )


def _rejected_acceptances(until):
    """The owner hears of a rejection until they rework the risk or ask again."""
    from .models import Risk

    rows = (
        Risk.objects.open()
        .filter(acceptance_rejected_at__date__lte=until)
        .select_related("owner")
    )
    for risk in rows:
        yield DueItem(
            obj=risk,
            due_date=risk.acceptance_rejected_at.date(),
            responsible=(risk.owner,),
            title=f"Rework {risk}: the committee rejected its acceptance",
            url=risk.get_absolute_url(),
        )


def register_sources() -> None:
    from .choices import ActionStatus
    from .models import Risk, TreatmentAction

    register(
        DueSource.from_queryset(
            "risk.risk_review",
            "Risk review",
            queryset=lambda: Risk.objects.open().select_related("owner"),
            date_field="next_review_date",
            responsible="owner",
            title=lambda risk: f"Review {risk}",
        )
    )
    register(
        DueSource(
            key="risk.acceptance_request",
            label="Risk acceptance request",
            items=_acceptance_requests,
        )
    )
    register(
        DueSource(
            key="risk.acceptance_rejected",
            label="Risk acceptance rejected",
            items=_rejected_acceptances,
        )
    )
    register(
        DueSource.from_queryset(
            "risk.treatment_action",
            "Treatment action",
            queryset=lambda: TreatmentAction.objects.filter(
                status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS]
            ).select_related("owner", "risk"),
            date_field="due_date",
            responsible="owner",
            title=lambda action: f"{action.risk.reference}: {action.description}",
        )
    )
