"""Risk lists, heat maps and risk panels stay O(1) in queries: the same number for 10
risks as for 200, for a user with model-wide permissions (AIMS manager) and for one who
sees risks through object and inherited permissions (AI system owner)."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risk.models import Risk, TreatmentAction
from risk.services import treatment_action_save
from tests.factories import make_risk
from tests.http import body

SMALL, LARGE = 10, 200
CONTROLS = [["A.2.2"], ["A.3.2", "A.3.3"], []]


def _fill(total, *, owners, systems):
    """Add risks (through ``make_risk``) until there are ``total``.

    Inherent likelihood and impact cover the 5 x 5 grid; every third risk also has a
    residual assessment (never above the inherent one), every fourth a treatment
    action. Risks alternate between the given owners and systems (None: organisation-wide).
    """
    due = datetime.date.today() + datetime.timedelta(days=60)
    for index in range(Risk.objects.count(), total):
        owner = owners[index % len(owners)]
        likelihood, impact = 1 + index % 5, 1 + (index // 5) % 5
        fields = {
            "title": f"Risk {index:03d}",
            "inherent_likelihood": likelihood,
            "inherent_impact": impact,
        }
        if index % 3 == 0:
            fields.update(
                treatment="mitigate",
                treatment_rationale="A control reduces the likelihood.",
                residual_likelihood=max(1, likelihood - 1),
                residual_impact=impact,
            )
        risk = make_risk(
            owner,
            systems[index % len(systems)],
            controls=CONTROLS[index % len(CONTROLS)],
            **fields,
        )
        if index % 4 == 0:
            treatment_action_save(
                action=TreatmentAction(
                    risk=risk, description="Add a control", owner=owner, due_date=due
                ),
                actor=owner,
            )
    assert Risk.objects.count() == total


@pytest.fixture
def fill(manager, risk_owner, alice_system, bob_system):
    """Risks of a manager and a risk owner on Alice's and Bob's systems and org-wide."""

    def make(total):
        _fill(
            total,
            owners=[risk_owner, manager],
            systems=[alice_system, bob_system, None],
        )

    return make


def _read(response):
    body(response)
    return response


def _count(callable_):
    with CaptureQueriesContext(connection) as queries:
        response = callable_()
    assert response.status_code == 200, response.content[:500]
    return len(queries)


def _requests(client, api, alice_system):
    """Every measured request: name -> a function that makes it."""
    return {
        "risk list page": lambda: client.get(reverse("risk:risk_list")),
        "API list": lambda: api.get("/api/v1/risks/", {"page_size": 100}),
        "heat map": lambda: api.get("/api/v1/risks/heatmap/"),
        "residual heat map": lambda: api.get(
            "/api/v1/risks/heatmap/", {"kind": "residual"}
        ),
        # Cold every time: the readiness card is cached for a minute, and a warm
        # cache in one measurement only would compare different work.
        "home page": lambda: (
            cache.delete("aims:readiness-card"),
            client.get(reverse("home")),
        )[1],
        "AI system page": lambda: client.get(
            reverse("registry:aisystem_detail", args=[alice_system.pk])
        ),
    }


@pytest.mark.parametrize("persona", ["manager", "alice"])
def test_risk_lists_heat_maps_and_panels_run_the_same_queries_for_10_and_200_risks(
    persona,
    request,
    fill,
    alice_system,
    client_for,
    api_for,
    django_assert_max_num_queries,
):
    user = request.getfixturevalue(persona)
    client, api = client_for(user), api_for(user)
    requests = _requests(client, api, alice_system)
    fill(SMALL)
    small = {name: _count(make) for name, make in requests.items()}
    fill(LARGE)
    for name, make in requests.items():
        with django_assert_max_num_queries(small[name]):
            response = make()
        assert response.status_code == 200, name

    # The lists really are bigger now, and show only what the persona may see.
    visible = Risk.objects.all() if persona == "manager" else alice_system.risks.all()
    expected = visible.count()
    assert expected > 25  # more than one page of the risk list
    assert api.get("/api/v1/risks/").json()["count"] == expected
    heat_map = api.get("/api/v1/risks/heatmap/").json()
    assert heat_map["total"] == expected
    residual = api.get("/api/v1/risks/heatmap/", {"kind": "residual"}).json()
    assert residual["total"] == visible.filter(residual_score__isnull=False).count()
    panel = client.get(reverse("registry:aisystem_detail", args=[alice_system.pk]))
    shown = alice_system.risks.all()
    assert all(r.reference in panel.content.decode() for r in shown)

    # Filtered, sorted and later pages of the list do not cost more either.
    with django_assert_max_num_queries(small["risk list page"]):
        client.get(
            reverse("risk:risk_list"), {"q": "Risk", "sort": "-owner", "page": 2}
        )
    with django_assert_max_num_queries(small["risk list page"]):
        client.get(
            reverse("risk:risk_list"), {"inherent_likelihood": 3, "inherent_impact": 2}
        )
    with django_assert_max_num_queries(small["API list"]):
        api.get(
            "/api/v1/risks/",
            {"page_size": 100, "page": 2, "ordering": "-inherent_score"},
        )


def test_the_risk_export_does_not_grow_with_the_register(
    manager, fill, client_for, django_assert_max_num_queries
):
    client = client_for(manager)
    url = reverse("risk:risk_list")
    fill(SMALL)
    small = _count(lambda: _read(client.get(url, {"export": "csv"})))
    fill(LARGE)
    with django_assert_max_num_queries(small):
        response = client.get(url, {"export": "csv"})
        text = body(response).decode("utf-8-sig")
    assert response.status_code == 200
    assert text.count("\nRSK") == LARGE


def test_query_counts_are_reported(
    manager, alice, fill, alice_system, client_for, api_for, capsys
):
    """Prints the figures quoted in the README (run with -s to see them)."""
    fill(LARGE)
    lines = []
    for name, user in (("AIMS manager", manager), ("AI system owner", alice)):
        requests = _requests(client_for(user), api_for(user), alice_system)
        counts = {label: _count(make) for label, make in requests.items()}
        lines.append(
            f"queries ({name}): risk list page {counts['risk list page']}, "
            f"API list {counts['API list']}, heat map {counts['heat map']}, "
            f"home page {counts['home page']}, AI system page {counts['AI system page']}"
            f" ({LARGE} risks)"
        )
        # The home page also computes the readiness card (every app's judges, at most
        # once a minute: tests/aims/test_readiness.py guards it at two sizes).
        home = counts.pop("home page")
        assert max(counts.values()) <= 25 and home <= 55, counts
    with capsys.disabled():
        print("\n" + "\n".join(lines))
