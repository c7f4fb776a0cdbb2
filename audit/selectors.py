"""Reads of the audit app that pages, API and packs share."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from aims.permissions import visible_to

from .models import Audit, AuditProgramme
from .reference import clause_requirements, control_requirements, covers

__all__ = ["Coverage", "programme_audits", "programme_coverage"]


def programme_audits(programme: AuditProgramme):
    """The audits of every version of the programme (a new version keeps its audits)."""
    return Audit.objects.filter(programme__reference=programme.reference)


@dataclass
class CoverageRow:
    key: str
    title: str
    audits: list = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return bool(self.audits)


@dataclass
class Coverage:
    clauses: list[CoverageRow]
    controls: list[CoverageRow]
    systems: list[CoverageRow]

    @staticmethod
    def _uncovered(rows) -> int:
        return sum(1 for row in rows if not row.covered)

    @property
    def summary(self) -> dict:
        return {
            name: {"total": len(rows), "uncovered": self._uncovered(rows)}
            for name, rows in (
                ("clauses", self.clauses),
                ("controls", self.controls),
                ("systems", self.systems),
            )
        }


def programme_coverage(programme: AuditProgramme, user) -> Coverage:
    """For every clause requirement of 4 to 10, every Annex A control and every AI
    system in scope: which audits of the programme cover it in its period. AI systems
    the user may not see are counted, never named."""
    from registry.models import AISystem
    from registry.scope import systems_in_scope

    audits = list(
        programme_audits(programme)
        .in_period(programme.period_start, programme.period_end)
        .prefetch_related(Prefetch("ai_systems", queryset=AISystem.objects.only("pk")))
        .order_by("planned_start", "reference")
    )
    clauses = [
        CoverageRow(r.id, r.title, [a for a in audits if covers(a.scope_clauses, r.id)])
        for r in clause_requirements()
    ]
    controls = [
        CoverageRow(
            r.id, r.title, [a for a in audits if covers(a.scope_controls, r.id)]
        )
        for r in control_requirements()
    ]
    systems_by_audit = {a.pk: {s.pk for s in a.ai_systems.all()} for a in audits}
    scope = systems_in_scope(programme.period_end).order_by("reference")
    visible = set(visible_to(scope, user).values_list("pk", flat=True))
    systems = []
    for pk, reference, name in scope.values_list("pk", "reference", "name"):
        label = name if pk in visible else "(not visible to you)"
        systems.append(
            CoverageRow(
                reference,
                label,
                [a for a in audits if pk in systems_by_audit[a.pk]],
            )
        )
    return Coverage(clauses, controls, systems)
