"""Bad input answers 400 or 403, never a 500: NUL characters anywhere, filters over an
unknown SoA version, and refusals decided before the body is validated."""

import pytest
from django.urls import reverse

from controls.models import SoAEntry
from controls.services import soa_current, soa_entry_save
from tests.factories import make_risk


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/control-checks/", {"control": "a\u0000b", "result": "pass"}),
        ("/api/v1/evidence/", {"title": "x\u0000y", "kind": "document"}),
        ("/api/v1/risks/", {"title": "x\u0000", "reference": "R\u0000"}),
        ("/api/v1/ai-systems/", {"name": "Model\u0000"}),
        ("/api/v1/users/", {"username": "a\u0000b"}),
        ("/api/v1/ai-systems/", {"tags": ["ok", "b\u0000d"]}),
    ],
)
def test_a_nul_character_in_a_json_value_is_a_400(admin_user, api_for, path, body):
    response = api_for(admin_user).post(path, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/control-domains/%00/",
        "/api/v1/controls/A.2%002/",
        "/api/v1/ai-systems/?search=a%00b",
        "/api/v1/soa-entries/?domain=%00",
        "/register/?q=%00",
    ],
)
def test_a_nul_character_in_the_path_or_query_is_a_400(manager, api_for, path):
    assert api_for(manager).get(path).status_code == 400


def test_a_nul_character_in_a_form_field_is_a_400(manager, client_for):
    response = client_for(manager).post(
        reverse("registry:aisystem_add"), {"name": "Model\x00"}
    )
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_backslash_u_written_out_is_no_nul(manager, api_for):
    # "\\u0000" in JSON is the six characters \u0000, which PostgreSQL stores.
    response = api_for(manager).post(
        "/api/v1/ai-systems/", '{"name": "path C:\\\\u0000"}', content_type="application/json"
    )
    assert response.status_code != 400 or "nul_character" not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "soa_version=999&failing=true",
        "soa_version=999&failing=false",
        "soa_version=999&without_evidence=true",
        "soa_version=999&applicable=yes",
    ],
)
def test_soa_filters_over_an_unknown_version_give_no_rows(viewer, api_for, query):
    response = api_for(viewer).get(f"/api/v1/soa-entries/?{query}")
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_viewer_recording_a_check_is_refused_before_validation(viewer, api_for):
    api = api_for(viewer)
    for body in ({}, {"control": "no-such-control"}, {"control": "A.2.2"}):
        response = api.post("/api/v1/control-checks/", body, format="json")
        assert response.status_code == 403, (body, response.content)


def test_a_row_owner_still_records_a_check_of_their_control(alice, api_for):
    entry = SoAEntry.objects.get(soa=soa_current(), control__control_id="A.2.2")
    entry.owner = alice
    entry.applicable, entry.justification = True, "Needed."
    soa_entry_save(entry=entry, actor=None)
    api = api_for(alice)
    assert api.post("/api/v1/control-checks/", {}, format="json").status_code == 400
    other = api.post(
        "/api/v1/control-checks/",
        {"control": "A.3.2", "checked_on": "2026-01-05", "result": "pass"},
        format="json",
    )
    assert other.status_code == 403


def test_a_refused_acceptance_is_a_403_whatever_the_body(viewer, risk_owner, api_for):
    risk = make_risk(risk_owner)
    for body in ({}, {"rationale": ""}, {"rationale": "Fine"}):
        response = api_for(viewer).post(
            f"/api/v1/risks/{risk.pk}/accept/", body, format="json"
        )
        assert response.status_code == 403, body
