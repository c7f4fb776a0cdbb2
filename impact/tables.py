import django_tables2 as tables
from django.utils.html import format_html

from registry.tables import PROHIBITED, TIER_BADGES

from .models import Classification, ImpactAssessment


def level_badge(value: str, label: str):
    if not value:
        return "—"
    return format_html('<span class="badge level-{}">{}</span>', value, label)


def review_badge(record):
    if record.review_needed:
        return format_html('<span class="badge text-bg-warning">Review needed</span>')
    return ""


def prohibited_note(system, tier: str):
    if tier != PROHIBITED:
        return str(system)
    return format_html(
        '{}<div class="small text-danger fw-semibold" data-alert="prohibited">'
        "Prohibited practice: may not be used</div>",
        system,
    )


class ImpactAssessmentTable(tables.Table):
    reference = tables.Column(linkify=True, verbose_name="Assessment")
    ai_system = tables.Column(verbose_name="AI system")
    owner = tables.Column()
    status = tables.Column()
    highest_level = tables.Column(verbose_name="Highest impact")
    next_review_date = tables.DateColumn(verbose_name="Next review", format="Y-m-d")
    review_needed = tables.Column(verbose_name="Review", empty_values=())

    class Meta:
        model = ImpactAssessment
        fields = (
            "reference",
            "revision",
            "ai_system",
            "owner",
            "status",
            "highest_level",
            "next_review_date",
            "review_needed",
        )
        order_by = ("-reference",)
        attrs = {"class": "table table-sm table-hover align-middle"}
        row_attrs = {
            "class": lambda record: (
                "table-danger" if record.ai_system.eu_risk_tier == PROHIBITED else ""
            )
        }
        empty_text = "No impact assessments match."

    def render_ai_system(self, value, record):
        return prohibited_note(value, record.ai_system.eu_risk_tier)

    def render_highest_level(self, value, record):
        return level_badge(record.highest_level, record.get_highest_level_display())

    def render_review_needed(self, record):
        return review_badge(record)


class ClassificationTable(tables.Table):
    number = tables.Column(linkify=True, verbose_name="Version")
    ai_system = tables.Column(verbose_name="AI system")
    tier = tables.Column()
    basis = tables.Column(orderable=False, verbose_name="Basis")
    operator_role = tables.Column(verbose_name="Role")
    fria_required = tables.BooleanColumn(verbose_name="FRIA")
    is_current = tables.BooleanColumn(verbose_name="Current")
    review_needed = tables.Column(verbose_name="Review", empty_values=())
    created = tables.DateColumn(verbose_name="Classified", format="Y-m-d")

    class Meta:
        model = Classification
        fields = (
            "ai_system",
            "number",
            "tier",
            "basis",
            "operator_role",
            "fria_required",
            "is_current",
            "review_needed",
            "created",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        row_attrs = {
            "class": lambda record: (
                "table-danger"
                if record.is_current and record.tier == PROHIBITED
                else ""
            )
        }
        empty_text = "No classifications match."

    def render_ai_system(self, value, record):
        tier = record.tier if record.is_current else ""
        return prohibited_note(value, tier)

    def render_tier(self, value, record):
        css = TIER_BADGES.get(record.tier, "text-bg-secondary")
        return format_html('<span class="badge {}">{}</span>', css, value)

    def render_basis(self, value):
        return ", ".join(value) if value else "—"

    def render_review_needed(self, record):
        return review_badge(record)
