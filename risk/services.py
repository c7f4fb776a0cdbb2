"""Writes to the risk register (ISO/IEC 42001 6.1.1-6.1.3, 8.2, 8.3).

Scores and levels are always computed here from the risk's criteria version, so pages
and API cannot disagree; acceptance and status changes are explicit, logged acts.
"""

import json
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils import timezone

from aims.context import attributed_to
from aims.history import change_scope, record_event
from aims.models import ReferenceCounter
from aims.permissions import can, move_ownership
from aims.services import object_save

from .choices import RiskStatus, Treatment
from .models import REFERENCE_PREFIX, Risk, RiskControl, RiskCriteria, TreatmentAction
from .sanity import describe_gap, mitigation_gap

__all__ = [
    "TRANSITIONS",
    "criteria_current",
    "criteria_publish",
    "acceptance_options",
    "risk_accept",
    "risk_acceptance_reject",
    "risk_acceptance_request",
    "risk_review",
    "risk_save",
    "lifecycle_warnings",
    "risk_transition",
    "treatment_action_save",
]

DEFAULT_CRITERIA_FILE = Path(__file__).parent / "data" / "default_criteria.json"

# Status changes a person may make; acceptance goes through risk_accept only.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    RiskStatus.IDENTIFIED: (RiskStatus.ASSESSED, RiskStatus.CLOSED),
    RiskStatus.ASSESSED: (
        RiskStatus.TREATMENT_PLANNED,
        RiskStatus.IDENTIFIED,
        RiskStatus.CLOSED,
    ),
    RiskStatus.TREATMENT_PLANNED: (RiskStatus.TREATED, RiskStatus.ASSESSED),
    RiskStatus.TREATED: (RiskStatus.TREATMENT_PLANNED,),
    RiskStatus.ACCEPTED: (RiskStatus.CLOSED, RiskStatus.ASSESSED),
    RiskStatus.CLOSED: (RiskStatus.ASSESSED,),
}


# Criteria


def criteria_current() -> RiskCriteria:
    """The criteria new assessments use; the packaged default 5 x 5 on a new portal."""
    current = RiskCriteria.objects.filter(is_current=True).first()
    if current is None:
        data = json.loads(DEFAULT_CRITERIA_FILE.read_text())
        current = criteria_publish(actor=None, change_note="Default criteria", **data)
    return current


def criteria_publish(*, actor, change_note: str = "", **values) -> RiskCriteria:
    """Publish a new criteria version; the previous one stays, read-only, with its risks."""
    with attributed_to(actor), change_scope():
        previous = (
            RiskCriteria.objects.select_for_update().filter(is_current=True).first()
        )
        number = (
            RiskCriteria.objects.order_by("-number")
            .values_list("number", flat=True)
            .first()
            or 0
        ) + 1
        criteria = RiskCriteria(number=number, change_note=change_note, **values)
        criteria.full_clean(exclude=["is_current"])
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current", "updated"])
        criteria.is_current = True
        object_save(instance=criteria, actor=actor)
        record_event(
            criteria,
            "riskcriteria.published",
            f"Risk criteria version {number} published"
            + (f", replacing version {previous.number}" if previous else "")
            + (f": {change_note}" if change_note else "."),
        )
    return criteria


# Risks


def _scores(risk: Risk) -> None:
    criteria = risk.criteria
    for prefix in ("inherent", "residual"):
        likelihood, impact = (
            getattr(risk, f"{prefix}_likelihood"),
            getattr(risk, f"{prefix}_impact"),
        )
        if (
            likelihood
            and impact
            and 1 <= likelihood <= criteria.max_likelihood
            and 1 <= impact <= criteria.max_impact
        ):
            score = criteria.score(likelihood, impact)
            setattr(risk, f"{prefix}_score", score)
            setattr(risk, f"{prefix}_level", criteria.level_for(score))
        else:
            setattr(risk, f"{prefix}_score", None)
            setattr(risk, f"{prefix}_level", "")


def risk_save(
    *,
    risk: Risk,
    actor,
    m2m: dict | None = None,
    controls: list[str] | None = None,
    expected_version: int | None = None,
) -> Risk:
    """Record or update a risk.

    A new risk gets the next RSK reference and the current criteria version; scores and
    levels follow from that version. Its owner holds view and change permissions. The
    actor must be able to see the AI system the risk is about.
    """
    with attributed_to(actor), change_scope():
        previous_owner, stored = None, None
        if risk.pk is not None:
            stored = Risk.objects.filter(pk=risk.pk).select_related("owner").first()
            if stored is None:
                raise ObjectDoesNotExist("This risk was deleted meanwhile.")
            previous_owner = stored.owner
        else:
            risk.reference = ReferenceCounter.next_reference(REFERENCE_PREFIX)
            risk.criteria = criteria_current()
        if (
            risk.ai_system_id
            and actor is not None
            and not can(actor, "view", risk.ai_system)
        ):
            raise ValidationError({"ai_system": "Choose an AI system you can see."})
        if risk.owner_id and not can(risk.owner, "own", Risk):
            raise ValidationError(
                {"owner": f"{risk.owner} has no role that may own risks."}
            )
        if risk.status == RiskStatus.IDENTIFIED and risk.inherent_likelihood:
            risk.status = RiskStatus.ASSESSED
        if risk.next_review_date is None:
            risk.next_review_date = timezone.localdate() + relativedelta(
                months=risk.review_frequency
            )
        _check_assessment_kept(risk)
        withdrawn = stored is not None and _withdraw_acceptance_if_reassessed(
            stored, risk
        )
        _scores(risk)
        object_save(
            instance=risk, actor=actor, m2m=m2m, expected_version=expected_version
        )
        if withdrawn:
            record_event(
                risk,
                "risk.acceptance_withdrawn",
                f"Acceptance by {stored.accepted_by} withdrawn: the scores or the treatment "
                "changed after it; the risk is back to treated and needs a new acceptance.",
            )
        if controls is not None:
            _set_controls(risk, controls)
        move_ownership(risk, previous_owner, risk.owner)
    return risk


ASSESSMENT_FIELDS = (
    "inherent_likelihood",
    "inherent_impact",
    "residual_likelihood",
    "residual_impact",
    "treatment",
)


def _check_assessment_kept(risk: Risk) -> None:
    """A risk past a lifecycle step keeps what that step needed (clear it by moving back)."""
    if risk.status != RiskStatus.IDENTIFIED and risk.inherent_likelihood is None:
        raise ValidationError(
            {
                "inherent_likelihood": "An assessed risk keeps its inherent likelihood and impact."
            }
        )
    treated = risk.status in (RiskStatus.TREATED, RiskStatus.ACCEPTED)
    if (
        treated
        and risk.treatment != Treatment.ACCEPT
        and risk.residual_likelihood is None
    ):
        raise ValidationError(
            {
                "residual_likelihood": "A treated risk keeps its residual likelihood and impact."
            }
        )


def _withdraw_acceptance_if_reassessed(stored: Risk, risk: Risk) -> bool:
    """An acceptance covers the scores it saw: changing them reopens the decision."""
    if stored.status != RiskStatus.ACCEPTED:
        return False
    if all(getattr(stored, name) == getattr(risk, name) for name in ASSESSMENT_FIELDS):
        return False
    risk.status = RiskStatus.TREATED
    risk.accepted_by, risk.accepted_at, risk.acceptance_rationale = None, None, ""
    risk.acceptance_revisit_on = None
    return True


def _set_controls(risk: Risk, control_ids: list[str]) -> None:
    from controls.models import Control

    wanted = set(control_ids)
    unknown = wanted - set(
        Control.objects.filter(control_id__in=wanted).values_list(
            "control_id", flat=True
        )
    )
    if unknown:
        raise ValidationError(
            {"controls": "Unknown control IDs: " + ", ".join(sorted(unknown))}
        )
    current = set(risk.controls.values_list("control_id", flat=True))
    # RiskControl rows are not change-logged on their own: the risk's entry shows the
    # list before and after (Risk.serialize), written when this scope ends.
    risk.controls.filter(control_id__in=current - wanted).delete()
    for control_id in sorted(wanted - current):
        RiskControl.objects.create(risk=risk, control_id=control_id)


def lifecycle_warnings(risk: Risk, to_status: str) -> list[str]:
    """What looks wrong about moving ``risk`` to ``to_status``: treated or accepted with
    the treatment "mitigate" while no action exists or all are still planned (the rule of
    the Details tab's warning, ``risk.sanity``). Not refused (the measure may be a
    control already in place), but the move needs a note saying why (``confirm_note``),
    kept with it in the change log."""
    gap = mitigation_gap(risk, to_status)
    if gap is None:
        return []
    link = "but the risk" if not gap[0] else "and"
    return [f"The treatment is “mitigate” {link} {describe_gap(gap)}."]


def _confirmed(risk: Risk, to_status: str, confirm_note: str) -> tuple[list, str]:
    """The warnings of the move and the note that confirms it; without a note a move
    with warnings is refused, naming them."""
    warnings = lifecycle_warnings(risk, to_status)
    note = (confirm_note or "").strip()
    if warnings and not note:
        raise ValidationError(
            {
                "confirm_note": " ".join(warnings)
                + f" To make it {RiskStatus(to_status).label.lower()} anyway, confirm "
                "with a note saying why (kept in the change log)."
            }
        )
    return warnings, note if warnings else ""


def _confirmation_text(warnings: list[str], note: str) -> str:
    if not warnings:
        return ""
    return f" Confirmed despite: {' '.join(warnings)} Note: {note}"


def risk_transition(
    *, risk: Risk, to_status: str, actor, confirm_note: str = ""
) -> Risk:
    """Move a risk along its lifecycle; illegal jumps and unmet preconditions are refused,
    and a move with ``lifecycle_warnings`` needs ``confirm_note``."""
    if to_status == RiskStatus.ACCEPTED:
        raise ValidationError(
            {"status": "Acceptance is its own act: use 'Accept residual risk'."}
        )
    if to_status not in TRANSITIONS.get(risk.status, ()):
        allowed = (
            ", ".join(RiskStatus(s).label for s in TRANSITIONS.get(risk.status, ()))
            or "none"
        )
        raise ValidationError(
            {
                "status": f"A risk cannot go from {risk.get_status_display()} to "
                f"{RiskStatus(to_status).label if to_status in RiskStatus.values else to_status}. "
                f"Allowed: {allowed}."
            }
        )
    requirements = {
        RiskStatus.ASSESSED: (
            risk.inherent_score is not None,
            "Assess inherent likelihood and impact first.",
        ),
        RiskStatus.TREATMENT_PLANNED: (
            bool(risk.treatment and risk.treatment_rationale.strip()),
            "Choose a treatment and give its rationale first.",
        ),
        RiskStatus.TREATED: (
            risk.residual_score is not None,
            "Assess the residual risk first.",
        ),
    }
    met, message = requirements.get(to_status, (True, ""))
    if not met:
        raise ValidationError({"status": message})
    warnings, note = _confirmed(risk, to_status, confirm_note)
    with attributed_to(actor), change_scope():
        previous = risk.get_status_display()
        risk.status = to_status
        if to_status != RiskStatus.ACCEPTED:
            risk.accepted_by, risk.accepted_at, risk.acceptance_rationale = (
                None,
                None,
                "",
            )
            risk.acceptance_revisit_on = None
        if to_status not in (RiskStatus.TREATED, RiskStatus.TREATMENT_PLANNED):
            _clear_request(risk)
        object_save(instance=risk, actor=actor)
        record_event(
            risk,
            "risk.status_changed",
            f"Status changed from {previous} to {risk.get_status_display()}."
            + _confirmation_text(warnings, note),
            {"status": to_status}
            | ({"warnings": warnings, "confirm_note": note} if warnings else {}),
        )
    return risk


def _acceptance_ready(risk: Risk) -> bool:
    return risk.status == RiskStatus.TREATED or (
        risk.status == RiskStatus.TREATMENT_PLANNED
        and risk.treatment == Treatment.ACCEPT
    )


def _residual_above_appetite(risk: Risk) -> bool:
    level = risk.residual_level or (
        risk.inherent_level if risk.treatment == Treatment.ACCEPT else ""
    )
    return bool(level) and risk.criteria.above_appetite(level)


def acceptance_options(user, risk: Risk) -> dict[str, bool]:
    """Which acceptance acts ``user`` can complete on ``risk`` (pages offer only these).

    - ``accept``: accept the residual risk now (the owner within the appetite, the
      committee always);
    - ``request``: ask the committee to accept a residual risk above the appetite;
    - ``decide``: the committee answers a pending request (accept or reject).
    """
    ready = _acceptance_ready(risk) and risk.inherent_score is not None
    committee = can(user, "accept_above_appetite", Risk)
    owner = can(user, "change", risk)
    above = ready and _residual_above_appetite(risk)
    return {
        "accept": ready and (committee or (owner and not above)),
        "request": ready
        and above
        and owner
        and not committee
        and not risk.acceptance_pending,
        "decide": ready and committee and risk.acceptance_pending,
    }


def _default_revisit(risk: Risk):
    return timezone.localdate() + relativedelta(months=risk.review_frequency)


def _check_revisit(revisit_on) -> None:
    if revisit_on is not None and revisit_on <= timezone.localdate():
        raise ValidationError(
            {"revisit_on": "The acceptance must be revisited on a date after today."}
        )


def _clear_request(risk: Risk) -> None:
    risk.acceptance_requested_by, risk.acceptance_requested_at = None, None
    risk.acceptance_request_rationale = ""
    risk.acceptance_requested_revisit_on = None


def risk_acceptance_request(
    *, risk: Risk, actor, rationale: str, revisit_on=None
) -> Risk:
    """The owner asks the governance committee to accept a residual risk above the
    appetite; the committee hears of it (home page, due items, reminders) and decides."""
    if not can(actor, "change", risk):
        raise PermissionDenied(
            "Only the risk owner or an AIMS manager may request acceptance."
        )
    if not rationale or not rationale.strip():
        raise ValidationError({"rationale": "Say why the residual risk is acceptable."})
    if not _acceptance_ready(risk) or risk.inherent_score is None:
        raise ValidationError(
            {
                "status": f"A risk that is {risk.get_status_display().lower()} cannot be accepted; "
                "treat it (or plan to accept it) first."
            }
        )
    if not _residual_above_appetite(risk):
        raise ValidationError(
            {
                "rationale": "The residual risk is within the appetite: accept it yourself."
            }
        )
    if risk.acceptance_pending:
        raise ValidationError(
            {
                "rationale": "Acceptance is already requested; the committee has not decided yet."
            }
        )
    _check_revisit(revisit_on)
    with attributed_to(actor), change_scope():
        risk.acceptance_requested_by = actor
        risk.acceptance_requested_at = timezone.now()
        risk.acceptance_request_rationale = rationale.strip()
        risk.acceptance_requested_revisit_on = revisit_on
        risk.acceptance_rejected_at, risk.acceptance_rejection_comment = None, ""
        object_save(instance=risk, actor=actor)
        record_event(
            risk,
            "risk.acceptance_requested",
            f"Acceptance of the residual risk requested from the governance committee: "
            f"{risk.acceptance_request_rationale}",
            {
                "rationale": risk.acceptance_request_rationale,
                "revisit_on": revisit_on.isoformat() if revisit_on else None,
            },
        )
    return risk


def risk_acceptance_reject(*, risk: Risk, actor, comment: str) -> Risk:
    """The committee turns down a pending request, saying why; the owner is told (a due
    item and a reminder until they rework the treatment or ask again)."""
    if not can(actor, "accept_above_appetite", Risk):
        raise PermissionDenied(
            "Only the governance committee decides on acceptance requests."
        )
    if not risk.acceptance_pending:
        raise ValidationError({"comment": "No acceptance is requested for this risk."})
    if not comment or not comment.strip():
        raise ValidationError({"comment": "Say why the request is rejected."})
    with attributed_to(actor), change_scope():
        _clear_request(risk)
        risk.acceptance_rejected_at = timezone.now()
        risk.acceptance_rejection_comment = comment.strip()
        object_save(instance=risk, actor=actor)
        record_event(
            risk,
            "risk.acceptance_rejected",
            f"Acceptance request rejected by the governance committee: {comment.strip()}",
            {"comment": comment.strip()},
        )
    return risk


ACCEPT_REFUSED = "Only the risk owner or the committee may accept this risk."


def may_accept(actor, risk: Risk) -> bool:
    """Whoever may change the risk, or the committee (which may accept risks it cannot
    edit). Whether the level is within their reach is decided in ``risk_accept``."""
    return can(actor, "accept_above_appetite", Risk) or can(actor, "change", risk)


def risk_accept(
    *, risk: Risk, actor, rationale: str, revisit_on=None, confirm_note: str = ""
) -> Risk:
    """Accept a risk's residual level (ISO/IEC 42001 6.1.3 f: risk owners approve the
    treatment plan and accept residual risk).

    Above the criteria's risk appetite only the governance committee may accept (the
    owner requests it: ``risk_acceptance_request``). The acceptance expires on
    ``revisit_on`` (one review period ahead by default): the risk's next review is set to
    that day, so it comes back for review. Recorded as a named event with the actor and
    rationale.
    """
    # Who may decide comes before whether the request is complete: a refusal is a 403
    # whatever the body says (PermissionDenied), never a 400.
    committee = can(actor, "accept_above_appetite", Risk)
    if not may_accept(actor, risk):
        raise PermissionDenied(ACCEPT_REFUSED)
    if not rationale or not rationale.strip():
        raise ValidationError({"rationale": "Say why the residual risk is acceptable."})
    if not _acceptance_ready(risk):
        raise ValidationError(
            {
                "status": f"A risk that is {risk.get_status_display().lower()} cannot be accepted; "
                "treat it (or plan to accept it) first."
            }
        )
    if risk.inherent_score is None:
        raise ValidationError({"inherent_impact": "Assess the inherent risk first."})
    if risk.residual_level == "":
        if risk.treatment != Treatment.ACCEPT:
            raise ValidationError(
                {"residual_impact": "Assess the residual risk first."}
            )
        risk.residual_likelihood, risk.residual_impact = (
            risk.inherent_likelihood,
            risk.inherent_impact,
        )
        _scores(risk)
    criteria = risk.criteria
    above = criteria.above_appetite(risk.residual_level)
    if above and not committee:
        raise PermissionDenied(
            f"The residual level {risk.get_residual_level_display().lower()} is above "
            f"the risk appetite ({criteria.get_appetite_display().lower()}): only the "
            "governance committee may accept it; request its acceptance instead."
        )
    revisit_on = (
        revisit_on or risk.acceptance_requested_revisit_on or _default_revisit(risk)
    )
    _check_revisit(revisit_on)
    warnings, note = _confirmed(risk, RiskStatus.ACCEPTED, confirm_note)
    with attributed_to(actor), change_scope():
        requested_by = risk.acceptance_requested_by
        _clear_request(risk)
        risk.acceptance_rejected_at, risk.acceptance_rejection_comment = None, ""
        risk.status = RiskStatus.ACCEPTED
        risk.accepted_by = actor
        risk.accepted_at = timezone.now()
        risk.acceptance_rationale = rationale.strip()
        risk.acceptance_revisit_on = revisit_on
        risk.next_review_date = revisit_on
        object_save(instance=risk, actor=actor)
        record_event(
            risk,
            "risk.accepted",
            f"Residual risk accepted at level {risk.get_residual_level_display()} "
            f"(appetite: {criteria.get_appetite_display()}, criteria v{criteria.number})"
            f"{' by the governance committee' if above else ''}"
            f"{f' on the request of {requested_by}' if requested_by else ''}, "
            f"until {revisit_on.isoformat()}: {risk.acceptance_rationale}"
            + _confirmation_text(warnings, note),
            ({"warnings": warnings, "confirm_note": note} if warnings else {})
            | {
                "residual_level": risk.residual_level,
                "residual_score": risk.residual_score,
                "appetite": criteria.appetite,
                "above_appetite": above,
                "rationale": risk.acceptance_rationale,
                "revisit_on": revisit_on.isoformat(),
            },
        )
    return risk


def risk_review(*, risk: Risk, actor, note: str = "") -> Risk:
    """Record that the owner reviewed the risk (ISO/IEC 42001 8.2: assess at planned
    intervals); the next review moves one review period ahead of today."""
    if not can(actor, "change", risk):
        raise ValidationError(
            {"note": "Only the risk owner or an AIMS manager may record a review."}
        )
    with attributed_to(actor), change_scope():
        risk.next_review_date = timezone.localdate() + relativedelta(
            months=risk.review_frequency
        )
        object_save(instance=risk, actor=actor)
        record_event(
            risk,
            "risk.reviewed",
            f"Risk reviewed; next review {risk.next_review_date.isoformat()}"
            + (f": {note.strip()}" if note.strip() else "."),
            {
                "next_review_date": risk.next_review_date.isoformat(),
                "note": note.strip(),
            },
        )
    return risk


def treatment_action_save(
    *, action: TreatmentAction, actor, expected_version: int | None = None
) -> TreatmentAction:
    """Add or change a step of a risk's treatment plan; needs the right to change the risk."""
    if actor is not None and not can(actor, "change", action.risk):
        raise ValidationError(
            {"risk": "You may not change this risk's treatment plan."}
        )
    if action.status == "done" and action.completed_on is None:
        action.completed_on = timezone.localdate()
    return object_save(instance=action, actor=actor, expected_version=expected_version)
