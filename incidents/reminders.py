"""Reminder sources: the Art. 73 report of a serious incident, and its escalation.

The report deadline is days, not weeks, away, so both sources are hourly: their items
carry the moment they fall due and climb the ladder in hours (``AIMS_URGENT_LEAD_HOURS``,
``AIMS_URGENT_ESCALATION_HOURS``), followed by the hourly run. The first source reminds
the handler and the system owner as the deadline nears and escalates once it passed;
the second puts the unsent report in front of the AIMS managers and the governance
committee from the moment the organisation became aware, so they hear of a serious
incident within the hour rather than at the next morning's digest.
"""

from aims.reminders import DueItem, DueSource, register


def register_sources() -> None:
    from aims.permissions import users_with

    from .models import Incident

    def pending(until):
        return (
            Incident.objects.awaiting_authority_report()
            .filter(report_deadline__date__lte=until)
            .select_related("handler", "ai_system__owner")
        )

    def deadline_items(until):
        for incident in pending(until):
            yield DueItem(
                obj=incident,
                due_date=incident.local(incident.report_deadline).date(),
                due_at=incident.report_deadline,
                responsible=(incident.handler, incident.ai_system.owner),
                title=f"Report serious incident {incident} to the authority",
            )

    def escalation_items(until):
        incidents = list(
            Incident.objects.awaiting_authority_report()
            .filter(aware_at__date__lte=until)
            .select_related("ai_system")
        )
        if not incidents:
            return
        overseers = tuple(users_with(Incident, "triage").order_by("pk"))
        for incident in incidents:
            yield DueItem(
                obj=incident,
                due_date=incident.local(incident.aware_at).date(),
                due_at=incident.aware_at,
                responsible=overseers,
                title=f"Serious incident {incident}: authority report not yet sent",
            )

    register(
        DueSource(
            key="incidents.authority_report",
            label="Serious incident report (EU AI Act Art. 73)",
            items=deadline_items,
            hourly=True,
        )
    )
    register(
        DueSource(
            key="incidents.authority_report_escalation",
            label="Serious incident awaiting its report",
            items=escalation_items,
            hourly=True,
        )
    )
