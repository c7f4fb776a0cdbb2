"""AI system impact assessments (ISO/IEC 42001 6.1.4, 8.4, A.5; ISO/IEC 42005 shape),
EU AI Act classifications with their obligations, and fundamental rights impact
assessments (Art. 27)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from aims.models import AimsModel
from aims.reversing import reverse
from registry.choices import EUOperatorRole, EURiskTier
from registry.models import AISystem

from . import rules
from .choices import (
    AssessmentStatus,
    FRIAStatus,
    ImpactLevel,
    ObligationStatus,
    TemplateStatus,
)

REFERENCE_PREFIX = "IAS"


class AssessmentTemplate(AimsModel):
    """One published version of the questionnaire. Assessments keep the version they
    were started on, so publishing a new one never changes them."""

    number = models.PositiveIntegerField(unique=True, editable=False)
    title = models.CharField(max_length=200)
    sections = models.JSONField(
        help_text="Sections with their questions (id, type, label, required, choices, show_when, prefill)."
    )
    retention_years = models.PositiveSmallIntegerField(
        default=10, help_text="How long approved assessments are kept (A.5.3)."
    )
    review_interval_months = models.PositiveSmallIntegerField(
        default=12, help_text="Planned interval between reassessments (8.4)."
    )
    status = models.CharField(
        max_length=20,
        choices=TemplateStatus,
        default=TemplateStatus.PUBLISHED,
        editable=False,
    )
    is_current = models.BooleanField(default=False, editable=False)
    change_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = "impact assessment template"
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="impact_one_current_template",
            )
        ]

    def __str__(self):
        return f"{self.title} v{self.number}"

    def get_absolute_url(self):
        return reverse("impact:template_detail", args=[self.pk])

    def questions(self):
        """Every question with its section, in order."""
        for section in self.sections:
            for question in section.get("questions", []):
                yield section, question

    def question_map(self) -> dict:
        return {question["id"]: question for _, question in self.questions()}


class ImpactAssessmentQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=AssessmentStatus.SUPERSEDED)

    def current_for(self, system):
        """The newest revision of the system's assessment."""
        return self.filter(ai_system=system).order_by("-revision").first()


class ImpactAssessment(AimsModel):
    # Shared by all revisions of one system's assessment (IAS-0001 rev. 1, rev. 2, ...).
    reference = models.CharField(max_length=20, db_index=True, editable=False)
    ai_system = models.ForeignKey(
        AISystem,
        on_delete=models.PROTECT,
        related_name="impact_assessments",
        verbose_name="AI system",
    )
    template = models.ForeignKey(
        AssessmentTemplate,
        on_delete=models.PROTECT,
        related_name="assessments",
        editable=False,
    )
    revision = models.PositiveSmallIntegerField(default=1, editable=False)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        editable=False,
        verbose_name="revision of",
    )
    trigger = models.CharField(
        max_length=20,
        choices=[
            ("initial", "First assessment"),
            ("scheduled", "Planned interval"),
            ("change", "Significant change"),
        ],
        default="initial",
        help_text="Why this assessment (revision) was made (8.4).",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_impact_assessments",
        help_text="Accountable for the assessment; the AI system's owner by default.",
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_impact_assessments",
        help_text="Someone the AIMS manager asks to fill the assessment; may edit it.",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="impact_assessments_to_approve",
        verbose_name="designated approver",
        help_text="Who may approve besides the governance committee (never an author); "
        "named by an AIMS manager or the committee.",
    )
    status = models.CharField(
        max_length=20,
        choices=AssessmentStatus,
        default=AssessmentStatus.DRAFT,
        editable=False,
    )
    answers = models.JSONField(default=dict, blank=True, editable=False)
    highest_level = models.CharField(
        max_length=10, choices=ImpactLevel, blank=True, editable=False
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approval_note = models.TextField(blank=True, editable=False)
    retention_until = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="Kept at least until this date (A.5.3).",
    )
    next_review_date = models.DateField(null=True, blank=True)
    review_needed = models.BooleanField(default=False, editable=False)
    review_reason = models.TextField(blank=True, editable=False)
    review_flagged_on = models.DateField(null=True, blank=True, editable=False)
    review_change_seq = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The change-log entry of the change that made a review necessary.",
    )

    objects = ImpactAssessmentQuerySet.as_manager()

    # Whoever may see the AI system (its owner) sees its assessments.
    inherit_permissions = {"view": ("ai_system", "view")}

    class Meta:
        ordering = ["-reference", "-revision"]
        verbose_name = "impact assessment"
        permissions = [
            ("own_impactassessment", "Can own AI system impact assessments"),
            ("approve_impactassessment", "Can approve AI system impact assessments"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ai_system", "revision"], name="impact_one_revision_number"
            )
        ]
        indexes = [
            models.Index(fields=["ai_system", "-revision"], name="impact_system_rev"),
            models.Index(fields=["status"], name="impact_status"),
        ]

    def __str__(self):
        return (
            f"{self.reference} rev. {self.revision}"
            if self.reference
            else "New impact assessment"
        )

    def get_absolute_url(self):
        return reverse("impact:impactassessment_detail", args=[self.pk])

    def change_log_parent(self):
        return self.ai_system

    @property
    def frozen(self) -> bool:
        return self.status in (AssessmentStatus.APPROVED, AssessmentStatus.SUPERSEDED)

    @property
    def editable(self) -> bool:
        return self.status == AssessmentStatus.DRAFT


class Impact(AimsModel):
    """One benefit or harm the assessment identified, rated by the level rule."""

    assessment = models.ForeignKey(
        ImpactAssessment, on_delete=models.CASCADE, related_name="impacts"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    affected_group = models.CharField(
        max_length=200,
        help_text="Who is affected: an individual role, a group, society.",
    )
    harm_kind = models.CharField("kind", max_length=30)
    charter_right = models.CharField(
        "fundamental right (EU Charter article)",
        max_length=10,
        blank=True,
        help_text="For a fundamental-rights impact: the Charter article at stake.",
    )
    severity = models.PositiveSmallIntegerField()
    likelihood = models.PositiveSmallIntegerField()
    reversibility = models.CharField(max_length=20)
    scale = models.CharField(max_length=20)
    level = models.CharField(max_length=10, choices=ImpactLevel, editable=False)
    existing_measures = models.TextField(blank=True)
    planned_measures = models.TextField(blank=True)
    residual_level = models.CharField(max_length=10, choices=ImpactLevel, blank=True)
    risk = models.ForeignKey(
        "risk.Risk",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="impacts",
        editable=False,
        help_text="The risk in the register that treats this impact.",
    )

    inherit_permissions = {
        "view": ("assessment", "view"),
        "change": ("assessment", "change"),
        "delete": ("assessment", "change"),
    }

    class Meta:
        ordering = ["assessment", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.assessment.get_absolute_url() + f"#impact-{self.pk}"

    def change_log_parent(self):
        return self.assessment

    @property
    def is_benefit(self) -> bool:
        return self.harm_kind == "benefit"

    @property
    def has_measure(self) -> bool:
        return bool(self.existing_measures.strip() or self.planned_measures.strip())

    def harm_kind_label(self) -> str:
        return dict(rules.choices("harm_kinds")).get(self.harm_kind, self.harm_kind)

    def label_of(self, kind: str) -> str:
        return dict(rules.choices(kind)).get(getattr(self, kind), "")

    @property
    def reversibility_label(self) -> str:
        return self.label_of("reversibility")

    @property
    def scale_label(self) -> str:
        return self.label_of("scale")

    def clean(self):
        errors = {}
        levels = rules.impact_levels()
        if self.harm_kind not in {k["value"] for k in levels["harm_kinds"]}:
            errors["harm_kind"] = "Choose the kind of benefit or harm."
        if not (self.affected_group or "").strip():
            errors["affected_group"] = "Name who is affected."
        for kind in ("severity", "likelihood"):
            allowed = {option["value"] for option in levels[kind]}
            if getattr(self, kind) not in allowed:
                errors[kind] = f"Choose a {kind} from 1 to {max(allowed)}."
        for kind in ("reversibility", "scale"):
            allowed = {option["value"] for option in levels[kind]}
            if getattr(self, kind) not in allowed:
                errors[kind] = "Choose from: " + ", ".join(sorted(allowed))
        if self.harm_kind == "fundamental_right":
            from .reference import charter_rights

            if self.charter_right not in charter_rights():
                errors["charter_right"] = "Name the Charter right at stake."
        elif self.charter_right:
            from .reference import charter_rights

            if self.charter_right not in charter_rights():
                errors["charter_right"] = "Choose a Charter article from the list."
        if (
            not errors
            and self.residual_level
            and ImpactLevel.rank(self.residual_level)
            > ImpactLevel.rank(
                rules.level_for(
                    self.severity, self.likelihood, self.reversibility, self.scale
                )
            )
        ):
            errors["residual_level"] = (
                "The residual level cannot be above the level before measures."
            )
        if errors:
            raise ValidationError(errors)


class Classification(AimsModel):
    """One EU AI Act classification of an AI system: the answers, the tier and what it
    rests on. A new classification makes the previous one history."""

    ai_system = models.ForeignKey(
        AISystem,
        on_delete=models.PROTECT,
        related_name="eu_classifications",
        verbose_name="AI system",
    )
    number = models.PositiveIntegerField(editable=False)
    is_current = models.BooleanField(default=True, editable=False)
    operator_role = models.CharField(
        "operator role", max_length=30, choices=EUOperatorRole
    )
    answers = models.JSONField(default=dict, editable=False)
    tier = models.CharField(max_length=30, choices=EURiskTier, editable=False)
    in_scope = models.BooleanField(default=True, editable=False)
    basis = models.JSONField(default=list, editable=False)
    reasoning = models.JSONField(default=list, editable=False)
    notes = models.TextField(
        "rationale", blank=True, help_text="Your own reasons and sources."
    )
    fria_required = models.BooleanField("FRIA required", default=False, editable=False)
    obligation_ids = models.JSONField(default=list, editable=False)
    overridden = models.BooleanField(default=False, editable=False)
    override_justification = models.TextField(blank=True, editable=False)
    review_needed = models.BooleanField(default=False, editable=False)
    review_reason = models.TextField(blank=True, editable=False)
    review_flagged_on = models.DateField(null=True, blank=True, editable=False)
    review_change_seq = models.PositiveBigIntegerField(
        null=True, blank=True, editable=False
    )

    inherit_permissions = {
        "view": ("ai_system", "view"),
        "change": ("ai_system", "change"),
    }

    class Meta:
        ordering = ["ai_system", "-number"]
        verbose_name = "EU AI Act classification"
        constraints = [
            models.UniqueConstraint(
                fields=["ai_system", "number"], name="impact_classification_number"
            ),
            models.UniqueConstraint(
                fields=["ai_system"],
                condition=models.Q(is_current=True),
                name="impact_one_current_classification",
            ),
        ]

    def __str__(self):
        return f"{self.ai_system.reference} classification {self.number}"

    def get_absolute_url(self):
        return reverse("impact:classification_detail", args=[self.pk])

    def change_log_parent(self):
        return self.ai_system


class Obligation(AimsModel):
    """One EU AI Act obligation that applies to a system, with who does it and by when."""

    ai_system = models.ForeignKey(
        AISystem, on_delete=models.CASCADE, related_name="eu_obligations"
    )
    obligation_id = models.CharField("obligation", max_length=30, editable=False)
    title = models.CharField(max_length=300, editable=False)
    applies = models.BooleanField(default=True, editable=False)
    status = models.CharField(
        max_length=20, choices=ObligationStatus, default=ObligationStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="eu_obligations",
    )
    due_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    evidence = models.ManyToManyField(
        "controls.Evidence", blank=True, related_name="eu_obligations"
    )

    inherit_permissions = {
        "view": ("ai_system", "view"),
        "change": ("ai_system", "change"),
    }

    class Meta:
        ordering = ["ai_system", "pk"]
        verbose_name = "EU AI Act obligation"
        constraints = [
            models.UniqueConstraint(
                fields=["ai_system", "obligation_id"], name="impact_obligation_once"
            )
        ]

    def __str__(self):
        return f"{self.obligation_id} {self.title}"

    def get_absolute_url(self):
        return (
            reverse("registry:aisystem_tab", args=[self.ai_system_id, "impact"])
            + f"#obligation-{self.pk}"
        )

    def change_log_parent(self):
        return self.ai_system


class FRIA(AimsModel):
    """The fundamental rights impact assessment of a high-risk system (EU AI Act Art. 27)."""

    ai_system = models.OneToOneField(
        AISystem, on_delete=models.PROTECT, related_name="fria"
    )
    assessment = models.ForeignKey(
        ImpactAssessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="frias",
        help_text="The impact assessment whose answers this FRIA reuses.",
    )
    elements = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=FRIAStatus, default=FRIAStatus.DRAFT, editable=False
    )
    notified_on = models.DateField(
        "notified to the authority on", null=True, blank=True
    )
    authority = models.CharField(
        "market surveillance authority", max_length=200, blank=True
    )
    notification_reference = models.CharField(max_length=100, blank=True)

    inherit_permissions = {
        "view": ("ai_system", "view"),
        "change": ("ai_system", "change"),
    }

    class Meta:
        verbose_name = "fundamental rights impact assessment"

    def __str__(self):
        return f"FRIA {self.ai_system.reference}"

    def get_absolute_url(self):
        return reverse("impact:fria_edit", args=[self.ai_system_id])

    def change_log_parent(self):
        return self.ai_system

    def clean(self):
        if self.notified_on and not self.authority.strip():
            raise ValidationError(
                {"authority": "Name the market surveillance authority you notified."}
            )


class ImpactAssessmentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(ImpactAssessment, on_delete=models.CASCADE)


class ImpactAssessmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ImpactAssessment, on_delete=models.CASCADE)
