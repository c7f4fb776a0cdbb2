"""Permission before validation: a record added through its parent is refused with 403
to someone who may change no such parent, whatever the body says (a viewer learns
nothing from "no such record"), and still gets past to validation for whoever may."""

import pytest

pytestmark = pytest.mark.django_db

CHILD_ENDPOINTS = [
    "/api/v1/acceptance-criteria/",
    "/api/v1/lifecycle-records/",
    "/api/v1/audit-findings/",
    "/api/v1/corrective-actions/",
]


@pytest.mark.parametrize("url", CHILD_ENDPOINTS)
@pytest.mark.parametrize("body", [{}, {"ai_system": 99999, "audit": 99999}])
def test_a_viewer_adding_a_child_record_gets_403_whatever_the_body(
    viewer, api_for, url, body
):
    response = api_for(viewer).post(url, body, format="json")
    assert response.status_code == 403, (url, response.content)
    assert "may not add" in response.json()["detail"]


def test_an_owner_still_gets_field_errors_for_a_child_of_their_system(
    alice, alice_system, api_for
):
    response = api_for(alice).post(
        "/api/v1/acceptance-criteria/", {"ai_system": alice_system.pk}, format="json"
    )
    assert response.status_code == 400
    assert "criterion" in response.json()
