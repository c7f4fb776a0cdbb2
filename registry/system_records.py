"""The life of an AI system: suppliers, datasets, resources and components, allocated
responsibilities, life-cycle records, acceptance criteria and releases (ISO/IEC 42001
A.4.2-A.4.6, A.6.2.2-A.6.2.8, A.7.2-A.7.6, A.10.2-A.10.4).

Records that belong to one AI system inherit its permissions: whoever may see (change)
the system sees (edits) them. Suppliers and datasets are registers of their own that
several systems share; a dataset has a steward (its owner) who may edit it.
"""

import decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from aims.models import AimsModel
from aims.permissions import can
from aims.reversing import reverse

from .choices import (
    Comparator,
    DatasetRole,
    DatasetSource,
    LifecycleRecordKind,
    LifecycleStage,
    ProvenanceKind,
    QualityCharacteristic,
    ReleaseStatus,
    ResourceKind,
    ResponsibilityKind,
    ResponsibleParty,
    ReviewResult,
    SupplyKind,
)
from .models import AISystem, DataCategory

SYSTEM_INHERITS = {
    "view": ("ai_system", "view"),
    "change": ("ai_system", "change"),
    "delete": ("ai_system", "change"),
}


class SystemRecord:
    """What every record of one AI system shares: it inherits the system's permissions,
    its changes show in the system's history, and its page is the system's ``tab``."""

    system_tab = ""
    inherit_permissions = SYSTEM_INHERITS

    def get_absolute_url(self):
        return reverse(
            "registry:aisystem_tab", args=[self.ai_system_id, self.system_tab]
        )

    def change_log_parent(self):
        return self.ai_system


def _check_choices(values, choices, field: str, errors: dict) -> None:
    if not isinstance(values, list) or set(values) - set(choices.values):
        errors[field] = "Choose from: " + ", ".join(choices.values)


class Supplier(AimsModel):
    """A supplier of models, data, platforms or services (A.10.3)."""

    name = models.CharField(max_length=200, unique=True)
    supplies = models.JSONField(
        "what they supply",
        default=list,
        blank=True,
        help_text="Model, data, platform, service, tool.",
    )
    description = models.TextField(blank=True)
    contact = models.CharField(max_length=200, blank=True)
    contract_reference = models.CharField(max_length=100, blank=True)
    contract_ends = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_suppliers",
        verbose_name="relationship owner",
        help_text="Who reviews the supplier; reminded before the next review.",
    )
    # The latest review's next date, kept by the service for reminders and lists.
    next_review_date = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["next_review_date"], name="supplier_review_idx")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:supplier_detail", args=[self.pk])

    def clean(self):
        errors = {}
        _check_choices(self.supplies, SupplyKind, "supplies", errors)
        if errors:
            raise ValidationError(errors)

    def supply_labels(self) -> list[str]:
        labels = dict(SupplyKind.choices)
        return [labels.get(value, value) for value in self.supplies]


class SupplierReview(AimsModel):
    """A due-diligence review of a supplier: when, with what result, and when next."""

    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_on = models.DateField()
    result = models.CharField(max_length=20, choices=ReviewResult)
    notes = models.TextField(blank=True)
    next_review = models.DateField(null=True, blank=True)

    inherit_permissions = {
        "view": ("supplier", "view"),
        "change": ("supplier", "change"),
        "delete": ("supplier", "change"),
    }

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self):
        return f"Review of {self.supplier} on {self.reviewed_on}"

    def get_absolute_url(self):
        return reverse("registry:supplier_detail", args=[self.supplier_id]) + "#reviews"

    def change_log_parent(self):
        return self.supplier

    def clean(self):
        errors = {}
        if self.reviewed_on and self.reviewed_on > timezone.localdate():
            errors["reviewed_on"] = "A review cannot be recorded before it happened."
        if (
            self.reviewed_on
            and self.next_review
            and self.next_review <= self.reviewed_on
        ):
            errors["next_review"] = "The next review comes after this one."
        if errors:
            raise ValidationError(errors)


class Dataset(AimsModel):
    """A dataset used by one or more AI systems (A.7.2-A.7.6)."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="stewarded_datasets",
        verbose_name="data steward",
    )
    # Acquisition (A.7.3)
    source = models.CharField(
        max_length=20, choices=DatasetSource, default=DatasetSource.INTERNAL
    )
    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="datasets",
    )
    acquisition = models.TextField("how it was obtained", blank=True)
    quantity = models.CharField(
        max_length=200, blank=True, help_text="E.g. 1.2 million claims, 2019-2025."
    )
    rights = models.TextField("rights and licence", blank=True)
    categories = models.ManyToManyField(
        DataCategory,
        blank=True,
        related_name="datasets",
        verbose_name="data categories",
        help_text="Including personal and special-category data.",
    )
    # Preparation (A.7.6)
    preparation = models.TextField("preparation methods", blank=True)
    selection_criteria = models.TextField("selection criteria", blank=True)
    # Retention
    retention = models.CharField("retention period", max_length=200, blank=True)
    deletion = models.TextField("deletion method", blank=True)

    class Meta:
        ordering = ["reference"]
        permissions = [("own_dataset", "Can be the steward of datasets")]

    def __str__(self):
        return f"{self.reference} {self.name}" if self.reference else self.name

    def get_absolute_url(self):
        return reverse("registry:dataset_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.source == DatasetSource.SUPPLIER and self.supplier_id is None:
            errors["supplier"] = "Name the supplier the data comes from."
        if self.owner_id is not None and not can(self.owner, "own", Dataset):
            errors["owner"] = f"{self.owner} has no role that may steward datasets."
        if errors:
            raise ValidationError(errors)


class ProvenanceEntry(AimsModel):
    """One step in the history of a dataset (A.7.5): origin, transformation, who, when."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="provenance"
    )
    occurred_on = models.DateField("when")
    kind = models.CharField(max_length=20, choices=ProvenanceKind)
    description = models.TextField()
    performed_by = models.CharField(
        "who", max_length=200, help_text="A person, team or supplier."
    )

    inherit_permissions = {
        "view": ("dataset", "view"),
        "change": ("dataset", "change"),
        "delete": ("dataset", "change"),
    }

    class Meta:
        ordering = ["occurred_on", "pk"]
        verbose_name_plural = "provenance entries"

    def __str__(self):
        return f"{self.get_kind_display()} on {self.occurred_on}"

    def get_absolute_url(self):
        return (
            reverse("registry:dataset_detail", args=[self.dataset_id]) + "#provenance"
        )

    def change_log_parent(self):
        return self.dataset

    def clean(self):
        if self.occurred_on and self.occurred_on > timezone.localdate():
            raise ValidationError(
                {"occurred_on": "A provenance entry records what already happened."}
            )


class QualityRequirement(AimsModel):
    """A data-quality requirement and the result measured against it (A.7.4)."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="quality"
    )
    characteristic = models.CharField(max_length=20, choices=QualityCharacteristic)
    requirement = models.CharField(max_length=300)
    comparator = models.CharField(
        max_length=3, choices=Comparator, default=Comparator.AT_LEAST
    )
    threshold = models.DecimalField(max_digits=12, decimal_places=4)
    measured_value = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True
    )
    measured_on = models.DateField(null=True, blank=True)

    inherit_permissions = ProvenanceEntry.inherit_permissions

    class Meta:
        ordering = ["characteristic", "pk"]

    def __str__(self):
        return self.requirement

    def get_absolute_url(self):
        return reverse("registry:dataset_detail", args=[self.dataset_id]) + "#quality"

    def change_log_parent(self):
        return self.dataset

    def clean(self):
        errors = {}
        if (self.measured_value is None) != (self.measured_on is None):
            errors["measured_on"] = (
                "Give the measured value and the date it was measured, or neither."
            )
        if self.measured_on and self.measured_on > timezone.localdate():
            errors["measured_on"] = "This date is in the future."
        if errors:
            raise ValidationError(errors)

    @property
    def met(self) -> bool | None:
        return _meets(self.measured_value, self.comparator, self.threshold)


def _meets(value, comparator, threshold) -> bool | None:
    if value is None:
        return None
    value, threshold = decimal.Decimal(value), decimal.Decimal(threshold)
    return (
        value >= threshold if comparator == Comparator.AT_LEAST else value <= threshold
    )


class SystemDataset(SystemRecord, AimsModel):
    """A dataset as one AI system uses it, with the role it plays there."""

    ai_system = models.ForeignKey(
        AISystem,
        on_delete=models.CASCADE,
        related_name="dataset_links",
        verbose_name="AI system",
    )
    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="system_links"
    )
    role = models.CharField(max_length=20, choices=DatasetRole)
    notes = models.CharField(max_length=300, blank=True)

    system_tab = "data"

    class Meta:
        ordering = ["ai_system", "role", "dataset"]
        verbose_name = "dataset of an AI system"
        verbose_name_plural = "datasets of AI systems"
        constraints = [
            models.UniqueConstraint(
                fields=["ai_system", "dataset", "role"],
                name="systemdataset_unique",
                violation_error_message="This dataset already plays this role for the system.",
            )
        ]

    def __str__(self):
        return f"{self.dataset} ({self.get_role_display().lower()})"


class SystemResource(SystemRecord, AimsModel):
    """A component or resource of an AI system (A.4.2-A.4.6)."""

    ai_system = models.ForeignKey(
        AISystem,
        on_delete=models.CASCADE,
        related_name="resources",
        verbose_name="AI system",
    )
    kind = models.CharField(max_length=12, choices=ResourceKind)
    name = models.CharField(max_length=200)
    # Not "version": that is every record's edit version (AimsModel).
    component_version = models.CharField("version", max_length=50, blank=True)
    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
    )
    location = models.CharField(
        "hosting and location",
        max_length=200,
        blank=True,
        help_text="For computing resources: where it runs.",
    )
    licence = models.CharField(max_length=100, blank=True)
    competences = models.TextField(
        "competences needed",
        blank=True,
        help_text="For human resources: roles and competences.",
    )
    stages = models.JSONField(
        "life-cycle stages",
        default=list,
        blank=True,
        help_text="The stages this resource is needed in (A.4.2).",
    )
    notes = models.TextField(blank=True)

    system_tab = "resources"

    class Meta:
        ordering = ["ai_system", "kind", "name"]
        verbose_name = "resource or component"
        verbose_name_plural = "resources and components"

    def __str__(self):
        return f"{self.name} {self.component_version}".strip()

    def clean(self):
        errors = {}
        _check_choices(self.stages, LifecycleStage, "stages", errors)
        if errors:
            raise ValidationError(errors)

    def stage_labels(self) -> list[str]:
        labels = dict(LifecycleStage.choices)
        return [labels.get(value, value) for value in self.stages]


class Responsibility(SystemRecord, AimsModel):
    """Who does what for a system: organisation, supplier or customer (A.10.2, A.10.4)."""

    ai_system = models.ForeignKey(
        AISystem,
        on_delete=models.CASCADE,
        related_name="responsibilities",
        verbose_name="AI system",
    )
    kind = models.CharField(
        max_length=20, choices=ResponsibilityKind, default=ResponsibilityKind.ALLOCATION
    )
    activity = models.CharField(max_length=200)
    party = models.CharField(
        "responsible party", max_length=20, choices=ResponsibleParty
    )
    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsibilities",
    )
    description = models.TextField(blank=True)

    system_tab = "suppliers"

    class Meta:
        ordering = ["ai_system", "kind", "activity"]
        verbose_name_plural = "responsibilities"

    def __str__(self):
        return self.activity

    def clean(self):
        if self.party == ResponsibleParty.SUPPLIER and self.supplier_id is None:
            raise ValidationError({"supplier": "Name the supplier responsible."})


class LifecycleRecord(SystemRecord, AimsModel):
    """Documented information of one life-cycle activity (A.6.2.2-A.6.2.8)."""

    ai_system = models.ForeignKey(
        AISystem,
        on_delete=models.CASCADE,
        related_name="lifecycle_records",
        verbose_name="AI system",
    )
    kind = models.CharField(max_length=30, choices=LifecycleRecordKind)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    audience = models.CharField(
        max_length=200,
        blank=True,
        help_text="For technical documentation: who it is written for.",
    )
    evidence = models.ManyToManyField(
        "controls.Evidence",
        blank=True,
        related_name="lifecycle_records",
        help_text="The documents, kept in the evidence store.",
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

    system_tab = "lifecycle"

    class Meta:
        ordering = ["ai_system", "kind", "-pk"]
        verbose_name = "life-cycle record"
        permissions = [("approve_lifecyclerecord", "Can approve life-cycle records")]
        indexes = [
            models.Index(fields=["ai_system", "kind"], name="lifecyclerecord_kind_idx")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class AcceptanceCriterion(SystemRecord, AimsModel):
    """A verification and validation criterion and the result against it (A.6.2.4).

    The result is backed by evidence from the evidence store (a test report)."""

    ai_system = models.ForeignKey(
        AISystem,
        on_delete=models.CASCADE,
        related_name="acceptance_criteria",
        verbose_name="AI system",
    )
    criterion = models.CharField(max_length=300)
    metric = models.CharField(max_length=100)
    comparator = models.CharField(
        max_length=3, choices=Comparator, default=Comparator.AT_LEAST
    )
    threshold = models.DecimalField(max_digits=12, decimal_places=4)
    measured_value = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True
    )
    measured_on = models.DateField(null=True, blank=True)
    evidence = models.ForeignKey(
        "controls.Evidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="acceptance_results",
        help_text="The test report behind the result.",
    )

    system_tab = "lifecycle"

    class Meta:
        ordering = ["ai_system", "pk"]
        verbose_name = "acceptance criterion"
        verbose_name_plural = "acceptance criteria"

    def __str__(self):
        return self.criterion

    def clean(self):
        errors = {}
        if (self.measured_value is None) != (self.measured_on is None):
            errors["measured_on"] = (
                "Give the measured value and the date it was measured, or neither."
            )
        if self.measured_on and self.measured_on > timezone.localdate():
            errors["measured_on"] = "This date is in the future."
        if errors:
            raise ValidationError(errors)

    @property
    def met(self) -> bool | None:
        return _meets(self.measured_value, self.comparator, self.threshold)


class Release(SystemRecord, AimsModel):
    """A release of an AI system into use (A.6.2.5), recorded only through its gate."""

    ai_system = models.ForeignKey(
        AISystem,
        on_delete=models.CASCADE,
        related_name="releases",
        verbose_name="AI system",
    )
    release_version = models.CharField("version", max_length=50)
    released_on = models.DateField(default=timezone.localdate)
    notes = models.TextField("release notes", blank=True)
    status = models.CharField(max_length=12, choices=ReleaseStatus, editable=False)
    gate_results = models.JSONField(default=list, editable=False)
    override_justification = models.TextField(blank=True, editable=False)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    system_tab = "lifecycle"
    # Releases are recorded through the gate and never deleted.
    inherit_permissions = {
        "view": ("ai_system", "view"),
        "change": ("ai_system", "change"),
    }

    class Meta:
        ordering = ["ai_system", "-released_on", "-pk"]
        permissions = [("override_gate_release", "Can release despite a failed gate")]
        constraints = [
            models.UniqueConstraint(
                fields=["ai_system", "release_version"],
                name="release_unique_version",
                violation_error_message="This version was already released.",
            )
        ]

    def __str__(self):
        return f"Release {self.release_version}"

    def clean(self):
        if self.released_on and self.released_on > timezone.localdate():
            raise ValidationError({"released_on": "Record a release when it happens."})
