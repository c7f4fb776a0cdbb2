"""AI objectives (ISO/IEC 42001 6.2, A.6.1.2, A.9.3) with measured indicators (9.1),
and planned changes to the AIMS (6.3)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from aims.models import AimsModel
from aims.reversing import reverse

from ..choices import (
    FREQUENCY_DAYS,
    ChangeStatus,
    Direction,
    Frequency,
    IndicatorStatus,
    ObjectiveConcern,
    ObjectiveStatus,
    ValueType,
)


class Objective(AimsModel):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="governance_objectives",
    )
    target = models.CharField(
        max_length=300, help_text="What will be achieved, in words (6.2)."
    )
    due_date = models.DateField()
    resources = models.TextField("resources needed", blank=True)
    evaluation_method = models.TextField(
        "how results are evaluated", help_text="Method, who evaluates and when."
    )
    concerns = models.CharField(
        max_length=12, choices=ObjectiveConcern, default=ObjectiveConcern.GENERAL
    )
    ai_systems = models.ManyToManyField(
        "registry.AISystem",
        blank=True,
        related_name="governance_objectives",
        verbose_name="AI systems concerned",
    )
    annex_c_objectives = models.ManyToManyField(
        "risk.AIObjective",
        blank=True,
        related_name="+",
        verbose_name="Annex C objectives",
        help_text="The organisational objectives of ISO/IEC 42001 Annex C it serves.",
    )
    status = models.CharField(
        max_length=10, choices=ObjectiveStatus, default=ObjectiveStatus.ACTIVE
    )

    class Meta:
        ordering = ["reference"]
        verbose_name = "AIMS objective"

    def __str__(self):
        return f"{self.reference} {self.title}" if self.reference else self.title

    def get_absolute_url(self):
        return reverse("governance:objective_detail", args=[self.pk])


class Indicator(AimsModel):
    """A measured indicator (KPI) of an objective: unit, direction, target, threshold."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=30, blank=True, help_text="E.g. %, days, count.")
    value_type = models.CharField(
        max_length=10, choices=ValueType, default=ValueType.DECIMAL
    )
    direction = models.CharField(
        max_length=10, choices=Direction, default=Direction.HIGHER
    )
    target = models.DecimalField(max_digits=14, decimal_places=4)
    threshold = models.DecimalField(
        "alert threshold",
        max_digits=14,
        decimal_places=4,
        help_text="Between the threshold and the target the indicator is at risk; "
        "beyond the threshold it is off track.",
    )
    frequency = models.CharField(
        "measured", max_length=12, choices=Frequency, default=Frequency.MONTHLY
    )
    first_due = models.DateField(
        "first measurement due",
        null=True,
        blank=True,
        help_text="Then one measurement per period of the frequency. "
        "Empty: one period after the indicator was added.",
    )
    closed = models.BooleanField(
        default=False, help_text="A closed indicator takes no more measurements."
    )

    class Meta:
        ordering = ["objective", "pk"]
        verbose_name = "indicator"

    def __str__(self):
        return f"{self.objective.reference} {self.name}"

    def get_absolute_url(self):
        return reverse("governance:indicator_detail", args=[self.pk])

    def change_log_parent(self):
        return self.objective

    @property
    def frequency_days(self) -> int:
        return FREQUENCY_DAYS[Frequency(self.frequency)]

    def clean(self):
        errors = {}
        if self.target is not None and self.threshold is not None:
            if self.direction == Direction.HIGHER and self.threshold > self.target:
                errors["threshold"] = (
                    "When higher is better, the threshold is at or below the target."
                )
            if self.direction == Direction.LOWER and self.threshold < self.target:
                errors["threshold"] = (
                    "When lower is better, the threshold is at or above the target."
                )
        if errors:
            raise ValidationError(errors)

    def status_for(self, latest, today: datetime.date) -> str:
        """On track, at risk or off track from the latest measurement; no recent data when
        there is none within one measurement period (plus a week's grace)."""
        if latest is None or latest.measured_on < today - datetime.timedelta(
            days=self.frequency_days + 7
        ):
            return IndicatorStatus.NO_DATA
        value = Decimal(latest.value)
        if self.direction == Direction.HIGHER:
            if value >= self.target:
                return IndicatorStatus.ON_TRACK
            if value >= self.threshold:
                return IndicatorStatus.AT_RISK
            return IndicatorStatus.OFF_TRACK
        if value <= self.target:
            return IndicatorStatus.ON_TRACK
        if value <= self.threshold:
            return IndicatorStatus.AT_RISK
        return IndicatorStatus.OFF_TRACK


class Measurement(AimsModel):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements"
    )
    value = models.DecimalField(max_digits=14, decimal_places=4)
    measured_on = models.DateField("date")
    period = models.CharField(
        max_length=50, blank=True, help_text="The period measured, e.g. 2026-Q3."
    )
    note = models.TextField(blank=True)
    evidence = models.ForeignKey(
        "controls.Evidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="governance_measurements",
    )

    class Meta:
        ordering = ["indicator", "-measured_on", "-pk"]
        verbose_name = "measurement"
        indexes = [models.Index(fields=["indicator", "measured_on"])]

    def __str__(self):
        return f"{self.indicator.name} on {self.measured_on}: {self.display_value}"

    def get_absolute_url(self):
        return reverse("governance:measurement_detail", args=[self.pk])

    def change_log_parent(self):
        return self.indicator.objective

    @property
    def display_value(self) -> str:
        value = Decimal(self.value).normalize()
        text = f"{value:f}"
        unit = self.indicator.unit if self.indicator_id else ""
        return f"{text} {unit}".strip()

    def clean(self):
        errors = {}
        indicator = self.indicator if self.indicator_id else None
        if indicator is not None and indicator.closed:
            errors["indicator"] = "This indicator is closed: it takes no measurements."
        if indicator is not None and self.value is not None:
            value = Decimal(self.value)
            if (
                indicator.value_type == ValueType.INTEGER
                and value != value.to_integral_value()
            ):
                errors["value"] = "This indicator counts whole numbers."
            if indicator.value_type == ValueType.PERCENT and not 0 <= value <= 100:
                errors["value"] = "A percentage is between 0 and 100."
        if self.measured_on and self.measured_on > timezone.localdate():
            errors["measured_on"] = "A measurement cannot be in the future."
        if errors:
            raise ValidationError(errors)


class PlannedChange(AimsModel):
    """A change to the AIMS, planned as clause 6.3 asks."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField("the change")
    purpose = models.TextField("purpose and potential consequences")
    resources = models.TextField(blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="governance_planned_changes",
    )
    planned_for = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ChangeStatus, default=ChangeStatus.PROPOSED
    )

    class Meta:
        ordering = ["-reference"]
        verbose_name = "planned change"

    def __str__(self):
        return f"{self.reference} {self.title}" if self.reference else self.title

    def get_absolute_url(self):
        return reverse("governance:plannedchange_detail", args=[self.pk])
