"""PDF evidence packs for auditors: who asked for which pack, and the file it produced.

A pack is requested (``queued``), built by a Celery task (``building``) and then either
``ready`` (the PDF is in the storage with its SHA-256) or ``failed`` (with the error, and
it can be retried). Only the build task whose id is on the record may build it, so a
message delivered twice never produces two files (``audit.services.packs``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from aims.models import ChangeLogged
from aims.reversing import reverse

from ..choices import PackStatus
from ..packs.registry import get_kind, kinds
from .jobs import FileJob, FileJobQuerySet

REFERENCE_PREFIX = "EVP"


class EvidencePackQuerySet(FileJobQuerySet):
    def visible_to(self, user) -> "EvidencePackQuerySet":
        """Packs ``user`` may see and download: the role permission to view packs, the
        pack kind's own requirements, and the pack's target must still be visible to
        them (a pack of a system they can no longer see is hidden)."""
        from aims.permissions import visible_to

        allowed = models.Q(pk__in=[])
        for kind in kinds():
            allowed |= kind.visible_packs(user)
        return visible_to(self, user, "view").filter(allowed)


class EvidencePack(ChangeLogged, FileJob):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    # Part of the storage name: pack files are not guessable from the reference.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=40, db_index=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_repr = models.CharField("scope", max_length=200, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evidence_packs",
    )
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(
        max_length=10, choices=PackStatus, default=PackStatus.QUEUED, db_index=True
    )
    # The Celery task id allowed to build this pack; a retry hands out a new one.
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    queued_at = models.DateTimeField(default=timezone.now, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True, editable=False)
    # The result: a file in the default storage (local disk or S3) and its fingerprint.
    file = models.FileField(max_length=300, blank=True, editable=False)
    file_name = models.CharField(max_length=200, blank=True, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, editable=False)
    size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    page_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The change log's head when the pack was generated: entries up to it are covered.
    chain_head_seq = models.PositiveBigIntegerField(
        null=True, blank=True, editable=False
    )
    chain_head_hash = models.CharField(max_length=64, blank=True, editable=False)
    manifest = models.JSONField(default=dict, blank=True, editable=False)

    objects = EvidencePackQuerySet.as_manager()

    # Bookkeeping of the build that says nothing an auditor needs from the change log.
    change_log_exclude = (
        "task_id",
        "queued_at",
        "attempts",
        "started_at",
        "manifest",
        "built_by",
        "heartbeat_at",
        "rebuild_reason",
        "progress_done",
        "progress_total",
        "progress_stage",
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "evidence pack"
        indexes = [models.Index(fields=["kind", "target_id"])]

    def __str__(self):
        return f"{self.reference} {self.target_repr}".strip()

    def get_absolute_url(self):
        return reverse("audit:evidencepack_detail", args=[self.pk])

    @property
    def download_url(self) -> str:
        return reverse("audit:evidencepack_download", args=[self.pk])

    @property
    def kind_title(self) -> str:
        kind = get_kind(self.kind)
        return kind.title if kind is not None else self.kind


class PackDispatch(models.Model):
    """The outbox of background file jobs (packs, bundles, exports): one row per task
    message to send, written in the transaction that queues the job (exactly one of the
    job columns is set), so a committed request always has its message on record even
    when the broker is down. ``sent_at`` is set once the broker took it;
    unsent rows are sent again by the outbox job (beat, and every worker at start).
    Plumbing, not governance: not in the change log."""

    pack = models.ForeignKey(
        EvidencePack,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dispatches",
    )
    bundle = models.ForeignKey(
        "audit.AuditorBundle",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dispatches",
    )
    export = models.ForeignKey(
        "audit.ExportJob",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dispatches",
    )

    task_id = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                name="audit_dispatch_unsent",
                condition=models.Q(sent_at__isnull=True),
            )
        ]
        constraints = [
            models.CheckConstraint(
                name="audit_dispatch_one_job",
                condition=models.Q(
                    pack__isnull=False, bundle__isnull=True, export__isnull=True
                )
                | models.Q(pack__isnull=True, bundle__isnull=False, export__isnull=True)
                | models.Q(
                    pack__isnull=True, bundle__isnull=True, export__isnull=False
                ),
            )
        ]

    def __str__(self):
        return f"{self.task_id} ({'sent' if self.sent_at else 'unsent'})"
