"""In-app notifications (the record of every reminder sent) and notification preferences.

A ``Notification`` is a system record written by the daily reminder run
(``aims.reminders``): one row per person, item, due date and stage. Its unique key is
what makes the run idempotent: a second run on the same day finds the rows already
there and neither notifies nor e-mails again. ``email_status`` records whether the row
went out in an e-mail digest, so a run that crashed half-way e-mails the rest next time
(at least once: see ``aims.notifications``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from aims.reversing import reverse

from .base import ChangeLogged


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """The only notifications anyone ever sees: their own."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One reminder about one due item for one person, at one stage of its ladder."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"
        ESCALATED = "escalated", "Escalated"

    class Reason(models.TextChoices):
        RESPONSIBLE = "responsible", "You are responsible"
        ESCALATION_CONTACT = "escalation_contact", "You are the escalation contact"
        COMMITTEE = "committee", "Escalated to the governance committee"

    class EmailStatus(models.TextChoices):
        PENDING = "pending", "Waiting for the next digest"
        # Committed before the mail server is contacted: a run killed between the
        # server accepting the digest and the "sent" mark leaves the rows here, and the
        # next run sends that digest again with the same Message-ID.
        SENDING = "sending", "Being e-mailed"
        SENT = "sent", "Sent"
        NOT_SENT = "not_sent", "Not e-mailed (no address)"
        OBSOLETE = "obsolete", "Not e-mailed (dealt with before the digest)"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    source = models.CharField(
        max_length=100, help_text="Key of the reminder source (aims.reminders)."
    )
    object_id = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    due_date = models.DateField()
    stage = models.CharField(
        max_length=20,
        help_text="Step of the ladder: due-<days>, overdue, escalated-<level>.",
    )
    kind = models.CharField(max_length=10, choices=Kind)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(max_length=20, choices=Reason)
    message = models.CharField(max_length=500)
    run_date = models.DateField(help_text="The day of the reminder run that wrote it.")
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=10, choices=EmailStatus, default=EmailStatus.PENDING
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The Message-ID of the digest the row went (or is going) out in: the same digest
    # sent again after a crash carries the same one, so mail systems can drop the copy.
    digest_message_id = models.CharField(max_length=200, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        permissions = [
            (
                "receive_escalated_notification",
                "Receives reminders escalated to the governance committee",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "source", "object_id", "due_date", "stage"],
                name="notification_once_per_stage",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_status", "recipient"]),
        ]

    def __str__(self):
        return f"{self.title}: {self.message}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def urgent(self) -> bool:
        """Overdue and escalated reminders are e-mailed the next morning even to weekly
        readers: an escalation clock that waits for Monday would not be one."""
        return self.kind != self.Kind.DUE_SOON


class NotificationPreference(ChangeLogged, models.Model):
    """How one person wants their reminders, and whom to escalate to when they are late.

    Change-logged: who set whom as escalation contact is governance evidence (5.3).
    """

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    digest_frequency = models.CharField(
        "e-mail digest",
        max_length=10,
        choices=Frequency,
        default=Frequency.DAILY,
        help_text="Weekly digests still bring overdue and escalated items the next "
        "morning; only advance notices wait for the weekly e-mail.",
    )
    escalation_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalation_contact_for",
        help_text="Also reminded when one of your items stays overdue "
        "(e.g. your line manager or deputy).",
    )

    class Meta:
        verbose_name = "notification preference"

    def __str__(self):
        return f"Notification preferences of {self.user}"

    def get_absolute_url(self):
        return reverse("notification_preferences")

    def change_log_parent(self):
        return self.user

    def clean(self):
        contact = self.escalation_contact
        if contact is None:
            return
        if contact.pk == self.user_id:
            raise ValidationError(
                {"escalation_contact": "Choose someone other than yourself."}
            )
        if not contact.is_active:
            raise ValidationError(
                {
                    "escalation_contact": f"{contact} is deactivated; choose someone else."
                }
            )
        from aims.permissions import users_who_see_every_owned_record

        if not users_who_see_every_owned_record().filter(pk=contact.pk).exists():
            # They would be told the titles of records they may not see.
            raise ValidationError(
                {
                    "escalation_contact": f"{contact} may not see every record you may "
                    "own; choose someone whose role reads them all (e.g. an AIMS "
                    "manager or the committee)."
                }
            )
