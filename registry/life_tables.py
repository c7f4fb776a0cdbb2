import django_tables2 as tables

from .models import Dataset, Supplier


class SupplierTable(tables.Table):
    name = tables.Column(linkify=True)
    supplies = tables.Column(verbose_name="Supplies", orderable=False)
    next_review_date = tables.DateColumn(verbose_name="Next review", format="Y-m-d")

    class Meta:
        model = Supplier
        fields = ("name", "supplies", "owner", "contract_ends", "next_review_date")
        order_by = ("name",)
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "No suppliers match."

    def render_supplies(self, value, record):
        return ", ".join(record.supply_labels()) or "—"


class DatasetTable(tables.Table):
    reference = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    owner = tables.Column(verbose_name="Steward")
    system_count = tables.Column(verbose_name="AI systems")

    class Meta:
        model = Dataset
        fields = ("reference", "name", "owner", "source", "supplier", "system_count")
        order_by = ("reference",)
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "No datasets match."
