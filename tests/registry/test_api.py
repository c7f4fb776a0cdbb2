"""The register over the REST API: same rules, same services, errors as 400/409/412."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from aims.models import ObjectChange
from registry.models import AISystem
from tests.factories import TEST_PASSWORD, make_system

URL = "/api/v1/ai-systems/"


def test_a_user_obtains_a_token_with_their_password(alice):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "alice", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/users/me/").json()["roles"] == ["AI system owner"]


def test_without_a_token_the_api_answers_401(alice_system):
    assert APIClient().get(URL).status_code == 401


def test_an_owner_creates_a_system_and_the_change_log_names_them(alice, api_for):
    payload = {
        "name": "Invoice reader",
        "intended_purpose": "Extract invoice fields",
        "owner": alice.pk,
        "lifecycle_stage": "development",
        "ai_roles": ["ai-customer"],
        "data_categories": ["financial"],
        "tags": ["finance", "ocr"],
        "next_review_date": "2027-01-31",
    }
    response = api_for(alice).post(URL, payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == "AIS-0001"
    assert body["ai_roles"] == ["ai-customer"] and sorted(body["tags"]) == [
        "finance",
        "ocr",
    ]
    assert body["owner_detail"]["username"] == "alice"
    entry = ObjectChange.objects.get(
        object_id=str(body["id"]), content_type__model="aisystem"
    )
    assert entry.action == "create" and entry.user == alice


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"intended_purpose": "x"}, "name"),
        (
            {
                "name": "x",
                "intended_purpose": "x",
                "lifecycle_stage": "deployed",
                "owner": None,
            },
            "owner",
        ),
        (
            {"name": "x", "intended_purpose": "x", "criticality": "extreme"},
            "criticality",
        ),
        ({"name": "x", "intended_purpose": "x", "ai_roles": ["wizard"]}, "ai_roles"),
        (
            {"name": "x", "intended_purpose": "x", "next_review_date": "tomorrow"},
            "next_review_date",
        ),
        (
            {
                "name": "x",
                "intended_purpose": "x",
                "last_review_date": "2026-05-01",
                "next_review_date": "2026-01-01",
            },
            "next_review_date",
        ),
        ({"name": "x" * 300, "intended_purpose": "x"}, "name"),
        ({"name": "x", "intended_purpose": "x", "owner": 999999}, "owner"),
        ({"name": "x", "intended_purpose": "x", "tags": "not-a-list"}, "tags"),
    ],
)
def test_bad_payloads_get_400_with_field_errors(manager, api_for, payload, field):
    response = api_for(manager).post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not AISystem.objects.exists()


def test_malformed_json_is_a_400_not_a_500(manager, api_for):
    response = api_for(manager).post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400


def test_an_update_from_an_old_version_is_refused_with_409(
    alice, manager, alice_system, api_for
):
    read = api_for(alice).get(f"{URL}{alice_system.pk}/")
    version = read.json()["version"]
    assert read["ETag"] == f'"{version}"'
    assert (
        api_for(manager)
        .patch(f"{URL}{alice_system.pk}/", {"name": "First"}, format="json")
        .status_code
        == 200
    )

    late = api_for(alice).patch(
        f"{URL}{alice_system.pk}/",
        {"name": "Second", "version": version},
        format="json",
    )

    assert late.status_code == 409
    assert late.json()["current_version"] == version + 1
    alice_system.refresh_from_db()
    assert alice_system.name == "First"


def test_if_match_with_a_stale_etag_is_refused_with_412(alice, alice_system, api_for):
    api = api_for(alice)
    etag = api.get(f"{URL}{alice_system.pk}/")["ETag"]
    api.patch(f"{URL}{alice_system.pk}/", {"description": "one"}, format="json")

    stale = api.patch(
        f"{URL}{alice_system.pk}/",
        {"description": "two"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert stale.status_code == 412
    fresh_etag = api.get(f"{URL}{alice_system.pk}/")["ETag"]
    fresh = api.patch(
        f"{URL}{alice_system.pk}/",
        {"description": "two"},
        format="json",
        HTTP_IF_MATCH=fresh_etag,
    )
    assert fresh.status_code == 200


def test_filters_search_and_ordering(manager, api_for):
    make_system(manager, name="Fraud scorer", eu_risk_tier="high_risk")
    make_system(manager, name="Chatbot", eu_risk_tier="transparency")
    api = api_for(manager)

    def names(**params):
        return [row["name"] for row in api.get(URL, params).json()["results"]]

    assert names(q="fraud") == ["Fraud scorer"]
    assert names(eu_risk_tier="transparency") == ["Chatbot"]
    assert names(ordering="-name") == ["Fraud scorer", "Chatbot"]
    assert api.get(URL, {"eu_risk_tier": "extreme"}).status_code == 400


def test_page_size_is_bounded(manager, api_for):
    for index in range(3):
        make_system(manager, name=f"S{index}")
    body = api_for(manager).get(URL, {"page_size": 10_000}).json()
    assert body["count"] == 3 and len(body["results"]) == 3
    assert api_for(manager).get(URL, {"page": 99}).status_code == 404


def test_history_of_a_system_over_the_api(alice, alice_system, api_for):
    api = api_for(alice)
    api.patch(f"{URL}{alice_system.pk}/", {"criticality": "critical"}, format="json")
    history = api.get(f"{URL}{alice_system.pk}/history/").json()
    assert [entry["action"] for entry in history] == ["update", "create"]
    assert history[0]["changed_fields"] == ["criticality"]
    assert history[0]["prechange_data"]["criticality"] == "medium"


def test_the_api_import_is_all_or_nothing(alice, api_for):
    good = "Name,Intended purpose,Owner\nA,x,alice\nB,y,alice\n"
    bad = "Name,Intended purpose,Owner\nC,x,alice\n,y,alice\n"
    api = api_for(alice)

    failed = api.post(
        f"{URL}import/",
        {"file": SimpleUploadedFile("s.csv", bad.encode())},
        format="multipart",
    )
    assert failed.status_code == 400
    assert failed.json()["errors"][0]["row"] == 3
    assert not AISystem.objects.exists()

    done = api.post(
        f"{URL}import/",
        {"file": SimpleUploadedFile("s.csv", good.encode())},
        format="multipart",
    )
    assert done.status_code == 201 and done.json()["created"] == [
        "AIS-0001",
        "AIS-0002",
    ]


def test_an_administrator_creates_a_user_with_roles_over_the_api(
    admin_user, api_for, manager
):
    api = api_for(admin_user)
    created = api.post(
        "/api/v1/users/",
        {
            "username": "newbie",
            "password": "long-enough-pw",
            "roles": ["Risk owner", "Viewer"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert sorted(created.json()["roles"]) == ["Risk owner", "Viewer"]
    changed = api.patch(
        f"/api/v1/users/{created.json()['id']}/", {"roles": ["Auditor"]}, format="json"
    )
    assert changed.json()["roles"] == ["Auditor"]
    entry = ObjectChange.objects.filter(
        content_type__model="user", object_repr="newbie"
    ).first()
    assert entry.user == admin_user
    # Only administrators manage users.
    refused = api_for(manager).post("/api/v1/users/", {"username": "x"}, format="json")
    assert refused.status_code == 403
    assert api_for(manager).get("/api/v1/users/").json()["count"] == 0


def test_the_roles_endpoint_lists_roles_and_their_permissions(viewer, api_for):
    roles = {
        role["name"]: role
        for role in api_for(viewer).get("/api/v1/roles/").json()["results"]
    }
    assert "registry.view_aisystem" in roles["Viewer"]["permissions"]
    assert "registry.change_aisystem" not in roles["Viewer"]["permissions"]
    assert "aims.change_objectchange" not in roles["Administrator"]["permissions"]


def test_a_user_rotates_their_token(alice, api_for):
    api = api_for(alice)
    old = api.get("/api/v1/me/token/").json()["token"]
    new = api.post("/api/v1/me/token/").json()["token"]
    assert new != old
    assert api.get(URL).status_code == 401  # the old token stopped working


def test_the_openapi_schema_describes_the_endpoints(viewer, client_for):
    response = client_for(viewer).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    import json

    schema = json.loads(response.content)
    operations = schema["paths"]["/api/v1/ai-systems/{id}/"]
    assert {"get", "put", "patch", "delete"} <= set(operations)
    assert {"400", "403", "404", "409", "412"} <= set(operations["patch"]["responses"])
    docs = client_for(viewer).get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "/static/drf_spectacular_sidecar/" in docs


def test_the_schema_generates_without_warnings():
    from django.core.management import call_command

    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)


def test_a_system_created_without_an_owner_belongs_to_its_creator(alice, api_for):
    """As the form pre-selects the user, so the creator never loses sight of it."""
    api = api_for(alice)
    created = api.post(
        URL, {"name": "t", "intended_purpose": "x"}, format="json"
    ).json()
    assert created["owner"] == alice.pk
    assert api.get(f"{URL}{created['id']}/").status_code == 200


def test_an_owner_cannot_hand_a_system_over_the_api_to_someone_else(
    alice, bob, alice_system, api_for
):
    response = api_for(alice).patch(
        f"{URL}{alice_system.pk}/", {"owner": bob.pk}, format="json"
    )
    assert response.status_code == 400
    alice_system.refresh_from_db()
    assert alice_system.owner == alice


def test_api_errors_are_json_even_for_paths_the_router_does_not_know(manager, api_for):
    response = api_for(manager).get(f"{URL}0.5/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_boolean_filters_reject_values_they_do_not_understand(manager, api_for):
    api = api_for(manager)
    assert api.get(URL, {"personal_data": "yes"}).status_code == 400
    assert api.get(URL, {"personal_data": "true"}).status_code == 200


def test_if_match_with_any_other_etag_is_a_412(alice, alice_system, api_for):
    api = api_for(alice)
    for etag in ['"abc"', 'W/"x"', '"1", "99"'.replace('"1"', '"0"')]:
        response = api.patch(
            f"{URL}{alice_system.pk}/",
            {"description": "x"},
            format="json",
            HTTP_IF_MATCH=etag,
        )
        assert response.status_code == 412, etag
    weak = api.patch(
        f"{URL}{alice_system.pk}/",
        {"description": "x"},
        format="json",
        HTTP_IF_MATCH=f'W/"{alice_system.version}"',
    )
    assert weak.status_code == 200


def test_a_huge_csv_cell_is_a_clear_error_not_a_crash(manager, api_for):
    text = 'Name,Intended purpose\n"a","' + "x" * 140_000 + '"\n'
    response = api_for(manager).post(
        f"{URL}import/",
        {"file": SimpleUploadedFile("s.csv", text.encode())},
        format="multipart",
    )
    assert response.status_code == 400
    assert "Line 2 is not valid CSV" in response.json()["detail"]


def test_an_imported_reference_far_beyond_the_counter_is_refused(manager, api_for):
    text = "Reference,Name,Intended purpose,Owner\nAIS-999999999,t,x,maria\n"
    response = api_for(manager).post(
        f"{URL}import/",
        {"file": SimpleUploadedFile("s.csv", text.encode())},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"] == "Reference"
    created = api_for(manager).post(
        URL, {"name": "next", "intended_purpose": "x"}, format="json"
    )
    assert created.json()["reference"] == "AIS-0001"


def test_an_imported_reference_is_kept_and_never_handed_out_again(manager, api_for):
    text = "Reference,Name,Intended purpose,Owner\nAIS-0042,Legacy,x,maria\n"
    api = api_for(manager)
    assert (
        api.post(
            f"{URL}import/",
            {"file": SimpleUploadedFile("s.csv", text.encode())},
            format="multipart",
        ).status_code
        == 201
    )
    assert (
        api.post(URL, {"name": "next", "intended_purpose": "x"}, format="json").json()[
            "reference"
        ]
        == "AIS-0043"
    )


def test_user_passwords_follow_the_password_policy(admin_user, api_for):
    response = api_for(admin_user).post(
        "/api/v1/users/", {"username": "weak", "password": "password"}, format="json"
    )
    assert response.status_code == 400 and "password" in response.json()


def test_usernames_differing_only_in_case_are_refused(admin_user, manager, api_for):
    response = api_for(admin_user).post(
        "/api/v1/users/", {"username": "MARIA"}, format="json"
    )
    assert response.status_code == 400 and "username" in response.json()


def test_the_last_administrator_cannot_remove_their_own_role(admin_user, api_for):
    response = api_for(admin_user).patch(
        f"/api/v1/users/{admin_user.pk}/", {"roles": ["Viewer"]}, format="json"
    )
    assert response.status_code == 400
    deactivate = api_for(admin_user).patch(
        f"/api/v1/users/{admin_user.pk}/", {"is_active": False}, format="json"
    )
    assert deactivate.status_code == 400
    admin_user.refresh_from_db()
    assert (
        admin_user.is_active and admin_user.groups.filter(name="Administrator").exists()
    )


def test_passwords_are_not_set_through_user_updates(admin_user, alice, api_for):
    response = api_for(admin_user).patch(
        f"/api/v1/users/{alice.pk}/", {"password": "Another-Good-Pass-1"}, format="json"
    )
    assert response.status_code == 400


def test_password_guessing_on_the_token_endpoint_is_throttled(alice, settings):
    from django.core.cache import cache

    # The per-address rate alone; the lockout after failed passwords (django-axes)
    # comes first and is tested in tests/security.
    settings.AXES_ENABLED = False

    cache.clear()
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/auth/token/", {"username": "alice", "password": "wrong"}
        ).status_code
        for _ in range(11)
    ]
    cache.clear()
    assert statuses[:10] == [400] * 10 and statuses[10] == 429


def test_review_and_data_filters_split_the_register_both_ways(manager, api_for):
    import datetime

    from registry.models import DataCategory

    today = datetime.date.today()
    late = make_system(
        manager,
        name="Late",
        last_review_date=today - datetime.timedelta(days=400),
        next_review_date=today - datetime.timedelta(days=1),
    )
    make_system(
        manager,
        name="On time",
        next_review_date=today + datetime.timedelta(days=30),
        m2m={"data_categories": [DataCategory.objects.get(slug="health")]},
    )
    api = api_for(manager)

    def names(**params):
        return sorted(row["name"] for row in api.get(URL, params).json()["results"])

    assert names(review_overdue="true") == [late.name]
    assert names(review_overdue="false") == ["On time"]
    assert names(special_category_data="true") == ["On time"]
    assert names(personal_data="false") == ["Late"]


def test_unknown_api_paths_answer_json_404_in_every_mode(manager, api_for):
    response = api_for(manager).get("/api/v1/ai-systems/0.5/history/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_the_user_update_schema_has_no_password_field(viewer, client_for):
    import json

    schema = json.loads(
        client_for(viewer).get("/api/schema/", HTTP_ACCEPT="application/json").content
    )
    patch = schema["paths"]["/api/v1/users/{id}/"]["patch"]["requestBody"]["content"][
        "application/json"
    ]
    name = patch["schema"]["$ref"].rsplit("/", 1)[1]
    assert "password" not in schema["components"]["schemas"][name]["properties"]


def test_a_csrf_failure_under_the_api_is_json(manager):
    """A browser session without the CSRF token gets a JSON 403, as the schema says."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = client.post(
        "/api/v1/ai-systems/", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    unknown = client.post(
        "/api/v1/risks/0.5/accept/", {}, content_type="application/json"
    )
    assert unknown.status_code == 404 and unknown.json() == {"detail": "Not found."}
