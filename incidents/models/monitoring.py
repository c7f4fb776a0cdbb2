"""Post-market monitoring of high-risk AI systems (EU AI Act Art. 72; ISO/IEC 42001
A.6.2.6): a plan per system, the metrics it watches with their thresholds and how often
they are checked, and the results recorded against them.

A plan, its metrics and their results follow the AI system's permissions: whoever may
see (change) the system sees (maintains) its monitoring. A result that breaches its
threshold opens an incident awaiting triage (``monitoring_result_save``), so the Art. 73
clock starts from the moment the breach is known.
"""

import datetime
import decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from aims.models import AimsModel
from aims.reversing import reverse
from registry.choices import Comparator, EURiskTier
from registry.models import AISystem

from .incidents import Incident


class MonitoringPlan(AimsModel):
    """The post-market monitoring plan of one high-risk AI system (Art. 72(1)-(3)).

    Kept by providers (Art. 72) and by deployers for the monitoring Art. 26(5) asks of
    them, which feeds the provider's plan; the register's operator role says which."""

    ai_system = models.OneToOneField(
        AISystem,
        on_delete=models.CASCADE,
        related_name="monitoring_plan",
        verbose_name="AI system",
    )
    scope = models.TextField(
        "what is monitored",
        help_text="The performance and compliance the plan watches over the system's life.",
    )
    data_collection = models.TextField(
        "how data is collected",
        blank=True,
        help_text="Sources, incl. what deployers report back (Art. 72(2)).",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="monitoring_plans",
        help_text="Who runs the plan; reminded of every check that falls due.",
    )
    notes = models.TextField(blank=True)

    inherit_permissions = {
        "view": ("ai_system", "view"),
        "change": ("ai_system", "change"),
        "delete": ("ai_system", "change"),
    }

    class Meta:
        ordering = ["ai_system"]
        verbose_name = "post-market monitoring plan"

    def __str__(self):
        return f"Post-market monitoring plan of {self.ai_system}"

    def get_absolute_url(self):
        return reverse("incidents:monitoringplan_detail", args=[self.pk])

    def change_log_parent(self):
        return self.ai_system

    def clean(self):
        system = self.ai_system if self.ai_system_id else None
        if system is None:
            return
        errors = {}
        if system.eu_risk_tier != EURiskTier.HIGH_RISK:
            errors["ai_system"] = (
                "A post-market monitoring plan (Art. 72) is kept for high-risk AI "
                f"systems; {system} is classified "
                f"{system.get_eu_risk_tier_display().lower()}."
            )
        if errors:
            raise ValidationError(errors)


class MonitoringMetricQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def overdue(self, today: datetime.date | None = None):
        return self.active().filter(next_due__lt=today or timezone.localdate())

    def with_latest(self):
        """Each metric's latest result (value, date, breached) as annotations: one
        top-1 subquery per column, backed by ``monitoringresult_metric_idx``."""
        latest = MonitoringResult.objects.filter(metric=models.OuterRef("pk")).order_by(
            "-measured_on", "-pk"
        )
        return self.annotate(
            latest_value=models.Subquery(latest.values("value")[:1]),
            latest_on=models.Subquery(latest.values("measured_on")[:1]),
            latest_breached=models.Subquery(latest.values("breached")[:1]),
        )


class MonitoringMetric(AimsModel):
    """One thing the plan watches: the metric, its threshold and how often it is checked."""

    plan = models.ForeignKey(
        MonitoringPlan, on_delete=models.CASCADE, related_name="metrics"
    )
    name = models.CharField(
        "what is monitored",
        max_length=200,
        help_text="E.g. selection-rate ratio between age groups.",
    )
    method = models.TextField(
        "how it is measured", blank=True, help_text="Data, query or procedure."
    )
    comparator = models.CharField(
        "acceptable when the value is",
        max_length=3,
        choices=Comparator,
        default=Comparator.AT_LEAST,
    )
    threshold = models.DecimalField(max_digits=12, decimal_places=4)
    unit = models.CharField(max_length=40, blank=True)
    frequency_days = models.PositiveSmallIntegerField(
        "checked every (days)", help_text="E.g. 7 weekly, 30 monthly, 91 quarterly."
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monitoring_metrics",
        help_text="Who records the results (the plan's responsible person if empty).",
    )
    active = models.BooleanField(default=True)
    # The day after the latest result plus the frequency (or from the metric's creation),
    # kept by the service for reminders, lists and the overdue filter.
    next_due = models.DateField("next check due", null=True, editable=False)

    objects = MonitoringMetricQuerySet.as_manager()

    inherit_permissions = {
        "view": ("plan", "view"),
        "change": ("plan", "change"),
        "delete": ("plan", "change"),
    }

    class Meta:
        ordering = ["plan", "name", "pk"]
        verbose_name = "monitoring metric"
        indexes = [
            models.Index(
                fields=["next_due"],
                condition=Q(active=True),
                name="monitoringmetric_due_idx",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("incidents:monitoringmetric_detail", args=[self.pk])

    def change_log_parent(self):
        return self.plan.ai_system

    def clean(self):
        if self.frequency_days is not None and self.frequency_days < 1:
            raise ValidationError(
                {"frequency_days": "Check at least once a day apart."}
            )

    def meets(self, value) -> bool:
        value, threshold = decimal.Decimal(value), decimal.Decimal(self.threshold)
        if self.comparator == Comparator.AT_LEAST:
            return value >= threshold
        return value <= threshold

    def threshold_text(self) -> str:
        sign = "≥" if self.comparator == Comparator.AT_LEAST else "≤"
        return f"{sign} {self.threshold.normalize():f} {self.unit}".strip()

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.active and self.next_due and self.next_due < timezone.localdate()
        )


class MonitoringResult(AimsModel):
    """A check done under the plan: the value measured, when, and the report behind it."""

    metric = models.ForeignKey(
        MonitoringMetric, on_delete=models.CASCADE, related_name="results"
    )
    measured_on = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=4)
    notes = models.TextField(blank=True)
    evidence = models.ForeignKey(
        "controls.Evidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monitoring_results",
        help_text="The report or extract behind the result, kept in the evidence store.",
    )
    breached = models.BooleanField("threshold breached", default=False, editable=False)
    incident = models.ForeignKey(
        Incident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="monitoring_results",
        help_text="The incident opened for the breach.",
    )

    inherit_permissions = {
        "view": ("metric", "view"),
        "change": ("metric", "change"),
        "delete": ("metric", "change"),
    }

    class Meta:
        ordering = ["-measured_on", "-pk"]
        verbose_name = "monitoring result"
        indexes = [
            models.Index(
                fields=["metric", "-measured_on", "-id"],
                name="monitoringresult_metric_idx",
            )
        ]

    def __str__(self):
        return f"{self.metric} on {self.measured_on}"

    def get_absolute_url(self):
        return (
            reverse("incidents:monitoringmetric_detail", args=[self.metric_id])
            + "#results"
        )

    def change_log_parent(self):
        return self.metric.plan.ai_system

    def clean(self):
        if self.measured_on and self.measured_on > timezone.localdate():
            raise ValidationError(
                {"measured_on": "Record a result once it has been measured."}
            )
