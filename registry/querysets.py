import datetime

from django.db import models
from django.utils import timezone

from .choices import LifecycleStage


class AISystemQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(lifecycle_stage=LifecycleStage.RETIRED)

    def review_overdue(self, today: datetime.date | None = None):
        return self.active().filter(next_review_date__lt=today or timezone.localdate())

    def for_list(self):
        return self.select_related("owner").prefetch_related(
            "tags", "ai_roles", "data_categories"
        )
