"""Management-review inputs (``aims.review_inputs``, ISO/IEC 42001 9.3.2 b, c, d 2)."""

from django.db.models import Count, Q
from django.urls import reverse

from aims.review_inputs import Figure, InputReport, ReviewInput, register


def _since_q(since, field="created"):
    return Q(**{f"{field}__date__gt": since}) if since else Q(pk__isnull=False)


def context_input(as_of, since) -> InputReport:
    from .models import ContextIssue, OrganisationContext

    counts = ContextIssue.objects.filter(created__date__lte=as_of).aggregate(
        open=Count("pk", filter=Q(status="open")),
        new=Count("pk", filter=_since_q(since)),
        changed=Count("pk", filter=_since_q(since, "updated")),
    )
    context = OrganisationContext.objects.first()
    climate = context.get_climate_change_display() if context else "Not decided yet"
    return InputReport(
        figures=[
            Figure("Open context issues", counts["open"]),
            Figure("New issues since the last review", counts["new"]),
            Figure("Issues changed since the last review", counts["changed"]),
            Figure("Climate change", climate),
        ],
        summary=f"{counts['new']} new and {counts['changed']} changed issues; climate change: {climate.lower()}.",
        records_url=reverse("governance:context"),
    )


def parties_input(as_of, since) -> InputReport:
    from .models import InterestedParty, PartyRequirement

    parties = InterestedParty.objects.filter(created__date__lte=as_of).aggregate(
        total=Count("pk"), new=Count("pk", filter=_since_q(since))
    )
    requirements = PartyRequirement.objects.filter(created__date__lte=as_of).aggregate(
        adopted=Count("pk", filter=Q(adopted=True)),
        changed=Count("pk", filter=_since_q(since, "updated")),
    )
    return InputReport(
        figures=[
            Figure("Interested parties", parties["total"]),
            Figure("New parties since the last review", parties["new"]),
            Figure("Requirements adopted by the AIMS", requirements["adopted"]),
            Figure(
                "Requirements changed since the last review", requirements["changed"]
            ),
        ],
        summary=f"{parties['new']} new parties, {requirements['changed']} needs changed.",
        records_url=reverse("governance:interestedparty_list"),
    )


def objectives_input(as_of, since) -> InputReport:
    from .models import Indicator
    from .selectors import indicator_rows

    rows = indicator_rows(
        Indicator.objects.filter(closed=False, objective__status="active"), today=as_of
    )
    counts = {status: 0 for status in ("on_track", "at_risk", "off_track", "no_data")}
    for row in rows:
        counts[row.status] += 1
    return InputReport(
        figures=[
            Figure("Indicators on track", counts["on_track"]),
            Figure("Indicators at risk", counts["at_risk"]),
            Figure("Indicators off track", counts["off_track"]),
            Figure("Indicators without recent data", counts["no_data"]),
        ],
        summary=f"{counts['on_track']} of {len(rows)} indicators of the AI objectives are on track.",
        records_url=reverse("governance:objective_list"),
        data={"indicators": counts},
    )


def register_inputs() -> None:
    register(
        ReviewInput(
            key="governance.context",
            input_id="9.3.2 b)",
            order=20,
            title="Changes in external and internal issues",
            compute=context_input,
        )
    )
    register(
        ReviewInput(
            key="governance.parties",
            input_id="9.3.2 c)",
            order=30,
            title="Changes in the needs and expectations of interested parties",
            compute=parties_input,
        )
    )
    register(
        ReviewInput(
            key="governance.objectives",
            input_id="9.3.2 d) 2)",
            order=45,
            title="Monitoring and measurement: the AI objectives' indicators",
            compute=objectives_input,
        )
    )
