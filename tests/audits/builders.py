"""Audit records built through the audit app's services (so history and permissions
are real)."""

import datetime

from django.utils import timezone

from audit.models import (
    Audit,
    AuditProgramme,
    CorrectiveAction,
    Finding,
    ManagementReview,
    ManagementReviewDecision,
)
from audit.services import (
    audit_save,
    audit_transition,
    corrective_action_save,
    finding_save,
    programme_save,
    review_decision_save,
    review_save,
)

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def make_programme(actor, **fields) -> AuditProgramme:
    values = {
        "title": "AIMS audit programme 2026-2028",
        "period_start": days(-400),
        "period_end": days(700),
        "objectives": "Show that the AIMS conforms and is effective.",
        "criteria": "ISO/IEC 42001:2023 and the AI policy.",
        "methods": "Interviews, document review, record sampling.",
        "frequency": "Every clause once a year, high-risk systems twice.",
        "responsibilities": "The AIMS manager plans; internal auditors conduct.",
        **fields,
    }
    return programme_save(programme=AuditProgramme(**values), actor=actor)


def make_audit(actor, lead, *, team=(), ai_systems=(), programme=None, **fields):
    values = {
        "title": "Internal audit of clauses 9 and 10",
        "scope_clauses": ["9", "10"],
        "scope_controls": [],
        "criteria": "ISO/IEC 42001 clauses 9 and 10.",
        "planned_start": days(-10),
        "planned_end": days(-5),
        **fields,
    }
    audit = Audit(programme=programme, lead_auditor=lead, **values)
    return audit_save(
        audit=audit,
        actor=actor,
        m2m={"team": list(team), "ai_systems": list(ai_systems)},
    )


def start(audit, actor):
    return audit_transition(audit=audit, to_status="in_progress", actor=actor)


def make_finding(audit, actor, owner, grade="minor_nc", **fields) -> Finding:
    values = {
        "requirement_id": "9.2.2",
        "title": "Audit results not kept",
        "description": "The results of the last internal audit were not retained.",
        "objective_evidence": "No report found for the audit of March.",
        "due_date": days(30),
        **fields,
    }
    finding = Finding(audit=audit, grade=grade, owner=owner, **values)
    return finding_save(finding=finding, actor=actor)


def make_action(nonconformity, actor, owner, **fields) -> CorrectiveAction:
    values = {
        "description": "Keep every audit report in the portal.",
        "due_date": days(20),
        "verify_after_days": 0,
        **fields,
    }
    action = CorrectiveAction(nonconformity=nonconformity, owner=owner, **values)
    return corrective_action_save(action=action, actor=actor)


def complete(action, actor, on=None):
    action.status = "done"
    action.completed_on = on or TODAY
    return corrective_action_save(action=action, actor=actor)


def make_review(actor, chair, **fields) -> ManagementReview:
    values = {"title": "Management review", "review_date": TODAY, **fields}
    return review_save(review=ManagementReview(chair=chair, **values), actor=actor)


def make_decision(review, actor, owner, **fields) -> ManagementReviewDecision:
    values = {
        "kind": "improvement",
        "description": "Train two more internal auditors.",
        "due_date": days(60),
        **fields,
    }
    decision = ManagementReviewDecision(review=review, owner=owner, **values)
    return review_decision_save(decision=decision, actor=actor)
