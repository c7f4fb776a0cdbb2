"""The AI system register: every AI system the organisation builds, buys or uses."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from aims.models import AimsModel, Tag
from aims.permissions import can
from aims.reversing import reverse

from .choices import (
    AutomationLevel,
    Criticality,
    EUOperatorRole,
    EURiskTier,
    LifecycleStage,
    ReviewInterval,
    Source,
)
from .querysets import AISystemQuerySet

REFERENCE_PREFIX = "AIS"


class AIRole(AimsModel):
    """An AI role of ISO/IEC 42001 clause 4.1 (from ISO/IEC 22989), loaded from reference data."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    sub_roles = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "AI role"

    def __str__(self):
        return self.name


class DataCategory(AimsModel):
    """A category of data an AI system uses; flags mark personal and special-category data."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    is_personal = models.BooleanField(default=False)
    is_special_category = models.BooleanField(
        default=False,
        help_text="GDPR Art. 9 data such as health, biometric or ethnic data.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "data categories"

    def __str__(self):
        return self.name


class AISystem(AimsModel):
    reference = models.CharField(
        max_length=20,
        unique=True,
        editable=False,
        validators=[RegexValidator(r"^AIS-\d{4,9}$", "Use the form AIS-0001.")],
        help_text="Assigned by the portal, never reused.",
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    intended_purpose = models.TextField(
        help_text="What the system is for and the decisions it supports (ISO 42001 A.6.2.2)."
    )
    business_unit = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_ai_systems",
        help_text="Accountable for the system; required once it is beyond the idea stage.",
    )
    lifecycle_stage = models.CharField(
        max_length=20, choices=LifecycleStage, default=LifecycleStage.IDEA
    )
    ai_roles = models.ManyToManyField(
        AIRole,
        blank=True,
        related_name="ai_systems",
        verbose_name="organisation's AI roles",
        help_text="The roles the organisation plays for this system (ISO 42001 clause 4.1).",
    )
    eu_operator_role = models.CharField(
        "EU AI Act operator role", max_length=30, choices=EUOperatorRole, blank=True
    )
    source = models.CharField(max_length=20, choices=Source, default=Source.IN_HOUSE)
    vendor = models.CharField(max_length=200, blank=True)
    model_type = models.CharField(
        "model type / technique",
        max_length=200,
        blank=True,
        help_text="E.g. gradient-boosted trees, large language model, computer vision CNN.",
    )
    foundation_model = models.CharField(
        "foundation model used", max_length=200, blank=True
    )
    data_categories = models.ManyToManyField(
        DataCategory, blank=True, related_name="ai_systems"
    )
    affected_stakeholders = models.TextField(blank=True)
    geographies = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the system is used or has effects, e.g. EU, UK.",
    )
    automation_level = models.CharField(
        "level of automation",
        max_length=20,
        choices=AutomationLevel,
        default=AutomationLevel.ASSISTIVE,
    )
    human_oversight = models.TextField("human oversight measures", blank=True)
    criticality = models.CharField(
        max_length=10, choices=Criticality, default=Criticality.MEDIUM
    )
    eu_risk_tier = models.CharField(
        "EU AI Act risk tier",
        max_length=30,
        choices=EURiskTier,
        default=EURiskTier.UNCLASSIFIED,
    )
    last_review_date = models.DateField(null=True, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    review_interval = models.PositiveSmallIntegerField(
        choices=ReviewInterval,
        default=ReviewInterval.YEARLY,
        help_text="Recording a review moves the next review this far ahead.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="ai_systems")

    objects = AISystemQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        verbose_name = "AI system"
        permissions = [("own_aisystem", "Can be the accountable owner of AI systems")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_review_date__isnull=True)
                | models.Q(last_review_date__isnull=True)
                | models.Q(next_review_date__gte=models.F("last_review_date")),
                name="aisystem_next_review_not_before_last",
                violation_error_message="The next review cannot be before the last review.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.name}" if self.reference else self.name

    def get_absolute_url(self):
        return reverse("registry:aisystem_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if (
            self.next_review_date
            and self.last_review_date
            and self.next_review_date < self.last_review_date
        ):
            errors["next_review_date"] = (
                "The next review cannot be before the last review."
            )
        if self.owner_id is not None and not can(self.owner, "own", AISystem):
            errors["owner"] = (
                f"{self.owner} has no role that may own AI systems "
                "(e.g. AI system owner, risk owner, AIMS manager)."
            )
        if self.lifecycle_stage != LifecycleStage.IDEA and self.owner_id is None:
            errors["owner"] = (
                "An owner is required once the system is beyond the idea stage."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def review_overdue(self) -> bool:
        return bool(
            self.next_review_date and self.next_review_date < timezone.localdate()
        )


# Object permissions (owners): guardian's direct tables, keyed by integer ids.


class AISystemUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(AISystem, on_delete=models.CASCADE)


class AISystemGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(AISystem, on_delete=models.CASCADE)


# The records of an AI system's life, kept in their own module for readability; their
# names are importable from here as Django expects.
from . import system_records as _life  # noqa: E402

AcceptanceCriterion = _life.AcceptanceCriterion
Dataset = _life.Dataset
LifecycleRecord = _life.LifecycleRecord
ProvenanceEntry = _life.ProvenanceEntry
QualityRequirement = _life.QualityRequirement
Release = _life.Release
Responsibility = _life.Responsibility
Supplier = _life.Supplier
SupplierReview = _life.SupplierReview
SystemDataset = _life.SystemDataset
SystemResource = _life.SystemResource


class DatasetUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Dataset, on_delete=models.CASCADE)


class DatasetGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Dataset, on_delete=models.CASCADE)
