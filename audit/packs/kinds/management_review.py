"""The management review pack: attendance, every input with its figures (as frozen at
sign-off), the minutes per input and the decisions (ISO/IEC 42001 9.3, DI-21)."""

from ...models import ManagementReview
from ...services import review_input_reports
from ..registry import PackContent, PackKind, RecordRef, Section

__all__ = ["ManagementReviewPackKind"]


class ManagementReviewPackKind(PackKind):
    key = "management_review"
    title = "Management review minutes"
    description = (
        "One management review: attendees, the 9.3.2 inputs with their figures, the "
        "minutes per input and the decisions with owners and due dates."
    )
    target_model = ManagementReview
    target_label = "Management review"
    requires = ((ManagementReview, "view"),)
    sections = (
        Section("review", "Review and attendance", "audit/packs/review/review.html"),
        Section("inputs", "Inputs and minutes", "audit/packs/review/inputs.html"),
        Section(
            "decisions", "Decisions and actions", "audit/packs/review/decisions.html"
        ),
    )

    def build(self, pack, target: ManagementReview, parameters: dict) -> PackContent:
        review = (
            ManagementReview.objects.select_related("chair", "signed_by")
            .prefetch_related("attendees")
            .get(pk=target.pk)
        )
        return PackContent(
            context={
                "review": review,
                "inputs": review_input_reports(review),
                "decisions": list(review.decisions.select_related("owner")),
            },
            records=[RecordRef(str(review), review.version)],
        )
