"""Permission matrix of post-market monitoring, pages and API alike: every persona on the
plan, a metric and its results of a high-risk system owned by one AI system owner. All
mismatches are reported at once."""

import pytest
from django.urls import reverse

from aims import roles
from tests.factories import make_system, make_user

from .monitoring_helpers import high_risk_system, make_metric, make_plan, record

pytestmark = pytest.mark.django_db
OK = "ok"

CELLS = [
    "plan_detail",
    "metric_detail",
    "metric_edit_form",
    "result_add_form",
    "system_tab",
    "api_plan",
    "api_result_create",
]
HIDDEN = dict(zip(CELLS, [404, 404, 404, 404, 404, 404, 403], strict=True))
READS = dict(zip(CELLS, [OK, OK, 403, 403, OK, OK, 403], strict=True))
MAINTAINS = dict.fromkeys(CELLS, OK)

MATRIX = {
    "admin": (roles.ADMINISTRATOR, MAINTAINS),
    "committee": (roles.GOVERNANCE_COMMITTEE, MAINTAINS),
    "manager": (roles.AIMS_MANAGER, MAINTAINS),
    "risk owner": (roles.RISK_OWNER, READS),
    "system owner (own)": (roles.AI_SYSTEM_OWNER, MAINTAINS),
    "system owner (other)": (roles.AI_SYSTEM_OWNER, HIDDEN),
    "auditor": (roles.AUDITOR, READS),
    "viewer": (roles.VIEWER, READS),
    "no role": (None, HIDDEN),
}


def _result(response):
    if response.status_code in (200, 201, 204, 302):
        return OK
    return response.status_code


def test_the_monitoring_matrix(client_for, api_for):
    owner = make_user("owner", roles.AI_SYSTEM_OWNER)
    system = high_risk_system(owner)
    plan = make_plan(system, owner)
    metric = make_metric(plan, owner)
    record(metric, owner, "0.9", days_ago=3)
    mismatches = []
    for name, (role, expected) in MATRIX.items():
        if name == "system owner (own)":
            user = owner
        else:
            user = make_user(f"u{abs(hash(name)) % 10**6}", *([role] if role else []))
            if name == "system owner (other)":
                make_system(user, name="Someone else's")
        page, api = client_for(user), api_for(user)
        got = {
            "plan_detail": page.get(plan.get_absolute_url()),
            "metric_detail": page.get(metric.get_absolute_url()),
            "metric_edit_form": page.get(
                reverse("incidents:monitoringmetric_edit", args=[metric.pk])
            ),
            "result_add_form": page.get(
                reverse("incidents:monitoringresult_add", args=[metric.pk])
            ),
            "system_tab": page.get(
                reverse("registry:aisystem_tab", args=[system.pk, "monitoring"])
            ),
            "api_plan": api.get(f"/api/v1/monitoring-plans/{plan.pk}/"),
            "api_result_create": api.post(
                "/api/v1/monitoring-results/",
                {"metric": metric.pk, "measured_on": "2026-01-05", "value": "0.9"},
                format="json",
            ),
        }
        for cell, want in expected.items():
            if _result(got[cell]) != want:
                mismatches.append(
                    f"{name}: {cell}: expected {want}, got {got[cell].status_code}"
                )
    assert not mismatches, "\n".join(mismatches)
