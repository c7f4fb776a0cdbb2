import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .choices import RiskLevel, RiskStatus


class RiskQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=RiskStatus.CLOSED)

    def review_overdue(self, today: datetime.date | None = None):
        return self.open().filter(next_review_date__lt=today or timezone.localdate())

    def above_appetite(self):
        """Risks whose residual level, or before treatment their inherent level, is above
        the appetite of the criteria version they were assessed under. One condition per
        criteria version (there are a handful), so the database counts them: reading
        100,000 risks to compare each in Python took 3 s and a gigabyte."""
        criteria_model = self.model._meta.get_field("criteria").related_model
        condition = Q()
        for criteria in criteria_model.objects.only("pk", "appetite"):
            above = [level for level in RiskLevel.values if criteria.above_appetite(level)]
            if above:
                condition |= Q(criteria=criteria.pk) & (
                    Q(residual_level__in=above)
                    | Q(residual_level="", inherent_level__in=above)
                )
        return self.filter(condition) if condition else self.none()
