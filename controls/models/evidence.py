"""The evidence store (ISO/IEC 42001 7.5): files and links that show controls work.

One evidence item links to many controls, risks and AI systems. Files are versions of an
item and are never replaced or deleted: a new upload adds a version.
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from aims.models import AimsModel, ChangeLogged
from aims.reversing import reverse
from registry.models import AISystem
from risk.models import Risk

from ..choices import EvidenceKind, Freshness
from .library import Control

REFERENCE_PREFIX = "EVD"


def freshness(valid_until: datetime.date | None, today: datetime.date) -> str:
    """Valid, expiring (within the warning window, expiry day included) or expired."""
    if valid_until is None:
        return Freshness.VALID
    if valid_until < today:
        return Freshness.EXPIRED
    if valid_until <= today + datetime.timedelta(
        days=settings.AIMS_EVIDENCE_EXPIRY_WARNING_DAYS
    ):
        return Freshness.EXPIRING
    return Freshness.VALID


class EvidenceQuerySet(models.QuerySet):
    def expired(self, today=None):
        return self.filter(valid_until__lt=today or timezone.localdate())

    def expiring(self, today=None):
        today = today or timezone.localdate()
        window = today + datetime.timedelta(
            days=settings.AIMS_EVIDENCE_EXPIRY_WARNING_DAYS
        )
        return self.filter(valid_until__gte=today, valid_until__lte=window)

    def current(self, today=None):
        """Not expired (valid or expiring soon)."""
        today = today or timezone.localdate()
        return self.filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=today)
        )


class Evidence(AimsModel):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(
        max_length=10, choices=EvidenceKind, default=EvidenceKind.FILE, editable=False
    )
    url = models.URLField(
        "link",
        max_length=500,
        blank=True,
        help_text="For evidence kept elsewhere (a ticket, a wiki page, a repository).",
    )
    collected_on = models.DateField("date collected", default=timezone.localdate)
    valid_until = models.DateField(
        null=True, blank=True, help_text="When the evidence must be renewed."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence"
    )
    restricted = models.BooleanField(
        default=False,
        help_text="Only owners, auditors, the committee and AIMS managers may download it.",
    )
    controls = models.ManyToManyField(Control, blank=True, related_name="evidence")
    risks = models.ManyToManyField(Risk, blank=True, related_name="evidence")
    ai_systems = models.ManyToManyField(
        AISystem, blank=True, related_name="evidence", verbose_name="AI systems"
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-reference"]
        verbose_name_plural = "evidence"
        permissions = [
            ("own_evidence", "Can be the owner of evidence"),
            ("download_restricted_evidence", "Can download restricted evidence"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}" if self.reference else self.title

    def get_absolute_url(self):
        return reverse("controls:evidence_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.kind == EvidenceKind.LINK and not self.url:
            errors["url"] = "Give the link to the evidence."
        if self.url and not self.url.lower().startswith(("https://", "http://")):
            errors["url"] = "Only http and https links are accepted."
        if (
            self.valid_until
            and self.collected_on
            and self.valid_until < self.collected_on
        ):
            errors["valid_until"] = "Evidence cannot expire before it was collected."
        if self.collected_on and self.collected_on > timezone.localdate():
            errors["collected_on"] = "The collection date cannot be in the future."
        if errors:
            raise ValidationError(errors)

    def freshness(self, today=None) -> str:
        return freshness(self.valid_until, today or timezone.localdate())

    def get_freshness_display(self) -> str:
        return Freshness(self.freshness()).label


def evidence_upload_to(instance, filename):
    # The server chooses the stored name; the uploaded name is only kept as metadata.
    extension = instance.extension
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class EvidenceFile(ChangeLogged, models.Model):
    """One uploaded version of an evidence item's file, with the SHA-256 of its bytes."""

    evidence = models.ForeignKey(
        Evidence, on_delete=models.PROTECT, related_name="files"
    )
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["evidence", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "number"], name="evidencefile_unique"
            )
        ]

    def __str__(self):
        return f"{self.original_name} (v{self.number})"

    def get_absolute_url(self):
        return reverse(
            "controls:evidence_download", args=[self.evidence_id, self.number]
        )

    def change_log_parent(self):
        return self.evidence
