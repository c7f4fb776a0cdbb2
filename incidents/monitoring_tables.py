import django_tables2 as tables
from django.utils.html import format_html

from .models import MonitoringMetric, MonitoringPlan


class MonitoringPlanTable(tables.Table):
    ai_system = tables.Column(linkify=True, verbose_name="AI system")
    scope = tables.Column(linkify=lambda record: record.get_absolute_url())
    metric_count = tables.Column(verbose_name="Metrics", orderable=False)
    overdue_count = tables.Column(verbose_name="Checks overdue", orderable=False)

    class Meta:
        model = MonitoringPlan
        fields = ("ai_system", "scope", "responsible", "metric_count", "overdue_count")
        order_by = ("ai_system",)
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "No post-market monitoring plans match."

    def render_scope(self, value):
        return value if len(value) <= 120 else value[:119] + "…"

    def render_overdue_count(self, value):
        if value:
            return format_html('<span class="text-danger fw-semibold">{}</span>', value)
        return "0"


class MonitoringMetricTable(tables.Table):
    name = tables.Column(linkify=True)
    ai_system = tables.Column(
        accessor="plan__ai_system",
        verbose_name="AI system",
        linkify=True,
        order_by=("plan__ai_system__reference",),
    )
    threshold = tables.Column(verbose_name="Acceptable", orderable=False)
    frequency_days = tables.Column(verbose_name="Every (days)")
    latest_value = tables.Column(verbose_name="Latest result", orderable=False)
    next_due = tables.Column(verbose_name="Next check")
    responsible = tables.Column(default="(plan's)")

    class Meta:
        model = MonitoringMetric
        fields = (
            "name",
            "ai_system",
            "threshold",
            "frequency_days",
            "latest_value",
            "next_due",
            "responsible",
        )
        order_by = ("next_due",)
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "No monitoring metrics match."

    def render_threshold(self, value, record):
        return record.threshold_text()

    def render_latest_value(self, value, record):
        text = f"{value.normalize():f} on {record.latest_on:%Y-%m-%d}"
        if record.latest_breached:
            return format_html(
                '<span class="text-danger fw-semibold">{} (breached)</span>', text
            )
        return text

    def render_next_due(self, value, record):
        if record.is_overdue:
            return format_html(
                '<span class="text-danger fw-semibold">{} (overdue)</span>',
                value.isoformat(),
            )
        return value.isoformat()
