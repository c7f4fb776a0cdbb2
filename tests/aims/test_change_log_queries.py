"""The change log, a record's History tab and the home page's recent changes cost the
same number of queries for few and for many entries: links to the records are read
once per record type on the page, not once per entry."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import AISystem
from risk.models import Risk
from tests.factories import make_risk, make_system

SMALL, LARGE = 30, 120  # the page shows 50 entries


def _grow(total, alice, risk_owner, manager, system):
    for index in range(AISystem.objects.count(), total):
        make_system(alice, name=f"System {index:03d}")
    for index in range(Risk.objects.count(), total):
        make_risk(risk_owner, system, actor=manager, title=f"Risk {index:03d}")


def _count(client, url) -> int:
    # A first request renews the session's idle stamp (a write once a minute), which
    # filling the database can outlast on a slow machine; measure the second.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("persona", "page"),
    [
        ("auditor", "changelog"),
        ("auditor", "history"),
        ("alice", "history"),
        ("manager", "home"),
    ],
)
def test_change_log_pages_cost_the_same_for_few_and_many_entries(
    request,
    persona,
    page,
    alice,
    risk_owner,
    manager,
    alice_system,
    client_for,
    django_assert_max_num_queries,
):
    client = client_for(request.getfixturevalue(persona))
    url = {
        "changelog": "/changelog/",
        "history": f"{alice_system.get_absolute_url()}history/",
        "home": "/",
    }[page]
    _grow(SMALL, alice, risk_owner, manager, alice_system)
    small = _count(client, url)
    _grow(LARGE, alice, risk_owner, manager, alice_system)
    client.get(url)  # the idle stamp again (see _count)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200
