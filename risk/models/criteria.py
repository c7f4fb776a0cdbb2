"""Risk criteria (ISO/IEC 42001 6.1.1, 6.1.2): scales, level mapping and risk appetite."""

from django.core.exceptions import ValidationError
from django.db import models

from aims.models import AimsModel
from aims.reversing import reverse

from ..choices import RiskLevel


def _check_scale(name: str, scale, errors: dict) -> None:
    if not isinstance(scale, list) or not 2 <= len(scale) <= 10:
        errors[name] = "A scale has between 2 and 10 levels."
        return
    for index, level in enumerate(scale, start=1):
        if not isinstance(level, dict) or not str(level.get("label", "")).strip():
            errors[name] = f"Level {index} needs a label."
            return
        if (
            len(str(level["label"])) > 60
            or len(str(level.get("description", ""))) > 500
        ):
            errors[name] = (
                f"Level {index}: labels have at most 60 characters, descriptions 500."
            )
            return


class RiskCriteria(AimsModel):
    """One version of the risk criteria. Versions are never edited: a change publishes a
    new version, and every risk keeps the version it was assessed under."""

    number = models.PositiveIntegerField("version", unique=True, editable=False)
    name = models.CharField(max_length=100, default="AI risk criteria")
    likelihood_scale = models.JSONField(
        help_text="[{label, description}] from lowest to highest."
    )
    impact_scale = models.JSONField(
        help_text="[{label, description}] from lowest to highest."
    )
    level_thresholds = models.JSONField(
        help_text="Lowest score of each level, e.g. {low: 1, medium: 5, high: 10, critical: 17}."
    )
    level_colours = models.JSONField(help_text="Colour of each level for heat maps.")
    appetite = models.CharField(
        "risk appetite",
        max_length=10,
        choices=RiskLevel,
        help_text="The highest residual level a risk owner may accept alone; above it, "
        "acceptance needs the governance committee.",
    )
    is_current = models.BooleanField(default=False, editable=False)
    change_note = models.TextField(
        blank=True, help_text="Why this version was published."
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = "risk criteria version"
        verbose_name_plural = "risk criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="riskcriteria_one_current",
            )
        ]

    def __str__(self):
        return f"{self.name} v{self.number}"

    def get_absolute_url(self):
        return reverse("risk:riskcriteria_detail", args=[self.pk])

    def clean(self):
        errors: dict = {}
        _check_scale("likelihood_scale", self.likelihood_scale, errors)
        _check_scale("impact_scale", self.impact_scale, errors)
        thresholds = self.level_thresholds or {}
        if set(thresholds) != set(RiskLevel.values):
            errors["level_thresholds"] = "Give the lowest score of every level."
        elif "likelihood_scale" not in errors and "impact_scale" not in errors:
            starts = [thresholds[level] for level in RiskLevel.values]
            if starts[0] != 1:
                errors["level_thresholds"] = "The lowest level starts at score 1."
            elif any(not isinstance(v, int) for v in starts) or starts != sorted(
                set(starts)
            ):
                errors["level_thresholds"] = (
                    "Each level must start above the one before."
                )
            elif starts[-1] > self.max_score:
                errors["level_thresholds"] = (
                    f"No score reaches {starts[-1]}; the highest is {self.max_score}."
                )
        if not isinstance(self.level_colours, dict) or set(self.level_colours) - set(
            RiskLevel.values
        ):
            errors["level_colours"] = "Give colours only for: " + ", ".join(
                RiskLevel.values
            )
        if errors:
            raise ValidationError(errors)

    # Scoring

    @property
    def max_likelihood(self) -> int:
        return len(self.likelihood_scale)

    @property
    def max_impact(self) -> int:
        return len(self.impact_scale)

    @property
    def max_score(self) -> int:
        return self.max_likelihood * self.max_impact

    def score(self, likelihood: int, impact: int) -> int:
        return likelihood * impact

    def level_for(self, score: int) -> str:
        """The highest level whose lowest score the score reaches."""
        reached = [
            level for level in RiskLevel.values if score >= self.level_thresholds[level]
        ]
        return reached[-1]

    def colour_for(self, level: str) -> str:
        return self.level_colours.get(level, "#6c757d")

    def likelihood_label(self, value: int | None) -> str:
        return self._label(self.likelihood_scale, value)

    def impact_label(self, value: int | None) -> str:
        return self._label(self.impact_scale, value)

    @staticmethod
    def _label(scale, value) -> str:
        if value is None or not 1 <= value <= len(scale):
            return ""
        return f"{value} {scale[value - 1]['label']}"

    def above_appetite(self, level: str) -> bool:
        return RiskLevel.rank(level) > RiskLevel.rank(self.appetite)
