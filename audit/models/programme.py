"""The internal audit programme and its audits (ISO/IEC 42001 9.2).

A programme covers a period (typically the three-year certification cycle) and is
approved by the committee; an approved version is frozen and a change makes a new
version. Audits, internal or by the certification body, name their scope (clauses,
controls, AI systems, business units); their checklist is generated from that scope.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from aims.models import AimsModel
from aims.reversing import reverse
from registry.models import AISystem

from ..choices import (
    AuditKind,
    AuditStatus,
    CertificationStage,
    ChecklistResult,
    ProgrammeStatus,
    RequirementKind,
)
from ..reference import known_requirement

PROGRAMME_PREFIX = "APG"
AUDIT_PREFIX = "AUD"


def _check_order(errors: dict, first, second, field: str, message: str) -> None:
    if first and second and second < first:
        errors[field] = message


class AuditProgrammeQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=ProgrammeStatus.APPROVED)

    def current(self, on):
        """The approved programme whose period includes ``on``."""
        return (
            self.approved()
            .filter(period_start__lte=on, period_end__gte=on)
            .order_by("-number")
            .first()
        )


class AuditProgramme(AimsModel):
    reference = models.CharField(max_length=20, editable=False)
    number = models.PositiveIntegerField("version", default=1, editable=False)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="next_versions",
    )
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    objectives = models.TextField(help_text="What the programme sets out to show.")
    criteria = models.TextField(
        help_text="The requirements audits are held against (ISO/IEC 42001, policies)."
    )
    methods = models.TextField(
        help_text="Interviews, document review, sampling of records, observation."
    )
    frequency = models.TextField(
        help_text="How often each part of the AIMS is audited, and why."
    )
    responsibilities = models.TextField(
        help_text="Who plans, conducts, reports and follows up the audits."
    )
    status = models.CharField(
        max_length=12,
        choices=ProgrammeStatus,
        default=ProgrammeStatus.DRAFT,
        editable=False,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approval_note = models.TextField(blank=True, editable=False)

    objects = AuditProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "reference", "-number"]
        verbose_name = "audit programme"
        permissions = [("approve_auditprogramme", "Can approve audit programmes")]
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "number"], name="auditprogramme_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.reference} v{self.number} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("audit:auditprogramme_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == ProgrammeStatus.DRAFT

    def clean(self):
        errors = {}
        _check_order(
            errors,
            self.period_start,
            self.period_end,
            "period_end",
            "The period cannot end before it starts.",
        )
        if errors:
            raise ValidationError(errors)


class AuditQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=AuditStatus.CLOSED)

    def in_period(self, start, end):
        """Planned or held at least partly between ``start`` and ``end``."""
        return self.filter(planned_start__lte=end, planned_end__gte=start)


class Audit(AimsModel):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    programme = models.ForeignKey(
        AuditProgramme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits",
        help_text="The programme this audit belongs to.",
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=16, choices=AuditKind, default=AuditKind.INTERNAL
    )
    certification_stage = models.CharField(
        max_length=16, choices=CertificationStage, blank=True
    )
    body_name = models.CharField("certification body", max_length=200, blank=True)
    # Scope: requirement IDs of the reference file ("9.2" covers "9.2.1" and "9.2.2").
    scope_clauses = models.JSONField("clauses in scope", default=list, blank=True)
    scope_controls = models.JSONField(
        "Annex A controls in scope", default=list, blank=True
    )
    ai_systems = models.ManyToManyField(
        AISystem, blank=True, related_name="audits", verbose_name="AI systems in scope"
    )
    business_units = models.JSONField(default=list, blank=True)
    criteria = models.TextField(
        help_text="What the audit is held against (ISO/IEC 42001, the AI policy, ...)."
    )
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_audits"
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="audit_teams",
        verbose_name="audit team",
    )
    planned_start = models.DateField()
    planned_end = models.DateField()
    actual_start = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=AuditStatus, default=AuditStatus.PLANNED, editable=False
    )
    summary = models.TextField("summary of results", blank=True)
    # ISO/IEC 42001 9.2.2 c): why the audit may go on though an auditor owns records
    # in its scope (the portal lists which).
    objectivity_justification = models.TextField(blank=True)
    reported_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_start", "-reference"]
        permissions = [
            # A role that may be named lead auditor or team member.
            ("conduct_audit", "Can lead or take part in audits"),
            # Held on one audit by its assigned auditors (and model-wide by AIMS
            # managers): fill its checklist, raise its findings, record its results and
            # move it through its statuses, without editing its plan (scope, team,
            # dates, programme), which stays with change_audit.
            ("run_audit", "Can conduct an assigned audit"),
        ]
        indexes = [models.Index(fields=["planned_start", "planned_end"])]

    def __str__(self):
        return f"{self.reference} {self.title}" if self.reference else self.title

    def get_absolute_url(self):
        return reverse("audit:audit_detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.status in (AuditStatus.REPORTED, AuditStatus.CLOSED)

    def clean(self):
        errors = {}
        _check_order(
            errors,
            self.planned_start,
            self.planned_end,
            "planned_end",
            "The planned end cannot be before the planned start.",
        )
        _check_order(
            errors,
            self.actual_start,
            self.actual_end,
            "actual_end",
            "The audit cannot end before it started.",
        )
        if self.actual_end and not self.actual_start:
            errors["actual_start"] = "Give the date the audit started."
        if self.kind == AuditKind.CERTIFICATION:
            if not self.certification_stage:
                errors["certification_stage"] = (
                    "Say which audit of the certification cycle this is."
                )
            if not self.body_name.strip():
                errors["body_name"] = "Name the certification body."
        elif self.certification_stage:
            errors["certification_stage"] = (
                "Only certification body audits have a stage."
            )
        for field, kind in (
            ("scope_clauses", RequirementKind.CLAUSE),
            ("scope_controls", RequirementKind.CONTROL),
        ):
            values = getattr(self, field)
            if not isinstance(values, list) or not all(
                isinstance(v, str) for v in values
            ):
                errors[field] = "Give a list of requirement IDs."
                continue
            unknown = [
                v
                for v in values
                if not known_requirement(v)
                or (kind == RequirementKind.CLAUSE) == v.startswith("A.")
            ]
            if unknown:
                errors[field] = "Unknown IDs: " + ", ".join(unknown)
        if not isinstance(self.business_units, list):
            errors["business_units"] = "Give a list of business units."
        if not errors and not (self.scope_clauses or self.scope_controls):
            errors["scope_clauses"] = (
                "Name at least one clause or control the audit covers."
            )
        if (
            self.programme_id
            and self.planned_start
            and self.planned_end
            and (
                self.planned_start < self.programme.period_start
                or self.planned_end > self.programme.period_end
            )
        ):
            errors["planned_start"] = (
                f"The audit must lie within the programme's period "
                f"({self.programme.period_start} to {self.programme.period_end})."
            )
        if errors:
            raise ValidationError(errors)


class ChecklistLine(AimsModel):
    """One question of an audit's checklist: a clause or control in its scope, the
    result, the auditor's notes and the evidence sampled from the evidence store."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0, editable=False)
    requirement_kind = models.CharField(
        max_length=8, choices=RequirementKind, editable=False
    )
    requirement_id = models.CharField("requirement", max_length=20, editable=False)
    requirement_title = models.CharField(max_length=300, editable=False)
    question = models.TextField()
    result = models.CharField(
        max_length=12, choices=ChecklistResult, default=ChecklistResult.NOT_AUDITED
    )
    notes = models.TextField(blank=True)
    evidence = models.ManyToManyField(
        "controls.Evidence",
        blank=True,
        related_name="audit_checklist_lines",
        verbose_name="evidence sampled",
    )
    audited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    # Whoever runs the audit fills its checklist.
    inherit_permissions = {
        "view": ("audit", "view"),
        "change": ("audit", "run"),
    }

    class Meta:
        ordering = ["audit", "position", "pk"]
        verbose_name = "checklist line"
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "requirement_id"], name="checklistline_unique"
            )
        ]

    def __str__(self):
        return f"{self.requirement_id} {self.requirement_title}"

    def get_absolute_url(self):
        return reverse("audit:checklistline_edit", args=[self.pk])

    def change_log_parent(self):
        return self.audit
