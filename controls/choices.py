from django.db import models


class ControlSource(models.TextChoices):
    ANNEX_A = "annex_a", "ISO/IEC 42001 Annex A"
    CUSTOM = "custom", "Organisation-specific"


class Framework(models.TextChoices):
    EU_AI_ACT = "eu_ai_act", "EU AI Act"
    NIST_AI_RMF = "nist_ai_rmf", "NIST AI RMF"


class ImplementationStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    PLANNED = "planned", "Planned"
    PARTIAL = "partial", "Partially implemented"
    IMPLEMENTED = "implemented", "Implemented"


class SoAStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"


class CheckResult(models.TextChoices):
    PASS = "pass", "Pass"
    PARTIAL = "partial", "Partial"
    FAIL = "fail", "Fail"


class EvidenceKind(models.TextChoices):
    FILE = "file", "File"
    LINK = "link", "Link"


class Freshness(models.TextChoices):
    VALID = "valid", "Valid"
    EXPIRING = "expiring", "Expiring soon"
    EXPIRED = "expired", "Expired"
