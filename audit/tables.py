import django_tables2 as tables
from django.utils.html import format_html

from .models import (
    Audit,
    AuditorBundle,
    AuditProgramme,
    CorrectiveAction,
    EvidencePack,
    Finding,
    ManagementReview,
    Nonconformity,
)

STATUS_BADGES = {
    "queued": "text-bg-secondary",
    "building": "text-bg-info",
    "ready": "text-bg-success",
    "failed": "text-bg-danger",
}


def status_badge(pack: EvidencePack) -> str:
    label = pack.get_status_display()
    # Auditor bundles share the badge but have no rebuild reason.
    reason = getattr(pack, "rebuild_reason", "")
    if pack.in_progress and reason:
        # Honest about a build that started over: "Queued (worker lost, rebuilding)".
        label = f"{label} ({reason[:1].lower()}{reason[1:]})"
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGES.get(pack.status, "text-bg-light"),
        label,
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


# Audit programme, audits, findings, corrective actions, management reviews

_ATTRS = {"class": "table table-sm table-hover align-middle"}


def _badge(text: str, css: str = "text-bg-light border") -> str:
    return format_html('<span class="badge {}">{}</span>', css, text)


class AuditProgrammeTable(tables.Table):
    reference = tables.Column(linkify=True)
    number = tables.Column(verbose_name="Version")
    title = tables.Column(linkify=True)
    period_start = tables.DateColumn(format="Y-m-d", verbose_name="From")
    period_end = tables.DateColumn(format="Y-m-d", verbose_name="Until")

    class Meta:
        model = AuditProgramme
        fields = (
            "reference",
            "number",
            "title",
            "period_start",
            "period_end",
            "status",
        )
        order_by = ("-period_start",)
        attrs = _ATTRS
        empty_text = "No audit programme yet."


class AuditTable(tables.Table):
    reference = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    kind = tables.Column(empty_values=())
    lead_auditor = tables.Column(order_by=("lead_auditor__username",))
    planned_start = tables.DateColumn(format="Y-m-d", verbose_name="Planned")
    actual_end = tables.DateColumn(format="Y-m-d", verbose_name="Held until")

    class Meta:
        model = Audit
        fields = (
            "reference",
            "title",
            "kind",
            "lead_auditor",
            "planned_start",
            "actual_end",
            "status",
        )
        order_by = ("-planned_start",)
        attrs = _ATTRS
        empty_text = "No audits match."

    def render_kind(self, record):
        if record.kind == "certification":
            return f"{record.body_name}: {record.get_certification_stage_display()}"
        return record.get_kind_display()


GRADE_BADGES = {
    "major_nc": "text-bg-danger",
    "minor_nc": "text-bg-warning",
    "observation": "text-bg-info",
    "ofi": "text-bg-secondary",
}


class FindingTable(tables.Table):
    reference = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    audit = tables.Column(order_by=("audit__reference",))
    requirement_id = tables.Column(verbose_name="Requirement")
    owner = tables.Column(order_by=("owner__username",))
    due_date = tables.DateColumn(format="Y-m-d", verbose_name="Due")

    class Meta:
        model = Finding
        fields = (
            "reference",
            "grade",
            "title",
            "audit",
            "requirement_id",
            "owner",
            "due_date",
            "status",
        )
        order_by = ("-reference",)
        attrs = _ATTRS
        empty_text = "No findings match."

    def render_audit(self, record):
        return record.audit.reference

    def render_grade(self, value, record):
        return _badge(record.get_grade_display(), GRADE_BADGES.get(record.grade, ""))


class NonconformityTable(tables.Table):
    reference = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    owner = tables.Column(order_by=("owner__username",))
    raised_on = tables.DateColumn(format="Y-m-d", verbose_name="Raised")

    class Meta:
        model = Nonconformity
        fields = (
            "reference",
            "grade",
            "title",
            "source",
            "requirement_id",
            "owner",
            "raised_on",
            "status",
        )
        order_by = ("-reference",)
        attrs = _ATTRS
        empty_text = "No nonconformities match."

    def render_grade(self, value, record):
        return _badge(record.get_grade_display(), GRADE_BADGES.get(record.grade, ""))


class CorrectiveActionTable(tables.Table):
    nonconformity = tables.Column(
        verbose_name="Nonconformity", order_by=("nonconformity__reference",)
    )
    description = tables.Column(linkify=True)
    owner = tables.Column(order_by=("owner__username",))
    due_date = tables.DateColumn(format="Y-m-d", verbose_name="Due")
    verification = tables.Column(
        empty_values=(), orderable=False, verbose_name="Verify from"
    )

    class Meta:
        model = CorrectiveAction
        fields = ("nonconformity", "description", "owner", "due_date", "status")
        order_by = ("due_date",)
        attrs = _ATTRS
        empty_text = "No corrective actions match."

    def render_nonconformity(self, record):
        return record.nonconformity.reference

    def render_description(self, value):
        return value if len(value) <= 90 else value[:88] + "…"

    def render_due_date(self, value, record):
        if record.overdue:
            return format_html(
                '<span class="text-danger fw-semibold text-nowrap">{} (overdue)</span>',
                value.isoformat(),
            )
        return value.isoformat()

    def render_verification(self, record):
        due = record.verification_due
        return due.isoformat() if due and record.status == "done" else "—"


class ManagementReviewTable(tables.Table):
    reference = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    review_date = tables.DateColumn(format="Y-m-d", verbose_name="Date")
    chair = tables.Column(order_by=("chair__username",))
    next_review_date = tables.DateColumn(format="Y-m-d", verbose_name="Next review")

    class Meta:
        model = ManagementReview
        fields = (
            "reference",
            "title",
            "review_date",
            "chair",
            "status",
            "next_review_date",
        )
        order_by = ("-review_date",)
        attrs = _ATTRS
        empty_text = "No management reviews yet."
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
