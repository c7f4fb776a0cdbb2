"""Turning a harm into a risk, by persona: the owner of the assessed system may (page and
API alike), an owner of another system and a viewer may not, and the button shows only
to those who may."""

import pytest
from django.urls import reverse

from impact.services import assessment_start
from risk.models import Risk

from .helpers import make_impact

BUTTON = "Create risk</button>"


@pytest.fixture
def harm(alice, alice_system):
    assessment = assessment_start(system=alice_system, actor=alice)
    return make_impact(assessment, alice)


def _api_url(impact):
    return f"/api/v1/impacts/{impact.pk}/create-risk/"


def test_the_system_owner_creates_a_risk_from_an_impact_on_the_page(
    alice, harm, client_for
):
    page = client_for(alice)
    detail = page.get(harm.assessment.get_absolute_url())
    assert BUTTON in detail.content.decode()
    response = page.post(reverse("impact:impact_risk", args=[harm.pk]))
    harm.refresh_from_db()
    risk = harm.risk
    assert risk is not None and response.status_code == 302
    assert response["Location"].startswith(reverse("risk:risk_edit", args=[risk.pk]))
    # The owner is accountable for the new risk and may complete its treatment.
    assert risk.owner == alice and risk.ai_system == harm.assessment.ai_system
    assert risk.impacts.get() == harm
    assert page.get(reverse("risk:risk_edit", args=[risk.pk])).status_code == 200
    shown = page.get(harm.assessment.get_absolute_url()).content.decode()
    assert risk.reference in shown and BUTTON not in shown


def test_the_system_owner_creates_a_risk_from_an_impact_over_the_api(
    alice, harm, api_for
):
    response = api_for(alice).post(_api_url(harm))
    assert response.status_code == 200, response.content
    risk = Risk.objects.get(pk=response.json()["risk"])
    assert risk.owner == alice and risk.impacts.get() == harm


def test_an_owner_of_another_system_cannot_create_the_risk(
    bob, harm, client_for, api_for
):
    """Bob does not see Alice's assessment: 404 on page and API, nothing created."""
    assert (
        client_for(bob).post(reverse("impact:impact_risk", args=[harm.pk])).status_code
        == 404
    )
    assert api_for(bob).post(_api_url(harm)).status_code == 404
    assert not Risk.objects.exists()


def test_an_assessor_from_another_system_sees_the_impact_but_cannot_create_the_risk(
    alice, bob, bob_system, alice_system, client_for, api_for
):
    """Bob, the owner of another system, helps assess Alice's system: he sees the impact,
    but turning it into a risk is for the system's owner (403 on page and API)."""
    assessment = assessment_start(system=alice_system, actor=alice, assessor=bob)
    impact = make_impact(assessment, alice)
    page = client_for(bob)
    detail = page.get(assessment.get_absolute_url())
    assert detail.status_code == 200 and BUTTON not in detail.content.decode()
    assert page.post(reverse("impact:impact_risk", args=[impact.pk])).status_code == 403
    assert api_for(bob).post(_api_url(impact)).status_code == 403
    assert not Risk.objects.exists()


def test_a_viewer_sees_the_impact_but_cannot_create_the_risk(
    viewer, harm, client_for, api_for
):
    page = client_for(viewer)
    detail = page.get(harm.assessment.get_absolute_url())
    assert detail.status_code == 200 and BUTTON not in detail.content.decode()
    assert page.post(reverse("impact:impact_risk", args=[harm.pk])).status_code == 403
    assert api_for(viewer).post(_api_url(harm)).status_code == 403
    assert not Risk.objects.exists()


def test_a_risk_owner_who_may_add_risks_creates_it_for_the_system_owner(
    alice, risk_owner, harm, api_for, manager
):
    """Someone with the register's add right may too; the system's owner stays accountable."""
    from aims.permissions import grant

    grant(risk_owner, harm.assessment, actions=("view",))
    response = api_for(risk_owner).post(_api_url(harm))
    assert response.status_code == 200, response.content
    assert Risk.objects.get().owner == alice
