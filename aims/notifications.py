"""Services for reminders and notifications: the daily run, reading, preferences.

``reminders_send`` is the one entry point of the beat task and of
``manage.py send_reminders``. It is idempotent and resumable:

1. every reminder of today's plan becomes a ``Notification`` row per recipient; the
   unique key (recipient, source, object, due date, stage) means a second run writes
   nothing new;
2. each recipient's pending rows go out as one e-mail digest, inside a transaction per
   recipient that marks them sent: if sending fails the marks roll back, the other
   recipients are not held up, and the next run sends what is still pending.
"""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .context import attributed_to
from .history import change_scope
from .models import Notification, NotificationPreference, User
from .reminders import Reminder, reminder_plan

__all__ = [
    "RunReport",
    "notification_mark_read",
    "notification_preference_for",
    "notification_preference_save",
    "notifications_mark_all_read",
    "reminders_send",
]

logger = logging.getLogger(__name__)

# The daily run


@dataclass
class RunReport:
    date: datetime.date
    items: int = 0
    notified: int = 0
    emailed: int = 0
    failed: list[str] = field(default_factory=list)  # usernames whose e-mail failed
    failed_sources: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "items": self.items,
            "notified": self.notified,
            "emailed": self.emailed,
            "failed": self.failed,
            "failed_sources": self.failed_sources,
        }


def reminders_send(*, today: datetime.date | None = None) -> RunReport:
    """Notify everyone of what is due, overdue or escalated today, one digest each.

    Supports ISO/IEC 42001 9.1 and 6.1.3: reviews and treatment actions are followed up,
    and overdue ones escalate to top management (5.1) instead of going unnoticed.
    """
    today = today or timezone.localdate()
    report = RunReport(date=today)
    plan = reminder_plan(today, failed_sources=report.failed_sources)
    report.items = len(plan)
    report.notified = _notifications_record(plan, today)
    current = {(r.source.key, r.object_id, r.item.due_date) for r in plan}
    for user in User.objects.filter(
        is_active=True, notifications__email_status=Notification.EmailStatus.PENDING
    ).distinct():
        try:
            if _digest_send(
                user=user,
                today=today,
                current=current,
                unknown=set(report.failed_sources),
            ):
                report.emailed += 1
        except Exception:  # noqa: BLE001 - one bad address must not stop the others
            logger.exception("Reminder digest to %s failed; retried next run", user)
            report.failed.append(user.get_username())
    logger.info("Reminders %s", report.as_dict())
    return report


def _notifications_record(plan: list[Reminder], today: datetime.date) -> int:
    rows = [
        Notification(
            recipient=user,
            source=reminder.source.key,
            object_id=reminder.object_id,
            title=reminder.title_for(user)[:300],
            url=reminder.url_for(user)[:500],
            due_date=reminder.item.due_date,
            stage=reminder.stage,
            kind=reminder.kind,
            escalation_level=reminder.level,
            reason=reason,
            message=reminder.message_for(user)[:500],
            run_date=today,
            email_status=(
                Notification.EmailStatus.PENDING
                if user.email
                else Notification.EmailStatus.NOT_SENT
            ),
        )
        for reminder in plan
        for user, reason in reminder.recipients.values()
    ]
    written_today = Notification.objects.filter(run_date=today)
    before = written_today.count()
    # The unique key turns a repeated (or concurrent) run into a no-op.
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return written_today.count() - before


def _digest_send(
    *, user: User, today: datetime.date, current: set, unknown: set
) -> bool:
    """E-mail ``user`` their pending notifications, if their digest is due today.

    ``current`` holds the (source, object, due date) keys due today; a pending row not
    among them was dealt with meanwhile, unless its source failed today (``unknown``).
    """
    weekly = (
        notification_preference_for(user).digest_frequency
        == NotificationPreference.Frequency.WEEKLY
    )
    digest_day = not weekly or today.weekday() == settings.AIMS_DIGEST_WEEKDAY
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update()
            .filter(recipient=user, email_status=Notification.EmailStatus.PENDING)
            .order_by("-escalation_level", "due_date", "pk")
        )
        # Dealt with since (reviewed, completed, rescheduled): not worth an e-mail.
        stale = [
            n
            for n in pending
            if n.source not in unknown
            and (n.source, n.object_id, n.due_date) not in current
        ]
        _mark(stale, Notification.EmailStatus.OBSOLETE)
        due = [n for n in pending if n not in stale and (digest_day or n.urgent)]
        if not due:
            return False
        if not user.email:
            _mark(due, Notification.EmailStatus.NOT_SENT)
            return False
        _mark(due, Notification.EmailStatus.SENT)
        # Sent last, inside the transaction: a failure rolls the marks back.
        _digest_message(user, due, today).send(fail_silently=False)
    return True


def _mark(notifications: list[Notification], status: str) -> None:
    if notifications:
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
            email_status=status,
            emailed_at=timezone.now()
            if status == Notification.EmailStatus.SENT
            else None,
        )


def _digest_message(user: User, notifications: list, today) -> EmailMultiAlternatives:
    base = settings.AIMS_BASE_URL
    counts = Counter(n.kind for n in notifications)
    summary = ", ".join(
        f"{counts[kind]} {label.lower()}"
        for kind, label in Notification.Kind.choices
        if counts[kind]
    )
    items = [
        {
            "title": n.title,
            "message": n.message,
            "kind": n.kind,
            "link": n.url if n.url.startswith("http") else base + n.url,
        }
        for n in notifications
    ]
    # Escalated first, then overdue, then due soon.
    groups = [
        (label, [item for item in items if item["kind"] == kind])
        for kind, label in reversed(Notification.Kind.choices)
    ]
    context = {
        "user": user,
        "today": today,
        "groups": [(label, group) for label, group in groups if group],
        "due_items_url": base + reverse("due_items"),
        "notifications_url": base + reverse("notification_list"),
        "preferences_url": base + reverse("notification_preferences"),
        "organisation_name": settings.AIMS_ORGANISATION_NAME,
    }
    message = EmailMultiAlternatives(
        subject=f"[AIMS] Reminders: {summary}",
        body=render_to_string("aims/email/reminder_digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("aims/email/reminder_digest.html", context), "text/html"
    )
    return message


# Reading


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of ``user`` read; returns how many."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


# Preferences


def notification_preference_for(user: User) -> NotificationPreference:
    """The stored preferences, or the defaults (daily, no escalation contact)."""
    stored = NotificationPreference.objects.filter(user=user).first()
    return stored or NotificationPreference(user=user)


def notification_preference_save(
    *,
    user: User,
    actor,
    digest_frequency: str,
    escalation_contact: User | None,
) -> NotificationPreference:
    """Set how ``user`` gets reminders and whom their overdue items escalate to; the
    change is logged (5.3: who stands in for whom)."""
    with attributed_to(actor), change_scope():
        preference = notification_preference_for(user)
        preference.digest_frequency = digest_frequency
        preference.escalation_contact = escalation_contact
        preference.full_clean()
        preference.save()
    return preference
