"""Likelihood x impact heat maps: counts per cell, coloured by the criteria's levels.

The same data renders as inline SVG on pages and in PDF evidence packs.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from aims.counting import cached_aggregate, state_token
from aims.throttles import spend

from .models import RiskCriteria

CELL = 44  # px


@dataclass
class Cell:
    likelihood: int
    impact: int
    count: int
    level: str
    colour: str
    url: str
    x: int
    y: int


def heat_map(
    risks, kind: str, criteria: RiskCriteria, title: str = "", token=None
) -> dict:
    """Counts of ``risks`` by ``kind`` ("inherent" or "residual") likelihood and impact.
    Counted against the requester's ``AIMS_HEATMAP_RATE`` (a grouped query over every
    risk they may see).

    One query, computed once per state of the records (``aims.counting``; ``token``
    passes a state already read). Cells link to the risk list filtered to that cell. Risks scored outside
    the current scales (older criteria versions) are counted in ``outside``.
    """
    spend("heatmap")
    rows = (
        risks.filter(
            **{f"{kind}_likelihood__isnull": False, f"{kind}_impact__isnull": False}
        )
        .values_list(f"{kind}_likelihood", f"{kind}_impact")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {
        (likelihood, impact): n
        for likelihood, impact, n in cached_aggregate(rows, list, "heatmap", token)
    }
    list_url = reverse("risk:risk_list")
    cells = []
    for row, likelihood in enumerate(range(criteria.max_likelihood, 0, -1)):
        for column, impact in enumerate(range(1, criteria.max_impact + 1)):
            level = criteria.level_for(criteria.score(likelihood, impact))
            query = urlencode(
                {f"{kind}_likelihood": likelihood, f"{kind}_impact": impact}
            )
            cells.append(
                Cell(
                    likelihood=likelihood,
                    impact=impact,
                    count=counts.get((likelihood, impact), 0),
                    level=level,
                    colour=criteria.colour_for(level),
                    url=f"{list_url}?{query}",
                    x=column * CELL,
                    y=row * CELL,
                )
            )
    inside = sum(cell.count for cell in cells)
    return {
        "title": title or f"{kind.capitalize()} risk",
        "kind": kind,
        "cells": cells,
        "cell": CELL,
        "width": criteria.max_impact * CELL,
        "height": criteria.max_likelihood * CELL,
        "likelihood_labels": [
            (criteria.max_likelihood - index, level["label"], index * CELL + CELL // 2)
            for index, level in enumerate(reversed(criteria.likelihood_scale))
        ],
        "impact_labels": [
            (index + 1, level["label"], index * CELL + CELL // 2)
            for index, level in enumerate(criteria.impact_scale)
        ],
        "total": inside,
        "outside": sum(counts.values()) - inside,
    }


def heat_maps(risks, criteria: RiskCriteria) -> list[dict]:
    token = state_token()
    return [
        heat_map(risks, "inherent", criteria, token=token),
        heat_map(risks, "residual", criteria, token=token),
    ]
