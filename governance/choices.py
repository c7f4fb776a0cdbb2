from django.db import models


class IssueKind(models.TextChoices):
    EXTERNAL = "external", "External"
    INTERNAL = "internal", "Internal"


class IssueCategory(models.TextChoices):
    LEGAL = "legal", "Legal and regulatory"
    TECHNOLOGICAL = "technological", "Technological"
    SOCIETAL = "societal", "Societal and ethical"
    ECONOMIC = "economic", "Economic and market"
    ENVIRONMENTAL = "environmental", "Environmental"
    ORGANISATIONAL = "organisational", "Organisational"
    CONTRACTUAL = "contractual", "Contractual"


class RecordStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ClimateDecision(models.TextChoices):
    UNDECIDED = "", "Not decided yet"
    RELEVANT = "relevant", "Relevant"
    NOT_RELEVANT = "not_relevant", "Not relevant"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ScopeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


class DocumentType(models.TextChoices):
    AI_POLICY = "ai_policy", "AI policy"
    POLICY = "policy", "Policy"
    PROCEDURE = "procedure", "Procedure"
    PLAN = "plan", "Plan"
    TEMPLATE = "template", "Template"
    MANUAL = "manual", "Manual"
    EXTERNAL = "external", "External origin (standard, law, contract)"


class Classification(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"
    RESTRICTED = "restricted", "Restricted"


class ObjectiveConcern(models.TextChoices):
    DEVELOPMENT = "development", "Responsible development (A.6.1.2)"
    USE = "use", "Responsible use (A.9.3)"
    BOTH = "both", "Development and use"
    GENERAL = "general", "The management system in general"


class ObjectiveStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ACHIEVED = "achieved", "Achieved"
    CLOSED = "closed", "Closed"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class ValueType(models.TextChoices):
    DECIMAL = "decimal", "Decimal number"
    INTEGER = "integer", "Whole number"
    PERCENT = "percent", "Percentage (0 to 100)"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    HALF_YEARLY = "half_yearly", "Every six months"
    YEARLY = "yearly", "Yearly"


FREQUENCY_DAYS = {
    Frequency.WEEKLY: 7,
    Frequency.MONTHLY: 31,
    Frequency.QUARTERLY: 92,
    Frequency.HALF_YEARLY: 183,
    Frequency.YEARLY: 366,
}


class IndicatorStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    NO_DATA = "no_data", "No recent data"


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class AppliesTo(models.TextChoices):
    AIMS_ROLE = "aims_role", "Holders of an AIMS role"
    AI_SYSTEM_OWNERS = "ai_system_owners", "Owners of AI systems in the register"
    AI_SYSTEM_ROLE = "ai_system_role", "Holders of a role on AI systems"
    PORTAL_ROLE = (
        "portal_role",
        "Everyone with a portal role (staff who use AI systems)",
    )


class TrainingKind(models.TextChoices):
    TRAINING = "training", "Training course"
    QUALIFICATION = "qualification", "Qualification or certificate"
    EXPERIENCE = "experience", "Experience"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    INTRANET = "intranet", "Intranet"
    MEETING = "meeting", "Meeting"
    TRAINING = "training", "Training session"
    WEBSITE = "website", "Website"
    REPORT = "report", "Report"
    OTHER = "other", "Other"


class SystemRole(models.TextChoices):
    """The roles people hold on one AI system (A.3.2, A.4.6): the owner is the one the
    register names; the others are assigned in the management system."""

    OWNER = "owner", "Owner (accountable)"
    OPERATOR = "operator", "Operator"
    REVIEWER = "reviewer", "Reviewer (human oversight)"
    DEVELOPER = "developer", "Developer"
