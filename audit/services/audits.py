"""Writes of the audit programme, audits and checklists (ISO/IEC 42001 9.2).

An approved programme and a reported audit are evidence of what was decided and found:
they are never edited (``Frozen``, a 403); a programme changes by a new version.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from aims.context import attributed_to
from aims.history import change_scope, record_event
from aims.models import ReferenceCounter
from aims.permissions import can, grant, revoke
from aims.services import object_save

from ..choices import AuditStatus, ChecklistResult, ProgrammeStatus, RequirementKind
from ..models import Audit, AuditProgramme, ChecklistLine
from ..models.programme import AUDIT_PREFIX, PROGRAMME_PREFIX
from ..reference import (
    clause_requirements,
    control_requirements,
    covers,
    question_for,
)

__all__ = [
    "AUDITOR_ACTIONS",
    "AUDIT_TRANSITIONS",
    "Frozen",
    "audit_record_results",
    "audit_save",
    "audit_transition",
    "checklist_line_save",
    "checklist_sync",
    "objectivity_conflicts",
    "programme_approve",
    "programme_new_version",
    "programme_save",
]


class Frozen(PermissionDenied):
    """A record that is evidence of a decision or a result is not edited any more."""


# What the lead auditor and the team hold on their audit: they conduct it (checklist,
# findings, results, statuses); its plan (scope, team, dates) is the planner's.
AUDITOR_ACTIONS = ("view", "run")


# Programme


def programme_save(*, programme: AuditProgramme, actor, expected_version=None):
    """Plan or edit a draft programme (9.2.2); an approved version is frozen."""
    with attributed_to(actor), change_scope():
        if programme.pk is None:
            programme.reference = ReferenceCounter.next_reference(PROGRAMME_PREFIX)
            programme.number = 1
        else:
            stored = AuditProgramme.objects.get(pk=programme.pk)
            if stored.status != ProgrammeStatus.DRAFT:
                raise Frozen(
                    f"{stored} is {stored.get_status_display().lower()}: start a new "
                    "version to change it."
                )
        return object_save(
            instance=programme, actor=actor, expected_version=expected_version
        )


def programme_approve(*, programme: AuditProgramme, actor, note: str = ""):
    """The committee approves a draft programme; the version it replaces is superseded."""
    if not can(actor, "approve", AuditProgramme):
        raise PermissionDenied(
            "Only the governance committee approves audit programmes."
        )
    with transaction.atomic(), attributed_to(actor), change_scope():
        programme = AuditProgramme.objects.select_for_update().get(pk=programme.pk)
        if programme.status != ProgrammeStatus.DRAFT:
            raise Frozen(
                f"{programme} is already {programme.get_status_display().lower()}."
            )
        for older in AuditProgramme.objects.filter(
            reference=programme.reference, status=ProgrammeStatus.APPROVED
        ):
            older.status = ProgrammeStatus.SUPERSEDED
            object_save(instance=older, actor=actor)
        programme.status = ProgrammeStatus.APPROVED
        programme.approved_by = actor
        programme.approved_at = timezone.now()
        programme.approval_note = note
        object_save(instance=programme, actor=actor)
        record_event(
            programme,
            "auditprogramme.approved",
            f"{actor} approved audit programme {programme.reference} version "
            f"{programme.number}" + (f": {note}" if note else "."),
        )
    return programme


def programme_new_version(*, programme: AuditProgramme, actor) -> AuditProgramme:
    """A draft copy of an approved programme, to change and approve again."""
    if not can(actor, "add", AuditProgramme):
        raise PermissionDenied("You may not plan audit programmes.")
    if programme.status == ProgrammeStatus.DRAFT:
        raise ValidationError("This version is still a draft: edit it instead.")
    if AuditProgramme.objects.filter(
        reference=programme.reference, status=ProgrammeStatus.DRAFT
    ).exists():
        raise ValidationError(f"{programme.reference} already has a draft version.")
    latest = (
        AuditProgramme.objects.filter(reference=programme.reference)
        .order_by("-number")
        .first()
    )
    fields = (
        "title",
        "period_start",
        "period_end",
        "objectives",
        "criteria",
        "methods",
        "frequency",
        "responsibilities",
    )
    draft = AuditProgramme(
        reference=programme.reference,
        number=latest.number + 1,
        previous=programme,
        **{name: getattr(programme, name) for name in fields},
    )
    with attributed_to(actor), change_scope():
        return object_save(instance=draft, actor=actor)


# Audits


def objectivity_conflicts(
    auditors, *, scope_clauses, scope_controls, ai_systems
) -> list[str]:
    """Records in the audit's scope owned by one of its auditors (9.2.2 c): AI systems
    and their risks, and the SoA rows of the controls in scope. References only: the
    warning is read by people who may not see the records."""
    from controls.models import SoAEntry
    from controls.services import soa_current
    from risk.models import Risk

    auditors = [a for a in auditors if a is not None]
    if not auditors:
        return []
    system_ids = [s.pk for s in ai_systems]
    found = []
    for system in ai_systems:
        if system.owner_id in {a.pk for a in auditors}:
            found.append(f"{system.owner} owns AI system {system.reference}")
    for risk in (
        Risk.objects.filter(ai_system_id__in=system_ids, owner__in=auditors)
        .select_related("owner")
        .order_by("reference")
    ):
        found.append(f"{risk.owner} owns risk {risk.reference}")
    if scope_controls:
        entries = (
            SoAEntry.objects.filter(soa=soa_current(), owner__in=auditors)
            .select_related("owner")
            .order_by("control_id")
        )
        for entry in entries:
            if covers(scope_controls, entry.control_id):
                found.append(f"{entry.owner} owns the SoA row of {entry.control_id}")
    return found


def _auditors(audit: Audit, m2m: dict):
    team = m2m["team"] if "team" in m2m else (audit.team.all() if audit.pk else [])
    return [audit.lead_auditor if audit.lead_auditor_id else None, *team]


def audit_save(
    *, audit: Audit, actor, m2m: dict | None = None, expected_version=None
) -> Audit:
    """Plan or edit an audit. Auditors must be allowed to audit and be objective: when
    one owns records in the scope, a justification is required (9.2.2 c). The lead
    auditor and the team may then run the audit (object permissions); the checklist
    follows the scope. A reported audit is frozen."""
    m2m = dict(m2m or {})
    with attributed_to(actor), change_scope():
        previous_auditors = set()
        if audit.pk is None:
            audit.reference = ReferenceCounter.next_reference(AUDIT_PREFIX)
        else:
            stored = Audit.objects.get(pk=audit.pk)
            if actor is not None and not can(actor, "change", stored):
                # The audit's own auditors conduct it (audit_record_results); its
                # plan is the planner's.
                raise PermissionDenied("You may not change this audit's plan.")
            if stored.is_frozen:
                raise Frozen(
                    f"{stored} is {stored.get_status_display().lower()}: its record "
                    "is kept as reported."
                )
            previous_auditors = {
                stored.lead_auditor_id,
                *stored.team.values_list("pk", flat=True),
            }
        errors = {}
        auditors = _auditors(audit, m2m)
        for person in auditors:
            if person is not None and not can(person, "conduct", Audit):
                field = "lead_auditor" if person == auditors[0] else "team"
                errors[field] = f"{person} has no role that may audit."
        if errors:
            raise ValidationError(errors)
        systems = (
            list(m2m["ai_systems"])
            if "ai_systems" in m2m
            else (list(audit.ai_systems.all()) if audit.pk else [])
        )
        if actor is not None and any(not can(actor, "view", s) for s in systems):
            raise ValidationError({"ai_systems": "Choose AI systems you can see."})
        audit.full_clean()
        conflicts = objectivity_conflicts(
            auditors,
            scope_clauses=audit.scope_clauses,
            scope_controls=audit.scope_controls,
            ai_systems=systems,
        )
        if conflicts and not audit.objectivity_justification.strip():
            raise ValidationError(
                {
                    "objectivity_justification": (
                        "Auditors must be objective (ISO/IEC 42001 9.2.2 c): "
                        + "; ".join(conflicts)
                        + ". Change the team or record why the audit may go on."
                    )
                }
            )
        object_save(
            instance=audit, actor=actor, m2m=m2m, expected_version=expected_version
        )
        current = {a.pk: a for a in auditors if a is not None}
        for person in set(previous_auditors) - set(current):
            if person is not None:
                from aims.models import User

                revoke(User.objects.get(pk=person), audit, AUDITOR_ACTIONS)
        for person in current.values():
            grant(person, audit, AUDITOR_ACTIONS)
        if conflicts:
            record_event(
                audit,
                "audit.objectivity_justified",
                "Auditors own records in scope (" + "; ".join(conflicts) + "). "
                f"Justification: {audit.objectivity_justification}",
            )
        checklist_sync(audit=audit)
    return audit


RESULT_FIELDS = ("summary", "actual_start", "actual_end")


def audit_record_results(
    *, audit: Audit, actor, changes: dict, expected_version=None
) -> Audit:
    """The audit's auditors write the summary of results and the dates the audit was
    actually held (9.2.2 e); the plan stays as the planner left it. ``changes`` holds
    some of ``RESULT_FIELDS``; the others keep their value. A reported audit is
    frozen."""
    if not can(actor, "run", audit):
        raise PermissionDenied("Only the audit's auditors record its results.")
    unknown = set(changes) - set(RESULT_FIELDS)
    if unknown:
        raise ValueError(f"Not a result field: {', '.join(sorted(unknown))}")
    with transaction.atomic(), attributed_to(actor), change_scope():
        stored = Audit.objects.select_for_update().get(pk=audit.pk)
        if stored.is_frozen:
            raise Frozen(
                f"{stored} is {stored.get_status_display().lower()}: its results "
                "are kept as reported."
            )
        for name, value in changes.items():
            setattr(stored, name, "" if name == "summary" and value is None else value)
        return object_save(
            instance=stored, actor=actor, expected_version=expected_version
        )


AUDIT_TRANSITIONS = {
    AuditStatus.PLANNED: (AuditStatus.IN_PROGRESS,),
    AuditStatus.IN_PROGRESS: (AuditStatus.REPORTED, AuditStatus.PLANNED),
    AuditStatus.REPORTED: (AuditStatus.CLOSED,),
    AuditStatus.CLOSED: (),
}


def audit_transition(*, audit: Audit, to_status: str, actor) -> Audit:
    """Start, report or close an audit. Reporting needs a summary and the actual dates;
    closing needs every finding closed or in the corrective-action process."""
    if not can(actor, "run", audit) and not (
        audit.status == AuditStatus.REPORTED and can(actor, "change", Audit)
    ):
        raise PermissionDenied(
            "Only the audit's auditors or an AIMS manager may do this."
        )
    if to_status not in AUDIT_TRANSITIONS.get(audit.status, ()):
        raise ValidationError(
            {
                "status": f"A {audit.get_status_display().lower()} audit cannot move to "
                f"'{to_status}'."
            }
        )
    today = timezone.localdate()
    with transaction.atomic(), attributed_to(actor), change_scope():
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        if to_status == AuditStatus.IN_PROGRESS:
            audit.actual_start = audit.actual_start or today
        if to_status == AuditStatus.REPORTED:
            errors = {}
            if not audit.summary.strip():
                errors["summary"] = "Write the summary of results before reporting."
            audit.actual_end = audit.actual_end or today
            if errors:
                raise ValidationError(errors)
            audit.reported_at = timezone.now()
        if to_status == AuditStatus.CLOSED:
            from ..choices import FindingStatus

            still_open = audit.findings.filter(status=FindingStatus.OPEN).count()
            if still_open:
                raise ValidationError(
                    {
                        "status": f"{still_open} findings are still open: close them "
                        "or start their corrective action first."
                    }
                )
        audit.status = to_status
        object_save(instance=audit, actor=actor)
        label = AuditStatus(to_status).label.lower()
        event = {
            AuditStatus.IN_PROGRESS: "audit.started",
            AuditStatus.REPORTED: "audit.reported",
            AuditStatus.CLOSED: "audit.closed",
            AuditStatus.PLANNED: "audit.replanned",
        }[to_status]
        record_event(audit, event, f"{actor} marked {audit.reference} as {label}.")
    return audit


def checklist_sync(*, audit: Audit) -> None:
    """One checklist line per clause requirement and control in scope; lines of
    requirements that left the scope go, unless they hold a result or notes."""
    wanted = [
        (RequirementKind.CLAUSE, r)
        for r in clause_requirements()
        if covers(audit.scope_clauses, r.id)
    ] + [
        (RequirementKind.CONTROL, r)
        for r in control_requirements()
        if covers(audit.scope_controls, r.id)
    ]
    existing = {line.requirement_id: line for line in audit.lines.all()}
    wanted_ids = {r.id for _, r in wanted}
    for requirement_id, line in existing.items():
        if (
            requirement_id not in wanted_ids
            and line.result == ChecklistResult.NOT_AUDITED
            and not line.notes
        ):
            line.delete()
    for position, (kind, requirement) in enumerate(wanted, start=1):
        line = existing.get(requirement.id)
        if line is None:
            line = ChecklistLine(
                audit=audit,
                requirement_kind=kind,
                requirement_id=requirement.id,
                requirement_title=requirement.title,
                question=question_for(requirement),
                position=position,
            )
            line.full_clean()
            line.save()
        elif line.position != position:
            line.position = position
            line.save(update_fields=["position", "updated"])


def checklist_line_save(
    *, line: ChecklistLine, actor, m2m: dict | None = None, expected_version=None
) -> ChecklistLine:
    """Record a checklist result with notes and the evidence sampled (from the
    evidence store). Only while the audit is in progress."""
    audit = Audit.objects.get(pk=line.audit_id)
    if audit.is_frozen:
        raise Frozen(f"{audit} is reported: its checklist is kept as it was.")
    if audit.status != AuditStatus.IN_PROGRESS:
        raise ValidationError({"result": "Start the audit before recording results."})
    evidence = (m2m or {}).get("evidence")
    if evidence is not None and any(not can(actor, "view", e) for e in evidence):
        raise ValidationError({"evidence": "Choose evidence you can see."})
    if line.result != ChecklistResult.NOT_AUDITED:
        line.audited_by = actor
    return object_save(
        instance=line, actor=actor, m2m=m2m, expected_version=expected_version
    )
