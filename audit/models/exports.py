"""Exports built in the background: the XLSX (or CSV) of a large list, with the
filters of the page it was asked from, for the person who asked.

An export follows the life of a pack (queued, building with progress, ready or
failed, retried under a new task id; ``audit.services.filejobs``). Its rows are read
when it is built, as its requester, through the list's own rule
(``aims.exports.ExportList.rows``): it holds exactly what the page showed them. Only
the requester sees and downloads it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from aims.models import ChangeLogged
from aims.reversing import reverse

from ..choices import PackStatus
from .jobs import FileJob, FileJobQuerySet

REFERENCE_PREFIX = "EXP"


class ExportJobQuerySet(FileJobQuerySet):
    def visible_to(self, user) -> "ExportJobQuerySet":
        """A user's own exports only: the file holds what the list showed them, which
        may be more or less than anyone else may see."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(requested_by=user)


class ExportJob(ChangeLogged, FileJob):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    # Part of the storage name: files are not guessable from the reference.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    list_key = models.CharField("list", max_length=40, editable=False)
    list_title = models.CharField(max_length=120, editable=False)
    # The page's query string (its filters), as the list's rows read them.
    query = models.TextField(blank=True, editable=False)
    format = models.CharField(max_length=4, default="xlsx", editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="export_jobs",
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
    file = models.FileField(max_length=300, blank=True, editable=False)
    file_name = models.CharField(max_length=200, blank=True, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, editable=False)
    size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    row_count = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = ExportJobQuerySet.as_manager()

    time_limit_setting = "AIMS_EXPORT_TIME_LIMIT"

    change_log_exclude = (
        "task_id",
        "queued_at",
        "attempts",
        "started_at",
        "built_by",
        "heartbeat_at",
        "rebuild_reason",
        "progress_done",
        "progress_total",
        "progress_stage",
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "export"
        indexes = [models.Index(fields=["requested_by", "status"])]

    def __str__(self):
        return f"{self.reference} {self.list_title}".strip()

    def get_absolute_url(self):
        return reverse("audit:exportjob_detail", args=[self.pk])

    @property
    def download_url(self) -> str:
        return reverse("audit:exportjob_download", args=[self.pk])
