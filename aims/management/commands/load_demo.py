from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from aims.context import acting_as_system
from aims.demo import (
    DEMO_PASSWORD,
    DEMO_USERS,
    load_demo_preferences,
    load_demo_users,
)
from aims.notifications import reminders_send


class Command(BaseCommand):
    help = "Load the demo organisation (users per role, AI systems). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when DEBUG is off (never in production).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo users have a published password: refusing with DEBUG off."
            )
        with acting_as_system("load_demo"):
            users = load_demo_users()
            load_demo_preferences(users)
            for config in apps.get_app_configs():
                loader = getattr(config, "load_demo", None)
                if loader is not None:
                    loader(users)
            # One reminder run, so the dashboard's due items and everyone's notifications
            # show what the demo organisation has due; its digests stay in memory.
            with override_settings(
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
            ):
                run = reminders_send()
        self.stdout.write(
            f"Reminder run: {run.items} due items, {run.notified} notifications."
        )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username, (_first, _last, role) in DEMO_USERS.items():
            self.stdout.write(f"  {username:<8} {role}")
