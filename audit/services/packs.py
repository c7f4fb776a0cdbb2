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
import posixpath
import uuid
from dataclasses import asdict

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from aims.context import attributed_to
from aims.history import change_scope, record_event
from aims.models import ObjectChange, ReferenceCounter
from aims.throttles import spend

from ..choices import PackStatus
from ..models import EvidencePack
from ..models.packs import REFERENCE_PREFIX
from ..packs.registry import PackKind, get_kind, kinds, pack_build, pack_sections

logger = logging.getLogger(__name__)

__all__ = [
    "PackNotRetryable",
    "evidence_pack_build",
    "evidence_pack_request",
    "evidence_pack_retry",
    "pack_storage_dir",
]

MAX_ERROR_LENGTH = 2000


class PackNotRetryable(Exception):
    """The pack is ready, or still queued or building within its time limit."""


class PackBuildError(Exception):
    """A build failed for a reason the requester should read as it is."""


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
        _queue(pack)
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
        if not pack.retryable:
            raise PackNotRetryable(
                f"{pack.reference} is {pack.get_status_display().lower()}: only a failed "
                "pack, or one stuck queued or building beyond its time limit, is retried."
            )
        previous = pack.get_status_display().lower()
        pack.status = PackStatus.QUEUED
        pack.task_id = uuid.uuid4().hex
        pack.queued_at = timezone.now()
        pack.started_at = pack.finished_at = None
        pack.error = ""
        pack.save()
        record_event(
            pack,
            "pack.retried",
            f"{actor} retried {pack.reference} (it was {previous}).",
            {"previous_status": previous},
        )
        _queue(pack)
    return pack


def _queue(pack: EvidencePack) -> None:
    from ..tasks import evidence_pack_build_task

    limit = settings.AIMS_PACK_TIME_LIMIT
    args, task_id = (pack.pk,), pack.task_id

    def send():
        evidence_pack_build_task.apply_async(
            args, task_id=task_id, soft_time_limit=limit, time_limit=limit + 30
        )

    # robust: a broker that is down leaves the pack queued (and retryable once stale)
    # instead of failing a request that has already been committed.
    transaction.on_commit(send, robust=True)


# Building


def pack_storage_dir(pack: EvidencePack) -> str:
    return f"evidence-packs/{pack.uuid}"


def evidence_pack_build(*, pack_id: int, task_id: str) -> EvidencePack | None:
    """Build the pack if ``task_id`` is the build it is waiting for; None otherwise
    (ready already, superseded by a retry, or gone)."""
    pack = _claim(pack_id, task_id)
    if pack is None:
        return None
    pack_kind = get_kind(pack.kind)
    rendered = None
    stored_name = ""
    try:
        if pack_kind is None:
            raise PackBuildError(f"Pack kind {pack.kind!r} no longer exists.")
        html, head, content = _html(pack, pack_kind)
        from ..packs.render import render_pdf

        rendered = render_pdf(
            html, evidence_names=[item.storage_name for item in content.evidence]
        )
        stored_name = _store(pack, task_id, rendered)
        return _finish(pack, pack_kind, task_id, rendered, stored_name, head, content)
    except SoftTimeLimitExceeded:
        message = (
            f"The build took longer than the limit of {settings.AIMS_PACK_TIME_LIMIT} "
            "seconds (AIMS_PACK_TIME_LIMIT)."
        )
    except PackBuildError as exc:
        message = str(exc)
    except Exception as exc:  # noqa: BLE001 - any failure is shown and retryable
        logger.exception("Evidence pack %s failed", pack.reference)
        message = f"{type(exc).__name__}: {exc}"
    finally:
        if rendered is not None:
            rendered.discard()
    if stored_name:
        default_storage.delete(stored_name)
    return _fail(pack.pk, task_id, message)


def _claim(pack_id: int, task_id: str) -> EvidencePack | None:
    with transaction.atomic():
        pack = EvidencePack.objects.select_for_update().filter(pk=pack_id).first()
        if pack is None:
            logger.warning("Evidence pack %s no longer exists", pack_id)
            return None
        if pack.task_id != task_id:
            logger.info("Evidence pack %s: task %s superseded", pack.reference, task_id)
            return None
        if pack.status in (PackStatus.READY, PackStatus.FAILED):
            return None
        # Queued, or building by this very task: its worker died and the message
        # came back (acks_late), so the build starts again from scratch.
        with change_scope():
            pack.status = PackStatus.BUILDING
            pack.started_at = timezone.now()
            pack.attempts += 1
            pack.error = ""
            pack.save()
    return pack


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


class _StagedFile(File):
    """The rendered temporary file. ``temporary_file_path`` lets the file-system
    storage move it into place with one rename (same file system) instead of copying;
    other storages (S3) upload it in one request."""

    def __init__(self, file, path: str):
        super().__init__(file, name=posixpath.basename(path))
        self._path = path

    def temporary_file_path(self) -> str:
        return self._path


def _store(pack: EvidencePack, task_id: str, rendered) -> str:
    name = f"{pack_storage_dir(pack)}/{task_id}.pdf"
    # Only this task writes this name: anything there is a dead attempt of it.
    if default_storage.exists(name):
        default_storage.delete(name)
    try:
        with open(rendered.path, "rb") as handle:
            stored = default_storage.save(name, _StagedFile(handle, rendered.path))
    except BaseException:
        # A storage that wrote part of the file before failing: nothing half-written
        # stays under the name.
        if default_storage.exists(name):
            default_storage.delete(name)
        raise
    if default_storage.size(stored) != rendered.size:
        default_storage.delete(stored)
        raise PackBuildError("The stored file is incomplete; retry the pack.")
    return stored


def _finish(pack, pack_kind, task_id, rendered, stored_name, head, content):
    with transaction.atomic():
        current = EvidencePack.objects.select_for_update().get(pk=pack.pk)
        if current.task_id != task_id or current.status != PackStatus.BUILDING:
            # Retried while this build was running: the other build owns the pack.
            default_storage.delete(stored_name)
            return None
        with change_scope():
            current.status = PackStatus.READY
            current.file.name = stored_name
            current.file_name = pack_kind.file_name(current)
            current.sha256 = rendered.sha256
            current.size = rendered.size
            current.page_count = rendered.page_count
            current.chain_head_seq = head["seq"] if head else None
            current.chain_head_hash = head["hash"] if head else ""
            current.finished_at = timezone.now()
            current.manifest = {
                "chain_head": {**head, "time": head["time"].isoformat()}
                if head
                else None,
                "evidence": [asdict(item) for item in content.evidence],
                "records": [asdict(item) for item in content.records],
                "refused_urls": rendered.refused[:20],
            }
            current.save()
            record_event(
                current,
                "pack.ready",
                f"{current.reference} generated: {rendered.page_count} pages, "
                f"SHA-256 {rendered.sha256}.",
                {
                    "sha256": rendered.sha256,
                    "size": rendered.size,
                    "page_count": rendered.page_count,
                    "chain_head_seq": current.chain_head_seq,
                },
            )
        transaction.on_commit(lambda: _remove_leftovers(current), robust=True)
    return current


def _fail(pack_id: int, task_id: str, message: str) -> EvidencePack | None:
    with transaction.atomic():
        pack = EvidencePack.objects.select_for_update().get(pk=pack_id)
        if pack.task_id != task_id or pack.status != PackStatus.BUILDING:
            return None
        with change_scope():
            pack.status = PackStatus.FAILED
            pack.error = message[:MAX_ERROR_LENGTH]
            pack.finished_at = timezone.now()
            pack.save()
            record_event(
                pack,
                "pack.failed",
                f"{pack.reference} failed: {pack.error}",
                {"error": pack.error},
            )
    return pack


def _remove_leftovers(pack: EvidencePack) -> None:
    """Delete files of abandoned attempts next to the pack's file."""
    directory = pack_storage_dir(pack)
    keep = posixpath.basename(pack.file.name)
    try:
        _, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        if name != keep:
            default_storage.delete(f"{directory}/{name}")
