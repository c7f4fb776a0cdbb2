"""Reads of the management system's records that pages, API and packs share."""

from dataclasses import dataclass

from django.utils import timezone

from aims.permissions import can, visible_to

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


@dataclass
class IndicatorRow:
    indicator: Indicator
    measurements: list  # oldest first
    status: str

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
    for m in Measurement.objects.filter(indicator__in=indicators).order_by(
        "measured_on", "pk"
    ):
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
        rows.append(IndicatorRow(indicator, measurements, status))
    return rows


def overview(user) -> dict:
    """Counts for the management-system overview page (what the user may see)."""
    today = timezone.localdate()
    scope = ScopeVersion.objects.in_force()
    draft = ScopeVersion.objects.filter(status=ScopeStatus.DRAFT).first()
    documents = visible_to(Document.objects.all(), user)
    return {
        "scope": scope,
        "scope_draft": draft,
        "issues_open": visible_to(
            ContextIssue.objects.filter(status=RecordStatus.OPEN), user
        ).count(),
        "parties": visible_to(InterestedParty.objects.all(), user).count(),
        "documents": documents.count(),
        "documents_review_due": documents.filter(next_review_date__lt=today).count(),
        "ai_policy": Document.objects.filter(
            doc_type="ai_policy",
            versions__status=VersionStatus.APPROVED,
        ).exists(),
        "objectives": visible_to(
            Objective.objects.filter(status="active"), user
        ).count(),
        "changes_open": visible_to(
            PlannedChange.objects.exclude(status__in=("done", "cancelled")), user
        ).count(),
        "can_view_changes": can(user, "view", PlannedChange),
    }
