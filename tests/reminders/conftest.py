"""Due items built through the portal's own services, and a run helper."""

import datetime

import pytest
from django.utils import timezone

from aims import accounts
from aims.models import Notification
from aims.notifications import notification_preference_save, reminders_send
from tests.factories import make_system

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def system_due(owner, in_days: int, name: str | None = None):
    """An AI system of ``owner`` whose next review is ``in_days`` from today."""
    return make_system(
        owner,
        name=name or f"System due in {in_days}",
        next_review_date=days(in_days),
    )


def run(on: int = 0):
    """The daily run, as if today were ``on`` days from now."""
    return reminders_send(today=days(on))


def titles(user) -> list[str]:
    return sorted(Notification.objects.for_user(user).values_list("title", flat=True))


def set_email(user, address=None):
    return accounts.user_update(
        user=user, actor=None, email=address or f"{user.username}@example.org"
    )


def set_contact(user, contact, frequency="daily"):
    return notification_preference_save(
        user=user, actor=user, digest_frequency=frequency, escalation_contact=contact
    )


@pytest.fixture(autouse=True)
def _reminder_settings(settings):
    settings.AIMS_REMINDER_LEAD_DAYS = (30, 7)
    settings.AIMS_ESCALATION_DAYS = (7, 14)
    settings.AIMS_BASE_URL = "https://aims.example.org"
    settings.AIMS_DIGEST_WEEKDAY = 0
