"""Writes of the impact app: templates, assessments and their impacts, the EU AI Act
classification and its obligations, FRIAs. Every write is validated, versioned and
change-logged (``aims.services.object_save``); decisions are named events."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from aims.context import attributed_to
from aims.history import change_scope, record_event
from aims.models import ReferenceCounter
from aims.permissions import can, grant, move_ownership
from aims.services import object_delete, object_save

from . import rules
from .choices import AssessmentStatus, FRIAStatus, ImpactLevel, ObligationStatus
from .classification import classify, obligation_title
from .models import (
    FRIA,
    REFERENCE_PREFIX,
    AssessmentTemplate,
    Classification,
    Impact,
    ImpactAssessment,
    Obligation,
)
from .reference import fria_elements

__all__ = [
    "FrozenAssessment",
    "answers_save",
    "assessment_approve",
    "assessment_return",
    "assessment_revise",
    "assessment_save",
    "assessment_start",
    "assessment_submit",
    "classification_override",
    "classification_record",
    "fria_prefill",
    "fria_save",
    "impact_create_risk",
    "impact_delete",
    "impact_save",
    "mark_review_needed",
    "obligation_save",
    "template_current",
    "template_publish",
    "visible_answers",
]

# The register's field the classification decides (locked in registry.locks).
TIER_FIELD = "eu_risk_tier"

QUESTION_TYPES = (
    "text",
    "single_choice",
    "multiple_choice",
    "yes_no",
    "scale",
    "date",
    "list",
)


class FrozenAssessment(PermissionDenied):
    """An approved (or superseded) assessment is kept as approved: start a revision."""


# Templates


def template_current() -> AssessmentTemplate:
    """The template new assessments use; the packaged one on a new portal."""
    current = AssessmentTemplate.objects.filter(is_current=True).first()
    if current is None:
        data = rules.template_data()
        current = template_publish(
            actor=None,
            title=data["title"],
            sections=data["sections"],
            retention_years=data["retention_years"],
            review_interval_months=data["review_interval_months"],
            change_note=data["change_note"],
        )
    return current


def validate_sections(sections) -> None:
    """The template's structure: sections with questions of known types, unique ids,
    choices where needed, follow-ups that name an earlier yes/no or choice question."""
    if not isinstance(sections, list) or not sections:
        raise ValidationError({"sections": "Give at least one section."})
    seen: dict[str, dict] = {}
    problems = []
    for index, section in enumerate(sections, start=1):
        if not isinstance(section, dict) or not str(section.get("title", "")).strip():
            problems.append(f"Section {index} needs a title.")
            continue
        for question in section.get("questions") or []:
            qid = str(question.get("id", ""))
            if not qid or qid in seen:
                problems.append(
                    f"Question ids must be unique and not empty ({qid or '?'})."
                )
                continue
            if question.get("type") not in QUESTION_TYPES:
                problems.append(
                    f"{qid}: type must be one of {', '.join(QUESTION_TYPES)}."
                )
            if not str(question.get("label", "")).strip():
                problems.append(f"{qid}: give the question's text (label).")
            if question.get("type") in (
                "single_choice",
                "multiple_choice",
            ) and not question.get("choices"):
                problems.append(f"{qid}: a choice question needs choices.")
            condition = question.get("show_when")
            if condition and condition.get("question") not in seen:
                problems.append(f"{qid}: show_when must name an earlier question.")
            seen[qid] = question
    if problems:
        raise ValidationError({"sections": problems})


def template_publish(
    *,
    actor,
    title,
    sections,
    retention_years=10,
    review_interval_months=12,
    change_note="",
) -> AssessmentTemplate:
    """Publish a new template version; assessments on older versions keep theirs."""
    validate_sections(sections)
    with attributed_to(actor), change_scope():
        previous = (
            AssessmentTemplate.objects.select_for_update()
            .filter(is_current=True)
            .first()
        )
        number = (
            AssessmentTemplate.objects.order_by("-number")
            .values_list("number", flat=True)
            .first()
            or 0
        ) + 1
        if previous is not None:
            previous.is_current = False
            previous.status = "retired"
            object_save(instance=previous, actor=actor)
        template = AssessmentTemplate(
            number=number,
            title=title,
            sections=sections,
            retention_years=retention_years,
            review_interval_months=review_interval_months,
            change_note=change_note,
            is_current=True,
        )
        object_save(instance=template, actor=actor)
        record_event(
            template,
            "impacttemplate.published",
            f"Impact assessment template version {number} published"
            + (f", replacing version {previous.number}" if previous else "")
            + (f": {change_note}" if change_note else "."),
        )
    return template


# Answers


def _shown(question: dict, answers: dict) -> bool:
    condition = question.get("show_when")
    if not condition:
        return True
    value = answers.get(condition["question"])
    if isinstance(value, list):
        return condition["equals"] in value
    return value == condition["equals"]


def visible_answers(template: AssessmentTemplate, answers: dict):
    """(section, [(question, answer)]) for the questions the answers make relevant."""
    for section in template.sections:
        rows = [
            (question, answers.get(question["id"]))
            for question in section.get("questions", [])
            if _shown(question, answers)
        ]
        yield section, rows


def _clean_answer(question: dict, value):
    """The stored form of one answer, or ValueError with the message for the person."""
    kind = question["type"]
    if value in (None, "", []):
        return None
    if kind == "text":
        if not isinstance(value, str):
            raise ValueError("Give text.")
        return value.strip() or None
    if kind == "yes_no":
        if value not in ("yes", "no"):
            raise ValueError('Answer "yes" or "no".')
        return value
    if kind == "single_choice":
        allowed = [c[0] for c in question["choices"]]
        if value not in allowed:
            raise ValueError("Choose one of: " + ", ".join(allowed))
        return value
    if kind == "multiple_choice":
        allowed = [c[0] for c in question["choices"]]
        if not isinstance(value, list) or any(v not in allowed for v in value):
            raise ValueError("Choose from: " + ", ".join(allowed))
        return list(value) or None
    if kind == "scale":
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError("Give a whole number.") from None
        low, high = question.get("min", 1), question.get("max", 5)
        if not low <= number <= high:
            raise ValueError(f"Choose from {low} to {high}.")
        return number
    if kind == "date":
        try:
            return datetime.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError("Give a date as YYYY-MM-DD.") from None
    if kind == "list":
        items = value.splitlines() if isinstance(value, str) else value
        if not isinstance(items, list) or any(not isinstance(i, str) for i in items):
            raise ValueError("Give a list of names.")
        return [i.strip() for i in items if i.strip()] or None
    raise ValueError("Unknown question type.")


def clean_answers(
    template: AssessmentTemplate, answers: dict, *, complete: bool
) -> dict:
    """Validated answers (hidden follow-ups dropped); errors keyed by question id."""
    if not isinstance(answers, dict):
        raise ValidationError(
            {"answers": "Send the answers as an object keyed by question id."}
        )
    questions = template.question_map()
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise ValidationError(
            {"answers": "Unknown question ids: " + ", ".join(unknown)}
        )
    cleaned, errors = {}, {}
    for qid, question in questions.items():
        try:
            value = _clean_answer(question, answers.get(qid))
        except ValueError as exc:
            errors[qid] = str(exc)
            continue
        if value is not None:
            cleaned[qid] = value
    # Drop follow-ups whose condition does not hold, then check what is required.
    cleaned = {qid: v for qid, v in cleaned.items() if _shown(questions[qid], cleaned)}
    if complete:
        for qid, question in questions.items():
            if (
                question.get("required")
                and _shown(question, cleaned)
                and qid not in cleaned
                and qid not in errors
            ):
                errors[qid] = "This question needs an answer before submitting."
    if errors:
        raise ValidationError(errors)
    return cleaned


# Assessments


def _refuse_frozen(assessment: ImpactAssessment) -> None:
    if assessment.frozen:
        raise FrozenAssessment(
            f"{assessment} is {assessment.get_status_display().lower()} and kept as it "
            "was approved: start a revision to change it."
        )


def _prefill(template: AssessmentTemplate, system) -> dict:
    answers = {}
    for _, question in template.questions():
        field = question.get("prefill")
        if not field:
            continue
        value = getattr(system, field, "")
        if question["type"] == "list":
            value = [
                line.strip()
                for line in str(value).replace(",", "\n").splitlines()
                if line.strip()
            ]
        if value:
            answers[question["id"]] = value
    return answers


def _reviewer_rights(
    assessment: ImpactAssessment, previous_owner=None, previous_assessor=None
):
    move_ownership(assessment, previous_owner, assessment.owner)
    if previous_assessor != assessment.assessor:
        from aims.permissions import revoke

        if previous_assessor is not None and previous_assessor != assessment.owner:
            revoke(previous_assessor, assessment)
        if assessment.assessor is not None:
            grant(assessment.assessor, assessment)


def assessment_start(
    *, system, actor, assessor=None, trigger="initial"
) -> ImpactAssessment:
    """Start the first impact assessment of a system (from its page).

    The system's owner (or an AIMS manager) starts it; the owner of the system owns the
    assessment, and an assessor the manager names may fill it too.
    """
    if not (can(actor, "change", system) and can(actor, "add", ImpactAssessment)):
        raise PermissionDenied(
            "Only the system's owner or an AIMS manager may start its impact assessment."
        )
    existing = ImpactAssessment.objects.current_for(system)
    if existing is not None:
        raise ValidationError(
            {
                "ai_system": f"{system.reference} already has {existing}: "
                + (
                    "start a revision of it."
                    if existing.frozen
                    else "continue that one."
                )
            }
        )
    owner = (
        system.owner
        if system.owner_id and can(system.owner, "own", ImpactAssessment)
        else actor
    )
    template = template_current()
    with attributed_to(actor), change_scope():
        assessment = ImpactAssessment(
            reference=ReferenceCounter.next_reference(REFERENCE_PREFIX),
            ai_system=system,
            template=template,
            owner=owner,
            assessor=assessor,
            trigger=trigger,
            answers=_prefill(template, system),
        )
        object_save(instance=assessment, actor=actor)
        _reviewer_rights(assessment)
        record_event(
            assessment,
            "impactassessment.started",
            f"Impact assessment of {system.reference} started on template version {template.number}.",
        )
    return assessment


def assessment_save(
    *, assessment: ImpactAssessment, actor, expected_version=None
) -> ImpactAssessment:
    """Change who owns or assesses, the trigger and the next review date (a draft's
    header fields); approved assessments are frozen."""
    with attributed_to(actor), change_scope():
        stored = (
            ImpactAssessment.objects.filter(pk=assessment.pk)
            .select_related("owner", "assessor")
            .first()
        )
        if stored is None:
            raise ObjectDoesNotExist("This impact assessment was deleted meanwhile.")
        _refuse_frozen(stored)
        if assessment.owner_id != stored.owner_id and not can(
            assessment.owner, "own", ImpactAssessment
        ):
            raise ValidationError(
                {
                    "owner": f"{assessment.owner} has no role that may own impact assessments."
                }
            )
        object_save(instance=assessment, actor=actor, expected_version=expected_version)
        _reviewer_rights(assessment, stored.owner, stored.assessor)
    return assessment


def answers_save(
    *, assessment: ImpactAssessment, actor, answers: dict, expected_version=None
) -> ImpactAssessment:
    """Save the questionnaire of a draft (incomplete answers are fine until submitting)."""
    _refuse_frozen(assessment)
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(
            {
                "status": "An assessment in review is not edited; return it to draft first."
            }
        )
    assessment.answers = clean_answers(assessment.template, answers, complete=False)
    return object_save(
        instance=assessment, actor=actor, expected_version=expected_version
    )


def _authors(assessment: ImpactAssessment) -> set:
    return {
        pk
        for pk in (
            assessment.created_by_id,
            assessment.submitted_by_id,
            assessment.owner_id,
            assessment.assessor_id,
        )
        if pk is not None
    }


def assessment_submit(*, assessment: ImpactAssessment, actor) -> ImpactAssessment:
    """Draft to in review: every required (and relevant) answer, at least one impact."""
    _refuse_frozen(assessment)
    if not can(actor, "change", assessment):
        raise PermissionDenied("Only the assessment's owner or assessor may submit it.")
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError({"status": "Only a draft can be submitted."})
    cleaned = clean_answers(assessment.template, assessment.answers, complete=True)
    if not assessment.impacts.exists():
        raise ValidationError(
            {
                "impacts": "Record at least one impact (benefit or harm) before submitting."
            }
        )
    with attributed_to(actor), change_scope():
        assessment.answers = cleaned
        assessment.status = AssessmentStatus.IN_REVIEW
        assessment.submitted_by = actor
        assessment.submitted_at = timezone.now()
        object_save(instance=assessment, actor=actor)
        record_event(
            assessment,
            "impactassessment.submitted",
            f"Submitted for approval by {actor}.",
        )
    return assessment


def assessment_return(
    *, assessment: ImpactAssessment, actor, note: str
) -> ImpactAssessment:
    """In review back to draft, with the reviewer's reasons."""
    if not can(actor, "approve", ImpactAssessment):
        raise PermissionDenied(
            "Only the committee or a designated approver may return an assessment."
        )
    if assessment.status != AssessmentStatus.IN_REVIEW:
        raise ValidationError(
            {"status": "Only an assessment in review can be returned."}
        )
    if not note.strip():
        raise ValidationError({"note": "Say what needs to change."})
    with attributed_to(actor), change_scope():
        assessment.status = AssessmentStatus.DRAFT
        object_save(instance=assessment, actor=actor)
        record_event(
            assessment,
            "impactassessment.returned",
            f"Returned to draft by {actor}: {note.strip()}",
            {"note": note.strip()},
        )
    return assessment


def open_high_impacts(assessment: ImpactAssessment) -> list[Impact]:
    """High (or worse) harms with neither a measure nor a linked risk: they block approval."""
    blocking = set(rules.impact_levels()["needs_measure_or_risk"])
    return [
        impact
        for impact in assessment.impacts.all()
        if not impact.is_benefit
        and impact.level in blocking
        and not impact.has_measure
        and impact.risk_id is None
    ]


def assessment_approve(
    *, assessment: ImpactAssessment, actor, note: str = ""
) -> ImpactAssessment:
    """Approve (four eyes: never by its owner, assessor, creator or submitter). The
    previous approved revision is superseded; the retention and next review dates are set."""
    if not can(actor, "approve", ImpactAssessment):
        raise PermissionDenied(
            "Only the governance committee or a designated approver may approve."
        )
    if actor.pk in _authors(assessment):
        raise ValidationError(
            {"approval": "Four eyes: the author of an assessment cannot approve it."}
        )
    if assessment.status != AssessmentStatus.IN_REVIEW:
        raise ValidationError(
            {"status": "Only a submitted assessment (in review) can be approved."}
        )
    blocking = open_high_impacts(assessment)
    if blocking:
        raise ValidationError(
            {
                "impacts": "High impacts need a measure or a linked risk first: "
                + ", ".join(str(i) for i in blocking)
            }
        )
    today = timezone.localdate()
    template = assessment.template
    with attributed_to(actor), change_scope():
        for older in ImpactAssessment.objects.filter(
            ai_system=assessment.ai_system, status=AssessmentStatus.APPROVED
        ).exclude(pk=assessment.pk):
            older.status = AssessmentStatus.SUPERSEDED
            object_save(instance=older, actor=actor)
            record_event(
                older, "impactassessment.superseded", f"Superseded by {assessment}."
            )
        assessment.status = AssessmentStatus.APPROVED
        assessment.approved_by = actor
        assessment.approved_at = timezone.now()
        assessment.approval_note = note.strip()
        assessment.retention_until = today + relativedelta(
            years=template.retention_years
        )
        if assessment.next_review_date is None or assessment.next_review_date <= today:
            assessment.next_review_date = today + relativedelta(
                months=template.review_interval_months
            )
        assessment.review_needed = False
        assessment.review_reason = ""
        object_save(instance=assessment, actor=actor)
        record_event(
            assessment,
            "impactassessment.approved",
            f"Approved by {actor}; kept until {assessment.retention_until}, next review "
            f"{assessment.next_review_date}"
            + (f": {note.strip()}" if note.strip() else "."),
            {
                "retention_until": assessment.retention_until.isoformat(),
                "next_review_date": assessment.next_review_date.isoformat(),
                "highest_level": assessment.highest_level,
            },
        )
    return assessment


def assessment_revise(
    *, assessment: ImpactAssessment, actor, trigger: str = "scheduled"
) -> ImpactAssessment:
    """Start a revision of the approved assessment: a draft copy of its answers and
    impacts on the current template. The approved one stays as approved until the
    revision is approved."""
    if not can(actor, "change", assessment.ai_system) and not can(
        actor, "change", assessment
    ):
        raise PermissionDenied(
            "Only the system's owner or an AIMS manager may start a revision."
        )
    if assessment.status != AssessmentStatus.APPROVED:
        raise ValidationError(
            {"status": "Start a revision from the approved assessment."}
        )
    newest = ImpactAssessment.objects.current_for(assessment.ai_system)
    if newest.pk != assessment.pk:
        raise ValidationError({"status": f"{newest} is already the newer revision."})
    template = template_current()
    known = template.question_map()
    with attributed_to(actor), change_scope():
        revision = ImpactAssessment(
            reference=assessment.reference,
            ai_system=assessment.ai_system,
            template=template,
            revision=assessment.revision + 1,
            previous=assessment,
            owner=assessment.owner,
            assessor=assessment.assessor,
            trigger="change" if assessment.review_needed else trigger,
            answers={k: v for k, v in assessment.answers.items() if k in known},
            next_review_date=assessment.next_review_date,
            highest_level=assessment.highest_level,
        )
        object_save(instance=revision, actor=actor)
        for impact in assessment.impacts.all():
            impact.pk = None
            impact._state.adding = True
            impact.assessment = revision
            impact.version = 1
            object_save(instance=impact, actor=actor)
        _reviewer_rights(revision)
        record_event(
            revision,
            "impactassessment.revision_started",
            f"Revision {revision.revision} started from {assessment}"
            + (
                f" (review needed: {assessment.review_reason})"
                if assessment.review_needed
                else "."
            ),
        )
    return revision


# Impacts


def _refresh_highest(assessment: ImpactAssessment, actor) -> None:
    levels = [i.level for i in assessment.impacts.all() if not i.is_benefit]
    highest = max(levels, key=ImpactLevel.rank) if levels else ""
    if highest != assessment.highest_level:
        assessment.highest_level = highest
        object_save(instance=assessment, actor=actor)


def impact_save(*, impact: Impact, actor, expected_version=None) -> Impact:
    """Record or change an impact of a draft assessment; its level follows the data rule."""
    assessment = impact.assessment
    _refuse_frozen(assessment)
    if actor is not None and not can(actor, "change", assessment):
        raise PermissionDenied("You may not change this assessment.")
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(
            {"assessment": "Impacts change only while the assessment is a draft."}
        )
    with attributed_to(actor), change_scope():
        try:
            impact.level = rules.level_for(
                impact.severity, impact.likelihood, impact.reversibility, impact.scale
            )
        except (KeyError, TypeError):
            impact.level = ""  # full_clean names the rating that is missing
        object_save(instance=impact, actor=actor, expected_version=expected_version)
        _refresh_highest(assessment, actor)
    return impact


def impact_delete(*, impact: Impact, actor) -> None:
    assessment = impact.assessment
    _refuse_frozen(assessment)
    if (
        not can(actor, "change", assessment)
        or assessment.status != AssessmentStatus.DRAFT
    ):
        raise PermissionDenied("Impacts are removed only from a draft you may change.")
    with attributed_to(actor), change_scope():
        object_delete(instance=impact, actor=actor)
        _refresh_highest(assessment, actor)


def _scaled(value: int, top: int, maximum: int) -> int:
    """A rating on 1..top mapped onto 1..maximum, keeping its relative position."""
    return max(1, min(maximum, round(value * maximum / top)))


def may_create_risk(user, impact: Impact) -> bool:
    """Who may turn a harm into a risk (ISO/IEC 42001 6.1.4 feeding 6.1.2): whoever may
    add risks to the register, and the owner of the assessed AI system (or an AIMS
    manager), who holds the change right on it. The page's button and the API agree
    because both ask this; an owner of another system never sees the assessment."""
    from risk.models import Risk

    if not can(user, "view", impact.assessment):
        return False
    return can(user, "add", Risk) or can(user, "change", impact.assessment.ai_system)


def _risk_owner(impact: Impact, actor):
    """The new risk's owner: the assessment's owner, else the system's owner, else the
    actor, whoever first may own risks."""
    from risk.models import Risk

    for person in (impact.assessment.owner, impact.assessment.ai_system.owner, actor):
        if person is not None and can(person, "own", Risk):
            return person
    raise ValidationError(
        {
            "risk": "Nobody here may own a risk; ask an AIMS manager to name a risk owner."
        }
    )


def impact_create_risk(*, impact: Impact, actor):
    """Create a risk in the register from a harm (through the risk service) and link both."""
    from risk.models import Risk, RiskSource
    from risk.services import criteria_current, risk_save

    if impact.is_benefit:
        raise ValidationError({"risk": "A benefit is not a risk."})
    if impact.risk_id is not None:
        raise ValidationError(
            {"risk": f"This impact is already linked to {impact.risk}."}
        )
    if not may_create_risk(actor, impact):
        raise PermissionDenied(
            "Only the system's owner or someone who may add risks can create a risk "
            "from this impact."
        )
    levels = rules.impact_levels()
    source_code = next(
        k["risk_source"] for k in levels["harm_kinds"] if k["value"] == impact.harm_kind
    )
    criteria = criteria_current()
    top_severity = max(o["value"] for o in levels["severity"])
    top_likelihood = max(o["value"] for o in levels["likelihood"])
    owner = _risk_owner(impact, actor)
    parties = {
        "individual": ["individuals"],
        "group": ["groups"],
        "society": ["society"],
    }[impact.scale]
    with attributed_to(actor), change_scope():
        risk = risk_save(
            risk=Risk(
                ai_system=impact.assessment.ai_system,
                title=impact.title[:200],
                description=(
                    f"From impact assessment {impact.assessment}: {impact.description}".strip()
                ),
                risk_source=RiskSource.objects.get(code=source_code),
                consequence=f"{impact.harm_kind_label()} for {impact.affected_group}.",
                affected_parties=parties,
                owner=owner,
                inherent_likelihood=_scaled(
                    impact.likelihood, top_likelihood, criteria.max_likelihood
                ),
                inherent_impact=_scaled(
                    impact.severity, top_severity, criteria.max_impact
                ),
            ),
            actor=actor,
        )
        impact.risk = risk
        # The link is recorded even on an approved assessment: it adds, it changes no answer.
        object_save(instance=impact, actor=actor)
        record_event(
            impact,
            "impact.risk_created",
            f"Risk {risk.reference} created from this impact.",
        )
    return risk


# Review needed (8.4)


def mark_review_needed(*, system, reason: str, entry=None, actor=None) -> list:
    """Flag the approved assessment and the current classification of ``system``."""
    flagged = []
    seq = entry.seq if entry is not None else None
    today = timezone.localdate()
    targets = list(
        ImpactAssessment.objects.filter(
            ai_system=system, status=AssessmentStatus.APPROVED, review_needed=False
        )
    ) + list(
        Classification.objects.filter(
            ai_system=system, is_current=True, review_needed=False
        )
    )
    for record in targets:
        record.review_needed = True
        record.review_reason = reason
        record.review_flagged_on = today
        record.review_change_seq = seq
        object_save(instance=record, actor=actor)
        record_event(
            record,
            "impact.review_needed",
            f"Review needed: {reason}" + (f" (change-log entry #{seq})" if seq else ""),
            {"reason": reason, "change_seq": seq},
        )
        flagged.append(record)
    return flagged


# EU AI Act classification


def _sync_obligations(system, ids: list[str], actor) -> None:
    existing = {o.obligation_id: o for o in Obligation.objects.filter(ai_system=system)}
    for obligation_id in ids:
        obligation = existing.get(obligation_id)
        if obligation is None:
            object_save(
                instance=Obligation(
                    ai_system=system,
                    obligation_id=obligation_id,
                    title=obligation_title(obligation_id)[:300],
                    owner=system.owner,
                ),
                actor=actor,
            )
        elif not obligation.applies:
            obligation.applies = True
            if obligation.status == ObligationStatus.NO_LONGER_APPLIES:
                obligation.status = ObligationStatus.OPEN
            object_save(instance=obligation, actor=actor)
    for obligation_id, obligation in existing.items():
        if obligation_id not in ids and obligation.applies:
            obligation.applies = False
            obligation.status = ObligationStatus.NO_LONGER_APPLIES
            object_save(instance=obligation, actor=actor)


def _new_classification(system, actor, **values) -> Classification:
    from registry import locks
    from registry.services import ai_system_save

    previous = (
        Classification.objects.select_for_update()
        .filter(ai_system=system, is_current=True)
        .first()
    )
    number = (
        Classification.objects.filter(ai_system=system)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    ) + 1
    if previous is not None:
        previous.is_current = False
        object_save(instance=previous, actor=actor)
    classification = Classification(
        ai_system=system, number=number, is_current=True, **values
    )
    object_save(instance=classification, actor=actor)
    _sync_obligations(system, classification.obligation_ids, actor)
    if system.eu_risk_tier != classification.tier:
        system.refresh_from_db()
        system.eu_risk_tier = classification.tier
        # The register locks the tier (registry.locks); the classification sets it.
        with locks.setting(TIER_FIELD):
            ai_system_save(system=system, actor=actor)
    return classification


def classification_record(
    *, system, actor, answers: dict, operator_role: str, notes: str = ""
) -> Classification:
    """Classify ``system`` from the answers and keep the result as its current classification;
    the system's risk tier and its obligations follow."""
    if not can(actor, "change", system):
        raise PermissionDenied(
            "Only the system's owner or an AIMS manager may classify it."
        )
    result = classify(answers, operator_role)
    with transaction.atomic(), attributed_to(actor), change_scope():
        classification = _new_classification(
            system,
            actor,
            operator_role=operator_role,
            answers=answers,
            tier=result.tier,
            in_scope=result.in_scope,
            basis=result.basis,
            reasoning=result.reasoning,
            notes=notes.strip(),
            fria_required=result.fria_required,
            obligation_ids=result.obligations,
        )
        record_event(
            classification,
            "classification.recorded",
            f"{system.reference} classified as {classification.get_tier_display()}"
            + (f" ({', '.join(result.basis)})" if result.basis else "")
            + ".",
            {
                "tier": result.tier,
                "basis": result.basis,
                "fria_required": result.fria_required,
            },
        )
    return classification


def classification_override(
    *, system, actor, tier: str, justification: str
) -> Classification:
    """Set the tier by hand, with a justification: its own named event."""
    from registry.choices import EURiskTier

    if not can(actor, "change", system):
        raise PermissionDenied(
            "Only the system's owner or an AIMS manager may classify it."
        )
    if tier not in EURiskTier.values or tier == EURiskTier.UNCLASSIFIED:
        raise ValidationError({"tier": "Choose a tier."})
    if not justification.strip():
        raise ValidationError({"justification": "A manual tier needs a justification."})
    current = Classification.objects.filter(ai_system=system, is_current=True).first()
    with transaction.atomic(), attributed_to(actor), change_scope():
        classification = _new_classification(
            system,
            actor,
            operator_role=current.operator_role
            if current
            else (system.eu_operator_role or "deployer"),
            answers=current.answers if current else {},
            tier=tier,
            basis=current.basis if current else [],
            reasoning=[f"Tier set by hand by {actor}: {justification.strip()}"],
            fria_required=current.fria_required if current else False,
            obligation_ids=current.obligation_ids if current else [],
            overridden=True,
            override_justification=justification.strip(),
        )
        record_event(
            classification,
            "classification.overridden",
            f"Tier of {system.reference} set by hand to {classification.get_tier_display()}: {justification.strip()}",
            {"tier": tier, "justification": justification.strip()},
        )
    return classification


def obligation_save(
    *, obligation: Obligation, actor, m2m=None, expected_version=None
) -> Obligation:
    if not can(actor, "change", obligation):
        raise PermissionDenied(
            "Only the system's owner or an AIMS manager may update its obligations."
        )
    return object_save(
        instance=obligation, actor=actor, m2m=m2m, expected_version=expected_version
    )


# FRIA (Art. 27)


def fria_prefill(system) -> tuple[dict, ImpactAssessment | None]:
    """FRIA elements prefilled from the system's newest impact assessment, where they overlap."""
    from .rules import classification_rules

    assessment = ImpactAssessment.objects.current_for(system)
    if assessment is None:
        return {}, None
    reuse = classification_rules()["fria_reuse"]
    elements = {}
    for element in fria_elements():
        parts = []
        for qid in reuse.get(element["id"], []):
            if qid == "impacts":
                parts += [
                    f"- {i.title} ({i.affected_group}, {i.get_level_display()})"
                    for i in assessment.impacts.all()
                    if not i.is_benefit
                ]
                continue
            value = assessment.answers.get(qid)
            if isinstance(value, list):
                value = ", ".join(value)
            if value:
                parts.append(str(value))
        if parts:
            elements[element["id"]] = "\n".join(parts)
    return elements, assessment


def fria_save(*, fria: FRIA, actor, expected_version=None) -> FRIA:
    """Save the FRIA; complete when every Art. 27(1) element is answered, notified once
    the notification to the market surveillance authority is recorded (Art. 27(3))."""
    if not can(actor, "change", fria.ai_system):
        raise PermissionDenied(
            "Only the system's owner or an AIMS manager may edit its FRIA."
        )
    ids = [e["id"] for e in fria_elements()]
    if not isinstance(fria.elements, dict) or set(fria.elements) - set(ids):
        raise ValidationError({"elements": "Elements are keyed by " + ", ".join(ids)})
    fria.elements = {
        k: str(v).strip() for k, v in fria.elements.items() if str(v).strip()
    }
    complete = all(fria.elements.get(i) for i in ids)
    if fria.notified_on and not complete:
        raise ValidationError(
            {"notified_on": "Complete every element before recording the notification."}
        )
    was_notified = (
        fria.pk is not None
        and FRIA.objects.filter(pk=fria.pk, notified_on__isnull=False).exists()
    )
    fria.status = (
        FRIAStatus.NOTIFIED
        if fria.notified_on
        else (FRIAStatus.COMPLETED if complete else FRIAStatus.DRAFT)
    )
    with attributed_to(actor), change_scope():
        object_save(instance=fria, actor=actor, expected_version=expected_version)
        if fria.notified_on and not was_notified:
            record_event(
                fria,
                "fria.notified",
                f"Notification to {fria.authority} on {fria.notified_on} recorded (Art. 27(3)).",
                {
                    "authority": fria.authority,
                    "notified_on": fria.notified_on.isoformat(),
                },
            )
    return fria
