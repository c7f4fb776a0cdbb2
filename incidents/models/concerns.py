"""Concerns raised about an AI system or the AIMS (ISO/IEC 42001 A.3.3).

The reporter may ask that their name be withheld from everyone but the AIMS managers;
their name is therefore never part of the change log (``change_log_exclude``) and the
concern is recorded in the name of the reporting channel, not the person.
"""

from django.conf import settings
from django.db import models

from aims.models import AimsModel
from aims.permissions import can
from aims.reversing import reverse
from registry.models import AISystem

from ..choices import ConcernStatus

REFERENCE_PREFIX = "CON"
# The actor the change log names for a raised concern.
CHANNEL_ACTOR = "concern-channel"


class Concern(AimsModel):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    ai_system = models.ForeignKey(
        AISystem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concerns",
        verbose_name="AI system",
        help_text="Leave empty for a concern about the AIMS as a whole.",
    )
    subject = models.CharField(max_length=200)
    description = models.TextField("the concern")
    name_withheld = models.BooleanField(
        "withhold my name",
        default=False,
        help_text="Only the AIMS managers will see who raised the concern.",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        editable=False,
        related_name="raised_concerns",
    )
    status = models.CharField(
        max_length=15, choices=ConcernStatus, default=ConcernStatus.RAISED
    )
    response = models.TextField(
        "response to the reporter", blank=True, help_text="The reporter sees this."
    )
    responded_at = models.DateTimeField(null=True, blank=True, editable=False)

    change_log_exclude = (*AimsModel.change_log_exclude, "reporter")

    class Meta:
        ordering = ["-created", "-pk"]
        permissions = [
            (
                "identify_reporter_concern",
                "Can see who raised a concern whose reporter asked for their name to be withheld",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created"], name="concern_status_idx")
        ]

    def __str__(self):
        return f"{self.reference} {self.subject}" if self.reference else self.subject

    def get_absolute_url(self):
        return reverse("incidents:concern_detail", args=[self.pk])

    def reporter_shown_to(self, user) -> str:
        """The reporter as ``user`` may see them: the name, "you", or "withheld"."""
        if user is not None and user.pk == self.reporter_id:
            return "You"
        if not self.name_withheld or may_identify_reporters(user):
            return str(self.reporter)
        return "Name withheld"


def may_identify_reporters(user) -> bool:
    return can(user, "identify_reporter", Concern)
