"""Audit programme, audits, checklists, findings and corrective actions (9.2, 10.2),
through the services pages and API share."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from aims.models import ObjectChange
from aims.permissions import can
from audit.choices import (
    AuditStatus,
    CorrectiveActionStatus,
    FindingStatus,
    NonconformityStatus,
    ProgrammeStatus,
)
from audit.models import Audit, CorrectiveAction
from audit.services import (
    Frozen,
    audit_record_results,
    audit_save,
    audit_transition,
    checklist_line_save,
    effectiveness_verify,
    finding_close,
    nonconformity_close,
    programme_approve,
    programme_new_version,
    programme_save,
)
from tests.factories import make_risk

from .builders import (
    TODAY,
    complete,
    days,
    make_action,
    make_audit,
    make_finding,
    make_programme,
    start,
)


def events(obj) -> list[str]:
    return list(
        ObjectChange.objects.for_object(obj)
        .exclude(event="")
        .values_list("event", flat=True)
    )


class TestProgramme:
    def test_committee_approves_and_a_change_makes_a_new_version(
        self, manager, committee
    ):
        programme = make_programme(manager)
        with pytest.raises(PermissionDenied):
            programme_approve(programme=programme, actor=manager)
        programme_approve(programme=programme, actor=committee, note="As planned.")
        programme.refresh_from_db()
        assert programme.status == ProgrammeStatus.APPROVED
        assert "auditprogramme.approved" in events(programme)
        programme.title = "Changed"
        with pytest.raises(Frozen):
            programme_save(programme=programme, actor=manager)
        draft = programme_new_version(programme=programme, actor=manager)
        assert (draft.reference, draft.number) == (programme.reference, 2)
        programme_approve(programme=draft, actor=committee)
        programme.refresh_from_db()
        assert programme.status == ProgrammeStatus.SUPERSEDED

    def test_period_out_of_order_is_refused_by_field(self, manager):
        with pytest.raises(ValidationError) as caught:
            make_programme(manager, period_start=days(10), period_end=days(5))
        assert "period_end" in caught.value.error_dict


class TestAudit:
    def test_checklist_has_one_line_per_requirement_in_scope(self, manager, auditor):
        audit = make_audit(
            manager, auditor, scope_clauses=["9.2"], scope_controls=["A.6.2.4"]
        )
        lines = list(audit.lines.values_list("requirement_id", flat=True))
        assert lines == ["9.2.1", "9.2.2", "A.6.2.4"]
        assert all(line.question for line in audit.lines.all())

    def test_lead_auditor_may_run_the_audit_others_only_read(
        self, manager, auditor, viewer
    ):
        audit = make_audit(manager, auditor)
        assert can(auditor, "run", audit)
        # Conducting is not planning: the scope, team and dates stay the planner's.
        assert not can(auditor, "change", audit)
        assert not can(viewer, "run", audit)
        assert can(viewer, "view", audit)

    def test_a_person_without_an_auditor_role_cannot_lead(self, manager, alice):
        with pytest.raises(ValidationError) as caught:
            make_audit(manager, alice)
        assert "lead_auditor" in caught.value.error_dict

    def test_auditor_owning_records_in_scope_needs_a_justification(
        self, manager, alice_system
    ):
        from aims import roles
        from tests.factories import make_user

        owner_auditor = make_user("olga", roles.AUDITOR, roles.AI_SYSTEM_OWNER)
        system = alice_system
        from registry.services import ai_system_save

        system.owner = owner_auditor
        ai_system_save(system=system, actor=manager)
        with pytest.raises(ValidationError) as caught:
            make_audit(manager, owner_auditor, ai_systems=[system])
        message = caught.value.message_dict["objectivity_justification"][0]
        assert system.reference in message and "9.2.2" in message
        assert not Audit.objects.exists()  # nothing half-saved
        audit = make_audit(
            manager,
            owner_auditor,
            ai_systems=[system],
            objectivity_justification="Only auditor with the skills; a second one reviews.",
        )
        assert "audit.objectivity_justified" in events(audit)

    def test_risk_owned_by_the_auditor_also_counts(
        self, manager, alice_system, risk_owner
    ):
        from aims import roles
        from tests.factories import make_user

        both = make_user("rita", roles.AUDITOR, roles.RISK_OWNER)
        risk = make_risk(both, alice_system)
        with pytest.raises(ValidationError) as caught:
            make_audit(manager, both, ai_systems=[alice_system])
        assert risk.reference in str(caught.value)

    def test_reported_audit_is_frozen(self, manager, auditor):
        audit = make_audit(manager, auditor)
        start(audit, auditor)
        audit.refresh_from_db()
        with pytest.raises(ValidationError):
            audit_transition(audit=audit, to_status="reported", actor=auditor)
        audit_record_results(
            audit=audit, actor=auditor, changes={"summary": "All good."}
        )
        audit.refresh_from_db()
        audit_transition(audit=audit, to_status="reported", actor=auditor)
        audit.refresh_from_db()
        assert audit.status == AuditStatus.REPORTED
        audit.title = "Another title"
        with pytest.raises(Frozen):
            audit_save(audit=audit, actor=manager)
        line = audit.lines.first()
        line.result = "conforming"
        with pytest.raises(Frozen):
            checklist_line_save(line=line, actor=auditor)

    def test_checklist_results_need_the_audit_started(self, manager, auditor):
        audit = make_audit(manager, auditor)
        line = audit.lines.first()
        line.result = "conforming"
        with pytest.raises(ValidationError):
            checklist_line_save(line=line, actor=auditor)
        start(audit, auditor)
        line.refresh_from_db()
        line.result = "conforming"
        checklist_line_save(line=line, actor=auditor)
        line.refresh_from_db()
        assert line.audited_by == auditor

    def test_dates_out_of_order_are_refused(self, manager, auditor):
        with pytest.raises(ValidationError) as caught:
            make_audit(manager, auditor, planned_start=days(5), planned_end=days(1))
        assert "planned_end" in caught.value.error_dict

    def test_certification_audit_names_its_stage_and_body(self, manager, auditor):
        with pytest.raises(ValidationError) as caught:
            make_audit(manager, auditor, kind="certification")
        assert {"certification_stage", "body_name"} <= set(caught.value.error_dict)
        audit = make_audit(
            manager,
            auditor,
            kind="certification",
            certification_stage="stage_1",
            body_name="Example Certification Ltd",
        )
        assert audit.get_certification_stage_display() == "Stage 1"


class TestFindings:
    def test_finding_needs_a_requirement(self, manager, auditor, risk_owner):
        audit = make_audit(manager, auditor)
        start(audit, auditor)
        with pytest.raises(ValidationError) as caught:
            make_finding(audit, auditor, risk_owner, requirement_id="")
        assert "requirement_id" in caught.value.error_dict

    def test_observation_closes_with_a_note(self, manager, auditor, risk_owner):
        audit = make_audit(manager, auditor)
        start(audit, auditor)
        finding = make_finding(audit, auditor, risk_owner, grade="observation")
        assert not hasattr(finding, "nonconformity")
        with pytest.raises(ValidationError):
            finding_close(finding=finding, actor=auditor, note="")
        finding_close(finding=finding, actor=auditor, note="Followed up next audit.")
        assert finding.status == FindingStatus.CLOSED


class TestCorrectiveActionLifecycle:
    @pytest.fixture
    def nonconformity(self, manager, auditor, risk_owner):
        audit = make_audit(manager, auditor)
        start(audit, auditor)
        finding = make_finding(audit, auditor, risk_owner)
        assert finding.status == FindingStatus.IN_CORRECTION
        return finding.nonconformity

    def test_owner_sees_and_works_on_their_nonconformity(
        self, nonconformity, risk_owner, alice
    ):
        assert can(risk_owner, "change", nonconformity)
        assert not can(alice, "view", nonconformity)

    def test_nonconformity_does_not_close_without_a_verified_action(
        self, nonconformity, manager, risk_owner
    ):
        with pytest.raises(ValidationError):
            nonconformity_close(nonconformity=nonconformity, actor=manager)
        action = make_action(nonconformity, risk_owner, risk_owner)
        complete(action, risk_owner)
        nonconformity.refresh_from_db()
        assert nonconformity.status == NonconformityStatus.VERIFICATION
        with pytest.raises(ValidationError):
            nonconformity_close(nonconformity=nonconformity, actor=manager)

    def test_owner_cannot_verify_their_own_action(self, nonconformity, risk_owner):
        action = complete(
            make_action(nonconformity, risk_owner, risk_owner), risk_owner
        )
        with pytest.raises(PermissionDenied):
            effectiveness_verify(
                action=action, actor=risk_owner, effective=True, notes="Looks fine."
            )
        action.refresh_from_db()
        assert action.status == CorrectiveActionStatus.DONE

    def test_verification_waits_for_the_set_period(
        self, nonconformity, manager, risk_owner
    ):
        action = make_action(
            nonconformity, risk_owner, risk_owner, verify_after_days=30
        )
        complete(action, risk_owner)
        with pytest.raises(ValidationError) as caught:
            effectiveness_verify(
                action=action, actor=manager, effective=True, notes="Ok"
            )
        assert "verified_on" in caught.value.error_dict

    def test_not_effective_reopens_with_a_new_action_then_effective_closes(
        self, nonconformity, manager, risk_owner
    ):
        first = complete(make_action(nonconformity, risk_owner, risk_owner), risk_owner)
        with pytest.raises(ValidationError) as caught:
            effectiveness_verify(
                action=first, actor=manager, effective=False, notes="No"
            )
        assert "new_action" in caught.value.error_dict
        effectiveness_verify(
            action=first,
            actor=manager,
            effective=False,
            notes="Two reports still missing.",
            new_action={
                "description": "Add a report check to the audit closing step.",
                "owner": risk_owner,
                "due_date": days(10),
                "verify_after_days": 0,
            },
        )
        nonconformity.refresh_from_db()
        assert nonconformity.status == NonconformityStatus.ACTION_PLANNED
        assert "correctiveaction.not_effective" in events(nonconformity)
        second = CorrectiveAction.objects.get(
            nonconformity=nonconformity, status="planned"
        )
        complete(second, risk_owner)
        effectiveness_verify(
            action=second, actor=manager, effective=True, notes="All kept."
        )
        nonconformity.refresh_from_db()
        with pytest.raises(ValidationError) as caught:
            nonconformity_close(nonconformity=nonconformity, actor=risk_owner)
        assert "root_causes" in caught.value.error_dict
        from audit.services import nonconformity_save

        nonconformity.root_cause_method = "five_whys"
        nonconformity.root_causes = ["No step in the audit procedure keeps the report."]
        nonconformity_save(nonconformity=nonconformity, actor=risk_owner)
        nonconformity_close(nonconformity=nonconformity, actor=risk_owner, note="Done")
        nonconformity.refresh_from_db()
        assert nonconformity.status == NonconformityStatus.CLOSED
        assert nonconformity.finding.status == FindingStatus.CLOSED
        assert "nonconformity.closed" in events(nonconformity)

    def test_effectiveness_cannot_be_set_by_editing(self, nonconformity, risk_owner):
        action = make_action(nonconformity, risk_owner, risk_owner)
        action.status = "effective"
        action.completed_on = TODAY
        with pytest.raises(ValidationError):
            from audit.services import corrective_action_save

            corrective_action_save(action=action, actor=risk_owner)
