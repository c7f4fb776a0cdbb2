"""Writes of management reviews (ISO/IEC 42001 9.3).

A review is planned, prepared (its inputs assembled from live data as of the review
date) and held; the chair signs it off, which freezes the inputs as they were. A signed
review is never edited; its decisions stay open for follow-up until done.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from aims import review_inputs
from aims.context import attributed_to
from aims.history import change_scope, record_event
from aims.models import ReferenceCounter
from aims.permissions import can
from aims.services import object_save

from ..choices import ReviewStatus
from ..models import ManagementReview, ManagementReviewDecision, ManagementReviewInput
from ..models.reviews import REVIEW_PREFIX
from .audits import Frozen

__all__ = [
    "review_decision_save",
    "review_input_reports",
    "review_input_save",
    "review_prepare",
    "review_save",
    "review_sign",
]


def review_save(
    *, review: ManagementReview, actor, m2m: dict | None = None, expected_version=None
) -> ManagementReview:
    """Schedule or record a review; the chair must be able to sign it off."""
    with attributed_to(actor), change_scope():
        if review.pk is None:
            review.reference = ReferenceCounter.next_reference(REVIEW_PREFIX)
        else:
            stored = ManagementReview.objects.get(pk=review.pk)
            if stored.is_signed:
                raise Frozen(f"{stored} is signed off: it is kept as signed.")
        if review.chair_id and not can(review.chair, "sign", ManagementReview):
            raise ValidationError(
                {"chair": f"{review.chair} cannot sign off management reviews."}
            )
        return object_save(
            instance=review, actor=actor, m2m=m2m, expected_version=expected_version
        )


def previous_review(review: ManagementReview) -> ManagementReview | None:
    return ManagementReview.objects.before(review).first()


def review_prepare(*, review: ManagementReview, actor) -> ManagementReview:
    """Add one input per registered 9.3.2 input (and the commonly added ones)."""
    if not can(actor, "change", review):
        raise PermissionDenied("You may not prepare this review.")
    with transaction.atomic(), attributed_to(actor), change_scope():
        review = ManagementReview.objects.select_for_update().get(pk=review.pk)
        if review.is_signed:
            raise Frozen(f"{review} is signed off.")
        present = set(review.inputs.values_list("key", flat=True))
        for position, item in enumerate(review_inputs.registered_inputs(), start=1):
            if item.key in present:
                continue
            object_save(
                instance=ManagementReviewInput(
                    review=review,
                    key=item.key,
                    input_id=item.input_id,
                    title=item.title,
                    position=position,
                ),
                actor=actor,
            )
        if review.status == ReviewStatus.PLANNED:
            review.status = ReviewStatus.PREPARED
            object_save(instance=review, actor=actor)
    return review


def review_input_reports(review: ManagementReview) -> list[tuple]:
    """(input row, report as JSON) for each input: frozen after sign-off, else live as
    of the review date, with the previous signed review's date as ``since``."""
    rows = list(review.inputs.all())
    if review.is_signed:
        return [(row, row.snapshot) for row in rows]
    registered = {
        i.key: i for i in review_inputs.registered_inputs(with_fallbacks=True)
    }
    previous = previous_review(review)
    since = previous.review_date if previous else None
    reports = []
    for row in rows:
        item = registered.get(row.key)
        report = (
            item.compute(review.review_date, since).as_json()
            if item is not None
            else {
                "figures": [],
                "summary": "This input is no longer provided.",
                "records_url": "",
                "data": {},
            }
        )
        reports.append((row, report))
    return reports


def review_input_save(
    *, item: ManagementReviewInput, actor, expected_version=None
) -> ManagementReviewInput:
    """Minutes (and hand-entered facts) per input, until sign-off."""
    if ManagementReview.objects.filter(
        pk=item.review_id, status=ReviewStatus.SIGNED
    ).exists():
        raise Frozen("The review is signed off: its minutes are kept as signed.")
    with attributed_to(actor), change_scope():
        return object_save(
            instance=item, actor=actor, expected_version=expected_version
        )


_FOLLOW_UP_FIELDS = ("status", "completed_on", "notes")


def review_decision_save(
    *, decision: ManagementReviewDecision, actor, expected_version=None
) -> ManagementReviewDecision:
    """A decision or action of the review (9.3.3). After sign-off only its follow-up
    (status, completion, notes) changes."""
    review = ManagementReview.objects.get(pk=decision.review_id)
    with attributed_to(actor), change_scope():
        if review.is_signed:
            if decision.pk is None:
                raise Frozen(
                    "The review is signed off: decisions are taken in a review."
                )
            stored = ManagementReviewDecision.objects.get(pk=decision.pk)
            changed = [
                f.name
                for f in ManagementReviewDecision._meta.concrete_fields
                if f.editable
                and f.name not in _FOLLOW_UP_FIELDS
                and getattr(stored, f.attname) != getattr(decision, f.attname)
            ]
            if changed:
                raise Frozen(
                    "The review is signed off: only the follow-up of a decision "
                    "(status, completion, notes) may change."
                )
        return object_save(
            instance=decision, actor=actor, expected_version=expected_version
        )


def review_sign(*, review: ManagementReview, actor) -> ManagementReview:
    """The chair signs the review off: attendees with top management present and at
    least one decision are required; the inputs are frozen as they are now."""
    with transaction.atomic(), attributed_to(actor), change_scope():
        review = ManagementReview.objects.select_for_update().get(pk=review.pk)
        if review.is_signed:
            raise Frozen(f"{review} is already signed off.")
        if (
            actor is None
            or actor.pk != review.chair_id
            or not can(actor, "sign", ManagementReview)
        ):
            raise PermissionDenied("Only the chair of the review signs it off.")
        errors = {}
        if not review.attendees.exists() and not review.other_attendees.strip():
            errors["attendees"] = "Record who attended the review."
        if not review.top_management_present:
            errors["top_management_present"] = (
                "A management review is held by top management: confirm it was present."
            )
        if not review.decisions.exists():
            errors["decisions"] = "Record at least one decision or action (9.3.3)."
        if not review.inputs.exists():
            errors["inputs"] = "Prepare the inputs before signing off."
        if errors:
            raise ValidationError(errors)
        for row, report in review_input_reports(review):
            row.snapshot = report
            object_save(instance=row, actor=actor)
        review.status = ReviewStatus.SIGNED
        review.signed_by = actor
        review.signed_at = timezone.now()
        object_save(instance=review, actor=actor)
        record_event(
            review,
            "managementreview.signed",
            f"{actor} signed off {review.reference} held on {review.review_date}: "
            f"{review.inputs.count()} inputs, {review.decisions.count()} decisions.",
        )
    return review
