"""The evidence-pack API (202, status, download, retry, errors by field, schema) and
pages (request form, progress, error and retry, download), and their query counts."""

import pytest
from django.urls import reverse

from audit.choices import PackStatus
from audit.models import EvidencePack
from audit.services import evidence_pack_request

from .helpers import request_pack, sha256, stored_bytes

API = "/api/v1/evidence-packs/"


def test_a_request_answers_202_at_once_with_the_queued_pack(
    alice_system, auditor, api_for
):
    response = api_for(auditor).post(
        API,
        {
            "kind": "ai_system",
            "target": alice_system.pk,
            "parameters": {"history_since": "2026-01-01"},
        },
    )
    assert response.status_code == 202, response.data
    pack = EvidencePack.objects.get()
    assert response["Location"].endswith(f"{API}{pack.pk}/")
    assert response.data["status"] == "queued"
    assert response.data["scope"] == str(alice_system)
    assert response.data["parameters"] == {"history_since": "2026-01-01"}
    assert response.data["requested_by"]["username"] == "audrey"
    assert response.data["download_url"] is None


def test_the_api_follows_the_build_and_downloads_the_pdf(
    alice_system, auditor, api_for, django_capture_on_commit_callbacks
):
    api = api_for(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(API, {"kind": "ai_system", "target": alice_system.pk})
    pack = api.get(created["Location"]).data
    assert pack["status"] == "ready" and pack["page_count"] >= 5
    assert pack["chain_head_seq"] and len(pack["chain_head_hash"]) == 64

    response = api.get(pack["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert pack["file_name"] in response["Content-Disposition"]
    assert sha256(b"".join(response.streaming_content)) == pack["sha256"]
    pdf_accept = api.get(pack["download_url"], HTTP_ACCEPT="application/pdf")
    assert pdf_accept.status_code == 200

    assert api.post(f"{API}{pack['id']}/retry/").status_code == 409


def test_a_pack_not_ready_is_not_downloadable(
    alice_system, auditor, api_for, client_for
):
    pack = evidence_pack_request(
        kind="ai_system", target_id=alice_system.pk, parameters={}, actor=auditor
    )
    response = api_for(auditor).get(f"{API}{pack.pk}/download/")
    assert response.status_code == 409
    assert "queued" in response.data["detail"]
    page = client_for(auditor).get(pack.download_url)
    assert page.status_code == 302 and page["Location"] == pack.get_absolute_url()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"target": 1}, "kind"),
        ({"kind": "nope", "target": 1}, "kind"),
        ({"kind": "ai_system"}, "target"),
        ({"kind": "ai_system", "target": "abc"}, "target"),
        ({"kind": "ai_system", "target": 424242}, "target"),
        ({"kind": "ai_system", "target": "SYSTEM", "parameters": []}, "parameters"),
        (
            {"kind": "ai_system", "target": "SYSTEM", "parameters": {"x": 1}},
            "parameters",
        ),
        (
            {
                "kind": "ai_system",
                "target": "SYSTEM",
                "parameters": {"history_since": "soon"},
            },
            "parameters",
        ),
    ],
)
def test_bad_input_is_a_400_with_errors_by_field(
    alice_system, auditor, api_for, body, field
):
    if body.get("target") == "SYSTEM":
        body = {**body, "target": alice_system.pk}
    response = api_for(auditor).post(API, body)
    assert response.status_code == 400
    assert field in response.data, response.data
    assert not EvidencePack.objects.exists()


def test_the_schema_documents_the_pack_endpoints(auditor, api_for):
    schema = api_for(auditor).get("/api/schema/", HTTP_ACCEPT="application/json")
    paths = schema.json()["paths"]
    assert set(paths[API]) >= {"get", "post"}
    assert "202" in paths[API]["post"]["responses"]
    assert "400" in paths[API]["post"]["responses"]
    assert (
        "application/pdf"
        in paths[f"{API}{{id}}/download/"]["get"]["responses"]["200"]["content"]
    )
    assert "409" in paths[f"{API}{{id}}/retry/"]["post"]["responses"]


def test_the_request_page_queues_a_pack_and_shows_its_progress(
    alice_system, committee, client_for
):
    client = client_for(committee)
    form = client.get(
        reverse("audit:evidencepack_add") + f"?kind=ai_system&target={alice_system.pk}"
    )
    assert form.status_code == 200
    assert f'<option value="{alice_system.pk}" selected>' in form.content.decode()

    response = client.post(
        reverse("audit:evidencepack_add"),
        {"kind": "ai_system", "target": alice_system.pk, "history_since": ""},
        follow=True,
    )
    pack = EvidencePack.objects.get()
    assert response.redirect_chain[-1][0] == pack.get_absolute_url()
    page = response.content.decode()
    assert "Queued" in page and 'http-equiv="refresh"' in page
    assert "Waiting for a worker" in page and "pack.requested" in page


def test_the_request_page_shows_errors_next_to_the_fields(
    alice_system, committee, client_for
):
    response = client_for(committee).post(
        reverse("audit:evidencepack_add"),
        {"kind": "ai_system", "target": "", "history_since": "not a date"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page and "Enter a valid date." in page
    assert not EvidencePack.objects.exists()


def test_a_failed_pack_page_shows_the_error_and_retries(
    alice_system, manager, client_for, django_capture_on_commit_callbacks
):
    pack = evidence_pack_request(
        kind="ai_system", target_id=alice_system.pk, parameters={}, actor=manager
    )
    pack.status, pack.error = PackStatus.FAILED, "OSError: No space left on device"
    pack.save()
    client = client_for(manager)
    page = client.get(pack.get_absolute_url()).content.decode()
    assert "The build failed." in page and "No space left on device" in page
    assert reverse("audit:evidencepack_retry", args=[pack.pk]) in page
    assert 'http-equiv="refresh"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:evidencepack_retry", args=[pack.pk]))
    assert response["Location"] == pack.get_absolute_url()
    pack.refresh_from_db()
    assert pack.status == PackStatus.READY
    page = client.get(pack.get_absolute_url()).content.decode()
    assert "Download PDF" in page and pack.sha256 in page
    assert client.get(pack.download_url)["X-Content-Type-Options"] == "nosniff"


def test_the_list_filters_by_kind_status_and_mine(
    alice_system,
    auditor,
    committee,
    client_for,
    api_for,
    django_capture_on_commit_callbacks,
):
    mine = request_pack(
        auditor, alice_system, capture=django_capture_on_commit_callbacks
    )
    theirs = evidence_pack_request(
        kind="ai_system", target_id=alice_system.pk, parameters={}, actor=committee
    )
    api = api_for(auditor)
    assert [p["id"] for p in api.get(API, {"mine": "true"}).data["results"]] == [
        mine.pk
    ]
    assert [p["id"] for p in api.get(API, {"status": "queued"}).data["results"]] == [
        theirs.pk
    ]
    assert api.get(API, {"kind": "ai_system"}).data["count"] == 2
    assert api.get(API, {"kind": "nope"}).status_code == 400
    page = client_for(auditor).get(reverse("audit:evidencepack_list"), {"mine": "true"})
    content = page.content.decode()
    assert mine.reference in content and theirs.reference not in content
    assert mine.download_url in content
    assert stored_bytes(mine).startswith(b"%PDF-")


def _packs(total, users, system):
    import datetime

    for index in range(EvidencePack.objects.count(), total):
        # Different parameters: an identical request while one is queued is refused.
        since = datetime.date(2020, 1, 1) + datetime.timedelta(days=index)
        evidence_pack_request(
            kind="ai_system",
            target_id=system.pk,
            parameters={"history_since": since.isoformat()},
            actor=users[index % len(users)],
        )


@pytest.mark.parametrize("total", [3, 30])
def test_the_pack_lists_take_a_fixed_number_of_queries(
    total,
    alice_system,
    auditor,
    committee,
    manager,
    client_for,
    api_for,
    django_assert_max_num_queries,
):
    _packs(total, [auditor, committee, manager], alice_system)
    client, api = client_for(auditor), api_for(auditor)
    # One more than the API: the unread-notification count in the navigation.
    with django_assert_max_num_queries(8):
        assert client.get(reverse("audit:evidencepack_list")).status_code == 200
    with django_assert_max_num_queries(5):
        assert api.get(API).data["count"] == total
