"""The audit pages as the people who use them: plan, run, follow up, review."""

import pytest
from django.urls import reverse

from audit.models import ChecklistLine
from audit.services import review_prepare

from .builders import (
    complete,
    days,
    make_action,
    make_audit,
    make_decision,
    make_finding,
    make_programme,
    make_review,
    start,
)


@pytest.fixture
def records(manager, auditor, risk_owner, committee, alice_system):
    programme = make_programme(manager)
    audit = make_audit(manager, auditor, programme=programme, ai_systems=[alice_system])
    start(audit, auditor)
    finding = make_finding(audit, auditor, risk_owner)
    action = make_action(finding.nonconformity, risk_owner, risk_owner)
    review = make_review(manager, committee)
    review_prepare(review=review, actor=manager)
    decision = make_decision(review, manager, manager)
    return {
        "programme": programme,
        "audit": audit,
        "finding": finding,
        "nonconformity": finding.nonconformity,
        "action": action,
        "review": review,
        "decision": decision,
        "line": audit.lines.first(),
    }


PAGES = [
    ("audit:auditprogramme_list", None),
    ("audit:auditprogramme_detail", "programme"),
    ("audit:auditprogramme_coverage", "programme"),
    ("audit:auditprogramme_edit", "programme"),
    ("audit:auditprogramme_add", None),
    ("audit:audit_list", None),
    ("audit:audit_detail", "audit"),
    ("audit:audit_edit", "audit"),
    ("audit:audit_add", None),
    ("audit:audit_history", "audit"),
    ("audit:checklistline_edit", "line"),
    ("audit:finding_list", None),
    ("audit:finding_detail", "finding"),
    ("audit:finding_edit", "finding"),
    ("audit:nonconformity_list", None),
    ("audit:nonconformity_detail", "nonconformity"),
    ("audit:nonconformity_edit", "nonconformity"),
    ("audit:nonconformity_add", None),
    ("audit:correctiveaction_list", None),
    ("audit:correctiveaction_detail", "action"),
    ("audit:correctiveaction_edit", "action"),
    ("audit:managementreview_list", None),
    ("audit:managementreview_detail", "review"),
    ("audit:managementreview_edit", "review"),
    ("audit:managementreview_add", None),
    ("audit:managementreviewdecision_edit", "decision"),
]


def test_the_manager_sees_every_page(records, manager, client_for):
    client = client_for(manager)
    for name, key in PAGES:
        args = [records[key].pk] if key else []
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, (name, response.status_code)
    response = client.get(reverse("audit:finding_add", args=[records["audit"].pk]))
    assert response.status_code == 200
    response = client.get(
        reverse("audit:correctiveaction_add", args=[records["nonconformity"].pk])
    )
    assert response.status_code == 200


def test_audit_page_shows_checklist_and_findings(records, auditor, client_for):
    page = client_for(auditor).get(records["audit"].get_absolute_url()).content.decode()
    assert "9.2.2" in page and records["finding"].reference in page
    assert "Raise finding" not in page or "Record" in page


def test_auditor_records_a_checklist_result_on_the_page(records, auditor, client_for):
    line = records["line"]
    response = client_for(auditor).post(
        reverse("audit:checklistline_edit", args=[line.pk]),
        {
            "_version": line.version,
            "question": line.question,
            "result": "minor_nc",
            "notes": "Gap",
        },
    )
    assert response.status_code == 302
    assert ChecklistLine.objects.get(pk=line.pk).result == "minor_nc"


def test_coverage_shows_what_no_audit_covers(records, manager, client_for):
    page = (
        client_for(manager)
        .get(reverse("audit:auditprogramme_coverage", args=[records["programme"].pk]))
        .content.decode()
    )
    assert "Not covered" in page
    assert records["audit"].reference in page


def test_self_verification_is_refused_on_the_page(records, risk_owner, client_for):
    action = complete(records["action"], risk_owner)
    response = client_for(risk_owner).get(
        reverse("audit:correctiveaction_verify", args=[action.pk])
    )
    assert response.status_code == 403


def test_bad_dates_are_a_400_by_field_nothing_saved(records, manager, client_for):
    programme = records["programme"]
    response = client_for(manager).post(
        reverse("audit:auditprogramme_add"),
        {
            "title": "Wrong",
            "period_start": days(10).isoformat(),
            "period_end": days(1).isoformat(),
            "objectives": "x",
            "criteria": "x",
            "methods": "x",
            "frequency": "x",
            "responsibilities": "x",
        },
    )
    assert response.status_code == 400
    assert "cannot end before it starts" in response.content.decode()
    assert type(programme).objects.count() == 1
