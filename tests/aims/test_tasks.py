"""Celery tasks run as the system actor; the daily chain check alerts on tampering."""

from django.core import mail
from django.db import connection

from aims.tasks import change_log_verify
from tests.factories import make_user


def test_the_daily_check_passes_quietly_on_an_intact_chain(alice_system):
    result = change_log_verify.delay().get()
    assert result["ok"] and result["checked"] > 0
    assert mail.outbox == []


def test_the_daily_check_emails_change_log_readers_when_the_chain_breaks(
    auditor, alice_system
):
    make_user("nobody-reads", email="viewer@example.org")
    auditor.email = "audrey@example.org"
    auditor.save()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE aims_objectchange SET message = 'forged' WHERE seq = 2")

    result = change_log_verify.delay().get()

    assert result == {"ok": False, "broken_seq": 2, "problems": [], "alerted": 1}
    assert mail.outbox[0].to == ["audrey@example.org"]
    assert "#2" in mail.outbox[0].subject


def test_the_beat_schedule_runs_the_check():
    from django.conf import settings

    assert (
        settings.CELERY_BEAT_SCHEDULE["change-log-verify"]["task"]
        == "aims.change_log_verify"
    )
