"""Reads shared by the pages, the system tab, the pack and the API."""

from aims.permissions import can

from . import reference
from .choices import AssessmentStatus
from .models import FRIA, Classification, ImpactAssessment, Obligation
from .services import visible_answers


def system_overview(user, system) -> dict:
    """What the AI system's Impact tab shows: the newest assessment, the approved one,
    the current classification, its obligations and the FRIA."""
    assessments = list(
        ImpactAssessment.objects.filter(ai_system=system)
        .select_related("owner")
        .order_by("-revision")
    )
    classification = (
        Classification.objects.filter(ai_system=system, is_current=True)
        .select_related("created_by")
        .first()
    )
    obligations = list(
        Obligation.objects.filter(ai_system=system)
        .select_related("owner")
        .prefetch_related("evidence")
        .order_by("-applies", "pk")
    )
    approved = next(
        (a for a in assessments if a.status == AssessmentStatus.APPROVED), None
    )
    return {
        "system": system,
        "assessments": assessments,
        "newest": assessments[0] if assessments else None,
        "approved": approved,
        "classification": classification,
        "obligations": obligations,
        "fria": FRIA.objects.filter(ai_system=system).first(),
        "key_dates": reference.key_dates(),
        "pending_changes": reference.pending_changes(),
        "may_change_system": can(user, "change", system),
        "may_start": not assessments
        and can(user, "change", system)
        and can(user, "add", ImpactAssessment),
        "review_needed": bool(
            (approved and approved.review_needed)
            or (classification and classification.review_needed)
        ),
    }


def compare_revisions(older: ImpactAssessment, newer: ImpactAssessment) -> dict:
    """Answers and impacts of two revisions side by side, differences marked."""
    old_sections = dict(
        (s["id"], rows) for s, rows in visible_answers(older.template, older.answers)
    )
    rows = []
    for section, new_rows in visible_answers(newer.template, newer.answers):
        old = {q["id"]: a for q, a in old_sections.get(section["id"], [])}
        for question, answer in new_rows:
            before = old.get(question["id"], older.answers.get(question["id"]))
            rows.append(
                {
                    "section": section["title"],
                    "question": question["label"],
                    "before": before,
                    "after": answer,
                    "changed": before != answer,
                }
            )
    old_impacts = {i.title: i for i in older.impacts.all()}
    new_impacts = {i.title: i for i in newer.impacts.all()}
    impact_rows = []
    for title in dict.fromkeys([*old_impacts, *new_impacts]):
        a, b = old_impacts.get(title), new_impacts.get(title)
        impact_rows.append(
            {
                "title": title,
                "before": f"{a.get_level_display()} ({a.affected_group})"
                if a
                else None,
                "after": f"{b.get_level_display()} ({b.affected_group})" if b else None,
                "changed": (a and a.serialize() | {"assessment": None})
                != (b and b.serialize() | {"assessment": None}),
            }
        )
    return {"answer_rows": rows, "impact_rows": impact_rows}
