"""Builders for impact tests, through the app's services."""

from impact.models import Impact
from impact.services import (
    answers_save,
    assessment_start,
    impact_save,
    template_current,
)


def complete_answers() -> dict:
    """An answer to every required question, follow-ups included where they show."""
    answers = {}
    for _, question in template_current().questions():
        if not question.get("required"):
            continue
        kind = question["type"]
        answers[question["id"]] = {
            "text": f"Answer to {question['id']}.",
            "yes_no": "yes",
            "single_choice": question.get("choices", [[""]])[0][0],
            "multiple_choice": [question.get("choices", [[""]])[0][0]],
            "scale": 3,
            "date": "2026-11-01",
            "list": ["Job applicants"],
        }[kind]
    return answers


def make_impact(assessment, actor, **fields) -> Impact:
    values = {
        "title": "Qualified applicants filtered out",
        "affected_group": "Job applicants",
        "harm_kind": "fundamental_right",
        "charter_right": "21",
        "severity": 3,
        "likelihood": 2,
        "reversibility": "hard_to_reverse",
        "scale": "group",
        "existing_measures": "Recruiters review every rejection.",
    }
    values.update(fields)
    return impact_save(impact=Impact(assessment=assessment, **values), actor=actor)


def submitted_assessment(system, owner):
    assessment = assessment_start(system=system, actor=owner)
    answers_save(assessment=assessment, actor=owner, answers=complete_answers())
    make_impact(assessment, owner)
    from impact.services import assessment_submit

    return assessment_submit(assessment=assessment, actor=owner)
