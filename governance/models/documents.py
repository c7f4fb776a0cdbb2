"""The document register (ISO/IEC 42001 5.2, 7.5, A.2): policies, procedures, plans,
templates and documents of external origin, each with approved versions, publication to
groups of people and their acknowledgements (7.3, 7.4)."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models

from aims.models import AimsModel
from aims.reversing import reverse

from ..choices import Classification, DocumentType, VersionStatus


class DocumentQuerySet(models.QuerySet):
    def with_current_version(self):
        """Each document's newest approved version number, as one subquery."""
        newest = DocumentVersion.objects.filter(
            document=models.OuterRef("pk"), status=VersionStatus.APPROVED
        ).order_by("-number")
        return self.annotate(
            current_number=models.Subquery(newest.values("number")[:1]),
            current_effective=models.Subquery(newest.values("effective_date")[:1]),
        )


class Document(AimsModel):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200)
    doc_type = models.CharField("type", max_length=12, choices=DocumentType)
    purpose = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="governance_documents",
    )
    classification = models.CharField(
        max_length=12, choices=Classification, default=Classification.INTERNAL
    )
    retention = models.CharField(
        max_length=100,
        default="3 years after it is superseded",
        help_text="How long superseded versions are kept (7.5.3).",
    )
    review_interval_months = models.PositiveSmallIntegerField(
        "review interval (months)", default=12
    )
    next_review_date = models.DateField(null=True, blank=True)
    external_source = models.CharField(
        "issued by",
        max_length=200,
        blank=True,
        help_text="For documents of external origin: the standards body, legislator or party.",
    )
    external_edition = models.CharField("edition", max_length=100, blank=True)
    controls = models.ManyToManyField(
        "controls.Control",
        blank=True,
        related_name="governance_documents",
        help_text="An approved version is evidence for these controls (e.g. the AI policy for A.2.2).",
    )
    documented_information = models.JSONField(
        "documented information held",
        default=list,
        blank=True,
        help_text="The items of ISO/IEC 42001 documented information this document is "
        "the record of (e.g. DI-05, the AI risk treatment process); the readiness view "
        "judges them by its approved, in-date version.",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        verbose_name = "document"
        permissions = [
            ("approve_document", "Can approve document versions (four eyes)"),
            ("approve_ai_policy", "Can approve the AI policy (top management)"),
        ]
        indexes = [models.Index(fields=["next_review_date"])]

    def __str__(self):
        return f"{self.reference} {self.title}" if self.reference else self.title

    def get_absolute_url(self):
        return reverse("governance:document_detail", args=[self.pk])

    @property
    def is_external(self) -> bool:
        return self.doc_type == DocumentType.EXTERNAL

    def clean(self):
        errors = {}
        if self.is_external and not self.external_source.strip():
            errors["external_source"] = (
                "Name who issued a document of external origin (7.5.3)."
            )
        if not 1 <= (self.review_interval_months or 0) <= 60:
            errors["review_interval_months"] = "Choose from 1 to 60 months."
        items = self.documented_information
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            errors["documented_information"] = "Give a list of item IDs, e.g. DI-05."
        else:
            from ..document_items import document_item_ids

            unknown = sorted(set(items) - set(document_item_ids()))
            if unknown:
                errors["documented_information"] = (
                    f"Not an item a document can hold: {', '.join(unknown)}. Choose "
                    f"from {', '.join(document_item_ids())}."
                )
            else:
                # One order whatever the input: the change log then shows real changes only.
                self.documented_information = [
                    i for i in document_item_ids() if i in set(items)
                ]
        if errors:
            raise ValidationError(errors)

    @property
    def documented_information_labels(self) -> list[str]:
        from ..document_items import item_label

        return [item_label(i) for i in self.documented_information]


class DocumentVersion(AimsModel):
    """One version of a document: Markdown text or a file kept in the evidence store."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="versions", editable=False
    )
    number = models.PositiveIntegerField(editable=False)
    status = models.CharField(
        max_length=12,
        choices=VersionStatus,
        default=VersionStatus.DRAFT,
        editable=False,
    )
    text = models.TextField(
        blank=True, help_text="Markdown: headings (#), lists (-), **bold**, *italics*."
    )
    evidence = models.ForeignKey(
        "controls.Evidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="document_versions",
        help_text="The evidence item that holds this version's file (and, once approved, its text).",
    )
    change_summary = models.TextField("summary of changes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        editable=False,
        related_name="+",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approval_comment = models.TextField(blank=True, editable=False)
    effective_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = "document version"
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="documentversion_unique"
            )
        ]
        indexes = [models.Index(fields=["document", "status", "number"])]

    def __str__(self):
        return f"{self.document.reference} v{self.number}"

    def get_absolute_url(self):
        return reverse("governance:documentversion_detail", args=[self.pk])

    def change_log_parent(self):
        return self.document

    @property
    def is_editable(self) -> bool:
        return self.status in (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.APPROVED


class Publication(AimsModel):
    """An approved version published to groups of people, who are asked to acknowledge it."""

    version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="publications"
    )
    groups = models.ManyToManyField(
        Group, related_name="+", verbose_name="published to"
    )
    message = models.TextField(blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    acknowledge_by = models.DateField("acknowledge by", null=True, blank=True)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = "publication"

    def __str__(self):
        return f"{self.version} published"

    def get_absolute_url(self):
        return self.version.get_absolute_url()

    def change_log_parent(self):
        return self.version.document

    def version_read_url(self) -> str:
        return reverse("governance:read", args=[self.version_id])


class Acknowledgement(AimsModel):
    """A person confirms they read a published version (7.3 awareness)."""

    version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="document_acknowledgements",
    )
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-acknowledged_at"]
        verbose_name = "acknowledgement"
        constraints = [
            models.UniqueConstraint(
                fields=["version", "user"], name="acknowledgement_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} acknowledged {self.version}"

    def get_absolute_url(self):
        return self.version.get_absolute_url()

    def change_log_parent(self):
        return self.version.document
