"""Writes to incidents, their timelines and concerns (ISO/IEC 42001 A.8.4, A.3.3;
EU AI Act Art. 73). Every write is validated, versioned and change-logged; decisions an
auditor asks about (triage, the report to the authority, closure) are named events."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Min
from django.utils import timezone

from aims.context import acting_as_system, attributed_to
from aims.history import change_scope, record_event
from aims.models import ReferenceCounter
from aims.permissions import can, grant, move_ownership
from aims.services import object_delete, object_save

from .choices import (
    AuthorityReportType,
    ConcernStatus,
    IncidentStatus,
    TimelineKind,
)
from .models import (
    CONCERN_PREFIX,
    REFERENCE_PREFIX,
    Concern,
    Incident,
    TimelineEntry,
)
from .models.concerns import CHANNEL_ACTOR

__all__ = [
    "TRANSITIONS",
    "concern_raise",
    "concern_respond",
    "incident_close",
    "incident_save",
    "incident_transition",
    "incident_triage",
    "may_report_on",
    "may_triage",
    "timeline_entry_delete",
    "timeline_entry_save",
]

# Status changes by button; triage and closure have their own services.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    IncidentStatus.TRIAGED: (IncidentStatus.CONTAINED, IncidentStatus.RESOLVED),
    IncidentStatus.CONTAINED: (IncidentStatus.RESOLVED,),
    IncidentStatus.RESOLVED: (IncidentStatus.CONTAINED,),
}


def may_report_on(user, system) -> bool:
    """Anyone who may see an AI system may report an incident on it."""
    return system is not None and can(user, "view", system)


def may_triage(user) -> bool:
    return can(user, "triage", Incident)


def _stored(model, pk):
    stored = model.objects.filter(pk=pk).first()
    if stored is None:
        raise ObjectDoesNotExist(
            f"This {model._meta.verbose_name} was deleted meanwhile."
        )
    return stored


def incident_save(
    *, incident: Incident, actor, m2m: dict | None = None, expected_version=None
) -> Incident:
    """Report a new incident or edit its description, investigation and handler."""
    with attributed_to(actor), change_scope():
        previous_handler = None
        if incident.pk is None:
            if incident.ai_system_id and not may_report_on(actor, incident.ai_system):
                raise PermissionDenied(
                    "You may not report incidents on this AI system."
                )
            incident.reference = ReferenceCounter.next_reference(REFERENCE_PREFIX)
            incident.reported_by = actor
        else:
            previous_handler = _stored(Incident, incident.pk).handler
        object_save(
            instance=incident, actor=actor, m2m=m2m, expected_version=expected_version
        )
        move_ownership(incident, previous_handler, incident.handler)
    return incident


def incident_triage(
    *,
    incident: Incident,
    actor,
    is_serious: bool,
    serious_limbs: list[str],
    involves_death: bool = False,
    widespread_infringement: bool = False,
    severity: str | None = None,
    handler=None,
    rationale: str = "",
    expected_version=None,
) -> Incident:
    """Record the serious-incident determination; the Art. 73 deadline follows from it."""
    if not may_triage(actor):
        raise PermissionDenied("Only AIMS managers and the committee triage incidents.")
    if incident.status == IncidentStatus.CLOSED:
        raise ValidationError("A closed incident is not triaged again.")
    with attributed_to(actor), change_scope():
        was_serious = _stored(Incident, incident.pk).is_serious
        incident.is_serious = bool(is_serious)
        incident.serious_limbs = list(serious_limbs or [])
        incident.involves_death = bool(involves_death)
        incident.widespread_infringement = bool(widespread_infringement)
        if severity:
            incident.severity = severity
        if handler is not None:
            incident.handler = handler
        incident.triage_rationale = rationale
        incident.triaged_at = timezone.now()
        incident.triaged_by = actor
        if incident.status == IncidentStatus.REPORTED:
            incident.status = IncidentStatus.TRIAGED
        incident_save(incident=incident, actor=actor, expected_version=expected_version)
        if incident.is_serious:
            message = (
                f"{actor} determined {incident.reference} a serious incident "
                f"({', '.join(incident.serious_limbs)}); report due by "
                f"{incident.local(incident.report_deadline):%Y-%m-%d %H:%M} "
                f"{incident.time_zone} under {incident.deadline_rule}."
            )
        else:
            message = f"{actor} determined {incident.reference} not a serious incident."
        event = (
            "incident.serious_determined"
            if incident.is_serious and not was_serious
            else "incident.triaged"
        )
        record_event(
            incident,
            event,
            message,
            {
                "is_serious": incident.is_serious,
                "serious_limbs": incident.serious_limbs,
                "deadline_rule": incident.deadline_rule,
                "report_deadline": incident.report_deadline.isoformat()
                if incident.report_deadline
                else None,
            },
        )
    return incident


def incident_transition(*, incident: Incident, to_status: str, actor) -> Incident:
    allowed = TRANSITIONS.get(incident.status, ())
    if to_status not in allowed:
        names = ", ".join(IncidentStatus(s).label.lower() for s in allowed) or "none"
        raise ValidationError(
            f"An incident that is {incident.get_status_display().lower()} cannot move to "
            f"{to_status or 'that status'} (possible: {names})."
        )
    with attributed_to(actor), change_scope():
        before = incident.get_status_display()
        incident.status = to_status
        incident_save(incident=incident, actor=actor)
        record_event(
            incident,
            "incident.status_changed",
            f"{incident.reference}: {before} → {incident.get_status_display()}.",
            {"status": to_status},
        )
    return incident


def incident_close(
    *,
    incident: Incident,
    actor,
    root_cause: str,
    corrective_actions: str,
    closure_summary: str,
    expected_version=None,
) -> Incident:
    if not may_triage(actor):
        raise PermissionDenied("Only AIMS managers and the committee close incidents.")
    errors = {}
    if incident.status != IncidentStatus.RESOLVED:
        errors["__all__"] = "Resolve the incident before closing it."
    if not root_cause.strip():
        errors["root_cause"] = "Record the root cause before closing."
    if not corrective_actions.strip():
        errors["corrective_actions"] = "Record the corrective actions before closing."
    if not closure_summary.strip():
        errors["closure_summary"] = "Summarise how the incident was closed."
    if (
        incident.is_serious
        and not incident.timeline.filter(
            kind=TimelineKind.AUTHORITY_REPORT,
            report_type=AuthorityReportType.COMPLETE,
        ).exists()
    ):
        errors["__all__"] = (
            "A serious incident is closed only after the complete report to the market "
            "surveillance authority is recorded (Art. 73(5))."
        )
    if errors:
        raise ValidationError(errors)
    with attributed_to(actor), change_scope():
        incident.root_cause = root_cause
        incident.corrective_actions = corrective_actions
        incident.closure_summary = closure_summary
        incident.status = IncidentStatus.CLOSED
        incident.closed_at = timezone.now()
        incident_save(incident=incident, actor=actor, expected_version=expected_version)
        record_event(
            incident,
            "incident.closed",
            f"{actor} closed {incident.reference}: {closure_summary[:200]}",
        )
    return incident


def timeline_entry_save(
    *, entry: TimelineEntry, actor, expected_version=None
) -> TimelineEntry:
    """Add or edit a timeline entry; a report to the authority updates the incident's
    "first report sent" and is recorded as its own event."""
    with attributed_to(actor), change_scope():
        object_save(instance=entry, actor=actor, expected_version=expected_version)
        if entry.kind == TimelineKind.AUTHORITY_REPORT:
            record_event(
                entry.incident,
                "incident.reported_to_authority",
                f"{entry.get_report_type_display()} sent to {entry.authority} on "
                f"{entry.incident.local(entry.at):%Y-%m-%d %H:%M} "
                f"{entry.incident.time_zone}"
                + (
                    f" (reference {entry.external_reference})."
                    if entry.external_reference
                    else "."
                ),
                {"report_type": entry.report_type, "at": entry.at.isoformat()},
            )
        _sync_first_report(entry.incident, actor)
    return entry


def timeline_entry_delete(*, entry: TimelineEntry, actor) -> None:
    with attributed_to(actor), change_scope():
        incident = entry.incident
        object_delete(instance=entry, actor=actor)
        _sync_first_report(incident, actor)


def _sync_first_report(incident: Incident, actor) -> None:
    first = incident.timeline.filter(kind=TimelineKind.AUTHORITY_REPORT).aggregate(
        first=Min("at")
    )["first"]
    incident.refresh_from_db()
    if incident.reported_to_authority_at != first:
        incident.reported_to_authority_at = first
        object_save(instance=incident, actor=actor)


def concern_raise(*, concern: Concern, actor) -> Concern:
    """Raise a concern through the reporting channel.

    The change log names the channel, not the person, and never holds the reporter
    (``Concern.change_log_exclude``): a withheld name stays withheld from everyone who
    reads the history. The reporter may follow their concern (a view permission).
    """
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("Sign in to raise a concern.")
    if concern.ai_system_id and not can(actor, "view", concern.ai_system):
        raise PermissionDenied("You may not see this AI system.")
    concern.reporter = actor
    concern.status = ConcernStatus.RAISED
    with acting_as_system(CHANNEL_ACTOR), change_scope():
        concern.reference = ReferenceCounter.next_reference(CONCERN_PREFIX)
        object_save(instance=concern, actor=None)
        grant(actor, concern, ("view",))
    return concern


def concern_respond(
    *, concern: Concern, actor, status: str, response: str, expected_version=None
) -> Concern:
    if not can(actor, "change", concern):
        raise PermissionDenied(
            "Only the committee and the AIMS managers handle concerns."
        )
    if (
        status in (ConcernStatus.RESPONDED, ConcernStatus.CLOSED)
        and not response.strip()
    ):
        raise ValidationError(
            {"response": "Write the response the reporter will read."}
        )
    with attributed_to(actor), change_scope():
        answered = (
            bool(response.strip()) and response != _stored(Concern, concern.pk).response
        )
        concern.status = status
        concern.response = response
        if answered:
            concern.responded_at = timezone.now()
        object_save(instance=concern, actor=actor, expected_version=expected_version)
        if answered:
            record_event(
                concern,
                "concern.responded",
                f"{actor} responded to {concern.reference} "
                f"({concern.get_status_display().lower()}).",
            )
    return concern
