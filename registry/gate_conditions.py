"""The register's own release-gate conditions (A.6.2.4, A.6.2.2, A.6.2.6, A.7.2).

Each says exactly what is missing; other apps add theirs through ``registry.gates``."""

from .choices import Comparator, LifecycleRecordKind
from .gates import GateCondition, register

REQUIRED_APPROVED = (
    LifecycleRecordKind.REQUIREMENTS,
    LifecycleRecordKind.VV_PLAN,
    LifecycleRecordKind.MONITORING_PLAN,
)


def _number(value) -> str:
    return f"{value.normalize():f}"


def acceptance_problems(system, release=None) -> list[str]:
    criteria = list(system.acceptance_criteria.all())
    if not criteria:
        return [
            "No acceptance criteria are defined for verification and validation (A.6.2.4)."
        ]
    problems = []
    for criterion in criteria:
        if criterion.met is None:
            problems.append(f"“{criterion}” has no measured result yet.")
            continue
        if not criterion.met:
            bound = (
                "at least" if criterion.comparator == Comparator.AT_LEAST else "at most"
            )
            problems.append(
                f"“{criterion}”: measured {_number(criterion.measured_value)} "
                f"({criterion.metric}), but the criterion is {bound} "
                f"{_number(criterion.threshold)}."
            )
        if criterion.evidence_id is None:
            problems.append(
                f"“{criterion}”: the result has no evidence; attach the test report."
            )
    return problems


def approval_problems(system, release=None) -> list[str]:
    approved = set(
        system.lifecycle_records.filter(approved_at__isnull=False).values_list(
            "kind", flat=True
        )
    )
    return [
        f"No approved record of the {kind.label[0].lower()}{kind.label[1:]}."
        for kind in REQUIRED_APPROVED
        if kind not in approved
    ]


def personal_data_problems(system, release=None) -> list[str]:
    from .selectors import personal_data_undeclared

    if personal_data_undeclared(system):
        return [
            "The system processes personal data, but none of its datasets declares a "
            "personal-data category (A.7.2)."
        ]
    return []


def register_conditions() -> None:
    register(
        GateCondition(
            key="registry.acceptance_criteria",
            label="Verification and validation results meet the acceptance criteria",
            check=acceptance_problems,
            order=10,
        )
    )
    register(
        GateCondition(
            key="registry.approved_records",
            label="Requirements, V&V plan and monitoring plan approved",
            check=approval_problems,
            order=20,
        )
    )
    register(
        GateCondition(
            key="registry.personal_data_declared",
            label="Personal data declared by a dataset",
            check=personal_data_problems,
            order=30,
        )
    )
