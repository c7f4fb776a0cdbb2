"""Scheduled job of the controls app: evidence files checked against their SHA-256."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)


@shared_task(name="controls.evidence_verify")
def evidence_verify_task() -> dict:
    """Read every evidence file back (controls.integrity); on a missing or altered file,
    alert the people who hear about change-log integrity failures."""
    from aims.tasks import integrity_alert_recipients

    from .integrity import verify_evidence_files

    report = verify_evidence_files()
    result = report.as_dict()
    if report.ok:
        logger.info("Evidence files intact: %s checked", report.checked)
        return result
    recipients = integrity_alert_recipients()
    listed = "\n".join(f"- {p.describe()}" for p in report.problems[:50])
    more = len(report.problems) - 50
    if recipients:
        send_mail(
            subject=(
                f"[AIMS] Evidence integrity check: {len(report.missing)} missing, "
                f"{len(report.altered)} altered"
            ),
            message=(
                f"The scheduled check read {report.checked} evidence files back and "
                "compared them with the SHA-256 recorded at upload:\n\n"
                f"{listed}\n"
                + (f"... and {more} more.\n" if more > 0 else "")
                + "\nRestore the files from the media backup (README, Operations) and "
                "run `manage.py verify_evidence` to confirm."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
    result["alerted"] = len(recipients)
    return result
