"""Who may do what with controls, the SoA and evidence, on pages and in the API alike.

Every cell is run for every role (and for a user with no role); all mismatches are
reported at once. "ok" is any 2xx, or a redirect after a successful POST.
"""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aims import roles
from controls.models import Control, ControlDomain, SoAEntry
from controls.services import (
    control_save,
    soa_approve,
    soa_current,
    soa_entry_save,
    soa_new_draft,
)
from tests.factories import make_user

from .conftest import PDF_BYTES, make_evidence

OK, FORBIDDEN, NOT_FOUND = "ok", 403, 404
ROLES = [
    "admin_user",
    "committee",
    "manager",
    "risk_owner",
    "alice",
    "auditor",
    "viewer",
    "outsider",
]


def outcome(response):
    if response.status_code < 300 or (
        response.status_code == 302 and "login" not in response.get("Location", "")
    ):
        return OK
    return response.status_code


def _expect(ok=(), forbidden_for_rest=True, hidden=("outsider",)):
    table = {}
    for role in ROLES:
        if role in ok:
            table[role] = OK
        elif role in hidden:
            table[role] = NOT_FOUND
        else:
            table[role] = FORBIDDEN if forbidden_for_rest else OK
    return table


EVERYONE_BUT_OUTSIDER = [r for r in ROLES if r != "outsider"]
MANAGERS = ("admin_user", "manager")

CELLS = {
    # Reading
    "page_soa": _expect(ok=EVERYONE_BUT_OUTSIDER),
    "page_library": _expect(ok=ROLES),  # a list: the outsider sees an empty one
    "page_control": _expect(ok=EVERYONE_BUT_OUTSIDER),
    "page_coverage": _expect(ok=EVERYONE_BUT_OUTSIDER),
    "page_compare": _expect(ok=EVERYONE_BUT_OUTSIDER),
    "page_evidence": _expect(ok=EVERYONE_BUT_OUTSIDER),
    "page_download_public": _expect(ok=EVERYONE_BUT_OUTSIDER),
    "api_controls": _expect(ok=EVERYONE_BUT_OUTSIDER),
    "api_soa_entry": _expect(ok=EVERYONE_BUT_OUTSIDER),
    "api_soa_version": _expect(ok=EVERYONE_BUT_OUTSIDER),
    "api_evidence": _expect(ok=EVERYONE_BUT_OUTSIDER),
    "api_download_public": _expect(ok=EVERYONE_BUT_OUTSIDER),
    "api_coverage": _expect(
        ok=EVERYONE_BUT_OUTSIDER, hidden=(), forbidden_for_rest=True
    ),
    # Restricted evidence: owners, auditors, the committee, managers, administrators
    "page_download_restricted": _expect(
        ok=("admin_user", "committee", "manager", "auditor")
    ),
    "api_download_restricted": _expect(
        ok=("admin_user", "committee", "manager", "auditor")
    ),
    # The library
    "page_control_add_form": _expect(ok=MANAGERS, hidden=()),
    "api_control_create": _expect(ok=MANAGERS, hidden=()),
    # SoA rows: managers, and the row's owner (risk_owner owns "theirs")
    "page_row_edit_other": _expect(ok=MANAGERS),
    "api_row_update_other": _expect(ok=MANAGERS),
    "page_row_edit_own": _expect(ok=(*MANAGERS, "risk_owner")),
    "api_row_update_own": _expect(ok=(*MANAGERS, "risk_owner")),
    # Approval is the committee's alone
    "page_approve": _expect(ok=("committee",)),
    "api_approve": _expect(ok=("committee",)),
    # Evidence and checks
    "page_evidence_add_form": _expect(ok=(*MANAGERS, "risk_owner", "alice"), hidden=()),
    "api_evidence_create": _expect(ok=(*MANAGERS, "risk_owner", "alice"), hidden=()),
    "api_check_own_control": _expect(ok=(*MANAGERS, "risk_owner"), hidden=()),
    "api_check_other_control": _expect(ok=MANAGERS, hidden=()),
    "page_check_add_form_own": _expect(ok=(*MANAGERS, "risk_owner")),
    # Changing evidence and custom controls: managers (and the evidence's owner)
    "page_evidence_edit_form": _expect(ok=MANAGERS),
    "page_evidence_upload": _expect(ok=MANAGERS),
    "api_evidence_upload": _expect(ok=MANAGERS),
    "page_custom_control_edit_form": _expect(ok=MANAGERS),
    "api_custom_control_update": _expect(ok=MANAGERS),
    "api_annex_a_control_update": _expect(ok=()),
    # Reading the SoA's other views
    "api_soa_compare": _expect(ok=EVERYONE_BUT_OUTSIDER),
    "api_soa_export": _expect(ok=EVERYONE_BUT_OUTSIDER),
    "page_soa_export": _expect(ok=EVERYONE_BUT_OUTSIDER),
    # Starting the next version
    "api_new_draft": _expect(ok=MANAGERS, hidden=()),
}


@pytest.fixture
def world(request, manager, risk_owner):
    own = SoAEntry.objects.get(soa=soa_current(), control__control_id="A.6.2.4")
    own.owner, own.applicable, own.justification = risk_owner, True, "Ours."
    soa_entry_save(entry=own, actor=manager)
    other = SoAEntry.objects.get(soa=soa_current(), control__control_id="A.6.2.5")
    public = make_evidence(manager, controls=["A.6.2.4"])
    custom = control_save(
        control=Control(
            control_id="ORG-1",
            domain=ControlDomain.objects.get(code="ORG"),
            title="Model cards",
        ),
        actor=manager,
    )
    restricted = make_evidence(manager, controls=["A.6.2.4"], restricted=True)
    return SimpleNamespace(
        own=own,
        other=other,
        control=own.control,
        other_control=other.control,
        custom=custom,
        public=public,
        restricted=restricted,
    )


def run(cell, user, w, client, api):
    decision = {
        "applicable": "true",
        "justification": "Decided.",
        "implementation_status": "planned",
    }
    match cell:
        case "page_soa":
            return client.get(reverse("controls:soa"))
        case "page_library":
            return client.get(reverse("controls:control_list"))
        case "page_control":
            return client.get(w.control.get_absolute_url())
        case "page_coverage":
            return client.get(reverse("controls:coverage"))
        case "page_compare":
            return client.get(reverse("controls:soa_compare"))
        case "page_evidence":
            return client.get(w.public.get_absolute_url())
        case "page_download_public":
            return client.get(
                reverse("controls:evidence_download", args=[w.public.pk, 1])
            )
        case "page_download_restricted":
            return client.get(
                reverse("controls:evidence_download", args=[w.restricted.pk, 1])
            )
        case "api_controls":
            return api.get(f"/api/v1/controls/{w.control.pk}/")
        case "api_soa_entry":
            return api.get(f"/api/v1/soa-entries/{w.own.pk}/")
        case "api_soa_version":
            return api.get("/api/v1/soa-versions/1/")
        case "api_evidence":
            return api.get(f"/api/v1/evidence/{w.public.pk}/")
        case "api_download_public":
            return api.get(f"/api/v1/evidence/{w.public.pk}/download/")
        case "api_download_restricted":
            return api.get(f"/api/v1/evidence/{w.restricted.pk}/download/")
        case "api_coverage":
            return api.get("/api/v1/crosswalk-coverage/")
        case "page_control_add_form":
            return client.get(reverse("controls:control_add"))
        case "api_control_create":
            return api.post(
                "/api/v1/controls/",
                {"control_id": "ORG-9", "domain": "ORG", "title": "Ours"},
                format="json",
            )
        case "page_row_edit_other":
            return client.post(
                reverse("controls:soaentry_edit", args=[w.other.pk]), decision
            )
        case "api_row_update_other":
            return api.patch(
                f"/api/v1/soa-entries/{w.other.pk}/",
                {"applicable": True, "justification": "Decided."},
                format="json",
            )
        case "page_row_edit_own":
            return client.post(
                reverse("controls:soaentry_edit", args=[w.own.pk]),
                {**decision, "owner": w.own.owner_id},
            )
        case "api_row_update_own":
            return api.patch(
                f"/api/v1/soa-entries/{w.own.pk}/",
                {
                    "implementation_status": "implemented",
                    "applicable": True,
                    "justification": "Ours.",
                },
                format="json",
            )
        case "page_approve":
            number = _open_draft()
            return client.post(
                reverse("controls:soa_approve", args=[number]), {"comment": "ok"}
            )
        case "api_approve":
            number = _open_draft()
            return api.post(
                f"/api/v1/soa-versions/{number}/approve/",
                {"comment": "ok"},
                format="json",
            )
        case "page_evidence_add_form":
            return client.get(reverse("controls:evidence_add"))
        case "api_evidence_create":
            return api.post(
                "/api/v1/evidence/",
                {"title": "New", "file": SimpleUploadedFile("a.pdf", PDF_BYTES)},
                format="multipart",
            )
        case "api_check_own_control":
            return api.post(
                "/api/v1/control-checks/",
                {"control": "A.6.2.4", "result": "pass"},
                format="json",
            )
        case "api_check_other_control":
            return api.post(
                "/api/v1/control-checks/",
                {"control": "A.6.2.5", "result": "pass"},
                format="json",
            )
        case "page_check_add_form_own":
            return client.get(reverse("controls:controlcheck_add", args=[w.control.pk]))
        case "page_evidence_edit_form":
            return client.get(reverse("controls:evidence_edit", args=[w.public.pk]))
        case "page_evidence_upload":
            return client.post(
                reverse("controls:evidence_upload", args=[w.public.pk]),
                {"file": SimpleUploadedFile("v2.txt", b"second version")},
            )
        case "api_evidence_upload":
            return api.post(
                f"/api/v1/evidence/{w.public.pk}/upload/",
                {"file": SimpleUploadedFile("v3.txt", b"third version")},
                format="multipart",
            )
        case "page_custom_control_edit_form":
            return client.get(reverse("controls:control_edit", args=[w.custom.pk]))
        case "api_custom_control_update":
            return api.patch(
                f"/api/v1/controls/{w.custom.pk}/",
                {"title": "Model cards v2"},
                format="json",
            )
        case "api_annex_a_control_update":
            return api.patch(
                f"/api/v1/controls/{w.control.pk}/", {"title": "Changed"}, format="json"
            )
        case "api_soa_compare":
            return api.get("/api/v1/soa-versions/1/compare/", {"other": 1})
        case "api_soa_export":
            return api.get("/api/v1/soa-versions/1/export/", {"export_format": "csv"})
        case "page_soa_export":
            return client.get(reverse("controls:soa"), {"export": "xlsx"})
        case "api_new_draft":
            _approve_any_draft()
            return api.post("/api/v1/soa-versions/new-draft/", {}, format="json")
    raise AssertionError(cell)


def _approve_any_draft() -> None:
    """Leave only approved versions, so that a new draft may be started."""
    version = soa_current()
    if version.is_draft:
        _open_draft()
        approver = make_user(None, roles.GOVERNANCE_COMMITTEE)
        soa_approve(version=version, actor=approver, comment="For the matrix")


def _open_draft() -> int:
    """A fully decided draft to approve (a new one after an earlier cell approved)."""
    if not soa_current().is_draft:
        soa_new_draft(actor=None)
    for entry in SoAEntry.objects.filter(soa=soa_current(), applicable__isnull=True):
        entry.applicable, entry.justification = True, "Decided."
        soa_entry_save(entry=entry, actor=None)
    return soa_current().number


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, request, world, client_for, api_for):
    user = request.getfixturevalue(role)
    client, api = client_for(user), api_for(user)
    mismatches = []
    for cell, expected in CELLS.items():
        got = outcome(run(cell, user, world, client, api))
        if got != expected[role]:
            mismatches.append(f"{cell}: expected {expected[role]}, got {got}")
    print(f"permission matrix (controls): {role}: {len(CELLS)} cells checked")
    assert not mismatches, "\n".join(mismatches)


def test_the_outsider_sees_an_empty_library(outsider, client_for):
    page = client_for(outsider).get(reverse("controls:control_list"))
    assert page.context["table"].paginator.count == 0
    assert Control.objects.count() == 38
