"""Assessment, treatment, lifecycle, acceptance and criteria versions of risks."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from aims.models import ObjectChange
from risk.models import Risk, TreatmentAction
from risk.services import (
    criteria_current,
    criteria_publish,
    risk_accept,
    risk_save,
    risk_transition,
    treatment_action_save,
)
from tests.factories import make_risk
from tests.http import body


def _treated(
    owner, system=None, inherent=(4, 4), residual=(3, 4), done_action=True, **fields
):
    """A risk assessed, mitigated (by one action done, unless ``done_action`` is false:
    then the move to treated is confirmed with a note) and its residual risk assessed."""
    risk = make_risk(
        owner,
        system,
        inherent_likelihood=inherent[0],
        inherent_impact=inherent[1],
        treatment="mitigate",
        treatment_rationale="Retrain and monitor.",
        **fields,
    )
    risk_transition(risk=risk, to_status="treatment_planned", actor=owner)
    risk.residual_likelihood, risk.residual_impact = residual
    risk_save(risk=risk, actor=owner)
    if done_action:
        treatment_action_save(
            action=TreatmentAction(
                risk=risk,
                description="Retrain on a balanced set",
                owner=owner,
                due_date=datetime.date(2026, 6, 30),
                status="done",
            ),
            actor=owner,
        )
    risk_transition(
        risk=risk,
        to_status="treated",
        actor=owner,
        confirm_note="" if done_action else "Existing controls cover it meanwhile.",
    )
    return risk


def test_a_new_risk_gets_a_reference_the_current_criteria_and_its_scores(
    risk_owner, alice_system
):
    risk = make_risk(risk_owner, alice_system, inherent_likelihood=4, inherent_impact=3)
    assert risk.reference == "RSK-0001"
    assert risk.criteria == criteria_current()
    assert (risk.inherent_score, risk.inherent_level) == (12, "high")
    assert risk.status == "assessed"
    assert risk.next_review_date is not None


def test_residual_risk_above_inherent_is_refused(risk_owner):
    risk = make_risk(risk_owner, inherent_likelihood=2, inherent_impact=2)
    risk.residual_likelihood, risk.residual_impact = 3, 2
    with pytest.raises(ValidationError) as caught:
        risk_save(risk=risk, actor=risk_owner)
    assert "cannot be above the inherent risk" in str(
        caught.value.message_dict["residual_impact"]
    )


def test_residual_above_inherent_is_a_field_error_on_the_page_and_in_the_api(
    risk_owner, client_for, api_for
):
    risk = make_risk(risk_owner, inherent_likelihood=2, inherent_impact=2)
    api = api_for(risk_owner).patch(
        f"/api/v1/risks/{risk.pk}/",
        {"residual_likelihood": 5, "residual_impact": 5},
        format="json",
    )
    assert api.status_code == 400 and "residual_impact" in api.json()

    page = client_for(risk_owner).post(
        reverse("risk:risk_edit", args=[risk.pk]),
        {
            "_version": risk.version,
            "title": risk.title,
            "risk_source": risk.risk_source_id,
            "consequence": risk.consequence,
            "owner": risk_owner.pk,
            "inherent_likelihood": 2,
            "inherent_impact": 2,
            "residual_likelihood": 5,
            "residual_impact": 5,
            "review_frequency": 6,
        },
    )
    assert page.status_code == 400
    assert "cannot be above the inherent risk" in page.content.decode()
    risk.refresh_from_db()
    assert risk.residual_score is None


@pytest.mark.parametrize(
    "start, target, message",
    [
        ("identified", "treated", "cannot go from Identified to Treated"),
        ("identified", "assessed", "Assess inherent likelihood and impact first"),
        ("assessed", "treated", "cannot go from Assessed to Treated"),
        (
            "assessed",
            "treatment_planned",
            "Choose a treatment and give its rationale first",
        ),
        ("assessed", "accepted", "Acceptance is its own act"),
        ("assessed", "bogus", "cannot go from Assessed to bogus"),
    ],
)
def test_illegal_lifecycle_moves_are_refused_with_a_clear_message(
    risk_owner, start, target, message
):
    risk = make_risk(
        risk_owner,
        **(
            {"inherent_likelihood": 2, "inherent_impact": 2}
            if start == "assessed"
            else {}
        ),
    )
    assert risk.status == start
    with pytest.raises(ValidationError, match=message):
        risk_transition(risk=risk, to_status=target, actor=risk_owner)
    risk.refresh_from_db()
    assert risk.status == start


def test_the_lifecycle_runs_from_identified_to_closed(risk_owner):
    risk = _treated(risk_owner, inherent=(2, 3), residual=(1, 3))
    risk_accept(risk=risk, actor=risk_owner, rationale="Low and monitored.")
    risk_transition(risk=risk, to_status="closed", actor=risk_owner)
    events = list(
        ObjectChange.objects.for_object(risk)
        .filter(event="risk.status_changed")
        .order_by("seq")
        .values_list("message", flat=True)
    )
    assert events[-1] == "Status changed from Accepted to Closed."


def test_a_risk_owner_accepts_within_the_appetite(risk_owner):
    risk = _treated(
        risk_owner, inherent=(3, 3), residual=(2, 2)
    )  # residual low; appetite medium
    risk_accept(risk=risk, actor=risk_owner, rationale="Residual risk is low.")
    risk.refresh_from_db()
    assert risk.status == "accepted" and risk.accepted_by == risk_owner


def test_above_appetite_acceptance_is_refused_for_the_risk_owner_on_page_and_api(
    risk_owner, client_for, api_for
):
    risk = _treated(risk_owner)  # residual 3 x 4 = 12: high, above the medium appetite
    page = client_for(risk_owner).post(
        reverse("risk:risk_accept", args=[risk.pk]), {"rationale": "Fine"}
    )
    # A refusal is a 403 (permission before validation), with the rule it applies.
    assert (
        page.status_code == 403
        and "only the governance committee may accept it" in page.content.decode()
    )
    api = api_for(risk_owner).post(
        f"/api/v1/risks/{risk.pk}/accept/", {"rationale": "Fine"}, format="json"
    )
    assert api.status_code == 403 and "governance committee" in str(api.json())
    risk.refresh_from_db()
    assert risk.status == "treated" and risk.accepted_by is None
    assert not ObjectChange.objects.filter(event="risk.accepted").exists()


def test_the_committee_accepts_above_appetite_and_the_event_is_logged(
    risk_owner, committee, api_for
):
    risk = _treated(risk_owner)
    response = api_for(committee).post(
        f"/api/v1/risks/{risk.pk}/accept/",
        {"rationale": "Business-critical; reviewed quarterly."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted"
    event = ObjectChange.objects.get(event="risk.accepted")
    assert event.user == committee
    assert "Business-critical; reviewed quarterly." in event.message
    assert event.postchange_data["above_appetite"] is True
    assert event.postchange_data["residual_level"] == "high"


def test_the_committee_accepts_in_the_browser(risk_owner, committee, client_for):
    risk = _treated(risk_owner)
    response = client_for(committee).post(
        reverse("risk:risk_accept", args=[risk.pk]),
        {"rationale": "Approved by the board."},
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (
        risk.accepted_by == committee
        and risk.acceptance_rationale == "Approved by the board."
    )


def test_acceptance_needs_a_rationale(risk_owner, committee):
    risk = _treated(risk_owner)
    with pytest.raises(ValidationError, match="Say why"):
        risk_accept(risk=risk, actor=committee, rationale="  ")


def test_publishing_new_criteria_leaves_existing_scores_as_assessed(
    risk_owner, manager
):
    old = make_risk(
        risk_owner, inherent_likelihood=3, inherent_impact=3
    )  # 9: medium under v1
    v1 = criteria_current()
    v2 = criteria_publish(
        actor=manager,
        change_note="Stricter",
        name="Stricter criteria",
        likelihood_scale=v1.likelihood_scale,
        impact_scale=v1.impact_scale,
        level_thresholds={"low": 1, "medium": 3, "high": 6, "critical": 9},
        level_colours=v1.level_colours,
        appetite="low",
    )
    old.refresh_from_db()
    assert (old.criteria, old.inherent_level) == (v1, "medium")
    old.description = "Edited after the new criteria"
    risk_save(risk=old, actor=risk_owner)
    old.refresh_from_db()
    assert (old.criteria, old.inherent_level) == (v1, "medium")  # still scored under v1

    new = make_risk(risk_owner, inherent_likelihood=3, inherent_impact=3)
    assert (new.criteria, new.inherent_level) == (v2, "critical")
    v1.refresh_from_db()
    assert not v1.is_current and v2.is_current
    assert ObjectChange.objects.filter(
        event="riskcriteria.published", user=manager
    ).exists()


def test_a_manager_publishes_criteria_in_the_browser(manager, client_for):
    response = client_for(manager).post(
        reverse("risk:riskcriteria_publish"),
        {
            "name": "Four by three",
            "likelihood_scale": "Rare: seldom\nPossible\nLikely\nCertain",
            "impact_scale": "Low\nMedium\nHigh",
            "medium_from": 3,
            "high_from": 6,
            "critical_from": 9,
            "appetite": "low",
            "change_note": "Simpler scales",
        },
    )
    assert response.status_code == 302
    current = criteria_current()
    assert (current.number, current.max_likelihood, current.max_impact) == (2, 4, 3)
    assert current.likelihood_scale[0] == {"label": "Rare", "description": "seldom"}


def test_controls_and_objectives_are_kept_and_their_changes_logged(risk_owner):
    risk = make_risk(risk_owner, controls=["A.6.2.4", "A.7.4"])
    risk_save(risk=risk, actor=risk_owner, controls=["A.7.4", "A.9.2"])
    entry = ObjectChange.objects.for_object(risk).filter(action="update").last()
    changed = {name: (before, after) for name, before, after in entry.diff()}
    assert changed["controls"] == (["A.6.2.4", "A.7.4"], ["A.7.4", "A.9.2"])
    assert sorted(risk.controls.values_list("control_id", flat=True)) == [
        "A.7.4",
        "A.9.2",
    ]


def test_risk_changes_show_on_the_ai_system_history(
    risk_owner, alice, alice_system, client_for
):
    make_risk(risk_owner, alice_system, title="Visible on the system history")
    page = client_for(alice).get(
        reverse("registry:aisystem_history", args=[alice_system.pk])
    )
    assert "Visible on the system history" in page.content.decode()


def test_treatment_actions_are_planned_on_the_risk_page(risk_owner, client_for):
    risk = make_risk(risk_owner, inherent_likelihood=3, inherent_impact=3)
    response = client_for(risk_owner).post(
        reverse("risk:treatmentaction_add", args=[risk.pk]),
        {
            "description": "Add a fairness test",
            "owner": risk_owner.pk,
            "due_date": "2020-01-31",
            "status": "planned",
        },
    )
    assert response.status_code == 302
    action = risk.actions.get()
    assert action.overdue
    detail = client_for(risk_owner).get(risk.get_absolute_url()).content.decode()
    assert "Add a fairness test" in detail and "(overdue)" in detail
    assert (
        ObjectChange.objects.for_object(risk)
        .filter(content_type__model="treatmentaction")
        .exists()
    )


def test_a_heat_map_cell_links_to_the_risks_in_it(risk_owner, client_for):
    make_risk(
        risk_owner, title="Cell four-four", inherent_likelihood=4, inherent_impact=4
    )
    make_risk(
        risk_owner, title="Cell two-two", inherent_likelihood=2, inherent_impact=2
    )
    client = client_for(risk_owner)
    page = client.get(reverse("risk:risk_list"))
    inherent = page.context["heat_maps"][0]
    cell = next(c for c in inherent["cells"] if (c.likelihood, c.impact) == (4, 4))
    assert cell.count == 1 and cell.level == "high"
    filtered = client.get(cell.url)
    names = [row.record.title for row in filtered.context["table"].paginated_rows]
    assert names == ["Cell four-four"]
    assert "<svg" in page.content.decode()


def test_overdue_reviews_are_filterable(risk_owner, api_for):
    import datetime

    late = make_risk(
        risk_owner, title="Late", next_review_date=datetime.date(2020, 1, 1)
    )
    make_risk(risk_owner, title="Fine")
    rows = (
        api_for(risk_owner)
        .get("/api/v1/risks/", {"review_overdue": "true"})
        .json()["results"]
    )
    assert [row["title"] for row in rows] == [late.title]


def test_the_risk_register_exports(risk_owner, client_for):
    make_risk(
        risk_owner,
        title="Exported risk",
        inherent_likelihood=2,
        inherent_impact=3,
        controls=["A.7.4"],
    )
    response = client_for(risk_owner).get(reverse("risk:risk_list"), {"export": "csv"})
    text = body(response).decode("utf-8-sig")
    assert "Exported risk" in text and "A.7.4" in text and "Inherent level" in text


def test_a_risk_owner_creates_a_risk_over_the_api(risk_owner, alice_system, api_for):
    response = api_for(risk_owner).post(
        "/api/v1/risks/",
        {
            "ai_system": alice_system.pk,
            "title": "Model drift",
            "risk_source": "C.3.6",
            "consequence": "Wrong decisions",
            "objectives": ["C.2.8"],
            "affected_parties": ["individuals"],
            "inherent_likelihood": 3,
            "inherent_impact": 4,
            "controls": ["A.6.2.6"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (
        body["owner"] == risk_owner.pk
        and body["inherent_level"] == "high"
        and body["controls"] == ["A.6.2.6"]
    )
    assert Risk.objects.get(pk=body["id"]).criteria.number == 1


def test_an_unknown_control_or_scale_value_is_a_400(risk_owner, api_for):
    response = api_for(risk_owner).post(
        "/api/v1/risks/",
        {
            "title": "x",
            "risk_source": "C.3.6",
            "consequence": "y",
            "controls": ["A.99"],
            "inherent_likelihood": 9,
            "inherent_impact": 1,
        },
        format="json",
    )
    assert response.status_code == 400 and "controls" in response.json()
    response = api_for(risk_owner).post(
        "/api/v1/risks/",
        {
            "title": "x",
            "risk_source": "C.3.6",
            "consequence": "y",
            "inherent_likelihood": 9,
            "inherent_impact": 1,
        },
        format="json",
    )
    assert response.status_code == 400 and "inherent_likelihood" in response.json()


def test_recording_a_review_moves_the_next_review_and_is_logged(
    risk_owner, viewer, api_for, client_for
):
    import datetime

    risk = make_risk(
        risk_owner, next_review_date=datetime.date(2020, 1, 1), review_frequency=3
    )
    assert risk.review_overdue
    response = client_for(risk_owner).post(
        reverse("risk:risk_review", args=[risk.pk]), {"note": "Checked metrics"}
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert not risk.review_overdue and risk.next_review_date > datetime.date.today()
    event = ObjectChange.objects.get(event="risk.reviewed")
    assert event.user == risk_owner and "Checked metrics" in event.message
    assert (
        api_for(viewer)
        .post(f"/api/v1/risks/{risk.pk}/review/", {}, format="json")
        .status_code
        == 403
    )


def test_administrators_and_managers_do_not_accept_above_appetite(
    risk_owner, admin_user, manager
):
    """Accepting residual risk above the appetite is the governance committee's decision."""
    risk = _treated(risk_owner)
    for person in (admin_user, manager):
        with pytest.raises(PermissionDenied, match="governance committee"):
            risk_accept(risk=risk, actor=person, rationale="Looks fine")


def test_the_heat_map_api_counts_cells_and_refuses_unknown_kinds(risk_owner, api_for):
    make_risk(risk_owner, inherent_likelihood=4, inherent_impact=2)
    api = api_for(risk_owner)
    body = api.get("/api/v1/risks/heatmap/", {"kind": "inherent"}).json()
    cell = next(c for c in body["cells"] if (c["likelihood"], c["impact"]) == (4, 2))
    assert body["total"] == 1 and cell == {
        "likelihood": 4,
        "impact": 2,
        "count": 1,
        "level": "medium",
    }
    assert api.get("/api/v1/risks/heatmap/", {"kind": "AAA"}).status_code == 400


def test_changing_an_accepted_risks_scores_withdraws_the_acceptance(
    risk_owner, api_for
):
    risk = _treated(risk_owner, inherent=(2, 2), residual=(1, 1))
    risk_accept(risk=risk, actor=risk_owner, rationale="Low.")
    response = api_for(risk_owner).patch(
        f"/api/v1/risks/{risk.pk}/",
        {
            "inherent_likelihood": 5,
            "inherent_impact": 5,
            "residual_likelihood": 5,
            "residual_impact": 5,
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (
        body["status"] == "treated"
        and body["accepted_by"] is None
        and body["residual_level"] == "critical"
    )
    assert ObjectChange.objects.filter(event="risk.acceptance_withdrawn").exists()
    # Accepting again now needs the committee.
    with pytest.raises(PermissionDenied, match="governance committee"):
        risk_accept(
            risk=Risk.objects.get(pk=risk.pk), actor=risk_owner, rationale="Still fine?"
        )


def test_a_planned_risk_cannot_lose_its_scores_and_then_be_accepted(
    risk_owner, api_for
):
    risk = make_risk(
        risk_owner,
        inherent_likelihood=2,
        inherent_impact=2,
        treatment="accept",
        treatment_rationale="Small.",
    )
    risk_transition(risk=risk, to_status="treatment_planned", actor=risk_owner)
    api = api_for(risk_owner)
    cleared = api.patch(
        f"/api/v1/risks/{risk.pk}/",
        {"inherent_likelihood": None, "inherent_impact": None},
        format="json",
    )
    assert cleared.status_code == 400 and "inherent_likelihood" in cleared.json()
    accepted = api.post(
        f"/api/v1/risks/{risk.pk}/accept/",
        {"rationale": "Small and retained."},
        format="json",
    )
    assert accepted.status_code == 200
    assert accepted.json()["residual_level"] == "low"  # the inherent level, retained


def test_criteria_refuse_unknown_colour_keys_and_huge_descriptions(manager, api_for):
    current = criteria_current()
    payload = {
        "name": "x",
        "likelihood_scale": current.likelihood_scale,
        "impact_scale": current.impact_scale,
        "level_thresholds": current.level_thresholds,
        "appetite": "medium",
    }
    api = api_for(manager)
    colours = api.post(
        "/api/v1/risk-criteria/",
        {**payload, "level_colours": {"purple": "#aa00aa"}},
        format="json",
    )
    assert colours.status_code == 400 and "level_colours" in colours.json()
    long = [{"label": "L", "description": "x" * 600}] * 5
    described = api.post(
        "/api/v1/risk-criteria/", {**payload, "likelihood_scale": long}, format="json"
    )
    assert described.status_code == 400
    assert criteria_current() == current


def test_the_treatment_action_filter_does_not_reveal_hidden_risks(
    risk_owner, alice, api_for
):
    hidden = make_risk(risk_owner, title="Not for Alice")
    response = api_for(alice).get("/api/v1/treatment-actions/", {"risk": hidden.pk})
    missing = api_for(alice).get("/api/v1/treatment-actions/", {"risk": 999999})
    assert response.status_code == missing.status_code == 400
