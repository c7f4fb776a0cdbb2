"""Auditor bundles: built through the pack machinery, signed, and verifiable offline;
every kind of tampering named by the verifier; the permission rule in pages and API."""

import hashlib
import io
import json
import subprocess
import sys
import zipfile

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from aims import bundle_verifier, signing
from audit.choices import PackStatus
from audit.models import AuditorBundle
from audit.services import auditor_bundle_request
from controls.models import EvidenceFile
from tests.controls.conftest import make_evidence

from .helpers import pdf_pages, request_pack


@pytest.fixture(autouse=True)
def signing_key(settings, tmp_path):
    settings.AIMS_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    signing._load_private_key.cache_clear()
    yield settings.AIMS_SIGNING_KEY_FILE
    signing._load_private_key.cache_clear()


@pytest.fixture
def system_pack(risky_system, manager, auditor, django_capture_on_commit_callbacks):
    make_evidence(manager, controls=["A.6.2.4"], title="Fairness test report")
    pack = request_pack(
        auditor, risky_system, capture=django_capture_on_commit_callbacks
    )
    assert pack.status == PackStatus.READY, pack.error
    assert pack.manifest["evidence"], "the pack cites an evidence file"
    return pack


def build_bundle(user, packs, capture, **kwargs) -> AuditorBundle:
    with capture(execute=True):
        bundle = auditor_bundle_request(packs=packs, actor=user, **kwargs)
    bundle.refresh_from_db()
    return bundle


def bundle_file(bundle, tmp_path) -> str:
    path = tmp_path / bundle.file_name
    with default_storage.open(bundle.file.name, "rb") as handle:
        path.write_bytes(handle.read())
    return str(path)


def rewrite(path, out, *, drop=(), change=None, add=None):
    """A copy at ``out`` of the bundle at ``path`` with members dropped, changed
    (``{name: function(bytes) -> bytes}``) or added (``{name: bytes}``)."""
    out = out.with_suffix(".zip")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            data = source.read(info.filename)
            if change and info.filename in change:
                data = change[info.filename](data)
            target.writestr(info.filename, data)
        for member, data in (add or {}).items():
            target.writestr(member, data)
    return str(out)


def flip_last_byte(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1])


@pytest.fixture
def built(system_pack, auditor, django_capture_on_commit_callbacks, tmp_path):
    bundle = build_bundle(
        auditor,
        [system_pack],
        django_capture_on_commit_callbacks,
        purpose="Stage 2 audit",
    )
    assert bundle.status == PackStatus.READY, bundle.error
    return bundle, bundle_file(bundle, tmp_path)


def test_a_bundle_holds_everything_verifies_offline_and_names_every_tampering(
    built, system_pack, tmp_path
):
    """One bundle (each build prints a gap report), checked the ways an auditor would."""
    bundle, path = built
    check_contents(bundle, path, system_pack)
    check_untouched_bundle_verifies(path)
    check_verifier_runs_alone_in_a_fresh_directory(path, tmp_path)
    for name, tamper, expected in TAMPERING:
        tampered = tamper(path, tmp_path / name)
        result = bundle_verifier.verify(tampered, signing.public_key_pem())
        assert any(expected in problem for problem in result.problems), (
            name,
            result.problems,
        )
        with pytest.raises(CommandError):
            call_command("verify_bundle", tampered)
    check_recomputed_chain_is_caught_by_the_signature(path, tmp_path)
    check_another_key_is_refused(path)


def check_contents(bundle, path, system_pack):
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        gap_report = archive.read(f"packs/{bundle.gap_report.file_name}")
        entries = archive.read("change-log/entries.jsonl").decode().splitlines()
    assert {
        "manifest.json",
        "manifest.sig",
        "verify_bundle.py",
        "portal-public-key.pem",
        "readiness.json",
        "README.txt",
        f"packs/{system_pack.file_name}",
    } <= names
    evidence = [f for f in manifest["files"] if f["kind"] == "evidence"]
    stored = EvidenceFile.objects.get(evidence__title="Fairness test report")
    assert [f["sha256"] for f in evidence] == [stored.sha256]
    assert evidence[0]["cited_by"] == [system_pack.reference]
    # The gap report is a real PDF of the readiness page.
    text = " ".join(pdf_pages(gap_report))
    assert "Gap report pack" in text and "Blockers" in text and "Gaps" in text
    # The change log up to the head, every entry with its hash.
    assert len(entries) == bundle.entry_count == manifest["change_log"]["entries"]
    assert json.loads(entries[-1])["seq"] == bundle.chain_head_seq
    assert manifest["key_id"] == signing.key_id() == bundle.key_fingerprint
    assert bundle.file_count == len(manifest["files"])
    assert bundle.warnings == []


def check_untouched_bundle_verifies(path):
    result = bundle_verifier.verify(path, signing.public_key_pem())
    assert result.ok, result.problems
    assert result.files_checked >= 8 and result.entries_checked > 10
    call_command("verify_bundle", path)


def check_verifier_runs_alone_in_a_fresh_directory(path, tmp_path):
    """What an auditor does on their own machine: only the bundle, the verifier taken
    out of it and the key obtained from the portal, in a directory of their own."""
    fresh = tmp_path / "auditor"
    fresh.mkdir()
    with zipfile.ZipFile(path) as archive:
        (fresh / "verify_bundle.py").write_bytes(archive.read("verify_bundle.py"))
    (fresh / "portal-key.pem").write_text(signing.public_key_pem())
    run = subprocess.run(
        [
            sys.executable,
            "-I",  # isolated: no portal on the path, no environment
            "verify_bundle.py",
            path,
            "--public-key",
            "portal-key.pem",
        ],
        cwd=fresh,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "OK: every file and entry matches" in run.stdout


def _first(path, kind):
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    return next(f["path"] for f in manifest["files"] if f["kind"] == kind)


def _chain_edit(edit):
    """Change the entries file and fix its hash in the manifest (re-signing is not
    possible), so that the chain check and the signature are what must see it."""

    def tamper(path, out):
        with zipfile.ZipFile(path) as archive:
            lines = archive.read("change-log/entries.jsonl").decode().splitlines()
        edit(lines)
        data = ("\n".join(lines) + "\n").encode()
        return rewrite(path, out, change={"change-log/entries.jsonl": lambda _: data})

    return tamper


def _edit_line(index, **values):
    def edit(lines):
        entry = json.loads(lines[index])
        entry.update(values)
        lines[index] = json.dumps(entry, sort_keys=True)

    return edit


def _edit_manifest(data: bytes) -> bytes:
    manifest = json.loads(data)
    manifest["purpose"] = "Something else"
    return json.dumps(manifest, indent=1, sort_keys=True).encode()


TAMPERING = [
    (
        "changed-evidence-byte",
        lambda p, o: rewrite(p, o, change={_first(p, "evidence"): flip_last_byte}),
        "its SHA-256 does not match the manifest",
    ),
    (
        "removed-file",
        lambda p, o: rewrite(p, o, drop={_first(p, "evidence")}),
        "listed in the manifest but missing from the bundle",
    ),
    (
        "added-file",
        lambda p, o: rewrite(p, o, add={"evidence/extra.pdf": b"%PDF-1.7 new"}),
        "evidence/extra.pdf: in the bundle but not listed in the manifest",
    ),
    (
        "edited-entry",
        _chain_edit(_edit_line(3, object_repr="Rewritten")),
        "its content does not match its hash",
    ),
    (
        "removed-entry",
        _chain_edit(lambda lines: lines.pop(4)),
        "missing (found",
    ),
    (
        "manifest-edited-after-signing",
        lambda p, o: rewrite(p, o, change={"manifest.json": _edit_manifest}),
        "the signature in manifest.sig does not match",
    ),
]


def check_recomputed_chain_is_caught_by_the_signature(path, tmp_path):
    """Someone who edits an entry, recomputes every hash after it and fixes the
    manifest's file hash and head still cannot sign the manifest."""
    with zipfile.ZipFile(path) as archive:
        lines = archive.read("change-log/entries.jsonl").decode().splitlines()
        manifest = json.loads(archive.read("manifest.json"))
    entries = [json.loads(line) for line in lines]
    entries[2]["object_repr"] = "Rewritten"
    previous = entries[1]["hash"]
    for entry in entries[2:]:
        entry["prev_hash"] = previous
        entry["hash"] = previous = bundle_verifier.entry_hash(entry)
    data = ("\n".join(json.dumps(e, sort_keys=True) for e in entries) + "\n").encode()
    for item in manifest["files"]:
        if item["path"] == "change-log/entries.jsonl":
            item["sha256"], item["size"] = hashlib.sha256(data).hexdigest(), len(data)
    manifest["change_log"]["head_hash"] = previous
    forged = rewrite(
        path,
        tmp_path / "forged",
        change={
            "change-log/entries.jsonl": lambda _: data,
            "manifest.json": lambda _: json.dumps(manifest, sort_keys=True).encode(),
        },
    )
    problems = bundle_verifier.verify(forged, signing.public_key_pem()).problems
    assert problems and all("signature" in problem for problem in problems), problems


def check_another_key_is_refused(path):
    other = Ed25519PrivateKey.generate().public_key()
    pem = other.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    result = bundle_verifier.verify(path, pem)
    assert any("signature" in problem for problem in result.problems)


def test_an_evidence_file_missing_from_storage_is_said_in_the_bundle(
    system_pack, auditor, django_capture_on_commit_callbacks, tmp_path
):
    stored = EvidenceFile.objects.get(evidence__title="Fairness test report")
    default_storage.delete(stored.file.name)
    bundle = build_bundle(auditor, [system_pack], django_capture_on_commit_callbacks)
    assert bundle.status == PackStatus.READY, bundle.error
    assert len(bundle.warnings) == 1 and "missing from storage" in bundle.warnings[0]
    path = bundle_file(bundle, tmp_path)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["warnings"] == bundle.warnings
    assert bundle_verifier.verify(path, signing.public_key_pem()).ok


def test_a_change_log_scope_after_the_last_entry_holds_no_entries(
    auditor, django_capture_on_commit_callbacks, tmp_path
):
    import datetime

    from django.utils import timezone

    tomorrow = timezone.now().date() + datetime.timedelta(days=1)
    later = build_bundle(
        auditor, [], django_capture_on_commit_callbacks, change_log_since=tomorrow
    )
    assert later.status == PackStatus.READY, later.error
    assert later.entry_count == 0
    assert bundle_verifier.verify(bundle_file(later, tmp_path), None).ok


def test_packs_that_are_not_ready_or_not_visible_are_refused_by_name(
    system_pack, bob_system, manager, auditor, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    from audit.models import EvidencePack

    queued = EvidencePack.objects.create(
        reference="EVP-9999",
        kind="ai_system",
        target_id=bob_system.pk,
        target_repr=str(bob_system),
        requested_by=manager,
    )
    with pytest.raises(ValidationError) as refused:
        auditor_bundle_request(packs=[queued, 424242], actor=auditor)
    messages = refused.value.message_dict["packs"]
    assert any("EVP-9999 is queued" in m for m in messages)
    assert any("No evidence pack with id 424242" in m for m in messages)
    assert not AuditorBundle.objects.exists()


@pytest.mark.parametrize("persona", ["viewer", "alice", "committee"])
def test_who_may_not_request_a_bundle_gets_403(persona, request, api_for, client_for):
    user = request.getfixturevalue(persona)
    assert (
        api_for(user).post("/api/v1/auditor-bundles/", {}, format="json").status_code
        == 403
    )
    assert client_for(user).get("/audits/bundles/add/").status_code == 403


@pytest.mark.parametrize("persona", ["viewer", "alice"])
def test_who_may_not_read_the_change_log_sees_no_bundle(
    persona, request, built, api_for, client_for
):
    bundle, _ = built
    user = request.getfixturevalue(persona)
    assert client_for(user).get("/audits/bundles/").status_code == 403
    assert api_for(user).get("/api/v1/auditor-bundles/").status_code == 403
    assert (
        client_for(user).get(f"/audits/bundles/{bundle.pk}/download/").status_code
        == 404
    )


def test_the_api_requests_follows_and_downloads_a_bundle(
    system_pack, auditor, api_for, django_capture_on_commit_callbacks
):
    api = api_for(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/auditor-bundles/",
            {"packs": [system_pack.pk], "purpose": "Surveillance 2027"},
            format="json",
        )
    assert response.status_code == 202, response.content
    location = response["Location"]
    detail = api.get(location).json()
    assert detail["status"] == "ready" and detail["progress_percent"] == 100
    assert detail["packs"] == [system_pack.pk]
    download = api.get(detail["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    body = b"".join(download.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert "manifest.sig" in archive.namelist()
    key = api.get("/api/v1/auditor-bundles/public-key/")
    assert key.status_code == 200 and key["X-Key-Fingerprint"] == signing.key_id()
    bad = api.post(
        "/api/v1/auditor-bundles/",
        {"packs": [system_pack.pk], "change_log_since": "yesterday"},
        format="json",
    )
    assert bad.status_code == 400 and "change_log_since" in bad.json()


def test_the_pages_request_and_show_a_bundle(
    system_pack, auditor, client_for, django_capture_on_commit_callbacks
):
    client = client_for(auditor)
    page = client.get("/audits/bundles/add/")
    assert page.status_code == 200
    assert system_pack.reference in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/audits/bundles/add/",
            {"packs": [system_pack.pk], "purpose": "Stage 1"},
        )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "Download ZIP" in detail and signing.key_id() in detail
    listing = client.get("/audits/bundles/").content.decode()
    assert "Stage 1" in listing
    refused = client.post("/audits/bundles/add/", {"change_log_since": "31/31/2026"})
    assert refused.status_code == 400
    assert "Enter a valid date" in refused.content.decode()


def test_the_bundle_list_shows_a_bundle_still_being_built(
    system_pack, auditor, client_for, django_capture_on_commit_callbacks
):
    """A queued bundle (the worker has not started it) is listed as queued, not a 500."""
    with django_capture_on_commit_callbacks(execute=False):
        auditor_bundle_request(packs=[system_pack], actor=auditor, purpose="Stage 2")
    response = client_for(auditor).get("/audits/bundles/")
    assert response.status_code == 200
    assert "Stage 2" in response.content.decode()
    assert "Queued" in response.content.decode()


def test_the_bundle_list_reads_a_constant_number_of_queries(
    auditor, client_for, django_assert_max_num_queries
):

    client = client_for(auditor)

    def add(count):
        for _ in range(count):
            with_bundle = AuditorBundle.objects.create(
                reference=f"AUB-{AuditorBundle.objects.count() + 1:04d}",
                requested_by=auditor,
                status=PackStatus.FAILED,
            )
            assert with_bundle.pk

    add(2)
    with django_assert_max_num_queries(25):
        assert client.get("/audits/bundles/").status_code == 200
    add(20)
    with django_assert_max_num_queries(25):
        assert client.get("/audits/bundles/").status_code == 200
