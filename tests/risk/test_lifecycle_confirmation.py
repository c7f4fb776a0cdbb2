"""A move the data contradict (treated or accepted with the treatment "mitigate" while no
action exists or all are still planned) is not refused, but it needs a note saying why,
and the note stays with the move in the change log: in the service, the API and pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aims.models import ObjectChange
from risk.services import risk_accept, risk_save, risk_transition
from tests.factories import make_risk

from .test_lifecycle_warnings import _action

NOTE = "The input filter already in production covers it until the retraining."


def _planned(owner, **fields):
    """A risk mitigated on paper: treatment planned, residual assessed, no action."""
    risk = make_risk(
        owner,
        inherent_likelihood=4,
        inherent_impact=4,
        treatment="mitigate",
        treatment_rationale="Retrain and monitor.",
        **fields,
    )
    risk_transition(risk=risk, to_status="treatment_planned", actor=owner)
    risk.residual_likelihood, risk.residual_impact = 1, 2
    return risk_save(risk=risk, actor=owner)


def _entries(risk):
    return ObjectChange.objects.for_object(risk).order_by("seq")


def test_treated_without_a_done_action_needs_a_note_kept_in_one_entry(risk_owner):
    risk = _planned(risk_owner)
    with pytest.raises(ValidationError) as refused:
        risk_transition(risk=risk, to_status="treated", actor=risk_owner)
    assert "no treatment action" in refused.value.message_dict["confirm_note"][0]
    risk.refresh_from_db()
    assert risk.status == "treatment_planned"

    _action(risk, risk_owner)  # one action, still planned
    with pytest.raises(ValidationError) as refused:
        risk_transition(risk=risk, to_status="treated", actor=risk_owner)
    assert "only treatment action is still planned" in str(refused.value)

    before = _entries(risk).count()
    risk_transition(
        risk=risk, to_status="treated", actor=risk_owner, confirm_note=f"  {NOTE} "
    )
    risk.refresh_from_db()
    assert risk.status == "treated"
    # One act, one entry: the status change and its reason together.
    (entry,) = _entries(risk)[before:]
    assert entry.event == "risk.status_changed"
    assert entry.prechange_data["status"] == "treatment_planned"
    assert entry.postchange_data["status"] == "treated"
    assert entry.postchange_data["confirm_note"] == NOTE
    assert "Confirmed despite" in entry.message and NOTE in entry.message


def test_a_done_action_needs_no_note(risk_owner):
    risk = _planned(risk_owner)
    _action(risk, risk_owner, status="done")
    risk_transition(risk=risk, to_status="treated", actor=risk_owner)
    risk.refresh_from_db()
    assert risk.status == "treated"
    entry = _entries(risk).last()
    assert "confirm_note" not in entry.postchange_data
    assert "Confirmed despite" not in entry.message


def test_accepting_a_mitigation_without_any_action_needs_a_note(risk_owner):
    risk = _planned(risk_owner)
    risk_transition(risk=risk, to_status="treated", actor=risk_owner, confirm_note=NOTE)
    with pytest.raises(ValidationError) as refused:
        risk_accept(risk=risk, actor=risk_owner, rationale="Low and monitored.")
    assert "confirm_note" in refused.value.message_dict
    risk_accept(
        risk=risk, actor=risk_owner, rationale="Low and monitored.", confirm_note=NOTE
    )
    risk.refresh_from_db()
    assert risk.status == "accepted"
    accepted = ObjectChange.objects.get(event="risk.accepted")
    assert accepted.postchange_data["confirm_note"] == NOTE
    assert accepted.postchange_data["rationale"] == "Low and monitored."


def test_the_api_answers_400_on_confirm_note_then_moves_with_it(risk_owner, api_for):
    risk = _planned(risk_owner)
    api = api_for(risk_owner)
    url = f"/api/v1/risks/{risk.pk}/transition/"

    refused = api.post(url, {"status": "treated"}, format="json")
    assert refused.status_code == 400
    assert "no treatment action" in refused.json()["confirm_note"][0]

    moved = api.post(url, {"status": "treated", "confirm_note": NOTE}, format="json")
    assert moved.status_code == 200, moved.json()
    assert moved.json()["status"] == "treated"

    accept = f"/api/v1/risks/{risk.pk}/accept/"
    body = {"rationale": "Low and monitored."}
    assert api.post(accept, body, format="json").status_code == 400
    done = api.post(accept, body | {"confirm_note": NOTE}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "accepted"


def test_the_page_asks_for_the_note_and_keeps_the_risk_until_given(
    risk_owner, client_for
):
    risk = _planned(risk_owner)
    client = client_for(risk_owner)
    page = client.get(risk.get_absolute_url()).content.decode()
    assert "Move to treated…" in page and "no treatment action" in page
    assert 'name="confirm_note"' in page

    url = reverse("risk:risk_transition", args=[risk.pk])
    refused = client.post(url, {"status": "treated"}, follow=True)
    assert "confirm with a note" in refused.content.decode()
    risk.refresh_from_db()
    assert risk.status == "treatment_planned"

    client.post(url, {"status": "treated", "confirm_note": NOTE})
    risk.refresh_from_db()
    assert risk.status == "treated"


def test_the_acceptance_page_shows_the_warning_and_needs_the_note(
    risk_owner, client_for
):
    risk = _planned(risk_owner)
    risk_transition(risk=risk, to_status="treated", actor=risk_owner, confirm_note=NOTE)
    client = client_for(risk_owner)
    url = reverse("risk:risk_accept", args=[risk.pk])
    page = client.get(url).content.decode()
    assert "no treatment action" in page and "Why accept it anyway" in page

    refused = client.post(url, {"rationale": "Low and monitored.", "decision": "accept"})
    assert refused.status_code == 400
    assert "confirm with a note" in refused.content.decode()

    done = client.post(
        url,
        {"rationale": "Low and monitored.", "decision": "accept", "confirm_note": NOTE},
    )
    assert done.status_code == 302
    risk.refresh_from_db()
    assert risk.status == "accepted"
