import datetime

from django.db import models
from django.utils import timezone

from .choices import LifecycleStage


class AISystemQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(lifecycle_stage=LifecycleStage.RETIRED)

    def review_overdue(self, today: datetime.date | None = None):
        return self.active().filter(next_review_date__lt=today or timezone.localdate())

    def review_due_within(self, days: int, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.active().filter(
            next_review_date__gte=today,
            next_review_date__lte=today + datetime.timedelta(days=days),
        )

    def owned_by(self, user):
        return self.filter(owner=user)

    def for_list(self):
        return self.select_related("owner").prefetch_related(
            "tags", "ai_roles", "data_categories"
        )
