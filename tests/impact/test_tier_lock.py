"""The register's EU AI Act tier follows the classification: the form shows it read-only
with a link to the classification, the API refuses a direct change by field (400), the
CSV import names the column, and classifying (or a justified manual tier) sets it."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aims.models import ObjectChange
from impact.services import classification_override, classification_record
from registry.models import AISystem
from tests.factories import make_system

FORM = {
    "name": "Alice's CV screener",
    "intended_purpose": "Support decisions in a test.",
    "lifecycle_stage": "development",
    "source": "in_house",
    "automation_level": "on_the_loop",
    "criticality": "high",
}


def _changes(system) -> int:
    return ObjectChange.objects.filter(
        object_id=str(system.pk), object_repr__contains=system.name
    ).count()


def test_the_form_shows_the_tier_read_only_with_a_link_to_the_classification(
    alice, alice_system, client_for
):
    page = client_for(alice).get(
        reverse("registry:aisystem_edit", args=[alice_system.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="eu_risk_tier"' not in html
    assert "Set by the EU AI Act classification" in html
    assert reverse("impact:classify", args=[alice_system.pk]) in html
    assert "Unclassified (not yet assessed)" in html


def test_posting_a_tier_in_the_form_keeps_the_classified_one(
    alice, alice_system, client_for
):
    classification_record(
        system=alice_system,
        actor=alice,
        answers={"Art. 50(1)": True},
        operator_role="deployer",
    )
    alice_system.refresh_from_db()
    response = client_for(alice).post(
        reverse("registry:aisystem_edit", args=[alice_system.pk]),
        {
            **FORM,
            "owner": alice.pk,
            "eu_risk_tier": "minimal_risk",
            "description": "Now described.",
            "_version": alice_system.version,
        },
    )
    assert response.status_code == 302
    alice_system.refresh_from_db()
    assert alice_system.description == "Now described."
    assert alice_system.eu_risk_tier == "transparency"


def test_the_api_refuses_a_direct_tier_change_by_field(alice, alice_system, api_for):
    api = api_for(alice)
    url = f"/api/v1/ai-systems/{alice_system.pk}/"
    before = _changes(alice_system)
    refused = api.patch(url, {"eu_risk_tier": "minimal_risk"}, format="json")
    assert refused.status_code == 400
    assert "Set by the EU AI Act classification" in refused.json()["eu_risk_tier"][0]
    alice_system.refresh_from_db()
    assert alice_system.eu_risk_tier == "unclassified"
    assert _changes(alice_system) == before
    # The same value (a full PUT of what was read) is no change, so it is accepted.
    same = api.patch(
        url,
        {"eu_risk_tier": "unclassified", "description": "Described."},
        format="json",
    )
    assert same.status_code == 200, same.content


def test_the_api_refuses_a_tier_on_a_new_system(alice, api_for):
    response = api_for(alice).post(
        "/api/v1/ai-systems/",
        {**FORM, "name": "Typed tier", "owner": alice.pk, "eu_risk_tier": "high_risk"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"eu_risk_tier"}
    assert not AISystem.objects.filter(name="Typed tier").exists()


def test_classifying_and_a_manual_tier_set_it(alice, alice_system, api_for):
    classification_record(
        system=alice_system,
        actor=alice,
        answers={"Annex III 4(a)": True, "Art. 6(3) profiling": True},
        operator_role="deployer",
    )
    alice_system.refresh_from_db()
    assert alice_system.eu_risk_tier == "high_risk"
    classification_override(
        system=alice_system,
        actor=alice,
        tier="minimal_risk",
        justification="Only a demonstrator, never used on applicants.",
    )
    shown = api_for(alice).get(f"/api/v1/ai-systems/{alice_system.pk}/").json()
    assert shown["eu_risk_tier"] == "minimal_risk"


def test_the_import_names_a_typed_tier_by_column(alice, client_for):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [
            ["Name", "Intended purpose", "Owner", "EU AI Act risk tier"],
            ["Typed", "Explore", "alice", "High-risk (Art. 6)"],
            ["Left empty", "Explore", "alice", ""],
        ]
    )
    upload = SimpleUploadedFile("s.csv", buffer.getvalue().encode(), "text/csv")
    response = client_for(alice).post(
        reverse("registry:aisystem_import"), {"file": upload}
    )
    assert response.status_code == 400
    errors = {(e.row, e.column) for e in response.context["result"].errors}
    assert errors == {(2, "EU AI Act risk tier")}
    assert not AISystem.objects.filter(name__in=["Typed", "Left empty"]).exists()


def test_a_system_built_with_a_tier_for_a_test_still_saves_other_edits(manager):
    """A later edit of a system whose tier was set keeps it (no value differs)."""
    from registry.services import ai_system_save

    system = make_system(manager, name="Chatbot", eu_risk_tier="transparency")
    system.description = "Edited."
    ai_system_save(system=system, actor=manager)
    system.refresh_from_db()
    assert system.eu_risk_tier == "transparency" and system.description == "Edited."
