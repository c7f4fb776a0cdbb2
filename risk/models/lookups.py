"""ISO/IEC 42001 Annex C libraries, loaded from the reference data."""

from django.db import models

from aims.models import AimsModel


class RiskSource(AimsModel):
    """A risk source of ISO/IEC 42001 Annex C.3."""

    code = models.CharField(max_length=10, unique=True)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.title}"


class AIObjective(AimsModel):
    """An organisational objective for AI of ISO/IEC 42001 Annex C.2."""

    code = models.CharField(max_length=10, unique=True)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["pk"]
        verbose_name = "AI objective"

    def __str__(self):
        return f"{self.code} {self.title}"
