"""Scores and levels for every cell of the default 5 x 5 matrix and of a custom 4 x 3."""

import pytest

from risk.models import RiskCriteria
from risk.services import criteria_current, criteria_publish

# Rows: likelihood 1..5; columns: impact 1..5.
DEFAULT_LEVELS = [
    ["low", "low", "low", "low", "medium"],
    ["low", "low", "medium", "medium", "high"],
    ["low", "medium", "medium", "high", "high"],
    ["low", "medium", "high", "high", "critical"],
    ["medium", "high", "high", "critical", "critical"],
]

CUSTOM_4X3_LEVELS = [
    ["low", "low", "medium"],
    ["low", "medium", "high"],
    ["medium", "high", "critical"],
    ["medium", "high", "critical"],
]


def _custom_4x3() -> RiskCriteria:
    def scale(n, word):
        return [{"label": f"{word} {i}", "description": ""} for i in range(1, n + 1)]

    return criteria_publish(
        actor=None,
        name="Compact criteria",
        likelihood_scale=scale(4, "L"),
        impact_scale=scale(3, "I"),
        level_thresholds={"low": 1, "medium": 3, "high": 6, "critical": 9},
        level_colours={
            "low": "#00aa00",
            "medium": "#aaaa00",
            "high": "#aa5500",
            "critical": "#aa0000",
        },
        appetite="low",
    )


@pytest.mark.parametrize("likelihood", range(1, 6))
@pytest.mark.parametrize("impact", range(1, 6))
def test_every_cell_of_the_default_matrix(likelihood, impact):
    criteria = criteria_current()
    assert (criteria.max_likelihood, criteria.max_impact) == (5, 5)
    score = criteria.score(likelihood, impact)
    assert score == likelihood * impact
    assert criteria.level_for(score) == DEFAULT_LEVELS[likelihood - 1][impact - 1]


def test_every_cell_of_a_custom_4_by_3_matrix():
    criteria = _custom_4x3()
    assert (criteria.max_likelihood, criteria.max_impact, criteria.max_score) == (
        4,
        3,
        12,
    )
    levels = [
        [
            criteria.level_for(criteria.score(likelihood, impact))
            for impact in range(1, 4)
        ]
        for likelihood in range(1, 5)
    ]
    assert levels == CUSTOM_4X3_LEVELS


def test_the_default_appetite_and_colours_come_from_the_packaged_criteria():
    criteria = criteria_current()
    assert criteria.number == 1 and criteria.appetite == "medium"
    assert criteria.above_appetite("high") and not criteria.above_appetite("medium")
    assert criteria.colour_for("critical").startswith("#")


@pytest.mark.parametrize(
    "thresholds, message",
    [
        ({"low": 1, "medium": 5, "high": 5, "critical": 17}, "must start above"),
        ({"low": 2, "medium": 5, "high": 10, "critical": 17}, "starts at score 1"),
        ({"low": 1, "medium": 5, "high": 10, "critical": 30}, "No score reaches 30"),
        ({"low": 1, "medium": 5, "high": 10}, "every level"),
    ],
)
def test_inconsistent_level_thresholds_are_refused(thresholds, message):
    from django.core.exceptions import ValidationError

    current = criteria_current()
    with pytest.raises(ValidationError, match=message):
        criteria_publish(
            actor=None,
            name="Broken",
            likelihood_scale=current.likelihood_scale,
            impact_scale=current.impact_scale,
            level_thresholds=thresholds,
            level_colours=current.level_colours,
            appetite="medium",
        )
    assert criteria_current() == current
