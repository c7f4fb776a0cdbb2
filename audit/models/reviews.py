"""Management reviews (ISO/IEC 42001 9.3): inputs from live data, minutes, decisions.

Preparing a review creates one ``ManagementReviewInput`` per registered input
(``aims.review_inputs``); until sign-off each shows the live figures as of the review
date, and on sign-off by the chair the figures are frozen into ``snapshot``. Decisions
(9.3.3) are tracked actions; the next review's input a) lists them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from aims.models import AimsModel
from aims.reversing import reverse

from ..choices import DecisionKind, DecisionStatus, ReviewStatus

REVIEW_PREFIX = "MR"


class ManagementReviewQuerySet(models.QuerySet):
    def signed(self):
        return self.filter(status=ReviewStatus.SIGNED)

    def before(self, review):
        """Signed reviews held before ``review`` (the previous one first)."""
        return (
            self.signed()
            .filter(review_date__lt=review.review_date)
            .exclude(pk=review.pk)
            .order_by("-review_date", "-pk")
        )


class ManagementReview(AimsModel):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200)
    review_date = models.DateField(help_text="The inputs are read as of this date.")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chaired_reviews",
        help_text="A member of top management; signs the review off.",
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="attended_reviews"
    )
    other_attendees = models.TextField(
        blank=True, help_text="People without a portal account, one a line."
    )
    top_management_present = models.BooleanField(default=False)
    minutes = models.TextField("general minutes", blank=True)
    next_review_date = models.DateField(
        null=True, blank=True, help_text="When the next review is due."
    )
    status = models.CharField(
        max_length=10,
        choices=ReviewStatus,
        default=ReviewStatus.PLANNED,
        editable=False,
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ManagementReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-review_date", "-pk"]
        verbose_name = "management review"
        permissions = [("sign_managementreview", "Can sign off management reviews")]

    def __str__(self):
        return f"{self.reference} {self.title}" if self.reference else self.title

    def get_absolute_url(self):
        return reverse("audit:managementreview_detail", args=[self.pk])

    @property
    def is_signed(self) -> bool:
        return self.status == ReviewStatus.SIGNED

    def clean(self):
        if (
            self.next_review_date
            and self.review_date
            and self.next_review_date <= self.review_date
        ):
            raise ValidationError(
                {"next_review_date": "The next review must come after this one."}
            )


class ManagementReviewInput(AimsModel):
    review = models.ForeignKey(
        ManagementReview, on_delete=models.CASCADE, related_name="inputs"
    )
    key = models.CharField(max_length=60, editable=False)
    input_id = models.CharField(max_length=20, editable=False)
    title = models.CharField(max_length=200, editable=False)
    position = models.PositiveIntegerField(default=0, editable=False)
    minutes = models.TextField(blank=True)
    # Entered by hand where no record holds the input yet (issues, interested parties).
    manual_summary = models.TextField(blank=True)
    # The figures as they were at sign-off ({} until then: shown live).
    snapshot = models.JSONField(default=dict, blank=True, editable=False)

    inherit_permissions = {
        "view": ("review", "view"),
        "change": ("review", "change"),
    }

    class Meta:
        ordering = ["review", "position", "pk"]
        verbose_name = "management review input"
        constraints = [
            models.UniqueConstraint(fields=["review", "key"], name="reviewinput_unique")
        ]

    def __str__(self):
        return (
            f"{self.input_id} {self.title}" if self.input_id != "added" else self.title
        )

    def get_absolute_url(self):
        return self.review.get_absolute_url() + f"#input-{self.pk}"

    def change_log_parent(self):
        return self.review


class ManagementReviewDecisionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=DecisionStatus.OPEN)


class ManagementReviewDecision(AimsModel):
    review = models.ForeignKey(
        ManagementReview, on_delete=models.CASCADE, related_name="decisions"
    )
    kind = models.CharField(max_length=12, choices=DecisionKind)
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_decisions",
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=10, choices=DecisionStatus, default=DecisionStatus.OPEN
    )
    completed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    objects = ManagementReviewDecisionQuerySet.as_manager()

    # Decisions are taken in the review; their follow-up (status) stays editable.
    inherit_permissions = {
        "view": ("review", "view"),
        "change": ("review", "change"),
    }

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = "management review decision"

    def __str__(self):
        return self.description[:100]

    def get_absolute_url(self):
        return self.review.get_absolute_url() + f"#decision-{self.pk}"

    def change_log_parent(self):
        return self.review

    def clean(self):
        errors = {}
        if self.status == DecisionStatus.DONE and not self.completed_on:
            errors["completed_on"] = "Give the date the decision was carried out."
        if errors:
            raise ValidationError(errors)
