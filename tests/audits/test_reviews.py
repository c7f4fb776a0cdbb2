"""Management reviews (9.3): inputs computed from live data on the review date, frozen
on sign-off by the chair."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.choices import ReviewStatus
from audit.models import Nonconformity
from audit.services import (
    Frozen,
    nonconformity_save,
    review_decision_save,
    review_input_reports,
    review_prepare,
    review_save,
    review_sign,
)

from .builders import days, make_decision, make_review


def figures(reports, key) -> dict:
    for row, report in reports:
        if row.key == key:
            return {f["label"]: (f["value"], f["previous"]) for f in report["figures"]}
    raise AssertionError(f"no input {key}")


def raise_nc(actor, owner, on, **fields):
    values = {
        "source": "complaint",
        "requirement_id": "8.1",
        "title": "Complaint about an unexplained decision",
        "description": "A candidate got no explanation.",
        "raised_on": on,
        **fields,
    }
    return nonconformity_save(
        nonconformity=Nonconformity(owner=owner, **values), actor=actor
    )


@pytest.fixture
def held_review(manager, committee):
    """A review of today, after one signed 90 days ago, prepared, with attendees."""
    earlier = make_review(manager, committee, review_date=days(-90), title="Earlier")
    review_prepare(review=earlier, actor=manager)
    earlier.attendees.set([committee])
    earlier.top_management_present = True
    review_save(review=earlier, actor=committee, m2m={"attendees": [committee]})
    make_decision(earlier, committee, manager, due_date=days(-10))
    make_decision(earlier, committee, manager, status="done", completed_on=days(-20))
    review_sign(review=earlier, actor=committee)
    review = make_review(manager, committee, review_date=days(0))
    review_prepare(review=review, actor=manager)
    return review


def test_inputs_are_computed_for_the_review_date_with_the_trend(
    held_review, manager, risk_owner
):
    raise_nc(manager, risk_owner, days(-100))  # the period before the last review
    raise_nc(manager, risk_owner, days(-30))
    raise_nc(manager, risk_owner, days(-5), source="monitoring", grade="major_nc")
    reports = review_input_reports(held_review)
    nc = figures(reports, "audit.nonconformities")
    assert nc["Opened"] == (2, 1)
    assert nc["Open on the review date"] == (3, None)
    assert nc["Open major nonconformities"] == (1, None)
    by_source = next(r for row, r in reports if row.key == "audit.nonconformities")
    assert by_source["data"]["by_source"] == {
        "Complaint": 1,
        "Monitoring and measurement": 1,
    }
    previous = figures(reports, "audit.previous_actions")
    assert previous["Decisions of earlier reviews"] == (2, None)
    assert previous["Still open"] == (1, None)
    assert previous["Overdue"] == (1, None)
    # Every input of 9.3.2 is there, a) to e).
    ids = {row.input_id for row, _ in reports}
    assert {"9.3.2 a)", "9.3.2 b)", "9.3.2 c)", "9.3.2 d) 1)", "9.3.2 e)"} <= ids


def test_sign_off_needs_attendees_top_management_and_decisions(held_review, committee):
    with pytest.raises(ValidationError) as caught:
        review_sign(review=held_review, actor=committee)
    assert {"attendees", "top_management_present", "decisions"} <= set(
        caught.value.error_dict
    )
    held_review.refresh_from_db()
    assert held_review.status == ReviewStatus.PREPARED


def test_only_the_chair_signs(held_review, manager, committee):
    held_review.top_management_present = True
    review_save(review=held_review, actor=manager, m2m={"attendees": [committee]})
    make_decision(held_review, manager, manager)
    with pytest.raises(PermissionDenied):
        review_sign(review=held_review, actor=manager)


def test_signed_review_keeps_its_inputs_and_is_frozen(
    held_review, manager, committee, risk_owner
):
    raise_nc(manager, risk_owner, days(-3))
    held_review.top_management_present = True
    review_save(review=held_review, actor=manager, m2m={"attendees": [committee]})
    decision = make_decision(held_review, manager, manager)
    review_sign(review=held_review, actor=committee)
    held_review.refresh_from_db()
    before = figures(review_input_reports(held_review), "audit.nonconformities")
    raise_nc(manager, risk_owner, days(-1))  # a later change to the records
    after = figures(review_input_reports(held_review), "audit.nonconformities")
    assert before == after
    assert after["Opened"][0] == 1
    held_review.title = "Rewritten"
    with pytest.raises(Frozen):
        review_save(review=held_review, actor=manager)
    decision.description = "Something else"
    with pytest.raises(Frozen):
        review_decision_save(decision=decision, actor=manager)
    decision.refresh_from_db()
    decision.status, decision.completed_on = "done", days(0)
    review_decision_save(decision=decision, actor=manager)  # follow-up stays open


def test_next_review_lists_the_decisions_of_this_one(held_review, manager, committee):
    held_review.top_management_present = True
    review_save(review=held_review, actor=manager, m2m={"attendees": [committee]})
    make_decision(held_review, manager, manager, description="Hire an auditor")
    review_sign(review=held_review, actor=committee)
    following = make_review(manager, committee, review_date=days(1))
    review_prepare(review=following, actor=manager)
    report = next(
        r
        for row, r in review_input_reports(following)
        if row.key == "audit.previous_actions"
    )
    assert "Hire an auditor" in [
        d["description"] for d in report["data"]["open_decisions"]
    ]


def test_issues_and_parties_come_from_their_records_not_by_hand(manager, committee):
    """9.3.2 b) and c) are entered by hand only while no app holds issues and parties:
    with the management system's records registered, each appears once."""
    from aims import review_inputs

    review = make_review(manager, committee)
    review_prepare(review=review, actor=manager)
    keys = {row.input_id: [] for row in review.inputs.all()}
    for row in review.inputs.all():
        keys[row.input_id].append(row.key)
    assert keys["9.3.2 b)"] == ["governance.context"]
    assert keys["9.3.2 c)"] == ["governance.parties"]

    context = next(
        i for i in review_inputs.registered_inputs() if i.key == "governance.context"
    )
    review_inputs.unregister("governance.context")
    try:
        ids = [
            i.key for i in review_inputs.registered_inputs() if i.input_id == "9.3.2 b)"
        ]
        assert ids == ["audit.external_issues"]
    finally:
        review_inputs.register(context)
