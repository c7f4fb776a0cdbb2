"""The SoA, evidence and coverage pages run a fixed number of queries, however many
controls, risks, evidence items and checks there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from controls.models import Control, ControlCheck, SoAEntry
from controls.services import (
    control_check_save,
    control_save,
    soa_current,
    soa_entry_save,
)
from tests.factories import make_risk

from .conftest import make_evidence


def grow(manager, risk_owner, n):
    """n more custom controls, each with an owner, a risk, evidence and a check."""
    for i in range(n):
        control = control_save(
            control=Control(
                control_id=f"ORG-{Control.objects.count() + 1}",
                domain_id=Control.objects.get(control_id="A.2.2").domain_id,
                title=f"Custom {i}",
            ),
            actor=manager,
        )
        entry = SoAEntry.objects.get(soa=soa_current(), control=control)
        entry.applicable, entry.justification, entry.owner = True, "Ours.", risk_owner
        soa_entry_save(entry=entry, actor=manager)
        make_risk(risk_owner, controls=[control.control_id, "A.6.2.4"])
        make_evidence(
            manager,
            controls=[control.control_id],
            url=f"https://wiki.example.org/{i}",
            upload_file=None,
        )
        control_check_save(
            check=ControlCheck(control=control, performed_by=manager, result="pass"),
            actor=manager,
        )


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


PAGES = [
    ("soa page", lambda: reverse("controls:soa"), None),
    (
        "soa page filtered",
        lambda: reverse("controls:soa"),
        {"without_evidence": "false", "failing": "false"},
    ),
    ("soa API", lambda: "/api/v1/soa-entries/", None),
    ("evidence list", lambda: reverse("controls:evidence_list"), None),
    ("evidence API", lambda: "/api/v1/evidence/", None),
    ("coverage page", lambda: reverse("controls:coverage"), None),
    ("control library", lambda: reverse("controls:control_list"), None),
]


@pytest.mark.parametrize(("name", "url", "params"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("persona", ["manager", "risk_owner"])
def test_queries_do_not_grow_with_the_data(
    name,
    url,
    params,
    persona,
    request,
    manager,
    risk_owner,
    client_for,
    api_for,
    django_assert_max_num_queries,
):
    user = request.getfixturevalue(persona)
    client = api_for(user) if "API" in name else client_for(user)
    grow(manager, risk_owner, 2)
    small = count_queries(client, url(), params)
    grow(manager, risk_owner, 10)
    with django_assert_max_num_queries(small):
        count_queries(client, url(), params)
    print(f"queries: {name} as {persona}: {small}")
    assert small <= 20
