"""Reminder sources of risk management: risk reviews and treatment actions (6.1.3, 8.3)."""

from aims.reminders import DueSource, register


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
