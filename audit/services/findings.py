"""Writes of findings, nonconformities, corrective actions and their verification
(ISO/IEC 42001 9.2.2, 10.2).

The rules an auditor checks: a nonconformity closes only when a corrective action was
verified effective; nobody verifies their own action; a verification that finds the
action not effective reopens the nonconformity with a new action.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from aims.context import attributed_to
from aims.history import change_scope, record_event
from aims.models import ReferenceCounter
from aims.permissions import can, grant, move_ownership
from aims.services import object_save

from ..choices import (
    OPEN_ACTION_STATUSES,
    CorrectiveActionStatus,
    FindingStatus,
    NonconformitySource,
    NonconformityStatus,
)
from ..models import (
    Audit,
    CorrectiveAction,
    EffectivenessVerification,
    Finding,
    Nonconformity,
)
from ..models.findings import FINDING_PREFIX, NONCONFORMITY_PREFIX
from .audits import Frozen

__all__ = [
    "corrective_action_save",
    "effectiveness_verify",
    "finding_close",
    "finding_save",
    "nonconformity_close",
    "nonconformity_save",
]


def _check_owner(obj, model, field="owner"):
    owner = getattr(obj, field)
    if owner is not None and not can(owner, "own", model):
        raise ValidationError(
            {
                field: f"{owner} has no role that may own {model._meta.verbose_name_plural}."
            }
        )


# Findings


def finding_save(
    *, finding: Finding, actor, m2m: dict | None = None, expected_version=None
) -> Finding:
    """Record a finding of an audit in progress. A nonconformity (major or minor)
    opens its nonconformity record at once; its owner may see both."""
    with attributed_to(actor), change_scope():
        audit = Audit.objects.get(pk=finding.audit_id)
        stored = None
        if finding.pk is None:
            finding.reference = ReferenceCounter.next_reference(FINDING_PREFIX)
        else:
            stored = Finding.objects.select_related("owner").get(pk=finding.pk)
            if stored.status == FindingStatus.CLOSED:
                raise Frozen(f"{stored} is closed.")
            if stored.is_nonconformity and not finding.is_nonconformity:
                raise ValidationError(
                    {
                        "grade": "A nonconformity record exists for this finding: it "
                        "stays a nonconformity."
                    }
                )
        if audit.is_frozen:
            raise Frozen(f"{audit} is reported: its findings are kept as reported.")
        _check_owner(finding, Finding)
        object_save(
            instance=finding, actor=actor, m2m=m2m, expected_version=expected_version
        )
        move_ownership(finding, stored.owner if stored else None, finding.owner)
        if finding.is_nonconformity and not hasattr(finding, "nonconformity"):
            _open_nonconformity(finding, actor)
    return finding


def _open_nonconformity(finding: Finding, actor) -> Nonconformity:
    nonconformity = Nonconformity(
        source=NonconformitySource.AUDIT_FINDING,
        finding=finding,
        source_reference=f"{finding.audit.reference} / {finding.reference}",
        grade=finding.grade,
        requirement_id=finding.requirement_id,
        title=finding.title,
        description=finding.description,
        owner=finding.owner,
    )
    nonconformity_save(nonconformity=nonconformity, actor=actor)
    finding.status = FindingStatus.IN_CORRECTION
    object_save(instance=finding, actor=actor)
    record_event(
        finding,
        "finding.nonconformity_opened",
        f"{finding.reference} is a {finding.get_grade_display().lower()}: "
        f"{nonconformity.reference} opened for its correction.",
    )
    return nonconformity


def finding_close(*, finding: Finding, actor, note: str) -> Finding:
    """Close an observation or opportunity for improvement with a note; a
    nonconformity closes with its nonconformity record."""
    if not (can(actor, "change", finding) or can(actor, "run", finding.audit)):
        raise PermissionDenied("You may not close this finding.")
    if finding.is_nonconformity:
        raise ValidationError(
            {"grade": "A nonconformity closes when its corrective action is verified."}
        )
    if finding.status == FindingStatus.CLOSED:
        raise Frozen(f"{finding} is already closed.")
    if not (note or "").strip():
        raise ValidationError({"closure_note": "Say how the finding was dealt with."})
    with attributed_to(actor), change_scope():
        finding.status = FindingStatus.CLOSED
        finding.closure_note = note.strip()
        finding.closed_at = timezone.now()
        finding.closed_by = actor
        object_save(instance=finding, actor=actor)
        record_event(
            finding, "finding.closed", f"{actor} closed {finding.reference}: {note}"
        )
    return finding


# Nonconformities


def nonconformity_save(
    *, nonconformity: Nonconformity, actor, expected_version=None
) -> Nonconformity:
    """Raise or update a nonconformity (10.2): correction, causes, similar cases.
    A closed one is kept as closed."""
    with attributed_to(actor), change_scope():
        stored = None
        if nonconformity.pk is None:
            nonconformity.reference = ReferenceCounter.next_reference(
                NONCONFORMITY_PREFIX
            )
        else:
            stored = Nonconformity.objects.select_related("owner").get(
                pk=nonconformity.pk
            )
            if stored.status == NonconformityStatus.CLOSED:
                raise Frozen(f"{stored} is closed.")
        if nonconformity.finding_id is None and nonconformity.source == (
            NonconformitySource.AUDIT_FINDING
        ):
            raise ValidationError(
                {"source": "Nonconformities from audits are raised as audit findings."}
            )
        _check_owner(nonconformity, Nonconformity)
        object_save(
            instance=nonconformity, actor=actor, expected_version=expected_version
        )
        move_ownership(
            nonconformity, stored.owner if stored else None, nonconformity.owner
        )
    return nonconformity


def _refresh_status(nonconformity: Nonconformity, actor) -> None:
    """The status follows the actions: open ones under way, done ones awaiting
    verification, otherwise open (e.g. after an action proved not effective)."""
    statuses = set(nonconformity.actions.values_list("status", flat=True))
    if nonconformity.status == NonconformityStatus.CLOSED:
        return
    if statuses & set(OPEN_ACTION_STATUSES):
        status = NonconformityStatus.ACTION_PLANNED
    elif CorrectiveActionStatus.DONE in statuses:
        status = NonconformityStatus.VERIFICATION
    else:
        status = NonconformityStatus.OPEN
    if status != nonconformity.status:
        nonconformity.status = status
        object_save(instance=nonconformity, actor=actor)


def nonconformity_close(*, nonconformity: Nonconformity, actor, note: str = ""):
    """Close a nonconformity whose corrective actions were verified effective; its
    audit finding closes with it."""
    if not can(actor, "change", nonconformity):
        raise PermissionDenied("You may not close this nonconformity.")
    with transaction.atomic(), attributed_to(actor), change_scope():
        nonconformity = Nonconformity.objects.select_for_update().get(
            pk=nonconformity.pk
        )
        if nonconformity.status == NonconformityStatus.CLOSED:
            raise Frozen(f"{nonconformity} is already closed.")
        statuses = list(nonconformity.actions.values_list("status", flat=True))
        pending = [
            s
            for s in statuses
            if s in (*OPEN_ACTION_STATUSES, CorrectiveActionStatus.DONE)
        ]
        if CorrectiveActionStatus.EFFECTIVE not in statuses or pending:
            raise ValidationError(
                {
                    "status": "A nonconformity closes only when its corrective action "
                    "was verified effective, and no action is still open or awaiting "
                    "verification."
                }
            )
        if not nonconformity.root_causes:
            raise ValidationError(
                {"root_causes": "Record the root cause before closing."}
            )
        nonconformity.status = NonconformityStatus.CLOSED
        nonconformity.closed_at = timezone.now()
        nonconformity.closed_by = actor
        nonconformity.closure_note = (note or "").strip()
        object_save(instance=nonconformity, actor=actor)
        record_event(
            nonconformity,
            "nonconformity.closed",
            f"{actor} closed {nonconformity.reference} after verification of its "
            "corrective action" + (f": {note}" if note else "."),
        )
        if nonconformity.finding_id:
            finding = nonconformity.finding
            finding.status = FindingStatus.CLOSED
            finding.closed_at = nonconformity.closed_at
            finding.closed_by = actor
            finding.closure_note = f"Closed with {nonconformity.reference}."
            object_save(instance=finding, actor=actor)
    return nonconformity


# Corrective actions


def corrective_action_save(
    *, action: CorrectiveAction, actor, expected_version=None
) -> CorrectiveAction:
    """Plan or update a corrective action of an open nonconformity. Its owner works on
    it and may read the nonconformity; effectiveness is set by verification only."""
    with attributed_to(actor), change_scope():
        nonconformity = Nonconformity.objects.get(pk=action.nonconformity_id)
        if nonconformity.status == NonconformityStatus.CLOSED:
            raise Frozen(f"{nonconformity} is closed.")
        stored = None
        if action.pk is not None:
            stored = CorrectiveAction.objects.select_related("owner").get(pk=action.pk)
            if stored.status in (
                CorrectiveActionStatus.EFFECTIVE,
                CorrectiveActionStatus.NOT_EFFECTIVE,
            ):
                raise Frozen("A verified corrective action is kept as verified.")
        if action.status in (
            CorrectiveActionStatus.EFFECTIVE,
            CorrectiveActionStatus.NOT_EFFECTIVE,
        ):
            raise ValidationError(
                {"status": "Effectiveness is recorded by a verification, not set here."}
            )
        _check_owner(action, CorrectiveAction)
        object_save(instance=action, actor=actor, expected_version=expected_version)
        move_ownership(action, stored.owner if stored else None, action.owner)
        grant(action.owner, nonconformity, actions=("view",))
        _refresh_status(nonconformity, actor)
    return action


def may_verify(user, action: CorrectiveAction, *, may_change=None) -> bool:
    """Anyone who may change the nonconformity, except the action's owner.
    ``may_change``: that answer for the action's nonconformity, when a page listing
    its actions already has it."""
    if may_change is None:
        may_change = user is not None and can(user, "change", action.nonconformity)
    return user is not None and user.pk != action.owner_id and may_change


def effectiveness_verify(
    *,
    action: CorrectiveAction,
    actor,
    effective: bool,
    notes: str,
    verified_on: datetime.date | None = None,
    new_action: dict | None = None,
) -> EffectivenessVerification:
    """Verify a completed action after its set period, never one's own (10.2 d).
    Not effective: the action is marked so and a new action (``new_action``:
    description, owner, due_date) reopens the nonconformity."""
    if actor is not None and actor.pk == action.owner_id:
        raise PermissionDenied(
            "You cannot verify your own corrective action: someone else must."
        )
    if not can(actor, "change", action.nonconformity):
        raise PermissionDenied("You may not verify this corrective action.")
    verified_on = verified_on or timezone.localdate()
    with transaction.atomic(), attributed_to(actor), change_scope():
        action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
        errors = {}
        if action.status != CorrectiveActionStatus.DONE:
            errors["action"] = (
                "Only a completed action awaiting verification is verified."
            )
        elif verified_on < action.verification_due:
            errors["verified_on"] = (
                f"Effectiveness is verified from {action.verification_due} on, "
                f"{action.verify_after_days} days after completion."
            )
        if verified_on > timezone.localdate():
            errors["verified_on"] = "The verification date cannot be in the future."
        if not (notes or "").strip():
            errors["notes"] = "Say what was checked and what it showed."
        if not effective and not new_action:
            errors["new_action"] = (
                "An action that was not effective needs a new corrective action."
            )
        if errors:
            raise ValidationError(errors)
        verification = EffectivenessVerification(
            action=action,
            verified_by=actor,
            verified_on=verified_on,
            effective=effective,
            notes=notes.strip(),
        )
        object_save(instance=verification, actor=actor)
        action.status = (
            CorrectiveActionStatus.EFFECTIVE
            if effective
            else CorrectiveActionStatus.NOT_EFFECTIVE
        )
        object_save(instance=action, actor=actor)
        nonconformity = action.nonconformity
        if effective:
            record_event(
                nonconformity,
                "correctiveaction.effective",
                f"{actor} verified the corrective action effective: {notes}",
            )
        else:
            record_event(
                nonconformity,
                "correctiveaction.not_effective",
                f"{actor} found the corrective action not effective: {notes}. "
                "The nonconformity is open again with a new action.",
            )
            corrective_action_save(
                action=CorrectiveAction(
                    nonconformity=nonconformity,
                    description=new_action.get("description", ""),
                    owner=new_action.get("owner"),
                    due_date=new_action.get("due_date"),
                    verify_after_days=new_action.get("verify_after_days", 30),
                ),
                actor=actor,
            )
        _refresh_status(nonconformity, actor)
    return verification
