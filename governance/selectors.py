"""Reads of the management system's records that pages, API and packs share."""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone

from aims.permissions import can

from .choices import IndicatorStatus, RecordStatus, ScopeStatus, VersionStatus
from .models import (
    ContextIssue,
    Document,
    Indicator,
    InterestedParty,
    Measurement,
    Objective,
    PlannedChange,
    ScopeVersion,
)
from .schedule import schedule_for


@dataclass
class IndicatorRow:
    indicator: Indicator
    measurements: list  # oldest first
    status: str
    today: datetime.date | None = None

    @cached_property
    def schedule(self):
        """When its measurements are due, and which were met (``governance.schedule``)."""
        return schedule_for(
            self.indicator, self.measurements, self.today or timezone.localdate()
        )

    @property
    def latest(self):
        return self.measurements[-1] if self.measurements else None

    @property
    def status_label(self) -> str:
        return IndicatorStatus(self.status).label


def indicator_rows(indicators, today=None) -> list[IndicatorRow]:
    """Each indicator with its measurements (oldest first) and computed status: two
    queries whatever the number of indicators."""
    today = today or timezone.localdate()
    indicators = list(indicators)
    by_indicator = {i.pk: [] for i in indicators}
    known = {i.pk: i for i in indicators}
    for m in Measurement.objects.filter(indicator__in=indicators).order_by(
        "measured_on", "pk"
    ):
        m.indicator = known[m.indicator_id]  # no query per measurement for its unit
        by_indicator[m.indicator_id].append(m)
    rows = []
    for indicator in indicators:
        measurements = by_indicator[indicator.pk]
        latest = measurements[-1] if measurements else None
        status = (
            IndicatorStatus.NO_DATA
            if indicator.closed and latest is None
            else indicator.status_for(latest, today)
        )
        rows.append(IndicatorRow(indicator, measurements, status, today))
    return rows


def overview(user) -> dict:
    """Figures of the management-system overview and home card: two queries. The
    management system's records carry no object permissions, so a user who may see a
    record type sees all of its rows."""
    from django.contrib.contenttypes.models import ContentType

    from .facts import count_of

    today = timezone.localdate()
    counts = {
        "issues_open": count_of(ContextIssue.objects.filter(status=RecordStatus.OPEN)),
        "parties": count_of(InterestedParty.objects.all()),
        "documents": count_of(Document.objects.all()),
        "documents_review_due": count_of(
            Document.objects.filter(next_review_date__lt=today)
        ),
        "ai_policy": count_of(
            Document.objects.filter(
                doc_type="ai_policy", versions__status=VersionStatus.APPROVED
            )
        ),
        "objectives": count_of(Objective.objects.filter(status="active")),
        "changes_open": count_of(
            PlannedChange.objects.exclude(status__in=("done", "cancelled"))
        ),
        "scope_drafts": count_of(ScopeVersion.objects.filter(status=ScopeStatus.DRAFT)),
    }
    figures = (
        ContentType.objects.filter(
            pk=ContentType.objects.get_for_model(ScopeVersion).pk
        )
        .annotate(**counts)
        .values(*counts)
        .get()
    )
    return {
        **figures,
        "scope": ScopeVersion.objects.in_force(),
        "scope_draft": figures["scope_drafts"],
        "can_view_changes": can(user, "view", PlannedChange),
    }
