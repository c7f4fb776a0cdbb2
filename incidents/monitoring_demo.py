"""Demo post-market monitoring (idempotent: skipped once the CV screener has a plan).

The CV screener (high-risk, Annex III 4(a)) is monitored for the selection-rate ratio
of older applicants, whose latest monthly result breaches its threshold and so opened an
incident awaiting triage, and for recruiter overrides, whose weekly check is overdue and
therefore on its owner's reminders."""

import datetime
from decimal import Decimal

from django.utils import timezone

from registry.models import AISystem

from .models import MonitoringMetric, MonitoringPlan, MonitoringResult
from .monitoring_services import (
    monitoring_metric_save,
    monitoring_plan_save,
    monitoring_result_save,
)


def load_demo(users: dict) -> int:
    screener = AISystem.objects.filter(name="CV screening assistant").first()
    if screener is None or MonitoringPlan.objects.filter(ai_system=screener).exists():
        return 0
    if screener.eu_risk_tier != "high_risk":
        return 0
    olivia = users["olivia"]
    today = timezone.localdate()

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    plan = monitoring_plan_save(
        plan=MonitoringPlan(
            ai_system=screener,
            scope="Fairness of shortlists across age groups and genders, how often "
            "recruiters override the ranking, and complaints from applicants.",
            data_collection="Monthly extract of shortlists and outcomes from the "
            "applicant tracking system; recruiters' override log; complaints logged "
            "by HR. HireSense Ltd (provider) receives the summary each quarter.",
            responsible=olivia,
        ),
        actor=olivia,
    )
    ratio = monitoring_metric_save(
        metric=MonitoringMetric(
            plan=plan,
            name="Selection-rate ratio, applicants over 55 to under 40",
            method="Share shortlisted over 55 divided by share shortlisted under 40 "
            "(four-fifths rule).",
            comparator="gte",
            threshold=Decimal("0.8"),
            frequency_days=30,
        ),
        actor=olivia,
    )
    overrides = monitoring_metric_save(
        metric=MonitoringMetric(
            plan=plan,
            name="Share of shortlists changed by recruiters",
            comparator="lte",
            threshold=Decimal("0.15"),
            unit="share",
            frequency_days=7,
            responsible=users["maria"],
        ),
        actor=olivia,
    )
    # The latest result's report is kept in the evidence store.
    extract = _evidence(olivia, screener, ago(2))
    for days, value in ((62, "0.91"), (32, "0.86"), (2, "0.74")):
        monitoring_result_save(
            result=MonitoringResult(
                metric=ratio,
                measured_on=ago(days),
                value=Decimal(value),
                notes="Monthly extract."
                if days > 2
                else "After the October model "
                "update; older applicants shortlisted noticeably less often.",
                evidence=extract if days == 2 else None,
            ),
            actor=olivia,
        )
    monitoring_result_save(
        result=MonitoringResult(
            metric=overrides, measured_on=ago(12), value=Decimal("0.06")
        ),
        actor=users["maria"],
    )
    return 1


def _evidence(owner, system, collected_on):
    from controls.models import Evidence
    from controls.services import evidence_save

    return evidence_save(
        evidence=Evidence(
            title="Shortlist fairness extract, November",
            url="https://wiki.example.org/hr/screener-fairness-2026-11",
            owner=owner,
            collected_on=collected_on,
        ),
        actor=owner,
        m2m={"ai_systems": [system]},
    )
