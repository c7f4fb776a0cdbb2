"""Crosswalk coverage: requirements covered by applicable, implemented, evidenced controls."""

from django.urls import reverse

from controls.choices import Framework
from controls.models import Requirement, SoAEntry
from controls.selectors import COVERED, NOT_COVERED, PARTIAL, coverage
from controls.services import soa_current, soa_entry_save

from .conftest import make_evidence


def implement(actor, control_id, status="implemented"):
    entry = SoAEntry.objects.get(soa=soa_current(), control__control_id=control_id)
    entry.applicable, entry.justification = True, "Needed."
    entry.implementation_status = status
    soa_entry_save(entry=entry, actor=actor)


def status_of(framework, ref):
    items = {i.requirement.ref: i for i in coverage(soa_current(), framework)}
    return items[ref].status


def test_every_requirement_starts_uncovered():
    items = coverage(soa_current(), Framework.NIST_AI_RMF)
    assert len(items) == 19
    assert {i.status for i in items} == {NOT_COVERED}


def test_a_requirement_is_covered_when_all_its_controls_are_implemented_with_evidence(
    manager,
):
    # NIST AI RMF GOVERN 2 is mapped to a single Annex A control in the reference file.
    requirement = Requirement.objects.get(
        framework=Framework.NIST_AI_RMF, ref="GOVERN 2"
    )
    control_ids = sorted({link.control.control_id for link in requirement.links.all()})
    assert len(control_ids) == 1
    implement(manager, control_ids[0], "partial")
    assert status_of(Framework.NIST_AI_RMF, "GOVERN 2") == PARTIAL
    implement(manager, control_ids[0])
    assert status_of(Framework.NIST_AI_RMF, "GOVERN 2") == PARTIAL  # no evidence yet
    make_evidence(manager, controls=control_ids)
    assert status_of(Framework.NIST_AI_RMF, "GOVERN 2") == COVERED


def test_expired_evidence_does_not_cover(manager):
    import datetime

    requirement = Requirement.objects.get(
        framework=Framework.NIST_AI_RMF, ref="GOVERN 2"
    )
    control_id = requirement.links.get().control.control_id
    implement(manager, control_id)
    today = datetime.date.today()
    make_evidence(
        manager,
        controls=[control_id],
        collected_on=today - datetime.timedelta(days=400),
        valid_until=today - datetime.timedelta(days=1),
    )
    assert status_of(Framework.NIST_AI_RMF, "GOVERN 2") == PARTIAL


def test_the_coverage_page_and_api_agree(manager, client_for, api_for):
    requirement = Requirement.objects.get(
        framework=Framework.NIST_AI_RMF, ref="GOVERN 2"
    )
    control_id = requirement.links.get().control.control_id
    implement(manager, control_id)
    make_evidence(manager, controls=[control_id])
    page = client_for(manager).get(
        reverse("controls:coverage"), {"framework": "nist_ai_rmf"}
    )
    summary = page.context["summary"]
    # The same control also counts towards the other categories it maps to (partly).
    assert summary["covered"] == 1 and sum(summary.values()) == 19
    api = (
        api_for(manager)
        .get("/api/v1/crosswalk-coverage/", {"framework": "nist_ai_rmf"})
        .json()
    )
    assert [i["ref"] for i in api if i["status"] == "covered"] == ["GOVERN 2"]
    assert (
        api_for(manager)
        .get("/api/v1/crosswalk-coverage/", {"framework": "iso"})
        .status_code
        == 400
    )
    eu = client_for(manager).get(reverse("controls:coverage")).content.decode()
    assert "Art. 9" in eu and "derived" in eu
