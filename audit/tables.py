import django_tables2 as tables
from django.utils.html import format_html

from .models import AuditorBundle, EvidencePack

STATUS_BADGES = {
    "queued": "text-bg-secondary",
    "building": "text-bg-info",
    "ready": "text-bg-success",
    "failed": "text-bg-danger",
}


def status_badge(pack: EvidencePack) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGES.get(pack.status, "text-bg-light"),
        pack.get_status_display(),
    )


class EvidencePackTable(tables.Table):
    reference = tables.Column(linkify=True)
    kind = tables.Column(verbose_name="Pack")
    target_repr = tables.Column(verbose_name="Scope")
    requested_by = tables.Column(order_by=("requested_by__username",))
    requested_at = tables.DateTimeColumn(
        format="Y-m-d H:i", verbose_name="Requested (UTC)"
    )
    status = tables.Column()
    page_count = tables.Column(verbose_name="Pages")
    download = tables.Column(empty_values=(), orderable=False, verbose_name="")

    class Meta:
        model = EvidencePack
        fields = (
            "reference",
            "kind",
            "target_repr",
            "requested_by",
            "requested_at",
            "status",
            "page_count",
        )
        order_by = ("-requested_at",)
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "No evidence packs match."

    def render_kind(self, value, record):
        return record.kind_title

    def render_status(self, value, record):
        return status_badge(record)

    def render_download(self, record):
        if record.status != "ready":
            return ""
        return format_html(
            '<a class="btn btn-outline-primary btn-sm" href="{}">Download PDF</a>',
            record.download_url,
        )


class AuditorBundleTable(tables.Table):
    reference = tables.Column(linkify=True)
    purpose = tables.Column()
    requested_by = tables.Column(order_by=("requested_by__username",))
    requested_at = tables.DateTimeColumn(
        format="Y-m-d H:i", verbose_name="Requested (UTC)"
    )
    status = tables.Column()
    file_count = tables.Column(verbose_name="Files")
    download = tables.Column(empty_values=(), orderable=False, verbose_name="")

    class Meta:
        model = AuditorBundle
        fields = (
            "reference",
            "purpose",
            "requested_by",
            "requested_at",
            "status",
            "file_count",
        )
        order_by = ("-requested_at",)
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "No auditor bundles match."

    def render_status(self, value, record):
        return status_badge(record)

    def render_download(self, record):
        if record.status != "ready":
            return ""
        return format_html(
            '<a class="btn btn-outline-primary btn-sm" href="{}">Download ZIP</a>',
            record.download_url,
        )
