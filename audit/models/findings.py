"""Audit findings, nonconformities and corrective actions (ISO/IEC 42001 9.2, 10.2).

A finding is graded with the grades of the reference file. An observation or an
opportunity for improvement is closed with a note; a nonconformity (major or minor)
opens a ``Nonconformity`` record, which may also come from an incident, a complaint,
monitoring or a management review. Its corrective actions are verified for
effectiveness by someone other than their owner; only then may it close.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from aims.models import AimsModel
from aims.reversing import reverse
from registry.models import AISystem

from ..choices import (
    NONCONFORMITY_GRADES,
    OPEN_ACTION_STATUSES,
    CorrectiveActionStatus,
    FindingStatus,
    NonconformitySource,
    NonconformityStatus,
    RootCauseMethod,
)
from ..reference import (
    finding_grade_choices,
    known_requirement,
    nonconformity_grade_choices,
)
from .programme import Audit, ChecklistLine

FINDING_PREFIX = "FND"
NONCONFORMITY_PREFIX = "NC"


def _requirement_errors(errors: dict, field: str, value: str) -> None:
    if not value or not value.strip():
        errors[field] = "Name the requirement (clause or control) concerned."
    elif not known_requirement(value.strip()):
        errors[field] = f"{value} is not a clause or Annex A control ID."


class Finding(AimsModel):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="findings")
    checklist_line = models.ForeignKey(
        ChecklistLine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    grade = models.CharField(max_length=20, choices=finding_grade_choices)
    requirement_id = models.CharField(
        "requirement",
        max_length=20,
        help_text="Clause or control, e.g. 9.2.2 or A.6.2.4.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField()
    objective_evidence = models.TextField(
        help_text="What the auditor saw, heard or read that supports the finding."
    )
    evidence = models.ManyToManyField(
        "controls.Evidence", blank=True, related_name="audit_findings"
    )
    ai_systems = models.ManyToManyField(
        AISystem, blank=True, related_name="audit_findings", verbose_name="AI systems"
    )
    risks = models.ManyToManyField(
        "risk.Risk", blank=True, related_name="audit_findings"
    )
    controls = models.ManyToManyField(
        "controls.Control", blank=True, related_name="audit_findings"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_findings",
        help_text="Who answers for the finding.",
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=16,
        choices=FindingStatus,
        default=FindingStatus.OPEN,
        editable=False,
    )
    closure_note = models.TextField(blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    # The audit's auditors (who run it, without changing its plan) record and edit
    # its findings; the audit's readers read them.
    inherit_permissions = {"view": ("audit", "view"), "change": ("audit", "run")}

    class Meta:
        ordering = ["-reference"]
        permissions = [("own_finding", "Can be the owner of audit findings")]
        indexes = [models.Index(fields=["grade", "status"])]

    def __str__(self):
        return f"{self.reference} {self.title}" if self.reference else self.title

    def get_absolute_url(self):
        return reverse("audit:finding_detail", args=[self.pk])

    def change_log_parent(self):
        return self.audit

    @property
    def is_nonconformity(self) -> bool:
        return self.grade in NONCONFORMITY_GRADES

    def clean(self):
        errors = {}
        _requirement_errors(errors, "requirement_id", self.requirement_id)
        if (
            self.checklist_line_id
            and self.audit_id
            and self.checklist_line.audit_id != self.audit_id
        ):
            errors["checklist_line"] = "Choose a checklist line of this audit."
        if errors:
            raise ValidationError(errors)


class NonconformityQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=NonconformityStatus.CLOSED)

    def major_open(self):
        return self.open().filter(grade="major_nc")


class Nonconformity(AimsModel):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    source = models.CharField(
        max_length=20, choices=NonconformitySource, default=NonconformitySource.DIRECT
    )
    finding = models.OneToOneField(
        Finding,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nonconformity",
        editable=False,
    )
    review = models.ForeignKey(
        "audit.ManagementReview",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nonconformities",
        help_text="The management review that raised it, if any.",
    )
    source_reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="The incident, complaint or measurement it comes from.",
    )
    grade = models.CharField(
        max_length=20,
        choices=nonconformity_grade_choices,
        default="minor_nc",
    )
    requirement_id = models.CharField("requirement", max_length=20)
    title = models.CharField(max_length=200)
    description = models.TextField()
    raised_on = models.DateField(default=timezone.localdate)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_nonconformities",
    )
    # 10.2 a) react: the immediate correction.
    correction = models.TextField("immediate correction", blank=True)
    # 10.2 b) evaluate the need for action: causes, and whether it exists elsewhere.
    root_cause_method = models.CharField(
        max_length=12, choices=RootCauseMethod, blank=True
    )
    root_causes = models.JSONField(
        default=list, blank=True, help_text="One cause a line; several are allowed."
    )
    similar_nonconformities = models.TextField(
        "similar nonconformities",
        blank=True,
        help_text="Whether similar nonconformities exist, or could occur, and where.",
    )
    status = models.CharField(
        max_length=16,
        choices=NonconformityStatus,
        default=NonconformityStatus.OPEN,
        editable=False,
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    closure_note = models.TextField(blank=True, editable=False)

    objects = NonconformityQuerySet.as_manager()

    class Meta:
        ordering = ["-reference"]
        verbose_name_plural = "nonconformities"
        permissions = [("own_nonconformity", "Can be the owner of nonconformities")]
        indexes = [models.Index(fields=["status", "grade"])]

    def __str__(self):
        return f"{self.reference} {self.title}" if self.reference else self.title

    def get_absolute_url(self):
        return reverse("audit:nonconformity_detail", args=[self.pk])

    def clean(self):
        errors = {}
        _requirement_errors(errors, "requirement_id", self.requirement_id)
        if not isinstance(self.root_causes, list) or not all(
            isinstance(c, str) and c.strip() for c in self.root_causes
        ):
            errors["root_causes"] = "Give the causes as a list of sentences."
        elif self.root_causes and not self.root_cause_method:
            errors["root_cause_method"] = "Say how the causes were found."
        if self.raised_on and self.raised_on > timezone.localdate():
            errors["raised_on"] = "A nonconformity cannot be raised in the future."
        if errors:
            raise ValidationError(errors)


class CorrectiveActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def overdue(self, today):
        return self.open().filter(due_date__lt=today)

    def unverified(self):
        return self.filter(status=CorrectiveActionStatus.DONE)


class CorrectiveAction(AimsModel):
    nonconformity = models.ForeignKey(
        Nonconformity, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_corrective_actions",
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=16,
        choices=CorrectiveActionStatus,
        default=CorrectiveActionStatus.PLANNED,
    )
    completed_on = models.DateField(null=True, blank=True)
    # Effectiveness shows only after a while: verification is due this long after
    # completion (ISO/IEC 42001 10.2 d).
    verify_after_days = models.PositiveIntegerField(
        "verify effectiveness after (days)", default=30
    )
    notes = models.TextField(blank=True)

    objects = CorrectiveActionQuerySet.as_manager()

    # Whoever may see or change the nonconformity may see or change its actions; the
    # action's owner holds permissions on the action itself.
    inherit_permissions = {
        "view": ("nonconformity", "view"),
        "change": ("nonconformity", "change"),
    }

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = "corrective action"
        permissions = [
            ("own_correctiveaction", "Can be the owner of corrective actions")
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        reference = self.nonconformity.reference if self.nonconformity_id else ""
        return f"{reference}: {self.description[:80]}".strip(": ")

    def get_absolute_url(self):
        return reverse("audit:correctiveaction_detail", args=[self.pk])

    def change_log_parent(self):
        return self.nonconformity

    @property
    def verification_due(self) -> datetime.date | None:
        if self.completed_on is None:
            return None
        return self.completed_on + datetime.timedelta(days=self.verify_after_days)

    @property
    def overdue(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES and (
            self.due_date < timezone.localdate()
        )

    def clean(self):
        errors = {}
        done = self.status in (
            CorrectiveActionStatus.DONE,
            CorrectiveActionStatus.EFFECTIVE,
            CorrectiveActionStatus.NOT_EFFECTIVE,
        )
        if done and self.completed_on is None:
            errors["completed_on"] = "Give the date the action was completed."
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = "The completion date cannot be in the future."
        if errors:
            raise ValidationError(errors)


class EffectivenessVerification(AimsModel):
    """The check, after a set period and by someone other than the action's owner, that
    a corrective action removed the cause (10.2 d)."""

    action = models.ForeignKey(
        CorrectiveAction, on_delete=models.CASCADE, related_name="verifications"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    verified_on = models.DateField(default=timezone.localdate)
    effective = models.BooleanField()
    notes = models.TextField(help_text="What was checked and what it showed.")

    inherit_permissions = {"view": ("action", "view")}

    class Meta:
        ordering = ["-verified_on", "-pk"]
        verbose_name = "effectiveness verification"

    def __str__(self):
        verdict = "effective" if self.effective else "not effective"
        return f"{self.action}: {verdict} ({self.verified_on})"

    def get_absolute_url(self):
        return self.action.get_absolute_url()

    def change_log_parent(self):
        return self.action.nonconformity
