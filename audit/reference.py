"""What the audit app reads from the reference file and its own data: finding grades,
the requirements an audit can cover, and the checklist questions."""

import json
from functools import cache
from pathlib import Path

from aims.readiness import Requirement, requirements

__all__ = [
    "clause_requirements",
    "control_requirements",
    "covers",
    "finding_grade",
    "finding_grade_choices",
    "finding_grades",
    "nonconformity_grade_choices",
    "question_for",
    "requirement_title",
]

QUESTIONS_FILE = Path(__file__).parent / "data" / "checklist_questions.json"


def finding_grades() -> list[dict]:
    """``iso42001_audit_finding_types.finding_grades`` of the reference file."""
    from aims.reference import reference_data

    return reference_data()["iso42001_audit_finding_types"]["finding_grades"]


def finding_grade_choices() -> list[tuple[str, str]]:
    return [(grade["id"], grade["title"]) for grade in finding_grades()]


def nonconformity_grade_choices() -> list[tuple[str, str]]:
    """The grades that make a finding a nonconformity (major and minor)."""
    from .choices import NONCONFORMITY_GRADES

    return [c for c in finding_grade_choices() if c[0] in NONCONFORMITY_GRADES]


def finding_grade(grade_id: str) -> dict | None:
    return next((g for g in finding_grades() if g["id"] == grade_id), None)


def clause_requirements() -> list[Requirement]:
    """The leaf requirements of clauses 4 to 10."""
    return [r for r in requirements() if r.kind == "clause"]


def control_requirements() -> list[Requirement]:
    return [r for r in requirements() if r.kind == "annex_a"]


@cache
def _titles() -> dict[str, str]:
    from aims.reference import reference_data

    data = reference_data()
    titles = {c["id"]: c["title"] for c in data["iso42001_clauses"]}
    titles.update({c["id"]: c["title"] for c in data["iso42001_annex_a"]["controls"]})
    titles.update({d["id"]: d["title"] for d in data["iso42001_annex_a"]["domains"]})
    titles.update(
        {
            s["id"]: s["title"]
            for s in data["iso42001_annex_a"].get("sub_objectives", [])
        }
    )
    return titles


def requirement_title(requirement_id: str) -> str:
    return _titles().get(requirement_id, "")


def known_requirement(requirement_id: str) -> bool:
    """A clause (any level), an Annex A domain or control of the reference file."""
    return requirement_id in _titles()


def covers(scope_ids, requirement_id: str) -> bool:
    """A scope entry covers itself and what lies beneath it ("9.2" covers "9.2.2",
    "A.6" covers "A.6.2.4")."""
    return any(
        requirement_id == s or requirement_id.startswith(s + ".") for s in scope_ids
    )


@cache
def _questions() -> dict:
    return json.loads(QUESTIONS_FILE.read_text(encoding="utf-8"))


def question_for(requirement: Requirement) -> str:
    data = _questions()
    if requirement.kind == "clause":
        return data["clauses"].get(
            requirement.id,
            f"What shows that the organisation meets {requirement.id} "
            f"'{requirement.title}'?",
        )
    return data["control"].format(id=requirement.id, title=requirement.title)
