"""Review reminders: one registry of due-item sources, and the ladder every item climbs.

Each app plugs in what falls due (AI system reviews, risk reviews, treatment actions,
and later evidence, SoA checks, impact assessments...) by registering a ``DueSource``
from its ``AppConfig.ready()``::

    from aims.reminders import DueSource, register

    register(
        DueSource.from_queryset(
            "registry.aisystem_review",
            "AI system review",
            queryset=lambda: AISystem.objects.active().select_related("owner"),
            date_field="next_review_date",
            responsible="owner",
        )
    )

The daily run (``aims.notifications.reminders_send``) asks every source for the items due
on or before today + the longest lead time, puts each on the ladder below and notifies:

* ``due-<n>``: due within n days (``AIMS_REMINDER_LEAD_DAYS``, e.g. 30 then 7; due today
  counts as the shortest lead), to the responsible people;
* ``overdue``: past its date, to the responsible people;
* ``escalated-1`` / ``escalated-2``: overdue for ``AIMS_ESCALATION_DAYS`` (e.g. 7, 14),
  to the responsible people and their escalation contacts, then also to the governance
  committee (whoever holds ``aims.receive_escalated_notification``).

A source registered with ``hourly=True`` gives items with a ``due_at`` moment (an Art. 73
report due in two days cannot wait for tomorrow's digest). Its items climb a ladder in
hours instead (``hour_ladder_stage``: the day leads in hours plus
``AIMS_URGENT_LEAD_HOURS``, then ``AIMS_URGENT_ESCALATION_HOURS`` overdue), and the
hourly run (``reminders_send(hourly=True)``, beat task ``aims.reminders_send_hourly``)
notifies and e-mails them as they climb. The daily run computes the same stages, so the
unique key of a notification keeps the two runs from telling anyone twice.

Everything is recomputed from the database on each run; nothing is queued for later.
ISO/IEC 42001 9.1 (monitoring), 6.1.3 (treatment follow-up), A.6.2.6 (operation and
monitoring of AI systems).
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .models import Notification, NotificationPreference
from .permissions import can, users_with

__all__ = [
    "DueItem",
    "DueSource",
    "Reminder",
    "due_items_for",
    "hour_ladder_stage",
    "ladder_stage",
    "register",
    "registered_sources",
    "reminder_plan",
    "unregister",
]

logger = logging.getLogger(__name__)

# Registry


@dataclass(frozen=True)
class DueItem:
    """One thing that falls due: the object, its due date and who must act on it.

    ``title`` and ``url`` default to ``str(obj)`` and ``obj.get_absolute_url()``.
    ``due_at`` (an aware datetime) makes the item climb the ladder in hours when its
    source is hourly; ``due_date`` is then the local day of that moment.
    """

    obj: Model
    due_date: datetime.date
    responsible: tuple = ()
    title: str = ""
    url: str = ""
    due_at: datetime.datetime | None = None

    def __post_init__(self):
        object.__setattr__(
            self, "responsible", tuple(u for u in self.responsible if u is not None)
        )
        if not self.title:
            object.__setattr__(self, "title", str(self.obj))
        if not self.url and hasattr(self.obj, "get_absolute_url"):
            object.__setattr__(self, "url", self.obj.get_absolute_url())

    @property
    def object_id(self) -> str:
        return str(self.obj.pk)


@dataclass(frozen=True)
class DueSource:
    """A kind of due item. ``items(until)`` yields every item due on or before ``until``,
    overdue ones included; the ladder decides what is reminded when."""

    key: str
    label: str
    items: Callable[[datetime.date], Iterable[DueItem]]
    # Items carry ``due_at`` and are followed by the hourly run too.
    hourly: bool = False

    @classmethod
    def from_queryset(
        cls,
        key: str,
        label: str,
        *,
        queryset: Callable[[], QuerySet],
        date_field: str,
        responsible: str | Callable[[Model], Iterable],
        title: Callable[[Model], str] | None = None,
        url: Callable[[Model], str] | None = None,
    ) -> "DueSource":
        """The usual source: rows of ``queryset()`` (open ones only, with the responsible
        users ``select_related``) whose ``date_field`` is set and not after ``until``.
        ``responsible`` names the user field (e.g. ``"owner"``) or gives the users."""

        def people(obj) -> tuple:
            if callable(responsible):
                return tuple(responsible(obj))
            return (attrgetter(responsible)(obj),)

        def items(until: datetime.date) -> Iterable[DueItem]:
            rows = queryset().filter(**{f"{date_field}__lte": until})
            for obj in rows:
                yield DueItem(
                    obj=obj,
                    due_date=getattr(obj, date_field),
                    responsible=people(obj),
                    title=title(obj) if title else "",
                    url=url(obj) if url else "",
                )

        return cls(key=key, label=label, items=items)


_SOURCES: dict[str, DueSource] = {}


def register(source: DueSource) -> DueSource:
    """Add (or replace, by key) a source; call it from your ``AppConfig.ready()``."""
    _SOURCES[source.key] = source
    return source


def unregister(key: str) -> None:
    _SOURCES.pop(key, None)


def registered_sources() -> list[DueSource]:
    return list(_SOURCES.values())


def source_label(key: str) -> str:
    source = _SOURCES.get(key)
    return source.label if source else key


# The ladder


def ladder_stage(
    due_date: datetime.date,
    today: datetime.date,
    lead_days: tuple[int, ...],
    escalation_days: tuple[int, ...],
) -> tuple[str, str, int] | None:
    """(stage, kind, escalation level) of an item due on ``due_date``, or None if it is
    not due within the longest lead time yet."""
    days_left = (due_date - today).days
    if days_left >= 0:
        leads = [lead for lead in lead_days if days_left <= lead]
        if not leads:
            return None
        return f"due-{min(leads)}", Notification.Kind.DUE_SOON, 0
    level = sum(1 for days in escalation_days if -days_left >= days)
    if level == 0:
        return "overdue", Notification.Kind.OVERDUE, 0
    return f"escalated-{level}", Notification.Kind.ESCALATED, level


def hour_ladder_stage(
    due_at: datetime.datetime,
    now: datetime.datetime,
    lead_days: tuple[int, ...],
    lead_hours: tuple[int, ...],
    escalation_hours: tuple[int, ...],
) -> tuple[str, str, int] | None:
    """The ladder of an hourly item: ``due-<n>h`` within n hours (the day leads counted
    in hours, plus the hour leads), then ``overdue``, then ``escalated-<level>`` once
    ``escalation_hours`` have passed since the moment it fell due."""
    hours_left = (due_at - now).total_seconds() / 3600
    if hours_left >= 0:
        leads = sorted({days * 24 for days in lead_days} | set(lead_hours))
        fitting = [lead for lead in leads if hours_left <= lead]
        if not fitting:
            return None
        return f"due-{fitting[0]}h", Notification.Kind.DUE_SOON, 0
    level = sum(1 for hours in escalation_hours if -hours_left >= hours)
    if level == 0:
        return "overdue", Notification.Kind.OVERDUE, 0
    return f"escalated-{level}", Notification.Kind.ESCALATED, level


@dataclass
class Reminder:
    """One due item at today's step of its ladder, and who hears about it (and why)."""

    source: DueSource
    item: DueItem
    today: datetime.date
    stage: str
    kind: str
    level: int
    # user pk -> (user, Notification.Reason), responsible people first
    recipients: dict = field(default_factory=dict)
    # escalation contact pk -> pks of the responsible people they stand in for
    contact_for: dict = field(default_factory=dict)
    escalated_to: list = field(default_factory=list)
    # The moment of the run, for hourly items.
    now: datetime.datetime | None = None

    @property
    def object_id(self) -> str:
        return self.item.object_id

    @property
    def days_left(self) -> int:
        return (self.item.due_date - self.today).days

    @property
    def escalated(self) -> bool:
        return self.level > 0

    def when(self) -> str:
        if self.item.due_at is not None and self.now is not None:
            return _when_hours(self.item.due_at - self.now)
        days = self.days_left
        if days == 0:
            return "Due today"
        if days > 0:
            return f"Due in {days} day{'s' if days != 1 else ''}"
        return f"Overdue by {-days} day{'s' if days != -1 else ''}"

    def may_see(self, user) -> bool:
        """Whether ``user`` may see the item itself. An escalation contact or committee
        member who may not is told that something is escalated, without its title or
        link (checked when sending, whatever the contact could see when chosen)."""
        reason = self.recipients.get(user.pk, (None, None))[1]
        if reason == Notification.Reason.RESPONSIBLE or self.item.obj is None:
            return True
        return can(user, "view", self.item.obj)

    def title_for(self, user) -> str:
        if self.may_see(user):
            return self.item.title
        return f"{self.source.label}: an item you may not see"

    def url_for(self, user) -> str:
        return self.item.url if self.may_see(user) else ""

    def message_for(self, user) -> str:
        reason = self.recipients.get(user.pk, (None, None))[1]
        text = f"{self.source.label}: {self.when().lower()} ({self.item.due_date:%d %b %Y})"
        if reason == Notification.Reason.ESCALATION_CONTACT:
            owners = ", ".join(
                str(person)
                for person in self.item.responsible
                if person.pk in self.contact_for.get(user.pk, ())
            )
            return f"{text}. Escalated to you as escalation contact of {owners}."
        if reason == Notification.Reason.COMMITTEE:
            return f"{text}. Escalated to the governance committee."
        if self.escalated and self.escalated_to:
            return f"{text}. Escalated to {', '.join(self.escalated_to)}."
        if self.escalated:
            return (
                f"{text}. Escalated, but you have no escalation contact: choose one "
                "in your notification preferences."
            )
        return f"{text}."


def _when_hours(delta: datetime.timedelta) -> str:
    hours = int(abs(delta.total_seconds()) // 3600)
    if hours >= 48:
        amount = f"{hours // 24} days"
    elif hours >= 1:
        amount = f"{hours} hour{'s' if hours != 1 else ''}"
    else:
        amount = "less than an hour"
    return f"Due in {amount}" if delta.total_seconds() >= 0 else f"Overdue by {amount}"


def run_moment(today: datetime.date) -> datetime.datetime:
    """The moment hourly items are measured at on ``today``: now, or for another day
    (a catch-up or a planned run) the hour the daily run starts."""
    from django.utils import timezone

    if today == timezone.localdate():
        return timezone.now()
    return datetime.datetime.combine(
        today, datetime.time(6), tzinfo=timezone.get_current_timezone()
    )


def reminder_plan(
    today: datetime.date,
    failed_sources: list[str] | None = None,
    *,
    now: datetime.datetime | None = None,
    hourly_only: bool = False,
) -> list[Reminder]:
    """Every item on the ladder today, with its recipients. Queries: one per source,
    plus one for escalation contacts and one for the committee when needed.

    ``hourly_only`` asks only the hourly sources (the hourly run); ``now`` is the
    moment their items are measured at (default ``run_moment(today)``).

    A source that raises is logged and skipped (its key appended to ``failed_sources``)
    so one broken plug-in does not silence every other reminder.
    """
    lead_days = settings.AIMS_REMINDER_LEAD_DAYS
    escalation_days = settings.AIMS_ESCALATION_DAYS
    now = now or run_moment(today)
    until = today + datetime.timedelta(days=max(lead_days, default=0))
    plan = []
    for source in registered_sources():
        if hourly_only and not source.hourly:
            continue
        try:
            # A savepoint, so a failed query leaves the caller's transaction usable.
            with transaction.atomic():
                items = list(source.items(until))
        except Exception:  # noqa: BLE001 - any plug-in error
            logger.exception("Reminder source %s failed; skipped", source.key)
            if failed_sources is not None:
                failed_sources.append(source.key)
            continue
        for item in items:
            if item.due_date is None:
                continue
            if source.hourly and item.due_at is not None:
                stage = hour_ladder_stage(
                    item.due_at,
                    now,
                    lead_days,
                    settings.AIMS_URGENT_LEAD_HOURS,
                    settings.AIMS_URGENT_ESCALATION_HOURS,
                )
            else:
                stage = ladder_stage(item.due_date, today, lead_days, escalation_days)
            if stage is not None:
                plan.append(Reminder(source, item, today, *stage, now=now))
    _add_recipients(plan)
    plan.sort(key=lambda r: (r.item.due_date, r.source.label, r.item.title))
    return plan


def _add_recipients(plan: list[Reminder]) -> None:
    escalated = [r for r in plan if r.level >= 1]
    contacts = {}
    if escalated:
        owner_ids = {p.pk for r in escalated for p in r.item.responsible}
        contacts = {
            pref.user_id: pref.escalation_contact
            for pref in NotificationPreference.objects.filter(
                user_id__in=owner_ids,
                escalation_contact__isnull=False,
                escalation_contact__is_active=True,
            ).select_related("escalation_contact")
        }
    committee = (
        list(users_with(Notification, "receive_escalated").order_by("username"))
        if any(r.level >= 2 for r in plan)
        else []
    )
    for reminder in plan:
        people = reminder.recipients
        owners = [p for p in reminder.item.responsible if p.is_active]
        for person in owners:
            people.setdefault(person.pk, (person, Notification.Reason.RESPONSIBLE))
        if reminder.level >= 1:
            for person in owners:
                contact = contacts.get(person.pk)
                if contact is None:
                    continue
                people.setdefault(
                    contact.pk, (contact, Notification.Reason.ESCALATION_CONTACT)
                )
                reminder.contact_for.setdefault(contact.pk, set()).add(person.pk)
                if str(contact) not in reminder.escalated_to:
                    reminder.escalated_to.append(str(contact))
        if reminder.level >= 2:
            for member in committee:
                people.setdefault(member.pk, (member, Notification.Reason.COMMITTEE))
            reminder.escalated_to.append("the governance committee")


def due_items_for(user, today: datetime.date) -> list[Reminder]:
    """The items on ``user``'s plate today: theirs, and those escalated to them."""
    return [r for r in reminder_plan(today) if user.pk in r.recipients]


# The default schedule: created once, then the administrator's to change (admin site,
# Periodic tasks). Not in CELERY_BEAT_SCHEDULE: beat rewrites those entries at every
# start, which would undo the administrator's changes.

REMINDER_TASK = "aims.reminders_send"
REMINDER_SCHEDULE_NAME = "Review reminders (daily digest)"


def reminder_schedule_install(using: str = "default") -> bool:
    """Create the daily 06:00 UTC entry unless one for the task exists (even disabled)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    tables = connections[using].introspection.table_names()
    if PeriodicTask._meta.db_table not in tables:
        return False
    tasks = PeriodicTask.objects.using(using)
    if tasks.filter(task=REMINDER_TASK).exists():
        return False
    crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
        minute="0", hour="6", day_of_week="*", day_of_month="*", month_of_year="*"
    )
    tasks.create(
        name=REMINDER_SCHEDULE_NAME,
        task=REMINDER_TASK,
        crontab=crontab,
        description="Finds reviews and actions due soon or overdue and sends each "
        "person one digest; escalates overdue items. Safe to run more than once a day.",
    )
    return True


HOURLY_REMINDER_TASK = "aims.reminders_send_hourly"
HOURLY_REMINDER_SCHEDULE_NAME = "Urgent reminders (hourly: incident deadlines)"


def hourly_schedule_install(using: str = "default") -> bool:
    """Create the hourly entry (five past each hour) unless one for the task exists."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    tables = connections[using].introspection.table_names()
    if PeriodicTask._meta.db_table not in tables:
        return False
    tasks = PeriodicTask.objects.using(using)
    if tasks.filter(task=HOURLY_REMINDER_TASK).exists():
        return False
    crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
        minute="5", hour="*", day_of_week="*", day_of_month="*", month_of_year="*"
    )
    tasks.create(
        name=HOURLY_REMINDER_SCHEDULE_NAME,
        task=HOURLY_REMINDER_TASK,
        crontab=crontab,
        description="Follows the reminders counted in hours (serious-incident reports "
        "to the authority) and e-mails each stage as it is reached; the daily digest "
        "does not repeat them.",
    )
    return True


@receiver(post_migrate, dispatch_uid="aims_reminder_schedule")
def _install_schedule_after_migrate(sender, using="default", **kwargs):
    if sender.label == "aims":
        reminder_schedule_install(using)
        hourly_schedule_install(using)
