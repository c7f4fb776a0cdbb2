"""Post-market monitoring built through the services the portal uses."""

import datetime
from decimal import Decimal

from django.utils import timezone

from incidents.models import MonitoringMetric, MonitoringPlan, MonitoringResult
from incidents.monitoring_services import (
    monitoring_metric_save,
    monitoring_plan_save,
    monitoring_result_save,
)
from tests.factories import make_system


def high_risk_system(owner, name="High-risk screener"):
    return make_system(owner, name=name, eu_risk_tier="high_risk")


def make_plan(system, actor, **fields) -> MonitoringPlan:
    fields.setdefault("scope", "Fairness of shortlists across age groups.")
    fields.setdefault("responsible", actor)
    return monitoring_plan_save(
        plan=MonitoringPlan(ai_system=system, **fields), actor=actor
    )


def make_metric(plan, actor, **fields) -> MonitoringMetric:
    fields.setdefault("name", "Selection-rate ratio over 55")
    fields.setdefault("comparator", "gte")
    fields.setdefault("threshold", Decimal("0.8"))
    fields.setdefault("frequency_days", 30)
    return monitoring_metric_save(
        metric=MonitoringMetric(plan=plan, **fields), actor=actor
    )


def record(metric, actor, value, days_ago=0, **fields) -> MonitoringResult:
    return monitoring_result_save(
        result=MonitoringResult(
            metric=metric,
            value=Decimal(value),
            measured_on=timezone.localdate() - datetime.timedelta(days=days_ago),
            **fields,
        ),
        actor=actor,
    )
