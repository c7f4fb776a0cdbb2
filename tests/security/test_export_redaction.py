"""Exports (CSV, XLSX, the SoA API export) never name a record the reader may not see:
the rows are the ones they may see, and the records a row names (a risk's AI system,
an SoA row's risks and evidence) go through the same permission rule."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aims.permissions import grant
from aims.redaction import HIDDEN
from controls.services import soa_approve, soa_current
from tests.controls.test_soa import decide_all
from tests.factories import make_risk
from tests.http import body

CONTROL = "A.2.2"


def csv_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return body(response).decode("utf-8-sig")


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def soa_line(text: str) -> str:
    return next(line for line in text.splitlines() if f",{CONTROL}," in line)


@pytest.fixture
def two_risks(risk_owner, alice_system, bob_system):
    """A risk on each owner's system, both treated by the same Annex A control."""
    return (
        make_risk(risk_owner, alice_system, controls=[CONTROL], title="Alice's risk"),
        make_risk(risk_owner, bob_system, controls=[CONTROL], title="Bob's risk"),
    )


def test_the_soa_csv_lists_only_the_risks_the_reader_may_see(
    two_risks, alice, bob, manager, client_for
):
    alices, bobs = two_risks
    url = reverse("controls:soa") + "?export=csv"
    seen_by_alice = soa_line(csv_text(client_for(alice).get(url)))
    assert alices.reference in seen_by_alice and bobs.reference not in seen_by_alice
    seen_by_bob = soa_line(csv_text(client_for(bob).get(url)))
    assert bobs.reference in seen_by_bob and alices.reference not in seen_by_bob
    seen_by_manager = soa_line(csv_text(client_for(manager).get(url)))
    assert alices.reference in seen_by_manager and bobs.reference in seen_by_manager


def test_the_soa_xlsx_and_api_export_filter_the_same_way(
    two_risks, alice, viewer, client_for, api_for
):
    alices, bobs = two_risks
    rows = xlsx_rows(client_for(alice).get(reverse("controls:soa") + "?export=xlsx"))
    risks_column = rows[0].index("Risks")
    row = next(r for r in rows if CONTROL in r)
    assert row[risks_column] == alices.reference

    version = soa_current()
    url = f"/api/v1/soa-versions/{version.number}/export/?export_format=csv"
    api_line = soa_line(csv_text(api_for(alice).get(url)))
    assert alices.reference in api_line and bobs.reference not in api_line
    viewer_line = soa_line(csv_text(api_for(viewer).get(url)))
    assert alices.reference in viewer_line and bobs.reference in viewer_line


def test_an_approved_soa_filters_its_frozen_risk_list(
    two_risks, alice, manager, committee, client_for
):
    alices, bobs = two_risks
    decide_all(manager)
    version = soa_approve(version=soa_current(), actor=committee, comment="ok")
    url = reverse("controls:soa_version", args=[version.number]) + "?export=csv"
    line = soa_line(csv_text(client_for(alice).get(url)))
    assert alices.reference in line and bobs.reference not in line
    full = soa_line(csv_text(client_for(committee).get(url)))
    assert alices.reference in full and bobs.reference in full


def test_a_risk_export_does_not_name_a_system_the_reader_may_not_see(
    alice, risk_owner, bob_system, manager, client_for
):
    # Alice was let in on one risk of Bob's system (an object permission), not on
    # the system itself.
    risk = make_risk(risk_owner, bob_system, title="Shared supplier outage")
    grant(alice, risk, actions=("view",))
    url = reverse("risk:risk_list") + "?export=csv"
    text = csv_text(client_for(alice).get(url))
    assert "Shared supplier outage" in text
    assert "fraud model" not in text and HIDDEN in text
    rows = xlsx_rows(client_for(alice).get(reverse("risk:risk_list") + "?export=xlsx"))
    assert rows[1][rows[0].index("AI system")] == HIDDEN
    assert "Bob's fraud model" in csv_text(client_for(manager).get(url))


def test_the_register_export_holds_only_the_readers_systems(
    alice, alice_system, bob_system, viewer, client_for
):
    url = reverse("registry:aisystem_list") + "?export=csv"
    text = csv_text(client_for(alice).get(url))
    assert "CV screener" in text and "fraud model" not in text
    both = csv_text(client_for(viewer).get(url))
    assert "CV screener" in both and "fraud model" in both


@pytest.mark.parametrize("extra_systems", [1, 8])
def test_an_owners_soa_export_costs_the_same_queries_whatever_the_risks(
    extra_systems, alice, risk_owner, client_for, django_assert_max_num_queries
):
    from tests.factories import make_system

    for _ in range(extra_systems):
        system = make_system(alice)
        make_risk(risk_owner, system, controls=[CONTROL])
        make_risk(risk_owner, make_system(risk_owner), controls=[CONTROL])
    client = client_for(alice)
    url = reverse("controls:soa") + "?export=csv"
    client.get(url)  # warm the session
    with django_assert_max_num_queries(16):
        text = csv_text(client.get(url))
    assert soa_line(text).count("RSK-") == extra_systems
