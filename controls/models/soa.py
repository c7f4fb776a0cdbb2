"""The Statement of Applicability (ISO/IEC 42001 6.1.3 d): a versioned, approved document."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from aims.models import AimsModel
from aims.reversing import reverse

from ..choices import ImplementationStatus, SoAStatus
from .library import Control


class SoAVersion(AimsModel):
    """One version of the SoA. A draft is edited; an approved version is frozen for good."""

    number = models.PositiveIntegerField(unique=True, editable=False)
    status = models.CharField(
        max_length=10, choices=SoAStatus, default=SoAStatus.DRAFT, editable=False
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    summary_of_changes = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approval_comment = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-number"]
        verbose_name = "SoA version"
        permissions = [
            ("approve_soaversion", "Can approve a Statement of Applicability"),
        ]
        constraints = [
            # At most one draft at a time: two drafts would fork the document.
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="draft"),
                name="soaversion_single_draft",
            )
        ]

    def __str__(self):
        return f"SoA v{self.number} ({self.get_status_display().lower()})"

    def get_absolute_url(self):
        return reverse("controls:soa_version", args=[self.number])

    @property
    def is_draft(self) -> bool:
        return self.status == SoAStatus.DRAFT


class SoAEntryQuerySet(models.QuerySet):
    """SoA rows; ``with_counts(today)`` adds the risk and evidence counts of each row's
    control when the rows are read (see ``controls.selectors.annotate_rows``)."""

    _counts_on = None
    _counts_reader = None

    def with_counts(self, today, reader=None):
        clone = self._chain()
        clone._counts_on = today
        clone._counts_reader = reader
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._counts_on = self._counts_on
        clone._counts_reader = self._counts_reader
        return clone

    def _fetch_all(self):
        loaded = self._result_cache is not None
        super()._fetch_all()
        if (
            not loaded
            and self._counts_on is not None
            and self._iterable_class is (models.query.ModelIterable)
        ):
            from ..selectors import attach_counts

            attach_counts(self._result_cache, self._counts_on, self._counts_reader)


class SoAEntry(AimsModel):
    """One control's row in one SoA version."""

    # Not "version": that is every record's edit counter (AimsModel).
    soa = models.ForeignKey(
        SoAVersion,
        on_delete=models.CASCADE,
        related_name="entries",
        editable=False,
        verbose_name="SoA version",
    )
    control = models.ForeignKey(
        Control, on_delete=models.PROTECT, related_name="soa_entries", editable=False
    )
    applicable = models.BooleanField(
        null=True,
        blank=True,
        help_text="Empty until someone decides; approval needs a decision.",
    )
    justification = models.TextField(
        blank=True,
        help_text="Why the control is included, or why it is excluded (6.1.3).",
    )
    implementation_status = models.CharField(
        max_length=12,
        choices=ImplementationStatus,
        default=ImplementationStatus.NOT_STARTED,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="soa_entries",
        verbose_name="control owner",
    )
    implementation_description = models.TextField(blank=True)
    target_date = models.DateField(null=True, blank=True)
    test_frequency_days = models.PositiveSmallIntegerField(
        "test frequency (days)",
        null=True,
        blank=True,
        help_text="How often the control's effectiveness is checked; empty takes the control's default.",
    )
    # Filled when the version is approved, so the frozen document keeps the risks and
    # evidence it was approved with even when the registers move on.
    risk_snapshot = models.JSONField(default=list, blank=True, editable=False)
    evidence_snapshot = models.JSONField(default=list, blank=True, editable=False)

    objects = SoAEntryQuerySet.as_manager()

    class Meta:
        ordering = ["control__position", "control__control_id"]
        verbose_name = "SoA entry"
        verbose_name_plural = "SoA entries"
        permissions = [("own_soaentry", "Can be the owner of controls")]
        constraints = [
            models.UniqueConstraint(fields=["soa", "control"], name="soaentry_unique")
        ]

    def __str__(self):
        return f"{self.control.control_id} in SoA v{self.soa.number}"

    def get_absolute_url(self):
        return reverse("controls:control_detail", args=[self.control_id])

    def change_log_parent(self):
        return self.soa

    @property
    def test_frequency(self) -> int:
        return self.test_frequency_days or self.control.default_test_frequency_days

    def clean(self):
        errors = {}
        if self.applicable is not None and not self.justification.strip():
            errors["justification"] = (
                "Justify the decision: why the control is included, or why it is excluded."
            )
        if self.applicable is False and self.implementation_status not in (
            ImplementationStatus.NOT_STARTED,
        ):
            errors["implementation_status"] = (
                "An excluded control has no implementation status."
            )
        if self.test_frequency_days is not None and not (
            1 <= self.test_frequency_days <= 3650
        ):
            errors["test_frequency_days"] = "Choose from 1 to 3650 days."
        if errors:
            raise ValidationError(errors)
