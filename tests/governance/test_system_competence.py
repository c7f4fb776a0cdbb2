"""Competence per AI-system role: who holds which role on an AI system, the competence
that role requires there, and the gaps, on the system's Competence tab and in the
organisation's gap list and reminders."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance.competence import system_competence
from governance.models import (
    CompetenceRequirement,
    SystemRoleAssignment,
    TrainingRecord,
)
from governance.services import competence_gaps, record_save
from tests.factories import make_system

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _requirement(actor, role, system=None, **fields):
    fields.setdefault("title", f"{role} training")
    return record_save(
        instance=CompetenceRequirement(
            applies_to="ai_system_role", system_role=role, ai_system=system, **fields
        ),
        actor=actor,
    )


def _assign(actor, system, person, role="operator", **fields):
    return record_save(
        instance=SystemRoleAssignment(
            ai_system=system, person=person, role=role, **fields
        ),
        actor=actor,
    )


def _train(actor, person, requirement, completed_on=TODAY, **fields):
    return record_save(
        instance=TrainingRecord(
            person=person,
            requirement=requirement,
            title="Course",
            completed_on=completed_on,
            **fields,
        ),
        actor=actor,
    )


def _states(result):
    return {
        (h.role, h.person.username, c.requirement.title): c.state
        for h in result["holders"]
        for c in h.competence
    }


def test_an_operator_without_training_is_a_gap_until_trained_and_again_when_expired(
    manager, alice, bob, alice_system
):
    requirement = _requirement(manager, "operator", alice_system, validity_months=12)
    _assign(manager, alice_system, bob)
    assert _states(system_competence(alice_system)) == {
        ("operator", "bob", "operator training"): "missing"
    }
    assert [(g.person, g.requirement) for g in competence_gaps()] == [
        (bob, requirement)
    ]

    _train(manager, bob, requirement, completed_on=TODAY - datetime.timedelta(days=30))
    result = system_competence(alice_system)
    assert _states(result) == {("operator", "bob", "operator training"): "met"}
    assert result["gaps"] == 0
    assert competence_gaps() == []

    later = TODAY + datetime.timedelta(days=400)
    assert _states(system_competence(alice_system, today=later)) == {
        ("operator", "bob", "operator training"): "expired"
    }
    assert [g.reason for g in competence_gaps(later)] == ["expired"]


def test_the_owner_is_the_register_s_and_requirements_follow_the_system(
    manager, alice, bob, alice_system, bob_system
):
    _requirement(manager, "owner", title="Owner duties")
    only_alice = _requirement(manager, "reviewer", alice_system, title="Review A")
    _assign(manager, bob_system, alice, role="reviewer")
    result = system_competence(alice_system)
    assert _states(result) == {("owner", "alice", "Owner duties"): "missing"}
    # A reviewer is required on alice's system but nobody holds the role there.
    assert result["unfilled"] == [only_alice]
    # Alice reviews bob's system: the requirement of alice's system does not apply.
    assert _states(system_competence(bob_system)) == {
        ("owner", "bob", "Owner duties"): "missing"
    }


def test_an_ended_assignment_no_longer_counts(manager, bob, alice_system):
    _requirement(manager, "operator")
    _assign(
        manager,
        alice_system,
        bob,
        since=TODAY - datetime.timedelta(days=90),
        until=TODAY - datetime.timedelta(days=1),
    )
    assert [h.role for h in system_competence(alice_system)["holders"]] == ["owner"]
    assert competence_gaps() == []


def test_the_owner_is_not_assigned_and_a_system_role_needs_its_role(
    manager, bob, alice_system, api_for
):
    with pytest.raises(ValidationError) as caught:
        _assign(manager, alice_system, bob, role="owner")
    assert "role" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        record_save(
            instance=CompetenceRequirement(title="X", applies_to="ai_system_role"),
            actor=manager,
        )
    assert "system_role" in caught.value.message_dict
    response = api_for(manager).post(
        "/api/v1/ai-system-role-assignments/",
        {"ai_system": alice_system.pk, "role": "owner", "person": bob.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "role" in response.json()


def test_the_system_page_has_a_competence_tab_for_those_who_see_competence(
    manager, alice, bob, alice_system, client_for
):
    requirement = _requirement(manager, "operator", alice_system, title="Run it")
    _assign(manager, alice_system, bob)
    url = reverse("registry:aisystem_tab", args=[alice_system.pk, "competence"])
    page = client_for(manager).get(alice_system.get_absolute_url()).content.decode()
    assert url in page
    html = client_for(manager).get(url).content.decode()
    assert "1 gap" in html
    assert "Run it: no record" in html
    assert (
        f"{reverse('governance:trainingrecord_add')}?requirement={requirement.pk}"
        f"&amp;person={bob.pk}"
    ) in html
    # The owner sees the system, not the competence records.
    assert (
        url
        not in client_for(alice).get(alice_system.get_absolute_url()).content.decode()
    )
    assert client_for(alice).get(url).status_code == 404


def test_role_assignments_are_added_from_the_system(manager, bob, client_for):
    system = make_system(manager)
    client = client_for(manager)
    add = reverse("governance:systemroleassignment_add") + f"?ai_system={system.pk}"
    form = client.get(add)
    assert form.status_code == 200
    response = client.post(
        add,
        {"ai_system": system.pk, "role": "reviewer", "person": bob.pk, "since": TODAY},
    )
    assert response.status_code == 302
    assignment = SystemRoleAssignment.objects.get()
    assert (assignment.ai_system, assignment.person, assignment.role) == (
        system,
        bob,
        "reviewer",
    )
