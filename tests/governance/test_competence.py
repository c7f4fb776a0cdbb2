"""Competence gaps appear and disappear as records are added and expire."""

import datetime

from django.contrib.auth.models import Group
from django.urls import reverse

from aims import roles
from governance.models import (
    AimsRole,
    CompetenceRequirement,
    RoleAssignment,
    TrainingRecord,
)
from governance.services import (
    ai_literacy_status,
    competence_gaps,
    record_save,
    training_record_save,
)

TODAY = datetime.date.today()


def _role_with_holder(manager, holder):
    role = record_save(
        instance=AimsRole(
            name="AI risk officer", responsibilities="Runs risk assessments."
        ),
        actor=manager,
    )
    record_save(
        instance=RoleAssignment(
            role=role, person=holder, since=TODAY - datetime.timedelta(days=100)
        ),
        actor=manager,
    )
    return role


def test_a_gap_appears_for_a_role_holder_and_closes_with_a_record_then_reopens_on_expiry(
    manager, alice
):
    role = _role_with_holder(manager, alice)
    requirement = record_save(
        instance=CompetenceRequirement(
            title="AI risk assessment method", aims_role=role, validity_months=12
        ),
        actor=manager,
    )
    gaps = competence_gaps()
    assert [(g.person, g.reason) for g in gaps] == [(alice, "missing")]
    training_record_save(
        record=TrainingRecord(
            person=alice,
            requirement=requirement,
            title="Risk course",
            completed_on=TODAY - datetime.timedelta(days=30),
        ),
        actor=manager,
    )
    assert competence_gaps() == []
    later = TODAY + datetime.timedelta(days=400)
    expired = competence_gaps(today=later)
    assert [(g.person, g.reason) for g in expired] == [(alice, "expired")]


def test_ai_literacy_is_tracked_for_a_portal_role(manager, viewer):
    record_save(
        instance=CompetenceRequirement(
            title="AI literacy basics",
            applies_to="portal_role",
            portal_role=Group.objects.get(name=roles.VIEWER),
            ai_literacy=True,
        ),
        actor=manager,
    )
    assert ai_literacy_status() == {"staff": 1, "trained": 0, "requirements": 1}


def test_the_competence_page_and_api_list_the_gaps(manager, alice, client_for, api_for):
    role = _role_with_holder(manager, alice)
    record_save(
        instance=CompetenceRequirement(title="Bias testing", aims_role=role),
        actor=manager,
    )
    html = client_for(manager).get(reverse("governance:competence")).content.decode()
    assert "Bias testing" in html and "no record" in html
    rows = api_for(manager).get("/api/v1/competence-gaps/").json()
    assert [(r["username"], r["reason"]) for r in rows] == [("alice", "missing")]


def test_a_requirement_for_an_aims_role_needs_the_role(manager, api_for):
    response = api_for(manager).post(
        "/api/v1/competence-requirements/",
        {"title": "X", "applies_to": "aims_role"},
        format="json",
    )
    assert response.status_code == 400 and "aims_role" in response.json()
