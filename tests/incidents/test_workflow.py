"""An incident from report to closure, on pages and over the API, as each persona."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aims.models import Notification, ObjectChange
from aims.notifications import reminders_send
from incidents.models import Incident

from .helpers import make_incident, make_serious, report_to_authority

pytestmark = pytest.mark.django_db


def _local(value, zone="UTC"):
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def _report_form(system, **overrides):
    now = timezone.now()
    data = {
        "ai_system": system.pk,
        "title": "Shortlist dropped every applicant over 55",
        "description": "The shortlist for three roles had no applicant over 55.",
        "severity": "high",
        "occurred_at": _local(now - datetime.timedelta(days=1), "Europe/Berlin"),
        "aware_at": _local(now - datetime.timedelta(hours=2), "Europe/Berlin"),
        "time_zone": "Europe/Berlin",
        "affected_persons": "About 40 applicants.",
    }
    data.update(overrides)
    return data


def test_owner_reports_an_incident_on_their_system(client_for, alice, alice_system):
    response = client_for(alice).post(
        reverse("incidents:incident_add"), _report_form(alice_system)
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.reported_by == alice and incident.status == "reported"
    assert incident.reference.startswith("INC-")
    # Typed as Berlin wall-clock time, stored in UTC.
    assert (
        _local(incident.aware_at, "Europe/Berlin")
        == _report_form(alice_system)["aware_at"]
    )
    page = client_for(alice).get(incident.get_absolute_url())
    assert "Not triaged yet" in page.content.decode()


def test_awareness_before_occurrence_is_refused_by_field(
    client_for, alice, alice_system
):
    now = timezone.now()
    data = _report_form(
        alice_system,
        occurred_at=_local(now - datetime.timedelta(hours=1), "Europe/Berlin"),
        aware_at=_local(now - datetime.timedelta(hours=3), "Europe/Berlin"),
    )
    response = client_for(alice).post(reverse("incidents:incident_add"), data)
    assert response.status_code == 400
    assert (
        "cannot have become aware of the incident before it occurred"
        in response.content.decode()
    )
    assert not Incident.objects.exists()


def test_no_report_on_a_system_one_may_not_see(
    api_for, client_for, outsider, bob, bob_system, alice_system
):
    response = client_for(bob).post(
        reverse("incidents:incident_add"), _report_form(alice_system)
    )
    assert response.status_code == 400  # the system is not among bob's choices
    # Someone who sees no system at all is not offered the form.
    assert (
        client_for(outsider).get(reverse("incidents:incident_add")).status_code == 403
    )
    api = api_for(bob).post(
        "/api/v1/incidents/",
        {
            "ai_system": alice_system.pk,
            "title": "x",
            "description": "y",
            "occurred_at": "2026-01-01T10:00:00Z",
            "aware_at": "2026-01-01T11:00:00Z",
        },
        format="json",
    )
    assert api.status_code == 403
    assert not Incident.objects.exists()


def test_viewer_may_report_but_not_triage(client_for, viewer, alice_system):
    client = client_for(viewer)
    assert (
        client.post(
            reverse("incidents:incident_add"), _report_form(alice_system)
        ).status_code
        == 302
    )
    incident = Incident.objects.get()
    assert (
        client.get(reverse("incidents:incident_triage", args=[incident.pk])).status_code
        == 403
    )


def test_manager_triages_as_serious_and_sees_the_countdown(
    client_for, alice, manager, alice_system
):
    incident = make_incident(alice_system, alice, time_zone="Europe/Berlin")
    response = client_for(manager).post(
        reverse("incidents:incident_triage", args=[incident.pk]),
        {
            "is_serious": "true",
            "serious_limbs": ["3(49)(c)"],
            "severity": "high",
            "rationale": "Discrimination in access to employment.",
            "_version": incident.version,
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.is_serious and incident.deadline_rule == "Art. 73(2)"
    assert incident.status == "triaged"
    assert incident.report_deadline > timezone.now() + datetime.timedelta(days=14)
    page = client_for(manager).get(incident.get_absolute_url()).content.decode()
    assert "left (due" in page and "Europe/Berlin" in page
    events = ObjectChange.objects.filter(event="incident.serious_determined")
    assert events.count() == 1 and "Art. 73(2)" in events.get().message


def test_serious_without_a_limb_is_refused(client_for, alice, manager, alice_system):
    incident = make_incident(alice_system, alice)
    response = client_for(manager).post(
        reverse("incidents:incident_triage", args=[incident.pk]),
        {"is_serious": "true", "severity": "high"},
    )
    assert response.status_code == 400
    assert "at least one limb of Art. 3(49)" in response.content.decode()
    incident.refresh_from_db()
    assert not incident.is_serious and incident.report_deadline is None


def test_report_to_authority_meets_the_deadline_and_closure_follows(
    client_for, alice, manager, alice_system
):
    incident = make_serious(make_incident(alice_system, alice), manager)
    client = client_for(manager)
    add = reverse("incidents:timelineentry_add", args=[incident.pk])
    # A report without the authority is refused by field.
    response = client.post(
        add,
        {"at": _local(timezone.now()), "kind": "authority_report", "summary": "Sent."},
    )
    assert response.status_code == 400
    assert "Name the authority" in response.content.decode()
    response = client.post(
        add,
        {
            "at": _local(timezone.now()),
            "kind": "authority_report",
            "summary": "Complete report through the portal.",
            "authority": "Bundesnetzagentur",
            "external_reference": "MSA-1",
            "report_type": "complete",
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.deadline_state == "met"
    assert (
        "Reported in time" in client.get(incident.get_absolute_url()).content.decode()
    )
    # Closing needs a resolved incident, its root cause and corrective actions.
    close = reverse("incidents:incident_close", args=[incident.pk])
    response = client.post(
        close, {"root_cause": "", "corrective_actions": "", "closure_summary": ""}
    )
    assert response.status_code == 400
    assert "Resolve the incident before closing it." in response.content.decode()
    client.post(
        reverse("incidents:incident_transition", args=[incident.pk]),
        {"status": "resolved"},
    )
    response = client.post(
        close,
        {
            "root_cause": "A retrained model used a feature correlated with age.",
            "corrective_actions": "Feature removed; fairness test added to the release gate.",
            "closure_summary": "Model rolled back, affected applicants re-reviewed.",
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.closed_at is not None
    assert ObjectChange.objects.filter(event="incident.closed").exists()


def test_serious_incident_is_not_closed_without_the_complete_report(
    alice, manager, alice_system
):
    from django.core.exceptions import ValidationError

    from incidents.services import incident_close, incident_transition

    incident = make_serious(make_incident(alice_system, alice), manager)
    report_to_authority(incident, manager, report_type="initial")
    incident.refresh_from_db()
    incident_transition(incident=incident, to_status="resolved", actor=manager)
    with pytest.raises(ValidationError, match="complete report"):
        incident_close(
            incident=incident,
            actor=manager,
            root_cause="x",
            corrective_actions="y",
            closure_summary="z",
        )


def test_authority_report_on_an_incident_that_is_not_serious(
    api_for, alice, manager, alice_system
):
    incident = make_incident(alice_system, alice)
    response = api_for(manager).post(
        "/api/v1/incident-timeline/",
        {
            "incident": incident.pk,
            "at": timezone.now().isoformat(),
            "kind": "authority_report",
            "summary": "Sent.",
            "authority": "BNetzA",
            "report_type": "initial",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "triage it first" in response.json()["kind"][0]


def test_api_workflow(api_for, alice, manager, viewer, alice_system):
    owner = api_for(alice)
    response = owner.post(
        "/api/v1/incidents/",
        {
            "ai_system": alice_system.pk,
            "title": "Explanations missing",
            "description": "The explanation panel was blank for a day.",
            "occurred_at": "2026-01-01T10:00:00Z",
            "aware_at": "2026-01-01T09:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "aware_at" in response.json()
    response = owner.post(
        "/api/v1/incidents/",
        {
            "ai_system": alice_system.pk,
            "title": "Explanations missing",
            "description": "The explanation panel was blank for a day.",
            "occurred_at": "2026-01-01T10:00:00Z",
            "aware_at": "2026-01-01T12:00:00+01:00",
            "time_zone": "Europe/Berlin",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["is_serious"] is False
    # Triage is not the owner's nor the viewer's.
    body = {"is_serious": True, "serious_limbs": ["3(49)(b)"]}
    assert (
        owner.post(f"/api/v1/incidents/{pk}/triage/", body, format="json").status_code
        == 403
    )
    assert (
        api_for(viewer)
        .post(f"/api/v1/incidents/{pk}/triage/", body, format="json")
        .status_code
        == 403
    )
    response = api_for(manager).post(
        f"/api/v1/incidents/{pk}/triage/", body, format="json"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["deadline_rule"] == "Art. 73(3)"
    # Aware on 1 January (Berlin): 2 days → end of 3 January in Berlin = 22:59:59 UTC.
    assert data["report_deadline"].startswith("2026-01-03T22:59:59")
    assert data["deadline_state"] == "overdue"
    # Editing with a stale version is a conflict, not an overwrite.
    response = owner.patch(
        f"/api/v1/incidents/{pk}/", {"title": "New", "version": 1}, format="json"
    )
    assert response.status_code == 409
    bad = api_for(manager).post(
        f"/api/v1/incidents/{pk}/transition/", {"status": "closed"}, format="json"
    )
    assert bad.status_code == 400


def test_reminders_reach_the_handler_and_escalate_to_managers(
    alice, manager, committee, alice_system
):
    incident = make_serious(
        make_incident(alice_system, alice), manager, limbs=("3(49)(b)",)
    )
    reminders_send(today=timezone.localdate())
    keys = set(Notification.objects.values_list("source", "recipient__username"))
    assert ("incidents.authority_report", "alice") in keys
    assert ("incidents.authority_report_escalation", "maria") in keys
    assert ("incidents.authority_report_escalation", "grace") in keys
    report_to_authority(incident, manager)
    later = timezone.localdate() + datetime.timedelta(days=1)
    before = Notification.objects.count()
    reminders_send(today=later)
    assert Notification.objects.count() == before  # reported: nothing more is due
