"""Request, build and retry background exports of large lists (the register, risks,
the SoA, evidence: every list registered with ``aims.exports.register_list``).

The rules:

* anyone who may see a list may export it; the request is checked by reading the
  list's rows as the requester with the filters given (a refusal is a 403, a filter
  the page refuses is a form error), and is a named event in the change log
  (``export.requested``, ``export.ready``, ``export.failed``, ``export.retried``);
* the same request (list, filters, format) while the first is queued or building is
  refused with that one (409), like packs; requests are throttled like exports
  (``AIMS_EXPORT_RATE``);
* the rows are read again when the job is built, as the requester, through the list's
  own rule: the file holds exactly what the page shows them at that time, and related
  records they may not see are named "a record you may not see" (``aims.exports``). It
  is written by openpyxl's write-only mode into a temporary file (constant memory) and
  stored through the shared job machinery (``audit.services.filejobs``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.text import slugify

from aims import exports
from aims.context import attributed_to
from aims.history import change_scope, record_event
from aims.models import ReferenceCounter
from aims.throttles import spend

from ..models import ExportJob
from ..models.exports import REFERENCE_PREFIX
from . import filejobs

__all__ = [
    "DuplicateExportRequest",
    "export_build",
    "export_request",
    "export_retry",
]

EXPORT = filejobs.register(
    filejobs.JobKind(
        key="export",
        noun="export",
        model=ExportJob,
        task_name="audit.export_build",
        storage_prefix="exports",
        suffix=".xlsx",  # or the job's own format (Attempt.store)
    )
)
# Parameters that are not filters: the page's own controls.
IGNORED = ("page", "export", "sort", "per_page")
CHUNK = 1024 * 1024


class DuplicateExportRequest(filejobs.DuplicateRequest):
    def __init__(self, existing: ExportJob):
        super().__init__(existing, noun="export")


def _clean_query(query: str | QueryDict | dict | None) -> QueryDict:
    if isinstance(query, QueryDict):
        params = query.copy()
    elif isinstance(query, dict):
        params = QueryDict(mutable=True)
        for name, value in query.items():
            values = value if isinstance(value, list | tuple) else [value]
            params.setlist(str(name), [str(item) for item in values])
    else:
        params = QueryDict(query or "", mutable=True)
    for name in IGNORED:
        params.pop(name, None)
    # Empty filters say nothing; dropping them makes identical requests compare equal.
    for name in list(params):
        kept = [value for value in params.getlist(name) if value != ""]
        if kept:
            params.setlist(name, kept)
        else:
            del params[name]
    return params


def _canonical(params: QueryDict) -> str:
    """The filters as one query string in a fixed order (identical requests compare
    equal)."""
    return "&".join(sorted(part for part in params.urlencode().split("&") if part))


def export_request(*, list_key: str, query=None, fmt: str = "xlsx", actor) -> ExportJob:
    """Record a background export of list ``list_key`` with the filters in ``query``
    (a query string, ``QueryDict`` or dict) and queue its build (after the commit).

    ``ValidationError`` by field (``list``, ``format``, or a filter's name);
    ``PermissionDenied`` when the actor may not see the list.
    """
    export_list = exports.export_list(list_key or "")
    if export_list is None:
        raise ValidationError(
            {
                "list": f"Unknown list {str(list_key)[:40]!r}; choose from: "
                + ", ".join(item.key for item in exports.export_lists())
            }
        )
    if fmt not in exports.FORMATS:
        raise ValidationError({"format": f"Use one of {', '.join(exports.FORMATS)}."})
    params = _clean_query(query)
    # The rows as the page would show them: refusals and bad filters now, not later.
    export_list.rows(actor, params)
    spend("export", actor)
    canonical = _canonical(params)
    with attributed_to(actor), change_scope():
        filejobs.lock_requester(actor)
        existing = filejobs.find_duplicate(
            EXPORT, actor, list_key=export_list.key, query=canonical, format=fmt
        )
        if existing is not None:
            raise DuplicateExportRequest(existing)
        job = ExportJob(
            reference=ReferenceCounter.next_reference(REFERENCE_PREFIX),
            list_key=export_list.key,
            list_title=export_list.title[:120],
            query=canonical,
            format=fmt,
            requested_by=actor,
            task_id=uuid.uuid4().hex,
        )
        job.full_clean()
        job.save()
        record_event(
            job,
            "export.requested",
            f"{actor} asked for the {fmt.upper()} of the {export_list.title}"
            + (f" filtered by {canonical}." if canonical else "."),
            {"list": export_list.key, "query": canonical, "format": fmt},
        )
        filejobs.enqueue(job)
    return job


def export_retry(*, job: ExportJob, actor) -> ExportJob:
    """Queue a failed export again (or one stuck beyond its time limit)."""
    with attributed_to(actor), change_scope():
        job = ExportJob.objects.select_for_update().get(pk=job.pk)
        filejobs.reset_for_retry(
            job,
            actor,
            retryable_message="only a failed export, or one stuck beyond its time "
            "limit, is retried.",
        )
    return job


def export_build(
    *, job_id: int, task_id: str, worker: str = "", heartbeat: bool = False
) -> ExportJob | None:
    """Build the export if ``task_id`` is the build it is waiting for; None otherwise."""
    return filejobs.run(
        EXPORT,
        job_id=job_id,
        task_id=task_id,
        produce=_build,
        worker=worker,
        heartbeat=heartbeat,
    )


def _build(attempt: filejobs.Attempt) -> ExportJob | None:
    job = attempt.job
    export_list = exports.export_list(job.list_key)
    if export_list is None:
        raise filejobs.JobBuildError(f"The list {job.list_key!r} no longer exists.")
    user = job.requested_by
    # Read as the requester now: someone who lost access since asking gets nothing.
    rows = export_list.rows(user, QueryDict(job.query))
    attempt.progress(0, 0, "Counting rows", force=True)
    total = rows.count()
    attempt.progress(0, total, "Writing rows", force=True)
    handle, path = tempfile.mkstemp(suffix=f".{job.format}", prefix="aims-export-")
    try:
        with os.fdopen(handle, "wb") as file:
            written = export_list.exporter.write(
                rows,
                job.format,
                file,
                name=export_list.title,
                user=user,
                progress=lambda done: attempt.progress(done, total, "Writing rows"),
            )
        attempt.progress(written, max(total, written), "Storing", force=True)
        size = os.path.getsize(path)
        digest = hashlib.sha256()
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK):
                digest.update(chunk)
        sha256 = digest.hexdigest()
        attempt.store(path, size, suffix=f".{job.format}")
    finally:
        if os.path.exists(path):
            os.unlink(path)

    def apply(current):
        current.row_count = written
        current.progress_done = current.progress_total = written
        stamp = current.requested_at.strftime("%Y%m%d-%H%M%S")
        current.file_name = f"{slugify(export_list.title)}-{stamp}.{current.format}"

    return attempt.finish(
        apply,
        sha256=sha256,
        size=size,
        message=f"{job.reference} generated: {written} rows of the "
        f"{export_list.title}, SHA-256 {sha256}.",
        data={"rows": written, "sha256": sha256, "size": size},
    )
