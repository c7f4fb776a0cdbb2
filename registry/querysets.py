import datetime

from django.db import models
from django.utils import timezone

from .choices import LifecycleStage


class AISystemQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(lifecycle_stage=LifecycleStage.RETIRED)

    def review_overdue(self, today: datetime.date | None = None):
        return self.active().filter(next_review_date__lt=today or timezone.localdate())

    def with_scope(self, as_of=None):
        """``in_scope`` on each system: whether the AIMS scope covers it (registry.scope)."""
        from .scope import systems_in_scope

        return self.annotate(
            in_scope=models.Exists(
                systems_in_scope(as_of).filter(pk=models.OuterRef("pk"))
            )
        )

    def for_list(self):
        return self.select_related("owner").prefetch_related(
            "tags", "ai_roles", "data_categories"
        )
