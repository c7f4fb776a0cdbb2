"""Roles and responsibilities (5.1, 5.3, A.3.2), competence and training (7.1, 7.2,
A.4.6, EU AI Act Art. 4 AI literacy) and the communication plan (7.4)."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from aims.models import AimsModel
from aims.reversing import reverse

from ..choices import AppliesTo, Channel, IssueKind, SystemRole, TrainingKind


class AimsRole(AimsModel):
    """A role of the management system (not a portal permission role)."""

    name = models.CharField(max_length=120, unique=True)
    responsibilities = models.TextField()
    authorities = models.TextField(
        blank=True, help_text="What the role may decide or approve."
    )
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    top_management = models.BooleanField(
        default=False, help_text="The role belongs to top management (5.1)."
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "AIMS role"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("governance:aimsrole_detail", args=[self.pk])


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            models.Q(until__isnull=True) | models.Q(until__gte=today)
        ).filter(since__lte=today)


class RoleAssignment(AimsModel):
    role = models.ForeignKey(
        AimsRole, on_delete=models.CASCADE, related_name="assignments"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="aims_role_assignments",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aims_role_deputies",
    )
    since = models.DateField(default=timezone.localdate)
    until = models.DateField(null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["role", "since"]
        verbose_name = "role assignment"

    def __str__(self):
        return f"{self.person} as {self.role}" if self.role_id else str(self.person)

    def get_absolute_url(self):
        return reverse("governance:roleassignment_detail", args=[self.pk])

    def change_log_parent(self):
        return self.role

    def clean(self):
        errors = {}
        if self.until and self.since and self.until < self.since:
            errors["until"] = "The end cannot be before the start."
        if self.deputy_id and self.deputy_id == self.person_id:
            errors["deputy"] = "The deputy is someone other than the holder."
        if errors:
            raise ValidationError(errors)


class Commitment(AimsModel):
    """A commitment of top management to the AIMS (5.1), with its date."""

    statement = models.TextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_on = models.DateField(default=timezone.localdate)
    evidence = models.ForeignKey(
        "controls.Evidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="E.g. the minutes of the board meeting.",
    )

    class Meta:
        ordering = ["-made_on"]
        verbose_name = "top-management commitment"

    def __str__(self):
        text = " ".join(self.statement.split())
        return text[:80] + ("…" if len(text) > 80 else "")

    def get_absolute_url(self):
        return reverse("governance:commitment_detail", args=[self.pk])


class CompetenceRequirement(AimsModel):
    """What people in a role must know or be able to do (7.2), and how long a training
    or qualification that shows it stays valid."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    applies_to = models.CharField(
        max_length=20, choices=AppliesTo, default=AppliesTo.AIMS_ROLE
    )
    aims_role = models.ForeignKey(
        AimsRole,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="competence_requirements",
        verbose_name="AIMS role",
    )
    portal_role = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="For staff who operate or use AI systems, by their portal role.",
    )
    system_role = models.CharField(
        "AI-system role",
        max_length=12,
        choices=SystemRole,
        blank=True,
        help_text="For holders of a role on AI systems: which role.",
    )
    ai_system = models.ForeignKey(
        "registry.AISystem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="governance_competence_requirements",
        verbose_name="AI system",
        help_text="Only the holders of the role on this system; empty: on every system.",
    )
    ai_literacy = models.BooleanField(
        "AI literacy (EU AI Act Art. 4)",
        default=False,
        help_text="Counts as the AI-literacy training of the staff it applies to.",
    )
    validity_months = models.PositiveSmallIntegerField(
        "valid for (months)",
        null=True,
        blank=True,
        help_text="Empty: a record never expires.",
    )

    class Meta:
        ordering = ["title"]
        verbose_name = "competence requirement"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("governance:competencerequirement_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.applies_to == AppliesTo.AIMS_ROLE and self.aims_role_id is None:
            errors["aims_role"] = "Choose the AIMS role the requirement applies to."
        if self.applies_to == AppliesTo.PORTAL_ROLE and self.portal_role_id is None:
            errors["portal_role"] = "Choose the portal role the requirement applies to."
        if self.applies_to == AppliesTo.AI_SYSTEM_ROLE and not self.system_role:
            errors["system_role"] = "Choose the AI-system role it applies to."
        if self.applies_to != AppliesTo.AI_SYSTEM_ROLE and (
            self.system_role or self.ai_system_id
        ):
            errors["applies_to"] = (
                "An AI-system role or system is chosen only for holders of a role "
                "on AI systems."
            )
        if errors:
            raise ValidationError(errors)


class SystemRoleAssignmentQuerySet(models.QuerySet):
    def current(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            models.Q(until__isnull=True) | models.Q(until__gte=today), since__lte=today
        )


class SystemRoleAssignment(AimsModel):
    """Someone holding a role on one AI system (operator, reviewer, developer); the
    owner is the register's own field and is not assigned here."""

    ai_system = models.ForeignKey(
        "registry.AISystem",
        on_delete=models.CASCADE,
        related_name="governance_role_assignments",
        verbose_name="AI system",
    )
    role = models.CharField(max_length=12, choices=SystemRole)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ai_system_roles",
    )
    since = models.DateField(default=timezone.localdate)
    until = models.DateField(null=True, blank=True)

    objects = SystemRoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["ai_system", "role", "since"]
        verbose_name = "AI-system role assignment"
        indexes = [models.Index(fields=["ai_system", "role"])]

    def __str__(self):
        return f"{self.person} as {self.get_role_display().lower()} of {self.ai_system}"

    def get_absolute_url(self):
        return reverse("governance:systemroleassignment_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.role == SystemRole.OWNER:
            errors["role"] = (
                "The owner is set on the AI system in the register; assign operators, "
                "reviewers and developers here."
            )
        if self.until and self.since and self.until < self.since:
            errors["until"] = "The end cannot be before the start."
        if errors:
            raise ValidationError(errors)


class TrainingRecord(AimsModel):
    """A person's training, qualification or experience, with its certificate."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="training_records",
    )
    requirement = models.ForeignKey(
        CompetenceRequirement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        help_text="The competence requirement this record meets.",
    )
    kind = models.CharField(
        max_length=15, choices=TrainingKind, default=TrainingKind.TRAINING
    )
    title = models.CharField("course or qualification", max_length=200)
    provider = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField()
    expires_on = models.DateField(
        null=True, blank=True, help_text="Empty: from the requirement's validity."
    )
    certificate = models.ForeignKey(
        "controls.Evidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-completed_on"]
        verbose_name = "training record"
        indexes = [models.Index(fields=["person", "requirement"])]

    def __str__(self):
        return f"{self.person}: {self.title}"

    def get_absolute_url(self):
        return reverse("governance:trainingrecord_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = "A completion date cannot be in the future."
        if (
            self.expires_on
            and self.completed_on
            and self.expires_on < self.completed_on
        ):
            errors["expires_on"] = "It cannot expire before it was completed."
        if errors:
            raise ValidationError(errors)


class CommunicationItem(AimsModel):
    """One line of the communication plan (7.4): what, when, with whom, how, by whom."""

    topic = models.CharField("what", max_length=200)
    audience = models.CharField("with whom", max_length=200)
    reach = models.CharField(
        "internal or external",
        max_length=10,
        choices=IssueKind,
        default=IssueKind.INTERNAL,
    )
    timing = models.CharField(
        "when", max_length=200, help_text="E.g. quarterly, on each new policy version."
    )
    channel = models.CharField("how", max_length=10, choices=Channel)
    communicator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="governance_communications",
        verbose_name="who communicates",
    )
    next_due = models.DateField("next due", null=True, blank=True)

    class Meta:
        ordering = ["next_due", "topic"]
        verbose_name = "communication plan item"

    def __str__(self):
        return f"{self.topic} → {self.audience}"

    def get_absolute_url(self):
        return reverse("governance:communicationitem_detail", args=[self.pk])


class CommunicationRecord(AimsModel):
    """A record that a planned communication took place."""

    item = models.ForeignKey(
        CommunicationItem, on_delete=models.CASCADE, related_name="records"
    )
    happened_on = models.DateField(default=timezone.localdate)
    summary = models.TextField()
    evidence = models.ForeignKey(
        "controls.Evidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-happened_on"]
        verbose_name = "communication record"

    def __str__(self):
        return f"{self.item.topic} on {self.happened_on}"

    def get_absolute_url(self):
        return reverse("governance:communicationrecord_detail", args=[self.pk])

    def change_log_parent(self):
        return self.item

    def clean(self):
        if self.happened_on and self.happened_on > timezone.localdate():
            raise ValidationError(
                {"happened_on": "It cannot have happened in the future."}
            )
