"""Records of the readiness view: self-assessments where no record can judge a
requirement, and gap reports kept as they were."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from aims.reversing import reverse

from .base import AimsModel


class SelfAssessmentQuerySet(models.QuerySet):
    def current(self, as_of: datetime.date) -> dict[str, "SelfAssessment"]:
        """The newest valid self-assessment of each requirement on ``as_of``."""
        rows = (
            self.filter(assessed_on__lte=as_of)
            .filter(
                models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=as_of)
            )
            .select_related("assessed_by")
            .order_by("requirement_id", "-assessed_on", "-pk")
        )
        found: dict[str, SelfAssessment] = {}
        for row in rows:
            found.setdefault(row.requirement_id, row)
        return found


class SelfAssessment(AimsModel):
    """A person's judgement of a requirement that no record judges (ISO/IEC 42001
    clause or Annex A control), with the justification an auditor will ask for."""

    class Status(models.TextChoices):
        READY = "ready", "Ready"
        PARTIAL = "partial", "Partly ready"
        NOT_READY = "not_ready", "Not ready"

    requirement_id = models.CharField("requirement", max_length=20, db_index=True)
    status = models.CharField(max_length=20, choices=Status)
    justification = models.TextField(
        help_text="What shows that the requirement is met (or what is missing)."
    )
    assessed_on = models.DateField(default=timezone.localdate)
    valid_until = models.DateField(
        null=True,
        blank=True,
        help_text="After this date the requirement shows as not assessed again.",
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = SelfAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["requirement_id", "-assessed_on", "-pk"]

    def __str__(self):
        return f"{self.requirement_id} self-assessed {self.assessed_on}: {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("readiness_requirement", args=[self.requirement_id])

    def clean(self):
        from ..readiness import requirements

        errors = {}
        if self.requirement_id not in {r.id for r in requirements()}:
            errors["requirement_id"] = (
                f"{self.requirement_id} is not a clause requirement or Annex A control."
            )
        if self.assessed_on and self.assessed_on > timezone.localdate():
            errors["assessed_on"] = "A self-assessment cannot be dated in the future."
        if (
            self.valid_until
            and self.assessed_on
            and self.valid_until < self.assessed_on
        ):
            errors["valid_until"] = "Valid until cannot be before the assessment date."
        if not (self.justification or "").strip():
            errors["justification"] = "Say what shows this; an auditor will ask."
        if errors:
            raise ValidationError(errors)


class GapReport(AimsModel):
    """The readiness of every requirement as it was on one day: kept unchanged, so that
    progress can be compared report to report."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    as_of = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    data = models.JSONField(editable=False)
    clause_percent = models.PositiveSmallIntegerField(editable=False)
    annex_percent = models.PositiveSmallIntegerField(editable=False)
    blockers = models.PositiveIntegerField(editable=False)

    # The snapshot is large and never changes: the change log records that it was made.
    change_log_exclude = (*AimsModel.change_log_exclude, "data")

    class Meta:
        ordering = ["-as_of", "-pk"]

    def __str__(self):
        return f"{self.reference} ({self.as_of})"

    def get_absolute_url(self):
        return reverse("gapreport_detail", args=[self.pk])
