"""Request, build and retry PDF evidence packs (ISO/IEC 42001 7.5 documented
information, 9.2 internal audit: evidence an auditor can take away and verify).

The rules:

* only people whose roles may request packs of that kind, and only for targets they
  may see, request or retry a pack; the request and every outcome are named events in
  the change log (``pack.requested``, ``pack.ready``, ``pack.failed``, ``pack.retried``);
* the build is queued after the request commits and runs in a Celery task. Only the
  task whose id is on the pack may build it: a message delivered twice, or one that
  was superseded by a retry, does nothing; a redelivered message of a worker that died
  mid-build rebuilds;
* the PDF is rendered into a temporary file, then stored under a name owned by that
  task in one storage call; the record points at it (with SHA-256, size and page
  count) only once it is completely stored, and files of abandoned attempts are
  removed when the pack is ready. A failed build keeps its error and can be retried.
"""

import logging
import uuid
from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from aims.context import attributed_to
from aims.history import change_scope, record_event
from aims.models import ObjectChange, ReferenceCounter
from aims.throttles import spend

from ..models import EvidencePack
from ..models.packs import REFERENCE_PREFIX
from ..packs.registry import PackKind, get_kind, kinds, pack_build, pack_sections
from . import filejobs
from .filejobs import JobBuildError as PackBuildError
from .filejobs import JobNotRetryable as PackNotRetryable

logger = logging.getLogger(__name__)

__all__ = [
    "DuplicatePackRequest",
    "PackNotRetryable",
    "evidence_pack_build",
    "evidence_pack_request",
    "evidence_pack_retry",
    "pack_storage_dir",
]

PACK = filejobs.register(
    filejobs.JobKind(
        key="pack",
        noun="evidence pack",
        model=EvidencePack,
        task_name="audit.evidence_pack_build",
        storage_prefix="evidence-packs",
        suffix=".pdf",
    )
)


class DuplicatePackRequest(filejobs.DuplicateRequest):
    """The same person already has this pack (kind, target, parameters) queued or
    building: the new request is refused and points at that one (API: 409)."""

    def __init__(self, existing: EvidencePack):
        super().__init__(existing, noun="pack")


# Requesting and retrying


def evidence_pack_request(
    *, kind: str, target_id, parameters: dict | None, actor
) -> EvidencePack:
    """Record a request for a pack and queue its build (after the commit).

    ``ValidationError`` (by field: ``kind``, ``target``, ``parameters``) on bad input;
    a target that does not exist and one the actor may not see get the same error.
    ``PermissionDenied`` if the actor's roles may not request this kind.
    """
    pack_kind = get_kind(kind or "")
    if pack_kind is None:
        raise ValidationError(
            {
                "kind": f"Unknown pack kind {str(kind)[:40]!r}; choose from: "
                + ", ".join(k.key for k in kinds())
            }
        )
    if not pack_kind.may_request(actor):
        raise PermissionDenied(f"Your roles may not request {pack_kind.title}s.")
    target = pack_kind.resolve_target(actor, target_id)
    clean = pack_kind.clean_parameters(parameters)
    # Per person (AIMS_PACK_RATE): builds take minutes of worker time each.
    spend("pack", actor)
    with attributed_to(actor), change_scope():
        filejobs.lock_requester(actor)
        existing = filejobs.find_duplicate(
            PACK,
            actor,
            kind=pack_kind.key,
            target_id=target.pk if target is not None else None,
            parameters=clean,
        )
        if existing is not None:
            raise DuplicatePackRequest(existing)
        pack = EvidencePack(
            reference=ReferenceCounter.next_reference(REFERENCE_PREFIX),
            kind=pack_kind.key,
            target_id=target.pk if target is not None else None,
            target_repr=pack_kind.target_repr(target)[:200],
            parameters=clean,
            requested_by=actor,
            task_id=uuid.uuid4().hex,
        )
        pack.full_clean()
        pack.save()
        record_event(
            pack,
            "pack.requested",
            f"{actor} requested the {pack_kind.title} of {pack.target_repr}.",
            {"kind": pack.kind, "target_id": pack.target_id, "parameters": clean},
        )
        filejobs.enqueue(pack)
    return pack


def evidence_pack_retry(*, pack: EvidencePack, actor) -> EvidencePack:
    """Queue a failed pack again (or one stuck queued or building beyond its time
    limit), under a new task id so a late message of the old build does nothing."""
    pack_kind = get_kind(pack.kind)
    if pack_kind is None or not pack_kind.may_request(actor):
        raise PermissionDenied("Your roles may not request this kind of pack.")
    if pack_kind.target_model is not None:
        pack_kind.resolve_target(actor, pack.target_id)
    with attributed_to(actor), change_scope():
        pack = EvidencePack.objects.select_for_update().get(pk=pack.pk)
        filejobs.reset_for_retry(
            pack,
            actor,
            retryable_message="only a failed pack, or one stuck queued or building "
            "beyond its time limit, is retried.",
        )
    return pack


# Building


def pack_storage_dir(pack: EvidencePack) -> str:
    return PACK.storage_dir(pack)


def evidence_pack_build(
    *, pack_id: int, task_id: str, worker: str = "", heartbeat: bool = False
) -> EvidencePack | None:
    """Build the pack if ``task_id`` is the build it is waiting for; None otherwise
    (ready already, superseded by a retry, being built by a live worker, or gone).
    ``worker`` names the process ("node/pid"); ``heartbeat`` keeps ``heartbeat_at``
    fresh while the build runs (real workers; the outbox reclaims silent builds)."""
    return filejobs.run(
        PACK,
        job_id=pack_id,
        task_id=task_id,
        produce=_build,
        worker=worker,
        heartbeat=heartbeat,
    )


def _build(attempt: filejobs.Attempt) -> EvidencePack | None:
    pack = attempt.job
    pack_kind = get_kind(pack.kind)
    if pack_kind is None:
        raise PackBuildError(f"Pack kind {pack.kind!r} no longer exists.")
    attempt.progress(0, 2, "Reading the records", force=True)
    html, head, content = _html(pack, pack_kind)
    from ..packs.render import render_pdf

    attempt.progress(1, 2, "Rendering the PDF", force=True)
    rendered = render_pdf(
        html, evidence_names=[item.storage_name for item in content.evidence]
    )
    try:
        attempt.store(rendered.path, rendered.size)
    finally:
        rendered.discard()

    def apply(current):
        current.file_name = pack_kind.file_name(current)
        current.page_count = rendered.page_count
        current.chain_head_seq = head["seq"] if head else None
        current.chain_head_hash = head["hash"] if head else ""
        current.manifest = {
            "chain_head": {**head, "time": head["time"].isoformat()} if head else None,
            "evidence": [asdict(item) for item in content.evidence],
            "records": [asdict(item) for item in content.records],
            "refused_urls": rendered.refused[:20],
        }

    return attempt.finish(
        apply,
        sha256=rendered.sha256,
        size=rendered.size,
        message=f"{pack.reference} generated: {rendered.page_count} pages, "
        f"SHA-256 {rendered.sha256}.",
        data={
            "sha256": rendered.sha256,
            "size": rendered.size,
            "page_count": rendered.page_count,
            "chain_head_seq": head["seq"] if head else None,
        },
    )


def _html(pack: EvidencePack, pack_kind: PackKind):
    """The pack's HTML, the change-log head and the kind's content, all read from one
    snapshot of the database (REPEATABLE READ on PostgreSQL), so the head covers
    exactly what the pack shows."""
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        head = (
            ObjectChange.objects.order_by("-seq").values("seq", "hash", "time").first()
        )
        try:
            target = pack_kind.load_target(pack)
        except ObjectDoesNotExist:
            raise PackBuildError(
                f"{pack.target_repr} no longer exists; request a pack of another target."
            ) from None
        content = pack_build(pack_kind, pack, target, pack.parameters)
        html = render_to_string(
            pack_kind.template,
            {
                **content.context,
                "pack": pack,
                "kind": pack_kind,
                "sections": pack_sections(pack_kind),
                "organisation": settings.AIMS_ORGANISATION_NAME,
                "generated_at": timezone.now(),
                "parameters": _parameter_labels(pack_kind, pack.parameters),
                "chain_head": head,
                "evidence": content.evidence,
                "records": content.records,
            },
        )
    return html, head, content


def _parameter_labels(pack_kind: PackKind, parameters: dict) -> list[tuple[str, str]]:
    fields = pack_kind.parameters_form.base_fields if pack_kind.parameters_form else {}
    return [
        (str(fields[name].label) if name in fields else name, str(value))
        for name, value in parameters.items()
    ]
