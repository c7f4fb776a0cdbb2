"""Services for reminders and notifications: the daily run, reading, preferences.

``reminders_send`` is the one entry point of the beat task and of
``manage.py send_reminders``. It is idempotent and resumable:

1. every reminder of today's plan becomes a ``Notification`` row per recipient; the
   unique key (recipient, source, object, due date, stage) means a second run writes
   nothing new;
2. each recipient's pending rows go out as one e-mail digest. The rows are first marked
   "sending" with the digest's Message-ID in a transaction of their own, committed
   before the mail server is contacted; after the server accepted the message they are
   marked "sent". A refused message puts them back to pending for the next run. A run
   killed in between (the server accepted, the mark did not happen) leaves them
   "sending", and the next run sends that same digest again with the same Message-ID.

The guarantee is therefore **at least once**: a digest is never lost, and is sent twice
only if the process dies in the moment between the mail server accepting it and the
database recording it. The second copy carries the same ``Message-ID``, by which mail
servers and clients that deduplicate drop it.
"""

import datetime
import hashlib
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
from .reminders import Reminder, registered_sources, reminder_plan

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


def reminders_send(
    *,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
    hourly: bool = False,
) -> RunReport:
    """Notify everyone of what is due, overdue or escalated today, one digest each.

    ``hourly=True`` is the hourly run: only the hourly sources (``DueSource.hourly``),
    whose items climb a ladder in hours; their new notifications are e-mailed at once,
    whatever the reader's digest day, and nothing of the other sources is touched.
    Both runs write the same stages, so neither repeats what the other sent.

    Supports ISO/IEC 42001 9.1 and 6.1.3: reviews and treatment actions are followed up,
    and overdue ones escalate to top management (5.1) instead of going unnoticed;
    EU AI Act Art. 73: a serious incident's report deadline escalates within hours.
    """
    if now is not None and today is None:
        today = timezone.localdate(now)
    today = today or timezone.localdate()
    report = RunReport(date=today)
    plan = reminder_plan(
        today, failed_sources=report.failed_sources, now=now, hourly_only=hourly
    )
    report.items = len(plan)
    report.notified = _notifications_record(plan, today)
    current = {(r.source.key, r.object_id, r.item.due_date) for r in plan}
    sources = (
        {source.key for source in registered_sources() if source.hourly}
        if hourly
        else None
    )
    if sources is not None and not sources:
        return report
    pending = Notification.objects.filter(
        email_status__in=(
            Notification.EmailStatus.PENDING,
            Notification.EmailStatus.SENDING,
        )
    )
    if sources is not None:
        pending = pending.filter(source__in=sources)
    for user in User.objects.filter(
        is_active=True, pk__in=pending.values("recipient_id")
    ):
        try:
            if _digest_send(
                user=user,
                today=today,
                current=current,
                unknown=set(report.failed_sources),
                sources=sources,
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
    *,
    user: User,
    today: datetime.date,
    current: set,
    unknown: set,
    sources: set | None = None,
) -> bool:
    """E-mail ``user`` their pending notifications, if their digest is due today; first
    any digest a crashed run left "sending".

    ``current`` holds the (source, object, due date) keys due today; a pending row not
    among them was dealt with meanwhile, unless its source failed today (``unknown``).
    ``sources`` limits the digest to those sources' rows (the hourly run), sent at once.
    """
    sent = _resend_interrupted(user)
    weekly = (
        notification_preference_for(user).digest_frequency
        == NotificationPreference.Frequency.WEEKLY
    )
    digest_day = (
        sources is not None
        or not weekly
        or today.weekday() == settings.AIMS_DIGEST_WEEKDAY
    )
    with transaction.atomic():
        rows = Notification.objects.select_for_update().filter(
            recipient=user, email_status=Notification.EmailStatus.PENDING
        )
        if sources is not None:
            rows = rows.filter(source__in=sources)
        pending = list(rows.order_by("-escalation_level", "due_date", "pk"))
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
            return sent
        if not user.email:
            _mark(due, Notification.EmailStatus.NOT_SENT)
            return sent
        message_id = digest_message_id(user, due)
        # Committed before the mail server is contacted (the window for a duplicate
        # is only between its acceptance and the "sent" mark below).
        _mark(due, Notification.EmailStatus.SENDING, message_id)
    _deliver(user, due, today, message_id)
    return True


def _resend_interrupted(user: User) -> bool:
    """Send again, with the same Message-ID, a digest whose run died after marking it
    "sending": the server may or may not have accepted it (at least once)."""
    interrupted = list(
        Notification.objects.filter(
            recipient=user, email_status=Notification.EmailStatus.SENDING
        ).order_by("-escalation_level", "due_date", "pk")
    )
    if not interrupted:
        return False
    by_digest: dict[str, list[Notification]] = {}
    for notification in interrupted:
        by_digest.setdefault(notification.digest_message_id, []).append(notification)
    for message_id, rows in by_digest.items():
        logger.warning(
            "Reminder digest %s to %s was interrupted; sending it again",
            message_id,
            user,
        )
        _deliver(user, rows, rows[0].run_date, message_id)
    return True


def _deliver(user, rows, today, message_id: str) -> None:
    try:
        _digest_message(user, rows, today, message_id).send(fail_silently=False)
    except Exception:
        # Refused or unreachable: nothing went out; the next run sends them.
        _mark(rows, Notification.EmailStatus.PENDING, "")
        raise
    _mark(rows, Notification.EmailStatus.SENT, message_id)


def digest_message_id(user: User, notifications: list[Notification]) -> str:
    """A Message-ID that depends only on who gets which notifications: the same digest
    sent again carries the same one."""
    keys = ",".join(str(pk) for pk in sorted(n.pk for n in notifications))
    digest = hashlib.sha256(f"{user.pk}:{keys}".encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "aims.local"
    return f"<aims-digest-{digest}@{domain}>"


def _mark(
    notifications: list[Notification], status: str, message_id: str | None = None
) -> None:
    if notifications:
        values = {
            "email_status": status,
            "emailed_at": timezone.now()
            if status == Notification.EmailStatus.SENT
            else None,
        }
        if message_id is not None:
            values["digest_message_id"] = message_id
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
            **values
        )


def _digest_message(
    user: User, notifications: list, today, message_id: str = ""
) -> EmailMultiAlternatives:
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
        headers={"Message-ID": message_id} if message_id else None,
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
        # The first save of someone's preferences creates the row: two at once (two
        # tabs) would both try, so they take turns on the user's row.
        User.objects.select_for_update().filter(pk=user.pk).first()
        preference = notification_preference_for(user)
        preference.digest_frequency = digest_frequency
        preference.escalation_contact = escalation_contact
        preference.full_clean()
        preference.save()
    return preference
