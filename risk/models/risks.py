"""The AI risk register (ISO/IEC 42001 6.1.2, 6.1.3, 8.2, 8.3)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from aims.models import AimsModel
from aims.reversing import reverse
from registry.models import AISystem

from ..choices import (
    ActionStatus,
    AffectedParty,
    ReviewFrequency,
    RiskLevel,
    RiskStatus,
    Treatment,
)
from ..querysets import RiskQuerySet
from .criteria import RiskCriteria
from .lookups import AIObjective, RiskSource

REFERENCE_PREFIX = "RSK"


class Risk(AimsModel):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    ai_system = models.ForeignKey(
        AISystem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risks",
        verbose_name="AI system",
        help_text="Leave empty for an organisation-wide risk.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    risk_source = models.ForeignKey(
        RiskSource,
        on_delete=models.PROTECT,
        related_name="risks",
        verbose_name="cause / risk source",
        help_text="ISO/IEC 42001 Annex C.3.",
    )
    cause = models.TextField("cause in detail", blank=True)
    consequence = models.TextField()
    objectives = models.ManyToManyField(
        AIObjective,
        blank=True,
        related_name="risks",
        verbose_name="affected AI objectives",
        help_text="ISO/IEC 42001 Annex C.2.",
    )
    affected_parties = models.JSONField(default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_risks",
        verbose_name="risk owner",
    )
    status = models.CharField(
        max_length=20, choices=RiskStatus, default=RiskStatus.IDENTIFIED, editable=False
    )
    criteria = models.ForeignKey(
        RiskCriteria,
        on_delete=models.PROTECT,
        related_name="risks",
        editable=False,
        help_text="The criteria version the risk was assessed under.",
    )
    # Inherent risk: before treatment.
    inherent_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    inherent_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    inherent_score = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False
    )
    inherent_level = models.CharField(
        max_length=10, choices=RiskLevel, blank=True, editable=False
    )
    # Treatment (6.1.3).
    treatment = models.CharField(max_length=10, choices=Treatment, blank=True)
    treatment_rationale = models.TextField(blank=True)
    # Residual risk: after treatment.
    residual_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_score = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False
    )
    residual_level = models.CharField(
        max_length=10, choices=RiskLevel, blank=True, editable=False
    )
    # Acceptance is an explicit act (risk_accept), never a form field.
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accepted_risks",
        editable=False,
    )
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    acceptance_rationale = models.TextField(blank=True, editable=False)
    acceptance_revisit_on = models.DateField(
        "acceptance revisit date",
        null=True,
        blank=True,
        editable=False,
        help_text="When the acceptance expires and the risk comes back for review.",
    )
    # A residual risk above the appetite is accepted by the committee on the owner's
    # request (risk_request_acceptance), then accepted or rejected with a comment.
    acceptance_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    acceptance_requested_at = models.DateTimeField(
        null=True, blank=True, editable=False
    )
    acceptance_request_rationale = models.TextField(blank=True, editable=False)
    acceptance_requested_revisit_on = models.DateField(
        null=True, blank=True, editable=False
    )
    acceptance_rejected_at = models.DateTimeField(null=True, blank=True, editable=False)
    acceptance_rejection_comment = models.TextField(blank=True, editable=False)
    review_frequency = models.PositiveSmallIntegerField(
        choices=ReviewFrequency, default=ReviewFrequency.HALF_YEARLY
    )
    next_review_date = models.DateField(
        null=True,
        blank=True,
        help_text="Set from the review frequency when left empty.",
    )

    objects = RiskQuerySet.as_manager()

    # The owner of an AI system sees the risks of that system.
    inherit_permissions = {"view": ("ai_system", "view")}

    class Meta:
        ordering = ["reference"]
        permissions = [
            ("own_risk", "Can be the owner of risks"),
            (
                "accept_above_appetite_risk",
                "Can accept residual risk above the appetite",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}" if self.reference else self.title

    def get_absolute_url(self):
        return reverse("risk:risk_detail", args=[self.pk])

    def change_log_parent(self):
        return self.ai_system

    def serialize(self) -> dict:
        data = super().serialize()
        if self.pk is not None:
            data["controls"] = sorted(c.control_id for c in self.controls.all())
        return data

    def clean(self):
        errors = {}
        criteria = self.criteria if self.criteria_id else None
        if criteria is not None:
            for prefix in ("inherent", "residual"):
                for axis, maximum in (
                    ("likelihood", criteria.max_likelihood),
                    ("impact", criteria.max_impact),
                ):
                    value = getattr(self, f"{prefix}_{axis}")
                    if value is not None and not 1 <= value <= maximum:
                        errors[f"{prefix}_{axis}"] = (
                            f"Choose a value from 1 to {maximum}."
                        )
        if (self.inherent_likelihood is None) != (self.inherent_impact is None):
            errors["inherent_impact"] = (
                "Give both inherent likelihood and impact, or neither."
            )
        if (self.residual_likelihood is None) != (self.residual_impact is None):
            errors["residual_impact"] = (
                "Give both residual likelihood and impact, or neither."
            )
        if self.residual_likelihood is not None and self.inherent_likelihood is None:
            errors["residual_likelihood"] = "Assess the inherent risk first."
        if not errors and self.residual_likelihood is not None:
            inherent = self.inherent_likelihood * self.inherent_impact
            residual = self.residual_likelihood * self.residual_impact
            if residual > inherent:
                errors["residual_impact"] = (
                    f"Residual risk (score {residual}) cannot be above the inherent risk "
                    f"(score {inherent}): a treatment does not increase risk."
                )
        unknown = set(self.affected_parties or []) - set(AffectedParty.values)
        if not isinstance(self.affected_parties, list) or unknown:
            errors["affected_parties"] = "Choose from: " + ", ".join(
                AffectedParty.values
            )
        if errors:
            raise ValidationError(errors)

    @property
    def review_overdue(self) -> bool:
        return bool(
            self.next_review_date
            and self.next_review_date < timezone.localdate()
            and self.status != RiskStatus.CLOSED
        )

    @property
    def acceptance_pending(self) -> bool:
        """The owner asked the committee to accept the residual risk; no decision yet."""
        return self.acceptance_requested_at is not None

    @property
    def acceptance_expired(self) -> bool:
        return bool(
            self.status == RiskStatus.ACCEPTED
            and self.acceptance_revisit_on
            and self.acceptance_revisit_on <= timezone.localdate()
        )

    @property
    def above_appetite(self) -> bool:
        return bool(self.residual_level) and self.criteria.above_appetite(
            self.residual_level
        )

    def affected_party_labels(self) -> list[str]:
        labels = dict(AffectedParty.choices)
        return [labels.get(value, value) for value in self.affected_parties]


class RiskControl(models.Model):
    """An Annex A (or custom) control a risk's treatment relies on.

    Keyed by the control's ID (``control_id`` holds e.g. "A.6.2.4"), which never changes.
    There is no database constraint: the column predates the control library, whose
    rows are loaded after migrating; the services only ever link existing controls.
    """

    # Written only by ``risk_save``, inside the risk's logged change (its ``controls``).
    cache_aggregates = True

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="controls")
    control = models.ForeignKey(
        "controls.Control",
        to_field="control_id",
        db_column="control_id",
        db_constraint=False,
        on_delete=models.PROTECT,
        related_name="risk_links",
    )

    class Meta:
        ordering = ["control_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["risk", "control"], name="riskcontrol_unique"
            )
        ]
        # The SoA counts risks per control, and the risk list filters by control.
        indexes = [models.Index(fields=["control"], name="riskcontrol_control_idx")]

    def __str__(self):
        return self.control_id


class TreatmentAction(AimsModel):
    """One step of a risk treatment plan: what, who, by when, and how far it got."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="treatment_actions",
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus, default=ActionStatus.PLANNED
    )
    completed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    # Seen and edited by whoever may see and edit the risk.
    inherit_permissions = {
        "view": ("risk", "view"),
        "change": ("risk", "change"),
        "delete": ("risk", "change"),
    }

    class Meta:
        ordering = ["due_date", "pk"]
        # The lists read actions in this order: a page is the index's first rows, not
        # a sort of every action (250,000 at the benchmark's large size: 280 ms).
        indexes = [
            models.Index(fields=["due_date", "id"], name="treatmentaction_due_idx")
        ]

    def __str__(self):
        return self.description

    def get_absolute_url(self):
        return reverse("risk:risk_detail", args=[self.risk_id]) + "#actions"

    def change_log_parent(self):
        return self.risk

    def clean(self):
        if self.status == ActionStatus.DONE and self.completed_on is None:
            raise ValidationError(
                {"completed_on": "Give the date the action was completed."}
            )

    @property
    def overdue(self) -> bool:
        return self.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS) and (
            self.due_date < timezone.localdate()
        )
