import django_tables2 as tables
from django.template.loader import render_to_string

from aims.tables import OwnerOrderingMixin

from .models import Control, Evidence


def freshness_badge(evidence) -> str:
    return render_to_string("controls/_freshness.html", {"item": evidence})


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
