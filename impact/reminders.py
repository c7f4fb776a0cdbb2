"""Due items for the reminder run: approved assessments at their planned review date, and
approved assessments or classifications a material change marked "review needed" (due
the day they were marked)."""

from aims.reminders import DueItem, DueSource, register


def _assessment_items(until):
    from django.db.models import Q

    from .models import ImpactAssessment

    rows = (
        ImpactAssessment.objects.filter(status="approved")
        .filter(
            Q(next_review_date__lte=until)
            | Q(review_needed=True, review_flagged_on__lte=until)
        )
        .select_related("owner", "assessor", "ai_system")
    )
    for assessment in rows:
        due = assessment.next_review_date
        title = (
            f"Review the impact assessment {assessment} of {assessment.ai_system.name}"
        )
        if assessment.review_needed and assessment.review_flagged_on:
            due = min(d for d in (due, assessment.review_flagged_on) if d is not None)
            title = f"Reassess {assessment} after a change: {assessment.review_reason}"[
                :300
            ]
        yield DueItem(
            obj=assessment,
            due_date=due,
            responsible=(assessment.owner, assessment.assessor),
            title=title,
            url=assessment.get_absolute_url(),
        )


def _classification_items(until):
    from .models import Classification

    rows = Classification.objects.filter(
        is_current=True, review_needed=True, review_flagged_on__lte=until
    ).select_related("ai_system__owner")
    for classification in rows:
        yield DueItem(
            obj=classification,
            due_date=classification.review_flagged_on,
            responsible=(classification.ai_system.owner,),
            title=f"Review the EU AI Act classification of {classification.ai_system}"[
                :300
            ],
            url=classification.get_absolute_url(),
        )


def register_sources() -> None:
    register(
        DueSource(
            "impact.assessment_review", "Impact assessment review", _assessment_items
        )
    )
    register(
        DueSource(
            "impact.classification_review",
            "EU AI Act classification review",
            _classification_items,
        )
    )
