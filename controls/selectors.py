"""Reads that several pages and the API share: SoA rows with their counts, coverage."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from aims.counting import cached_aggregate, state_token
from aims.permissions import perm_name, visible_to
from risk.models import Risk, RiskControl

from .choices import CheckResult, Framework, ImplementationStatus
from .models import ControlCheck, Evidence, Requirement, SoAEntry


def soa_rows(version, today: datetime.date | None = None, reader=None):
    """The rows of one SoA version, each with its counts, in a fixed number of queries.
    With a ``reader``, risk counts include only the risks that reader may see."""
    return annotate_rows(SoAEntry.objects.filter(soa=version), today, reader)


def annotate_rows(queryset, today: datetime.date | None = None, reader=None):
    """SoA rows with their risk, evidence and last-check columns.

    The counts are grouped aggregates over the links of the rows' controls, one query
    each for the whole page, attached when the rows are read (``SoAEntryQuerySet``):
    never a correlated ``COUNT`` per row. The last check is the newest row of an
    index on (control, date, id), so filtering on it stays an index probe per row.
    """
    latest_check = ControlCheck.objects.filter(control=OuterRef("control_id")).order_by(
        "-checked_on", "-pk"
    )
    return (
        queryset.select_related("control__domain", "owner", "soa")
        .annotate(
            last_check_result=Subquery(latest_check.values("result")[:1]),
            last_checked_on=Subquery(latest_check.values("checked_on")[:1]),
        )
        .with_counts(today or timezone.localdate(), reader)
        .order_by("control__position", "control__control_id")
    )


def attach_counts(rows, today: datetime.date, reader=None) -> None:
    """Set ``risk_count``, ``evidence_count`` and ``current_evidence_count`` on SoA
    rows (with their controls loaded), from three grouped queries. With a ``reader``
    the risk count is of the risks they may see: a count is a disclosure too."""
    if not rows:
        return
    control_ids = {row.control.control_id for row in rows}
    control_pks = {row.control_id for row in rows}
    risk_links = RiskControl.objects.filter(control_id__in=control_ids)
    if reader is not None and not reader.has_perm(perm_name(Risk, "view")):
        risk_links = risk_links.filter(
            risk__in=visible_to(Risk.objects.all(), reader, "view").values("pk")
        )
    token = state_token()
    risks = dict(
        cached_aggregate(
            risk_links.order_by().values_list("control_id").annotate(n=Count("pk")),
            list,
            "soa.risk_counts",
            token,
        )
    )
    links = Evidence.controls.through.objects.filter(control_id__in=control_pks)
    current = Q(evidence__valid_until__isnull=True) | Q(
        evidence__valid_until__gte=today
    )
    evidence_rows = cached_aggregate(
        links.order_by()
        .values_list("control_id")
        .annotate(
            total=Count("evidence_id"), fresh=Count("evidence_id", filter=current)
        ),
        list,
        "soa.evidence_counts",
        token,
    )
    evidence = {control: (total, fresh) for control, total, fresh in evidence_rows}
    for row in rows:
        row.risk_count = risks.get(row.control.control_id, 0)
        row.evidence_count, row.current_evidence_count = evidence.get(
            row.control_id, (0, 0)
        )


def without_evidence():
    """SoA rows whose control has no evidence at all (an anti-join, no count)."""
    links = Evidence.controls.through.objects.filter(control_id=OuterRef("control_id"))
    return ~Exists(links)


def soa_totals(rows) -> dict[str, int]:
    """The counts above the SoA (page and pack) from rows of ``soa_rows``."""
    applicable = [r for r in rows if r.applicable]
    return {
        "rows": len(rows),
        "applicable": len(applicable),
        "excluded": sum(1 for r in rows if r.applicable is False),
        "undecided": sum(1 for r in rows if r.applicable is None),
        "implemented": sum(
            1 for r in applicable if r.implementation_status == "implemented"
        ),
        "without_evidence": sum(1 for r in applicable if not r.evidence_count),
        "failing": sum(
            1
            for r in rows
            if r.last_check_result in (CheckResult.FAIL, CheckResult.PARTIAL)
        ),
    }


def filter_failing(queryset):
    return queryset.filter(
        last_check_result__in=[CheckResult.FAIL, CheckResult.PARTIAL]
    )


# Crosswalk coverage: "test once, satisfy many"

COVERED, PARTIAL, NOT_COVERED = "covered", "partial", "not_covered"
COVERAGE_LABELS = {
    COVERED: "Covered",
    PARTIAL: "Partly covered",
    NOT_COVERED: "Not covered",
}


@dataclass
class ControlState:
    entry: SoAEntry
    evidenced: bool

    @property
    def satisfied(self) -> bool:
        """Applicable, implemented, and backed by current evidence."""
        return (
            self.entry.applicable is True
            and self.entry.implementation_status == ImplementationStatus.IMPLEMENTED
            and self.evidenced
        )

    @property
    def in_progress(self) -> bool:
        return self.entry.applicable is True and (
            self.entry.implementation_status
            in (ImplementationStatus.PARTIAL, ImplementationStatus.IMPLEMENTED)
        )


@dataclass
class RequirementCoverage:
    requirement: Requirement
    links: list = field(default_factory=list)  # (CrosswalkLink, ControlState | None)

    @property
    def status(self) -> str:
        states = [state for _, state in self.links if state is not None]
        if not self.links:
            return NOT_COVERED
        if (
            states
            and all(s.satisfied for s in states)
            and len(states) == len(self.links)
        ):
            return COVERED
        if any(s.satisfied or s.in_progress for s in states):
            return PARTIAL
        return NOT_COVERED

    @property
    def status_label(self) -> str:
        return COVERAGE_LABELS[self.status]


def coverage(version, framework: str, today=None) -> list[RequirementCoverage]:
    """Each requirement of ``framework`` with the state of the controls mapped to it.

    Covered: every mapped control is applicable, implemented and has current evidence.
    Partly: at least one mapped control is at least partly implemented. Not covered:
    nothing mapped, or nothing implemented.
    """
    rows = {row.control_id: row for row in soa_rows(version, today)}
    requirements = Requirement.objects.filter(framework=framework).prefetch_related(
        "links__control"
    )
    result = []
    for requirement in requirements:
        item = RequirementCoverage(requirement)
        for link in requirement.links.all():
            row = rows.get(link.control_id)
            state = (
                ControlState(row, row.current_evidence_count > 0)
                if row is not None
                else None
            )
            item.links.append((link, state))
        result.append(item)
    return result


def coverage_summary(items: list[RequirementCoverage]) -> dict[str, int]:
    summary = {COVERED: 0, PARTIAL: 0, NOT_COVERED: 0}
    for item in items:
        summary[item.status] += 1
    return summary


FRAMEWORKS = [(value, label) for value, label in Framework.choices]
