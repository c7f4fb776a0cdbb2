"""The evidence store: uploads checked by content, files kept by version with their
SHA-256, downloads that no browser renders, expiry, restricted items, S3."""

import datetime
import hashlib
import re
import socket

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aims.models import ObjectChange
from controls.choices import Freshness
from controls.models import Evidence, EvidenceFile
from controls.models.evidence import freshness

from .conftest import PDF_BYTES, PNG_BYTES, make_evidence, upload


def api_upload(api, name, content, **fields):
    data = {"title": "Upload test", "controls": ["A.6.2.4"], **fields}
    data["file"] = SimpleUploadedFile(name, content)
    return api.post("/api/v1/evidence/", data, format="multipart")


def every_file_under(root):
    return {p for p in root.rglob("*") if p.is_file()}


# Upload attacks: each refused (or neutralised) with a clear message, nothing stored.

ATTACKS = [
    ("empty.pdf", b"", "file is empty."),
    ("scan.png", PDF_BYTES, "content is PDF, but its name ends in .png"),
    ("page.txt", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML, SVG"),
    ("page.html", b"<html><body><script>alert(1)</script></body></html>", "HTML, SVG"),
    (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "HTML, SVG",
    ),
    ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "not accepted"),
    (
        "notes.php",
        b"just text but a server-side extension",
        "A text file must be named",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), ATTACKS)
def test_bad_uploads_are_refused_with_a_clear_message(
    manager, api_for, media_root, name, content, message
):
    response = api_upload(api_for(manager), name, content)
    assert response.status_code == 400
    assert message in str(response.json()["file"])
    assert not Evidence.objects.exists()
    assert every_file_under(media_root) == set()


def test_an_oversized_file_is_refused(manager, api_for, settings, media_root):
    settings.AIMS_MAX_EVIDENCE_BYTES = 1000
    response = api_upload(api_for(manager), "big.txt", b"a" * 1001)
    assert response.status_code == 400
    assert "the limit is 1000" in str(response.json()["file"])
    assert every_file_under(media_root) == set()


def test_the_page_refuses_a_bad_upload_and_keeps_the_form(manager, client_for):
    response = client_for(manager).post(
        reverse("controls:evidence_add"),
        {
            "title": "Screenshot",
            "collected_on": datetime.date.today().isoformat(),
            "owner": manager.pk,
            "file": SimpleUploadedFile("shot.png", PDF_BYTES),
        },
    )
    assert response.status_code == 400
    assert "content is PDF" in str(response.context["form"].errors["file"])
    assert 'value="Screenshot"' in response.content.decode()


def test_path_traversal_and_long_names_are_neutralised(
    manager, api_for, media_root, tmp_path
):
    api = api_for(manager)
    response = api_upload(api, "../../../etc/cron.d/evil.txt", b"harmless text\n")
    assert response.status_code == 201
    stored = EvidenceFile.objects.get()
    assert stored.original_name == "evil.txt"
    long_name = "x" * 300 + ".pdf"
    response = api_upload(api, long_name, PDF_BYTES)
    assert response.status_code == 201
    long_file = EvidenceFile.objects.get(
        evidence__reference=response.json()["reference"]
    )
    assert len(long_file.original_name) <= 120 and long_file.original_name.endswith(
        ".pdf"
    )
    # Stored under server-chosen names inside the storage folder, nowhere else.
    files = every_file_under(media_root)
    assert len(files) == 2
    assert all(p.resolve().is_relative_to(media_root.resolve()) for p in files)
    assert not any(p.name in ("evil.txt",) for p in files)
    assert not (tmp_path / "etc").exists()


def test_the_sha256_matches_the_stored_bytes(manager):
    evidence = make_evidence(
        manager, upload_file=upload("scan.png", PNG_BYTES, "image/png")
    )
    stored = evidence.files.get()
    with default_storage.open(stored.file.name, "rb") as handle:
        content = handle.read()
    assert content == PNG_BYTES
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.content_type == "image/png" and stored.size == len(PNG_BYTES)
    assert stored.file.name.startswith("evidence/") and "scan" not in stored.file.name


def test_a_new_version_keeps_the_old_one(manager, api_for):
    evidence = make_evidence(manager)
    api = api_for(manager)
    response = api.post(
        f"/api/v1/evidence/{evidence.pk}/upload/",
        {"file": SimpleUploadedFile("report-v2.txt", b"second version\n")},
        format="multipart",
    )
    assert response.status_code == 201 and response.json()["number"] == 2
    assert list(evidence.files.values_list("number", flat=True)) == [2, 1]
    first = api.get(f"/api/v1/evidence/{evidence.pk}/download/", {"number": 1})
    assert b"".join(first.streaming_content) == PDF_BYTES
    newest = api.get(f"/api/v1/evidence/{evidence.pk}/download/")
    assert b"".join(newest.streaming_content) == b"second version\n"
    events = ObjectChange.objects.filter(
        event="evidence.file_added", object_id=str(evidence.pk)
    )
    assert events.count() == 2


def test_an_evidence_item_with_files_cannot_be_deleted(manager, api_for):
    evidence = make_evidence(manager)
    response = api_for(manager).delete(f"/api/v1/evidence/{evidence.pk}/")
    assert response.status_code == 409
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_downloads_are_attachments_that_are_never_sniffed(manager, client_for):
    evidence = make_evidence(
        manager, upload_file=upload("notes.txt", b"<b>hi</b> text\n", "text/html")
    )
    response = client_for(manager).get(
        reverse("controls:evidence_download", args=[evidence.pk, 1])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="notes.txt"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"].startswith("text/plain")
    assert "sandbox" in response["Content-Security-Policy"]


def test_one_item_links_many_controls_risks_and_systems(
    manager, alice, alice_system, client_for
):
    from tests.factories import make_risk

    risk = make_risk(manager, alice_system)
    evidence = make_evidence(manager, controls=["A.6.2.4", "A.6.2.5", "A.9.2"])
    evidence.risks.add(risk)
    evidence.ai_systems.add(alice_system)
    for control_id in ("A.6.2.4", "A.6.2.5", "A.9.2"):
        from controls.models import Control

        page = client_for(manager).get(
            Control.objects.get(control_id=control_id).get_absolute_url()
        )
        assert evidence.reference in page.content.decode()
    detail = client_for(manager).get(evidence.get_absolute_url()).content.decode()
    assert risk.reference in detail and alice_system.reference in detail


def test_editing_evidence_keeps_links_the_editor_cannot_see(
    manager, alice, bob, bob_system, api_for
):
    from aims.permissions import grant

    evidence = make_evidence(alice, controls=["A.6.2.4"])
    evidence.ai_systems.add(bob_system)
    grant(alice, evidence)
    response = api_for(alice).patch(
        f"/api/v1/evidence/{evidence.pk}/",
        {"title": "Renamed", "ai_systems": []},
        format="json",
    )
    assert response.status_code == 200
    assert list(evidence.ai_systems.all()) == [bob_system]


def test_the_api_reads_only_visible_links_and_a_patch_answers_with_the_new_ones(
    manager, alice, alice_system, bob_system, api_for
):
    from aims.permissions import grant

    evidence = make_evidence(alice, controls=["A.6.2.4"])
    evidence.ai_systems.add(bob_system)
    grant(alice, evidence)
    api = api_for(alice)
    listed = api.get("/api/v1/evidence/").json()["results"]
    assert [row["ai_systems"] for row in listed if row["id"] == evidence.pk] == [[]]
    response = api.patch(
        f"/api/v1/evidence/{evidence.pk}/",
        {"ai_systems": [alice_system.reference]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["ai_systems"] == [alice_system.reference]
    read = api_for(manager).get(f"/api/v1/evidence/{evidence.pk}/").json()
    assert sorted(read["ai_systems"]) == sorted(
        [alice_system.reference, bob_system.reference]
    )


# Expiry

TODAY = datetime.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("valid_until", "state"),
    [
        (None, Freshness.VALID),
        (TODAY - datetime.timedelta(days=1), Freshness.EXPIRED),
        (TODAY, Freshness.EXPIRING),
        (TODAY + datetime.timedelta(days=30), Freshness.EXPIRING),
        (TODAY + datetime.timedelta(days=31), Freshness.VALID),
    ],
)
def test_freshness_at_the_boundaries(valid_until, state):
    assert freshness(valid_until, TODAY) == state


def test_the_freshness_filter_agrees_with_the_badges(manager, client_for):
    today = datetime.date.today()
    expired = make_evidence(
        manager,
        url="https://wiki.example.org/x",
        collected_on=today - datetime.timedelta(days=90),
        valid_until=today - datetime.timedelta(days=1),
    )
    expiring = make_evidence(
        manager,
        url="https://wiki.example.org/y",
        valid_until=today + datetime.timedelta(days=30),
    )
    valid = make_evidence(
        manager,
        url="https://wiki.example.org/z",
        valid_until=today + datetime.timedelta(days=31),
    )
    client = client_for(manager)
    for state, item in (("expired", expired), ("expiring", expiring), ("valid", valid)):
        rows = list(
            client.get(reverse("controls:evidence_list"), {"freshness": state})
            .context["table"]
            .data
        )
        assert [r.reference for r in rows] == [item.reference]


def test_evidence_cannot_expire_before_it_was_collected(manager, api_for):
    response = api_for(manager).post(
        "/api/v1/evidence/",
        {
            "title": "Link",
            "url": "https://tickets.example.org/1",
            "collected_on": "2026-11-01",
            "valid_until": "2026-10-01",
        },
        format="json",
    )
    assert response.status_code == 400 and "valid_until" in response.json()


def test_a_link_needs_a_web_address(manager, api_for):
    response = api_for(manager).post(
        "/api/v1/evidence/",
        {"title": "Link", "url": "javascript:alert(1)"},
        format="json",
    )
    assert response.status_code == 400 and "url" in response.json()


# Restricted evidence


def test_viewers_see_restricted_evidence_but_do_not_download_it(
    manager, viewer, auditor, api_for, client_for
):
    evidence = make_evidence(manager, restricted=True)
    assert api_for(viewer).get(f"/api/v1/evidence/{evidence.pk}/").status_code == 200
    assert (
        api_for(viewer).get(f"/api/v1/evidence/{evidence.pk}/download/").status_code
        == 403
    )
    assert (
        client_for(viewer)
        .get(reverse("controls:evidence_download", args=[evidence.pk, 1]))
        .status_code
        == 403
    )
    assert (
        api_for(auditor).get(f"/api/v1/evidence/{evidence.pk}/download/").status_code
        == 200
    )
    assert (
        client_for(auditor)
        .get(reverse("controls:evidence_download", args=[evidence.pk, 1]))
        .status_code
        == 200
    )


# S3-compatible storage (moto's S3 server on loopback)


@pytest.fixture
def s3_storage(settings):
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    credentials = {
        "aws_access_key_id": "test",
        "aws_secret_access_key": "test",
        "region_name": "us-east-1",
    }
    boto3.client("s3", endpoint_url=endpoint, **credentials).create_bucket(
        Bucket="aims-evidence"
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "aims-evidence",
                "endpoint_url": endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }
    yield boto3.client("s3", endpoint_url=endpoint, **credentials)
    server.stop()


def test_evidence_files_round_trip_through_s3(manager, api_for, s3_storage, media_root):
    response = api_upload(api_for(manager), "report.pdf", PDF_BYTES)
    assert response.status_code == 201
    stored = EvidenceFile.objects.get()
    listed = s3_storage.list_objects_v2(Bucket="aims-evidence")["Contents"]
    assert [obj["Key"] for obj in listed] == [stored.file.name]
    body = s3_storage.get_object(Bucket="aims-evidence", Key=stored.file.name)[
        "Body"
    ].read()
    assert hashlib.sha256(body).hexdigest() == stored.sha256
    download = api_for(manager).get(f"/api/v1/evidence/{stored.evidence_id}/download/")
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert every_file_under(media_root) == set()


@pytest.mark.parametrize(
    ("restricted", "shown", "not_shown"),
    [
        (False, "No", "auditors, the committee"),
        (True, "Yes: owners, auditors, the committee and AIMS managers", "yes: owners"),
    ],
)
def test_the_detail_page_says_whether_the_item_is_restricted(
    manager, client_for, restricted, shown, not_shown
):
    item = make_evidence(
        manager, url="https://wiki.example.org/r", restricted=restricted
    )
    page = client_for(manager).get(item.get_absolute_url()).content.decode()
    value = re.search(r"<dt[^>]*>Restricted</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S)
    assert value is not None
    assert value.group(1).strip().startswith(shown)
    assert not_shown not in value.group(1)
