"""The impact app's own data files (``impact/data/*.json``), read once per process.

The questionnaire, the impact-level rule, the material register fields and the
classification questions live there as data; the code only interprets them.
"""

import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

__all__ = [
    "DATA_DIR",
    "classification_rules",
    "impact_levels",
    "level_for",
    "material_fields",
    "template_data",
]


def _load(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@cache
def template_data() -> dict:
    return _load("template.json")


@cache
def impact_levels() -> dict:
    return _load("impact_levels.json")


@cache
def material_fields() -> list[dict]:
    return _load("material_changes.json")["fields"]


@cache
def classification_rules() -> dict:
    return _load("classification.json")


def _points(kind: str, value: str) -> int:
    for option in impact_levels()[kind]:
        if option["value"] == value:
            return option["points"]
    raise KeyError(value)


def impact_score(severity: int, likelihood: int, reversibility: str, scale: str) -> int:
    return (
        severity * likelihood
        + _points("reversibility", reversibility)
        + _points("scale", scale)
    )


def level_for(severity: int, likelihood: int, reversibility: str, scale: str) -> str:
    """The impact level the data rule gives these ratings (low ... critical)."""
    score = impact_score(severity, likelihood, reversibility, scale)
    thresholds = impact_levels()["thresholds"]
    level = "low"
    for name, minimum in sorted(thresholds.items(), key=lambda item: item[1]):
        if score >= minimum:
            level = name
    return level


def choices(kind: str) -> list[tuple]:
    """(value, label) pairs of one rating of the level rule (severity, scale, ...)."""
    return [(option["value"], option["label"]) for option in impact_levels()[kind]]
