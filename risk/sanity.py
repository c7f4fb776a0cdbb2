"""Lifecycle sanity rules the risk app knows (``aims.record_tabs.register_check``):
warnings on the Details tab of risks and AI systems. Counts only, never titles."""

from django.db.models import Count, Q

from .choices import ActionStatus, RiskStatus, Treatment

_OPEN_ACTION = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def mitigation_gap(risk, status: str) -> tuple[int, int] | None:
    """For a risk treated by "mitigate" that is (or would be) ``status`` treated or
    accepted: (actions, planned) when no action exists or all are still planned (the
    residual risk then assumes controls not in place yet); ``None`` when nothing is
    amiss. The Details tab warns about it, and moving a risk into it needs a note
    (``risk.services.lifecycle_warnings``)."""
    if risk.treatment != Treatment.MITIGATE or status not in (
        RiskStatus.TREATED,
        RiskStatus.ACCEPTED,
    ):
        return None
    counts = risk.actions.aggregate(
        total=Count("pk", filter=~Q(status=ActionStatus.CANCELLED)),
        planned=Count("pk", filter=Q(status=ActionStatus.PLANNED)),
    )
    if counts["total"] and counts["planned"] < counts["total"]:
        return None
    return counts["total"], counts["planned"]


def describe_gap(gap: tuple[int, int]) -> str:
    total, _planned = gap
    if not total:
        return "has no treatment action"
    if total == 1:
        return "its only treatment action is still planned"
    return f"all its {total} treatment actions are still planned"


def risk_checks(risk) -> list[str]:
    gap = mitigation_gap(risk, risk.status)
    if gap is None:
        return []
    status = risk.get_status_display().lower()
    if not gap[0]:
        return [
            f"The risk is {status} with the treatment “mitigate” but has no treatment "
            "action: record what mitigates it, or change the treatment."
        ]
    return [
        f"The risk is {status} while {describe_gap(gap)}: the residual risk assumes "
        "controls that are not in place yet."
    ]


def system_checks(system) -> list[str]:
    from .models import Risk, TreatmentAction

    warnings = []
    risks = Risk.objects.filter(ai_system=system)
    if system.lifecycle_stage == "deployed":
        assessed = risks.exclude(status=RiskStatus.IDENTIFIED).exists()
        if not assessed:
            warnings.append(
                "The system is deployed but none of its risks is assessed: assess its "
                "risks (ISO/IEC 42001 6.1.2, 8.2)."
            )
    elif system.lifecycle_stage == "retired":
        open_risks = risks.exclude(
            status__in=(RiskStatus.CLOSED, RiskStatus.ACCEPTED)
        ).count()
        open_actions = TreatmentAction.objects.filter(
            risk__ai_system=system, status__in=_OPEN_ACTION
        ).count()
        if open_risks or open_actions:
            warnings.append(
                f"The system is retired but has {_plural(open_risks, 'open risk')} and "
                f"{_plural(open_actions, 'open treatment action')}: close them or move "
                "them to the system that replaced it."
            )
    return warnings
