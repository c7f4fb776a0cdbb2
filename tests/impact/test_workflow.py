"""Impact assessments: start, answer, impacts, submit, four-eyes approval, frozen
revisions, retention, revisions, impact to risk, reassessment on material change."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from aims.models import ObjectChange
from impact.models import Impact, ImpactAssessment
from impact.rules import level_for, material_fields
from impact.services import (
    FrozenAssessment,
    answers_save,
    assessment_approve,
    assessment_revise,
    assessment_start,
    assessment_submit,
    classification_record,
    impact_create_risk,
    impact_save,
    template_publish,
)
from registry.models import DataCategory
from registry.services import ai_system_save

from .helpers import complete_answers, make_impact, submitted_assessment


def test_start_prefills_from_the_register(alice, alice_system):
    assessment = assessment_start(system=alice_system, actor=alice)
    assert assessment.owner == alice
    assert assessment.answers["system_purpose"] == alice_system.intended_purpose
    assert assessment.reference.startswith("IAS-")
    assert ObjectChange.objects.filter(event="impactassessment.started").count() == 1


def test_someone_else_cannot_start_on_a_system_they_do_not_own(bob, alice_system):
    with pytest.raises(PermissionDenied):
        assessment_start(system=alice_system, actor=bob)


def test_submit_needs_the_required_answers_and_an_impact(alice, alice_system):
    assessment = assessment_start(system=alice_system, actor=alice)
    with pytest.raises(ValidationError) as caught:
        assessment_submit(assessment=assessment, actor=alice)
    assert "intended_use" in caught.value.message_dict
    answers_save(assessment=assessment, actor=alice, answers=complete_answers())
    with pytest.raises(ValidationError) as caught:
        assessment_submit(assessment=assessment, actor=alice)
    assert "impacts" in caught.value.message_dict


def test_a_follow_up_is_required_only_when_it_shows(alice, alice_system):
    assessment = assessment_start(system=alice_system, actor=alice)
    answers = complete_answers()
    answers["personal_data"] = "no"
    del answers["personal_data_detail"]
    answers_save(assessment=assessment, actor=alice, answers=answers)
    make_impact(assessment, alice)
    assessment_submit(assessment=assessment, actor=alice)
    answers["personal_data"] = "yes"
    with pytest.raises(ValidationError) as caught:
        from impact.services import clean_answers

        clean_answers(assessment.template, answers, complete=True)
    assert "personal_data_detail" in caught.value.message_dict


def test_impact_needs_group_and_harm(alice, alice_system):
    assessment = assessment_start(system=alice_system, actor=alice)
    with pytest.raises(ValidationError) as caught:
        make_impact(assessment, alice, affected_group="", harm_kind="")
    assert {"affected_group", "harm_kind"} <= set(caught.value.message_dict)
    assert not Impact.objects.exists()


def test_level_follows_the_data_rule(alice, alice_system):
    assessment = assessment_start(system=alice_system, actor=alice)
    impact = make_impact(
        assessment,
        alice,
        severity=4,
        likelihood=3,
        reversibility="irreversible",
        scale="society",
    )
    assert impact.level == level_for(4, 3, "irreversible", "society") == "critical"
    assessment.refresh_from_db()
    assert assessment.highest_level == "critical"


def test_four_eyes_approval(alice, committee, alice_system):
    assessment = submitted_assessment(alice_system, alice)
    with pytest.raises(PermissionDenied):
        assessment_approve(assessment=assessment, actor=alice)
    assessment_approve(assessment=assessment, actor=committee, note="Fine.")
    assessment.refresh_from_db()
    assert assessment.status == "approved"
    assert assessment.retention_until == timezone.localdate().replace(
        year=timezone.localdate().year + assessment.template.retention_years
    )
    assert assessment.next_review_date > timezone.localdate()
    assert ObjectChange.objects.filter(
        event="impactassessment.approved", user=committee
    ).exists()


def test_the_author_cannot_approve_even_with_the_right(manager, alice_system):
    from django.contrib.auth.models import Permission

    manager.user_permissions.add(
        Permission.objects.get(codename="approve_impactassessment")
    )
    manager = type(manager).objects.get(pk=manager.pk)  # fresh permission cache
    assessment = submitted_assessment(alice_system, manager)
    with pytest.raises(ValidationError) as caught:
        assessment_approve(assessment=assessment, actor=manager)
    assert "approval" in caught.value.message_dict


def test_high_impact_without_measure_or_risk_blocks_approval(
    alice, committee, manager, alice_system
):
    assessment = assessment_start(system=alice_system, actor=alice)
    answers_save(assessment=assessment, actor=alice, answers=complete_answers())
    impact = make_impact(
        assessment, alice, severity=4, likelihood=4, existing_measures=""
    )
    assessment_submit(assessment=assessment, actor=alice)
    with pytest.raises(ValidationError) as caught:
        assessment_approve(assessment=assessment, actor=committee)
    assert "impacts" in caught.value.message_dict
    risk = impact_create_risk(impact=impact, actor=manager)
    impact.refresh_from_db()
    assert impact.risk == risk and list(risk.impacts.all()) == [impact]
    assert risk.ai_system == alice_system and risk.inherent_impact == 5
    assessment_approve(assessment=assessment, actor=committee)


def test_approved_is_frozen_and_a_revision_copies_it(alice, committee, alice_system):
    assessment = submitted_assessment(alice_system, alice)
    assessment_approve(assessment=assessment, actor=committee)
    with pytest.raises(FrozenAssessment):
        answers_save(assessment=assessment, actor=alice, answers={})
    impact = assessment.impacts.get()
    impact.title = "Changed"
    with pytest.raises(FrozenAssessment):
        impact_save(impact=impact, actor=alice)
    revision = assessment_revise(assessment=assessment, actor=alice)
    assert revision.revision == 2 and revision.previous == assessment
    assert revision.answers == assessment.answers
    assert revision.impacts.count() == 1
    answers_save(
        assessment=revision,
        actor=alice,
        answers={**revision.answers, "intended_use": "New use."},
    )
    assessment_submit(assessment=revision, actor=alice)
    assessment_approve(assessment=revision, actor=committee)
    assessment.refresh_from_db()
    assert assessment.status == "superseded"


def test_new_template_version_leaves_started_assessments_alone(
    alice, manager, alice_system
):
    assessment = assessment_start(system=alice_system, actor=alice)
    old = assessment.template
    template_publish(
        actor=manager,
        title="Shorter",
        sections=[
            {"title": "Only", "questions": [{"id": "q", "type": "text", "label": "Q?"}]}
        ],
    )
    assessment.refresh_from_db()
    assert (
        assessment.template == old
        and "intended_use" in assessment.template.question_map()
    )


def _approved_with_classification(system, owner, committee):
    assessment = submitted_assessment(system, owner)
    assessment_approve(assessment=assessment, actor=committee)
    classification = classification_record(
        system=system,
        actor=owner,
        answers={"Annex III 4(a)": True},
        operator_role="deployer",
    )
    return assessment, classification


MATERIAL = {
    "intended_purpose": "Rank internal candidates too.",
    "affected_stakeholders": "Applicants and employees",
    "geographies": "EU, UK, US",
    "automation_level": "autonomous",
    "human_oversight": "None any more.",
    "model_type": "Transformer",
    "foundation_model": "Some LLM",
    "eu_operator_role": "provider",
    "lifecycle_stage": "deployed",
}


@pytest.mark.parametrize("field", [*MATERIAL, "data_categories"])
def test_each_material_change_marks_review_needed_once(
    field, alice, committee, alice_system, monkeypatch
):
    from registry import gates

    # Moving to deployed passes the release gate only once its records exist; this test
    # is about what the impact app does after the move, so the gate has no conditions.
    monkeypatch.setattr(gates, "_conditions", {})
    assessment, classification = _approved_with_classification(
        alice_system, alice, committee
    )
    system = type(alice_system).objects.get(pk=alice_system.pk)
    m2m = None
    if field == "data_categories":
        m2m = {"data_categories": [DataCategory.objects.first()]}
    else:
        setattr(system, field, MATERIAL[field])
    ai_system_save(system=system, actor=alice, m2m=m2m)
    assessment.refresh_from_db()
    classification.refresh_from_db()
    assert assessment.review_needed and classification.review_needed
    assert assessment.review_change_seq is not None
    assert ObjectChange.objects.filter(event="impact.review_needed").count() == 2
    system.refresh_from_db()
    system.description = "Again."
    system.geographies = "Everywhere"
    ai_system_save(system=system, actor=alice)
    assert ObjectChange.objects.filter(event="impact.review_needed").count() == 2


def test_an_immaterial_edit_needs_no_review(alice, committee, alice_system):
    assessment, classification = _approved_with_classification(
        alice_system, alice, committee
    )
    system = type(alice_system).objects.get(pk=alice_system.pk)
    system.description = "Fixed a typo."
    ai_system_save(system=system, actor=alice)
    assessment.refresh_from_db()
    assert not assessment.review_needed
    assert not ObjectChange.objects.filter(event="impact.review_needed").exists()


def test_every_material_field_is_tested():
    assert {f["field"] for f in material_fields()} == {*MATERIAL, "data_categories"}


def test_classification_sets_the_tier_and_keeps_obligation_status(alice, alice_system):
    first = classification_record(
        system=alice_system,
        actor=alice,
        answers={"Annex III 4(a)": True},
        operator_role="deployer",
    )
    alice_system.refresh_from_db()
    assert alice_system.eu_risk_tier == "high_risk"
    item = alice_system.eu_obligations.get(obligation_id="D-26.1")
    item.status = "done"
    from impact.services import obligation_save

    obligation_save(obligation=item, actor=alice)
    second = classification_record(
        system=alice_system,
        actor=alice,
        answers={"Annex III 4(a)": True, "Art. 50(3)": True},
        operator_role="deployer",
    )
    first.refresh_from_db()
    assert not first.is_current and second.is_current and second.number == 2
    assert alice_system.eu_obligations.get(obligation_id="D-26.1").status == "done"
    assert alice_system.eu_obligations.filter(
        obligation_id="D-50.3", applies=True
    ).exists()
    classification_record(
        system=alice_system, actor=alice, answers={}, operator_role="deployer"
    )
    assert not alice_system.eu_obligations.get(obligation_id="D-26.1").applies
    assert ImpactAssessment.objects.count() == 0
