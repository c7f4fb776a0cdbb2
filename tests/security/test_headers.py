"""Security headers on every kind of response: pages, forms, the login page, errors,
API JSON, exports, evidence downloads, pack PDFs, the token page and the API docs."""

import re

import pytest
from django.urls import reverse

from tests.audit.helpers import request_pack
from tests.controls.conftest import make_evidence, media_root  # noqa: F401

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.I)


def _policy(response) -> dict[str, str]:
    parts = (part.strip() for part in response["Content-Security-Policy"].split(";"))
    return dict((part.split(" ", 1) + [""])[:2] for part in parts if part)


def assert_strict_page(response):
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and "unsafe" not in policy["style-src"]
    assert policy["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert not STYLE_ATTRIBUTE.search(html), STYLE_ATTRIBUTE.search(html).group(0)
    assert not EVENT_HANDLER.search(html), EVENT_HANDLER.search(html).group(0)


def assert_not_stored(response):
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def pages(manager, alice_system, client_for):
    client = client_for(manager)
    system = reverse("registry:aisystem_detail", args=[alice_system.pk])
    return client, [
        reverse("home"),
        reverse("registry:aisystem_list"),
        system,
        reverse("registry:aisystem_edit", args=[alice_system.pk]),
        reverse("registry:aisystem_history", args=[alice_system.pk]),
        reverse("registry:aisystem_add"),
        reverse("changelog"),
        reverse("token"),
        reverse("notification_preferences"),
        reverse("readiness"),
        reverse("risk:riskcriteria_list"),
        reverse("risk:risk_list"),
        reverse("audit:evidencepack_list"),
        reverse("controls:evidence_list"),
        "/no-such-page/",
    ]


def test_every_signed_in_page_has_the_strict_policy_and_is_not_stored(pages):
    client, paths = pages
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert_strict_page(response)
        assert_not_stored(response)


def test_the_login_page_and_a_refusal_have_the_policy(viewer, client_for, client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_strict_page(response)
    refused = client_for(viewer).get(reverse("registry:aisystem_add"))
    assert refused.status_code == 403
    assert_strict_page(refused)


def test_the_api_docs_load_their_script_from_a_file(viewer, client_for):
    client = client_for(viewer)
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    assert_strict_page(page)
    script = client.get(reverse("api-docs"), {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_api_json_and_exports_are_not_stored(manager, api_for, client_for, alice_system):
    api = api_for(manager)
    listing = api.get("/api/v1/ai-systems/")
    assert listing.status_code == 200
    assert_not_stored(listing)
    token = api.get("/api/v1/me/token/")
    assert_not_stored(token)
    export = client_for(manager).get(reverse("registry:aisystem_list"), {"export": "csv"})
    assert export.status_code == 200
    assert_not_stored(export)
    assert _policy(export)["sandbox"] == ""


def test_evidence_downloads_and_pack_pdfs_are_sandboxed(
    manager, auditor, alice_system, client_for, api_for, django_capture_on_commit_callbacks
):
    evidence = make_evidence(manager)
    download = client_for(manager).get(
        reverse("controls:evidence_download", args=[evidence.pk, 1])
    )
    assert download.status_code == 200
    assert "sandbox" in _policy(download) and _policy(download)["default-src"] == "'none'"
    assert_not_stored(download)

    pack = request_pack(auditor, alice_system, capture=django_capture_on_commit_callbacks)
    pdf = api_for(auditor).get(f"/api/v1/evidence-packs/{pack.pk}/download/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "sandbox" in _policy(pdf)
    assert_not_stored(pdf)


def test_anonymous_answers_have_the_permissions_policy(client):
    response = client.get("/healthz")
    assert "camera=()" in response["Permissions-Policy"]
