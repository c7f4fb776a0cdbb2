"""The SoA pack and the AI system pack's evidence index: sections, and a manifest whose
SHA-256 values match the stored evidence files."""

import hashlib
import re

from django.core.files.storage import default_storage

from audit.choices import PackStatus
from audit.services import evidence_pack_request
from controls.models import EvidenceFile, SoAEntry
from controls.services import soa_approve, soa_current, soa_entry_save, soa_new_draft
from tests.controls.conftest import PNG_BYTES, make_evidence, upload

from .helpers import pdf_pages, request_pack, stored_bytes


def decide_all(actor):
    for entry in SoAEntry.objects.filter(soa=soa_current()):
        entry.applicable, entry.justification = (
            True,
            f"Needed ({entry.control.control_id}).",
        )
        soa_entry_save(entry=entry, actor=actor)


def stored_sha(evidence_file: EvidenceFile) -> str:
    with default_storage.open(evidence_file.file.name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_the_soa_pack_prints_the_approved_version_evidence_and_coverage(
    manager, committee, auditor, django_capture_on_commit_callbacks
):
    policy = make_evidence(manager, controls=["A.2.2"], title="AI policy")
    picture = make_evidence(
        manager,
        controls=["A.6.2.4"],
        upload_file=upload("diagram.png", PNG_BYTES, "image/png"),
    )
    decide_all(manager)
    soa_approve(version=soa_current(), actor=committee, comment="Approved in November")
    # A later draft must not leak into the pack of the approved version.
    draft = soa_new_draft(actor=manager)
    entry = SoAEntry.objects.get(soa=draft, control__control_id="A.2.3")
    entry.justification = "Changed in the draft only."
    soa_entry_save(entry=entry, actor=manager)

    with django_capture_on_commit_callbacks(execute=True):
        pack = evidence_pack_request(
            kind="soa", target_id=None, parameters={}, actor=auditor
        )
    pack.refresh_from_db()
    assert pack.status == PackStatus.READY, pack.error
    text = " ".join(" ".join(pdf_pages(stored_bytes(pack))).split())
    for heading in (
        "Statement of Applicability",
        "Evidence index",
        "Crosswalk coverage",
        "Manifest",
    ):
        assert heading in text
    assert "Approved in November" in text
    assert "Needed (A.2.3)." in text and "Changed in the draft only." not in text
    assert "NIST AI RMF" in text and "EU AI Act" in text
    manifest = {line["sha256"] for line in pack.manifest["evidence"]}
    expected = {
        stored_sha(f)
        for f in EvidenceFile.objects.filter(evidence__in=[policy, picture])
    }
    assert manifest == expected and len(expected) == 2
    for sha in expected:
        assert sha[:16] in re.sub(r"\s", "", text)


def test_a_soa_pack_of_an_unknown_version_is_refused(auditor, api_for):
    response = api_for(auditor).post(
        "/api/v1/evidence-packs/",
        {"kind": "soa", "parameters": {"soa_version": 99}},
        format="json",
    )
    assert response.status_code == 400
    assert "no SoA version 99" in str(response.json())


def test_the_ai_system_pack_indexes_the_evidence_of_its_risks_and_controls(
    risky_system, manager, auditor, django_capture_on_commit_callbacks
):
    of_control = make_evidence(manager, controls=["A.7.4"], title="Data quality report")
    of_system = make_evidence(manager, title="System card")
    of_system.ai_systems.add(risky_system)
    unrelated = make_evidence(
        manager,
        controls=["A.10.3"],
        title="Supplier list",
        upload_file=upload("suppliers.txt", b"Acme AI\n", "text/plain"),
    )
    pack = request_pack(
        auditor, risky_system, capture=django_capture_on_commit_callbacks
    )
    assert pack.status == PackStatus.READY, pack.error
    text = " ".join(" ".join(pdf_pages(stored_bytes(pack))).split())
    assert "Controls and evidence index" in text
    assert "Data quality report" in text and "System card" in text
    assert "Supplier list" not in text
    hashes = {line["sha256"] for line in pack.manifest["evidence"]}
    assert hashes == {
        stored_sha(f)
        for f in EvidenceFile.objects.filter(evidence__in=[of_control, of_system])
    }
    assert unrelated.files.get().sha256 not in hashes
