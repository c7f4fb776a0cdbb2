"""The Art. 73 report deadline escalates by the hour, without telling anyone twice."""

import datetime

import pytest
from django_celery_beat.models import PeriodicTask

from aims import accounts, roles
from aims.models import Notification
from aims.notifications import notification_preference_save, reminders_send
from aims.reminders import hour_ladder_stage
from aims.tasks import reminders_send_hourly_task
from tests.factories import make_system, make_user

from .helpers import make_incident, make_serious, report_to_authority

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def _ladder(settings):
    settings.AIMS_REMINDER_LEAD_DAYS = (30, 7)
    settings.AIMS_ESCALATION_DAYS = (7, 14)
    settings.AIMS_URGENT_LEAD_HOURS = (24, 4)
    settings.AIMS_URGENT_ESCALATION_HOURS = (2, 8)


def _with_email(*users):
    for user in users:
        accounts.user_update(
            user=user, actor=None, email=f"{user.username}@example.org"
        )


def _stages(source="incidents.authority_report") -> dict[str, set[str]]:
    stages: dict[str, set[str]] = {}
    for username, stage in Notification.objects.filter(source=source).values_list(
        "recipient__username", "stage"
    ):
        stages.setdefault(username, set()).add(stage)
    return stages


def _mails_to(outbox, username) -> list:
    return [m for m in outbox if f"{username}@example.org" in m.to]


@pytest.fixture
def serious(alice, manager, alice_system):
    # Critical infrastructure: the 2-day case.
    return make_serious(
        make_incident(alice_system, alice), manager, limbs=("3(49)(b)",)
    )


def test_each_hour_stage_is_notified_and_mailed_once(
    alice, manager, committee, serious, mailoutbox
):
    deputy = make_user("mona", roles.AIMS_MANAGER)
    _with_email(alice, deputy, manager, committee)
    notification_preference_save(
        user=alice, actor=alice, digest_frequency="weekly", escalation_contact=deputy
    )
    deadline = serious.report_deadline

    reminders_send(now=deadline - 30 * HOUR, hourly=True)
    assert _stages()["alice"] == {"due-168h"}
    # A weekly reader still hears at once: the hourly run does not wait for Monday.
    first = _mails_to(mailoutbox, "alice")
    assert len(first) == 1
    assert "Report serious incident" in first[0].body
    # The managers and the committee know of the unsent report from the start.
    escalation = _stages("incidents.authority_report_escalation")
    assert {"maria", "grace"} <= set(escalation)

    # The next hour, and the daily run at the same moment, repeat nothing.
    sent = len(mailoutbox)
    count = Notification.objects.count()
    reminders_send(now=deadline - 29 * HOUR, hourly=True)
    reminders_send(now=deadline - 29 * HOUR)
    assert Notification.objects.count() == count
    assert len(mailoutbox) == sent

    reminders_send(now=deadline - 23 * HOUR, hourly=True)
    reminders_send(now=deadline - 3 * HOUR, hourly=True)
    assert _stages()["alice"] == {"due-168h", "due-24h", "due-4h"}
    alice_mails = _mails_to(mailoutbox, "alice")
    assert len(alice_mails) == 3
    message_ids = {m.extra_headers["Message-ID"] for m in alice_mails}
    assert len(message_ids) == 3

    # Two hours late: the owner's escalation contact; eight: the committee too.
    reminders_send(now=deadline + 2 * HOUR + SECOND, hourly=True)
    assert _stages()["mona"] == {"escalated-1"}
    assert "grace" not in _stages()
    contact_mail = _mails_to(mailoutbox, "mona")[-1]
    assert "escalation contact of Alice" in contact_mail.body
    reminders_send(now=deadline + 8 * HOUR + SECOND, hourly=True)
    assert _stages()["grace"] == {"escalated-2"}
    assert (
        Notification.objects.get(
            source="incidents.authority_report", recipient=committee
        ).reason
        == Notification.Reason.COMMITTEE
    )


def test_reporting_stops_the_clock(alice, manager, serious, mailoutbox):
    _with_email(alice)
    report_to_authority(serious, manager)
    reminders_send(now=serious.report_deadline + 9 * HOUR, hourly=True)
    assert not Notification.objects.filter(source__startswith="incidents.").exists()
    assert mailoutbox == []


def test_the_hourly_run_leaves_the_daily_reminders_to_the_daily_run(
    alice, serious, mailoutbox
):
    _with_email(alice)
    review = make_system(
        alice,
        name="Due for review",
        next_review_date=serious.report_deadline.date() + datetime.timedelta(days=3),
    )
    moment = serious.report_deadline - 30 * HOUR
    reminders_send(now=moment, hourly=True)
    assert not Notification.objects.filter(source="registry.aisystem_review").exists()
    assert len(_mails_to(mailoutbox, "alice")) == 1

    reminders_send(now=moment + HOUR)
    review_rows = Notification.objects.filter(
        source="registry.aisystem_review", object_id=str(review.pk)
    )
    assert review_rows.get().email_status == Notification.EmailStatus.SENT
    daily = _mails_to(mailoutbox, "alice")[-1]
    assert "Due for review" in daily.body
    # The incident reminder already went out in the hourly mail, not again here.
    assert "Report serious incident" not in daily.body


def test_an_hourly_job_is_in_the_database_schedule():
    job = PeriodicTask.objects.get(task="aims.reminders_send_hourly")
    assert (job.crontab.minute, job.crontab.hour, job.enabled) == ("5", "*", True)
    assert PeriodicTask.objects.filter(task="aims.reminders_send").exists()


def test_the_hourly_task_runs_the_service(alice, serious):
    result = reminders_send_hourly_task.delay().get()
    assert result["items"] >= 1
    assert Notification.objects.filter(
        source="incidents.authority_report", recipient=alice
    ).exists()


@pytest.mark.parametrize(
    ("hours", "stage"),
    [
        (800, None),
        (200, "due-720h"),
        (168, "due-168h"),
        (24.5, "due-168h"),
        (24, "due-24h"),
        (0, "due-4h"),
        (-1, "overdue"),
        (-2, "escalated-1"),
        (-8, "escalated-2"),
    ],
)
def test_the_hour_ladder(hours, stage):
    now = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    result = hour_ladder_stage(
        now + datetime.timedelta(hours=hours), now, (30, 7), (24, 4), (2, 8)
    )
    assert (result[0] if result else None) == stage
