"""How an incident's Art. 73 deadline reads: a countdown, "overdue", "met" or "missed"."""

from django import template
from django.utils import timezone

register = template.Library()


def _duration(delta) -> str:
    total = int(abs(delta.total_seconds()))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def deadline_text(incident, now=None) -> tuple[str, str]:
    """(text, CSS class) of the deadline, in the incident's time zone."""
    state = incident.deadline_state
    if not state:
        return ("Not serious" if incident.triaged_at else "Not triaged"), "text-muted"
    due = incident.local(incident.report_deadline)
    stamp = f"{due:%Y-%m-%d %H:%M} {incident.time_zone}"
    if state == "met":
        return f"Reported in time (due {stamp})", "text-success"
    if state == "missed":
        return f"Reported late (was due {stamp})", "text-danger fw-semibold"
    left = incident.report_deadline - (now or timezone.now())
    if state == "overdue":
        return f"Overdue by {_duration(left)} (due {stamp})", "text-danger fw-semibold"
    return f"{_duration(left)} left (due {stamp})", "text-warning-emphasis fw-semibold"


@register.simple_tag
def incident_deadline(incident):
    text, css = deadline_text(incident)
    return {"text": text, "css": css}


@register.filter
def in_zone(value, incident):
    """A stored (UTC) time in the incident's time zone, as text."""
    if not value:
        return "—"
    return f"{incident.local(value):%Y-%m-%d %H:%M} {incident.time_zone}"
