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
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
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
from . import filejobs
from .packs import evidence_pack_build

logger = logging.getLogger(__name__)

__all__ = [
    "BundleRefused",
    "DuplicateBundleRequest",
    "auditor_bundle_build",
    "auditor_bundle_request",
    "auditor_bundle_retry",
    "may_request_bundles",
]

CHUNK = 1024 * 1024

BUNDLE = filejobs.register(
    filejobs.JobKind(
        key="bundle",
        noun="auditor bundle",
        model=AuditorBundle,
        task_name="audit.auditor_bundle_build",
        storage_prefix="auditor-bundles",
        suffix=".zip",
    )
)


class BundleRefused(PermissionDenied):
    pass


class DuplicateBundleRequest(filejobs.DuplicateRequest):
    """The same person already has a bundle of the same packs and scope queued or
    building (API: 409 with it)."""

    def __init__(self, existing: AuditorBundle):
        super().__init__(existing, noun="bundle")


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
        filejobs.lock_requester(actor)
        wanted = set(visible)
        in_progress = AuditorBundle.objects.filter(
            requested_by=actor,
            change_log_since=change_log_since,
            status__in=(PackStatus.QUEUED, PackStatus.BUILDING),
        ).prefetch_related("packs")
        for candidate in in_progress.order_by("-requested_at"):
            if {pack.pk for pack in candidate.packs.all()} == wanted:
                raise DuplicateBundleRequest(candidate)
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
        filejobs.enqueue(bundle)
    return bundle


def auditor_bundle_retry(*, bundle: AuditorBundle, actor) -> AuditorBundle:
    """Queue a failed bundle again (or one stuck beyond its time limit), under a new
    task id so a late message of the old build does nothing."""
    if not may_request_bundles(actor):
        raise BundleRefused("Your roles may not request auditor bundles.")
    with attributed_to(actor), change_scope():
        bundle = AuditorBundle.objects.select_for_update().get(pk=bundle.pk)
        filejobs.reset_for_retry(
            bundle,
            actor,
            retryable_message="only a failed bundle, or one stuck beyond its time "
            "limit, is retried.",
        )
    return bundle


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
    """Parts written of parts to write, through the attempt (at most once a second)."""

    def __init__(self, attempt: filejobs.Attempt, total: int):
        self.attempt, self.done, self.total = attempt, 0, total
        self.save("Starting", force=True)

    def step(self, stage: str, count: int = 1) -> None:
        self.done += count
        self.save(stage)

    def save(self, stage: str, force: bool = False) -> None:
        self.attempt.progress(self.done, self.total, stage, force=force)


def auditor_bundle_build(
    *, bundle_id: int, task_id: str, worker: str = "", heartbeat: bool = False
) -> AuditorBundle | None:
    """Build the bundle if ``task_id`` is the build it is waiting for; None otherwise
    (the same guarantees as a pack build: ``audit.services.filejobs.run``)."""
    return filejobs.run(
        BUNDLE,
        job_id=bundle_id,
        task_id=task_id,
        produce=_build,
        worker=worker,
        heartbeat=heartbeat,
    )


def _build(attempt: filejobs.Attempt) -> AuditorBundle | None:
    bundle = attempt.job
    gap_report = _gap_report(bundle, attempt)
    handle, name = tempfile.mkstemp(suffix=".zip", prefix="aims-bundle-")
    os.close(handle)
    staging = Path(name)
    try:
        result = _write_zip(bundle, gap_report, staging, attempt)
        attempt.store(str(staging), result["size"])
    finally:
        staging.unlink(missing_ok=True)
    head = result["head"]

    def apply(current):
        current.gap_report = gap_report
        current.file_name = f"{current.reference}-auditor-bundle.zip"
        current.file_count = result["file_count"]
        current.entry_count = result["entry_count"]
        current.chain_head_seq = head["seq"] if head else None
        current.chain_head_hash = head["hash"] if head else ""
        current.key_fingerprint = result["key_id"]
        current.warnings = result["warnings"]

    return attempt.finish(
        apply,
        sha256=result["sha256"],
        size=result["size"],
        message=f"{bundle.reference} generated: {result['file_count']} files, "
        f"{result['entry_count']} change-log entries, SHA-256 {result['sha256']}.",
        data={
            "sha256": result["sha256"],
            "size": result["size"],
            "file_count": result["file_count"],
            "entry_count": result["entry_count"],
            "chain_head_seq": head["seq"] if head else None,
            "key_id": result["key_id"],
            "warnings": result["warnings"],
        },
    )


def _gap_report(bundle: AuditorBundle, attempt: filejobs.Attempt) -> EvidencePack:
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
    # Built by this worker, with its heartbeat: a long gap report is not taken for a
    # build whose worker was lost.
    built = evidence_pack_build(
        pack_id=pack.pk,
        task_id=pack.task_id,
        worker=attempt.worker,
        heartbeat=attempt.heartbeat,
    )
    if built is None or built.status != PackStatus.READY:
        error = built.error if built is not None else "it was not built"
        raise RuntimeError(f"The gap report could not be built: {error}")
    return built


def _pack_path(pack: EvidencePack) -> str:
    name = get_valid_filename(pack.file_name or f"{pack.reference}.pdf")
    return f"packs/{name}"


def _write_zip(
    bundle: AuditorBundle, gap_report: EvidencePack, path: Path, attempt
) -> dict:
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

    progress = _Progress(attempt, total=len(packs) + len(evidence) + 1)
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
