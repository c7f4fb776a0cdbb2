"""A system classified as a prohibited practice (EU AI Act Art. 5) carries a blocking
alert wherever it appears: its pages (every tab), its row in the register, the home
page, the impact pages and the packs; never for someone who may not see the system."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from audit.models import EvidencePack
from audit.packs.registry import get_kind, pack_build, pack_sections
from impact.models import Classification
from impact.services import assessment_start, classification_record
from tests.factories import make_risk, make_system

ALERT = "Prohibited practice (EU AI Act Art. 5)"
ROW_NOTE = "Prohibited practice: may not be used"


@pytest.fixture
def prohibited(alice, alice_system):
    """Alice's system infers the emotions of employees at work: Art. 5(1)(f)."""
    classification_record(
        system=alice_system,
        actor=alice,
        answers={"Art. 5(1)(f)": True},
        operator_role="deployer",
    )
    alice_system.refresh_from_db()
    return alice_system


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_every_page_of_the_system_shows_the_alert_with_its_basis(
    alice, prohibited, client_for
):
    page = client_for(alice)
    for url in (
        prohibited.get_absolute_url(),
        reverse("registry:aisystem_tab", args=[prohibited.pk, "impact"]),
        reverse("registry:aisystem_history", args=[prohibited.pk]),
    ):
        html = _html(page, url)
        assert ALERT in html and "Art. 5(1)(f)" in html, url
        assert html.count(ALERT) == 1, url


def test_an_ordinary_system_shows_no_alert(alice, alice_system, client_for):
    classification_record(
        system=alice_system,
        actor=alice,
        answers={"Art. 50(1)": True},
        operator_role="deployer",
    )
    assert ALERT not in _html(client_for(alice), alice_system.get_absolute_url())


def test_the_register_row_of_a_prohibited_system_stands_out(
    alice, prohibited, client_for
):
    other = make_system(alice, name="Harmless helper")
    html = _html(client_for(alice), reverse("registry:aisystem_list"))
    row = html.split(prohibited.reference)[1].split("</tr>")[0]
    assert ROW_NOTE in row
    before = html.split(prohibited.reference)[0].rsplit("<tr", 1)[1]
    assert "table-danger" in before
    other_row = html.split(other.reference)[1].split("</tr>")[0]
    assert ROW_NOTE not in other_row


def test_the_home_page_lists_the_prohibited_systems_one_may_see(
    alice, bob, manager, prohibited, client_for
):
    for user in (alice, manager):
        home = _html(client_for(user), "/")
        assert "Prohibited AI practice" in home and escape(prohibited.name) in home
    bobs_home = _html(client_for(bob), "/")
    assert "Prohibited AI practice" not in bobs_home
    assert escape(prohibited.name) not in bobs_home


def test_the_impact_pages_show_the_alert(alice, prohibited, client_for):
    page = client_for(alice)
    assessment = assessment_start(system=prohibited, actor=alice)
    classification = Classification.objects.get(ai_system=prohibited, is_current=True)
    for url in (
        assessment.get_absolute_url(),
        reverse("impact:impactassessment_answers", args=[assessment.pk]),
        classification.get_absolute_url(),
        reverse("impact:classify", args=[prohibited.pk]),
        reverse("impact:fria_edit", args=[prohibited.pk]),
    ):
        assert ALERT in _html(page, url), url
    for url in (
        reverse("impact:impactassessment_list"),
        reverse("impact:classification_list"),
    ):
        assert ROW_NOTE in _html(page, url), url


def test_a_risk_of_the_system_shows_the_alert(alice, manager, prohibited, client_for):
    risk = make_risk(manager, prohibited, actor=manager)
    assert ALERT in _html(client_for(manager), risk.get_absolute_url())


def _pack_html(kind_key, target, requester) -> str:
    """The pack's HTML as ``requester`` would receive it (an unsaved pack request:
    what a pack shows depends on who asked for it)."""
    kind = get_kind(kind_key)
    pack = EvidencePack(kind=kind_key, target_id=target.pk, requested_by=requester)
    content = pack_build(kind, pack, target, {})
    return "".join(
        render_to_string(section.template, content.context)
        for section in pack_sections(kind)
    )


def test_the_system_pack_and_the_impact_pack_show_the_alert(alice, prohibited):
    assert ALERT in _pack_html("ai_system", prohibited, alice)
    assessment = assessment_start(system=prohibited, actor=alice)
    impact_pack = _pack_html("impact_assessment", assessment, alice)
    assert ALERT in impact_pack and "Art. 5(1)(f)" in impact_pack


def test_the_packs_of_an_ordinary_system_have_no_alert(alice, alice_system):
    classification_record(
        system=alice_system,
        actor=alice,
        answers={"Annex III 4(a)": True, "Art. 6(3) profiling": True},
        operator_role="deployer",
    )
    assert ALERT not in _pack_html("ai_system", alice_system, alice)
    assessment = assessment_start(system=alice_system, actor=alice)
    assert ALERT not in _pack_html("impact_assessment", assessment, alice)


def test_the_release_gate_refuses_to_deploy_a_prohibited_system(
    alice, prohibited, api_for
):
    response = api_for(alice).patch(
        f"/api/v1/ai-systems/{prohibited.pk}/",
        {"lifecycle_stage": "deployed"},
        format="json",
    )
    assert response.status_code == 400
    problems = " ".join(response.json()["lifecycle_stage"])
    assert "prohibited practice (EU AI Act Art. 5)" in problems
    prohibited.refresh_from_db()
    assert prohibited.lifecycle_stage == "development"
