"""The Statement of Applicability: justified rows, committee approval, frozen versions,
comparison between versions, and the named approval event."""

import pytest
from django.urls import reverse

from aims.models import ObjectChange
from controls.models import Control, SoAEntry, SoAVersion
from controls.services import (
    soa_approve,
    soa_compare,
    soa_current,
    soa_entry_save,
    soa_new_draft,
)
from tests.factories import make_risk
from tests.http import body

from .conftest import make_evidence


def decide_all(actor, version=None, *, applicable=True):
    version = version or soa_current()
    for entry in version.entries.all():
        entry.applicable = applicable
        entry.justification = "Needed for our AI systems."
        soa_entry_save(entry=entry, actor=actor)


def row(control_id, version=None):
    return SoAEntry.objects.get(
        soa=version or soa_current(), control__control_id=control_id
    )


def test_a_row_without_justification_is_refused_on_the_page(manager, client_for):
    entry = row("A.2.2")
    response = client_for(manager).post(
        reverse("controls:soaentry_edit", args=[entry.pk]),
        {
            "_version": entry.version,
            "applicable": "false",
            "justification": " ",
            "implementation_status": "not_started",
        },
    )
    assert response.status_code == 400
    assert "justification" in response.context["form"].errors
    entry.refresh_from_db()
    assert entry.applicable is None


@pytest.mark.parametrize("applicable", [True, False])
def test_a_row_without_justification_is_refused_in_the_api(
    manager, api_for, applicable
):
    entry = row("A.2.2")
    response = api_for(manager).patch(
        f"/api/v1/soa-entries/{entry.pk}/",
        {"applicable": applicable, "justification": ""},
        format="json",
    )
    assert response.status_code == 400
    assert "justification" in response.json()


def test_a_row_needs_a_decision(manager, api_for):
    entry = row("A.2.2")
    response = api_for(manager).patch(
        f"/api/v1/soa-entries/{entry.pk}/", {"justification": "Why"}, format="json"
    )
    assert response.status_code == 400
    assert "applicable" in response.json()


def test_a_control_owner_edits_their_rows_only(manager, risk_owner, api_for):
    mine, other = row("A.6.2.4"), row("A.6.2.5")
    mine.owner = risk_owner
    mine.applicable, mine.justification = True, "Verification is core to us."
    soa_entry_save(entry=mine, actor=manager)
    api = api_for(risk_owner)
    assert (
        api.patch(
            f"/api/v1/soa-entries/{mine.pk}/",
            {
                "implementation_status": "implemented",
                "applicable": True,
                "justification": "Verification is core to us.",
            },
            format="json",
        ).status_code
        == 200
    )
    assert (
        api.patch(
            f"/api/v1/soa-entries/{other.pk}/",
            {"applicable": True, "justification": "x"},
            format="json",
        ).status_code
        == 403
    )


def test_only_the_committee_approves(manager, admin_user, committee, api_for):
    decide_all(manager)
    version = soa_current()
    for user in (manager, admin_user):
        response = api_for(user).post(
            f"/api/v1/soa-versions/{version.number}/approve/", {"comment": "ok"}
        )
        assert response.status_code == 403
    response = api_for(committee).post(
        f"/api/v1/soa-versions/{version.number}/approve/",
        {"comment": "Approved at the committee meeting of 26 November"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "approved" and body["approved_by"]["username"] == "grace"
    event = ObjectChange.objects.get(event="soa.approved")
    assert event.user == committee
    assert "26 November" in event.message


def test_approval_needs_every_row_decided_and_justified(manager, committee, api_for):
    decide_all(manager)
    entry = row("A.10.4")
    SoAEntry.objects.filter(pk=entry.pk).update(applicable=None, justification="")
    response = api_for(committee).post(
        f"/api/v1/soa-versions/{soa_current().number}/approve/", {"comment": "ok"}
    )
    assert response.status_code == 400
    assert "A.10.4" in str(response.json())
    assert soa_current().is_draft


def test_an_approved_version_cannot_be_edited(manager, committee, client_for, api_for):
    decide_all(manager)
    version = soa_approve(version=soa_current(), actor=committee, comment="First SoA")
    entry = row("A.2.2", version)
    page = client_for(manager).post(
        reverse("controls:soaentry_edit", args=[entry.pk]),
        {"_version": entry.version, "applicable": "false", "justification": "Changed"},
    )
    assert page.status_code == 403
    assert (
        client_for(manager)
        .get(reverse("controls:soaentry_edit", args=[entry.pk]))
        .status_code
        == 403
    )
    api = api_for(manager).patch(
        f"/api/v1/soa-entries/{entry.pk}/",
        {"applicable": False, "justification": "Changed"},
        format="json",
    )
    assert api.status_code == 403
    entry.refresh_from_db()
    assert (
        entry.applicable is True and entry.justification == "Needed for our AI systems."
    )
    soa_page = client_for(manager).get(version.get_absolute_url()).content.decode()
    assert reverse("controls:soaentry_edit", args=[entry.pk]) not in soa_page


def test_the_approved_version_keeps_the_risks_and_evidence_it_was_approved_with(
    manager, committee, risk_owner
):
    risk = make_risk(risk_owner, controls=["A.6.2.4"])
    evidence = make_evidence(manager, controls=["A.6.2.4"])
    decide_all(manager)
    version = soa_approve(version=soa_current(), actor=committee, comment="ok")
    entry = row("A.6.2.4", version)
    assert entry.risk_snapshot == [risk.reference]
    assert entry.evidence_snapshot == [evidence.reference]


def test_the_next_draft_starts_from_the_approved_version(
    manager, committee, risk_owner
):
    decide_all(manager)
    entry = row("A.3.2")
    entry.owner = risk_owner
    soa_entry_save(entry=entry, actor=manager)
    approved = soa_approve(version=soa_current(), actor=committee, comment="v1")
    draft = soa_new_draft(actor=manager, summary="Yearly update")
    assert draft.number == 2 and draft.based_on == approved
    copied = row("A.3.2", draft)
    assert (
        copied.owner == risk_owner
        and copied.justification == "Needed for our AI systems."
    )
    assert soa_current() == draft
    with pytest.raises(Exception, match="draft already exists"):
        soa_new_draft(actor=manager)


def test_comparing_two_versions_lists_exactly_the_changed_controls(
    manager, committee, api_for, client_for
):
    decide_all(manager)
    v1 = soa_approve(version=soa_current(), actor=committee, comment="v1")
    v2 = soa_new_draft(actor=manager)
    for control_id, field, value in [
        ("A.4.2", "implementation_status", "implemented"),
        ("A.7.3", "justification", "Data provenance matters more since the audit."),
    ]:
        entry = row(control_id, v2)
        setattr(entry, field, value)
        soa_entry_save(entry=entry, actor=manager)
    changes = soa_compare(v1, v2)
    assert [c["control"].control_id for c in changes] == ["A.4.2", "A.7.3"]
    assert changes[0]["fields"] == [
        {
            "field": "implementation_status",
            "before": "not_started",
            "after": "implemented",
        }
    ]
    api = api_for(manager).get("/api/v1/soa-versions/1/compare/", {"other": 2}).json()
    assert [c["control"]["control_id"] for c in api] == ["A.4.2", "A.7.3"]
    page = client_for(manager).get(reverse("controls:soa_compare"), {"a": 1, "b": 2})
    assert "2 controls changed" in page.content.decode()
    assert (
        client_for(manager)
        .get(reverse("controls:soa_compare"), {"a": 1, "b": 9})
        .status_code
        == 400
    )


def test_the_soa_page_filters_applicable_rows_without_evidence(manager, client_for):
    decide_all(manager)
    make_evidence(manager, controls=["A.2.2"])
    entry = row("A.2.3")
    entry.applicable, entry.justification = False, "Covered by the group policy."
    soa_entry_save(entry=entry, actor=manager)
    client = client_for(manager)
    rows = client.get(reverse("controls:soa"), {"without_evidence": "true"}).context[
        "rows"
    ]
    ids = {r.control.control_id for r in rows}
    assert "A.2.2" not in ids and "A.2.3" not in ids and "A.2.4" in ids
    excluded = client.get(reverse("controls:soa"), {"applicable": "no"}).context["rows"]
    assert [r.control.control_id for r in excluded] == ["A.2.3"]


def test_the_soa_exports_as_csv_and_xlsx(manager, client_for, api_for):
    decide_all(manager)
    csv = client_for(manager).get(reverse("controls:soa"), {"export": "csv"})
    text = body(csv).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("SoA version,SoA status,Domain,Control ID")
    assert len(text.strip().splitlines()) == 39
    xlsx = api_for(manager).get(
        "/api/v1/soa-versions/1/export/", {"export_format": "xlsx"}
    )
    assert xlsx.status_code == 200 and body(xlsx)[:2] == b"PK"


def test_a_failing_check_shows_on_the_control_and_the_soa(manager, client_for, api_for):
    response = api_for(manager).post(
        "/api/v1/control-checks/",
        {
            "control": "A.6.2.6",
            "result": "fail",
            "notes": "Monitoring alerts went nowhere.",
        },
        format="json",
    )
    assert response.status_code == 201
    control = Control.objects.get(control_id="A.6.2.6")
    page = client_for(manager).get(control.get_absolute_url()).content.decode()
    assert "Last check: Fail" in page
    rows = (
        client_for(manager)
        .get(reverse("controls:soa"), {"failing": "true"})
        .context["rows"]
    )
    assert [r.control.control_id for r in rows] == ["A.6.2.6"]
    assert ObjectChange.objects.filter(event="control.check_failed").count() == 1


def test_a_failed_check_needs_notes(manager, api_for):
    response = api_for(manager).post(
        "/api/v1/control-checks/",
        {"control": "A.6.2.6", "result": "fail"},
        format="json",
    )
    assert response.status_code == 400 and "notes" in response.json()


def test_the_soa_api_lists_the_current_version_with_counts(
    manager, risk_owner, viewer, api_for
):
    make_risk(risk_owner, controls=["A.5.2"])
    make_evidence(manager, controls=["A.5.2"])
    data = api_for(viewer).get("/api/v1/soa-entries/", {"domain": "A.5"}).json()
    first = next(r for r in data["results"] if r["control"]["control_id"] == "A.5.2")
    assert first["soa_version"] == 1
    assert (first["risk_count"], first["evidence_count"]) == (1, 1)
    assert (
        api_for(viewer).get("/api/v1/soa-entries/", {"soa_version": "x"}).status_code
        == 400
    )
    assert SoAVersion.objects.count() == 1
