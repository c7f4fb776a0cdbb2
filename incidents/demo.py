"""Demo incidents and concerns (idempotent: looked up by title or subject).

One serious incident on the CV screener, reported to the authority within its deadline
and closed; one incident on the fraud model waiting for triage; one concern raised with
the name withheld and answered by the committee."""

import datetime

from django.utils import timezone

from registry.models import AISystem

from .models import Concern, Incident, TimelineEntry
from .services import (
    concern_raise,
    concern_respond,
    incident_close,
    incident_save,
    incident_transition,
    incident_triage,
    timeline_entry_save,
)

SERIOUS_TITLE = "Shortlists excluded applicants over 55"
OPEN_TITLE = "Fraud scores spiked after a data feed change"
CONCERN_SUBJECT = "Applicants are not told a model ranks them"


def load_demo(users: dict) -> int:
    created = 0
    now = timezone.now()
    screener = AISystem.objects.filter(name="CV screening assistant").first()
    fraud = AISystem.objects.filter(name="Claims fraud detection model").first()
    if (
        screener is not None
        and not Incident.objects.filter(title=SERIOUS_TITLE).exists()
    ):
        _serious_incident(screener, users, now)
        created += 1
    if fraud is not None and not Incident.objects.filter(title=OPEN_TITLE).exists():
        incident_save(
            incident=Incident(
                ai_system=fraud,
                title=OPEN_TITLE,
                description="After the claims feed moved to a new format, a third of "
                "home claims scored as high fraud risk and were held.",
                occurred_at=now - datetime.timedelta(hours=30),
                detected_at=now - datetime.timedelta(hours=26),
                aware_at=now - datetime.timedelta(hours=20),
                time_zone="Europe/Berlin",
                affected_persons="About 120 policyholders whose claims were held.",
                harm="Payments delayed by up to a day.",
                severity="medium",
                handler=users["omar"],
            ),
            actor=users["omar"],
        )
        created += 1
    if not Concern.objects.filter(subject=CONCERN_SUBJECT).exists():
        concern = concern_raise(
            concern=Concern(
                ai_system=screener,
                subject=CONCERN_SUBJECT,
                description="The careers page says nothing about automated ranking of "
                "applications.",
                name_withheld=True,
            ),
            actor=users["victor"],
        )
        concern_respond(
            concern=concern,
            actor=users["grace"],
            status="responded",
            response="Thank you. HR added a notice on automated ranking to the careers "
            "page and the application form.",
        )
        created += 1
    from .monitoring_demo import load_demo as load_monitoring_demo

    created += load_monitoring_demo(users)
    return created


def _serious_incident(system, users, now) -> None:
    maria, olivia = users["maria"], users["olivia"]
    aware = now - datetime.timedelta(days=12)
    incident = incident_save(
        incident=Incident(
            ai_system=system,
            title=SERIOUS_TITLE,
            description="For three vacancies, no applicant aged over 55 reached the "
            "shortlist after the vendor's model update.",
            occurred_at=aware - datetime.timedelta(days=3),
            detected_at=aware - datetime.timedelta(hours=5),
            aware_at=aware,
            time_zone="Europe/Berlin",
            affected_persons="About 40 applicants for three vacancies.",
            harm="Applicants excluded from consideration on a proxy for age.",
            severity="high",
            handler=olivia,
        ),
        actor=olivia,
    )
    incident_triage(
        incident=incident,
        actor=maria,
        is_serious=True,
        serious_limbs=["3(49)(c)"],
        severity="high",
        rationale="Possible discrimination in access to employment: an infringement "
        "of fundamental-rights obligations.",
    )
    for offset, kind, summary, extra in [
        (
            datetime.timedelta(hours=3),
            "action",
            "Shortlisting switched off; recruiters review every application by hand.",
            {},
        ),
        (
            datetime.timedelta(days=1),
            "provider_informed",
            "HireSense informed and asked for the model change log.",
            {},
        ),
        (
            datetime.timedelta(days=4),
            "authority_report",
            "Initial report with what was known.",
            {
                "authority": "Bundesnetzagentur",
                "report_type": "initial",
                "external_reference": "KI-2026-0142",
            },
        ),
        (
            datetime.timedelta(days=9),
            "authority_report",
            "Complete report with the root cause and corrective actions.",
            {
                "authority": "Bundesnetzagentur",
                "report_type": "complete",
                "external_reference": "KI-2026-0142",
            },
        ),
        (
            datetime.timedelta(days=10),
            "affected_communication",
            "Letters to the affected applicants with an offer of a new review.",
            {},
        ),
    ]:
        timeline_entry_save(
            entry=TimelineEntry(
                incident=incident,
                at=aware + offset,
                kind=kind,
                summary=summary,
                **extra,
            ),
            actor=maria,
        )
    incident.refresh_from_db()
    incident_transition(incident=incident, to_status="contained", actor=olivia)
    incident_transition(incident=incident, to_status="resolved", actor=olivia)
    incident_close(
        incident=incident,
        actor=maria,
        root_cause="The vendor's retrained model weighted years since graduation, a "
        "proxy for age.",
        corrective_actions="Feature removed by the vendor; an age-parity test added to "
        "the acceptance criteria of every release.",
        closure_summary="Affected applicants re-reviewed; two were invited to interview.",
    )
