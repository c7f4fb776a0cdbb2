"""Background jobs of the audit app: thin wrappers that load by id and call a service."""

import logging
import os

from celery import shared_task
from celery.signals import worker_ready

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="audit.evidence_pack_build",
    acks_late=True,
    reject_on_worker_lost=True,
)
def evidence_pack_build_task(self, pack_id: int) -> dict:
    """Build evidence pack ``pack_id``. Safe to run twice: only the task id recorded on
    the pack builds it, and a ready pack is left alone. The time limits are given when
    the task is queued (``AIMS_PACK_TIME_LIMIT``); it is routed to its own queue
    (``AIMS_PACK_QUEUE``) so other jobs never wait behind packs."""
    from .services.packs import evidence_pack_build

    eager = bool(self.request.is_eager)
    pack = evidence_pack_build(
        pack_id=pack_id,
        task_id=self.request.id,
        worker="" if eager else f"{self.request.hostname}/{os.getpid()}",
        heartbeat=not eager,
    )
    if pack is None:
        return {"pack": pack_id, "built": False}
    logger.info("Evidence pack %s: %s", pack.reference, pack.status)
    return {"pack": pack_id, "built": True, "status": pack.status}


@shared_task(name="audit.pack_outbox")
def pack_outbox_task() -> dict:
    """Every AIMS_PACK_OUTBOX_SECONDS (beat): send task messages the broker did not
    take, and queue again builds whose worker was lost, of packs and bundles
    alike (audit.services.filejobs)."""
    from .services.outbox import flush_outbox, reclaim_lost_builds

    reclaimed = reclaim_lost_builds()
    return {"sent": flush_outbox(), "reclaimed": reclaimed}


@worker_ready.connect
def _reclaim_at_worker_start(sender=None, **kwargs):
    """A worker that starts takes over what its previous life was building (same node
    name) and sends what the outbox still holds, without waiting for beat."""
    from .services.outbox import flush_outbox, reclaim_lost_builds

    node = getattr(sender, "hostname", "") or ""
    try:
        reclaimed = reclaim_lost_builds(restarted_node=node)
        sent = flush_outbox()
    except Exception:  # noqa: BLE001 - never keep a worker from starting
        logger.exception("Job outbox at worker start failed; beat will retry")
        return
    logger.info(
        "Worker %s started: %s lost builds reclaimed, %s queued jobs sent",
        node,
        len(reclaimed),
        sent,
    )


@shared_task(
    bind=True,
    name="audit.auditor_bundle_build",
    acks_late=True,
    reject_on_worker_lost=True,
)
def auditor_bundle_build_task(self, bundle_id: int) -> dict:
    """Build auditor bundle ``bundle_id`` (same guarantees as a pack build)."""
    from .services.bundles import auditor_bundle_build

    eager = bool(self.request.is_eager)
    bundle = auditor_bundle_build(
        bundle_id=bundle_id,
        task_id=self.request.id,
        worker="" if eager else f"{self.request.hostname}/{os.getpid()}",
        heartbeat=not eager,
    )
    if bundle is None:
        return {"bundle": bundle_id, "built": False}
    logger.info("Auditor bundle %s: %s", bundle.reference, bundle.status)
    return {"bundle": bundle_id, "built": True, "status": bundle.status}

