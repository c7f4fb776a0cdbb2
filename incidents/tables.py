import django_tables2 as tables
from django.utils.html import format_html

from .models import Concern, Incident
from .templatetags.incident_tags import deadline_text

SEVERITY_BADGES = {
    "low": "text-bg-success",
    "medium": "text-bg-warning",
    "high": "text-bg-danger",
    "critical": "text-bg-dark",
}


class IncidentTable(tables.Table):
    reference = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    ai_system = tables.Column(linkify=True, verbose_name="AI system")
    aware_at = tables.DateTimeColumn(verbose_name="Aware", format="Y-m-d H:i")
    is_serious = tables.BooleanColumn(verbose_name="Serious")
    report_deadline = tables.Column(verbose_name="Report to authority")

    class Meta:
        model = Incident
        fields = (
            "reference",
            "title",
            "ai_system",
            "severity",
            "status",
            "is_serious",
            "report_deadline",
            "handler",
            "aware_at",
        )
        order_by = ("-aware_at",)
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "No incidents match."

    def render_severity(self, value, record):
        css = SEVERITY_BADGES.get(record.severity, "text-bg-secondary")
        return format_html('<span class="badge {}">{}</span>', css, value)

    def render_report_deadline(self, value, record):
        text, css = deadline_text(record)
        return format_html('<span class="{}">{}</span>', css, text)


class ConcernTable(tables.Table):
    reference = tables.Column(linkify=True)
    subject = tables.Column(linkify=True)
    ai_system = tables.Column(verbose_name="About", default="The AIMS")
    created = tables.DateTimeColumn(verbose_name="Raised", format="Y-m-d")

    class Meta:
        model = Concern
        fields = ("reference", "subject", "ai_system", "status", "created")
        order_by = ("-created",)
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "No concerns match."
