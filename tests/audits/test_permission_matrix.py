"""The permission matrix of audits, findings, corrective actions and reviews: every
persona against every new page and endpoint, all mismatches reported at once.

raj (risk owner) owns the finding, its nonconformity and the corrective action;
audrey leads the audit; olga is an auditor not assigned to it; grace chairs the review.
"ok" is any success (200, 201, 204)."""

import pytest
from django.urls import reverse

from aims import roles
from audit.models import ManagementReview
from audit.services import review_prepare
from tests.factories import make_user

from .builders import (
    complete,
    make_action,
    make_audit,
    make_decision,
    make_finding,
    make_programme,
    make_review,
    start,
)

OK, FORBIDDEN, NOT_FOUND, BAD = "ok", 403, 404, 400

CELLS = [
    "page_programme_add",
    "page_programme_approve",
    "page_programme_detail",
    "page_coverage",
    "api_programme_list",
    "page_audit_detail",
    "page_audit_edit",
    "page_audit_results",
    "api_audit_update",
    "api_audit_results",
    "page_checklist_edit",
    "api_checklist_update",
    "page_finding_add",
    "api_finding_create",
    "page_finding_detail",
    "page_nc_detail",
    "page_nc_edit",
    "api_nc_update",
    "page_action_detail",
    "page_action_edit",
    "api_action_update",
    "page_action_verify",
    "page_review_add",
    "page_review_detail",
    "page_input_edit",
    "api_decision_create",
    "api_review_sign",
]

ALL = dict.fromkeys(CELLS, OK)


def expect(base, **cells):
    return {**base, **cells}


READER = expect(
    ALL,
    page_programme_add=FORBIDDEN,
    page_programme_approve=FORBIDDEN,
    page_audit_edit=FORBIDDEN,
    page_audit_results=FORBIDDEN,
    api_audit_update=FORBIDDEN,
    api_audit_results=FORBIDDEN,
    page_checklist_edit=FORBIDDEN,
    api_checklist_update=FORBIDDEN,
    page_finding_add=FORBIDDEN,
    api_finding_create=FORBIDDEN,
    page_nc_edit=FORBIDDEN,
    api_nc_update=FORBIDDEN,
    page_action_edit=FORBIDDEN,
    api_action_update=FORBIDDEN,
    page_action_verify=FORBIDDEN,
    page_review_add=FORBIDDEN,
    page_input_edit=FORBIDDEN,
    api_decision_create=FORBIDDEN,
    api_review_sign=FORBIDDEN,
)
HIDDEN = {
    **dict.fromkeys(CELLS, NOT_FOUND),
    "page_programme_add": FORBIDDEN,
    "page_programme_approve": FORBIDDEN,
    "page_review_add": FORBIDDEN,
    "api_programme_list": OK,  # an empty list
    "api_finding_create": FORBIDDEN,
    "api_decision_create": FORBIDDEN,
}

MATRIX = {
    "admin": expect(ALL, page_programme_approve=FORBIDDEN, api_review_sign=FORBIDDEN),
    # The chair signs: the review in this matrix is not prepared, so it is refused by
    # field (400) after the permission passed.
    "committee": expect(
        READER,
        page_programme_approve=OK,
        page_review_add=OK,
        page_input_edit=OK,
        api_decision_create=OK,
        api_review_sign=BAD,
    ),
    "manager": expect(ALL, page_programme_approve=FORBIDDEN, api_review_sign=FORBIDDEN),
    # Conducts the audit (results, checklist, findings) without changing its plan.
    "lead_auditor": expect(
        READER,
        page_audit_results=OK,
        api_audit_results=OK,
        page_checklist_edit=OK,
        api_checklist_update=OK,
        page_finding_add=OK,
        api_finding_create=OK,
    ),
    "other_auditor": READER,
    "viewer": READER,
    # Owner of the finding, nonconformity and action: works on them, never verifies
    # their own action, sees nothing else of the audit app.
    "action_owner": expect(
        HIDDEN,
        page_finding_detail=OK,
        page_nc_detail=OK,
        page_nc_edit=OK,
        api_nc_update=OK,
        page_action_detail=OK,
        page_action_edit=OK,
        api_action_update=OK,
        page_action_verify=FORBIDDEN,
    ),
    "system_owner": HIDDEN,
    "outsider": HIDDEN,
}


@pytest.fixture
def world(manager, committee, auditor, risk_owner, admin_user, viewer, alice, outsider):
    programme = make_programme(manager)
    audit = make_audit(manager, auditor, programme=programme)
    start(audit, auditor)
    finding = make_finding(audit, auditor, risk_owner)
    action = complete(
        make_action(finding.nonconformity, risk_owner, risk_owner), risk_owner
    )
    review = make_review(manager, committee)
    prepared = make_review(manager, committee, title="Prepared")
    review_prepare(review=prepared, actor=manager)
    make_decision(prepared, manager, manager)
    return {
        "users": {
            "admin": admin_user,
            "committee": committee,
            "manager": manager,
            "lead_auditor": auditor,
            "other_auditor": make_user("olga", roles.AUDITOR),
            "viewer": viewer,
            "action_owner": risk_owner,
            "system_owner": alice,
            "outsider": outsider,
        },
        "programme": programme,
        "audit": audit,
        "line": audit.lines.first(),
        "finding": finding,
        "nc": finding.nonconformity,
        "action": action,
        "review": review,
        "input": prepared.inputs.first(),
    }


def _status(response) -> object:
    return OK if response.status_code in (200, 201, 204) else response.status_code


def run_cell(cell, w, client, api, user):
    """One request; writes that succeed change data, so reads come first in CELLS."""
    audit, line, nc, action = w["audit"], w["line"], w["nc"], w["action"]
    pages = {
        "page_programme_add": reverse("audit:auditprogramme_add"),
        "page_programme_approve": reverse(
            "audit:auditprogramme_approve", args=[w["programme"].pk]
        ),
        "page_programme_detail": w["programme"].get_absolute_url(),
        "page_coverage": reverse(
            "audit:auditprogramme_coverage", args=[w["programme"].pk]
        ),
        "page_audit_detail": audit.get_absolute_url(),
        "page_audit_edit": reverse("audit:audit_edit", args=[audit.pk]),
        "page_audit_results": reverse("audit:audit_results", args=[audit.pk]),
        "page_checklist_edit": reverse("audit:checklistline_edit", args=[line.pk]),
        "page_finding_add": reverse("audit:finding_add", args=[audit.pk]),
        "page_finding_detail": w["finding"].get_absolute_url(),
        "page_nc_detail": nc.get_absolute_url(),
        "page_nc_edit": reverse("audit:nonconformity_edit", args=[nc.pk]),
        "page_action_detail": action.get_absolute_url(),
        "page_action_edit": reverse("audit:correctiveaction_edit", args=[action.pk]),
        "page_action_verify": reverse(
            "audit:correctiveaction_verify", args=[action.pk]
        ),
        "page_review_add": reverse("audit:managementreview_add"),
        "page_review_detail": w["review"].get_absolute_url(),
        "page_input_edit": reverse(
            "audit:managementreviewinput_edit", args=[w["input"].pk]
        ),
    }
    if cell in pages:
        return _status(client.get(pages[cell]))
    if cell == "api_programme_list":
        return _status(api.get("/api/v1/audit-programmes/"))
    if cell == "api_audit_update":
        return _status(
            api.patch(
                f"/api/v1/audits/{audit.pk}/", {"summary": "Notes"}, format="json"
            )
        )
    if cell == "api_audit_results":
        return _status(
            api.post(
                f"/api/v1/audits/{audit.pk}/results/",
                {"summary": "Results so far"},
                format="json",
            )
        )
    if cell == "api_checklist_update":
        return _status(
            api.patch(
                f"/api/v1/audit-checklist-lines/{line.pk}/",
                {"notes": "Seen"},
                format="json",
            )
        )
    if cell == "api_finding_create":
        return _status(
            api.post(
                "/api/v1/audit-findings/",
                {
                    "audit": audit.pk,
                    "grade": "ofi",
                    "requirement_id": "9.1",
                    "title": "Trend results",
                    "description": "Could trend.",
                    "objective_evidence": "Monthly only.",
                    "owner": w["users"]["manager"].pk,
                    "due_date": "2030-01-01",
                },
                format="json",
            )
        )
    if cell == "api_nc_update":
        return _status(
            api.patch(
                f"/api/v1/nonconformities/{nc.pk}/",
                {"correction": "Fixed"},
                format="json",
            )
        )
    if cell == "api_action_update":
        return _status(
            api.patch(
                f"/api/v1/corrective-actions/{action.pk}/",
                {"notes": "More"},
                format="json",
            )
        )
    if cell == "api_decision_create":
        return _status(
            api.post(
                "/api/v1/management-review-decisions/",
                {
                    "review": w["review"].pk,
                    "kind": "change",
                    "description": "Change it",
                    "owner": w["users"]["manager"].pk,
                    "due_date": "2030-01-01",
                },
                format="json",
            )
        )
    if cell == "api_review_sign":
        return _status(api.post(f"/api/v1/management-reviews/{w['review'].pk}/sign/"))
    raise AssertionError(cell)


def test_permission_matrix(world, client_for, api_for):
    mismatches = []
    for persona, expected in MATRIX.items():
        user = world["users"][persona]
        client, api = client_for(user), api_for(user)
        for cell in CELLS:
            got = run_cell(cell, world, client, api, user)
            if got != expected[cell]:
                mismatches.append(
                    f"{persona:14} {cell:24} expected {expected[cell]}, got {got}"
                )
    assert not mismatches, "\n" + "\n".join(mismatches)
    assert ManagementReview.objects.signed().count() == 0
