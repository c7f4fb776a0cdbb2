"""The daily reminder run: who hears about what, when, once, and how it escalates."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from aims import accounts
from aims.models import Notification, ObjectChange
from aims.reminders import (
    DueItem,
    DueSource,
    ladder_stage,
    register,
    reminder_schedule_install,
    unregister,
)
from aims.tasks import reminders_send_task
from registry.services import ai_system_save
from risk.models import TreatmentAction
from risk.services import risk_transition, treatment_action_save
from tests.factories import make_risk, make_system, make_user

from .conftest import days, run, set_contact, set_email, system_due, titles

LEADS, ESCALATIONS = (30, 7), (7, 14)


# Selection at the boundaries


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (31, None),
        (30, ("due-30", "due_soon", 0)),
        (8, ("due-30", "due_soon", 0)),
        (7, ("due-7", "due_soon", 0)),
        (0, ("due-7", "due_soon", 0)),
        (-1, ("overdue", "overdue", 0)),
        (-6, ("overdue", "overdue", 0)),
        (-7, ("escalated-1", "escalated", 1)),
        (-13, ("escalated-1", "escalated", 1)),
        (-14, ("escalated-2", "escalated", 2)),
        (-400, ("escalated-2", "escalated", 2)),
    ],
)
def test_the_ladder_puts_each_due_date_on_the_right_step(days_left, expected):
    today = datetime.date(2026, 3, 10)
    due = today + datetime.timedelta(days=days_left)
    assert ladder_stage(due, today, LEADS, ESCALATIONS) == expected


def test_it_reminds_at_30_and_7_days_on_the_due_day_and_when_overdue_but_not_at_31(
    alice,
):
    for in_days in (31, 30, 7, 0, -1):
        system_due(alice, in_days)

    report = run()

    assert report.items == 4
    messages = {n.title: n.message for n in Notification.objects.for_user(alice).all()}
    assert sorted(messages) == [
        "Review AIS-0002 System due in 30",
        "Review AIS-0003 System due in 7",
        "Review AIS-0004 System due in 0",
        "Review AIS-0005 System due in -1",
    ]
    assert "due in 30 days" in messages["Review AIS-0002 System due in 30"]
    assert "due in 7 days" in messages["Review AIS-0003 System due in 7"]
    assert "due today" in messages["Review AIS-0004 System due in 0"]
    assert "overdue by 1 day" in messages["Review AIS-0005 System due in -1"]


def test_an_item_is_reminded_again_only_when_it_reaches_the_next_step(alice):
    system_due(alice, 30)
    assert run().notified == 1
    assert run(on=1).notified == 0  # 29 days left: still the 30-day step
    assert run(on=23).notified == 1  # 7 days left
    assert run(on=30).notified == 0  # due today: same step as 7 days
    assert run(on=31).notified == 1  # overdue
    stages = Notification.objects.for_user(alice).values_list("stage", flat=True)
    assert sorted(stages) == ["due-30", "due-7", "overdue"]


def test_risk_reviews_and_open_treatment_actions_are_reminded_to_their_owners(
    risk_owner, manager
):
    risk = make_risk(risk_owner, title="Model drift", next_review_date=days(-2))
    closed = make_risk(risk_owner, title="Old risk", next_review_date=days(-2))
    risk_transition(risk=closed, to_status="closed", actor=manager)
    for description, status in (("Retrain", "planned"), ("Archive", "done")):
        treatment_action_save(
            action=TreatmentAction(
                risk=risk,
                description=description,
                owner=manager,
                due_date=days(3),
                status=status,
            ),
            actor=risk_owner,
        )

    run()

    assert titles(risk_owner) == [f"Review {risk}"]
    assert titles(manager) == [f"{risk.reference}: Retrain"]


def test_retired_systems_and_systems_without_a_review_date_are_not_reminded(alice):
    system_due(alice, 3, name="In use")
    retired = system_due(alice, 3, name="Retired")
    retired.lifecycle_stage = "retired"
    ai_system_save(system=retired, actor=alice)
    make_system(alice, name="No date")

    run()

    assert titles(alice) == ["Review AIS-0001 In use"]


def test_an_app_plugs_in_a_source_in_a_few_lines(alice):
    """The interface the controls app uses: a key, a label, and the items due by a date."""
    evidence = system_due(alice, 90)  # any record will do; its own date is far away
    register(
        DueSource(
            "tests.evidence_expiry",
            "Evidence expiry",
            lambda until: [
                DueItem(
                    obj=evidence,
                    due_date=days(2),
                    responsible=[alice],
                    title="Bias test report",
                    url="/controls/evidence/7/",
                )
            ],
        )
    )
    try:
        set_email(alice)
        run()
    finally:
        unregister("tests.evidence_expiry")

    notification = Notification.objects.for_user(alice).get()
    assert notification.title == "Bias test report"
    assert notification.message.startswith("Evidence expiry: due in 2 days")
    assert "https://aims.example.org/controls/evidence/7/" in mail.outbox[0].body


def test_a_broken_source_is_skipped_and_the_others_still_remind(alice, bob, settings):
    set_email(bob)
    set_contact(bob, None, frequency="weekly")
    settings.AIMS_DIGEST_WEEKDAY = days(5).weekday()  # bob's advance notice waits
    system_due(alice, 5)
    calls = []

    def flaky(until):
        calls.append(until)
        if len(calls) > 1:
            raise RuntimeError("bug in a plug-in")
        return [DueItem(obj=alice, due_date=days(4), responsible=[bob], title="Tmp")]

    register(DueSource("tests.flaky", "Flaky", flaky))
    try:
        run()
        report = run(on=1)
    finally:
        unregister("tests.flaky")

    assert report.failed_sources == ["tests.flaky"]
    assert titles(alice) == ["Review AIS-0001 System due in 5"]
    # Unknown today is not the same as dealt with: bob's notice still waits.
    note = Notification.objects.for_user(bob).get()
    assert note.email_status == Notification.EmailStatus.PENDING


# Digests


def test_each_person_gets_one_digest_listing_all_their_items_with_links(alice, bob):
    set_email(alice)
    set_email(bob)
    systems = [system_due(alice, n) for n in (20, 5, -2)]
    system_due(bob, 1)

    report = run()

    assert report.emailed == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "alice@example.org",
        "bob@example.org",
    ]
    digest = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert digest.subject == "[AIMS] Reminders: 2 due soon, 1 overdue"
    for system in systems:
        assert str(system) in digest.body
        assert f"https://aims.example.org/register/{system.pk}/" in digest.body
    # Overdue items come before items that are only due soon.
    assert digest.body.index("OVERDUE") < digest.body.index("DUE SOON")
    html = digest.alternatives[0][0]
    assert f'href="https://aims.example.org/register/{systems[0].pk}/"' in html
    assert "Hello Alice" in digest.body


def test_people_without_an_email_address_still_get_the_in_app_notification(alice):
    system_due(alice, 3)

    report = run()

    assert report.emailed == 0 and mail.outbox == []
    notification = Notification.objects.for_user(alice).get()
    assert notification.email_status == Notification.EmailStatus.NOT_SENT


# Idempotency and crash-resume


def test_running_twice_on_the_same_day_sends_nothing_twice(alice, bob):
    set_email(alice)
    set_email(bob)
    system_due(alice, 7)
    system_due(bob, -20)

    first = run()
    second = run()

    assert (first.notified, first.emailed) == (2, 2)
    assert (second.notified, second.emailed) == (0, 0)
    assert len(mail.outbox) == 2
    assert Notification.objects.count() == 2


def test_a_run_that_failed_for_one_person_resumes_without_duplicates(
    alice, bob, settings
):
    set_email(alice)
    set_email(bob)
    system_due(alice, 7, name="Alice's")
    system_due(bob, 7, name="Bob's")
    settings.EMAIL_BACKEND = "tests.reminders.email_backends.RefusingBackend"

    failed_run = run()

    assert failed_run.failed == ["bob"] and failed_run.emailed == 1
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    # Bob still sees the reminder in the portal, and it waits for the next e-mail.
    bob_note = Notification.objects.for_user(bob).get()
    assert bob_note.email_status == Notification.EmailStatus.PENDING

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    resumed = run()

    assert (resumed.notified, resumed.emailed, resumed.failed) == (0, 1, [])
    assert [m.to for m in mail.outbox] == [["alice@example.org"], ["bob@example.org"]]
    assert "Bob's" in mail.outbox[1].body
    bob_note.refresh_from_db()
    assert bob_note.email_status == Notification.EmailStatus.SENT


def test_the_command_reports_a_failed_email_and_a_rerun_completes_it(
    alice, bob, settings, capsys
):
    set_email(bob)
    system_due(bob, 7)
    settings.EMAIL_BACKEND = "tests.reminders.email_backends.RefusingBackend"
    with pytest.raises(CommandError, match="bob"):
        call_command("send_reminders")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    call_command("send_reminders")

    assert "1 digests e-mailed" in capsys.readouterr().out
    assert len(mail.outbox) == 1


# Escalation


@pytest.fixture
def escalation(alice, manager, committee):
    """alice owns an overdue-soon system; maria (manager) is her escalation contact;
    grace is on the governance committee."""
    for user in (alice, manager, committee):
        set_email(user)
    set_contact(alice, manager)
    return system_due(alice, -1, name="Screener")


def test_an_item_overdue_for_7_days_goes_to_the_escalation_contact_too(
    escalation, alice, manager, committee
):
    run()  # 1 day overdue: the owner only
    assert titles(manager) == [] and titles(committee) == []

    run(on=6)  # 7 days overdue
    contact_note = Notification.objects.for_user(manager).get()
    assert contact_note.kind == Notification.Kind.ESCALATED
    assert contact_note.reason == Notification.Reason.ESCALATION_CONTACT
    assert "escalation contact of Alice" in contact_note.message
    owner_note = Notification.objects.for_user(alice).get(stage="escalated-1")
    assert "Escalated to Maria" in owner_note.message
    assert titles(committee) == []
    assert "1 escalated" in mail.outbox[-1].subject


def test_an_item_overdue_for_14_days_goes_to_the_governance_committee(
    escalation, alice, manager, committee, viewer
):
    run(on=13)  # 14 days overdue

    committee_note = Notification.objects.for_user(committee).get()
    assert committee_note.reason == Notification.Reason.COMMITTEE
    assert committee_note.escalation_level == 2
    assert "governance committee" in committee_note.message
    assert Notification.objects.for_user(manager).get().escalation_level == 2
    owner_note = Notification.objects.for_user(alice).get()
    assert owner_note.message.endswith("Escalated to Maria, the governance committee.")
    assert titles(viewer) == []
    assert {m.to[0] for m in mail.outbox} == {
        "alice@example.org",
        "maria@example.org",
        "grace@example.org",
    }
    assert "ESCALATED" in next(m for m in mail.outbox if "grace" in m.to[0]).body


def test_whoever_is_granted_the_escalation_permission_receives_committee_escalations(
    alice,
):
    """Uses the permission, not a group name: an administrator may add a person."""
    deputy = make_user("dee")
    deputy.user_permissions.add(
        Permission.objects.get(codename="receive_escalated_notification")
    )
    system_due(alice, -30)

    run()

    assert Notification.objects.for_user(deputy).get().reason == "committee"


def test_deactivated_owners_and_contacts_are_skipped(alice, manager, committee):
    set_contact(alice, manager)
    accounts.user_update(user=manager, actor=None, is_active=False)
    system_due(alice, -8)

    run()

    assert titles(manager) == []
    assert "no escalation contact" in Notification.objects.for_user(alice).get().message


# Weekly digests


def test_weekly_readers_get_advance_notices_on_the_digest_day_only(alice, settings):
    set_email(alice)
    set_contact(alice, None, frequency="weekly")
    settings.AIMS_DIGEST_WEEKDAY = days(3).weekday()
    system_due(alice, 20)

    run()  # not the digest day
    assert mail.outbox == []
    assert titles(alice) == ["Review AIS-0001 System due in 20"]  # in the portal now

    run(on=3)  # the digest day
    assert len(mail.outbox) == 1
    assert "System due in 20" in mail.outbox[0].body


def test_weekly_readers_get_overdue_items_the_next_morning_anyway(alice, settings):
    set_email(alice)
    set_contact(alice, None, frequency="weekly")
    settings.AIMS_DIGEST_WEEKDAY = days(3).weekday()
    system_due(alice, 20, name="Later")
    system_due(alice, -1, name="Late")

    run()

    assert len(mail.outbox) == 1
    assert "Late" in mail.outbox[0].body and "Later" not in mail.outbox[0].body

    run(on=3)
    assert "Later" in mail.outbox[1].body and "Late\n" not in mail.outbox[1].body


def test_items_dealt_with_before_the_weekly_digest_are_not_emailed(alice, settings):
    set_email(alice)
    set_contact(alice, None, frequency="weekly")
    settings.AIMS_DIGEST_WEEKDAY = days(3).weekday()
    system = system_due(alice, 20)
    run()
    system.next_review_date = days(200)  # reviewed and rescheduled meanwhile
    ai_system_save(system=system, actor=alice)

    run(on=3)

    assert mail.outbox == []
    note = Notification.objects.for_user(alice).get()
    assert note.email_status == Notification.EmailStatus.OBSOLETE


# Preferences, schedule, command, task


def test_setting_an_escalation_contact_is_change_logged(alice, manager):
    set_contact(alice, manager, frequency="weekly")

    entry = ObjectChange.objects.filter(
        content_type__model="notificationpreference"
    ).get()
    assert entry.user == alice
    assert entry.postchange_data["escalation_contact"]["repr"] == "Maria"
    assert entry.postchange_data["digest_frequency"] == "weekly"
    assert entry.related_object_id == str(alice.pk)  # shows on alice's history


def test_the_daily_job_is_in_the_database_schedule_where_an_administrator_edits_it(
    settings,
):
    assert (
        settings.CELERY_BEAT_SCHEDULER
        == "django_celery_beat.schedulers:DatabaseScheduler"
    )
    assert "change-log-verify" in settings.CELERY_BEAT_SCHEDULE
    job = PeriodicTask.objects.get(task="aims.reminders_send")
    assert (job.crontab.hour, job.crontab.minute, job.enabled) == ("6", "0", True)

    job.crontab.hour = "5"
    job.crontab.save()
    job.enabled = False
    job.save()
    assert reminder_schedule_install() is False  # after the next migrate

    job.refresh_from_db()
    assert (job.crontab.hour, job.enabled) == ("5", False)
    assert PeriodicTask.objects.filter(task="aims.reminders_send").count() == 1


def test_the_task_runs_the_same_service_for_a_given_date(alice):
    system_due(alice, 10)

    result = reminders_send_task.delay(days(3).isoformat()).get()

    assert result == {
        "date": days(3).isoformat(),
        "items": 1,
        "notified": 1,
        "emailed": 0,
        "failed": [],
        "failed_sources": [],
    }
    assert Notification.objects.for_user(alice).get().run_date == days(3)


def test_the_command_takes_a_date_and_a_dry_run(alice, capsys):
    system_due(alice, -3)

    call_command("send_reminders", "--dry-run", "--date", days(11).isoformat())
    assert "escalated-2" in capsys.readouterr().out
    assert Notification.objects.count() == 0

    call_command("send_reminders", "--date", days(11).isoformat())
    assert "1 items due, 1 new notifications" in capsys.readouterr().out
    assert Notification.objects.for_user(alice).get().stage == "escalated-2"

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "10/03/2026")
