"""Choices of the audit app."""

from django.db import models


class PackStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


# Audit programme and audits (ISO/IEC 42001 9.2)


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


class AuditKind(models.TextChoices):
    INTERNAL = "internal", "Internal audit"
    CERTIFICATION = "certification", "Certification body audit"


class CertificationStage(models.TextChoices):
    """The certification cycle (``certification_cycle`` in the reference file)."""

    STAGE_1 = "stage_1", "Stage 1"
    STAGE_2 = "stage_2", "Stage 2"
    SURVEILLANCE = "surveillance", "Surveillance"
    RECERTIFICATION = "recertification", "Recertification"


class AuditStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    REPORTED = "reported", "Reported"
    CLOSED = "closed", "Closed"


class RequirementKind(models.TextChoices):
    CLAUSE = "clause", "Clause"
    CONTROL = "control", "Annex A control"


class ChecklistResult(models.TextChoices):
    NOT_AUDITED = "not_audited", "Not audited"
    CONFORMING = "conforming", "Conforming"
    MAJOR_NC = "major_nc", "Major nonconformity"
    MINOR_NC = "minor_nc", "Minor nonconformity"
    OBSERVATION = "observation", "Observation"
    OFI = "ofi", "Opportunity for improvement"


# Findings, nonconformities and corrective actions (ISO/IEC 42001 10.2)

NONCONFORMITY_GRADES = ("major_nc", "minor_nc")


class FindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    # A nonconformity: followed up through its corrective-action record.
    IN_CORRECTION = "in_correction", "Corrective action process"
    CLOSED = "closed", "Closed"


class NonconformitySource(models.TextChoices):
    AUDIT_FINDING = "audit_finding", "Audit finding"
    INCIDENT = "incident", "Incident"
    COMPLAINT = "complaint", "Complaint"
    MONITORING = "monitoring", "Monitoring and measurement"
    MANAGEMENT_REVIEW = "management_review", "Management review"
    DIRECT = "direct", "Raised directly"


class NonconformityStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACTION_PLANNED = "action_planned", "Corrective action under way"
    VERIFICATION = "verification", "Awaiting verification"
    CLOSED = "closed", "Closed"


class RootCauseMethod(models.TextChoices):
    FIVE_WHYS = "five_whys", "Five whys"
    FISHBONE = "fishbone", "Cause-and-effect (fishbone) diagram"
    FAULT_TREE = "fault_tree", "Fault-tree analysis"
    OTHER = "other", "Other"


class CorrectiveActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done, awaiting verification"
    EFFECTIVE = "effective", "Verified effective"
    NOT_EFFECTIVE = "not_effective", "Not effective"
    CANCELLED = "cancelled", "Cancelled"


OPEN_ACTION_STATUSES = (
    CorrectiveActionStatus.PLANNED,
    CorrectiveActionStatus.IN_PROGRESS,
)


# Management review (ISO/IEC 42001 9.3)


class ReviewStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    PREPARED = "prepared", "Inputs prepared"
    SIGNED = "signed", "Signed off"


class DecisionKind(models.TextChoices):
    """The outputs of 9.3.3, and the resources a review commonly decides on."""

    IMPROVEMENT = "improvement", "Continual improvement (9.3.3 a)"
    CHANGE = "change", "Change to the AIMS (9.3.3 b)"
    RESOURCES = "resources", "Resources"


class DecisionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"
