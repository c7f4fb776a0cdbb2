"""Certification readiness, computed from live records: every requirement of clauses 4
to 10 and every Annex A control, judged from what the apps hold, with the blockers that
stand apart.

The shared part names no domain app. Apps plug in from their ``plugins.py``:

* **judges** say how requirements stand, from their records. One judge may answer for
  many requirements in one pass (the controls app judges all 38 Annex A controls from the
  SoA rows in one query)::

      register_judge(Judge("risk.assessment", "Risk assessments", judge=risk_judgements))

      def risk_judgements(as_of) -> dict[str, Judgement]:
          return {"6.1.2": Judgement(Readiness.PARTIAL, "3 of 5 systems assessed", ...)}

* **blockers** are what stops a certification outright whatever the percentages say
  (an open major nonconformity, a prohibited AI system in scope, an unapproved SoA or
  scope, a serious incident past its reporting deadline)::

      register_blocker(BlockerSource("audit.major_nc", "Open major nonconformity",
                                     action="Close it with a verified corrective action.",
                                     find=open_major_ncs))

Besides judges, every documented-information item (``aims.documented_information``) judges
the clause or control it belongs to. A requirement nothing judges is **not assessed**
until someone records a self-assessment with a justification and a date; it is never
silently ready.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from django.db import models

from . import documented_information
from .permissions import can

__all__ = [
    "BlockerItem",
    "BlockerSource",
    "Judge",
    "Judgement",
    "Readiness",
    "ReadinessReport",
    "Requirement",
    "compute",
    "gap_rows",
    "register_blocker",
    "register_judge",
    "requirements",
    "unregister_blocker",
    "unregister_judge",
    "visible_blockers",
    "visible_title",
]


class Readiness(StrEnum):
    READY = "ready"
    PARTIAL = "partial"
    NOT_READY = "not_ready"
    NOT_ASSESSED = "not_assessed"

    @property
    def label(self) -> str:
        return {
            "ready": "Ready",
            "partial": "Partly ready",
            "not_ready": "Not ready",
            "not_assessed": "Not assessed",
        }[self.value]

    @property
    def score(self) -> float:
        """Weight in the percentages: a partly met requirement counts half."""
        return {"ready": 1.0, "partial": 0.5}.get(self.value, 0.0)


# Worst first.
_ORDER = [
    Readiness.NOT_ASSESSED,
    Readiness.NOT_READY,
    Readiness.PARTIAL,
    Readiness.READY,
]


def _worst(statuses) -> Readiness:
    return min(statuses, key=_ORDER.index)


@dataclass(frozen=True)
class Judgement:
    status: Readiness
    summary: str
    # What would close the gap, and who should act (a person or a role, by name).
    action: str = ""
    owner: str = ""
    url: str = ""


@dataclass(frozen=True)
class Judge:
    key: str
    label: str
    judge: Callable[[datetime.date], dict[str, Judgement]]


@dataclass(frozen=True)
class BlockerItem:
    reference: str
    title: str
    url: str = ""
    owner: str = ""
    # The record, so that its title is shown only to people who may see it.
    obj: models.Model | None = None


@dataclass(frozen=True)
class BlockerSource:
    key: str
    label: str
    action: str
    find: Callable[[datetime.date], list[BlockerItem]]


_judges: dict[str, Judge] = {}
_blockers: dict[str, BlockerSource] = {}


def register_judge(judge: Judge) -> Judge:
    _judges[judge.key] = judge
    return judge


def unregister_judge(key: str) -> None:
    _judges.pop(key, None)


def register_blocker(source: BlockerSource) -> BlockerSource:
    _blockers[source.key] = source
    return source


def unregister_blocker(key: str) -> None:
    _blockers.pop(key, None)


# The requirements


@dataclass(frozen=True)
class Requirement:
    id: str
    title: str
    # "4" ... "10" for clauses, the Annex A domain ("A.2" ...) for controls.
    group: str
    group_title: str
    kind: str  # "clause" or "annex_a"


def requirements() -> list[Requirement]:
    """The leaf requirements of clauses 4 to 10, then the Annex A controls."""
    from .reference import reference_data

    data = reference_data()
    clauses = data["iso42001_clauses"]
    parents = {c.get("parent") for c in clauses}
    titles = {c["id"]: c["title"] for c in clauses}
    found = [
        Requirement(
            id=c["id"],
            title=c["title"],
            group=c["id"].split(".")[0],
            group_title=titles.get(c["id"].split(".")[0], ""),
            kind="clause",
        )
        for c in clauses
        if "." in c["id"] and c["id"] not in parents
    ]
    annex = data["iso42001_annex_a"]
    domains = {d["id"]: d["title"] for d in annex["domains"]}
    for control in annex["controls"]:
        domain = control.get("domain") or ".".join(control["id"].split(".")[:2])
        found.append(
            Requirement(
                id=control["id"],
                title=control["title"],
                group=domain,
                group_title=domains.get(domain, ""),
                kind="annex_a",
            )
        )
    return found


def _applies(judged_id: str, requirement_id: str) -> bool:
    """A judgement of "9.2" answers for "9.2.1" and "9.2.2" too."""
    return requirement_id == judged_id or requirement_id.startswith(judged_id + ".")


# Computing


@dataclass
class RequirementReport:
    requirement: Requirement
    status: Readiness
    judgements: list[tuple[str, Judgement]] = field(default_factory=list)
    self_assessment: object | None = None

    @property
    def basis(self) -> str:
        if self.judgements:
            return "records"
        if self.self_assessment is not None:
            return "self-assessment"
        return ""

    @property
    def gaps(self) -> list[Judgement]:
        return [j for _, j in self.judgements if j.status != Readiness.READY]


@dataclass
class GroupReport:
    group: str
    title: str
    kind: str
    requirements: list[RequirementReport]

    @property
    def percent(self) -> int:
        if not self.requirements:
            return 0
        total = sum(r.status.score for r in self.requirements)
        return round(100 * total / len(self.requirements))

    def count(self, status: str) -> int:
        return sum(1 for r in self.requirements if r.status == status)


@dataclass
class Blocker:
    source: BlockerSource
    items: list[BlockerItem]


@dataclass
class ReadinessReport:
    as_of: datetime.date
    requirements: list[RequirementReport]
    blockers: list[Blocker]

    def groups(self, kind: str) -> list[GroupReport]:
        grouped: dict[str, list[RequirementReport]] = defaultdict(list)
        titles = {}
        for report in self.requirements:
            if report.requirement.kind == kind:
                grouped[report.requirement.group].append(report)
                titles[report.requirement.group] = report.requirement.group_title
        return [
            GroupReport(group, titles[group], kind, reports)
            for group, reports in grouped.items()
        ]

    @property
    def clause_groups(self) -> list[GroupReport]:
        return self.groups("clause")

    @property
    def annex_groups(self) -> list[GroupReport]:
        return self.groups("annex_a")

    def percent(self, kind: str) -> int:
        reports = [r for r in self.requirements if r.requirement.kind == kind]
        if not reports:
            return 0
        return round(100 * sum(r.status.score for r in reports) / len(reports))

    @property
    def blocked(self) -> bool:
        return any(blocker.items for blocker in self.blockers)

    def counts(self) -> dict[str, int]:
        counts = {status.value: 0 for status in Readiness}
        for report in self.requirements:
            counts[report.status.value] += 1
        return counts

    def as_json(self) -> dict:
        """A JSON-safe copy (for the gap-report snapshots and the API); blocker titles are
        kept only as references, never titles."""
        return {
            "as_of": self.as_of.isoformat(),
            "percent": {
                "clauses": self.percent("clause"),
                "annex_a": self.percent("annex_a"),
            },
            "groups": [
                {
                    "group": g.group,
                    "title": g.title,
                    "kind": g.kind,
                    "percent": g.percent,
                }
                for g in [*self.clause_groups, *self.annex_groups]
            ],
            "requirements": [
                {
                    "id": r.requirement.id,
                    "title": r.requirement.title,
                    "kind": r.requirement.kind,
                    "group": r.requirement.group,
                    "status": r.status.value,
                    "basis": r.basis,
                    "judgements": [
                        {"source": source, **_judgement_json(j)}
                        for source, j in r.judgements
                    ],
                    "self_assessment": (
                        {
                            "status": r.self_assessment.status,
                            "justification": r.self_assessment.justification,
                            "assessed_on": r.self_assessment.assessed_on.isoformat(),
                            "assessed_by": str(r.self_assessment.assessed_by),
                        }
                        if r.self_assessment is not None
                        else None
                    ),
                }
                for r in self.requirements
            ],
            "blockers": [
                {
                    "key": b.source.key,
                    "label": b.source.label,
                    "action": b.source.action,
                    "items": [
                        {"reference": i.reference, "url": i.url, "owner": i.owner}
                        for i in b.items
                    ],
                }
                for b in self.blockers
            ],
        }


def _judgement_json(judgement: Judgement) -> dict:
    data = asdict(judgement)
    data["status"] = judgement.status.value
    return data


def _from_documented_information(as_of) -> dict[str, list[tuple[str, Judgement]]]:
    """Each mapped documented-information item judges its clause or control."""
    state_to_readiness = {
        "ok": Readiness.READY,
        "partial": Readiness.PARTIAL,
        "stale": Readiness.PARTIAL,
        "unapproved": Readiness.PARTIAL,
        "missing": Readiness.NOT_READY,
    }
    found: dict[str, list[tuple[str, Judgement]]] = defaultdict(list)
    for item in documented_information.item_statuses(as_of):
        if not item.mapped:
            continue
        best = item.best
        label = f"{item.item['id']} {item.item['title']}"
        found[item.item["clause_or_control"].split(" ")[0]].append(
            (
                label,
                Judgement(
                    status=state_to_readiness[item.state.value],
                    summary=f"{item.state.label}: {best.summary}".rstrip(": "),
                    action=(
                        ""
                        if item.state.value == "ok"
                        else f"Bring '{item.item['title']}' up to date ({item.state.label.lower()})."
                    ),
                    url=best.url,
                ),
            )
        )
    return found


def compute(as_of: datetime.date | None = None) -> ReadinessReport:
    """Readiness of every requirement on ``as_of``, in a constant number of queries."""
    from django.utils import timezone

    from .models import SelfAssessment

    as_of = as_of or timezone.localdate()
    reqs = requirements()
    judged: dict[str, list[tuple[str, Judgement]]] = defaultdict(list)
    for judge in _judges.values():
        for requirement_id, judgement in judge.judge(as_of).items():
            judged[requirement_id].append((judge.label, judgement))
    for requirement_id, items in _from_documented_information(as_of).items():
        judged[requirement_id].extend(items)
    assessments = SelfAssessment.objects.current(as_of)
    reports = []
    for requirement in reqs:
        judgements = [
            item
            for judged_id, items in judged.items()
            if _applies(judged_id, requirement.id)
            for item in items
        ]
        assessment = assessments.get(requirement.id)
        if judgements:
            status = _worst(j.status for _, j in judgements)
        elif assessment is not None:
            status = Readiness(assessment.status)
        else:
            status = Readiness.NOT_ASSESSED
        reports.append(RequirementReport(requirement, status, judgements, assessment))
    blockers = [
        Blocker(source, list(source.find(as_of)))
        for source in sorted(_blockers.values(), key=lambda s: s.key)
    ]
    return ReadinessReport(as_of, reports, blockers)


def visible_title(item: BlockerItem, user) -> str:
    """The blocker's title where the user may see its record, else its reference only."""
    if item.obj is None or can(user, "view", item.obj):
        return item.title
    return ""


def visible_blockers(report: ReadinessReport, user) -> list[dict]:
    """The blockers that have items, each item titled only where ``user`` may see its
    record (pages and packs)."""
    return [
        {
            "source": blocker.source,
            "items": [
                {
                    "reference": item.reference,
                    "title": visible_title(item, user),
                    "url": item.url if visible_title(item, user) else "",
                    "owner": item.owner,
                }
                for item in blocker.items
            ],
        }
        for blocker in report.blockers
        if blocker.items
    ]


def gap_rows(report: ReadinessReport) -> list[dict]:
    """One row per requirement that is not ready, with what closes it (page and exports)."""
    rows = []
    for item in report.requirements:
        if item.status == Readiness.READY:
            continue
        gaps = item.gaps
        rows.append(
            {
                "requirement": item.requirement,
                "status": item.status,
                "summary": "; ".join(g.summary for g in gaps if g.summary)
                or (
                    "Nothing records this requirement yet: record a self-assessment."
                    if item.status == Readiness.NOT_ASSESSED
                    else (
                        item.self_assessment.justification
                        if item.self_assessment
                        else ""
                    )
                ),
                "owner": ", ".join(sorted({g.owner for g in gaps if g.owner})),
                "action": " ".join(dict.fromkeys(g.action for g in gaps if g.action))
                or (
                    "Assess it and record the justification."
                    if item.status == Readiness.NOT_ASSESSED
                    else ""
                ),
            }
        )
    return rows
