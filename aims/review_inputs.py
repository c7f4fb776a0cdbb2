"""The inputs of a management review (ISO/IEC 42001 9.3.2), computed from live data.

The audit app prepares and holds reviews; every app that holds records a review should
consider contributes an input here, without the audit app importing it::

    from aims.review_inputs import Figure, InputReport, ReviewInput, register

    def incidents_input(as_of, since):
        ...
        return InputReport(
            figures=[Figure("Serious incidents", 2, previous=0, url=reverse(...))],
            summary="2 serious incidents, both reported within their deadline.",
        )

    register(ReviewInput(
        key="incidents.incidents", input_id="added", order=70,
        title="AI incidents and serious-incident reports (EU AI Act Art. 73)",
        compute=incidents_input,
    ))

``input_id`` is an id of ``iso42001_management_review_inputs.inputs`` in the reference
file (``"9.3.2 d) 1)"``) or ``"added"`` for the inputs commonly added. ``compute(as_of,
since)`` reads the state on the review date ``as_of`` and the changes since the previous
review (``since``; None for the first review), organisation-wide, in a constant number of
queries; ``previous`` is the same figure for the period before, for trends. Figures,
summary and ``data`` must be JSON-safe: a signed review keeps them as they were.
"""

import datetime
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

__all__ = [
    "Figure",
    "InputReport",
    "ReviewInput",
    "compute_inputs",
    "register",
    "registered_inputs",
    "unregister",
]


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | float | str
    previous: int | float | str | None = None
    url: str = ""


@dataclass(frozen=True)
class InputReport:
    figures: list[Figure] = field(default_factory=list)
    summary: str = ""
    records_url: str = ""
    data: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ReviewInput:
    key: str
    input_id: str
    title: str
    order: int
    compute: Callable[[datetime.date, datetime.date | None], InputReport]
    # Stands in for records no app holds yet (facts entered by hand): left out as
    # soon as another input with the same ``input_id`` is registered.
    fallback: bool = False


_inputs: dict[str, ReviewInput] = {}


def register(review_input: ReviewInput) -> ReviewInput:
    _inputs[review_input.key] = review_input
    return review_input


def unregister(key: str) -> None:
    _inputs.pop(key, None)


def registered_inputs(*, with_fallbacks: bool = False) -> list[ReviewInput]:
    """The inputs a review is prepared with; ``with_fallbacks`` also gives those
    another input replaced (a review prepared before still reads them)."""
    held = {i.input_id for i in _inputs.values() if not i.fallback}
    return sorted(
        (
            i
            for i in _inputs.values()
            if with_fallbacks or not (i.fallback and i.input_id in held)
        ),
        key=lambda i: (i.order, i.key),
    )


def compute_inputs(
    as_of: datetime.date, since: datetime.date | None
) -> list[tuple[ReviewInput, InputReport]]:
    return [(item, item.compute(as_of, since)) for item in registered_inputs()]
