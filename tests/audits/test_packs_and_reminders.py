"""The audit report and management-review packs (PDF through the pack registry), and
the reminders of corrective actions, verifications and due audits with escalation."""

import pytest
from django.core import mail

from aims.models import Notification
from aims.notifications import reminders_send
from audit.choices import PackStatus
from audit.services import (
    audit_record_results,
    checklist_line_save,
    evidence_pack_request,
    review_prepare,
    review_save,
    review_sign,
)
from tests.audit.helpers import pdf_pages, stored_bytes
from tests.controls.conftest import make_evidence, upload
from tests.reminders.conftest import set_contact, set_email

from .builders import (
    complete,
    days,
    make_action,
    make_audit,
    make_decision,
    make_finding,
    make_review,
    start,
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def build(kind, target, user, capture):
    with capture(execute=True):
        pack = evidence_pack_request(
            kind=kind, target_id=target.pk, parameters={}, actor=user
        )
    pack.refresh_from_db()
    assert pack.status == PackStatus.READY, pack.error
    return " ".join(" ".join(pdf_pages(stored_bytes(pack))).split()), pack


def test_audit_report_prints_scope_checklist_findings_and_evidence_hashes(
    manager, auditor, risk_owner, django_capture_on_commit_callbacks
):
    evidence = make_evidence(
        manager, title="Audit report of March", upload_file=upload()
    )
    audit = make_audit(manager, auditor, scope_clauses=["9.2"])
    start(audit, auditor)
    line = audit.lines.get(requirement_id="9.2.2")
    line.result = "minor_nc"
    line.notes = "One report missing."
    checklist_line_save(line=line, actor=auditor, m2m={"evidence": [evidence]})
    finding = make_finding(audit, auditor, risk_owner)
    audit_record_results(
        audit=audit,
        actor=auditor,
        changes={"summary": "The programme runs; one report was not kept."},
    )
    text, pack = build(
        "audit_report", audit, auditor, django_capture_on_commit_callbacks
    )
    for expected in (
        "Scope, criteria and team",
        "Checklist results",
        audit.reference,
        finding.reference,
        "Minor nonconformity",
        "One report missing.",
    ):
        assert expected in text, expected
    # Hashes wrap across lines in the PDF.
    assert evidence.files.get().sha256 in "".join(text.split())
    assert pack.manifest["evidence"][0]["sha256"] == evidence.files.get().sha256


def test_review_minutes_pack_prints_inputs_and_decisions(
    manager, committee, django_capture_on_commit_callbacks
):
    review = make_review(manager, committee)
    review_prepare(review=review, actor=manager)
    review.top_management_present = True
    review_save(review=review, actor=manager, m2m={"attendees": [committee]})
    make_decision(review, manager, manager, description="Budget for a second auditor")
    review_sign(review=review, actor=committee)
    text, _ = build(
        "management_review", review, committee, django_capture_on_commit_callbacks
    )
    assert "Inputs and minutes" in text
    assert "Status of actions from previous management reviews" in text
    assert "Budget for a second auditor" in text


def test_viewers_cannot_request_audit_reports(manager, auditor, viewer):
    from django.core.exceptions import PermissionDenied, ValidationError

    audit = make_audit(manager, auditor)
    with pytest.raises((PermissionDenied, ValidationError)):
        evidence_pack_request(
            kind="audit_report", target_id=audit.pk, parameters={}, actor=viewer
        )


@pytest.fixture
def reminder_settings(settings):
    settings.AIMS_REMINDER_LEAD_DAYS = (30, 7)
    settings.AIMS_ESCALATION_DAYS = (7, 14)
    settings.AIMS_BASE_URL = "https://aims.example.org"


def test_overdue_corrective_action_is_reminded_and_escalates(
    reminder_settings, manager, auditor, risk_owner, committee
):
    for user in (risk_owner, manager, committee):
        set_email(user)
    set_contact(risk_owner, manager)
    audit = make_audit(manager, auditor)
    start(audit, auditor)
    finding = make_finding(audit, auditor, risk_owner, due_date=days(60))
    action = make_action(finding.nonconformity, manager, risk_owner, due_date=days(-1))
    reminders_send(today=days(0))
    note = Notification.objects.for_user(risk_owner).get(
        source="audit.corrective_action"
    )
    assert note.stage == "overdue"
    reminders_send(today=days(6))  # 7 days overdue: the escalation contact hears too
    assert (
        Notification.objects.for_user(manager)
        .filter(source="audit.corrective_action", escalation_level=1)
        .exists()
    )
    reminders_send(today=days(13))  # 14 days: the committee
    assert (
        Notification.objects.for_user(committee)
        .filter(source="audit.corrective_action", escalation_level=2)
        .exists()
    )
    assert any("grace" in m.to[0] for m in mail.outbox)
    complete(action, risk_owner)
    reminders_send(today=days(14))
    verify = Notification.objects.for_user(risk_owner).filter(
        source="audit.verification"
    )
    assert verify.exists()  # the nonconformity's owner arranges verification


def test_a_planned_audit_falling_due_reminds_its_lead_auditor(
    reminder_settings, manager, auditor
):
    set_email(auditor)
    make_audit(manager, auditor, planned_start=days(5), planned_end=days(8))
    reminders_send(today=days(0))
    note = Notification.objects.for_user(auditor).get(source="audit.audit")
    assert note.title.startswith("Start AUD-")
