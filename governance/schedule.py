"""When each measurement of an indicator is due (9.1: "when the monitoring and
measuring shall be performed").

An indicator's schedule is a series of due dates: the first due date (set on the
indicator, else the first measurement's date), then one per
period of its frequency (calendar months for monthly and longer frequencies, so a
quarterly indicator first due on 31 March is next due on 30 June). A measurement counts
for the first due date on or after its date, so each due date is met by a measurement
taken since the due date before it. A due date that passed without one is *overdue*
until a later due date is met, and *missed* from then on (it stays in the history).

The next due date is the first one after the latest measurement's; it is what the
reminder registry is told, so an overdue measurement climbs the escalation ladder
(owner, their escalation contact, then the committee) until someone measures.
"""

import datetime
from dataclasses import dataclass

from .choices import Frequency, ObjectiveStatus

# Months per period; weekly counts in days.
PERIOD_MONTHS = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.HALF_YEARLY: 6,
    Frequency.YEARLY: 12,
}
# A schedule never walks further than this many periods (a weekly indicator over
# twenty years); older due dates are history nobody pages through.
MAX_PERIODS = 1100


def _add_months(day: datetime.date, months: int) -> datetime.date:
    from .services import _add_months as add

    return add(day, months)


def due_on(indicator, index: int, first: datetime.date) -> datetime.date:
    """The ``index``-th due date (0 is the first) of the indicator's schedule."""
    months = PERIOD_MONTHS.get(Frequency(indicator.frequency))
    if months is None:
        return first + datetime.timedelta(days=7 * index)
    return _add_months(first, months * index)


def first_due(indicator, first_measured_on=None) -> datetime.date:
    """The first due date: set on the indicator; else the first measurement's date
    (measurements recorded before the schedule was set start it); else one period
    after the indicator was added."""
    if indicator.first_due:
        return indicator.first_due
    if first_measured_on is not None:
        return first_measured_on
    created = indicator.created.date() if indicator.created else None
    start = created or datetime.date.today()
    months = PERIOD_MONTHS.get(Frequency(indicator.frequency))
    if months is None:
        return start + datetime.timedelta(days=7)
    return _add_months(start, months)


def _slot_of(indicator, day: datetime.date, first: datetime.date) -> int:
    """The first due date on or after ``day`` (its index)."""
    index = 0
    while index < MAX_PERIODS and due_on(indicator, index, first) < day:
        index += 1
    return index


def is_scheduled(indicator) -> bool:
    """Closed indicators and those of objectives no longer active take no more."""
    objective = indicator.objective
    return not indicator.closed and objective.status == ObjectiveStatus.ACTIVE


def next_due(
    indicator, last_measured_on, first_measured_on=None
) -> datetime.date | None:
    """The due date after the latest measurement's; None when nothing is scheduled."""
    if not is_scheduled(indicator):
        return None
    first = first_due(indicator, first_measured_on)
    if last_measured_on is None:
        return first
    return due_on(indicator, _slot_of(indicator, last_measured_on, first) + 1, first)


@dataclass(frozen=True)
class Slot:
    due: datetime.date
    state: str  # met, missed, overdue, due (the next one), upcoming
    measurement: object = None

    @property
    def label(self) -> str:
        if self.state == "met":
            return f"met on {self.measurement.measured_on:%Y-%m-%d}"
        return {"due": "next due", "upcoming": "upcoming"}.get(self.state, self.state)


@dataclass(frozen=True)
class Schedule:
    indicator: object
    slots: tuple  # oldest first, the last ``history`` due dates and the next one
    next_due: datetime.date | None
    today: datetime.date

    @property
    def overdue_since(self) -> datetime.date | None:
        if self.next_due is not None and self.next_due < self.today:
            return self.next_due
        return None

    @property
    def days_overdue(self) -> int:
        since = self.overdue_since
        return (self.today - since).days if since else 0

    @property
    def missed(self) -> int:
        return sum(1 for slot in self.slots if slot.state == "missed")


def schedule_for(indicator, measurements, today, history: int = 6) -> Schedule:
    """The recent due dates with what met them, and the next one; ``measurements`` are
    the indicator's (any order), already read."""
    scheduled = is_scheduled(indicator)
    measurements = sorted(measurements, key=lambda m: (m.measured_on, m.pk))
    first = first_due(indicator, measurements[0].measured_on if measurements else None)
    met: dict[int, object] = {}
    for measurement in measurements:
        met[_slot_of(indicator, measurement.measured_on, first)] = measurement
    last_met = max(met, default=-1)
    upcoming = _slot_of(indicator, today, first)  # first due date today or later
    end = max(upcoming, last_met + 1) if scheduled else last_met
    slots = []
    for index in range(max(0, end - history), end + 1):
        due = due_on(indicator, index, first)
        if index in met:
            slots.append(Slot(due, "met", met[index]))
        elif index < last_met:
            slots.append(Slot(due, "missed"))
        elif not scheduled:
            continue
        elif due < today:
            slots.append(Slot(due, "overdue"))
        elif index == last_met + 1:
            slots.append(Slot(due, "due"))
        else:
            slots.append(Slot(due, "upcoming"))
    following = due_on(indicator, last_met + 1, first) if scheduled else None
    return Schedule(indicator, tuple(slots), following, today)
