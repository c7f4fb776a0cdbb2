"""Control effectiveness checks (ISO/IEC 42001 9.1): was the control tested, and did it work?"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from aims.models import AimsModel
from aims.reversing import reverse

from ..choices import CheckResult
from .library import Control


class ControlCheck(AimsModel):
    control = models.ForeignKey(
        Control, on_delete=models.PROTECT, related_name="checks"
    )
    checked_on = models.DateField(default=timezone.localdate)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(max_length=10, choices=CheckResult)
    notes = models.TextField(blank=True)
    evidence = models.ManyToManyField(
        "controls.Evidence", blank=True, related_name="checks"
    )

    class Meta:
        ordering = ["-checked_on", "-pk"]
        verbose_name = "control check"
        # The newest check of a control (SoA, coverage, reminders) is one index probe.
        indexes = [
            models.Index(
                fields=["control", "-checked_on", "-id"], name="controlcheck_latest_idx"
            )
        ]

    def __str__(self):
        return f"{self.control.control_id} check {self.checked_on}: {self.get_result_display()}"

    def get_absolute_url(self):
        return reverse("controls:control_detail", args=[self.control_id]) + "#checks"

    def change_log_parent(self):
        return self.control

    def clean(self):
        if self.checked_on and self.checked_on > timezone.localdate():
            raise ValidationError({"checked_on": "A check cannot be in the future."})
        if (
            self.result in (CheckResult.FAIL, CheckResult.PARTIAL)
            and not (self.notes or "").strip()
        ):
            raise ValidationError(
                {"notes": "Say what did not work, so the owner can correct it."}
            )
