"""What every background file job records (evidence packs, auditor bundles, exports).

A job is requested (``queued``), built by a Celery task (``building``) and then either
``ready`` (its file is in the storage with its SHA-256) or ``failed`` (with the error,
retryable). The shared machinery is ``audit.services.filejobs``: only the task whose id
is on the job builds it, a heartbeat shows the build alive, an outbox row carries its
task message, and a build whose worker was lost is queued again.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..choices import PackStatus


class FileJob(models.Model):
    # Status, progress and heartbeats are written by the worker without a change-log
    # entry: their counts must not be reused under the log's head (``aims.counting``).
    cache_aggregates = False

    # The build's signs of life: which worker process builds it, and when it last said
    # so (every AIMS_PACK_HEARTBEAT_SECONDS). A build whose worker went silent is
    # reclaimed and rebuilt (audit.services.filejobs), and the page says why.
    built_by = models.CharField(max_length=200, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    rebuild_reason = models.CharField(max_length=200, blank=True, editable=False)
    # Progress of the build, written as it goes (parts or rows done of the total).
    progress_done = models.PositiveIntegerField(default=0, editable=False)
    progress_total = models.PositiveIntegerField(default=0, editable=False)
    progress_stage = models.CharField(max_length=120, blank=True, editable=False)

    # The setting holding the build's soft time limit (seconds).
    time_limit_setting = "AIMS_PACK_TIME_LIMIT"

    class Meta:
        abstract = True

    @classmethod
    def time_limit(cls) -> int:
        return getattr(settings, cls.time_limit_setting)

    @classmethod
    def stale_after(cls) -> datetime.timedelta:
        """How long before a queued or building job is considered abandoned: the hard
        time limit of a build plus a minute of slack."""
        return datetime.timedelta(seconds=cls.time_limit() + 90)

    @property
    def in_progress(self) -> bool:
        return self.status in (PackStatus.QUEUED, PackStatus.BUILDING)

    @property
    def progress_percent(self) -> int:
        if self.status == PackStatus.READY:
            return 100
        if not self.progress_total:
            return 0
        return min(99, round(100 * self.progress_done / self.progress_total))

    @property
    def is_stale(self) -> bool:
        since = (
            self.started_at if self.status == PackStatus.BUILDING else self.queued_at
        )
        return (
            self.in_progress
            and since is not None
            and since < timezone.now() - self.stale_after()
        )

    @property
    def retryable(self) -> bool:
        return self.status == PackStatus.FAILED or self.is_stale


class FileJobQuerySet(models.QuerySet):
    def stale(self, now: datetime.datetime | None = None):
        """Queued or building for longer than a build may take: the worker died or the
        message was lost, so a retry is safe."""
        cutoff = (now or timezone.now()) - self.model.stale_after()
        return self.filter(
            models.Q(status=PackStatus.BUILDING, started_at__lt=cutoff)
            | models.Q(status=PackStatus.QUEUED, queued_at__lt=cutoff)
        )
