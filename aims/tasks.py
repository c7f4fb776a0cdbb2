"""Scheduled jobs: integrity check of the change log, daily review reminders."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from .change_log import verify_chain
from .models import ObjectChange
from .notifications import reminders_send
from .permissions import users_with

logger = logging.getLogger(__name__)


@shared_task(name="aims.change_log_verify")
def change_log_verify() -> dict:
    """Recompute the hash chain; on a break, alert everyone who may read the change log."""
    report = verify_chain()
    if report.ok:
        logger.info("Change log intact: %s entries", report.checked)
        return {"ok": True, "checked": report.checked}
    logger.error("Change log broken at entry #%s: %s", report.broken_seq, report.reason)
    recipients = sorted(
        {u.email for u in users_with(ObjectChange, "view").exclude(email="")}
    )
    if recipients:
        send_mail(
            subject=f"[AIMS] Change log integrity check failed at entry #{report.broken_seq}",
            message=(
                f"The daily check of the change log found entry #{report.broken_seq} "
                f"{report.reason}. {report.checked} entries before it are intact.\n\n"
                "Someone may have altered the database directly. Preserve a database "
                "backup and run `manage.py verify_change_log` to confirm."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
    return {"ok": False, "broken_seq": report.broken_seq, "alerted": len(recipients)}


@shared_task(name="aims.reminders_send")
def reminders_send_task(date: str | None = None) -> dict:
    """The daily reminder run (schedule: admin site, Periodic tasks). ``date`` is an ISO
    date for a catch-up run; the rules live in ``aims.notifications.reminders_send``."""
    today = datetime.date.fromisoformat(date) if date else None
    return reminders_send(today=today).as_dict()
