"""Request, build and retry auditor bundles (ISO/IEC 42001 7.5.3 control of documented
information, 9.2 audit evidence an external auditor can take away and check).

The rules:

* a bundle prints the change log, so only people who may request packs, read the
  change log and request bundles ask for one, and only with ready packs they may see;
* the build runs in a Celery task like a pack's (only the task id on the bundle builds
  it; a worker that died mid-build rebuilds from scratch). It first builds a gap report
  pack for the requester through the pack machinery, then streams every file into a
  ZIP in a temporary file (nothing is held in memory whole), then signs the manifest
  and stores the ZIP in one storage call;
* what the build could not include honestly (an evidence file missing from storage or
  changed since its pack recorded it) is listed in the manifest and on the bundle's
  page, never silently left out.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
import tempfile
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from aims import bundle_verifier, signing
from aims.context import attributed_to
from aims.history import change_scope, record_event
from aims.models import ObjectChange, ReferenceCounter
from aims.permissions import can
from aims.readiness import compute

from ..choices import PackStatus
from ..models import AuditorBundle, EvidencePack
from ..models.bundles import REFERENCE_PREFIX
from ..models.packs import REFERENCE_PREFIX as PACK_PREFIX
from .packs import PackNotRetryable, evidence_pack_build

logger = logging.getLogger(__name__)

__all__ = [
    "BundleRefused",
    "auditor_bundle_build",
    "auditor_bundle_request",
    "auditor_bundle_retry",
    "may_request_bundles",
]

MAX_ERROR_LENGTH = 2000
CHUNK = 1024 * 1024
# How often the build writes its progress (seconds), so a page shows it moving
# without a write per file.
PROGRESS_EVERY = 1.0


class BundleRefused(PermissionDenied):
    pass


def may_request_bundles(user) -> bool:
    return (
        can(user, "add", AuditorBundle)
        and can(user, "add", EvidencePack)
        and can(user, "view", ObjectChange)
    )


def auditor_bundle_request(
    *, packs, purpose: str = "", change_log_since=None, actor
) -> AuditorBundle:
    """Record a bundle request and queue its build (after the commit).

    ``packs`` are evidence packs (or their ids); each must be ready and visible to the
    actor, otherwise ``ValidationError`` on ``packs`` names it. ``PermissionDenied``
    when the actor's roles may not request bundles.
    """
    if not may_request_bundles(actor):
        raise BundleRefused(
            "Auditor bundles are requested by auditors, AIMS managers and "
            "administrators (they print the change log)."
        )
    ids = [getattr(pack, "pk", pack) for pack in packs or ()]
    visible = {
        pack.pk: pack
        for pack in EvidencePack.objects.visible_to(actor).filter(pk__in=ids)
    }
    problems = []
    for pack_id in ids:
        pack = visible.get(pack_id)
        if pack is None:
            problems.append(f"No evidence pack with id {pack_id} that you may see.")
        elif pack.status != PackStatus.READY:
            problems.append(
                f"{pack.reference} is {pack.get_status_display().lower()}: only ready packs go into a bundle."
            )
    if problems:
        raise ValidationError({"packs": problems})
    with attributed_to(actor), change_scope():
        bundle = AuditorBundle(
            reference=ReferenceCounter.next_reference(REFERENCE_PREFIX),
            purpose=(purpose or "").strip(),
            change_log_since=change_log_since,
            requested_by=actor,
            task_id=uuid.uuid4().hex,
        )
        bundle.full_clean()
        bundle.save()
        bundle.packs.set(visible.values())
        record_event(
            bundle,
            "bundle.requested",
            f"{actor} requested auditor bundle {bundle.reference} with "
            f"{len(visible)} pack(s).",
            {
                "packs": sorted(p.reference for p in visible.values()),
                "change_log_since": change_log_since.isoformat()
                if change_log_since
                else None,
            },
        )
        _queue(bundle)
    return bundle


def auditor_bundle_retry(*, bundle: AuditorBundle, actor) -> AuditorBundle:
    """Queue a failed bundle again (or one stuck beyond its time limit), under a new
    task id so a late message of the old build does nothing."""
    if not may_request_bundles(actor):
        raise BundleRefused("Your roles may not request auditor bundles.")
    with attributed_to(actor), change_scope():
        bundle = AuditorBundle.objects.select_for_update().get(pk=bundle.pk)
        if not bundle.retryable:
            raise PackNotRetryable(
                f"{bundle.reference} is {bundle.get_status_display().lower()}: only a "
                "failed bundle, or one stuck beyond its time limit, is retried."
            )
        previous = bundle.get_status_display().lower()
        bundle.status = PackStatus.QUEUED
        bundle.task_id = uuid.uuid4().hex
        bundle.queued_at = timezone.now()
        bundle.started_at = bundle.finished_at = None
        bundle.error = ""
        bundle.progress_done = bundle.progress_total = 0
        bundle.progress_stage = ""
        bundle.save()
        record_event(
            bundle,
            "bundle.retried",
            f"{actor} retried {bundle.reference} (it was {previous}).",
            {"previous_status": previous},
        )
        _queue(bundle)
    return bundle


def _queue(bundle: AuditorBundle) -> None:
    from ..tasks import auditor_bundle_build_task

    limit = settings.AIMS_BUNDLE_TIME_LIMIT
    args, task_id = (bundle.pk,), bundle.task_id

    def send():
        auditor_bundle_build_task.apply_async(
            args, task_id=task_id, soft_time_limit=limit, time_limit=limit + 30
        )

    # A broker that is down leaves the bundle queued (retryable once stale) instead of
    # failing a request that has already been committed.
    transaction.on_commit(send, robust=True)


# Building


@dataclass
class _Writer:
    """Streams members into the ZIP, each with its SHA-256 and size for the manifest."""

    archive: zipfile.ZipFile
    files: list[dict] = field(default_factory=list)

    def write_stream(self, path: str, chunks, *, kind: str, **extra) -> dict:
        digest, size = hashlib.sha256(), 0
        with self.archive.open(path, "w", force_zip64=True) as member:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                member.write(chunk)
        item = {"path": path, "sha256": digest.hexdigest(), "size": size, "kind": kind}
        item.update(extra)
        self.files.append(item)
        return item

    def write_bytes(self, path: str, data: bytes, *, kind: str, **extra) -> dict:
        return self.write_stream(path, [data], kind=kind, **extra)


def _storage_chunks(name: str):
    with default_storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


class _Progress:
    def __init__(self, bundle: AuditorBundle, total: int):
        self.bundle, self.done, self.total = bundle, 0, total
        self._last = 0.0
        self.save("Starting", force=True)

    def step(self, stage: str, count: int = 1) -> None:
        self.done += count
        self.save(stage)

    def save(self, stage: str, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < PROGRESS_EVERY:
            return
        self._last = now
        # Its own statement outside any transaction: the page sees it at once, and it
        # is bookkeeping that the change log leaves out.
        AuditorBundle.objects.filter(
            pk=self.bundle.pk, task_id=self.bundle.task_id
        ).update(
            progress_done=self.done,
            progress_total=self.total,
            progress_stage=stage[:120],
        )


def auditor_bundle_build(*, bundle_id: int, task_id: str) -> AuditorBundle | None:
    """Build the bundle if ``task_id`` is the build it is waiting for; None otherwise."""
    bundle = _claim(bundle_id, task_id)
    if bundle is None:
        return None
    staging: Path | None = None
    stored_name = ""
    try:
        gap_report = _gap_report(bundle)
        handle, name = tempfile.mkstemp(suffix=".zip", prefix="aims-bundle-")
        os.close(handle)
        staging = Path(name)
        result = _write_zip(bundle, gap_report, staging)
        stored_name = _store(bundle, task_id, staging, result["size"])
        return _finish(bundle, task_id, gap_report, stored_name, result)
    except SoftTimeLimitExceeded:
        message = (
            f"The build took longer than the limit of {settings.AIMS_BUNDLE_TIME_LIMIT} "
            "seconds (AIMS_BUNDLE_TIME_LIMIT)."
        )
    except Exception as exc:  # noqa: BLE001 - any failure is shown and retryable
        logger.exception("Auditor bundle %s failed", bundle.reference)
        message = f"{type(exc).__name__}: {exc}"
    finally:
        if staging is not None:
            staging.unlink(missing_ok=True)
    if stored_name:
        default_storage.delete(stored_name)
    return _fail(bundle.pk, task_id, message)


def _claim(bundle_id: int, task_id: str) -> AuditorBundle | None:
    with transaction.atomic():
        bundle = AuditorBundle.objects.select_for_update().filter(pk=bundle_id).first()
        if bundle is None or bundle.task_id != task_id:
            return None
        if bundle.status in (PackStatus.READY, PackStatus.FAILED):
            return None
        with change_scope():
            bundle.status = PackStatus.BUILDING
            bundle.started_at = timezone.now()
            bundle.attempts += 1
            bundle.error = ""
            bundle.save()
    return bundle


def _gap_report(bundle: AuditorBundle) -> EvidencePack:
    """The gap report of this bundle: built once, through the pack machinery, for the
    requester (titles they may not see stay out of it). A rebuild after a lost worker
    reuses a report that is already ready."""
    if bundle.gap_report_id:
        pack = EvidencePack.objects.get(pk=bundle.gap_report_id)
        if pack.status == PackStatus.READY:
            return pack
    else:
        with attributed_to(bundle.requested_by), change_scope():
            pack = EvidencePack.objects.create(
                reference=ReferenceCounter.next_reference(PACK_PREFIX),
                kind="gap_report",
                target_repr=settings.AIMS_ORGANISATION_NAME[:200],
                parameters={},
                requested_by=bundle.requested_by,
                task_id=uuid.uuid4().hex,
            )
            record_event(
                pack,
                "pack.requested",
                f"The gap report of auditor bundle {bundle.reference}.",
                {"kind": pack.kind, "bundle": bundle.reference},
            )
            AuditorBundle.objects.filter(pk=bundle.pk).update(gap_report=pack)
            bundle.gap_report = pack
    if pack.status != PackStatus.QUEUED:
        # A build that died half-way: start it again under a new task id.
        EvidencePack.objects.filter(pk=pack.pk).update(
            status=PackStatus.QUEUED, task_id=uuid.uuid4().hex
        )
        pack.refresh_from_db()
    built = evidence_pack_build(pack_id=pack.pk, task_id=pack.task_id)
    if built is None or built.status != PackStatus.READY:
        error = built.error if built is not None else "it was not built"
        raise RuntimeError(f"The gap report could not be built: {error}")
    return built


def _pack_path(pack: EvidencePack) -> str:
    name = get_valid_filename(pack.file_name or f"{pack.reference}.pdf")
    return f"packs/{name}"


def _write_zip(bundle: AuditorBundle, gap_report: EvidencePack, path: Path) -> dict:
    packs = [gap_report, *bundle.packs.order_by("reference")]
    evidence: dict[str, dict] = {}
    for pack in packs:
        for item in (pack.manifest or {}).get("evidence", []):
            entry = evidence.setdefault(item["storage_name"], {**item, "cited_by": []})
            entry["cited_by"].append(pack.reference)
    # The entries in scope are one unbroken run of the chain, from the first entry on
    # or after the scope's date to the head as the build starts.
    head = ObjectChange.objects.order_by("-seq").values("seq", "hash", "time").first()
    in_scope = ObjectChange.objects.filter(seq__lte=head["seq"] if head else 0)
    if bundle.change_log_since:
        in_scope = in_scope.filter(time__date__gte=bundle.change_log_since)
    first = in_scope.order_by("seq").values("seq", "prev_hash").first()
    entries = (
        ObjectChange.objects.filter(seq__gte=first["seq"], seq__lte=head["seq"])
        if first
        else ObjectChange.objects.none()
    )

    progress = _Progress(bundle, total=len(packs) + len(evidence) + 1)
    warnings: list[str] = []
    with zipfile.ZipFile(
        path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True
    ) as archive:
        writer = _Writer(archive)
        report = compute()
        writer.write_bytes(
            "readiness.json",
            json.dumps(report.as_json(), indent=1, sort_keys=True).encode(),
            kind="readiness",
        )
        for pack in packs:
            writer.write_stream(
                _pack_path(pack),
                _storage_chunks(pack.file.name),
                kind="pack",
                reference=pack.reference,
                title=pack.kind_title,
                recorded_sha256=pack.sha256,
            )
            progress.step(f"Pack {pack.reference}")
        for storage_name, item in evidence.items():
            arcname = (
                f"evidence/{item['sha256'][:16]}/"
                f"{get_valid_filename(item['file_name']) or 'file'}"
            )
            if not default_storage.exists(storage_name):
                warnings.append(
                    f"{item['title']} ({item['file_name']}): missing from storage, "
                    "not in the bundle."
                )
                progress.step("Evidence files")
                continue
            written = writer.write_stream(
                arcname,
                _storage_chunks(storage_name),
                kind="evidence",
                title=item["title"],
                recorded_sha256=item["sha256"],
                cited_by=item["cited_by"],
            )
            if written["sha256"] != item["sha256"]:
                warnings.append(
                    f"{item['title']} ({item['file_name']}): its stored bytes no "
                    "longer match the SHA-256 the pack recorded."
                )
            progress.step("Evidence files")
        count = 0

        def entry_lines():
            nonlocal count
            for entry in entries.order_by("seq").iterator(chunk_size=2000):
                line = {**entry.hashed_fields(), "hash": entry.hash}
                count += 1
                yield (json.dumps(line, sort_keys=True) + "\n").encode()

        writer.write_stream(bundle_verifier.ENTRIES, entry_lines(), kind="change_log")
        progress.step("Change log")
        verifier = Path(bundle_verifier.__file__).read_bytes()
        writer.write_bytes("verify_bundle.py", verifier, kind="verifier")
        public_key = signing.public_key_pem()
        writer.write_bytes(
            "portal-public-key.pem", public_key.encode(), kind="public_key"
        )
        writer.write_bytes(
            "README.txt",
            _readme(bundle, key_id=signing.key_id()).encode(),
            kind="readme",
        )
        manifest = {
            "format": bundle_verifier.FORMAT,
            "bundle": bundle.reference,
            "purpose": bundle.purpose,
            "organisation": settings.AIMS_ORGANISATION_NAME,
            "generated_at": timezone.now().isoformat(),
            "requested_by": bundle.requested_by.get_username(),
            "readiness": {
                "as_of": report.as_of.isoformat(),
                "clauses_percent": report.percent("clause"),
                "annex_a_percent": report.percent("annex_a"),
                "blockers": sum(len(b.items) for b in report.blockers),
            },
            "change_log": {
                "first_seq": first["seq"] if first else None,
                "anchor_prev_hash": first["prev_hash"] if first else None,
                "last_seq": head["seq"] if head and first else None,
                "head_hash": head["hash"] if head and first else None,
                "since": bundle.change_log_since.isoformat()
                if bundle.change_log_since
                else None,
                "entries": count,
            },
            "public_key": public_key,
            "key_id": signing.key_id(),
            "warnings": warnings,
            "files": writer.files,
        }
        manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
        archive.writestr(bundle_verifier.MANIFEST, manifest_bytes)
        archive.writestr(bundle_verifier.SIGNATURE, signing.sign_text(manifest_bytes))
    progress.save("Storing", force=True)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return {
        "sha256": digest.hexdigest(),
        "size": path.stat().st_size,
        "file_count": len(writer.files),
        "entry_count": count,
        "head": head if first else None,
        "warnings": warnings,
        "key_id": manifest["key_id"],
    }


def _readme(bundle: AuditorBundle, key_id: str) -> str:
    return (
        f"Auditor bundle {bundle.reference} of {settings.AIMS_ORGANISATION_NAME}\n"
        f"{bundle.purpose}\n\n"
        "What is inside\n"
        "  manifest.json     every file below with its SHA-256 and size, signed\n"
        "  manifest.sig      the Ed25519 signature of manifest.json (base64)\n"
        "  packs/            the gap report and the evidence packs (PDF)\n"
        "  evidence/         every evidence file the packs cite\n"
        "  change-log/       the change-log entries in scope with their hashes\n"
        "  readiness.json    the readiness figures the gap report prints\n"
        "  verify_bundle.py  the verifier (Python 3.11+ and the cryptography package)\n\n"
        "How to check it, without the portal\n"
        "  python3 -m pip install cryptography\n"
        "  python3 verify_bundle.py <this file>.zip --public-key portal-key.pem\n\n"
        "Take portal-key.pem from the portal itself (Readiness page, or manage.py\n"
        "signing_key), not from this bundle: a key inside the bundle proves only that\n"
        "the bundle is consistent with itself. The key that signed this bundle has the\n"
        f"fingerprint {key_id}.\n"
    )


class _StagedFile(File):
    def __init__(self, file, path: Path):
        super().__init__(file, name=path.name)
        self._path = str(path)

    def temporary_file_path(self) -> str:
        return self._path


def _store(bundle: AuditorBundle, task_id: str, path: Path, size: int) -> str:
    name = f"auditor-bundles/{bundle.uuid}/{task_id}.zip"
    if default_storage.exists(name):
        default_storage.delete(name)
    try:
        with path.open("rb") as handle:
            stored = default_storage.save(name, _StagedFile(handle, path))
    except BaseException:
        if default_storage.exists(name):
            default_storage.delete(name)
        raise
    if default_storage.size(stored) != size:
        default_storage.delete(stored)
        raise RuntimeError("The stored bundle is incomplete; retry it.")
    return stored


def _finish(bundle, task_id, gap_report, stored_name, result):
    with transaction.atomic():
        current = AuditorBundle.objects.select_for_update().get(pk=bundle.pk)
        if current.task_id != task_id or current.status != PackStatus.BUILDING:
            default_storage.delete(stored_name)
            return None
        head = result["head"]
        with change_scope():
            current.status = PackStatus.READY
            current.gap_report = gap_report
            current.file.name = stored_name
            current.file_name = f"{current.reference}-auditor-bundle.zip"
            current.sha256 = result["sha256"]
            current.size = result["size"]
            current.file_count = result["file_count"]
            current.entry_count = result["entry_count"]
            current.chain_head_seq = head["seq"] if head else None
            current.chain_head_hash = head["hash"] if head else ""
            current.key_fingerprint = result["key_id"]
            current.warnings = result["warnings"]
            current.finished_at = timezone.now()
            current.progress_done = current.progress_total
            current.progress_stage = "Ready"
            current.save()
            record_event(
                current,
                "bundle.ready",
                f"{current.reference} generated: {current.file_count} files, "
                f"{current.entry_count} change-log entries, SHA-256 {current.sha256}.",
                {
                    "sha256": current.sha256,
                    "size": current.size,
                    "file_count": current.file_count,
                    "entry_count": current.entry_count,
                    "chain_head_seq": current.chain_head_seq,
                    "key_id": current.key_fingerprint,
                    "warnings": current.warnings,
                },
            )
        transaction.on_commit(lambda: _remove_leftovers(current), robust=True)
    return current


def _fail(bundle_id: int, task_id: str, message: str) -> AuditorBundle | None:
    with transaction.atomic():
        bundle = AuditorBundle.objects.select_for_update().get(pk=bundle_id)
        if bundle.task_id != task_id or bundle.status != PackStatus.BUILDING:
            return None
        with change_scope():
            bundle.status = PackStatus.FAILED
            bundle.error = message[:MAX_ERROR_LENGTH]
            bundle.finished_at = timezone.now()
            bundle.save()
            record_event(
                bundle,
                "bundle.failed",
                f"{bundle.reference} failed: {bundle.error}",
                {"error": bundle.error},
            )
    return bundle


def _remove_leftovers(bundle: AuditorBundle) -> None:
    directory = f"auditor-bundles/{bundle.uuid}"
    keep = posixpath.basename(bundle.file.name)
    try:
        _, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        if name != keep:
            default_storage.delete(f"{directory}/{name}")
