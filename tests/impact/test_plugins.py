"""What the impact app adds to the shared registries: reminders, readiness, the pack
kind, the management-review input, the home-page card and the risk's back link."""

import datetime

import pytest
from django.utils import timezone

from aims.models import Notification
from aims.notifications import reminders_send
from aims.readiness import Readiness, compute
from aims.review_inputs import compute_inputs
from impact.services import (
    assessment_approve,
    classification_record,
    impact_create_risk,
)
from registry.services import ai_system_save

from .helpers import submitted_assessment

TODAY = timezone.localdate()


@pytest.fixture
def approved(alice, committee, alice_system):
    assessment = submitted_assessment(alice_system, alice)
    return assessment_approve(assessment=assessment, actor=committee)


def test_a_change_puts_a_due_item_in_the_owners_reminders(
    approved, alice, alice_system
):
    classification_record(
        system=alice_system,
        actor=alice,
        answers={"Annex III 4(a)": True},
        operator_role="deployer",
    )
    reminders_send(today=TODAY)
    assert not Notification.objects.filter(
        recipient=alice, source__startswith="impact."
    ).exists()
    system = type(alice_system).objects.get(pk=alice_system.pk)
    system.intended_purpose = "Also promotions."
    ai_system_save(system=system, actor=alice)
    reminders_send(today=TODAY)
    sources = set(
        Notification.objects.filter(recipient=alice).values_list("source", flat=True)
    )
    assert {"impact.assessment_review", "impact.classification_review"} <= sources


def test_the_planned_review_date_is_reminded(approved, alice):
    reminders_send(today=approved.next_review_date - datetime.timedelta(days=7))
    assert Notification.objects.filter(
        recipient=alice, source="impact.assessment_review"
    ).exists()


def test_readiness_judges_the_impact_clauses(approved, bob_system):
    report = {r.requirement.id: r for r in compute(TODAY).requirements}
    for requirement in ("6.1.4", "8.4", "A.5.2", "A.5.3", "A.5.4", "A.5.5"):
        sources = [label for label, _ in report[requirement].judgements]
        assert "AI system impact assessments" in sources, requirement
    judged = dict(report["6.1.4"].judgements)["AI system impact assessments"]
    assert judged.status == Readiness.PARTIAL and "1 of 2" in judged.summary


def test_a_prohibited_system_blocks_certification(alice, alice_system):
    classification_record(
        system=alice_system,
        actor=alice,
        answers={"Art. 5(1)(f)": True},
        operator_role="deployer",
    )
    blockers = {b.source.key: b.items for b in compute(TODAY).blockers}
    assert [i.reference for i in blockers["impact.prohibited"]] == [
        alice_system.reference
    ]


def test_review_input_counts_approved_assessments(approved):
    inputs = {item.key: report for item, report in compute_inputs(TODAY, None)}
    assert "1 impact assessments approved" in inputs["impact.assessments"].summary


def test_home_card_and_risk_back_link(approved, manager, alice, client_for):
    home = client_for(alice).get("/").content.decode()
    assert "Impact assessments" in home
    harm = approved.impacts.get()
    harm.severity = 4
    risk = impact_create_risk(impact=harm, actor=manager)
    page = client_for(manager).get(risk.get_absolute_url()).content.decode()
    assert "From impact assessments" in page and str(approved) in page


def test_the_pack_prints_the_assessment(
    approved,
    auditor,
    alice,
    alice_system,
    django_capture_on_commit_callbacks,
    settings,
    tmp_path,
):
    from audit.services import evidence_pack_request
    from tests.audit.helpers import pdf_pages, stored_bytes

    settings.MEDIA_ROOT = str(tmp_path)
    classification_record(
        system=alice_system,
        actor=alice,
        answers={"Annex III 4(a)": True},
        operator_role="deployer",
    )
    with django_capture_on_commit_callbacks(execute=True):
        pack = evidence_pack_request(
            kind="impact_assessment",
            target_id=approved.pk,
            parameters={},
            actor=auditor,
        )
    pack.refresh_from_db()
    assert pack.status == "ready", pack.error
    # Long words may break anywhere in a pack: compare without the white space.
    text = "".join("".join(pdf_pages(stored_bytes(pack))).split())
    for expected in (
        "Impacts, risks and treatment",
        "Qualified applicants filtered out",
        "Annex III 4(a)",
        "impactassessment.approved",
    ):
        assert "".join(expected.split()) in text, expected
