from django.db import models


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", "Reported"
    TRIAGED = "triaged", "Triaged"
    CONTAINED = "contained", "Contained"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class TimelineKind(models.TextChoices):
    NOTE = "note", "Observation or note"
    ACTION = "action", "Action taken"
    AUTHORITY_REPORT = "authority_report", "Report to the market surveillance authority"
    USER_COMMUNICATION = "user_communication", "Communication to users or deployers"
    AFFECTED_COMMUNICATION = (
        "affected_communication",
        "Communication to affected persons",
    )
    PROVIDER_INFORMED = (
        "provider_informed",
        "Provider, importer or distributor informed",
    )


class AuthorityReportType(models.TextChoices):
    INITIAL = "initial", "Initial (incomplete) report"
    COMPLETE = "complete", "Complete report"


class ConcernStatus(models.TextChoices):
    RAISED = "raised", "Raised"
    UNDER_REVIEW = "under_review", "Under review"
    RESPONDED = "responded", "Responded"
    CLOSED = "closed", "Closed"
