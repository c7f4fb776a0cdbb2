"""The control library: Annex A (from the reference file) and the organisation's own."""

import re

from django.core.exceptions import ValidationError
from django.db import models

from aims.models import AimsModel
from aims.reversing import reverse

from ..choices import ControlSource, Framework

CUSTOM_DOMAIN = "ORG"
# Custom ids must not look like Annex A ones, so the library can never be confused.
CUSTOM_ID_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{1,7}-[A-Z0-9][A-Z0-9.\-]{0,9}$")


class ControlDomain(models.Model):
    """An Annex A domain (A.2 ... A.10) or the domain of organisation-specific controls."""

    code = models.CharField(max_length=10, unique=True)
    title = models.CharField(max_length=200)
    objective = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return f"{self.code} {self.title}"


class Control(AimsModel):
    control_id = models.CharField(
        "control ID",
        max_length=20,
        unique=True,
        help_text="For your own controls, e.g. ORG-1 or SEC-A.4 (capitals, digits, a dash).",
    )
    domain = models.ForeignKey(
        ControlDomain, on_delete=models.PROTECT, related_name="controls"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    source = models.CharField(
        max_length=10,
        choices=ControlSource,
        default=ControlSource.CUSTOM,
        editable=False,
    )
    evidence_examples = models.JSONField(default=list, blank=True, editable=False)
    default_test_frequency_days = models.PositiveSmallIntegerField(
        "default test frequency (days)", default=365
    )
    position = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position", "control_id"]

    def __str__(self):
        return f"{self.control_id} {self.title}"

    def get_absolute_url(self):
        return reverse("controls:control_detail", args=[self.pk])

    @property
    def is_custom(self) -> bool:
        return self.source == ControlSource.CUSTOM

    def clean(self):
        if self.is_custom and not CUSTOM_ID_PATTERN.match(self.control_id or ""):
            raise ValidationError(
                {
                    "control_id": "Use capitals and digits, a dash, then the number "
                    "(e.g. ORG-1); IDs starting with A. are reserved for Annex A."
                }
            )
        if not 1 <= (self.default_test_frequency_days or 0) <= 3650:
            raise ValidationError(
                {"default_test_frequency_days": "Choose from 1 to 3650 days."}
            )


class Requirement(models.Model):
    """An EU AI Act article or a NIST AI RMF category that controls are mapped to."""

    framework = models.CharField(max_length=20, choices=Framework)
    ref = models.CharField(max_length=30)
    title = models.CharField(max_length=300, blank=True)
    group = models.CharField(
        max_length=100,
        blank=True,
        help_text="NIST AI RMF function, or the EU AI Act chapter the article obliges.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position", "ref"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "ref"], name="requirement_unique"
            )
        ]

    def __str__(self):
        if self.framework == Framework.EU_AI_ACT:
            return f"Art. {self.ref} {self.title}".strip()
        return f"{self.ref} {self.title}".strip()


class CrosswalkLink(models.Model):
    """Control ↔ requirement, with its basis: a cited source, or ``derived`` (inferred)."""

    control = models.ForeignKey(
        Control, on_delete=models.CASCADE, related_name="crosswalk"
    )
    requirement = models.ForeignKey(
        Requirement, on_delete=models.CASCADE, related_name="links"
    )
    detail = models.CharField(
        max_length=30, blank=True, help_text="e.g. the NIST AI RMF subcategory."
    )
    basis = models.CharField(max_length=20)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["requirement__framework", "requirement__position", "detail"]
        constraints = [
            models.UniqueConstraint(
                fields=["control", "requirement", "detail"], name="crosswalk_unique"
            )
        ]

    def __str__(self):
        return f"{self.control.control_id} → {self.requirement}"

    @property
    def derived(self) -> bool:
        return self.basis == "derived"
