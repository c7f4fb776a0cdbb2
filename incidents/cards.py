"""The home-page card: open incidents and serious ones awaiting their report."""

from django.db.models import Count, Min, Q
from django.utils import timezone

from aims.permissions import visible_to

from .models import Incident


def incident_card(request):
    visible = visible_to(Incident.objects.open(), request.user)
    now = timezone.now()
    figures = visible.aggregate(
        open=Count("pk"),
        serious_pending=Count(
            "pk", filter=Q(is_serious=True, reported_to_authority_at__isnull=True)
        ),
        overdue=Count(
            "pk",
            filter=Q(
                is_serious=True,
                reported_to_authority_at__isnull=True,
                report_deadline__lt=now,
            ),
        ),
        next_deadline=Min(
            "report_deadline",
            filter=Q(is_serious=True, reported_to_authority_at__isnull=True),
        ),
    )
    return {"figures": figures, "now": now}
