"""Release gates: what must hold before an AI system moves to *deployed* or a release
is recorded (ISO/IEC 42001 A.6.2.5). Apps add conditions without the register importing
them, e.g. the impact app's "impact assessment approved and not review needed"::

    from registry.gates import GateCondition, register

    register(GateCondition(
        key="impact.assessment_approved",
        label="Impact assessment approved",
        check=lambda system, release: [] if ok else ["No approved impact assessment."],
    ))

``check(system, release)`` returns the problems (empty: met), each a sentence that says
exactly what is missing; ``release`` is None for the move to *deployed*. ``applies``
limits a condition to some systems (e.g. high-risk ones).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = [
    "GateCondition",
    "GateResult",
    "evaluate",
    "register",
    "registered_conditions",
    "unregister",
]


def _always(system) -> bool:
    return True


@dataclass(frozen=True)
class GateCondition:
    key: str
    label: str
    check: Callable
    applies: Callable = _always
    order: int = 100


@dataclass(frozen=True)
class GateResult:
    condition: GateCondition
    problems: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return not self.problems


_conditions: dict[str, GateCondition] = {}


def register(condition: GateCondition) -> GateCondition:
    _conditions[condition.key] = condition
    return condition


def unregister(key: str) -> None:
    _conditions.pop(key, None)


def registered_conditions() -> list[GateCondition]:
    return sorted(_conditions.values(), key=lambda c: (c.order, c.key))


def evaluate(system, release=None) -> list[GateResult]:
    """Every condition that applies to ``system``, with its problems."""
    return [
        GateResult(condition, list(condition.check(system, release)))
        for condition in registered_conditions()
        if condition.applies(system)
    ]
