"""The narrow right of an assigned auditor: conduct the audit (checklist, findings,
results, statuses) without editing its plan, the programme or any other audit; the
same answer on the pages and in the API (ISO/IEC 42001 9.2.2)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from aims import roles
from aims.permissions import can, visible_to
from audit.models import Audit, ChecklistLine, Finding
from audit.services import audit_record_results, audit_save
from tests.factories import make_user

from .builders import days, make_audit, make_programme, start

FINDING = {
    "grade": "ofi",
    "requirement_id": "9.2.2",
    "title": "Trend audit results",
    "description": "Results could be trended across audits.",
    "objective_evidence": "Two reports compared by hand.",
    "due_date": "2030-01-01",
}


@pytest.fixture
def world(manager, auditor, risk_owner):
    """audrey leads audit A with olga in the team; oscar leads audit B."""
    olga = make_user("olga", roles.AUDITOR)
    oscar = make_user("oscar", roles.AUDITOR)
    programme = make_programme(manager)
    mine = make_audit(manager, auditor, team=[olga], programme=programme)
    other = make_audit(
        manager, oscar, programme=programme, title="Internal audit of clause 6"
    )
    mine, other = start(mine, auditor), start(other, oscar)
    return {
        "programme": programme,
        "mine": mine,
        "other": other,
        "olga": olga,
        "oscar": oscar,
        "owner": risk_owner,
    }


def test_assigned_auditor_conducts_but_does_not_plan(world, auditor):
    mine, other = world["mine"], world["other"]
    assert can(auditor, "run", mine) and can(world["olga"], "run", mine)
    assert not can(auditor, "change", mine)
    assert not can(auditor, "run", other)
    assert not can(auditor, "change", world["programme"])
    line = mine.lines.first()
    assert can(auditor, "change", line)
    assert not can(auditor, "change", other.lines.first())
    # Lists filtered for "change" give the same answer as the object checks.
    assert set(
        visible_to(ChecklistLine.objects.all(), auditor, "change").values_list(
            "audit_id", flat=True
        )
    ) == {mine.pk}
    assert list(visible_to(Audit.objects.all(), auditor, "change")) == []


def test_pages_let_the_auditor_conduct_their_audit_only(world, auditor, client_for):
    client = client_for(auditor)
    mine, other = world["mine"], world["other"]
    line = mine.lines.first()
    page = client.get(mine.get_absolute_url()).content.decode()
    assert reverse("audit:audit_results", args=[mine.pk]) in page
    assert reverse("audit:checklistline_edit", args=[line.pk]) in page
    assert reverse("audit:audit_edit", args=[mine.pk]) not in page

    response = client.post(
        reverse("audit:checklistline_edit", args=[line.pk]),
        {
            "question": line.question,
            "result": "conforming",
            "notes": "Seen",
            "_version": line.version,
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.result, line.audited_by) == ("conforming", auditor)

    response = client.post(
        reverse("audit:audit_results", args=[mine.pk]),
        {
            "actual_start": days(-10).isoformat(),
            "summary": "Clause 9 conforms.",
            "_version": Audit.objects.get(pk=mine.pk).version,
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.summary == "Clause 9 conforms."
    assert mine.scope_clauses == ["9", "10"]  # the plan is untouched

    response = client.post(
        reverse("audit:finding_add", args=[mine.pk]),
        {**FINDING, "owner": world["owner"].pk},
    )
    assert response.status_code == 302
    assert Finding.objects.filter(audit=mine, title=FINDING["title"]).exists()

    other_page = client.get(other.get_absolute_url()).content.decode()
    assert reverse("audit:audit_results", args=[other.pk]) not in other_page
    refused = [
        reverse("audit:audit_edit", args=[mine.pk]),
        reverse("audit:audit_edit", args=[other.pk]),
        reverse("audit:audit_results", args=[other.pk]),
        reverse("audit:checklistline_edit", args=[other.lines.first().pk]),
        reverse("audit:finding_add", args=[other.pk]),
        reverse("audit:auditprogramme_edit", args=[world["programme"].pk]),
    ]
    for url in refused:
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            reverse("audit:audit_edit", args=[mine.pk]),
            {"title": "Renamed by the auditor"},
        ).status_code
        == 403
    )
    assert client.post(
        reverse("audit:audit_transition", args=[other.pk]), {"status": "reported"}
    ).status_code in (302, 403)
    other.refresh_from_db()
    assert other.status == "in_progress"
    mine.refresh_from_db()
    assert mine.title != "Renamed by the auditor"


def test_api_gives_the_same_answers(world, auditor, api_for):
    api = api_for(auditor)
    mine, other = world["mine"], world["other"]
    assert (
        api.patch(
            f"/api/v1/audit-checklist-lines/{mine.lines.first().pk}/",
            {"result": "observation"},
            format="json",
        ).status_code
        == 200
    )
    assert (
        api.patch(
            f"/api/v1/audit-checklist-lines/{other.lines.first().pk}/",
            {"result": "observation"},
            format="json",
        ).status_code
        == 403
    )
    assert (
        api.post(
            "/api/v1/audit-findings/",
            {**FINDING, "audit": mine.pk, "owner": world["owner"].pk},
            format="json",
        ).status_code
        == 201
    )
    assert (
        api.post(
            "/api/v1/audit-findings/",
            {**FINDING, "audit": other.pk, "owner": world["owner"].pk},
            format="json",
        ).status_code
        == 403
    )
    response = api.post(
        f"/api/v1/audits/{mine.pk}/results/",
        {"summary": "Clause 9 conforms.", "actual_start": days(-10).isoformat()},
        format="json",
    )
    assert response.status_code == 200 and response.json()["summary"] == (
        "Clause 9 conforms."
    )
    stale = api.post(
        f"/api/v1/audits/{mine.pk}/results/",
        {"summary": "Overwrite", "version": 1},
        format="json",
    )
    assert stale.status_code == 409
    assert (
        api.post(
            f"/api/v1/audits/{other.pk}/results/", {"summary": "x"}, format="json"
        ).status_code
        == 403
    )
    assert (
        api.patch(
            f"/api/v1/audits/{mine.pk}/", {"title": "Renamed"}, format="json"
        ).status_code
        == 403
    )
    assert (
        api.patch(
            f"/api/v1/audit-programmes/{world['programme'].pk}/",
            {"title": "Renamed"},
            format="json",
        ).status_code
        == 403
    )
    assert (
        api.post(
            f"/api/v1/audits/{other.pk}/transition/",
            {"status": "reported"},
            format="json",
        ).status_code
        == 403
    )
    response = api.post(
        f"/api/v1/audits/{mine.pk}/transition/", {"status": "reported"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "reported"


def test_leaving_the_team_ends_the_right_to_conduct(world, manager):
    mine, olga = world["mine"], world["olga"]
    audit_save(audit=mine, actor=manager, m2m={"team": []})
    assert not can(olga, "run", Audit.objects.get(pk=mine.pk))
    with pytest.raises(PermissionDenied):
        audit_record_results(audit=mine, actor=olga, changes={"summary": "Late notes"})


def test_reported_results_are_frozen(world, auditor):
    from audit.services import Frozen, audit_transition

    mine = world["mine"]
    audit_record_results(audit=mine, actor=auditor, changes={"summary": "Done."})
    audit_transition(audit=mine, to_status="reported", actor=auditor)
    with pytest.raises(Frozen):
        audit_record_results(
            audit=mine, actor=auditor, changes={"summary": "Changed afterwards"}
        )
