"""The management-review input (ISO/IEC 42001 9.3, commonly added): new or changed
AI system impact assessments since the previous review."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse

from aims.review_inputs import Figure, InputReport, ReviewInput, register


def _compute(as_of: datetime.date, since: datetime.date | None) -> InputReport:
    from .models import Classification, ImpactAssessment

    period = Q(approved_at__date__lte=as_of)
    if since is not None:
        period &= Q(approved_at__date__gt=since)
    totals = ImpactAssessment.objects.aggregate(
        approved=Count("pk", filter=Q(status="approved") & period),
        revisions=Count("pk", filter=Q(revision__gt=1) & period),
        open=Count("pk", filter=Q(status__in=("draft", "in_review"))),
        review_needed=Count("pk", filter=Q(review_needed=True)),
    )
    high_risk = Classification.objects.filter(is_current=True, tier="high_risk").count()
    url = reverse("impact:impactassessment_list")
    return InputReport(
        figures=[
            Figure(
                "Assessments approved in the period",
                totals["approved"],
                url=url + "?status=approved",
            ),
            Figure("of which revisions", totals["revisions"]),
            Figure(
                "Assessments in progress",
                totals["open"],
                url=url + "?status=draft&status=in_review",
            ),
            Figure(
                "Needing review after a change",
                totals["review_needed"],
                url=url + "?review_needed=true",
            ),
            Figure(
                "High-risk systems (EU AI Act)",
                high_risk,
                url=reverse("impact:classification_list")
                + "?tier=high_risk&current=true",
            ),
        ],
        summary=(
            f"{totals['approved']} impact assessments approved in the period "
            f"({totals['revisions']} revisions); {totals['review_needed']} need a review after a change."
        ),
        records_url=url,
    )


def register_review_input() -> None:
    register(
        ReviewInput(
            key="impact.assessments",
            input_id="added",
            title="New or changed AI system impact assessments",
            order=35,
            compute=_compute,
        )
    )
