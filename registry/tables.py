import django_tables2 as tables
from django.utils.html import format_html

from aims.tables import OwnerOrderingMixin

from .models import AISystem

PROHIBITED = "prohibited"


def prohibited_row(record) -> str:
    """Rows of systems classified as a prohibited practice stand out (EU AI Act Art. 5)."""
    return "table-danger" if record.eu_risk_tier == PROHIBITED else ""


TIER_BADGES = {
    "prohibited": "text-bg-danger border border-dark",
    "high_risk": "text-bg-danger",
    "transparency": "text-bg-warning",
    "general_purpose_ai_models": "text-bg-info",
    "minimal_risk": "text-bg-success",
}


class AISystemTable(OwnerOrderingMixin, tables.Table):
    reference = tables.Column(linkify=True)
    name = tables.Column()
    owner = tables.Column()
    eu_risk_tier = tables.Column(verbose_name="EU AI Act tier")
    next_review_date = tables.DateColumn(verbose_name="Next review", format="Y-m-d")
    tags = tables.ManyToManyColumn(orderable=False)
    in_scope = tables.Column(verbose_name="AIMS scope", orderable=False)
    # aims.tables.configure_columns: what drops first when the list is narrow.
    column_priority = {"business_unit": 3, "tags": 3, "criticality": 2, "in_scope": 2}

    class Meta:
        model = AISystem
        fields = (
            "reference",
            "name",
            "business_unit",
            "owner",
            "lifecycle_stage",
            "eu_risk_tier",
            "criticality",
            "next_review_date",
            "tags",
            "in_scope",
        )
        order_by = ("reference",)
        attrs = {"class": "table table-sm table-hover align-middle"}
        row_attrs = {"class": prohibited_row}
        empty_text = "No AI systems match."

    def render_name(self, value, record):
        link = format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)
        if record.eu_risk_tier != PROHIBITED:
            return link
        return format_html(
            '{}<div class="small text-danger fw-semibold" data-alert="prohibited">'
            "Prohibited practice: may not be used</div>",
            link,
        )

    def render_eu_risk_tier(self, value, record):
        css = TIER_BADGES.get(record.eu_risk_tier, "text-bg-secondary")
        return format_html('<span class="badge {}">{}</span>', css, value)

    def render_in_scope(self, value):
        if value:
            return format_html(
                '<span class="badge text-bg-light border">{}</span>', "In scope"
            )
        return format_html(
            '<span class="badge text-bg-warning">{}</span>', "Out of scope"
        )

    def render_next_review_date(self, value, record):
        if value is None:
            return "—"
        text = value.isoformat()
        if record.review_overdue and record.lifecycle_stage != "retired":
            return format_html(
                '<span class="text-danger fw-semibold text-nowrap" title="Review overdue">{} (overdue)</span>',
                text,
            )
        return text
