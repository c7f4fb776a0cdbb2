import datetime

from django.db import models
from django.utils import timezone

from .choices import ActionStatus, RiskStatus


class RiskQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=RiskStatus.CLOSED)

    def review_overdue(self, today: datetime.date | None = None):
        return self.open().filter(next_review_date__lt=today or timezone.localdate())

    def for_system(self, system):
        return self.filter(ai_system=system)

    def with_overdue_actions(self, today: datetime.date | None = None):
        return self.filter(
            actions__status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS],
            actions__due_date__lt=today or timezone.localdate(),
        ).distinct()
