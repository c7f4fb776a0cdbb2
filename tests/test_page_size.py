"""A list page's HTML does not grow with the records outside the page.

Each list is filled past one page, measured, then filled with four times as many
records (past the pickers' inline limit too) and measured again: filters, pickers,
heat maps and counts must not enumerate what the table does not show. The query-count
guards (``tests/*/test_queries.py``) cover the other half of the same promise.
"""

import pytest
from django.urls import reverse

from aims.autocomplete import INLINE_LIMIT
from tests.factories import make_risk, make_system

from .controls.conftest import make_evidence

SMALL, LARGE = 30, INLINE_LIMIT + 30
# Digits of counts and totals may grow; nothing else may.
SLACK_BYTES = 300
# Two rows a page: both sizes have more pages than the pagination shows links for, so
# the page links are as many at both sizes (the SoA page is one page of controls).
SHOWN = {"per_page": 2}


def _systems(owner, total):
    from registry.models import AISystem

    for index in range(AISystem.objects.count(), total):
        make_system(owner, name=f"System {index:03d}")


def _risks(owner, total):
    from registry.models import AISystem
    from risk.models import Risk

    systems = list(AISystem.objects.all())
    for index in range(Risk.objects.count(), total):
        make_risk(
            owner,
            systems[index % len(systems)] if systems else None,
            inherent_likelihood=1 + index % 5,
            inherent_impact=1 + index % 4,
            controls=["A.6.2.4"] if index % 2 else [],
        )


def _evidence(owner, total):
    from controls.models import Evidence

    for index in range(Evidence.objects.count(), total):
        make_evidence(
            owner,
            controls=["A.6.2.4", "A.7.4"][: 1 + index % 2],
            url=f"https://wiki.example.org/{index}",
            title=f"Evidence {index:03d}",
        )


def _grow_register(manager, total):
    _systems(manager, total)


def _grow_risks(manager, total):
    _systems(manager, total)
    _risks(manager, total)


def _grow_evidence(manager, total):
    _evidence(manager, total)


def _grow_soa(manager, total):
    _grow_risks(manager, total)
    _evidence(manager, total)


LISTS = [
    ("register", "registry:aisystem_list", _grow_register),
    ("risk list with heat maps", "risk:risk_list", _grow_risks),
    ("Statement of Applicability", "controls:soa", _grow_soa),
    ("evidence list", "controls:evidence_list", _grow_evidence),
]


@pytest.mark.parametrize(("name", "url", "grow"), LISTS, ids=[n for n, *_ in LISTS])
def test_the_list_page_is_the_same_size_for_30_and_130_records(
    name, url, grow, manager, client_for
):
    client = client_for(manager)
    grow(manager, SMALL)
    small = client.get(reverse(url), SHOWN)
    assert small.status_code == 200
    grow(manager, LARGE)
    large = client.get(reverse(url), SHOWN)
    assert large.status_code == 200
    print(f"HTML size: {name}: {len(small.content)} / {len(large.content)} bytes")
    assert len(large.content) <= len(small.content) + SLACK_BYTES, (
        f"{name} grew from {len(small.content)} to {len(large.content)} bytes"
    )
