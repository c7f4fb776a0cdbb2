import datetime

from django.db import models
from django.utils import timezone

from .choices import RiskStatus


class RiskQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=RiskStatus.CLOSED)

    def review_overdue(self, today: datetime.date | None = None):
        return self.open().filter(next_review_date__lt=today or timezone.localdate())
