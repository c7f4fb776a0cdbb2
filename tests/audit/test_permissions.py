"""Who may request, see, download and retry evidence packs, on the pages and the API.

Administrators, the governance committee, AIMS managers and auditors may (their roles
grant ``audit.add_evidencepack`` and ``audit.view_evidencepack`` and they read the change
log the pack prints); risk owners, AI system owners, viewers and people without a role
may not. Whoever may, may only for targets they can see: a pack of a system they can no
longer see is hidden and cannot be downloaded.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.choices import PackStatus
from audit.models import EvidencePack
from audit.services import evidence_pack_request
from registry.models import AISystem
from registry.services import ai_system_save

from .helpers import request_pack, sha256, stored_bytes

ALLOWED = ["admin_user", "committee", "manager", "auditor"]
DENIED = ["risk_owner", "alice", "bob", "viewer", "outsider"]
API = "/api/v1/evidence-packs/"


@pytest.fixture
def personas(request):
    return {name: request.getfixturevalue(name) for name in ALLOWED + DENIED}


def test_only_the_allowed_roles_may_request_packs(
    personas, alice_system, client_for, api_for
):
    add_url = reverse("audit:evidencepack_add")
    for name, user in personas.items():
        allowed = name in ALLOWED
        client, api = client_for(user), api_for(user)
        page = client.get(f"{add_url}?target={alice_system.pk}")
        assert page.status_code == (200 if allowed else 403), name
        posted = client.post(add_url, {"kind": "ai_system", "target": alice_system.pk})
        assert posted.status_code == (302 if allowed else 403), name
        created = api.post(
            API,
            {
                "kind": "ai_system",
                "target": alice_system.pk,
                "parameters": {"history_since": "2026-01-01"},
            },
        )
        assert created.status_code == (202 if allowed else 403), (name, created.data)
    assert EvidencePack.objects.count() == 2 * len(ALLOWED)
    assert set(
        EvidencePack.objects.values_list("requested_by__username", flat=True)
    ) == {personas[name].username for name in ALLOWED}


def test_only_the_allowed_roles_may_see_download_and_retry_packs(
    personas,
    alice_system,
    auditor,
    client_for,
    api_for,
    django_capture_on_commit_callbacks,
):
    ready = request_pack(
        auditor, alice_system, capture=django_capture_on_commit_callbacks
    )
    failed = evidence_pack_request(
        kind="ai_system", target_id=alice_system.pk, parameters={}, actor=auditor
    )
    digest = sha256(stored_bytes(ready))

    def fail():
        failed.status, failed.error = PackStatus.FAILED, "RuntimeError: test"
        failed.save()

    for name, user in personas.items():
        allowed = name in ALLOWED
        client, api = client_for(user), api_for(user)
        fail()

        listed = client.get(reverse("audit:evidencepack_list"))
        assert listed.status_code == (200 if allowed else 403), name
        assert (ready.reference in listed.content.decode()) is allowed
        api_list = api.get(API)
        assert api_list.status_code == (200 if allowed else 403), name
        if allowed:
            assert {row["id"] for row in api_list.data["results"]} == {
                ready.pk,
                failed.pk,
            }

        detail = client.get(ready.get_absolute_url())
        assert detail.status_code == (200 if allowed else 404), name
        assert api.get(f"{API}{ready.pk}/").status_code == (200 if allowed else 403)

        download = client.get(ready.download_url)
        api_download = api.get(f"{API}{ready.pk}/download/")
        if allowed:
            for response in (download, api_download):
                assert response.status_code == 200, name
                assert sha256(b"".join(response.streaming_content)) == digest
        else:
            assert download.status_code == 404
            assert api_download.status_code == 403

        retried = client.post(reverse("audit:evidencepack_retry", args=[failed.pk]))
        assert retried.status_code == (302 if allowed else 404), name
        failed.refresh_from_db()
        assert (failed.status == PackStatus.QUEUED) is allowed
        fail()
        api_retry = api.post(f"{API}{failed.pk}/retry/")
        assert api_retry.status_code == (202 if allowed else 403), name


@pytest.fixture
def alice_with_packs(alice):
    """Alice (AI system owner) given the pack permissions directly, to show that the
    target's visibility still limits her."""
    for codename in ("add_evidencepack", "view_evidencepack", "view_objectchange"):
        alice.user_permissions.add(Permission.objects.get(codename=codename))
    return type(alice).objects.get(pk=alice.pk)  # fresh permission cache


def test_packs_follow_the_visibility_of_their_target(
    alice_with_packs,
    bob,
    alice_system,
    bob_system,
    auditor,
    client_for,
    api_for,
    django_capture_on_commit_callbacks,
):
    alice = alice_with_packs
    client, api = client_for(alice), api_for(alice)

    # The chooser offers only systems she may see; others are refused like unknown ids.
    form = client.get(reverse("audit:evidencepack_add")).content.decode()
    assert alice_system.name.replace("'", "&#x27;") in form
    assert "Bob" not in form
    hidden = api.post(API, {"kind": "ai_system", "target": bob_system.pk})
    missing = api.post(API, {"kind": "ai_system", "target": 987654})
    assert hidden.status_code == missing.status_code == 400
    assert hidden.data["target"][0].replace(str(bob_system.pk), "N") == missing.data[
        "target"
    ][0].replace("987654", "N")
    posted = client.post(
        reverse("audit:evidencepack_add"),
        {"kind": "ai_system", "target": bob_system.pk},
    )
    assert posted.status_code == 400

    # Packs of systems she cannot see stay hidden.
    bob_pack = request_pack(
        auditor, bob_system, capture=django_capture_on_commit_callbacks
    )
    assert (
        bob_pack.reference
        not in client.get(reverse("audit:evidencepack_list")).content.decode()
    )
    assert client.get(bob_pack.get_absolute_url()).status_code == 404
    assert client.get(bob_pack.download_url).status_code == 404
    assert api.get(f"{API}{bob_pack.pk}/").status_code == 404
    assert api.get(f"{API}{bob_pack.pk}/download/").status_code == 404

    # Her own pack is hers until the system moves to someone else.
    own = request_pack(alice, alice_system, capture=django_capture_on_commit_callbacks)
    assert own.status == PackStatus.READY
    assert client.get(own.download_url).status_code == 200
    system = AISystem.objects.get(pk=alice_system.pk)
    system.owner = bob
    ai_system_save(system=system, actor=bob)
    alice = type(alice).objects.get(pk=alice.pk)
    client, api = client_for(alice), api_for(alice)
    assert client.get(own.download_url).status_code == 404
    assert api.get(f"{API}{own.pk}/download/").status_code == 404
    assert api.get(API).data["count"] == 0


def test_the_ai_system_page_offers_the_pack_to_allowed_roles_only(
    personas, alice_system, client_for
):
    for name, user in personas.items():
        if name in ("bob", "outsider"):
            continue  # they cannot see Alice's system at all
        page = client_for(user).get(alice_system.get_absolute_url())
        assert page.status_code == 200, name
        assert ("Evidence pack: AI system pack" in page.content.decode()) is (
            name in ALLOWED
        ), name
