"""Context of the organisation (ISO/IEC 42001 4.1) and interested parties (4.2)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from aims.models import AimsModel
from aims.reversing import reverse

from ..choices import ClimateDecision, IssueCategory, IssueKind, RecordStatus


class OrganisationContext(AimsModel):
    """The facts about the organisation that are recorded once: its AI roles (4.1) and the
    explicit decision whether climate change is a relevant issue (the 2024 amendment to
    the management-system standards asks every organisation to decide it)."""

    ai_roles = models.ManyToManyField(
        "registry.AIRole",
        blank=True,
        related_name="+",
        verbose_name="organisation's AI roles",
        help_text="The roles the organisation plays (ISO/IEC 42001 4.1, ISO/IEC 22989).",
    )
    ai_roles_note = models.TextField(
        "notes on the AI roles",
        blank=True,
        help_text="E.g. provider of the products it builds, deployer of bought systems.",
    )
    intended_purpose_summary = models.TextField(
        "purpose of the AI systems",
        blank=True,
        help_text="What the organisation develops, provides or uses AI systems for.",
    )
    climate_change = models.CharField(
        "climate change is",
        max_length=20,
        choices=ClimateDecision,
        blank=True,
        default=ClimateDecision.UNDECIDED,
    )
    climate_change_rationale = models.TextField(
        "reason for the climate-change decision", blank=True
    )
    climate_change_decided_on = models.DateField(
        "climate change decided on", null=True, blank=True
    )

    class Meta:
        verbose_name = "organisation context"
        verbose_name_plural = "organisation context"

    def __str__(self):
        return "Organisation context"

    def get_absolute_url(self):
        return reverse("governance:context")

    def clean(self):
        errors = {}
        if self.climate_change and not self.climate_change_rationale.strip():
            errors["climate_change_rationale"] = (
                "Say why climate change is or is not relevant to the AIMS."
            )
        if self.climate_change and self.climate_change_decided_on is None:
            errors["climate_change_decided_on"] = "Give the date of the decision."
        if errors:
            raise ValidationError(errors)


class ContextIssue(AimsModel):
    """An external or internal issue that affects the AIMS's intended outcomes (4.1)."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=IssueKind)
    category = models.CharField(max_length=20, choices=IssueCategory)
    description = models.TextField(blank=True)
    effect = models.TextField(
        "effect on the AIMS", help_text="How the issue affects what the AIMS achieves."
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the issue was identified."
    )
    is_climate_change = models.BooleanField(
        "concerns climate change",
        default=False,
        help_text="This issue is the organisation's climate-change issue.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="governance_context_issues",
    )
    review_date = models.DateField("next review", null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=RecordStatus, default=RecordStatus.OPEN
    )

    class Meta:
        ordering = ["reference"]
        verbose_name = "context issue"
        indexes = [models.Index(fields=["status", "review_date"])]

    def __str__(self):
        return f"{self.reference} {self.title}" if self.reference else self.title

    def get_absolute_url(self):
        return reverse("governance:contextissue_detail", args=[self.pk])


class InterestedParty(AimsModel):
    """A party relevant to the AIMS, and what it needs and expects (4.2)."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=IssueKind)
    needs_and_expectations = models.TextField("relevant needs and expectations")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="governance_interested_parties",
        help_text="Who keeps the relationship and this record.",
    )
    review_date = models.DateField("next review", null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=RecordStatus, default=RecordStatus.OPEN
    )

    class Meta:
        ordering = ["reference"]
        verbose_name = "interested party"
        verbose_name_plural = "interested parties"

    def __str__(self):
        return f"{self.reference} {self.name}" if self.reference else self.name

    def get_absolute_url(self):
        return reverse("governance:interestedparty_detail", args=[self.pk])


class PartyRequirement(AimsModel):
    """One need of an interested party; those the AIMS adopts become its requirements,
    with how each is addressed (controls, documents, objectives)."""

    party = models.ForeignKey(
        InterestedParty, on_delete=models.CASCADE, related_name="requirements"
    )
    requirement = models.TextField()
    adopted = models.BooleanField(
        "a requirement of the AIMS",
        default=True,
        help_text="Whether the AIMS addresses this need (4.2 c).",
    )
    how_addressed = models.TextField("how it is addressed", blank=True)
    controls = models.ManyToManyField(
        "controls.Control", blank=True, related_name="party_requirements"
    )
    documents = models.ManyToManyField(
        "governance.Document", blank=True, related_name="party_requirements"
    )
    objectives = models.ManyToManyField(
        "governance.Objective", blank=True, related_name="party_requirements"
    )

    class Meta:
        ordering = ["party", "pk"]
        verbose_name = "party requirement"

    def __str__(self):
        text = " ".join(self.requirement.split())
        return text[:80] + ("…" if len(text) > 80 else "")

    def get_absolute_url(self):
        return reverse("governance:partyrequirement_detail", args=[self.pk])

    def change_log_parent(self):
        return self.party

    def clean(self):
        if self.adopted and not self.how_addressed.strip():
            raise ValidationError(
                {"how_addressed": "Say how the AIMS addresses an adopted requirement."}
            )
