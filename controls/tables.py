import django_tables2 as tables
from django.utils.html import format_html

from aims.tables import OwnerOrderingMixin

from .models import Control, Evidence

FRESHNESS_BADGES = {
    "valid": "text-bg-success",
    "expiring": "text-bg-warning",
    "expired": "text-bg-danger",
}


def freshness_badge(evidence) -> str:
    state = evidence.freshness()
    return format_html(
        '<span class="badge {}">{}</span>',
        FRESHNESS_BADGES[state],
        evidence.get_freshness_display(),
    )


class ControlTable(tables.Table):
    control_id = tables.Column(linkify=True, verbose_name="ID")
    title = tables.Column(linkify=True)
    domain = tables.Column(accessor="domain__title", order_by=("domain__position",))
    source = tables.Column()
    default_test_frequency_days = tables.Column(verbose_name="Test every (days)")

    class Meta:
        model = Control
        fields = (
            "control_id",
            "title",
            "domain",
            "source",
            "default_test_frequency_days",
        )
        order_by = ()
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "No controls match."


class EvidenceTable(OwnerOrderingMixin, tables.Table):
    reference = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    kind = tables.Column()
    owner = tables.Column()
    collected_on = tables.DateColumn(format="Y-m-d", verbose_name="Collected")
    valid_until = tables.DateColumn(format="Y-m-d", verbose_name="Valid until")
    freshness = tables.Column(empty_values=(), orderable=False)
    controls = tables.ManyToManyColumn(
        transform=lambda control: control.control_id, orderable=False
    )

    class Meta:
        model = Evidence
        fields = (
            "reference",
            "title",
            "kind",
            "owner",
            "collected_on",
            "valid_until",
            "freshness",
            "controls",
        )
        order_by = ("-reference",)
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "No evidence matches."

    def render_freshness(self, record):
        return freshness_badge(record)
