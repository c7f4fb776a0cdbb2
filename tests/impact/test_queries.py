"""Page-size guards of the impact app: the lists, record pages and API lists cost the
same number of queries for 2 and for 10 systems (each with an assessment with impacts,
a linked risk, a classification with its obligations and a FRIA), for an AIMS manager
(global rights) and for the owner of the systems (object rights)."""

import pytest
from django.urls import reverse

from impact.models import FRIA, Classification
from impact.services import (
    assessment_start,
    classification_record,
    fria_save,
    impact_create_risk,
)
from tests.factories import make_system

from .helpers import make_impact

# Query budgets (AIMS manager, owner of the systems), the same at both sizes; measured
# on PostgreSQL at 2 and 10 systems, plus one. The owner's pages cost more because
# object rights are looked up per record shown at the top (system, assessment).
PAGES = {
    "assessment list": (lambda s: reverse("impact:impactassessment_list"), (9, 9)),
    "assessment list filtered": (
        lambda s: (
            reverse("impact:impactassessment_list")
            + "?review_needed=false&level=medium&status=draft"
        ),
        (8, 8),
    ),
    "assessment detail": (lambda s: s["assessment"].get_absolute_url(), (14, 28)),
    "questionnaire": (
        lambda s: reverse("impact:impactassessment_answers", args=[s["assessment"].pk]),
        (7, 9),
    ),
    "classification list": (lambda s: reverse("impact:classification_list"), (9, 9)),
    "classification list by tier": (
        lambda s: (
            reverse("impact:classification_list") + "?tier=high_risk&current=true"
        ),
        (9, 9),
    ),
    "classification detail": (
        lambda s: s["classification"].get_absolute_url(),
        (13, 15),
    ),
    "classify": (lambda s: reverse("impact:classify", args=[s["system"].pk]), (8, 10)),
    "system impact tab": (
        lambda s: reverse("registry:aisystem_tab", args=[s["system"].pk, "impact"]),
        (15, 23),
    ),
    "FRIA": (lambda s: reverse("impact:fria_edit", args=[s["system"].pk]), (9, 11)),
}
API_LISTS = {
    "impact-assessments": 7,
    "impacts": 6,
    "eu-ai-act/classifications": 6,
    "eu-ai-act/obligations": 7,
    "frias": 6,
    "impact-templates": 6,
}


def _portfolio(owner, size: int) -> dict:
    """``size`` systems of ``owner``, each fully assessed; the last one has ``size``
    impacts so that the detail pages grow with the data too."""
    last = {}
    for number in range(size):
        system = make_system(owner, name=f"Screener {number}")
        assessment = assessment_start(system=system, actor=owner)
        impacts = [
            make_impact(assessment, owner, title=f"Harm {n}", severity=4)
            for n in range(size if number == size - 1 else 1)
        ]
        for impact in impacts:
            impact_create_risk(impact=impact, actor=owner)
        classification = classification_record(
            system=system,
            actor=owner,
            answers={"Annex III 4(a)": True, "Art. 6(3) profiling": True},
            operator_role="deployer",
        )
        fria_save(
            fria=FRIA(ai_system=system, elements={"27(1)(a)": "Recruitment."}),
            actor=owner,
        )
        last = {
            "system": system,
            "assessment": assessment,
            "classification": classification,
        }
    return last


PERSONAS = ("manager", "alice")


@pytest.fixture(params=PERSONAS)
def persona(request):
    return request.param, request.getfixturevalue(request.param)


@pytest.mark.parametrize("size", [2, 10])
def test_impact_pages_cost_the_same_at_two_sizes(
    size, persona, client_for, django_assert_max_num_queries
):
    who, user = persona
    records = _portfolio(user, size)
    assert Classification.objects.filter(is_current=True).count() == size
    client = client_for(user)
    client.get("/")  # the session and the user's groups are read once
    for name, (url, budgets) in PAGES.items():
        budget = budgets[PERSONAS.index(who)]
        with django_assert_max_num_queries(budget, info=f"{name} ({who})"):
            response = client.get(url(records))
        assert response.status_code == 200, name


@pytest.mark.parametrize("size", [2, 10])
def test_impact_api_lists_cost_the_same_at_two_sizes(
    size, persona, api_for, django_assert_max_num_queries
):
    _, user = persona
    _portfolio(user, size)
    api = api_for(user)
    for route, budget in API_LISTS.items():
        with django_assert_max_num_queries(budget, info=route):
            response = api.get(f"/api/v1/{route}/")
        assert response.status_code == 200, route
        assert response.json()["count"] >= 1, route
