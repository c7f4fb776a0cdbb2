"""EU AI Act Art. 73 reporting deadlines, computed from the reference data.

The cases and their number of days come from ``eu_ai_act_incident_reporting`` of the
reference file; this module only knows which facts of an incident make a case apply.
When several cases apply, the shortest period wins (a death in critical infrastructure
is a 2-day case, not a 10-day one).

How a period "of N days after awareness" is counted: as EU law counts periods in days
(Regulation (EEC, Euratom) No 1182/71), the day on which the organisation became aware
does not count, and the period ends when the last hour of the N-th following day
expires, in the time zone of the place the incident is handled in. Awareness at 00:05 or
at 23:55 on the same day therefore gives the same deadline. The portal does not push a
deadline past weekends or public holidays: reporting early is never wrong.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aims.reference import reference_data

__all__ = [
    "DeadlineRule",
    "applicable_rule",
    "deadline_rules",
    "reporting_deadline",
    "serious_incident_limbs",
]

# Art. 3(49)(b): serious and irreversible disruption of critical infrastructure.
CRITICAL_INFRASTRUCTURE_LIMB = "3(49)(b)"


@dataclass(frozen=True)
class DeadlineRule:
    ref: str
    case: str
    max_days: int
    clock: str


def _section() -> dict:
    return reference_data()["eu_ai_act_incident_reporting"]


def serious_incident_limbs() -> list[tuple[str, str]]:
    """(ref, title) of each limb of the serious-incident definition, Art. 3(49)."""
    limbs = _section()["serious_incident_definition"]["limbs"]
    return [(limb["ref"], limb["title"]) for limb in limbs]


def deadline_rules() -> dict[str, DeadlineRule]:
    return {
        item["ref"]: DeadlineRule(
            item["ref"], item["case"], int(item["max_days"]), item["clock"]
        )
        for item in _section()["deadlines"]
    }


# Which facts of an incident make each case of the reference file apply.
_APPLIES = {
    "Art. 73(2)": lambda facts: True,
    "Art. 73(3)": lambda facts: (
        facts.widespread_infringement
        or CRITICAL_INFRASTRUCTURE_LIMB in facts.serious_limbs
    ),
    "Art. 73(4)": lambda facts: facts.involves_death,
}


def applicable_rule(incident) -> DeadlineRule | None:
    """The case with the shortest period among those that apply to a serious incident
    (None for an incident that is not serious)."""
    if not incident.is_serious:
        return None
    rules = [
        rule
        for ref, rule in deadline_rules().items()
        if _APPLIES.get(ref, lambda facts: False)(incident)
    ]
    return min(rules, key=lambda rule: rule.max_days) if rules else None


def reporting_deadline(
    aware_at: datetime.datetime, days: int, time_zone: str
) -> datetime.datetime:
    """The last moment (UTC) of the ``days``-th day after the day of awareness."""
    zone = ZoneInfo(time_zone)
    aware_day = aware_at.astimezone(zone).date()
    last_day = aware_day + datetime.timedelta(days=days)
    next_midnight = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
    )
    # One microsecond before the following midnight: "the expiry of the last hour".
    return next_midnight.astimezone(datetime.UTC) - datetime.timedelta(microseconds=1)
