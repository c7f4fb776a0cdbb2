"""Scheduled jobs: integrity check of the change log, daily review reminders."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from .checkpoints import record_checkpoint, verify_change_log
from .models import ObjectChange, User
from .notifications import reminders_send
from .permissions import users_with

logger = logging.getLogger(__name__)


def _committee_emails() -> list[str]:
    from .roles import GOVERNANCE_COMMITTEE

    return sorted(
        set(
            User.objects.filter(is_active=True, groups__name=GOVERNANCE_COMMITTEE)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def integrity_alert_recipients() -> list[str]:
    """Who hears about a failed integrity check (change log, evidence files): everyone
    who may read the change log, and the governance committee."""
    return sorted(
        {u.email for u in users_with(ObjectChange, "view").exclude(email="")}
        | set(_committee_emails())
    )


def _send_checkpoint(checkpoint) -> int:
    """E-mail the signed checkpoint to the committee: a copy nobody with database access
    can take back. Returns the number of recipients."""
    recipients = _committee_emails()
    if not recipients:
        return 0
    send_mail(
        subject=f"[AIMS] Change log checkpoint: entry #{checkpoint.seq}",
        message=(
            "The scheduled check found the change log intact and recorded this signed "
            "checkpoint. Keep this message: if entries up to this one are ever deleted "
            "or rewritten, it shows what the log held.\n\n"
            f"Entry:     #{checkpoint.seq}\n"
            f"Head hash: {checkpoint.head_hash}\n"
            f"Time:      {checkpoint.time}\n"
            f"Key id:    {checkpoint.key_id}\n"
            f"Signature: {checkpoint.signature}\n\n"
            "The signature is Ed25519 over the JSON text "
            f"{checkpoint.payload().decode()}\n"
            "and verifies with the portal's public key (`manage.py signing_key`)."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return len(recipients)


@shared_task(name="aims.change_log_verify")
def change_log_verify(full: bool = True) -> dict:
    """Recompute the hash chain and compare it with the signed checkpoints. Intact: sign a
    new checkpoint and e-mail it to the committee. Broken, truncated or rewritten: alert
    everyone who may read the change log (and the committee); no checkpoint is signed.
    ``full=False`` recomputes only the entries after the newest checkpoint (the daily
    check; the weekly one is full: ``aims.checkpoints.verify_change_log``)."""
    report = verify_change_log(incremental=not full)
    if report.ok:
        logger.info(report.summary())
        for warning in report.warnings:
            logger.warning("Change log check: %s", warning)
        result = {"ok": True, "checked": report.entries, "checkpoint_seq": None}
        if report.entries:
            checkpoint = record_checkpoint(report.entries, report.head_hash)
            result["checkpoint_seq"] = checkpoint.seq
            result["emailed"] = _send_checkpoint(checkpoint)
        return result
    logger.error("Change log check failed: %s", report.summary())
    recipients = integrity_alert_recipients()
    first_line = report.summary().splitlines()[0]
    if recipients:
        send_mail(
            subject=(
                f"[AIMS] Change log integrity check failed at entry #{report.broken_seq}"
                if not report.chain_ok
                else "[AIMS] Change log integrity check failed: " + first_line[:120]
            ),
            message=(
                "The scheduled check of the change log found:\n\n"
                f"{report.summary()}\n\n"
                "Someone may have altered the database directly. Preserve a database "
                "backup and the checkpoint file, and run `manage.py verify_change_log` "
                "to confirm."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
    return {
        "ok": False,
        "broken_seq": report.broken_seq,
        "problems": report.problems,
        "alerted": len(recipients),
    }


@shared_task(name="aims.reminders_send")
def reminders_send_task(date: str | None = None) -> dict:
    """The daily reminder run (schedule: admin site, Periodic tasks). ``date`` is an ISO
    date for a catch-up run; the rules live in ``aims.notifications.reminders_send``."""
    today = datetime.date.fromisoformat(date) if date else None
    return reminders_send(today=today).as_dict()


@shared_task(name="aims.reminders_send_hourly")
def reminders_send_hourly_task() -> dict:
    """The hourly run of the reminders counted in hours (incident report deadlines);
    the same service, limited to the hourly sources."""
    return reminders_send(hourly=True).as_dict()
