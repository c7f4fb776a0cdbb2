"""The scope: the register marks what it leaves out; an approved version is frozen."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from governance.models import ScopeVersion
from governance.services import (
    FrozenRecord,
    scope_approve,
    scope_compare,
    scope_new_draft,
    scope_save,
)
from registry.scope import systems_in_scope
from tests.factories import make_system


def _draft(actor, systems):
    return scope_save(
        version=ScopeVersion(
            statement="AI in the lending business.", boundaries="Lending unit."
        ),
        actor=actor,
        m2m={"ai_systems": systems},
    )


def test_the_register_lists_which_systems_are_in_scope(
    manager, committee, alice, client_for
):
    inside = make_system(alice, name="Inside system")
    outside = make_system(alice, name="Outside system")
    assert set(systems_in_scope()) >= {
        inside,
        outside,
    }  # no approved scope yet: all count
    version = _draft(manager, [inside])
    scope_approve(
        version=version, actor=committee, comment="Scope for the first audit."
    )
    assert list(systems_in_scope()) == [inside]
    html = client_for(manager).get(reverse("registry:aisystem_list")).content.decode()
    row_out = html.split("Outside system")[1].split("</tr>")[0]
    row_in = html.split("Inside system")[1].split("</tr>")[0]
    assert "Out of scope" in row_out and "Out of scope" not in row_in
    filtered = (
        client_for(manager)
        .get(reverse("registry:aisystem_list") + "?in_scope=false")
        .content.decode()
    )
    assert "Outside system" in filtered and "Inside system" not in filtered


def test_only_the_committee_approves_and_the_approved_version_is_frozen(
    manager, committee, client_for
):
    version = _draft(manager, [])
    with pytest.raises(PermissionDenied):
        scope_approve(version=version, actor=manager, comment="Mine")
    scope_approve(version=version, actor=committee, comment="Approved")
    version.refresh_from_db()
    version.statement = "Changed"
    with pytest.raises(FrozenRecord):
        scope_save(version=version, actor=manager)
    response = client_for(manager).get(
        reverse("governance:scopeversion_edit", args=[version.pk])
    )
    assert response.status_code == 403


def test_a_new_draft_starts_from_the_approved_version_and_compares(
    manager, committee, alice
):
    first_system, second_system = make_system(alice), make_system(alice)
    first = _draft(manager, [first_system])
    scope_approve(version=first, actor=committee, comment="v1")
    draft = scope_new_draft(actor=manager, summary="Add the second system")
    assert list(draft.ai_systems.all()) == [first_system]
    draft.boundaries = "Lending and insurance units."
    scope_save(
        version=draft, actor=manager, m2m={"ai_systems": [first_system, second_system]}
    )
    changes = scope_compare(first, draft)
    assert [f["field"] for f in changes["fields"]] == ["boundaries"]
    assert changes["added"] == [second_system]
    scope_approve(version=draft, actor=committee, comment="v2")
    first.refresh_from_db()
    assert first.status == "superseded"


def test_the_api_approves_with_the_committee_only(manager, committee, api_for):
    created = api_for(manager).post(
        "/api/v1/scope-versions/",
        {"statement": "All AI", "boundaries": "All units"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert (
        api_for(manager)
        .post(f"/api/v1/scope-versions/{pk}/approve/", {"comment": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        api_for(committee)
        .post(f"/api/v1/scope-versions/{pk}/approve/", {"comment": "x"}, format="json")
        .status_code
        == 200
    )
    edit = api_for(manager).patch(
        f"/api/v1/scope-versions/{pk}/", {"statement": "changed"}, format="json"
    )
    assert edit.status_code == 403
