"""Auditor bundles: one signed ZIP an external auditor can verify offline.

A bundle holds a gap report built for it, the evidence packs its requester chose, every
evidence file those packs refer to, the change-log entries in its scope with their
hashes, a ``manifest.json`` listing every file with its SHA-256 and size, the manifest's
Ed25519 signature and the verifier (``aims/bundle_verifier.py``) as a single file.

It follows the life of a pack (queued, building, ready or failed, retried under a new
task id), with its progress recorded while it builds (``audit.services.bundles``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from aims.models import ChangeLogged
from aims.reversing import reverse

from ..choices import PackStatus
from .jobs import FileJob, FileJobQuerySet
from .packs import EvidencePack

REFERENCE_PREFIX = "AUB"


class AuditorBundleQuerySet(FileJobQuerySet):
    def visible_to(self, user) -> "AuditorBundleQuerySet":
        """Bundles ``user`` may see and download. A bundle prints the change log in its
        scope, so only people who read the change log; and only bundles every pack of
        which (the gap report included) they may see themselves."""
        from aims.models import ObjectChange
        from aims.permissions import can, visible_to

        if not (can(user, "view", self.model) and can(user, "view", ObjectChange)):
            return self.none()
        hidden_packs = EvidencePack.objects.exclude(
            pk__in=EvidencePack.objects.visible_to(user).values("pk")
        )
        return (
            visible_to(self, user, "view")
            .exclude(packs__in=hidden_packs)
            .exclude(gap_report__in=hidden_packs)
        )


class AuditorBundle(ChangeLogged, FileJob):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    purpose = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the bundle is for, e.g. “Stage 2 audit, March 2027”.",
    )
    packs = models.ManyToManyField(
        EvidencePack,
        blank=True,
        related_name="bundles",
        help_text="Ready evidence packs to include, with every evidence file they cite.",
    )
    change_log_since = models.DateField(
        "change log from",
        null=True,
        blank=True,
        help_text="Include change-log entries from this date (UTC); empty: all of them.",
    )
    gap_report = models.ForeignKey(
        EvidencePack,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="auditor_bundles",
        editable=False,
    )
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(
        max_length=10,
        choices=PackStatus.choices,
        default=PackStatus.QUEUED,
        editable=False,
    )
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    queued_at = models.DateTimeField(default=timezone.now, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True, editable=False)
    # The result
    file = models.FileField(max_length=300, blank=True, editable=False)
    file_name = models.CharField(max_length=200, blank=True, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, editable=False)
    size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    file_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    entry_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    chain_head_seq = models.PositiveBigIntegerField(
        "change log head", null=True, blank=True, editable=False
    )
    chain_head_hash = models.CharField(max_length=64, blank=True, editable=False)
    key_fingerprint = models.CharField(
        "signing key fingerprint", max_length=64, blank=True, editable=False
    )
    # What the build found and said so in the bundle (e.g. an evidence file missing
    # from storage), shown on the bundle's page.
    warnings = models.JSONField(default=list, blank=True, editable=False)

    objects = AuditorBundleQuerySet.as_manager()

    # Bookkeeping of the build that says nothing an auditor needs from the change log.
    change_log_exclude = (
        "task_id",
        "queued_at",
        "attempts",
        "started_at",
        "progress_done",
        "progress_total",
        "progress_stage",
        "built_by",
        "heartbeat_at",
        "rebuild_reason",
    )

    time_limit_setting = "AIMS_BUNDLE_TIME_LIMIT"

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "auditor bundle"

    def __str__(self):
        return f"{self.reference} {self.purpose}".strip()

    def get_absolute_url(self):
        return reverse("audit:auditorbundle_detail", args=[self.pk])

    @property
    def download_url(self) -> str:
        return reverse("audit:auditorbundle_download", args=[self.pk])
