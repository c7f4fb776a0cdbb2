"""What the risk register tells the readiness view: the documented-information items it
holds (DI-03, DI-04, DI-07, DI-15, DI-16), judged from the live register."""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from aims.documented_information import ItemStatus, Source, register
from registry.scope import systems_in_scope

from .choices import ActionStatus, RiskStatus, Treatment
from .models import Risk, RiskCriteria, TreatmentAction

_DONE = (RiskStatus.TREATED, RiskStatus.ACCEPTED, RiskStatus.CLOSED)


def _risk_list(query: str = "") -> str:
    return reverse("risk:risk_list") + (f"?{query}" if query else "")


def criteria_item(as_of) -> ItemStatus:
    """DI-04: published risk criteria (scales, levels, appetite)."""
    current = RiskCriteria.objects.filter(is_current=True).first()
    if current is None:
        return ItemStatus(present=False, summary="No risk criteria published.")
    return ItemStatus(
        present=True,
        approved=True,
        summary=f"Risk criteria version {current.number} in use since {current.created:%Y-%m-%d}.",
        url=reverse("risk:riskcriteria_list"),
    )


def actions_item(as_of) -> ItemStatus:
    """DI-03: actions to address risks — every risk above the appetite is treated with
    actions, or accepted by the committee."""
    risks = Risk.objects.open().exclude(status=RiskStatus.IDENTIFIED)
    totals = (
        risks.above_appetite()
        .annotate(
            has_actions=Exists(
                TreatmentAction.objects.filter(risk=OuterRef("pk")).exclude(
                    status=ActionStatus.CANCELLED
                )
            )
        )
        .aggregate(
            above=Count("pk"),
            addressed=Count(
                "pk",
                filter=Q(status=RiskStatus.ACCEPTED)
                | Q(has_actions=True)
                | Q(treatment__in=(Treatment.AVOID, Treatment.TRANSFER)),
            ),
        )
    )
    addressed, above = totals["addressed"], totals["above"]
    return ItemStatus(
        present=risks.exists(),
        done=addressed,
        total=above,
        summary=(
            f"{addressed} of {above} risks above the appetite have treatment actions "
            "or an acceptance."
        ),
        url=_risk_list("status=assessed&status=treatment_planned"),
    )


def plan_item(as_of) -> ItemStatus:
    """DI-07: the treatment plan — actions with owners and due dates, none overdue."""
    actions = TreatmentAction.objects.filter(
        status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
    )
    totals = actions.aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=as_of))
    )
    accepted = Risk.objects.filter(status=RiskStatus.ACCEPTED).count()
    if not totals["open"] and not accepted and not TreatmentAction.objects.exists():
        return ItemStatus(present=False, summary="No treatment actions recorded yet.")
    return ItemStatus(
        present=True,
        done=totals["open"] - totals["overdue"],
        total=totals["open"],
        summary=(
            f"{totals['open']} open treatment actions, {totals['overdue']} overdue; "
            f"{accepted} residual risks accepted."
        ),
        url=_risk_list("status=treatment_planned"),
    )


def assessment_item(as_of) -> ItemStatus:
    """DI-15: every AI system in scope has a current risk assessment (assessed risks,
    none overdue for review)."""
    systems = systems_in_scope(as_of).annotate(
        assessed=Count(
            "risks",
            filter=Q(risks__inherent_score__isnull=False)
            & ~Q(risks__status=RiskStatus.CLOSED),
            distinct=True,
        ),
        overdue=Count(
            "risks",
            filter=Q(risks__next_review_date__lt=as_of)
            & ~Q(risks__status=RiskStatus.CLOSED),
            distinct=True,
        ),
    )
    rows = list(systems.values_list("assessed", "overdue"))
    current = sum(1 for assessed, overdue in rows if assessed and not overdue)
    return ItemStatus(
        present=any(assessed for assessed, _ in rows),
        done=current,
        total=len(rows),
        summary=f"{current} of {len(rows)} AI systems in scope have a current risk assessment.",
        url=_risk_list(),
    )


def treatment_item(as_of) -> ItemStatus:
    """DI-16: results of treatment — risks that were to be treated are treated, accepted
    or closed."""
    risks = Risk.objects.exclude(status=RiskStatus.IDENTIFIED).exclude(
        status=RiskStatus.ASSESSED
    )
    totals = risks.aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(status__in=_DONE))
    )
    return ItemStatus(
        present=totals["done"] > 0,
        done=totals["done"],
        total=totals["total"],
        summary=f"{totals['done']} of {totals['total']} risks in treatment are treated, accepted or closed.",
        url=_risk_list("status=treatment_planned"),
    )


def register_sources() -> None:
    register(
        Source(
            "DI-03", "Risk register: actions on risks above the appetite", actions_item
        )
    )
    register(Source("DI-04", "Published risk criteria", criteria_item))
    register(Source("DI-07", "Risk treatment plan", plan_item))
    register(
        Source("DI-15", "Risk assessments of the AI systems in scope", assessment_item)
    )
    register(Source("DI-16", "Risk treatment results", treatment_item))
