"""Building evidence packs in-process (Celery eager): statuses, the stored file and its
SHA-256, the PDF's sections, idempotent re-runs, failures and retries."""

import io
import os
import tempfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from pypdf import PdfReader

from aims.models import ObjectChange
from audit.choices import PackStatus
from audit.models import EvidencePack
from audit.packs.registry import PackContent, PackKind, Section, _kinds, register
from audit.services import (
    PackNotRetryable,
    evidence_pack_build,
    evidence_pack_request,
    evidence_pack_retry,
)
from audit.services.packs import pack_storage_dir
from registry.models import AISystem
from tests.factories import make_system

from .helpers import files_under, pdf_pages, request_pack, sha256, stored_bytes


@pytest.fixture
def staging(monkeypatch, tmp_path):
    """Temporary PDFs are rendered here, so a test can see that none is left behind."""
    directory = tmp_path / "staging"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


def test_a_requested_pack_is_built_and_stored_with_its_sha256(
    risky_system, auditor, django_capture_on_commit_callbacks, staging
):
    """The request queues the pack; the build stores the PDF through the default storage
    with its SHA-256, size and page count, and removes the temporary file."""
    pack = request_pack(
        auditor, risky_system, capture=django_capture_on_commit_callbacks
    )

    assert pack.status == PackStatus.READY, pack.error
    data = stored_bytes(pack)
    assert pack.sha256 == sha256(data)
    assert pack.size == len(data)
    assert pack.page_count == len(PdfReader(io.BytesIO(data)).pages)
    assert pack.file.name.startswith(pack_storage_dir(pack) + "/")
    assert (
        pack.file_name == f"{pack.reference}-ai_system-ais-0001-alices-cv-screener.pdf"
    )
    assert pack.attempts == 1 and pack.finished_at and pack.requested_by == auditor
    assert os.listdir(staging) == []


def test_the_pdf_has_cover_contents_sections_page_numbers_and_manifest(
    risky_system, auditor, django_capture_on_commit_callbacks, settings
):
    settings.AIMS_ORGANISATION_NAME = "Acme Insurance"
    pack = request_pack(
        auditor,
        risky_system,
        capture=django_capture_on_commit_callbacks,
        parameters={"history_since": "2000-01-01"},
    )
    pages = pdf_pages(stored_bytes(pack))
    text = "\n".join(pages)

    cover = pages[0]
    assert "Acme Insurance" in cover and "AI system pack" in cover
    assert "AIS-0001 Alice's CV screener" in cover and "Audrey (audrey)" in cover
    assert "Change history from: 2000-01-01" in cover
    assert "Contents" in pages[1]
    for number, title in enumerate(
        [
            "Register entry",
            # Sections the register and the incidents app add (audit.packs.extend).
            "Resources and components (A.4)",
            "Datasets, provenance and quality (A.7)",
            "Suppliers and responsibilities (A.10)",
            "Life-cycle records and release gate (A.6.2)",
            "Incidents (A.8.4; EU AI Act Art. 73)",
            "Post-market monitoring (EU AI Act Art. 72)",
            "Risks and treatment",
            "Controls and evidence index",
            "Change history",
            "Manifest",
        ],
        1,
    ):
        assert f"{number}. {title}" in pages[1]
        assert f"{number}. {title}" in text.split("Contents", 1)[1]
    for index, page in enumerate(pages, 1):
        assert f"Page {index} of {len(pages)}" in page
    # Register entry, risks with their controls and actions, history.
    assert "Support decisions in a test." in text
    assert "RSK-0001" in text and "A.6.2.4, A.7.4" in text
    assert "Monthly drift report" in text
    assert "Inherent risk" in text and "Residual risk" in text
    assert "risk.accepted" not in text and "Created" in text
    # The manifest names the change log's head at generation time.
    head = ObjectChange.objects.get(seq=pack.chain_head_seq)
    assert head.hash == pack.chain_head_hash
    assert f"#{head.seq}" in pages[-1] and head.hash[:32] in pages[-1].replace("\n", "")
    assert pack.manifest["chain_head"]["hash"] == head.hash


def test_the_heat_maps_are_the_pages_svg(
    risky_system, auditor, django_capture_on_commit_callbacks
):
    """The risk section embeds the same SVG heat maps as the AI system page (vector
    drawings, not images) with the counts of the system's risks."""
    from audit.packs.kinds.ai_system import AISystemPackKind

    pack = request_pack(
        auditor, risky_system, capture=django_capture_on_commit_callbacks
    )
    content = AISystemPackKind().build(pack, risky_system, {})
    inherent, residual = content.context["heat_maps"]
    assert (inherent["total"], residual["total"]) == (2, 1)
    assert {cell.url for cell in inherent["cells"]} == {"#risks"}
    risks_page = next(p for p in pdf_pages(stored_bytes(pack))[2:] if "8. Risks" in p)
    assert "Inherent risk (2 risks)" in risks_page
    assert "Residual risk (1 risk)" in risks_page


def test_the_request_and_the_outcome_are_events_in_the_change_log(
    risky_system, auditor, django_capture_on_commit_callbacks
):
    pack = request_pack(
        auditor, risky_system, capture=django_capture_on_commit_callbacks
    )
    entries = ObjectChange.objects.for_object(pack).order_by("seq")
    events = [(e.event, e.user_name) for e in entries if e.event]
    assert events == [
        ("pack.requested", "audrey"),
        ("pack.ready", "system:audit.evidence_pack_build"),
    ]
    ready = entries.get(event="pack.ready")
    assert ready.postchange_data["sha256"] == pack.sha256
    statuses = [
        (e.prechange_data or {}).get("status", "") + ">" + e.postchange_data["status"]
        for e in entries
        if e.action in ("create", "update")
    ]
    assert statuses == [">queued", "queued>building", "building>ready"]


def test_running_the_task_again_on_a_ready_pack_does_nothing(
    risky_system, auditor, django_capture_on_commit_callbacks
):
    pack = request_pack(
        auditor, risky_system, capture=django_capture_on_commit_callbacks
    )
    entries = ObjectChange.objects.count()

    assert evidence_pack_build(pack_id=pack.pk, task_id=pack.task_id) is None

    again = EvidencePack.objects.get(pk=pack.pk)
    assert (again.status, again.sha256, again.attempts) == ("ready", pack.sha256, 1)
    assert files_under(pack_storage_dir(pack)) == [os.path.basename(pack.file.name)]
    assert ObjectChange.objects.count() == entries


def test_a_message_of_a_superseded_build_does_nothing(
    alice_system, auditor, django_capture_on_commit_callbacks
):
    """Only the task whose id is on the pack builds it (e.g. after a retry)."""
    pack = evidence_pack_request(
        kind="ai_system", target_id=alice_system.pk, parameters={}, actor=auditor
    )
    assert evidence_pack_build(pack_id=pack.pk, task_id="an-older-task") is None
    pack.refresh_from_db()
    assert (pack.status, pack.attempts) == ("queued", 0)


def test_a_build_whose_worker_died_is_rebuilt_without_leftovers(
    risky_system, auditor, staging, django_capture_on_commit_callbacks
):
    """A worker killed mid-build leaves the pack 'building' (maybe with a partial file
    under its task's name); the redelivered message rebuilds it from scratch and only
    the complete file remains."""
    pack = evidence_pack_request(
        kind="ai_system", target_id=risky_system.pk, parameters={}, actor=auditor
    )  # not committed: no build yet
    pack.status = PackStatus.BUILDING
    pack.attempts = 1
    pack.save()
    directory = pack_storage_dir(pack)
    default_storage.save(
        f"{directory}/{pack.task_id}.pdf", ContentFile(b"%PDF-1.7 half")
    )
    default_storage.save(f"{directory}/dead-attempt.pdf", ContentFile(b"%PDF-1.7 old"))

    with django_capture_on_commit_callbacks(execute=True):
        built = evidence_pack_build(pack_id=pack.pk, task_id=pack.task_id)

    assert built.status == PackStatus.READY and built.attempts == 2
    data = stored_bytes(built)
    assert built.sha256 == sha256(data) and data.startswith(b"%PDF-")
    assert built.file.name == f"{directory}/{pack.task_id}.pdf"
    assert files_under(directory) == [f"{pack.task_id}.pdf"]
    assert os.listdir(staging) == []


class HalfWritingStorage(FileSystemStorage):
    """A storage that dies after writing part of a file (disk full, connection cut)."""

    def _save(self, name, content):
        os.makedirs(os.path.dirname(self.path(name)), exist_ok=True)
        with open(self.path(name), "wb") as handle:
            handle.write(content.read(100))
        raise OSError("No space left on device")


def test_a_storage_failure_leaves_no_half_written_file_and_can_be_retried(
    risky_system, auditor, django_capture_on_commit_callbacks, settings, staging
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.audit.test_build.HalfWritingStorage"},
    }
    pack = request_pack(
        auditor, risky_system, capture=django_capture_on_commit_callbacks
    )

    assert pack.status == PackStatus.FAILED
    assert pack.error == "OSError: No space left on device"
    assert not pack.file and pack.sha256 == ""
    assert files_under(pack_storage_dir(pack)) == []
    assert os.listdir(staging) == []

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    with django_capture_on_commit_callbacks(execute=True):
        evidence_pack_retry(pack=pack, actor=auditor)
    pack.refresh_from_db()
    assert pack.status == PackStatus.READY and pack.sha256 == sha256(stored_bytes(pack))
    assert pack.attempts == 2


class FlakyKind(PackKind):
    """An organisation-wide test kind whose build fails until it is fixed."""

    key = "flaky"
    title = "Flaky pack"
    sections = (Section("body", "Body", "audit/packs/_fields.html"),)
    broken = True

    def build(self, pack, target, parameters):
        if FlakyKind.broken:
            raise RuntimeError("the data source is down")
        return PackContent(context={"rows": []})


@pytest.fixture
def flaky_kind():
    FlakyKind.broken = True
    kind = register(FlakyKind())
    yield kind
    _kinds.pop(kind.key)


def test_a_failed_build_shows_its_error_and_a_retry_builds_it(
    flaky_kind, committee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pack = evidence_pack_request(
            kind="flaky", target_id=None, parameters={}, actor=committee
        )
    pack.refresh_from_db()
    assert pack.status == PackStatus.FAILED
    assert pack.error == "RuntimeError: the data source is down"
    assert pack.retryable and pack.target_repr == "Example Organisation"
    failed = ObjectChange.objects.for_object(pack).get(event="pack.failed")
    # One entry says what happened and which fields it changed.
    assert failed.postchange_data["error"] == pack.error
    assert (failed.prechange_data["status"], failed.postchange_data["status"]) == (
        "building",
        "failed",
    )

    FlakyKind.broken = False
    old_task = pack.task_id
    with django_capture_on_commit_callbacks(execute=True):
        evidence_pack_retry(pack=pack, actor=committee)
    pack.refresh_from_db()
    assert pack.status == PackStatus.READY and pack.error == ""
    assert pack.task_id != old_task and pack.attempts == 2
    assert ObjectChange.objects.for_object(pack).filter(event="pack.retried").exists()


def test_ready_and_running_packs_are_not_retried(
    risky_system, auditor, django_capture_on_commit_callbacks
):
    pack = request_pack(
        auditor, risky_system, capture=django_capture_on_commit_callbacks
    )
    with pytest.raises(PackNotRetryable):
        evidence_pack_retry(pack=pack, actor=auditor)
    queued = evidence_pack_request(
        kind="ai_system", target_id=risky_system.pk, parameters={}, actor=auditor
    )
    with pytest.raises(PackNotRetryable):
        evidence_pack_retry(pack=queued, actor=auditor)


def test_a_pack_stuck_building_beyond_the_time_limit_can_be_retried(
    alice_system, auditor, settings
):
    import datetime

    from django.utils import timezone

    settings.AIMS_PACK_TIME_LIMIT = 60
    pack = evidence_pack_request(
        kind="ai_system", target_id=alice_system.pk, parameters={}, actor=auditor
    )
    pack.status = PackStatus.BUILDING
    pack.started_at = timezone.now() - datetime.timedelta(seconds=100)
    pack.save()
    assert not pack.retryable
    pack.started_at = timezone.now() - datetime.timedelta(seconds=200)
    pack.save()
    assert pack.retryable and pack.is_stale
    assert list(EvidencePack.objects.stale()) == [pack]
    evidence_pack_retry(pack=pack, actor=auditor)
    pack.refresh_from_db()
    assert pack.status == PackStatus.QUEUED


def test_a_pack_of_a_deleted_system_fails_with_a_clear_error(
    auditor, alice, django_capture_on_commit_callbacks
):
    from aims.services import object_delete

    system = make_system(alice, name="Short-lived")
    pack = evidence_pack_request(
        kind="ai_system", target_id=system.pk, parameters={}, actor=auditor
    )
    object_delete(instance=AISystem.objects.get(pk=system.pk), actor=alice)
    built = evidence_pack_build(pack_id=pack.pk, task_id=pack.task_id)
    assert built.status == PackStatus.FAILED
    assert "no longer exists" in built.error


def test_bad_requests_are_refused_by_field(alice_system, auditor):
    cases = [
        ({"kind": "nope", "target_id": alice_system.pk}, "kind"),
        ({"kind": "ai_system", "target_id": None}, "target"),
        ({"kind": "ai_system", "target_id": "x"}, "target"),
        ({"kind": "ai_system", "target_id": 999999}, "target"),
        (
            {
                "kind": "ai_system",
                "target_id": alice_system.pk,
                "parameters": {"history_since": "yesterday"},
            },
            "parameters",
        ),
        (
            {
                "kind": "ai_system",
                "target_id": alice_system.pk,
                "parameters": {"colour": "red"},
            },
            "parameters",
        ),
    ]
    for arguments, field in cases:
        arguments.setdefault("parameters", {})
        with pytest.raises(ValidationError) as caught:
            evidence_pack_request(actor=auditor, **arguments)
        assert list(caught.value.error_dict) == [field], arguments
    assert not EvidencePack.objects.exists()
