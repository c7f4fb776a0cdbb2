"""Certification readiness: requirements judged from records, self-assessments where no
record judges, blockers, the gap report and its exports, kept reports and comparison."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from aims.models import GapReport, SelfAssessment
from aims.readiness import Readiness, compute, requirements
from aims.services import self_assessment_save
from aims.views.pages import READINESS_CARD_KEY
from controls.models import Control, ControlCheck
from controls.services import control_check_save, soa_approve, soa_current
from tests.controls.conftest import make_evidence

from ..controls.test_soa import decide_all, row
from ..http import body


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Only the card's key: the cache may be a Redis that other test processes share.
    cache.delete(READINESS_CARD_KEY)


def status_of(requirement_id, report=None):
    report = report or compute()
    return next(r for r in report.requirements if r.requirement.id == requirement_id)


def test_the_requirements_are_the_clause_leaves_and_the_38_annex_a_controls():
    found = requirements()
    clauses = [r for r in found if r.kind == "clause"]
    annex = [r for r in found if r.kind == "annex_a"]
    assert len(annex) == 38
    ids = {r.id for r in clauses}
    # Leaves only: 9.2 is judged through 9.2.1 and 9.2.2.
    assert {"4.1", "6.1.2", "7.5.3", "9.2.2", "10.2"} <= ids
    assert "9.2" not in ids and "4" not in ids
    assert {r.group for r in clauses} == {"4", "5", "6", "7", "8", "9", "10"}


def test_an_undecided_control_is_not_ready_and_says_what_closes_it():
    item = status_of("A.2.2")
    assert item.status == Readiness.NOT_READY
    assert item.gaps[0].action == "Decide whether the control applies and justify it."


def test_a_control_is_ready_once_implemented_with_current_evidence_and_a_passed_check(
    manager, committee
):
    from tests.governance.helpers import approved_version, make_document

    # A.2.2 also asks for the AI policy itself (DI-A01): without it, never ready.
    assert any(
        label.startswith("DI-A01") and judged.status == Readiness.NOT_READY
        for label, judged in status_of("A.2.2").judgements
    )
    approved_version(make_document(manager, doc_type="ai_policy"), manager, committee)
    entry = row("A.2.2")
    entry.applicable, entry.justification = True, "Our AI policy."
    entry.implementation_status = "implemented"
    entry.owner = manager
    from controls.services import soa_entry_save

    soa_entry_save(entry=entry, actor=manager)
    item = status_of("A.2.2")
    assert item.status == Readiness.PARTIAL
    assert "no current evidence" in item.gaps[0].summary
    assert "never checked" in item.gaps[0].summary
    assert item.gaps[0].owner == str(manager)

    make_evidence(manager, controls=["A.2.2"])
    control_check_save(
        check=ControlCheck(
            control=Control.objects.get(control_id="A.2.2"),
            performed_by=manager,
            result="pass",
        ),
        actor=manager,
    )
    assert status_of("A.2.2").status == Readiness.READY

    control_check_save(
        check=ControlCheck(
            control=Control.objects.get(control_id="A.2.2"),
            performed_by=manager,
            result="fail",
            notes="Policy not published.",
        ),
        actor=manager,
    )
    failing = status_of("A.2.2")
    assert failing.status == Readiness.NOT_READY
    assert "last check failed" in failing.gaps[0].summary


def test_an_excluded_control_with_a_justification_is_ready(manager):
    decide_all(manager, applicable=False)
    assert status_of("A.10.4").status == Readiness.READY


def test_a_requirement_no_record_judges_is_not_assessed_until_someone_self_assesses(
    committee,
):
    assert status_of("5.1").status == Readiness.NOT_ASSESSED
    self_assessment_save(
        assessment=SelfAssessment(
            requirement_id="5.1",
            status="partial",
            justification="The committee met twice; commitments not yet minuted.",
        ),
        actor=committee,
    )
    item = status_of("5.1")
    assert item.status == Readiness.PARTIAL and item.basis == "self-assessment"
    # An expired self-assessment counts for nothing: the requirement is open again.
    later = timezone.localdate() + datetime.timedelta(days=400)
    SelfAssessment.objects.update(valid_until=timezone.localdate())
    assert status_of("5.1", compute(later)).status == Readiness.NOT_ASSESSED


def test_records_outrank_a_self_assessment(committee):
    self_assessment_save(
        assessment=SelfAssessment(
            requirement_id="A.2.2", status="ready", justification="We think so."
        ),
        actor=committee,
    )
    item = status_of("A.2.2")
    assert item.status == Readiness.NOT_READY and item.basis == "records"


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"requirement_id": "4.9"}, "requirement_id"),
        ({"justification": "  "}, "justification"),
        ({"assessed_on": datetime.date(2999, 1, 1)}, "assessed_on"),
        (
            {
                "assessed_on": datetime.date(2026, 5, 1),
                "valid_until": datetime.date(2026, 4, 1),
            },
            "valid_until",
        ),
    ],
)
def test_a_bad_self_assessment_is_refused_by_field(fields, field, committee):
    from django.core.exceptions import ValidationError

    values = {
        "requirement_id": "5.1",
        "status": "ready",
        "justification": "x",
        **fields,
    }
    with pytest.raises(ValidationError) as raised:
        self_assessment_save(assessment=SelfAssessment(**values), actor=committee)
    assert field in raised.value.message_dict
    assert not SelfAssessment.objects.exists()


def test_the_unapproved_soa_blocker_appears_and_disappears(manager, committee):
    blockers = {b.source.key: b.items for b in compute().blockers}
    assert blockers["controls.soa_unapproved"]
    decide_all(manager)
    soa_approve(version=soa_current(), actor=committee, comment="v1")
    blockers = {b.source.key: b.items for b in compute().blockers}
    assert blockers["controls.soa_unapproved"] == []
    assert status_of("6.1.3").judgements  # DI-06 judges 6.1.3


def test_documented_information_with_a_lettered_clause_judges_its_clause():
    from aims import documented_information as di
    from aims.documented_information import ItemStatus, Source

    di.register(Source("DI-12", "test", lambda as_of: ItemStatus(present=True)))
    try:
        assert status_of("7.5.1").status == Readiness.READY
    finally:
        di.unregister("DI-12", "test")


# Pages


def test_readiness_is_refused_to_owners_and_shown_to_viewers(alice, viewer, client_for):
    url = reverse("readiness")
    refused = client_for(alice).get(url)
    assert refused.status_code == 403
    assert "open to the committee" in refused.content.decode()
    page = client_for(viewer).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "No approved Statement of Applicability" in html
    assert 'data-figure="clause-percent"' in html
    assert "Keep this report" not in html  # viewers read, they do not keep reports


def test_the_gap_report_exports_every_gap_with_owner_and_action(viewer, client_for):
    response = client_for(viewer).get(reverse("readiness") + "?export=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert rows[0] == [
        "Requirement",
        "Title",
        "Part",
        "Status",
        "What is missing",
        "Owner",
        "Action that closes it",
    ]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["A.2.2"][3] == "Not ready"
    assert by_id["5.1"][3] == "Not assessed"
    assert by_id["5.1"][6] == "Assess it and record the justification."
    xlsx = client_for(viewer).get(reverse("readiness") + "?export=xlsx")
    assert xlsx.status_code == 200 and body(xlsx)[:2] == b"PK"
    assert (
        client_for(viewer).get(reverse("readiness") + "?export=pdf").status_code == 404
    )


def test_a_manager_keeps_a_report_and_later_sees_what_changed(manager, client_for):
    client = client_for(manager)
    kept = client.post(reverse("readiness"), {"note": "Before stage 1"})
    report = GapReport.objects.get()
    assert kept.status_code == 302 and kept["Location"] == report.get_absolute_url()
    assert report.reference == "GAP-0001" and report.note == "Before stage 1"
    assert report.blockers == 1

    self_assessment_save(
        assessment=SelfAssessment(
            requirement_id="5.1", status="ready", justification="Minutes of 3 Nov."
        ),
        actor=manager,
    )
    page = client.get(report.get_absolute_url())
    changes = page.context["changes"]
    moved = {row["id"]: row for row in changes["moved"]}
    assert moved["5.1"]["before"] == "Not assessed" and moved["5.1"]["after"] == "Ready"
    assert moved["5.1"]["better"] is True
    assert changes["clauses"][1] > changes["clauses"][0]


def test_viewers_may_not_keep_reports_or_self_assess(viewer, client_for):
    client = client_for(viewer)
    assert client.post(reverse("readiness")).status_code == 403
    assert (
        client.post(
            reverse("readiness_requirement", args=["5.1"]),
            {"status": "ready", "justification": "x", "assessed_on": "2026-01-01"},
        ).status_code
        == 403
    )
    assert not GapReport.objects.exists() and not SelfAssessment.objects.exists()


def test_a_self_assessment_from_the_page_keeps_the_input_on_an_error(
    committee, client_for
):
    url = reverse("readiness_requirement", args=["5.1"])
    client = client_for(committee)
    bad = client.post(
        url,
        {"status": "ready", "justification": "Minuted.", "assessed_on": "2999-01-01"},
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "cannot be dated in the future" in html and "Minuted." in html
    good = client.post(
        url,
        {"status": "ready", "justification": "Minuted.", "assessed_on": "2026-11-01"},
    )
    assert good.status_code == 302
    assert status_of("5.1").status == Readiness.READY
    assert "Minuted." in client.get(url).content.decode()


def test_an_unknown_requirement_is_a_404(viewer, client_for):
    assert (
        client_for(viewer)
        .get(reverse("readiness_requirement", args=["99.9"]))
        .status_code
        == 404
    )


def test_the_documented_information_page_lists_all_54_items(viewer, client_for):
    page = client_for(viewer).get(reverse("readiness_documented_information"))
    assert page.status_code == 200
    assert len(page.context["items"]) == 54
    html = page.content.decode()
    assert 'id="DI-06"' in html and 'id="DI-A31"' in html


# API


def test_the_api_gives_readiness_the_map_and_keeps_reports(
    viewer, manager, alice, api_for
):
    assert api_for(alice).get("/api/v1/readiness/").status_code == 403
    data = api_for(viewer).get("/api/v1/readiness/").json()
    assert data["percent"]["annex_a"] >= 0
    assert {r["id"] for r in data["requirements"]} >= {"4.1", "A.2.2"}
    blocker = next(b for b in data["blockers"] if b["key"] == "controls.soa_unapproved")
    assert blocker["items"][0]["title"] == "No approved Statement of Applicability"
    items = api_for(viewer).get("/api/v1/readiness/documented-information/").json()
    assert [i["id"] for i in items][:2] == ["DI-01", "DI-02"] and len(items) == 54

    assert api_for(viewer).post("/api/v1/gap-reports/", {}).status_code == 403
    created = api_for(manager).post(
        "/api/v1/gap-reports/", {"note": "API"}, format="json"
    )
    assert created.status_code == 201 and created.json()["reference"] == "GAP-0001"
    assert api_for(viewer).get("/api/v1/gap-reports/").json()["count"] == 1


def test_self_assessments_over_the_api(committee, viewer, api_for):
    api = api_for(committee)
    bad = api.post(
        "/api/v1/self-assessments/",
        {"requirement_id": "5.1", "status": "ready", "justification": ""},
        format="json",
    )
    assert bad.status_code == 400 and "justification" in bad.json()
    good = api.post(
        "/api/v1/self-assessments/",
        {"requirement_id": "5.1", "status": "ready", "justification": "Minutes."},
        format="json",
    )
    assert good.status_code == 201
    assert good.json()["assessed_by"]["username"] == committee.username
    assert (
        api_for(viewer)
        .post(
            "/api/v1/self-assessments/",
            {"requirement_id": "5.2", "status": "ready", "justification": "x"},
            format="json",
        )
        .status_code
        == 403
    )
    # Kept as made: no edit, no delete.
    pk = good.json()["id"]
    assert (
        api.patch(
            f"/api/v1/self-assessments/{pk}/", {"status": "not_ready"}
        ).status_code
        == 405
    )
    assert api.delete(f"/api/v1/self-assessments/{pk}/").status_code == 405


# The home page


def test_the_home_page_shows_readiness_and_the_blockers(committee, alice, client_for):
    html = client_for(committee).get(reverse("home")).content.decode()
    assert 'data-card="aims.readiness"' in html
    assert "No approved Statement of Applicability" in html
    assert (
        'data-card="aims.readiness"'
        not in client_for(alice).get(reverse("home")).content.decode()
    )


@pytest.mark.parametrize("systems", [2, 12])
def test_readiness_page_and_home_use_a_constant_number_of_queries(
    systems, manager, client_for, django_assert_max_num_queries
):
    from ..factories import make_risk, make_system

    for n in range(systems):
        system = make_system(manager, name=f"System {n}")
        make_risk(manager, system, inherent_likelihood=3, inherent_impact=4)
    client = client_for(manager)
    # Each registered source adds a constant number of queries (the audit app's
    # documented-information items, judges and blocker: 11).
    with django_assert_max_num_queries(60):
        assert client.get(reverse("readiness")).status_code == 200
    cache.delete(READINESS_CARD_KEY)
    with django_assert_max_num_queries(85):
        assert client.get(reverse("home")).status_code == 200
