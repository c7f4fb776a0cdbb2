"""The buttons that move a document version or a scope through its workflow: one
generic view (``aims.views.generic.ObjectTransitionView``) calling the services."""

import pytest
from django.urls import reverse

from governance.choices import ScopeStatus, VersionStatus
from governance.models import ScopeVersion
from governance.services import scope_save

from .helpers import make_document, make_version

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_the_author_submits_and_someone_else_approves_on_the_page(
    manager, committee, client_for
):
    version = make_version(make_document(manager), manager)
    response = client_for(manager).post(
        reverse("governance:documentversion_submit", args=[version.pk])
    )
    assert response.status_code == 302
    assert response.url == version.get_absolute_url()
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_REVIEW
    assert f"{version} submitted for approval." in _messages(response)

    response = client_for(committee).post(
        reverse("governance:documentversion_approve", args=[version.pk]),
        {"comment": "Reviewed."},
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED
    assert version.approver == committee
    assert version.approval_comment == "Reviewed."
    assert f"{version} approved and in force." in _messages(response)


def test_the_author_cannot_approve_their_own_version_on_the_page(manager, client_for):
    version = make_version(make_document(manager), manager)
    response = client_for(manager).post(
        reverse("governance:documentversion_approve", args=[version.pk])
    )
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_a_withdrawal_without_a_reason_says_so_and_changes_nothing(
    manager, committee, client_for
):
    version = make_version(make_document(manager), manager)
    response = client_for(committee).post(
        reverse("governance:documentversion_withdraw", args=[version.pk]),
        {"reason": ""},
    )
    assert response.status_code == 302
    assert "Say why the version is withdrawn." in _messages(response)
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_a_transition_is_a_post_and_hidden_records_are_not_found(
    manager, outsider, client_for
):
    version = make_version(make_document(manager), manager)
    url = reverse("governance:documentversion_submit", args=[version.pk])
    assert client_for(manager).get(url).status_code == 405
    assert client_for(outsider).post(url).status_code == 404


def test_a_viewer_may_not_submit_a_version(manager, viewer, client_for):
    version = make_version(make_document(manager), manager)
    response = client_for(viewer).post(
        reverse("governance:documentversion_submit", args=[version.pk])
    )
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_the_committee_approves_the_scope_with_a_comment(
    manager, committee, client_for
):
    draft = scope_save(
        version=ScopeVersion(statement="All lending AI.", boundaries="Lending."),
        actor=manager,
    )
    url = reverse("governance:scope_approve", args=[draft.pk])
    response = client_for(committee).post(url, {"comment": ""})
    assert "Say what the approval covers." in _messages(response)
    draft.refresh_from_db()
    assert draft.status == ScopeStatus.DRAFT

    response = client_for(committee).post(url, {"comment": "As discussed."})
    draft.refresh_from_db()
    assert draft.status == ScopeStatus.APPROVED
    assert f"Scope version {draft.number} approved." in _messages(response)
