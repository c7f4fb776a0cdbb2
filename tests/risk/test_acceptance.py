"""Risk acceptance above the appetite as a request: the owner asks, the committee hears
of it and decides with a comment, the owner is told; acceptances expire."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from aims.models import Notification, ObjectChange
from aims.notifications import reminders_send
from risk.services import (
    acceptance_options,
    risk_accept,
    risk_acceptance_reject,
    risk_acceptance_request,
)

from .test_workflow import _treated

TODAY = timezone.localdate()


def test_the_owner_requests_and_the_committee_accepts_with_a_revisit_date(
    risk_owner, committee
):
    risk = _treated(risk_owner)  # residual high, above the medium appetite
    assert acceptance_options(risk_owner, risk) == {
        "accept": False,
        "request": True,
        "decide": False,
    }
    revisit = TODAY + datetime.timedelta(days=90)
    risk_acceptance_request(
        risk=risk,
        actor=risk_owner,
        rationale="Compensating controls.",
        revisit_on=revisit,
    )
    risk.refresh_from_db()
    assert risk.acceptance_pending and risk.status == "treated"
    assert acceptance_options(risk_owner, risk)["request"] is False
    assert acceptance_options(committee, risk)["decide"] is True

    risk_accept(risk=risk, actor=committee, rationale="Agreed at the committee.")
    risk.refresh_from_db()
    assert risk.status == "accepted" and risk.accepted_by == committee
    assert risk.acceptance_revisit_on == revisit == risk.next_review_date
    assert not risk.acceptance_pending
    events = list(
        ObjectChange.objects.filter(event__startswith="risk.accept")
        .order_by("seq")
        .values_list("event", flat=True)
    )
    assert events == ["risk.acceptance_requested", "risk.accepted"]
    assert (
        f"until {revisit.isoformat()}"
        in ObjectChange.objects.get(event="risk.accepted").message
    )


def test_the_committee_rejects_with_a_comment_and_the_owner_is_told(
    risk_owner, committee
):
    risk = _treated(risk_owner)
    risk_acceptance_request(risk=risk, actor=risk_owner, rationale="Please accept.")
    with pytest.raises(ValidationError, match="Say why"):
        risk_acceptance_reject(risk=risk, actor=committee, comment=" ")
    with pytest.raises(PermissionDenied, match="Only the governance committee"):
        risk_acceptance_reject(risk=risk, actor=risk_owner, comment="No")
    risk_acceptance_reject(risk=risk, actor=committee, comment="Add a second control.")
    risk.refresh_from_db()
    assert not risk.acceptance_pending and risk.status == "treated"
    assert risk.acceptance_rejection_comment == "Add a second control."
    assert ObjectChange.objects.get(event="risk.acceptance_rejected").user == committee

    reminders_send(today=TODAY)
    told = Notification.objects.get(
        recipient=risk_owner, source="risk.acceptance_rejected"
    )
    assert "rejected" in told.title and told.url == risk.get_absolute_url()


def test_the_committee_hears_of_a_request_and_is_reminded_until_it_decides(
    risk_owner, committee
):
    risk = _treated(risk_owner)
    risk_acceptance_request(risk=risk, actor=risk_owner, rationale="Please accept.")
    reminders_send(today=TODAY)
    assert Notification.objects.filter(
        recipient=committee, source="risk.acceptance_request"
    ).exists()
    assert not Notification.objects.filter(
        recipient=risk_owner, source="risk.acceptance_request"
    ).exists()
    # Overdue after 14 days: escalated along the ladder.
    reminders_send(today=TODAY + datetime.timedelta(days=15))
    assert Notification.objects.filter(
        recipient=committee, source="risk.acceptance_request", kind="overdue"
    ).exists()
    risk_accept(risk=risk, actor=committee, rationale="Agreed.")
    requests = Notification.objects.filter(source="risk.acceptance_request")
    before = requests.count()
    reminders_send(today=TODAY + datetime.timedelta(days=30))
    assert requests.count() == before  # decided: no more reminders


def test_the_home_page_and_due_items_show_the_committee_what_waits(
    risk_owner, committee, client_for
):
    risk = _treated(risk_owner)
    risk_acceptance_request(risk=risk, actor=risk_owner, rationale="Please accept.")
    client = client_for(committee)
    home = client.get(reverse("home")).content.decode()
    assert "Risks waiting for your acceptance" in home and risk.reference in home
    due = client.get(reverse("due_items")).content.decode()
    assert risk.reference in due
    assert (
        "Risks waiting for your acceptance"
        not in client_for(risk_owner).get(reverse("home")).content.decode()
    )


def test_pages_offer_only_what_the_user_can_complete(
    risk_owner, committee, viewer, auditor, client_for
):
    risk = _treated(risk_owner)
    url = reverse("risk:risk_accept", args=[risk.pk])
    owner_page = client_for(risk_owner).get(risk.get_absolute_url()).content.decode()
    assert (
        "Request acceptance" in owner_page and "Accept residual risk" not in owner_page
    )
    for person in (viewer, auditor):
        page = client_for(person).get(risk.get_absolute_url()).content.decode()
        assert url not in page
        refused = client_for(person).get(url)
        assert refused.status_code == 403
        assert "Only the risk owner" in refused.content.decode()

    response = client_for(risk_owner).post(
        url, {"decision": "request", "rationale": "Compensating controls."}
    )
    assert response.status_code == 302
    committee_page = client_for(committee).get(url).content.decode()
    assert "Compensating controls." in committee_page
    assert "Reject the request" in committee_page
    response = client_for(committee).post(
        url, {"decision": "reject", "rationale": "Add a second control."}
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.acceptance_rejection_comment == "Add a second control."


def test_the_api_requests_and_rejects(risk_owner, committee, api_for):
    risk = _treated(risk_owner)
    response = api_for(risk_owner).post(
        f"/api/v1/risks/{risk.pk}/request-acceptance/",
        {"rationale": "Please.", "revisit_on": "2000-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "revisit_on" in response.json()
    response = api_for(risk_owner).post(
        f"/api/v1/risks/{risk.pk}/request-acceptance/",
        {"rationale": "Please."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["acceptance_requested_at"]
    response = api_for(committee).post(
        f"/api/v1/risks/{risk.pk}/reject-acceptance/",
        {"comment": "Not yet."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["acceptance_rejection_comment"] == "Not yet."


def test_an_expired_acceptance_brings_the_risk_back_for_review(risk_owner, client_for):
    risk = _treated(risk_owner, inherent=(3, 3), residual=(2, 2))
    risk_accept(
        risk=risk,
        actor=risk_owner,
        rationale="Low.",
        revisit_on=TODAY + datetime.timedelta(days=1),
    )
    risk.refresh_from_db()
    assert risk.next_review_date == TODAY + datetime.timedelta(days=1)
    reminders_send(today=TODAY + datetime.timedelta(days=2))
    assert Notification.objects.filter(
        recipient=risk_owner, source="risk.risk_review", kind="overdue"
    ).exists()
