"""Writes to post-market monitoring (EU AI Act Art. 72; ISO/IEC 42001 A.6.2.6, 9.1).

Whoever may change an AI system maintains its plan, metrics and results. Each metric
keeps its next check date (the latest result plus its frequency) for the reminders; a
result that breaches its threshold opens an incident awaiting triage, in the same
transaction, so a breach never waits for someone to remember to report it.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from aims.context import attributed_to
from aims.history import change_scope, record_event
from aims.permissions import can
from aims.services import object_delete, object_save

from .choices import Severity
from .models import Incident, MonitoringMetric, MonitoringPlan, MonitoringResult
from .services import incident_save

__all__ = [
    "monitoring_metric_delete",
    "monitoring_metric_save",
    "monitoring_plan_delete",
    "monitoring_plan_save",
    "monitoring_result_delete",
    "monitoring_result_save",
]


def _require_change(actor, system) -> None:
    if system is not None and not can(actor, "change", system):
        raise PermissionDenied(
            "You may not change the post-market monitoring of this AI system."
        )


def monitoring_plan_save(
    *, plan: MonitoringPlan, actor, expected_version=None
) -> MonitoringPlan:
    """Create or edit the plan of a high-risk system (Art. 72(1)-(3))."""
    _require_change(actor, plan.ai_system if plan.ai_system_id else None)
    with attributed_to(actor), change_scope():
        return object_save(
            instance=plan, actor=actor, expected_version=expected_version
        )


def monitoring_plan_delete(*, plan: MonitoringPlan, actor) -> None:
    _require_change(actor, plan.ai_system)
    with attributed_to(actor), change_scope():
        object_delete(instance=plan, actor=actor)


def _next_due(metric: MonitoringMetric) -> datetime.date:
    latest = metric.results.order_by("-measured_on", "-pk").first()
    start = latest.measured_on if latest else timezone.localdate(metric.created)
    return start + datetime.timedelta(days=metric.frequency_days)


def monitoring_metric_save(
    *, metric: MonitoringMetric, actor, expected_version=None
) -> MonitoringMetric:
    """Add or edit a metric; its next check follows from its frequency."""
    _require_change(actor, metric.plan.ai_system if metric.plan_id else None)
    with attributed_to(actor), change_scope():
        if metric.frequency_days:
            metric.next_due = (
                _next_due(metric)
                if metric.pk
                else timezone.localdate()
                + datetime.timedelta(days=metric.frequency_days)
            )
        return object_save(
            instance=metric, actor=actor, expected_version=expected_version
        )


def monitoring_metric_delete(*, metric: MonitoringMetric, actor) -> None:
    _require_change(actor, metric.plan.ai_system)
    with attributed_to(actor), change_scope():
        object_delete(instance=metric, actor=actor)


def monitoring_result_save(
    *, result: MonitoringResult, actor, expected_version=None
) -> MonitoringResult:
    """Record a check done under the plan. A value outside the threshold marks the
    result breached and, the first time, opens an incident awaiting triage (A.8.4;
    Art. 73 counts from the awareness this records)."""
    metric = result.metric
    system = metric.plan.ai_system
    _require_change(actor, system)
    with attributed_to(actor), change_scope():
        result.breached = result.value is not None and not metric.meets(result.value)
        object_save(instance=result, actor=actor, expected_version=expected_version)
        _sync_next_due(metric, actor)
        if result.breached and result.incident_id is None:
            result.incident = _incident_for_breach(result, actor)
            object_save(instance=result, actor=actor)
            record_event(
                system,
                "monitoring.threshold_breached",
                f"{metric} measured {result.value.normalize():f} on "
                f"{result.measured_on} (acceptable {metric.threshold_text()}); "
                f"{result.incident.reference} opened for triage.",
                {"result": result.pk, "incident": result.incident.pk},
            )
    return result


def _incident_for_breach(result: MonitoringResult, actor) -> Incident:
    metric = result.metric
    now = timezone.now()
    measured = datetime.datetime.combine(
        result.measured_on, datetime.time(), tzinfo=timezone.get_current_timezone()
    )
    return incident_save(
        incident=Incident(
            ai_system=metric.plan.ai_system,
            title=f"Monitoring threshold breached: {metric}"[:200],
            description=(
                f"Post-market monitoring (Art. 72) measured {metric} at "
                f"{result.value.normalize():f} {metric.unit}".rstrip()
                + f" on {result.measured_on}; acceptable is {metric.threshold_text()}."
                + (f"\n\n{result.notes}" if result.notes else "")
            ),
            occurred_at=min(measured, now),
            detected_at=now,
            aware_at=now,
            time_zone=timezone.get_current_timezone_name(),
            severity=Severity.MEDIUM,
        ),
        actor=actor,
    )


def monitoring_result_delete(*, result: MonitoringResult, actor) -> None:
    metric = result.metric
    _require_change(actor, metric.plan.ai_system)
    with attributed_to(actor), change_scope():
        object_delete(instance=result, actor=actor)
        _sync_next_due(metric, actor)


def _sync_next_due(metric: MonitoringMetric, actor) -> None:
    metric.refresh_from_db()
    next_due = _next_due(metric)
    if metric.next_due != next_due:
        metric.next_due = next_due
        object_save(instance=metric, actor=actor)
