"""Lifecycle sanity: the Details tab warns when the data contradict the life cycle."""

import datetime

from risk.models import TreatmentAction
from risk.services import treatment_action_save
from tests.factories import make_system

from .test_workflow import _treated

WARNINGS = "Check the life cycle"


def _action(risk, owner, status="planned"):
    action = TreatmentAction(
        risk=risk,
        description="Retrain on a balanced set",
        owner=owner,
        due_date=datetime.date(2027, 1, 31),
        status=status,
    )
    return treatment_action_save(action=action, actor=owner)


def test_a_treated_risk_without_an_action_or_with_only_planned_ones_is_flagged(
    risk_owner, alice_system, client_for
):
    risk = _treated(risk_owner, alice_system, done_action=False)
    client = client_for(risk_owner)
    page = client.get(risk.get_absolute_url()).content.decode()
    assert WARNINGS in page and "has no treatment action" in page

    action = _action(risk, risk_owner)
    page = client.get(risk.get_absolute_url()).content.decode()
    assert "its only treatment action is still planned" in page

    action.status = "done"
    treatment_action_save(action=action, actor=risk_owner)
    page = client.get(risk.get_absolute_url()).content.decode()
    assert WARNINGS not in page


def test_a_deployed_system_without_assessed_risks_or_approved_impacts_is_flagged(
    alice, client_for
):
    system = make_system(alice, lifecycle_stage="deployed")
    page = client_for(alice).get(system.get_absolute_url()).content.decode()
    assert "none of its risks is assessed" in page
    assert "without an approved impact assessment" in page


def test_a_retired_system_with_open_risks_is_flagged_by_count(
    alice, risk_owner, client_for
):
    system = make_system(alice, lifecycle_stage="development")
    risk = _treated(
        risk_owner, system, done_action=False, title="Hidden title of a risk"
    )
    _action(risk, risk_owner)
    system.lifecycle_stage = "retired"
    from registry.services import ai_system_save

    ai_system_save(system=system, actor=alice)
    page = client_for(alice).get(system.get_absolute_url()).content.decode()
    assert "retired but has 1 open risk and 1 open treatment action" in page


def test_a_system_in_development_has_no_warning(alice, client_for):
    system = make_system(alice)
    page = client_for(alice).get(system.get_absolute_url()).content.decode()
    assert WARNINGS not in page
