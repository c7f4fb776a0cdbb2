"""Incident and concern lists, and the AI system's incident tab, cost the same number of
queries for few and for many records, for a manager (model-wide permissions) and for an
AI system owner (who sees incidents through their system)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import Concern, Incident

from .helpers import make_concern, make_incident, make_serious

pytestmark = pytest.mark.django_db
SMALL, LARGE = 3, 12


def _grow(total, system, owner, manager):
    for index in range(Incident.objects.count(), total):
        incident = make_incident(system, owner, title=f"Incident {index}")
        if index % 2:
            make_serious(incident, manager)
    for index in range(Concern.objects.count(), total):
        make_concern(owner, system, withheld=bool(index % 2))


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["manager", "alice"])
@pytest.mark.parametrize(
    "page", ["incidents:incident_list", "incidents:concern_list", "incidents-tab"]
)
def test_query_count_does_not_grow(
    request, persona, page, client_for, alice, manager, alice_system
):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    url = (
        reverse("registry:aisystem_tab", args=[alice_system.pk, "incidents"])
        if page == "incidents-tab"
        else reverse(page)
    )
    _grow(SMALL, alice_system, alice, manager)
    small = _count(client, url)
    _grow(LARGE, alice_system, alice, manager)
    large = _count(client, url)
    assert large == small, (
        f"{page} for {persona}: {small} queries for {SMALL}, {large} for {LARGE}"
    )
