import django_tables2 as tables
from django.utils.html import format_html

from aims.tables import OwnerOrderingMixin

from .models import Risk


def level_badge(level: str, label: str, score, colour: str):
    # The level's class (static/css/aims.css), not a style attribute: the
    # Content-Security-Policy allows no inline styles. ``colour`` stays in the
    # signature for the heat map's SVG, where a fill attribute is no style.
    if not level:
        return "—"
    return format_html(
        '<span class="badge level-{}">{}</span> <span class="text-muted small">{}</span>',
        level,
        label,
        score,
    )


class RiskTable(OwnerOrderingMixin, tables.Table):
    reference = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    ai_system = tables.Column(verbose_name="AI system", default="Organisation-wide")
    owner = tables.Column()
    inherent_score = tables.Column(verbose_name="Inherent", empty_values=())
    residual_score = tables.Column(verbose_name="Residual", empty_values=())
    next_review_date = tables.DateColumn(verbose_name="Next review", format="Y-m-d")
    # aims.tables.configure_columns: what drops first when the list is narrow.
    column_priority = {"ai_system": 2, "treatment": 2, "next_review_date": 3}

    class Meta:
        model = Risk
        fields = (
            "reference",
            "title",
            "ai_system",
            "owner",
            "status",
            "inherent_score",
            "treatment",
            "residual_score",
            "next_review_date",
        )
        order_by = ("reference",)
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "No risks match."

    def render_ai_system(self, value):
        # A system's name is free text: a long unbroken one wraps instead of widening
        # the list.
        return format_html('<span class="text-wrap-anywhere">{}</span>', value)

    def render_inherent_score(self, record):
        return level_badge(
            record.inherent_level,
            record.get_inherent_level_display(),
            record.inherent_score,
            record.criteria.colour_for(record.inherent_level),
        )

    def render_residual_score(self, record):
        return level_badge(
            record.residual_level,
            record.get_residual_level_display(),
            record.residual_score,
            record.criteria.colour_for(record.residual_level),
        )

    def render_next_review_date(self, value, record):
        if value is None:
            return "—"
        if record.review_overdue:
            return format_html(
                '<span class="text-danger fw-semibold text-nowrap">{} (overdue)</span>',
                value.isoformat(),
            )
        return value.isoformat()
