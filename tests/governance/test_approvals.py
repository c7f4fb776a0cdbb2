"""Top management next to approvals: who approved, whether the roles records made them
top management that day, and a flag when the AI policy or the scope was approved by
someone who was not."""

import datetime

import pytest
from django.urls import reverse

from governance.models import AimsRole, RoleAssignment, ScopeVersion
from governance.services import record_save, scope_approve, scope_save

from .helpers import approved_version, make_document

pytestmark = pytest.mark.django_db

FLAG = "not top management"


def _chair(person, actor, **fields):
    role = record_save(
        instance=AimsRole(
            name="Committee chair", responsibilities="Chairs.", top_management=True
        ),
        actor=actor,
    )
    fields.setdefault("since", datetime.date.today() - datetime.timedelta(days=30))
    record_save(
        instance=RoleAssignment(role=role, person=person, **fields), actor=actor
    )
    return role


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_ai_policy_approved_by_the_chair_shows_top_management(
    manager, committee, client_for
):
    _chair(committee, manager)
    policy = make_document(manager, doc_type="ai_policy", title="AI policy")
    version = approved_version(policy, manager, committee)
    client = client_for(manager)
    page = _page(client, version.get_absolute_url())
    assert "Top management</span> on that day" in page
    assert "Committee chair" in page
    assert FLAG not in page.lower()
    assert FLAG not in _page(client, policy.get_absolute_url()).lower()


def test_an_ai_policy_approved_by_someone_outside_top_management_is_flagged(
    manager, committee, client_for, api_for
):
    policy = make_document(manager, doc_type="ai_policy", title="AI policy")
    version = approved_version(policy, manager, committee)
    client = client_for(manager)
    assert "<strong>Not top management.</strong>" in _page(
        client, version.get_absolute_url()
    )
    assert FLAG in _page(client, policy.get_absolute_url())
    listing = _page(client, reverse("governance:documentversion_list"))
    assert FLAG in listing
    body = api_for(manager).get(f"/api/v1/document-versions/{version.pk}/").json()
    assert body["approval"] == {
        "top_management": False,
        "top_management_roles": [],
        "requires_top_management": True,
        "flagged": True,
    }


def test_a_role_that_ended_before_the_approval_does_not_count(
    manager, committee, client_for
):
    _chair(
        committee,
        manager,
        since=datetime.date.today() - datetime.timedelta(days=300),
        until=datetime.date.today() - datetime.timedelta(days=10),
    )
    policy = make_document(manager, doc_type="ai_policy", title="AI policy")
    version = approved_version(policy, manager, committee)
    assert "<strong>Not top management.</strong>" in _page(
        client_for(manager), version.get_absolute_url()
    )


def test_a_procedure_need_not_be_approved_by_top_management(
    manager, committee, client_for, api_for
):
    procedure = make_document(committee, doc_type="procedure")
    version = approved_version(procedure, committee, manager)
    page = _page(client_for(manager), version.get_absolute_url())
    assert "Not top management; this approval need not be." in page
    assert FLAG not in _page(client_for(manager), procedure.get_absolute_url())
    body = api_for(manager).get(f"/api/v1/document-versions/{version.pk}/").json()
    assert body["approval"]["flagged"] is False
    assert body["approval"]["requires_top_management"] is False


def test_the_approval_form_names_top_management_and_warns_an_outsider(
    manager, committee, risk_owner, client_for
):
    _chair(risk_owner, manager)
    policy = make_document(manager, doc_type="ai_policy", title="AI policy")
    from .helpers import make_version

    version = make_version(policy, manager)
    page = _page(client_for(committee), version.get_absolute_url())
    assert f"{risk_owner} (Committee chair)" in page
    assert "your approval of the AI policy will be flagged" in page


def test_a_scope_approved_outside_top_management_is_flagged_in_page_list_and_api(
    manager, committee, client_for, api_for
):
    draft = scope_save(
        version=ScopeVersion(statement="All AI.", boundaries="All units."),
        actor=manager,
    )
    scope_approve(version=draft, actor=committee, comment="Agreed.")
    client = client_for(manager)
    assert "<strong>Not top management.</strong>" in _page(
        client, draft.get_absolute_url()
    )
    assert FLAG in _page(client, reverse("governance:scopeversion_list"))
    body = api_for(manager).get(f"/api/v1/scope-versions/{draft.pk}/").json()
    assert body["approval"]["flagged"] is True

    _chair(committee, manager)
    assert FLAG not in _page(client, reverse("governance:scopeversion_list"))
    body = api_for(manager).get(f"/api/v1/scope-versions/{draft.pk}/").json()
    assert body["approval"]["top_management_roles"] == ["Committee chair"]
