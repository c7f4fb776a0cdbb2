"""What incidents and concerns tell the readiness view: A.8.4 (incidents handled and
serious ones reported to the authority in time), A.3.3 (concerns answered), the blocker
"serious incident report overdue", and documented-information items DI-A24 and DI-A25."""

import datetime
import threading

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from aims.context import current_request_id
from aims.documented_information import ItemStatus, Source
from aims.documented_information import register as register_item
from aims.readiness import (
    BlockerItem,
    BlockerSource,
    Judge,
    Judgement,
    Readiness,
    register_blocker,
    register_judge,
)

from .choices import ConcernStatus, TimelineKind
from .models import Concern, Incident, TimelineEntry

# A concern waiting longer than this without a response is a gap in A.3.3.
CONCERN_RESPONSE_DAYS = 30


_local = threading.local()


def _serious_figures():
    """Counts of serious incidents by how their report stands, once per request (the
    judge and the DI-A25 item both read them)."""
    key = current_request_id()
    if key and getattr(_local, "key", None) == key:
        return _local.value
    value = _count_serious()
    if key:
        _local.key, _local.value = key, value
    return value


def _count_serious():
    """One aggregate for the judge and both documented-information items."""
    now = timezone.now()
    serious = Q(is_serious=True)
    communicated = Exists(
        TimelineEntry.objects.filter(
            incident=OuterRef("pk"),
            kind__in=[
                TimelineKind.USER_COMMUNICATION,
                TimelineKind.AFFECTED_COMMUNICATION,
            ],
        )
    )
    return Incident.objects.aggregate(
        total=Count("pk", filter=serious),
        in_time=Count(
            "pk", filter=serious & Q(reported_to_authority_at__lte=F("report_deadline"))
        ),
        late=Count(
            "pk", filter=serious & Q(reported_to_authority_at__gt=F("report_deadline"))
        ),
        overdue=Count(
            "pk",
            filter=serious
            & Q(reported_to_authority_at__isnull=True, report_deadline__lt=now),
        ),
        untriaged=Count("pk", filter=Q(triaged_at__isnull=True) & ~Q(status="closed")),
        closed=Count("pk", filter=Q(status="closed")),
        closed_communicated=Count("pk", filter=Q(status="closed") & Q(communicated)),
    )


def incident_judgement(as_of) -> Judgement:
    url = reverse("incidents:incident_list")
    figures = _serious_figures()
    untriaged = figures["untriaged"]
    if figures["overdue"]:
        return Judgement(
            Readiness.NOT_READY,
            f"{figures['overdue']} serious incident report(s) to the authority overdue.",
            "Send the report to the market surveillance authority and record it.",
            "AIMS manager",
            url + "?report_overdue=true",
        )
    problems = []
    if figures["late"]:
        problems.append(f"{figures['late']} serious incident(s) reported late")
    if untriaged:
        problems.append(f"{untriaged} incident(s) awaiting triage")
    if problems:
        return Judgement(
            Readiness.PARTIAL,
            "; ".join(problems).capitalize() + ".",
            "Triage every incident promptly; report serious ones within their deadline.",
            "AIMS manager",
            url,
        )
    return Judgement(
        Readiness.READY,
        f"Incidents triaged; {figures['in_time']} of {figures['total']} serious incidents "
        "reported within their deadline.",
        url=url,
    )


def concern_judgement(as_of) -> Judgement:
    url = reverse("incidents:concern_list")
    limit = timezone.now() - datetime.timedelta(days=CONCERN_RESPONSE_DAYS)
    figures = Concern.objects.aggregate(
        total=Count("pk"),
        waiting=Count(
            "pk",
            filter=Q(
                status__in=[ConcernStatus.RAISED, ConcernStatus.UNDER_REVIEW],
                created__lt=limit,
            ),
        ),
    )
    waiting = figures["waiting"]
    if waiting:
        return Judgement(
            Readiness.PARTIAL,
            f"{waiting} concern(s) waiting more than {CONCERN_RESPONSE_DAYS} days for a response.",
            "Respond to the reporters.",
            "Governance committee",
            url,
        )
    total = figures["total"]
    return Judgement(
        Readiness.READY,
        f"The reporting channel is open to every user; {total} concern(s) raised, none "
        "waiting beyond the response time.",
        url=url,
    )


def judge(as_of) -> dict:
    return {"A.8.4": incident_judgement(as_of), "A.3.3": concern_judgement(as_of)}


def overdue_reports(as_of) -> list[BlockerItem]:
    incidents = Incident.objects.awaiting_authority_report().filter(
        report_deadline__lt=timezone.now()
    )
    return [
        BlockerItem(
            reference=incident.reference,
            title=incident.title,
            url=incident.get_absolute_url(),
            owner=str(incident.handler or ""),
            obj=incident,
        )
        for incident in incidents.select_related("handler")
    ]


def communications_item(as_of) -> ItemStatus:
    """DI-A24: incidents communicated to users or affected persons."""
    figures = _serious_figures()
    total, done = figures["closed"], figures["closed_communicated"]
    return ItemStatus(
        present=total == 0 or done > 0,
        done=done,
        total=total,
        summary=f"{done} of {total} closed incidents record a communication to users or "
        "affected persons.",
        url=reverse("incidents:incident_list"),
    )


def authority_reports_item(as_of) -> ItemStatus:
    """DI-A25: serious incidents reported to the market surveillance authority."""
    figures = _serious_figures()
    return ItemStatus(
        present=figures["total"] == 0 or figures["in_time"] + figures["late"] > 0,
        done=figures["in_time"],
        total=figures["total"],
        summary=f"{figures['in_time']} of {figures['total']} serious incidents reported "
        "within their Art. 73 deadline.",
        url=reverse("incidents:incident_list") + "?is_serious=true",
    )


def register() -> None:
    register_judge(Judge("incidents", "Incidents and concerns", judge))
    register_blocker(
        BlockerSource(
            key="incidents.report_overdue",
            label="Serious incident report to the authority overdue",
            action="Send the Art. 73 report and record it on the incident's timeline.",
            find=overdue_reports,
        )
    )
    register_item(Source("DI-A24", "Incident communications", communications_item))
    register_item(
        Source(
            "DI-A25",
            "Reports to the market surveillance authority",
            authority_reports_item,
        )
    )
