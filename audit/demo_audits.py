"""A demo audit programme (approved), a reported internal audit with findings and a
corrective action in progress, an internal audit the lead auditor is conducting, a
planned certification stage 1 audit, and a signed management review with decisions.
Idempotent: runs once."""

import datetime

from django.db import transaction
from django.utils import timezone

from controls.models import Evidence
from registry.models import AISystem

from .models import (
    Audit,
    AuditProgramme,
    CorrectiveAction,
    Finding,
    ManagementReview,
    ManagementReviewDecision,
)
from .services import (
    audit_record_results,
    audit_save,
    audit_transition,
    checklist_line_save,
    corrective_action_save,
    finding_save,
    nonconformity_save,
    programme_approve,
    programme_save,
    review_decision_save,
    review_input_save,
    review_prepare,
    review_save,
    review_sign,
)


def _day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@transaction.atomic
def load_demo(users: dict) -> int:
    if AuditProgramme.objects.exists():
        return 0
    maria, grace, audrey, raj = (users[n] for n in ("maria", "grace", "audrey", "raj"))
    programme = programme_save(
        programme=AuditProgramme(
            title="AIMS internal audit programme, certification cycle 2026-2028",
            period_start=_day(-330),
            period_end=_day(765),
            objectives="Show, before each certification audit, that the AIMS meets "
            "ISO/IEC 42001 and works as the policy says; find weaknesses early.",
            criteria="ISO/IEC 42001:2023 clauses 4 to 10 and the applicable Annex A "
            "controls; the AI policy; EU AI Act duties of our high-risk systems.",
            methods="Interviews with owners, review of documented information, sampling "
            "of risk, SoA and evidence records in the portal, observation of one release.",
            frequency="Every clause and applicable control once per year; high-risk AI "
            "systems and areas with findings every six months.",
            responsibilities="The AIMS manager plans the programme; the committee "
            "approves it; trained internal auditors independent of the area conduct "
            "audits; owners answer for corrective actions.",
        ),
        actor=maria,
    )
    programme_approve(
        programme=programme, actor=grace, note="Approved at the committee meeting."
    )
    system = AISystem.objects.order_by("reference").first()
    audit = audit_save(
        audit=Audit(
            programme=programme,
            title="Internal audit: risk management, operation and improvement",
            scope_clauses=["6.1", "8", "9.1", "9.2", "10"],
            scope_controls=["A.6.2"],
            criteria="ISO/IEC 42001 clauses 6.1, 8, 9.1, 9.2 and 10; Annex A.6.2.",
            lead_auditor=audrey,
            planned_start=_day(-60),
            planned_end=_day(-56),
            actual_start=_day(-60),
            actual_end=_day(-57),
            business_units=["People & Talent"],
        ),
        actor=maria,
        m2m={"ai_systems": [system] if system else []},
    )
    audit_transition(audit=audit, to_status="in_progress", actor=audrey)
    sampled = list(Evidence.objects.order_by("reference")[:2])
    results = {
        "8.2": (
            "minor_nc",
            "The risk assessment was not repeated after the model change of release 4.",
        ),
        "A.6.2.6": ("observation", "Monitoring alerts go to one person only."),
        "9.1": ("ofi", "Monitoring results could be trended per quarter."),
    }
    for line in audit.lines.all():
        result, notes = results.get(line.requirement_id, ("conforming", ""))
        line.result, line.notes = result, notes
        checklist_line_save(
            line=line,
            actor=audrey,
            m2m={"evidence": sampled}
            if line.requirement_id in ("8.2", "9.2.2")
            else None,
        )
    findings = [
        (
            "minor_nc",
            "8.2",
            "Risk assessment not repeated after a significant change",
            "Release 4 of the CV screening assistant changed the ranking model; the risk "
            "register shows no reassessment since.",
            raj,
            30,
        ),
        (
            "observation",
            "A.6.2.6",
            "Monitoring alerts reach one person only",
            "Alert routing lists a single engineer; holidays leave no cover.",
            users["olivia"],
            45,
        ),
        (
            "ofi",
            "9.1",
            "Trend monitoring results per quarter",
            "Results are kept per month only; a quarterly view would show drift sooner.",
            maria,
            90,
        ),
    ]
    created = []
    for grade, requirement, title, description, owner, due in findings:
        line = audit.lines.filter(requirement_id=requirement).first()
        created.append(
            finding_save(
                finding=Finding(
                    audit=audit,
                    checklist_line=line,
                    grade=grade,
                    requirement_id=requirement,
                    title=title,
                    description=description,
                    objective_evidence="Checklist line notes and the sampled records.",
                    owner=owner,
                    due_date=_day(due),
                ),
                actor=audrey,
            )
        )
    nonconformity = created[0].nonconformity
    nonconformity.raised_on = _day(-57)
    nonconformity.correction = "Risk owner reassessed the ranking risk the same week."
    nonconformity.root_cause_method = "five_whys"
    nonconformity.root_causes = [
        "The release checklist has no step that triggers a risk reassessment.",
        "Model changes are not flagged as significant changes in the register.",
    ]
    nonconformity.similar_nonconformities = "Checked the other systems: the fraud model had the same gap in its last release."
    nonconformity_save(nonconformity=nonconformity, actor=raj)
    corrective_action_save(
        action=CorrectiveAction(
            nonconformity=nonconformity,
            description="Add a 'reassess risks' step to the release checklist and flag "
            "model changes as significant in the register.",
            owner=raj,
            due_date=_day(20),
            status="in_progress",
            verify_after_days=60,
        ),
        actor=raj,
    )
    audit = audit_record_results(
        audit=audit,
        actor=audrey,
        changes={
            "summary": "The risk process is in place and used; one minor "
            "nonconformity (8.2), one observation on monitoring, one opportunity "
            "for improvement."
        },
    )
    audit_transition(audit=audit, to_status="reported", actor=audrey)
    audit_save(
        audit=Audit(
            programme=programme,
            kind="certification",
            certification_stage="stage_1",
            body_name="Example Certification Ltd",
            title="Certification stage 1: documentation and readiness review",
            scope_clauses=["4", "5", "6", "7"],
            criteria="ISO/IEC 42001:2023; the certification body's stage 1 plan.",
            lead_auditor=audrey,
            planned_start=_day(40),
            planned_end=_day(41),
        ),
        actor=maria,
    )
    # Audrey conducts this one now: she fills its checklist and raises its findings,
    # while its plan (scope, team, dates) stays with Maria.
    current = audit_save(
        audit=Audit(
            programme=programme,
            title="Internal audit: leadership, support and AI system life cycle",
            scope_clauses=["5", "7.2", "7.5"],
            scope_controls=["A.6.2.4", "A.6.2.5"],
            criteria="ISO/IEC 42001 clauses 5, 7.2 and 7.5; Annex A.6.2.4, A.6.2.5.",
            lead_auditor=audrey,
            planned_start=_day(-3),
            planned_end=_day(4),
            business_units=["Engineering"],
        ),
        actor=maria,
    )
    audit_transition(audit=current, to_status="in_progress", actor=audrey)
    for line in current.lines.filter(requirement_id__in=("5.1", "5.2", "7.2")):
        line.result = "conforming"
        line.notes = "Interviewed the AIMS owner; records seen in the portal."
        checklist_line_save(line=line, actor=audrey)
    review = review_save(
        review=ManagementReview(
            title="Management review, first half-year",
            review_date=_day(-20),
            chair=grace,
            top_management_present=True,
            other_attendees="Chief executive officer",
            minutes="The committee reviewed the AIMS with the inputs below.",
            next_review_date=_day(160),
        ),
        actor=maria,
        m2m={"attendees": [grace, maria]},
    )
    review_prepare(review=review, actor=maria)
    for item in review.inputs.all():
        if item.input_id == "9.3.2 b)":
            item.manual_summary = (
                "EU AI Act obligations for high-risk systems apply from August."
            )
        item.minutes = {
            "audit.nonconformities": "One minor nonconformity open; action on track.",
            "audit.audit_results": "First internal audit held as planned.",
        }.get(item.key, "Noted.")
        review_input_save(item=item, actor=maria)
    for kind, description, owner, due in (
        ("improvement", "Train a second internal auditor.", maria, 60),
        ("change", "Add significant-change triggers to the risk procedure.", raj, 45),
        ("resources", "Budget for the certification audits of 2026.", grace, 30),
    ):
        review_decision_save(
            decision=ManagementReviewDecision(
                review=review,
                kind=kind,
                description=description,
                owner=owner,
                due_date=_day(due),
            ),
            actor=maria,
        )
    review_sign(review=review, actor=grace)
    review_save(
        review=ManagementReview(
            title="Management review, second half-year",
            review_date=_day(160),
            chair=grace,
        ),
        actor=maria,
    )
    return 1
