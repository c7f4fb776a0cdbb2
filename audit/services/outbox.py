"""Getting every acknowledged pack request built exactly once, whatever the broker and
the workers do.

* **Outbox.** The request writes the pack and a ``PackDispatch`` row (its task message)
  in one transaction. After the commit the message is sent; a broker that is down or
  hangs (short socket timeouts, settings) leaves the row unsent and the request still
  answers 202 at once. ``flush_outbox()`` sends unsent rows: the beat task
  ``audit.pack_outbox`` runs it every ``AIMS_PACK_OUTBOX_SECONDS``, and every worker
  runs it when it starts.
* **Lost builds.** A building worker writes ``heartbeat_at`` every
  ``AIMS_PACK_HEARTBEAT_SECONDS``. A build silent for ``AIMS_PACK_LOST_AFTER`` seconds,
  or one that a restarted worker of the same name was running, lost its worker:
  ``reclaim_lost_builds()`` queues it again under a new task id (so the dead build's
  message, when the broker hands it out again, does nothing) and the pack page says
  "Worker lost, rebuilding". After ``AIMS_PACK_MAX_ATTEMPTS`` the pack fails instead,
  with that reason, so one pack that kills its worker cannot do so for ever.
* **Lost messages.** A pack queued, its message sent, but not started after the time
  a build may take (``stale_after()``) is sent again under a new task id.

Only one build can count: the pack records the task id allowed to build it.
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from aims.history import change_scope, record_event

from ..choices import PackStatus
from ..models import EvidencePack, PackDispatch
from ..models.packs import stale_after

logger = logging.getLogger(__name__)

__all__ = [
    "WORKER_LOST",
    "enqueue",
    "flush_outbox",
    "reclaim_lost_builds",
    "send",
]

WORKER_LOST = "Worker lost, rebuilding"
MESSAGE_LOST = "Queued message not picked up, sent again"


def enqueue(pack: EvidencePack) -> PackDispatch:
    """Record the pack's task message; call inside the transaction that queued the pack.
    It is sent after the commit, or by the outbox job if that fails."""
    dispatch = PackDispatch.objects.create(pack=pack, task_id=pack.task_id)
    transaction.on_commit(lambda: send(dispatch.pk), robust=True)
    return dispatch


# After a failed publish, requests in this process leave their message to the outbox
# for this many seconds instead of each waiting for the broker's timeout again.
BROKER_BACKOFF_SECONDS = 15
_broker_down_until = 0.0


def send(dispatch_id: int, *, force: bool = False) -> bool:
    """Send one outbox row's message if nobody else is sending it. True when the broker
    took it. Without ``force`` (a request's after-commit send) nothing is tried while
    this process saw the broker fail in the last BROKER_BACKOFF_SECONDS."""
    global _broker_down_until
    from ..tasks import evidence_pack_build_task

    if not force and time.monotonic() < _broker_down_until:
        return False

    # Claim the row first (one UPDATE decides between concurrent senders), then publish
    # outside any transaction: a hanging broker holds no database lock.
    claimed = PackDispatch.objects.filter(
        pk=dispatch_id,
        sent_at__isnull=True,
        pack__task_id=F("task_id"),
        pack__status=PackStatus.QUEUED,
    ).update(sent_at=timezone.now(), send_attempts=F("send_attempts") + 1)
    if not claimed:
        return False
    dispatch = PackDispatch.objects.only("pack_id", "task_id").get(pk=dispatch_id)
    limit = settings.AIMS_PACK_TIME_LIMIT
    try:
        evidence_pack_build_task.apply_async(
            (dispatch.pack_id,),
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
            "Evidence pack %s: task message not sent, the outbox will retry: %s",
            dispatch.pack_id,
            exc,
        )
        PackDispatch.objects.filter(pk=dispatch_id).update(
            sent_at=None, last_error=f"{type(exc).__name__}: {exc}"[:300]
        )
        return False
    _broker_down_until = 0.0
    return True


def flush_outbox(limit: int = 500) -> int:
    """Send every unsent message of a pack still waiting for it; returns how many the
    broker took."""
    pending = PackDispatch.objects.filter(
        sent_at__isnull=True,
        pack__task_id=F("task_id"),
        pack__status=PackStatus.QUEUED,
    ).order_by("created_at")
    sent = 0
    for dispatch_id in pending.values_list("pk", flat=True)[:limit]:
        if send(dispatch_id, force=True):
            sent += 1
        elif PackDispatch.objects.filter(pk=dispatch_id, sent_at__isnull=True).exists():
            break  # the broker is still down: try again at the next run
    return sent


def _requeue(pack: EvidencePack, reason: str, detail: str) -> None:
    pack.status = PackStatus.QUEUED
    pack.task_id = uuid.uuid4().hex
    pack.queued_at = timezone.now()
    pack.started_at = pack.heartbeat_at = None
    pack.built_by = ""
    pack.rebuild_reason = reason
    pack.save()
    record_event(
        pack,
        "pack.rebuilding",
        f"{pack.reference}: {detail}; queued again.",
        {"reason": reason},
    )
    enqueue(pack)


def _give_up(pack: EvidencePack, detail: str) -> None:
    pack.status = PackStatus.FAILED
    pack.error = (
        f"{detail}, {pack.attempts} times; not rebuilt again automatically. Retry it, "
        "or ask an administrator to look at the workers' logs (memory, time limit)."
    )
    pack.finished_at = timezone.now()
    pack.rebuild_reason = ""
    pack.save()
    record_event(
        pack,
        "pack.failed",
        f"{pack.reference} failed: {pack.error}",
        {"error": pack.error},
    )


def reclaim_lost_builds(
    *, now: datetime.datetime | None = None, restarted_node: str = ""
) -> list[str]:
    """Queue again the builds whose worker is gone, and the queued packs whose message
    was lost. ``restarted_node``: a worker's name at its start; builds recorded under
    that name belonged to its previous life. Returns the references reclaimed."""
    now = now or timezone.now()
    lost_before = now - datetime.timedelta(seconds=settings.AIMS_PACK_LOST_AFTER)
    silent = Q(status=PackStatus.BUILDING) & (
        Q(heartbeat_at__lt=lost_before)
        | Q(heartbeat_at__isnull=True, started_at__lt=lost_before)
    )
    if restarted_node:
        silent |= Q(
            status=PackStatus.BUILDING, built_by__startswith=f"{restarted_node}/"
        )
    never_started = Q(
        status=PackStatus.QUEUED,
        queued_at__lt=now - stale_after(),
        dispatches__task_id=F("task_id"),
        dispatches__sent_at__lt=now - stale_after(),
    )
    reclaimed = []
    candidates = EvidencePack.objects.filter(silent | never_started).values_list(
        "pk", flat=True
    )
    for pack_id in list(candidates.distinct()[:200]):
        with transaction.atomic(), change_scope():
            pack = (
                EvidencePack.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(silent | never_started, pk=pack_id)
                .first()
            )
            if pack is None:
                continue
            if pack.status == PackStatus.BUILDING:
                seen = pack.heartbeat_at or pack.started_at
                detail = (
                    "the worker building it was lost (last sign of life "
                    f"{seen:%Y-%m-%d %H:%M:%S} UTC)"
                    if seen
                    else "the worker building it was lost"
                )
                if pack.attempts >= settings.AIMS_PACK_MAX_ATTEMPTS:
                    _give_up(pack, "The worker building it was lost")
                else:
                    _requeue(pack, WORKER_LOST, detail)
            else:
                _requeue(pack, MESSAGE_LOST, "its task message was never picked up")
            reclaimed.append(pack.reference)
    if reclaimed:
        logger.warning("Evidence packs reclaimed: %s", ", ".join(reclaimed))
    return reclaimed
