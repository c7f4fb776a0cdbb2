"""Incident and post-market monitoring pages and API lists cost no more queries for
many records than for few, for an AIMS manager and for the owner of the system."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import Incident, MonitoringMetric, MonitoringPlan

from .helpers import make_incident, make_serious, report_to_authority
from .monitoring_helpers import high_risk_system, make_metric, make_plan, record

pytestmark = pytest.mark.django_db
SMALL, LARGE = 3, 12


@pytest.fixture(autouse=True)
def _no_idle_stamp(settings):
    # The idle-timeout stamp rewrites the session at most once a minute; growing the
    # data takes longer than that, which would add a write unrelated to the page.
    settings.AIMS_SESSION_IDLE_MINUTES = 0


@pytest.fixture
def monitored(alice):
    system = high_risk_system(alice)
    return system, make_plan(system, alice)


def _grow(total, owner, manager, system, plan):
    for index in range(Incident.objects.count(), total):
        incident = make_incident(system, owner, title=f"Incident {index}")
        if index % 2:
            make_serious(incident, manager)
            report_to_authority(incident, manager, report_type="initial")
    for index in range(MonitoringMetric.objects.count(), total):
        metric = make_metric(plan, owner, name=f"Metric {index:02d}", frequency_days=7)
        record(metric, owner, "0.9", days_ago=10)
        record(metric, owner, "0.5" if index % 2 else "0.95", days_ago=2)
    for index in range(MonitoringPlan.objects.count(), total):
        make_plan(high_risk_system(owner, name=f"Also high-risk {index}"), owner)


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in queries.captured_queries]


PAGES = {
    "incident list": lambda s, p: reverse("incidents:incident_list"),
    "incident detail": lambda s, p: (
        Incident.objects.filter(is_serious=True).first().get_absolute_url()
    ),
    "incident API": lambda s, p: "/api/v1/incidents/",
    "timeline API": lambda s, p: "/api/v1/incident-timeline/",
    "monitoring metric list": lambda s, p: reverse("incidents:monitoringmetric_list"),
    "overdue checks": lambda s, p: (
        reverse("incidents:monitoringmetric_list") + "?overdue=true&breached=true"
    ),
    "monitoring plan list": lambda s, p: reverse("incidents:monitoringplan_list"),
    "monitoring plan detail": lambda s, p: p.get_absolute_url(),
    "monitoring metric detail": lambda s, p: p.metrics.first().get_absolute_url(),
    "system monitoring tab": lambda s, p: reverse(
        "registry:aisystem_tab", args=[s.pk, "monitoring"]
    ),
    "monitoring plan API": lambda s, p: "/api/v1/monitoring-plans/",
    "monitoring metric API": lambda s, p: "/api/v1/monitoring-metrics/",
    "monitoring result API": lambda s, p: "/api/v1/monitoring-results/",
}


@pytest.mark.parametrize("persona", ["manager", "alice"])
@pytest.mark.parametrize("page", list(PAGES))
def test_incident_and_monitoring_pages_do_not_grow(
    request,
    persona,
    page,
    client_for,
    api_for,
    alice,
    manager,
    monitored,
    django_assert_max_num_queries,
):
    system, plan = monitored
    user = request.getfixturevalue(persona)
    client = api_for(user) if "API" in page else client_for(user)
    _grow(SMALL, alice, manager, system, plan)
    small_sql = _queries(client, PAGES[page](system, plan))
    _grow(LARGE, alice, manager, system, plan)
    url = PAGES[page](system, plan)
    large_sql = _queries(client, url)
    extra = [sql for sql in large_sql if sql not in small_sql]
    assert len(large_sql) <= len(small_sql), "\n".join(extra)
    with django_assert_max_num_queries(len(small_sql)):
        client.get(url)
