"""Incidents and concerns built through the services the portal uses."""

import datetime

from django.utils import timezone

from incidents.models import Concern, Incident, TimelineEntry
from incidents.services import (
    concern_raise,
    incident_save,
    incident_triage,
    timeline_entry_save,
)


def make_incident(system, reporter, *, hours_ago=6, **fields) -> Incident:
    now = timezone.now()
    fields.setdefault("title", "Wrong scores after a model update")
    fields.setdefault("description", "Scores shifted for one group of applicants.")
    fields.setdefault("occurred_at", now - datetime.timedelta(hours=hours_ago + 2))
    fields.setdefault("aware_at", now - datetime.timedelta(hours=hours_ago))
    return incident_save(incident=Incident(ai_system=system, **fields), actor=reporter)


def make_serious(incident, manager, limbs=("3(49)(c)",), **flags) -> Incident:
    return incident_triage(
        incident=incident,
        actor=manager,
        is_serious=True,
        serious_limbs=list(limbs),
        **flags,
    )


def report_to_authority(incident, actor, *, report_type="complete", at=None):
    return timeline_entry_save(
        entry=TimelineEntry(
            incident=incident,
            at=at or timezone.now(),
            kind="authority_report",
            summary="Report filed through the authority's portal.",
            authority="Bundesnetzagentur",
            external_reference="MSA-2026-17",
            report_type=report_type,
        ),
        actor=actor,
    )


def make_concern(reporter, system=None, *, withheld=True, **fields) -> Concern:
    fields.setdefault("subject", "The screener seems to penalise career gaps")
    fields.setdefault(
        "description", "Two colleagues with parental leave were ranked last."
    )
    return concern_raise(
        concern=Concern(ai_system=system, name_withheld=withheld, **fields),
        actor=reporter,
    )
