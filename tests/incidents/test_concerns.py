"""Concerns (A.3.3): anyone raises one; a withheld name reaches the AIMS managers only.

The reporter's name must be absent from every page, API response, export and change-log
entry that anyone other than an AIMS manager (or the reporter) can see."""

import pytest
from django.urls import reverse

from aims.models import ObjectChange
from incidents.models import Concern

from .helpers import make_concern

pytestmark = pytest.mark.django_db

REPORTER_NAME = "Rosalind"


@pytest.fixture
def reporter(db):
    from aims import roles
    from tests.factories import make_user

    return make_user(
        "rosalind", roles.VIEWER, first_name=REPORTER_NAME, last_name="Franklin"
    )


def _everything_visible(client, api, concern, system) -> list[tuple[str, str]]:
    """(where, text) of every page and API answer that can show the concern."""
    places = [
        ("concern list", reverse("incidents:concern_list")),
        ("concern page", concern.get_absolute_url()),
        ("concern history", reverse("incidents:concern_history", args=[concern.pk])),
        (
            "system concerns tab",
            reverse("registry:aisystem_tab", args=[system.pk, "concerns"]),
        ),
    ]
    texts = []
    for where, url in places:
        if not url:
            continue
        response = client.get(url)
        if response.status_code == 200:
            texts.append((where, response.content.decode()))
    for where, url in [
        ("api list", "/api/v1/concerns/"),
        ("api detail", f"/api/v1/concerns/{concern.pk}/"),
        ("api history", f"/api/v1/concerns/{concern.pk}/history/"),
        # The change-log page's user filter lists every user; its entries are the API's.
        ("api change log", "/api/v1/change-log/?content_type=incidents.concern"),
    ]:
        response = api.get(url)
        if response.status_code == 200:
            texts.append((where, response.content.decode()))
    return texts


def test_a_viewer_raises_a_concern_and_sees_the_outcome(
    client_for, reporter, committee, alice_system
):
    client = client_for(reporter)
    response = client.post(
        reverse("incidents:concern_add"),
        {
            "ai_system": alice_system.pk,
            "subject": "Applicants are not told a model ranks them",
            "description": "The job page says nothing about automated ranking.",
            "name_withheld": "on",
        },
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.reporter == reporter and concern.name_withheld
    # The committee answers; the reporter reads the answer.
    handler = client_for(committee)
    response = handler.post(
        reverse("incidents:concern_edit", args=[concern.pk]),
        {
            "status": "responded",
            "response": "We added a notice to the job page.",
            "_version": concern.version,
        },
    )
    assert response.status_code == 302
    page = client.get(concern.get_absolute_url()).content.decode()
    assert "We added a notice to the job page." in page
    assert "Raised by:</strong> You" in page
    # The reporter may not handle it themselves.
    assert (
        client.get(reverse("incidents:concern_edit", args=[concern.pk])).status_code
        == 403
    )


@pytest.mark.parametrize(
    "persona", ["committee", "auditor", "alice", "admin_user", "viewer"]
)
def test_a_withheld_name_is_shown_to_nobody_but_the_managers(
    request, persona, api_for, client_for, reporter, alice_system
):
    concern = make_concern(reporter, alice_system, withheld=True)
    user = request.getfixturevalue(persona)
    texts = _everything_visible(client_for(user), api_for(user), concern, alice_system)
    for where, text in texts:
        assert REPORTER_NAME not in text, (
            f"{persona} sees the reporter's name on the {where}"
        )
        assert "rosalind" not in text.lower(), (
            f"{persona} sees the reporter's username on the {where}"
        )
    if persona in ("committee", "auditor", "admin_user"):
        assert any(where == "concern page" for where, _ in texts)
        assert any("Name withheld" in text for _, text in texts)


def test_the_manager_sees_the_withheld_name(
    client_for, api_for, manager, reporter, alice_system
):
    concern = make_concern(reporter, alice_system, withheld=True)
    assert (
        REPORTER_NAME
        in client_for(manager).get(concern.get_absolute_url()).content.decode()
    )
    data = api_for(manager).get(f"/api/v1/concerns/{concern.pk}/").json()
    assert data["reporter"].startswith(REPORTER_NAME)


def test_the_change_log_never_holds_the_reporter(reporter, alice_system):
    make_concern(reporter, alice_system, withheld=False)
    entries = ObjectChange.objects.filter(content_type__model="concern")
    assert entries.exists()
    for entry in entries:
        assert entry.user_id is None and entry.user_name == "system:concern-channel"
        assert "reporter" not in (entry.postchange_data or {})
        assert REPORTER_NAME not in str(entry.postchange_data)


def test_a_viewer_sees_only_their_own_concerns(api_for, reporter, viewer, alice_system):
    make_concern(reporter, alice_system)
    assert api_for(viewer).get("/api/v1/concerns/").json()["count"] == 0
    assert api_for(reporter).get("/api/v1/concerns/").json()["count"] == 1


def test_any_signed_in_user_may_raise_one_over_the_api(api_for, outsider):
    response = api_for(outsider).post(
        "/api/v1/concerns/",
        {
            "subject": "AI policy is hard to find",
            "description": "Not on the intranet.",
            "name_withheld": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["reporter"] == "You"
    assert response.json()["ai_system"] is None


def test_a_concern_about_a_hidden_system_is_refused(api_for, bob, alice_system):
    response = api_for(bob).post(
        "/api/v1/concerns/",
        {"ai_system": alice_system.pk, "subject": "x", "description": "y"},
        format="json",
    )
    assert response.status_code == 403
    assert not Concern.objects.exists()


def test_responding_without_a_response_is_refused_by_field(
    api_for, committee, reporter
):
    concern = make_concern(reporter)
    response = api_for(committee).post(
        f"/api/v1/concerns/{concern.pk}/respond/",
        {"status": "closed", "response": ""},
        format="json",
    )
    assert response.status_code == 400
    assert "response" in response.json()
