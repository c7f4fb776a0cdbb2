from django.db import models


class RiskLevel(models.TextChoices):
    """Risk levels in rising order; criteria map scores to them."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"

    @classmethod
    def rank(cls, value: str) -> int:
        return cls.values.index(value)


class Treatment(models.TextChoices):
    """Risk treatment options (ISO/IEC 42001 6.1.3, ISO 31000)."""

    MITIGATE = "mitigate", "Mitigate (reduce)"
    AVOID = "avoid", "Avoid"
    TRANSFER = "transfer", "Transfer / share"
    ACCEPT = "accept", "Accept (retain)"


class RiskStatus(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    ASSESSED = "assessed", "Assessed"
    TREATMENT_PLANNED = "treatment_planned", "Treatment planned"
    TREATED = "treated", "Treated"
    ACCEPTED = "accepted", "Accepted"
    CLOSED = "closed", "Closed"


class AffectedParty(models.TextChoices):
    INDIVIDUALS = "individuals", "Individuals"
    GROUPS = "groups", "Groups of individuals"
    SOCIETY = "society", "Society"
    ORGANISATION = "organisation", "The organisation"


class ReviewFrequency(models.IntegerChoices):
    """Months between reviews."""

    MONTHLY = 1, "Monthly"
    QUARTERLY = 3, "Quarterly"
    HALF_YEARLY = 6, "Every six months"
    YEARLY = 12, "Yearly"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"
