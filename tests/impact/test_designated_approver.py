"""A designated approver (named by an AIMS manager or the committee, never an author)
may approve one assessment besides the committee; nobody else may, on page and API."""

import pytest
from django.urls import reverse

from aims.models import ObjectChange
from impact.models import ImpactAssessment
from impact.services import assessment_save

from .helpers import submitted_assessment


@pytest.fixture
def submitted(alice, alice_system):
    return submitted_assessment(alice_system, alice)


def _designate(assessment, actor, approver):
    assessment = ImpactAssessment.objects.get(pk=assessment.pk)
    assessment.approver = approver
    return assessment_save(assessment=assessment, actor=actor)


def test_the_designated_approver_approves_over_the_api(
    submitted, manager, risk_owner, api_for
):
    _designate(submitted, manager, risk_owner)
    api = api_for(risk_owner)
    url = f"/api/v1/impact-assessments/{submitted.pk}/"
    assert api.get(url).json()["approver"] == risk_owner.pk
    approved = api.post(url + "approve/", {"note": "Checked."}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    submitted.refresh_from_db()
    assert submitted.approved_by == risk_owner
    assert ObjectChange.objects.filter(
        object_id=str(submitted.pk), user=risk_owner
    ).exists()


def test_the_designated_approver_sees_the_approve_button_on_the_page(
    submitted, manager, risk_owner, client_for
):
    _designate(submitted, manager, risk_owner)
    page = client_for(risk_owner)
    detail = page.get(submitted.get_absolute_url()).content.decode()
    assert reverse("impact:impactassessment_approve", args=[submitted.pk]) in detail


def test_someone_not_designated_may_not_approve(
    submitted, manager, risk_owner, bob, api_for
):
    _designate(submitted, manager, risk_owner)
    url = f"/api/v1/impact-assessments/{submitted.pk}/approve/"
    assert api_for(bob).post(url, {}, format="json").status_code == 404
    # Another risk owner sees the assessment (view rights) but was not designated.
    from tests.factories import make_user

    other = make_user("rita", "Risk owner")
    from aims.permissions import grant

    grant(other, submitted, actions=("view",))
    assert api_for(other).post(url, {}, format="json").status_code == 403


def test_the_owner_cannot_designate_an_approver(submitted, alice, risk_owner, api_for):
    response = api_for(alice).patch(
        f"/api/v1/impact-assessments/{submitted.pk}/",
        {"approver": risk_owner.pk},
        format="json",
    )
    # A submitted assessment is not a draft: the rule about who designates still
    # answers by field, before anything is saved.
    assert response.status_code in (400, 403)
    submitted.refresh_from_db()
    assert submitted.approver is None


def test_an_author_cannot_be_the_approver(alice, alice_system, manager, api_for):
    from impact.services import assessment_start

    draft = assessment_start(system=alice_system, actor=alice)
    response = api_for(manager).patch(
        f"/api/v1/impact-assessments/{draft.pk}/",
        {"approver": alice.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "Four eyes" in response.json()["approver"][0]
    draft.refresh_from_db()
    assert draft.approver is None
