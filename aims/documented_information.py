"""Which records hold the documented information ISO/IEC 42001 asks for, and how each
item stands: the plug point of the readiness view.

The 54 items are facts in the reference file (``iso42001_documented_information``, IDs
``DI-01`` to ``DI-23`` for clauses 4 to 10 and ``DI-A01`` to ``DI-A31`` for Annex A).
An app that holds an item registers a source for it in ``AppConfig.ready()``::

    from aims.documented_information import ItemStatus, Source, register

    def scope_status(as_of):
        version = ScopeVersion.objects.approved().first()
        if version is None:
            return ItemStatus(present=False, summary="No approved scope yet.",
                              url=reverse("governance:scope"))
        return ItemStatus(present=True, approved=True,
                          current=version.next_review_date >= as_of, ...)

    register(Source("DI-01", "AIMS scope versions", scope_status))

Several sources may serve one item (their statuses are combined: the item is as good as
its best source). ``judge(as_of)`` must answer for the organisation as a whole, in a
constant number of queries, and its ``summary`` carries counts and references, never the
titles of records (the readiness page is read by people who may not see every record).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "ItemState",
    "ItemStatus",
    "Source",
    "item_statuses",
    "reference_items",
    "register",
    "registered_sources",
    "sources_for",
    "unregister",
]


class ItemState(StrEnum):
    MISSING = "missing"
    PARTIAL = "partial"
    UNAPPROVED = "unapproved"
    STALE = "stale"
    OK = "ok"

    @property
    def label(self) -> str:
        return {
            "missing": "Missing",
            "partial": "Partial",
            "unapproved": "Not approved",
            "stale": "Out of date",
            "ok": "In place",
        }[self.value]


# Worst first: combining sources keeps the best, reporting sorts by the worst.
_RANK = [
    ItemState.MISSING,
    ItemState.PARTIAL,
    ItemState.UNAPPROVED,
    ItemState.STALE,
    ItemState.OK,
]


@dataclass(frozen=True)
class ItemStatus:
    """How one source judges an item on a date.

    ``approved`` and ``current`` are None where approval or a review interval does not
    apply; ``done``/``total`` count the parts where completeness does ("approved for 4
    of 5 in-scope systems").
    """

    present: bool
    approved: bool | None = None
    current: bool | None = None
    done: int | None = None
    total: int | None = None
    summary: str = ""
    url: str = ""

    @property
    def state(self) -> ItemState:
        if not self.present:
            return ItemState.MISSING
        if self.total is not None and (self.done or 0) < self.total:
            return ItemState.PARTIAL
        if self.approved is False:
            return ItemState.UNAPPROVED
        if self.current is False:
            return ItemState.STALE
        return ItemState.OK

    @property
    def rank(self) -> int:
        return _RANK.index(self.state)


@dataclass(frozen=True)
class Source:
    item_id: str
    label: str
    judge: Callable[[datetime.date], ItemStatus]


_sources: dict[str, dict[str, Source]] = {}


def register(source: Source) -> Source:
    """Add (or replace, by item and label) a source of an item."""
    _sources.setdefault(source.item_id, {})[source.label] = source
    return source


def unregister(item_id: str, label: str) -> None:
    _sources.get(item_id, {}).pop(label, None)


def registered_sources() -> dict[str, list[Source]]:
    return {item: list(sources.values()) for item, sources in _sources.items()}


def sources_for(item_id: str) -> list[Source]:
    return list(_sources.get(item_id, {}).values())


def reference_items() -> list[dict]:
    """The 54 items of the reference file, clauses first."""
    from .reference import reference_data

    data = reference_data()["iso42001_documented_information"]
    return [*data["clause_items"], *data["annex_a_items"]]


@dataclass(frozen=True)
class ItemReport:
    item: dict
    statuses: list[tuple[Source, ItemStatus]]

    @property
    def best(self) -> ItemStatus | None:
        if not self.statuses:
            return None
        return max((status for _, status in self.statuses), key=lambda s: s.rank)

    @property
    def state(self) -> ItemState:
        best = self.best
        return best.state if best is not None else ItemState.MISSING

    @property
    def mapped(self) -> bool:
        return bool(self.statuses)


def item_statuses(as_of: datetime.date | None = None) -> list[ItemReport]:
    """Every reference item with the status of each of its sources on ``as_of``."""
    from django.utils import timezone

    as_of = as_of or timezone.localdate()
    return [
        ItemReport(
            item,
            [(source, source.judge(as_of)) for source in sources_for(item["id"])],
        )
        for item in reference_items()
    ]
