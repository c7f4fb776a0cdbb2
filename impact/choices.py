from django.db import models


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


class TemplateStatus(models.TextChoices):
    PUBLISHED = "published", "Published (in use)"
    RETIRED = "retired", "Retired (kept for the assessments that used it)"


class ImpactLevel(models.TextChoices):
    """Impact levels in rising order; the rule in impact/data/impact_levels.json gives them."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"

    @classmethod
    def rank(cls, value: str) -> int:
        return cls.values.index(value) if value in cls.values else -1


class ObligationStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NO_LONGER_APPLIES = "no_longer_applies", "No longer applies"


class FRIAStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETED = "completed", "Completed"
    NOTIFIED = "notified", "Notified to the authority"
