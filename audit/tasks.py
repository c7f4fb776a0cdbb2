"""Background jobs of the audit app: thin wrappers that load by id and call a service."""

import logging

from celery import shared_task

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
    the task is queued (``AIMS_PACK_TIME_LIMIT``)."""
    from .services.packs import evidence_pack_build

    pack = evidence_pack_build(pack_id=pack_id, task_id=self.request.id)
    if pack is None:
        return {"pack": pack_id, "built": False}
    logger.info("Evidence pack %s: %s", pack.reference, pack.status)
    return {"pack": pack_id, "built": True, "status": pack.status}


@shared_task(
    bind=True,
    name="audit.auditor_bundle_build",
    acks_late=True,
    reject_on_worker_lost=True,
)
def auditor_bundle_build_task(self, bundle_id: int) -> dict:
    """Build auditor bundle ``bundle_id`` (same guarantees as a pack build)."""
    from .services.bundles import auditor_bundle_build

    bundle = auditor_bundle_build(bundle_id=bundle_id, task_id=self.request.id)
    if bundle is None:
        return {"bundle": bundle_id, "built": False}
    logger.info("Auditor bundle %s: %s", bundle.reference, bundle.status)
    return {"bundle": bundle_id, "built": True, "status": bundle.status}
