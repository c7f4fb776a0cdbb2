"""The machinery every background file job shares: evidence packs, auditor bundles and
exports (ISO/IEC 42001 7.5.3: documented information produced once, complete, and
traceable to who asked for it).

A job kind (``JobKind``) names its model, its task, its events (``<key>.requested``,
``.ready``, ``.failed``, ``.retried``, ``.rebuilding``) and where its files go; the
functions here do the rest the same way for every kind:

* **Request.** ``lock_requester`` serialises one person's requests, ``find_duplicate``
  finds the same request still queued or building (``DuplicateRequest``: API 409 with
  the existing job), ``enqueue`` writes the task message into the outbox in the
  request's own transaction (``PackDispatch``), sent after the commit.
* **Build.** ``run`` claims the job for one task id (a message delivered twice, or one
  superseded by a retry, does nothing; a redelivered message of a worker that died
  rebuilds), keeps ``heartbeat_at`` fresh from a thread while the kind's ``produce``
  runs, and turns any failure into ``failed`` with the error shown as it is. The kind's
  ``produce`` writes a temporary file and hands it to ``Attempt.store`` (one storage
  call under a name owned by the task) and ``finish`` (the job points at the file only
  once it is completely stored; files of abandoned attempts are removed).
* **Outbox and reclaim.** ``flush_outbox`` sends messages the broker did not take;
  ``reclaim_lost_builds`` queues again builds whose worker went silent (or that a
  restarted worker of the same name was running) and queued jobs whose message was
  never picked up, under a new task id; after ``AIMS_PACK_MAX_ATTEMPTS`` the job fails
  with that reason.
"""

from __future__ import annotations

import datetime
import logging
import os
import posixpath
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from aims.history import change_scope, record_event

from ..choices import PackStatus
from ..models import PackDispatch

logger = logging.getLogger(__name__)

__all__ = [
    "MESSAGE_LOST",
    "WORKER_LOST",
    "Attempt",
    "DuplicateRequest",
    "JobBuildError",
    "JobKind",
    "JobNotRetryable",
    "enqueue",
    "find_duplicate",
    "flush_outbox",
    "job_kinds",
    "lock_requester",
    "reclaim_lost_builds",
    "register",
    "reset_for_retry",
    "run",
    "send",
]

WORKER_LOST = "Worker lost, rebuilding"
MESSAGE_LOST = "Queued message not picked up, sent again"
MAX_ERROR_LENGTH = 2000
# How often a build writes its progress (seconds): the page sees it move without a
# write per row or file.
PROGRESS_EVERY = 1.0


class JobNotRetryable(Exception):
    """The job is ready, or still queued or building within its time limit."""


class JobBuildError(Exception):
    """A build failed for a reason the requester should read as it is."""


class DuplicateRequest(Exception):
    """The same person already has this job queued or building: the new request is
    refused and points at that one (API: 409 with it)."""

    def __init__(self, existing, noun: str = "job"):
        self.existing = existing
        super().__init__(
            f"You already requested this {noun}: {existing.reference} is "
            f"{existing.get_status_display().lower()}. It is shown instead of a second copy."
        )


@dataclass(frozen=True)
class JobKind:
    """One kind of background file job. ``key`` is also the outbox column naming the
    job (``PackDispatch.<key>``) and the prefix of its change-log events."""

    key: str
    noun: str  # "evidence pack": in messages
    model: type
    task_name: str  # the Celery task, registered under this name
    storage_prefix: str  # files go to "<prefix>/<job uuid>/<task id><suffix>"
    suffix: str

    @property
    def time_limit(self) -> int:
        return self.model.time_limit()

    def stale_after(self) -> datetime.timedelta:
        return self.model.stale_after()

    def storage_dir(self, job) -> str:
        return f"{self.storage_prefix}/{job.uuid}"

    def task(self):
        from importlib import import_module

        from celery import current_app

        # The app's tasks module registers the task; make sure it has been imported.
        import_module(f"{self.task_name.partition('.')[0]}.tasks")
        return current_app.tasks[self.task_name]


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    _KINDS[kind.key] = kind
    return kind


def job_kinds() -> list[JobKind]:
    return list(_KINDS.values())


def _kind_of(job) -> JobKind:
    for kind in _KINDS.values():
        if isinstance(job, kind.model):
            return kind
    raise LookupError(f"{type(job).__name__} is not a registered file job")


# Requesting


def lock_requester(actor) -> None:
    """One request at a time per person: two identical requests racing each other
    would both find no queued copy."""
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()


def find_duplicate(job_kind: JobKind, actor, /, **same):
    """The newest job of ``actor`` with the same ``same`` fields still queued or
    building, or None. Call after ``lock_requester`` in the request's transaction."""
    return (
        job_kind.model.objects.filter(
            requested_by=actor,
            status__in=(PackStatus.QUEUED, PackStatus.BUILDING),
            **same,
        )
        .order_by("-requested_at")
        .first()
    )


def enqueue(job) -> PackDispatch:
    """Record the job's task message; call inside the transaction that queued the job.
    It is sent after the commit, or by the outbox job if that fails."""
    kind = _kind_of(job)
    dispatch = PackDispatch.objects.create(**{kind.key: job}, task_id=job.task_id)
    transaction.on_commit(lambda: send(dispatch.pk), robust=True)
    return dispatch


def reset_for_retry(job, actor, *, retryable_message: str) -> str:
    """Put a failed (or stale) job back in the queue under a new task id, so a late
    message of the old build does nothing; call with the job locked, inside
    ``attributed_to(actor)`` and ``change_scope()``. Returns the previous status."""
    kind = _kind_of(job)
    if not job.retryable:
        raise JobNotRetryable(
            f"{job.reference} is {job.get_status_display().lower()}: {retryable_message}"
        )
    previous = job.get_status_display().lower()
    _queue_again(job, reason="")
    job.error = ""
    job.save()
    record_event(
        job,
        f"{kind.key}.retried",
        f"{actor} retried {job.reference} (it was {previous}).",
        {"previous_status": previous},
    )
    enqueue(job)
    return previous


def _queue_again(job, *, reason: str) -> None:
    job.status = PackStatus.QUEUED
    job.task_id = uuid.uuid4().hex
    job.queued_at = timezone.now()
    job.started_at = job.finished_at = job.heartbeat_at = None
    job.built_by = ""
    job.rebuild_reason = reason
    job.progress_done = job.progress_total = 0
    job.progress_stage = ""


# Sending


# After a failed publish, requests in this process leave their message to the outbox
# for this many seconds instead of each waiting for the broker's timeout again.
BROKER_BACKOFF_SECONDS = 15
_broker_down_until = 0.0


def _waiting(prefix: str = "") -> Q:
    """Outbox rows whose job still waits for exactly that message."""
    waiting = Q()
    for kind in _KINDS.values():
        waiting |= Q(
            **{
                f"{prefix}{kind.key}__task_id": F(f"{prefix}task_id"),
                f"{prefix}{kind.key}__status": PackStatus.QUEUED,
            }
        )
    return waiting


def _kind_of_dispatch(dispatch: PackDispatch) -> tuple[JobKind, int]:
    for kind in _KINDS.values():
        job_id = getattr(dispatch, f"{kind.key}_id")
        if job_id is not None:
            return kind, job_id
    raise LookupError(f"Outbox row {dispatch.pk} names no job")


def send(dispatch_id: int, *, force: bool = False) -> bool:
    """Send one outbox row's message if nobody else is sending it. True when the broker
    took it. Without ``force`` (a request's after-commit send) nothing is tried while
    this process saw the broker fail in the last BROKER_BACKOFF_SECONDS."""
    global _broker_down_until

    if not force and time.monotonic() < _broker_down_until:
        return False

    # Claim the row first (one UPDATE decides between concurrent senders), then publish
    # outside any transaction: a hanging broker holds no database lock.
    claimed = (
        PackDispatch.objects.filter(_waiting(), pk=dispatch_id, sent_at__isnull=True)
        .distinct()
        .values("pk")
    )
    if not PackDispatch.objects.filter(pk__in=claimed).update(
        sent_at=timezone.now(), send_attempts=F("send_attempts") + 1
    ):
        return False
    dispatch = PackDispatch.objects.get(pk=dispatch_id)
    kind, job_id = _kind_of_dispatch(dispatch)
    limit = kind.time_limit
    try:
        kind.task().apply_async(
            (job_id,),
            task_id=dispatch.task_id,
            queue=settings.AIMS_PACK_QUEUE,
            soft_time_limit=limit,
            time_limit=limit + 30,
            # No publish retries in the request: the outbox job retries instead.
            retry=False,
        )
    except Exception as exc:  # noqa: BLE001 - any broker failure leaves the row unsent
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.warning(
            "%s %s: task message not sent, the outbox will retry: %s",
            kind.noun.capitalize(),
            job_id,
            exc,
        )
        PackDispatch.objects.filter(pk=dispatch_id).update(
            sent_at=None, last_error=f"{type(exc).__name__}: {exc}"[:300]
        )
        return False
    _broker_down_until = 0.0
    return True


def flush_outbox(limit: int = 500) -> int:
    """Send every unsent message of a job still waiting for it; returns how many the
    broker took."""
    pending = (
        PackDispatch.objects.filter(_waiting(), sent_at__isnull=True)
        .order_by("created_at")
        .distinct()
    )
    sent = 0
    for dispatch_id in pending.values_list("pk", flat=True)[:limit]:
        if send(dispatch_id, force=True):
            sent += 1
        elif PackDispatch.objects.filter(pk=dispatch_id, sent_at__isnull=True).exists():
            break  # the broker is still down: try again at the next run
    return sent


# Reclaiming lost builds


def _requeue(kind: JobKind, job, reason: str, detail: str) -> None:
    _queue_again(job, reason=reason)
    job.save()
    record_event(
        job,
        f"{kind.key}.rebuilding",
        f"{job.reference}: {detail}; queued again.",
        {"reason": reason},
    )
    enqueue(job)


def _give_up(kind: JobKind, job, detail: str) -> None:
    job.status = PackStatus.FAILED
    job.error = (
        f"{detail}, {job.attempts} times; not rebuilt again automatically. Retry it, "
        "or ask an administrator to look at the workers' logs (memory, time limit)."
    )
    job.finished_at = timezone.now()
    job.rebuild_reason = ""
    job.save()
    record_event(
        job,
        f"{kind.key}.failed",
        f"{job.reference} failed: {job.error}",
        {"error": job.error},
    )


def reclaim_lost_builds(
    *, now: datetime.datetime | None = None, restarted_node: str = ""
) -> list[str]:
    """Queue again the builds whose worker is gone, and the queued jobs whose message
    was lost, of every kind. ``restarted_node``: a worker's name at its start; builds
    recorded under that name belonged to its previous life. Returns the references
    reclaimed."""
    now = now or timezone.now()
    reclaimed = []
    for kind in _KINDS.values():
        reclaimed += _reclaim(kind, now, restarted_node)
    if reclaimed:
        logger.warning("Background jobs reclaimed: %s", ", ".join(reclaimed))
    return reclaimed


def _reclaim(kind: JobKind, now, restarted_node: str) -> list[str]:
    lost_before = now - datetime.timedelta(seconds=settings.AIMS_PACK_LOST_AFTER)
    silent = Q(status=PackStatus.BUILDING) & (
        Q(heartbeat_at__lt=lost_before)
        | Q(heartbeat_at__isnull=True, started_at__lt=lost_before)
    )
    if restarted_node:
        silent |= Q(
            status=PackStatus.BUILDING, built_by__startswith=f"{restarted_node}/"
        )
    stale = now - kind.stale_after()
    never_started = Q(
        status=PackStatus.QUEUED,
        queued_at__lt=stale,
        dispatches__task_id=F("task_id"),
        dispatches__sent_at__lt=stale,
    )
    reclaimed = []
    candidates = kind.model.objects.filter(silent | never_started).values_list(
        "pk", flat=True
    )
    for job_id in list(candidates.distinct()[:200]):
        with transaction.atomic(), change_scope():
            job = (
                kind.model.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(silent | never_started, pk=job_id)
                .first()
            )
            if job is None:
                continue
            if job.status == PackStatus.BUILDING:
                seen = job.heartbeat_at or job.started_at
                detail = (
                    "the worker building it was lost (last sign of life "
                    f"{seen:%Y-%m-%d %H:%M:%S} UTC)"
                    if seen
                    else "the worker building it was lost"
                )
                if job.attempts >= settings.AIMS_PACK_MAX_ATTEMPTS:
                    _give_up(kind, job, "The worker building it was lost")
                else:
                    _requeue(kind, job, WORKER_LOST, detail)
            else:
                _requeue(
                    kind, job, MESSAGE_LOST, "its task message was never picked up"
                )
            reclaimed.append(job.reference)
    return reclaimed


# Building


class Attempt:
    """One build of one job by one task: its progress and the file it stored."""

    def __init__(
        self, kind: JobKind, job, task_id: str, worker: str = "", heartbeat=False
    ):
        self.kind, self.job, self.task_id = kind, job, task_id
        # Who builds it, for jobs the build runs inline (a bundle's gap report).
        self.worker, self.heartbeat = worker, heartbeat
        self.stored_name = ""
        self._last_progress = 0.0

    def progress(self, done: int, total: int, stage: str, *, force=False) -> None:
        now = time.monotonic()
        if not force and now - self._last_progress < PROGRESS_EVERY:
            return
        self._last_progress = now
        # Its own statement outside any transaction: the page sees it at once, and it
        # is bookkeeping that the change log leaves out (change_log_exclude).
        self.kind.model.objects.filter(pk=self.job.pk, task_id=self.task_id).update(
            progress_done=done, progress_total=total, progress_stage=stage[:120]
        )

    def store(self, path: str, size: int, suffix: str | None = None) -> str:
        """Store the finished temporary file at ``path`` under a name only this task
        writes, in one storage call; check it arrived whole."""
        suffix = self.kind.suffix if suffix is None else suffix
        name = f"{self.kind.storage_dir(self.job)}/{self.task_id}{suffix}"
        # Only this task writes this name: anything there is a dead attempt of it.
        if default_storage.exists(name):
            default_storage.delete(name)
        try:
            with open(path, "rb") as handle:
                stored = default_storage.save(name, _StagedFile(handle, path))
        except BaseException:
            # A storage that wrote part of the file before failing: nothing
            # half-written stays under the name.
            if default_storage.exists(name):
                default_storage.delete(name)
            raise
        self.stored_name = stored
        if default_storage.size(stored) != size:
            raise JobBuildError(
                f"The stored file is incomplete; retry the {self.kind.noun}."
            )
        return stored

    def finish(
        self,
        apply: Callable[[object], None],
        *,
        sha256: str,
        size: int,
        message: str,
        data: dict,
    ):
        """Mark the job ready with its stored file; ``apply(job)`` sets the kind's own
        result fields. None when a retry took the job over meanwhile."""
        kind = self.kind
        with transaction.atomic():
            current = kind.model.objects.select_for_update().get(pk=self.job.pk)
            if current.task_id != self.task_id or current.status != PackStatus.BUILDING:
                # Retried while this build was running: the other build owns the job.
                default_storage.delete(self.stored_name)
                self.stored_name = ""
                return None
            with change_scope():
                current.status = PackStatus.READY
                current.file.name = self.stored_name
                current.sha256 = sha256
                current.size = size
                current.finished_at = timezone.now()
                current.progress_done = current.progress_total
                current.progress_stage = "Ready"
                apply(current)
                current.save()
                record_event(current, f"{kind.key}.ready", message, data)
            transaction.on_commit(lambda: _remove_leftovers(kind, current), robust=True)
        self.stored_name = ""  # it is the job's file now
        return current


class _StagedFile(File):
    """The finished temporary file. ``temporary_file_path`` lets the file-system
    storage move it into place with one rename (same file system) instead of copying;
    other storages (S3) upload it in one request."""

    def __init__(self, file, path: str):
        super().__init__(file, name=posixpath.basename(path))
        self._path = path

    def temporary_file_path(self) -> str:
        return self._path


def run(
    kind: JobKind,
    *,
    job_id: int,
    task_id: str,
    produce: Callable[[Attempt], object],
    worker: str = "",
    heartbeat: bool = False,
):
    """Build the job if ``task_id`` is the build it is waiting for; None otherwise
    (ready already, superseded by a retry, being built by a live worker, or gone).
    ``worker`` names the process ("node/pid"); ``heartbeat`` keeps ``heartbeat_at``
    fresh while the build runs (real workers; reclaim finds silent builds)."""
    job = _claim(kind, job_id, task_id, worker)
    if job is None:
        return None
    beat = _Heartbeat(kind, job.pk, task_id) if heartbeat else None
    if beat is not None:
        beat.start()
    attempt = Attempt(kind, job, task_id, worker, heartbeat)
    try:
        return produce(attempt)
    except SoftTimeLimitExceeded:
        message = (
            f"The build took longer than the limit of {kind.time_limit} seconds "
            f"({kind.model.time_limit_setting})."
        )
    except JobBuildError as exc:
        message = str(exc)
    except Exception as exc:  # noqa: BLE001 - any failure is shown and retryable
        logger.exception("%s %s failed", kind.noun.capitalize(), job.reference)
        message = f"{type(exc).__name__}: {exc}"
    finally:
        if beat is not None:
            beat.stop()
    if attempt.stored_name:
        default_storage.delete(attempt.stored_name)
    return _fail(kind, job.pk, task_id, message)


def _claim(kind: JobKind, job_id: int, task_id: str, worker: str = ""):
    with transaction.atomic():
        job = kind.model.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            logger.warning("%s %s no longer exists", kind.noun.capitalize(), job_id)
            return None
        if job.task_id != task_id:
            logger.info("%s %s: task %s superseded", kind.noun, job.reference, task_id)
            return None
        if job.status in (PackStatus.READY, PackStatus.FAILED):
            return None
        if job.status == PackStatus.BUILDING and _alive(job, worker):
            # The same message handed out twice while its first build still runs.
            logger.info(
                "%s %s: already building in %s", kind.noun, job.reference, job.built_by
            )
            return None
        # Queued, or building by this very task whose worker died and whose message
        # came back (acks_late): the build starts again from scratch.
        with change_scope():
            job.status = PackStatus.BUILDING
            job.started_at = job.heartbeat_at = timezone.now()
            job.built_by = worker[:200]
            job.attempts += 1
            job.error = ""
            job.progress_done = job.progress_total = 0
            job.progress_stage = ""
            job.save()
    return job


def _alive(job, worker: str) -> bool:
    """Whether another process is still building the job. On the same worker node the
    process is looked up by its pid (a killed pool child is known dead at once);
    elsewhere it counts as alive while its heartbeat is recent."""
    if not job.built_by or job.built_by == worker or job.heartbeat_at is None:
        return False
    node, _, pid = job.built_by.rpartition("/")
    if worker and node == worker.rpartition("/")[0] and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    silent_for = (timezone.now() - job.heartbeat_at).total_seconds()
    return silent_for < settings.AIMS_PACK_LOST_AFTER


class _Heartbeat(threading.Thread):
    """Writes the build's ``heartbeat_at`` every AIMS_PACK_HEARTBEAT_SECONDS from a
    thread of its own (the build holds the main thread for its whole length)."""

    def __init__(self, kind: JobKind, job_id: int, task_id: str):
        super().__init__(name=f"{kind.key}-heartbeat-{job_id}", daemon=True)
        self.kind, self.job_id, self.task_id = kind, job_id, task_id
        self._stopped = threading.Event()

    def run(self):
        try:
            while not self._stopped.wait(settings.AIMS_PACK_HEARTBEAT_SECONDS):
                try:
                    # A bookkeeping column outside the change log (change_log_exclude),
                    # so a plain UPDATE that no signal sees is what is wanted here.
                    self.kind.model.objects.filter(
                        pk=self.job_id,
                        task_id=self.task_id,
                        status=PackStatus.BUILDING,
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError as exc:
                    logger.warning(
                        "%s %s heartbeat failed: %s", self.kind.noun, self.job_id, exc
                    )
        finally:
            connections.close_all()

    def stop(self):
        self._stopped.set()
        self.join(timeout=30)


def _fail(kind: JobKind, job_id: int, task_id: str, message: str):
    with transaction.atomic():
        job = kind.model.objects.select_for_update().get(pk=job_id)
        if job.task_id != task_id or job.status != PackStatus.BUILDING:
            return None
        with change_scope():
            job.status = PackStatus.FAILED
            job.error = message[:MAX_ERROR_LENGTH]
            job.finished_at = timezone.now()
            job.save()
            record_event(
                job,
                f"{kind.key}.failed",
                f"{job.reference} failed: {job.error}",
                {"error": job.error},
            )
    return job


def _remove_leftovers(kind: JobKind, job) -> None:
    """Delete files of abandoned attempts next to the job's file."""
    directory = kind.storage_dir(job)
    keep = posixpath.basename(job.file.name)
    try:
        _, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        if name != keep:
            default_storage.delete(f"{directory}/{name}")
