"""The scope of the AIMS (ISO/IEC 42001 4.3): versioned, approved by the committee."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from aims.models import AimsModel
from aims.reversing import reverse

from ..choices import ScopeStatus


class ScopeVersionQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=ScopeStatus.APPROVED)

    def in_force(self, as_of=None):
        """The approved version that applied on ``as_of`` (today when None)."""
        versions = self.exclude(status=ScopeStatus.DRAFT).exclude(approved_at=None)
        if as_of is not None:
            versions = versions.filter(approved_at__date__lte=as_of)
        return versions.order_by("-number").first()


class ScopeVersion(AimsModel):
    """One version of the scope statement. A draft is edited; an approved one is frozen."""

    number = models.PositiveIntegerField(unique=True, editable=False)
    status = models.CharField(
        max_length=12, choices=ScopeStatus, default=ScopeStatus.DRAFT, editable=False
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    statement = models.TextField(
        "scope statement", help_text="What the AIMS covers, in one or two paragraphs."
    )
    boundaries = models.TextField(
        help_text="Organisational, physical and technical boundaries."
    )
    units_and_sites = models.TextField("units and sites", blank=True)
    ai_systems = models.ManyToManyField(
        "registry.AISystem",
        blank=True,
        related_name="scope_versions",
        verbose_name="AI systems in scope",
    )
    interfaces = models.TextField(
        "interfaces and dependencies",
        blank=True,
        help_text="With activities outside the AIMS, suppliers and other organisations.",
    )
    exclusions = models.TextField(blank=True)
    exclusion_justification = models.TextField(
        "justification of the exclusions", blank=True
    )
    summary_of_changes = models.TextField(blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approval_comment = models.TextField(blank=True, editable=False)

    objects = ScopeVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = "scope version"
        permissions = [("approve_scopeversion", "Can approve the scope of the AIMS")]
        constraints = [
            # Two drafts would fork the statement.
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="draft"),
                name="scopeversion_single_draft",
            )
        ]

    def __str__(self):
        return f"Scope v{self.number} ({self.get_status_display().lower()})"

    def get_absolute_url(self):
        return reverse("governance:scopeversion_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == ScopeStatus.DRAFT

    def clean(self):
        if self.exclusions.strip() and not self.exclusion_justification.strip():
            raise ValidationError(
                {"exclusion_justification": "Justify each exclusion from the scope."}
            )
