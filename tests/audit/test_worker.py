"""A pack built by a real Celery worker (``--pool=solo``) against Redis and PostgreSQL.

The worker is a subprocess whose environment points at this test run's database and
Redis; the request is committed (``transactional_db``), queued on a queue of this test
only, and the test waits (bounded) for the worker to store the PDF. Skipped without
Redis or on SQLite (the test database would be in memory); CI sets both.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.test import override_settings

from aims.celery import app as celery_app
from aims.models import ObjectChange
from audit.choices import PackStatus
from audit.services import evidence_pack_request
from tests.controls.conftest import make_evidence, upload

from .helpers import pdf_pages, sha256, stored_bytes

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 180  # seconds; a bound on waiting, not a performance assertion


def _database_url() -> str:
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return (
        f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


@pytest.fixture
def celery_worker(transactional_db, media_root, tmp_path):
    """A solo worker consuming a queue of its own; stopped by its pid afterwards."""
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL (CI sets both)")
    queue = f"packs-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aims.settings.base",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(media_root),
        "AIMS_ORGANISATION_NAME": settings.AIMS_ORGANISATION_NAME,
        "AIMS_PACK_QUEUE": queue,
        "AIMS_DATA_DIR": str(tmp_path / "data"),
    }
    log_path = tmp_path / "worker.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(  # the worker itself: its pid is the one to stop
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "aims",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    eager = celery_app.conf.task_always_eager
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    # Pack builds are sent to AIMS_PACK_QUEUE: this test's queue, for both sides.
    queue_setting = override_settings(AIMS_PACK_QUEUE=queue)
    queue_setting.enable()
    try:
        yield process, log_path
    finally:
        queue_setting.disable()
        celery_app.conf.task_always_eager = eager
        celery_app.conf.task_default_queue = default_queue
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def _wait_for(pack, process, log_path):
    deadline = time.monotonic() + BUILD_TIMEOUT
    while pack.status in (PackStatus.QUEUED, PackStatus.BUILDING):
        if process.poll() is not None:
            pytest.fail("The worker exited:\n" + log_path.read_text()[-3000:])
        if time.monotonic() > deadline:
            pytest.fail(
                f"Pack still {pack.status} after {BUILD_TIMEOUT} s:\n"
                + log_path.read_text()[-3000:]
            )
        time.sleep(0.5)
        pack.refresh_from_db()
    # The job's row says "ready" when its transaction commits, a moment before the task
    # returns and the worker logs that it succeeded: wait for that line too.
    finished = f"[{pack.task_id}] succeeded"
    settle = time.monotonic() + 30
    while pack.status == PackStatus.READY and finished not in log_path.read_text():
        if time.monotonic() > settle:
            break
        time.sleep(0.2)
    return pack


def test_a_real_worker_builds_the_pack(celery_worker, risky_system, auditor, manager):
    process, log_path = celery_worker
    evidence = [
        make_evidence(manager, controls=["A.6.2.4"], title="Verification report"),
        make_evidence(
            manager,
            controls=["A.7.4"],
            title="Data quality log",
            upload_file=upload("quality.csv", b"metric,value\ncompleteness,0.99\n"),
        ),
    ]
    pack = evidence_pack_request(
        kind="ai_system", target_id=risky_system.pk, parameters={}, actor=auditor
    )
    assert pack.status == PackStatus.QUEUED  # the request returned before the build

    pack = _wait_for(pack, process, log_path)

    assert pack.status == PackStatus.READY, pack.error
    log = log_path.read_text()
    assert f"Task audit.evidence_pack_build[{pack.task_id}] succeeded" in log
    data = stored_bytes(pack)
    assert sha256(data) == pack.sha256 and len(data) == pack.size
    pages = pdf_pages(data)
    assert len(pages) == pack.page_count >= 6
    text = "\n".join(pages)
    assert "AI system pack" in pages[0] and str(risky_system) in pages[0]
    assert "Contents" in pages[1]
    for title in (
        "Register entry",
        "Risks and treatment",
        "Controls and evidence index",
        "Change history",
        "Manifest",
    ):
        assert text.count(title) >= 2, title  # in the contents and as a heading
    assert "Biased ranking of candidates" in text and "A.6.2.4, A.7.4" in text
    for index, page in enumerate(pages, 1):
        assert f"Page {index} of {len(pages)}" in page
    head = ObjectChange.objects.get(seq=pack.chain_head_seq)
    assert head.hash == pack.chain_head_hash
    assert head.hash in pages[-1].replace("\n", "")
    assert (
        ObjectChange.objects.for_object(pack)
        .filter(event="pack.ready", user_name="system:audit.evidence_pack_build")
        .exists()
    )
    # The manifest's hashes are those of the evidence files the test stored.
    stored = {
        sha256(default_storage.open(f.file.name, "rb").read())
        for item in evidence
        for f in item.files.all()
    }
    assert {line["sha256"] for line in pack.manifest["evidence"]} == stored
    flat = "".join(text.split())
    assert all(digest in flat for digest in stored)

    # The SoA pack, by the same worker.
    soa = _wait_for(
        evidence_pack_request(kind="soa", target_id=None, parameters={}, actor=auditor),
        process,
        log_path,
    )
    assert soa.status == PackStatus.READY, soa.error
    soa_text = "\n".join(pdf_pages(stored_bytes(soa)))
    for title in ("Statement of Applicability", "Evidence index", "Crosswalk coverage"):
        assert soa_text.count(title) >= 2, title


def test_a_real_worker_builds_the_audit_report_and_review_packs(
    celery_worker, manager, auditor, risk_owner, committee
):
    """Both pack kinds of the audit programme build on the worker: the audit report
    with its checklist results, findings and evidence hashes, and the signed review's
    minutes with its frozen inputs and decisions."""
    from audit.services import (
        audit_record_results,
        checklist_line_save,
        review_prepare,
        review_save,
        review_sign,
    )
    from tests.audits.builders import (
        make_audit,
        make_decision,
        make_finding,
        make_review,
        start,
    )

    process, log_path = celery_worker
    evidence = make_evidence(
        manager,
        title="Internal audit report of March",
        upload_file=upload("audit-march.txt", b"Audit of clause 9.2: no findings.\n"),
    )
    audit = make_audit(manager, auditor, scope_clauses=["9.2"])
    start(audit, auditor)
    line = audit.lines.get(requirement_id="9.2.2")
    line.result = "minor_nc"
    line.notes = "The March report was not retained."
    checklist_line_save(line=line, actor=auditor, m2m={"evidence": [evidence]})
    finding = make_finding(audit, auditor, risk_owner)
    audit_record_results(
        audit=audit,
        actor=auditor,
        changes={"summary": "The programme runs; one report was not kept."},
    )

    report = _wait_for(
        evidence_pack_request(
            kind="audit_report", target_id=audit.pk, parameters={}, actor=auditor
        ),
        process,
        log_path,
    )
    assert report.status == PackStatus.READY, report.error
    assert f"Task audit.evidence_pack_build[{report.task_id}] succeeded" in (
        log_path.read_text()
    )
    data = stored_bytes(report)
    assert sha256(data) == report.sha256 and len(data) == report.size
    pages = pdf_pages(data)
    assert "Audit report" in pages[0] and audit.reference in pages[0]
    text = " ".join(" ".join(pages).split())
    for title in (
        "Scope, criteria and team",
        "Summary of results",
        "Checklist results",
        "Findings",
        "Evidence sampled",
        "Manifest",
    ):
        assert text.count(title) >= 2, title  # in the contents and as a heading
    for expected in (
        finding.reference,
        "Minor nonconformity",
        "The March report was not retained.",
        "The programme runs; one report was not kept.",
    ):
        assert expected in text, expected
    digest = evidence.files.get().sha256
    assert [line["sha256"] for line in report.manifest["evidence"]] == [digest]
    assert digest in "".join(text.split())
    for index, page in enumerate(pages, 1):
        assert f"Page {index} of {len(pages)}" in page

    review = make_review(manager, committee, title="Management review 2026")
    review_prepare(review=review, actor=manager)
    review.refresh_from_db()
    review.top_management_present = True
    review_save(review=review, actor=manager, m2m={"attendees": [committee, manager]})
    make_decision(review, manager, manager, description="Budget for a second auditor")
    review_sign(review=review, actor=committee)

    minutes = _wait_for(
        evidence_pack_request(
            kind="management_review",
            target_id=review.pk,
            parameters={},
            actor=committee,
        ),
        process,
        log_path,
    )
    assert minutes.status == PackStatus.READY, minutes.error
    pages = pdf_pages(stored_bytes(minutes))
    assert "Management review minutes" in pages[0] and review.title in pages[0]
    text = " ".join(" ".join(pages).split())
    for title in (
        "Review and attendance",
        "Inputs and minutes",
        "Decisions and actions",
    ):
        assert text.count(title) >= 2, title
    assert "Status of actions from previous management reviews" in text
    assert "Budget for a second auditor" in text
    assert str(committee) in text
    head = ObjectChange.objects.get(seq=minutes.chain_head_seq)
    assert head.hash in pages[-1].replace("\n", "")


def test_a_real_worker_builds_a_background_export_with_progress(
    celery_worker, alice_system, risk_owner, manager
):
    """The XLSX of the risk register, built by the worker for the requester with the
    page's filter; the job's progress reaches its row count."""
    import io

    from openpyxl import load_workbook

    from audit.services.exports import export_request
    from tests.factories import make_risk

    process, log_path = celery_worker
    for number in range(3):
        make_risk(
            risk_owner, alice_system, actor=manager, title=f"Worker risk {number}"
        )
    make_risk(risk_owner, None, actor=manager, title="Organisation-wide risk")
    job = export_request(
        list_key="risks",
        query=f"ai_system={alice_system.pk}",
        fmt="xlsx",
        actor=manager,
    )
    assert job.status == PackStatus.QUEUED

    job = _wait_for(job, process, log_path)

    assert job.status == PackStatus.READY, job.error
    assert f"Task audit.export_build[{job.task_id}] succeeded" in log_path.read_text()
    data = stored_bytes(job)
    assert sha256(data) == job.sha256 and len(data) == job.size
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    titles = sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert titles == ["Worker risk 0", "Worker risk 1", "Worker risk 2"]
    assert job.row_count == 3 == job.progress_done == job.progress_total
    assert (
        ObjectChange.objects.for_object(job)
        .filter(event="export.ready", user_name="system:audit.export_build")
        .exists()
    )
