"""Art. 73 deadlines: every case of the reference file, at day and hour boundaries and
across time zones. Times are stored in UTC; the period counts days of the incident's zone."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from aims.reference import reference_data
from incidents.deadlines import applicable_rule, deadline_rules, reporting_deadline

UTC = datetime.UTC
BERLIN = ZoneInfo("Europe/Berlin")


def days_for(ref: str) -> int:
    cases = reference_data()["eu_ai_act_incident_reporting"]["deadlines"]
    return next(int(case["max_days"]) for case in cases if case["ref"] == ref)


def facts(limbs=("3(49)(c)",), death=False, widespread=False, serious=True):
    return SimpleNamespace(
        is_serious=serious,
        serious_limbs=list(limbs),
        involves_death=death,
        widespread_infringement=widespread,
    )


def test_every_reference_case_is_known():
    assert set(deadline_rules()) == {"Art. 73(2)", "Art. 73(3)", "Art. 73(4)"}
    assert (days_for("Art. 73(2)"), days_for("Art. 73(3)"), days_for("Art. 73(4)")) == (
        15,
        2,
        10,
    )


@pytest.mark.parametrize(
    ("incident", "ref"),
    [
        (facts(), "Art. 73(2)"),
        (facts(limbs=("3(49)(a)",), death=True), "Art. 73(4)"),
        (facts(limbs=("3(49)(b)",)), "Art. 73(3)"),
        (facts(widespread=True), "Art. 73(3)"),
        # Death in a critical-infrastructure disruption: the shorter period wins.
        (facts(limbs=("3(49)(a)", "3(49)(b)"), death=True), "Art. 73(3)"),
        (facts(limbs=("3(49)(d)",)), "Art. 73(2)"),
    ],
)
def test_the_rule_that_applies(incident, ref):
    rule = applicable_rule(incident)
    assert rule.ref == ref
    assert rule.max_days == days_for(ref)


def test_no_rule_for_an_incident_that_is_not_serious():
    assert applicable_rule(facts(serious=False)) is None


@pytest.mark.parametrize(
    ("ref", "last_day"),
    [("Art. 73(2)", 25), ("Art. 73(4)", 20), ("Art. 73(3)", 12)],
)
def test_period_ends_at_the_end_of_the_last_day(ref, last_day):
    aware = datetime.datetime(2026, 3, 10, 14, 0, tzinfo=BERLIN)
    deadline = reporting_deadline(aware, days_for(ref), "Europe/Berlin")
    # Berlin is UTC+1 in March before the switch: the day ends at 23:00 UTC.
    assert deadline == datetime.datetime(
        2026, 3, last_day, 22, 59, 59, 999999, tzinfo=UTC
    )
    assert (
        deadline.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")
        == f"2026-03-{last_day} 23:59"
    )


def test_the_day_of_awareness_does_not_count_whatever_the_hour():
    early = datetime.datetime(2026, 5, 4, 0, 0, tzinfo=BERLIN)
    late = datetime.datetime(2026, 5, 4, 23, 59, 59, tzinfo=BERLIN)
    next_day = datetime.datetime(2026, 5, 5, 0, 0, tzinfo=BERLIN)
    assert reporting_deadline(early, 2, "Europe/Berlin") == reporting_deadline(
        late, 2, "Europe/Berlin"
    )
    assert reporting_deadline(next_day, 2, "Europe/Berlin") - reporting_deadline(
        late, 2, "Europe/Berlin"
    ) == datetime.timedelta(days=1)


def test_an_hour_past_midnight_utc_is_a_different_day_in_berlin():
    aware = datetime.datetime(
        2026, 5, 4, 22, 30, tzinfo=UTC
    )  # 00:30 on 5 May in Berlin
    in_utc = reporting_deadline(aware, 2, "UTC")
    in_berlin = reporting_deadline(aware, 2, "Europe/Berlin")
    assert in_utc == datetime.datetime(2026, 5, 6, 23, 59, 59, 999999, tzinfo=UTC)
    # End of 7 May in Berlin (UTC+2 in summer) is 21:59:59 UTC.
    assert in_berlin == datetime.datetime(2026, 5, 7, 21, 59, 59, 999999, tzinfo=UTC)


def test_daylight_saving_change_inside_the_period():
    # Clocks go forward on 29 March 2026; the deadline is still local midnight.
    aware = datetime.datetime(2026, 3, 27, 9, 0, tzinfo=BERLIN)
    deadline = reporting_deadline(aware, 2, "Europe/Berlin")
    assert deadline == datetime.datetime(2026, 3, 29, 21, 59, 59, 999999, tzinfo=UTC)


def test_the_same_moment_in_tokyo_and_new_york():
    aware = datetime.datetime(
        2026, 6, 1, 3, 0, tzinfo=UTC
    )  # 12:00 Tokyo, 23:00 (31 May) New York
    tokyo = reporting_deadline(aware, 10, "Asia/Tokyo")
    new_york = reporting_deadline(aware, 10, "America/New_York")
    assert tokyo.astimezone(ZoneInfo("Asia/Tokyo")).date() == datetime.date(2026, 6, 11)
    assert new_york.astimezone(ZoneInfo("America/New_York")).date() == datetime.date(
        2026, 6, 10
    )
    assert tokyo.tzinfo == UTC and new_york.tzinfo == UTC
