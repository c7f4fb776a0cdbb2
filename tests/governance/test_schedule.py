"""Measurement schedules: when each measurement of an indicator is due, what met it,
the overdue ones on the objective page and the home card, and their reminders with
escalation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aims.models import Notification
from aims.notifications import reminders_send
from governance.models import Indicator
from governance.schedule import next_due, schedule_for
from governance.services import record_save

from .helpers import make_indicator, make_objective, measure

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _ago(days):
    return TODAY - datetime.timedelta(days=days)


def _indicator(owner, **fields):
    return make_indicator(make_objective(owner), owner, **fields)


def test_due_dates_follow_the_frequency_in_calendar_months(manager):
    indicator = _indicator(
        manager, frequency="quarterly", first_due=datetime.date(2026, 3, 31)
    )
    assert next_due(indicator, None) == datetime.date(2026, 3, 31)
    # Measured in the first quarter: next due at the end of the second.
    assert next_due(indicator, datetime.date(2026, 3, 2)) == datetime.date(2026, 6, 30)
    assert next_due(indicator, datetime.date(2026, 3, 31)) == datetime.date(2026, 6, 30)
    # Measured a day late: that measurement counts for the second quarter.
    assert next_due(indicator, datetime.date(2026, 4, 1)) == datetime.date(2026, 9, 30)


def test_weekly_indicators_are_due_every_seven_days(manager):
    indicator = _indicator(manager, frequency="weekly", first_due=_ago(20))
    # Due 20, 13 and 6 days ago: measured 10 days ago meets the one 6 days ago.
    assert next_due(indicator, _ago(10)) == TODAY + datetime.timedelta(days=1)
    assert next_due(indicator, None) == _ago(20)


def test_the_schedule_shows_met_missed_overdue_and_next(manager):
    indicator = _indicator(manager, frequency="monthly", first_due=_ago(150))
    measure(indicator, manager, 85, _ago(150))
    measure(indicator, manager, 86, _ago(90))
    schedule = schedule_for(indicator, list(indicator.measurements.all()), TODAY)
    states = [slot.state for slot in schedule.slots]
    assert states[0] == "met"
    assert "missed" in states  # the month between the two measurements
    assert states[-1] == "upcoming"  # after the overdue one, the next date
    assert "overdue" in states
    assert schedule.overdue_since is not None
    assert schedule.overdue_since < TODAY
    assert schedule.days_overdue == (TODAY - schedule.overdue_since).days


def test_a_closed_indicator_has_nothing_due(manager):
    indicator = _indicator(manager, first_due=_ago(40))
    assert next_due(indicator, None) == _ago(40)
    indicator.closed = True
    record_save(instance=indicator, actor=manager)
    assert next_due(Indicator.objects.get(pk=indicator.pk), None) is None


def test_an_overdue_measurement_shows_on_the_objective_page(manager, client_for):
    indicator = _indicator(manager, name="Fairness gap", first_due=_ago(12))
    page = client_for(manager).get(indicator.objective.get_absolute_url())
    html = page.content.decode()
    assert f"Measurement overdue since {_ago(12):%Y-%m-%d} (12 days)" in html
    assert "1 measurement overdue" in html

    measure(indicator, manager, 88, TODAY)
    html = client_for(manager).get(indicator.objective.get_absolute_url()).content
    html = html.decode()
    assert "overdue" not in html.split('id="indicators"')[1].split("<svg")[0]
    assert "Next measurement due" in html


def test_the_home_card_lists_overdue_measurements(manager, viewer, client_for):
    indicator = _indicator(manager, name="Fairness gap", first_due=_ago(3))
    _indicator(manager, name="Not yet due", first_due=TODAY + datetime.timedelta(5))
    html = client_for(manager).get(reverse("home")).content.decode()
    card = html.split('id="measurements-overdue"')[1].split("</tr>")[0]
    assert str(indicator) in card
    assert "3 days ago" in card
    assert "Not yet due" not in card


def test_an_overdue_measurement_is_reminded_and_escalates(manager, committee, settings):
    settings.AIMS_REMINDER_LEAD_DAYS = (30, 7)
    settings.AIMS_ESCALATION_DAYS = (7, 14)
    indicator = _indicator(manager, first_due=_ago(1))
    reminders_send(today=TODAY)
    note = Notification.objects.for_user(manager).get(source="governance.measurement")
    assert note.stage == "overdue"
    assert f"Measure {indicator}" in note.title

    reminders_send(today=TODAY + datetime.timedelta(days=13))
    assert (
        Notification.objects.for_user(committee)
        .filter(source="governance.measurement", stage="escalated-2")
        .exists()
    )

    # Measured: the next due date is a month away, no longer overdue.
    measure(indicator, manager, 90, TODAY)
    assert next_due(indicator, TODAY) > TODAY
