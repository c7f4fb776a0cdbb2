import datetime

from django.core.management.base import BaseCommand, CommandError

from aims.context import acting_as_system
from aims.notifications import reminders_send
from aims.reminders import reminder_plan


class Command(BaseCommand):
    help = (
        "Send today's review reminders and escalations (what the daily beat job does). "
        "Safe to run again: notifications are recorded once, and each digest is "
        "e-mailed at least once. Only if the process dies between the mail server "
        "accepting a digest and the database marking it sent does the next run send "
        "that digest again, with the same Message-ID so mail systems can drop the copy."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Run as if today were this date (YYYY-MM-DD), e.g. to catch up a missed day.",
        )
        parser.add_argument(
            "--hourly",
            action="store_true",
            help="Only the reminders counted in hours (what the hourly beat job does).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what is due and who would hear about it; record and send nothing.",
        )

    def handle(self, *args, date=None, dry_run=False, hourly=False, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, got {date!r}") from None
        if dry_run:
            from django.utils import timezone

            plan = reminder_plan(today or timezone.localdate(), hourly_only=hourly)
            for reminder in plan:
                people = ", ".join(
                    f"{user.get_username()} ({reason})"
                    for user, reason in reminder.recipients.values()
                )
                self.stdout.write(
                    f"{reminder.stage:<12} {reminder.item.due_date} "
                    f"{reminder.item.title} -> {people or 'nobody'}"
                )
            return
        with acting_as_system("send_reminders"):
            report = reminders_send(today=today, hourly=hourly)
        self.stdout.write(
            f"{report.date}: {report.items} items due, {report.notified} new "
            f"notifications, {report.emailed} digests e-mailed"
        )
        problems = []
        if report.failed_sources:
            problems.append(
                "reminder sources failed (see the log): "
                + ", ".join(report.failed_sources)
            )
        if report.failed:
            problems.append(
                "e-mail failed for: "
                + ", ".join(report.failed)
                + " (their notifications stay pending; run again to retry)"
            )
        if problems:
            raise CommandError("; ".join(problems))
