"""A digest is e-mailed at least once, and a copy after a crash is recognisable.

The rows are marked "sending" (committed) before the mail server is contacted. A run that
dies after the server accepted the digest but before marking it sent leaves them
"sending"; the next run sends that digest again with the same Message-ID, and only then
marks it sent. Nothing is ever lost; the one duplicate carries the same identifier.
"""

import contextlib
from unittest import mock

from django.core import mail

from aims import notifications
from aims.models import Notification

from .conftest import run, set_email, system_due


def _statuses(user):
    return sorted(
        Notification.objects.for_user(user).values_list("email_status", flat=True)
    )


def test_a_run_killed_after_the_server_accepted_sends_the_same_digest_again(alice):
    set_email(alice)
    system_due(alice, 7)
    system_due(alice, -1)
    real_mark = notifications._mark

    def die_before_marking_sent(rows, status, message_id=None):
        if status == Notification.EmailStatus.SENT:
            raise SystemExit("killed between the SMTP acceptance and the commit")
        return real_mark(rows, status, message_id)

    with (
        mock.patch.object(notifications, "_mark", die_before_marking_sent),
        contextlib.suppress(SystemExit),
    ):
        run()
    assert len(mail.outbox) == 1
    first = mail.outbox[0]
    assert _statuses(alice) == ["sending", "sending"]

    report = run()  # the next run

    assert report.emailed == 1
    assert len(mail.outbox) == 2
    again = mail.outbox[1]
    assert again.extra_headers["Message-ID"] == first.extra_headers["Message-ID"]
    assert again.extra_headers["Message-ID"].startswith("<aims-digest-")
    assert again.body == first.body
    assert _statuses(alice) == ["sent", "sent"]

    run()
    assert len(mail.outbox) == 2  # and never a third time


def test_a_refused_digest_goes_back_to_pending_and_is_sent_next_time(alice):
    set_email(alice)
    system_due(alice, 7)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send",
        side_effect=ConnectionRefusedError("smtp down"),
    ):
        report = run()
    assert report.failed == ["alice"] and mail.outbox == []
    assert _statuses(alice) == ["pending"]
    assert run().emailed == 1
    assert _statuses(alice) == ["sent"]
    assert len(mail.outbox) == 1


def test_the_sending_mark_is_committed_before_the_server_is_contacted(alice):
    set_email(alice)
    system_due(alice, 7)
    seen = []

    def send(message, fail_silently=False):
        seen.extend(_statuses(alice))
        return 1

    with mock.patch("django.core.mail.EmailMultiAlternatives.send", send):
        run()
    assert seen == ["sending"]


def test_the_command_help_states_the_guarantee_honestly():
    from aims.management.commands.send_reminders import Command

    assert "at least once" in Command.help
    assert "nothing is sent twice" not in Command.help.lower()
