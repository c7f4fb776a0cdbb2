"""The impact card on the home page: assessments and classifications the user may see."""

from django.db.models import Count, Q

from aims.permissions import visible_to

from .models import Classification, ImpactAssessment


def card_context(request) -> dict | None:
    user = request.user
    assessments = visible_to(ImpactAssessment.objects.all(), user)
    totals = assessments.aggregate(
        approved=Count("pk", filter=Q(status="approved")),
        in_review=Count("pk", filter=Q(status="in_review")),
        draft=Count("pk", filter=Q(status="draft")),
        review_needed=Count("pk", filter=Q(review_needed=True)),
    )
    classifications = visible_to(
        Classification.objects.filter(is_current=True), user
    ).aggregate(
        total=Count("pk"),
        prohibited=Count("pk", filter=Q(tier="prohibited")),
        high_risk=Count("pk", filter=Q(tier="high_risk")),
        fria=Count("pk", filter=Q(fria_required=True)),
        review_needed=Count("pk", filter=Q(review_needed=True)),
    )
    if not any(totals.values()) and not classifications["total"]:
        return None
    return {"totals": totals, "classifications": classifications}
