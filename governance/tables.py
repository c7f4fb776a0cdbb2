import django_tables2 as tables
from django.utils.html import format_html

from aims.tables import OwnerOrderingMixin

from .approvals import TopManagement, approval_badge
from .models import (
    AimsRole,
    Commitment,
    CommunicationItem,
    CommunicationRecord,
    CompetenceRequirement,
    ContextIssue,
    Document,
    DocumentVersion,
    Indicator,
    InterestedParty,
    Measurement,
    Objective,
    PartyRequirement,
    PlannedChange,
    RoleAssignment,
    ScopeVersion,
    SystemRoleAssignment,
    TrainingRecord,
)

ATTRS = {"class": "table table-sm table-hover align-middle"}
STATUS_BADGES = {
    "approved": "text-bg-success",
    "draft": "text-bg-secondary",
    "in_review": "text-bg-warning",
    "superseded": "text-bg-light border",
    "withdrawn": "text-bg-dark",
}


def badge(value, key):
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGES.get(key, "text-bg-light"),
        value,
    )


class ContextIssueTable(OwnerOrderingMixin, tables.Table):
    reference = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    review_date = tables.DateColumn(format="Y-m-d", verbose_name="Next review")

    class Meta:
        model = ContextIssue
        fields = (
            "reference",
            "title",
            "kind",
            "category",
            "owner",
            "review_date",
            "status",
        )
        attrs = ATTRS
        empty_text = "No context issues match."


class InterestedPartyTable(OwnerOrderingMixin, tables.Table):
    reference = tables.Column(linkify=True)
    name = tables.Column(linkify=True)

    class Meta:
        model = InterestedParty
        fields = ("reference", "name", "kind", "owner", "review_date", "status")
        attrs = ATTRS
        empty_text = "No interested parties match."


class PartyRequirementTable(tables.Table):
    requirement = tables.Column(linkify=True, accessor="pk", verbose_name="Requirement")
    party = tables.Column(linkify=True)

    class Meta:
        model = PartyRequirement
        fields = ("requirement", "party", "adopted")
        attrs = ATTRS
        empty_text = "No requirements match."

    def render_requirement(self, record):
        return str(record)


class ScopeVersionTable(tables.Table):
    number = tables.Column(linkify=True, verbose_name="Version")
    status = tables.Column()
    approved_at = tables.DateTimeColumn(format="Y-m-d", verbose_name="Approved")

    approved_by = tables.Column(verbose_name="Approved by")

    class Meta:
        model = ScopeVersion
        fields = ("number", "status", "approved_by", "approved_at", "next_review_date")
        attrs = ATTRS
        empty_text = "No scope versions yet."

    def render_status(self, value, record):
        return badge(value, record.status)

    def render_approved_by(self, value, record):
        return approval_badge(_top_management(self).of_scope(record))


def _top_management(table):
    """One read of the roles records per table, whatever the number of rows."""
    if not hasattr(table, "_top_management"):
        table._top_management = TopManagement()
    return table._top_management


class DocumentTable(OwnerOrderingMixin, tables.Table):
    reference = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    current_number = tables.Column(verbose_name="Approved version", default="—")
    next_review_date = tables.DateColumn(format="Y-m-d", verbose_name="Next review")

    class Meta:
        model = Document
        fields = (
            "reference",
            "title",
            "doc_type",
            "owner",
            "classification",
            "current_number",
            "next_review_date",
        )
        attrs = ATTRS
        empty_text = "No documents match."

    def render_current_number(self, value):
        return f"v{value}"


class DocumentVersionTable(tables.Table):
    version = tables.Column(
        linkify=True, accessor="pk", verbose_name="Version", orderable=False
    )
    status = tables.Column()

    class Meta:
        model = DocumentVersion
        fields = ("version", "status", "author", "approver", "effective_date")
        attrs = ATTRS
        empty_text = "No versions match."

    def render_version(self, record):
        return str(record)

    def render_approver(self, value, record):
        return approval_badge(_top_management(self).of_version(record))

    def render_status(self, value, record):
        return badge(value, record.status)


class ObjectiveTable(OwnerOrderingMixin, tables.Table):
    reference = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    due_date = tables.DateColumn(format="Y-m-d")

    class Meta:
        model = Objective
        fields = ("reference", "title", "owner", "concerns", "due_date", "status")
        attrs = ATTRS
        empty_text = "No objectives match."


class IndicatorTable(tables.Table):
    name = tables.Column(linkify=True)
    objective = tables.Column(linkify=True)

    class Meta:
        model = Indicator
        fields = (
            "name",
            "objective",
            "unit",
            "direction",
            "target",
            "threshold",
            "frequency",
            "closed",
        )
        attrs = ATTRS
        empty_text = "No indicators match."


class MeasurementTable(tables.Table):
    measured_on = tables.DateColumn(format="Y-m-d", linkify=True)
    indicator = tables.Column(linkify=True)
    value = tables.Column(accessor="display_value", order_by="value")

    class Meta:
        model = Measurement
        fields = ("measured_on", "indicator", "value", "period", "note")
        attrs = ATTRS
        empty_text = "No measurements match."


class PlannedChangeTable(tables.Table):
    reference = tables.Column(linkify=True)
    title = tables.Column(linkify=True)

    class Meta:
        model = PlannedChange
        fields = ("reference", "title", "responsible", "planned_for", "status")
        attrs = ATTRS
        empty_text = "No planned changes match."


class AimsRoleTable(tables.Table):
    name = tables.Column(linkify=True)

    class Meta:
        model = AimsRole
        fields = ("name", "top_management", "reports_to")
        attrs = ATTRS
        empty_text = "No roles yet."


class RoleAssignmentTable(tables.Table):
    person = tables.Column(linkify=lambda record: record.get_absolute_url())
    role = tables.Column(linkify=True)

    class Meta:
        model = RoleAssignment
        fields = ("person", "role", "deputy", "since", "until")
        attrs = ATTRS
        empty_text = "No assignments."


class SystemRoleAssignmentTable(tables.Table):
    person = tables.Column(linkify=lambda record: record.get_absolute_url())
    ai_system = tables.Column(linkify=True, verbose_name="AI system")

    class Meta:
        model = SystemRoleAssignment
        fields = ("person", "role", "ai_system", "since", "until")
        attrs = ATTRS
        empty_text = "No AI-system role assignments."


class CommitmentTable(tables.Table):
    statement = tables.Column(
        linkify=lambda record: record.get_absolute_url(),
        accessor="pk",
        verbose_name="Commitment",
    )

    class Meta:
        model = Commitment
        fields = ("statement", "made_by", "made_on")
        attrs = ATTRS
        empty_text = "No commitments recorded."

    def render_statement(self, record):
        return str(record)


class CompetenceRequirementTable(tables.Table):
    title = tables.Column(linkify=True)

    class Meta:
        model = CompetenceRequirement
        fields = (
            "title",
            "applies_to",
            "aims_role",
            "portal_role",
            "system_role",
            "ai_system",
            "ai_literacy",
            "validity_months",
        )
        attrs = ATTRS
        empty_text = "No competence requirements."


class TrainingRecordTable(tables.Table):
    title = tables.Column(linkify=True)

    class Meta:
        model = TrainingRecord
        fields = (
            "person",
            "title",
            "requirement",
            "kind",
            "completed_on",
            "expires_on",
        )
        attrs = ATTRS
        empty_text = "No training records."


class CommunicationItemTable(tables.Table):
    topic = tables.Column(linkify=True)

    class Meta:
        model = CommunicationItem
        fields = (
            "topic",
            "audience",
            "reach",
            "timing",
            "channel",
            "communicator",
            "next_due",
        )
        attrs = ATTRS
        empty_text = "No communications planned."


class CommunicationRecordTable(tables.Table):
    happened_on = tables.DateColumn(format="Y-m-d", linkify=True)
    item = tables.Column(linkify=True)

    class Meta:
        model = CommunicationRecord
        fields = ("happened_on", "item", "summary")
        attrs = ATTRS
        empty_text = "No records."
