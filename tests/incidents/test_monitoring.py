"""Post-market monitoring (EU AI Act Art. 72): plans, metrics, results, breaches that
open incidents, and missed checks that become due items."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from aims.models import Notification, ObjectChange
from aims.notifications import reminders_send
from incidents.models import Incident, MonitoringPlan, MonitoringResult
from incidents.monitoring_services import monitoring_result_save
from tests.factories import make_system

from .monitoring_helpers import high_risk_system, make_metric, make_plan, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(alice):
    return make_plan(high_risk_system(alice), alice)


def test_a_plan_is_kept_for_high_risk_systems_only(client_for, alice):
    minimal = make_system(alice, name="Minimal", eu_risk_tier="minimal_risk")
    with pytest.raises(ValidationError) as caught:
        make_plan(minimal, alice)
    assert "high-risk" in caught.value.message_dict["ai_system"][0]
    response = client_for(alice).post(
        reverse("incidents:monitoringplan_add"),
        {"ai_system": minimal.pk, "scope": "Drift.", "responsible": alice.pk},
    )
    assert response.status_code == 400
    assert "is kept for high-risk AI systems" in response.content.decode()
    assert not MonitoringPlan.objects.exists()


def test_owner_builds_the_plan_on_the_page_and_sees_it_on_the_system_tab(
    client_for, alice
):
    system = high_risk_system(alice)
    page = client_for(alice)
    tab = page.get(reverse("registry:aisystem_tab", args=[system.pk, "monitoring"]))
    assert "Create the monitoring plan" in tab.content.decode()
    response = page.post(
        reverse("incidents:monitoringplan_add"),
        {
            "ai_system": system.pk,
            "scope": "Fairness of shortlists.",
            "responsible": alice.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = MonitoringPlan.objects.get(ai_system=system)
    response = page.post(
        reverse("incidents:monitoringmetric_add"),
        {
            "plan": plan.pk,
            "name": "False rejections per 1,000 applicants",
            "comparator": "lte",
            "threshold": "12",
            "frequency_days": "7",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    metric = plan.metrics.get()
    assert metric.next_due == timezone.localdate() + datetime.timedelta(days=7)
    tab = page.get(reverse("registry:aisystem_tab", args=[system.pk, "monitoring"]))
    assert "False rejections per 1,000 applicants" in tab.content.decode()
    assert ObjectChange.objects.filter(
        object_repr__startswith="False rejections"
    ).exists()


def test_a_result_within_the_threshold_moves_the_next_check(alice, plan):
    metric = make_metric(plan, alice, frequency_days=30)
    result = record(metric, alice, "0.9", days_ago=3)
    metric.refresh_from_db()
    assert result.breached is False and result.incident is None
    assert metric.next_due == timezone.localdate() + datetime.timedelta(days=27)


def test_a_breach_opens_an_incident_for_triage(client_for, alice, plan):
    metric = make_metric(plan, alice)
    response = client_for(alice).post(
        reverse("incidents:monitoringresult_add", args=[metric.pk]),
        {"measured_on": timezone.localdate().isoformat(), "value": "0.71"},
        follow=True,
    )
    text = response.content.decode()
    result = metric.results.get()
    assert result.breached is True
    incident = result.incident
    assert incident.status == "reported" and incident.reported_by == alice
    assert incident.ai_system == plan.ai_system
    assert "Monitoring threshold breached" in incident.title
    assert f"{incident.reference} was opened for triage" in text
    assert ObjectChange.objects.filter(event="monitoring.threshold_breached").exists()
    # Editing the breached result again does not open a second incident.
    again = MonitoringResult.objects.get(pk=result.pk)
    again.notes = "Re-checked the extract."
    monitoring_result_save(result=again, actor=alice)
    assert Incident.objects.filter(ai_system=plan.ai_system).count() == 1
    detail = client_for(alice).get(metric.get_absolute_url()).content.decode()
    assert incident.reference in detail and "breached" in detail


def test_a_result_is_not_recorded_before_it_is_measured(api_for, alice, plan):
    metric = make_metric(plan, alice)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = api_for(alice).post(
        "/api/v1/monitoring-results/",
        {"metric": metric.pk, "measured_on": tomorrow.isoformat(), "value": "0.9"},
        format="json",
    )
    assert response.status_code == 400
    assert "measured_on" in response.json()
    assert not metric.results.exists()


def test_evidence_behind_a_result_comes_from_the_evidence_store(
    api_for, client_for, alice, plan
):
    from controls.models import Evidence
    from controls.services import evidence_save

    metric = make_metric(plan, alice)
    report = evidence_save(
        evidence=Evidence(
            title="October extract", url="https://example.org/x", owner=alice
        ),
        actor=alice,
    )
    created = api_for(alice).post(
        "/api/v1/monitoring-results/",
        {
            "metric": metric.pk,
            "measured_on": "2026-01-05",
            "value": "0.9",
            "evidence": report.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert metric.results.get().evidence == report
    detail = client_for(alice).get(metric.get_absolute_url()).content.decode()
    assert report.reference in detail


def test_others_neither_see_nor_change_the_plan(client_for, api_for, alice, bob, plan):
    metric = make_metric(plan, alice)
    make_system(bob, name="Bob's")
    assert client_for(bob).get(plan.get_absolute_url()).status_code == 404
    assert client_for(bob).get(metric.get_absolute_url()).status_code == 404
    listing = client_for(bob).get(reverse("incidents:monitoringmetric_list"))
    assert metric.name not in listing.content.decode()
    assert api_for(bob).get("/api/v1/monitoring-metrics/").json()["count"] == 0
    response = api_for(bob).post(
        "/api/v1/monitoring-metrics/",
        {"plan": plan.pk, "name": "Sneaky", "threshold": "1", "frequency_days": 7},
        format="json",
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        record(metric, bob, "0.9")


def test_viewer_reads_but_does_not_record(client_for, viewer, alice, plan):
    metric = make_metric(plan, alice)
    page = client_for(viewer)
    assert page.get(metric.get_absolute_url()).status_code == 200
    assert "Record result" not in page.get(metric.get_absolute_url()).content.decode()
    add = reverse("incidents:monitoringresult_add", args=[metric.pk])
    assert page.get(add).status_code == 403
    assert (
        page.post(add, {"measured_on": "2026-01-05", "value": "1"}).status_code == 403
    )


def test_a_stale_edit_is_a_conflict(api_for, alice, plan):
    metric = make_metric(plan, alice)
    api = api_for(alice)
    first = api.patch(
        f"/api/v1/monitoring-metrics/{metric.pk}/",
        {"name": "Renamed", "version": metric.version},
        format="json",
    )
    assert first.status_code == 200
    stale = api.patch(
        f"/api/v1/monitoring-metrics/{metric.pk}/",
        {"name": "Again", "version": metric.version},
        format="json",
    )
    assert stale.status_code == 409


def test_a_missed_check_is_an_overdue_reminder(alice, manager, plan):
    metric = make_metric(plan, alice, frequency_days=7, responsible=manager)
    record(metric, alice, "0.9", days_ago=10)
    metric.refresh_from_db()
    assert metric.is_overdue
    reminders_send(today=timezone.localdate())
    notification = Notification.objects.get(
        source="incidents.monitoring_check", recipient=manager
    )
    assert notification.kind == "overdue"
    assert metric.name in notification.title


def test_the_overdue_and_breached_filters(client_for, alice, plan):
    late = make_metric(plan, alice, name="Late check", frequency_days=7)
    record(late, alice, "0.95", days_ago=9)
    breached = make_metric(plan, alice, name="Breached check")
    record(breached, alice, "0.5", days_ago=1)
    fine = make_metric(plan, alice, name="Fine check")
    record(fine, alice, "0.5", days_ago=2)
    record(fine, alice, "0.9", days_ago=1)
    page = client_for(alice)
    url = reverse("incidents:monitoringmetric_list")
    overdue = page.get(url, {"overdue": "true"}).content.decode()
    assert "Late check" in overdue and "Fine check" not in overdue
    text = page.get(url, {"breached": "true"}).content.decode()
    assert "Breached check" in text and "Fine check" not in text
    assert "Late check" not in text
