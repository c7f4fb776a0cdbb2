"""Permission matrix of incidents and concerns, pages and API alike: every persona on an
incident of Alice's system and on a concern raised (name withheld) by a viewer. All
mismatches are reported at once."""

import pytest
from django.urls import reverse

from aims import roles
from tests.factories import make_system, make_user

from .helpers import make_concern, make_incident

pytestmark = pytest.mark.django_db
OK = "ok"

INCIDENT_CELLS = [
    "detail",
    "history",
    "edit_form",
    "triage_form",
    "api_retrieve",
    "api_triage",
    "system_tab",
]
CONCERN_CELLS = ["detail", "respond_form", "api_retrieve", "api_respond"]

HIDDEN_INCIDENT = dict(
    zip(INCIDENT_CELLS, [404, 404, 404, 403, 404, 404, 404], strict=True)
)
READS_INCIDENT = dict(zip(INCIDENT_CELLS, [OK, OK, 403, 403, OK, 403, OK], strict=True))
HANDLES = dict(zip(INCIDENT_CELLS, [OK, OK, OK, 403, OK, 403, OK], strict=True))
TRIAGES = dict(zip(INCIDENT_CELLS, [OK] * 7, strict=True))

HIDDEN_CONCERN = dict.fromkeys(CONCERN_CELLS, 404)
READS_CONCERN = {
    "detail": OK,
    "respond_form": 403,
    "api_retrieve": OK,
    "api_respond": 403,
}
HANDLES_CONCERN = dict.fromkeys(CONCERN_CELLS, OK)

MATRIX = {
    "admin": (roles.ADMINISTRATOR, TRIAGES, HANDLES_CONCERN),
    "committee": (roles.GOVERNANCE_COMMITTEE, TRIAGES, HANDLES_CONCERN),
    "manager": (roles.AIMS_MANAGER, TRIAGES, HANDLES_CONCERN),
    "risk owner": (roles.RISK_OWNER, READS_INCIDENT, HIDDEN_CONCERN),
    "system owner (own)": (roles.AI_SYSTEM_OWNER, HANDLES, HIDDEN_CONCERN),
    "system owner (other)": (roles.AI_SYSTEM_OWNER, HIDDEN_INCIDENT, HIDDEN_CONCERN),
    "auditor": (roles.AUDITOR, READS_INCIDENT, READS_CONCERN),
    "viewer": (roles.VIEWER, READS_INCIDENT, HIDDEN_CONCERN),
    "concern reporter": (roles.VIEWER, READS_INCIDENT, READS_CONCERN),
    "no role": (None, HIDDEN_INCIDENT, HIDDEN_CONCERN),
}


def _result(response):
    if response.status_code in (200, 201, 204, 302):
        return OK
    return response.status_code


def test_the_matrix(client_for, api_for):
    owner = make_user("owner", roles.AI_SYSTEM_OWNER)
    system = make_system(owner, name="Screener")
    incident = make_incident(system, owner)
    reporter = make_user("reporter", roles.VIEWER)
    concern = make_concern(reporter, system)
    mismatches = []
    for name, (role, incident_expected, concern_expected) in MATRIX.items():
        if name == "system owner (own)":
            user = owner
        elif name == "concern reporter":
            user = reporter
        else:
            user = make_user(f"u{abs(hash(name)) % 10**6}", *([role] if role else []))
            if name == "system owner (other)":
                make_system(user, name="Someone else's")
        page, api = client_for(user), api_for(user)
        got = {
            "detail": page.get(incident.get_absolute_url()),
            "history": page.get(
                reverse("incidents:incident_history", args=[incident.pk])
            ),
            "edit_form": page.get(
                reverse("incidents:incident_edit", args=[incident.pk])
            ),
            "triage_form": page.get(
                reverse("incidents:incident_triage", args=[incident.pk])
            ),
            "api_retrieve": api.get(f"/api/v1/incidents/{incident.pk}/"),
            "api_triage": api.post(
                f"/api/v1/incidents/{incident.pk}/triage/",
                {"is_serious": False},
                format="json",
            ),
            "system_tab": page.get(
                reverse("registry:aisystem_tab", args=[system.pk, "incidents"])
            ),
        }
        for cell, expected in incident_expected.items():
            if _result(got[cell]) != expected:
                mismatches.append(
                    f"{name}: incident {cell}: expected {expected}, got {got[cell].status_code}"
                )
        got = {
            "detail": page.get(concern.get_absolute_url()),
            "respond_form": page.get(
                reverse("incidents:concern_edit", args=[concern.pk])
            ),
            "api_retrieve": api.get(f"/api/v1/concerns/{concern.pk}/"),
            "api_respond": api.post(
                f"/api/v1/concerns/{concern.pk}/respond/",
                {"status": "under_review", "response": ""},
                format="json",
            ),
        }
        for cell, expected in concern_expected.items():
            if _result(got[cell]) != expected:
                mismatches.append(
                    f"{name}: concern {cell}: expected {expected}, got {got[cell].status_code}"
                )
    assert not mismatches, "\n".join(mismatches)


def test_lists_show_only_what_one_may_see(client_for, api_for):
    owner = make_user("owner", roles.AI_SYSTEM_OWNER)
    other = make_user("other", roles.AI_SYSTEM_OWNER)
    make_system(other, name="Other's")
    incident = make_incident(
        make_system(owner, name="Screener"), owner, title="Visible only to some"
    )
    assert (
        incident.title
        in client_for(owner).get(reverse("incidents:incident_list")).content.decode()
    )
    assert (
        incident.title
        not in client_for(other)
        .get(reverse("incidents:incident_list"))
        .content.decode()
    )
    assert api_for(other).get("/api/v1/incidents/").json()["count"] == 0
    assert api_for(owner).get("/api/v1/incidents/").json()["count"] == 1
