"""Pages and API of the impact app: the owner's journey, bad input by field, frozen
approved revisions (403), the classification agreeing on page, API and dry run, the
permission matrix and list query counts."""

import pytest
from django.urls import reverse

from impact.forms import ref_field_name
from impact.models import Classification, ImpactAssessment
from impact.services import assessment_approve, assessment_start, classification_record
from tests.factories import make_system

from .helpers import complete_answers, make_impact, submitted_assessment
from .test_classification import CASES

DRY_RUN = "/api/v1/eu-ai-act/classify/"


def _page_answers(answers: dict) -> dict:
    return {k: "\n".join(v) if isinstance(v, list) else v for k, v in answers.items()}


def test_owner_starts_answers_submits_and_committee_approves_in_the_browser(
    alice, committee, alice_system, client_for
):
    owner = client_for(alice)
    started = owner.post(
        reverse("impact:impactassessment_start", args=[alice_system.pk])
    )
    assessment = ImpactAssessment.objects.get(ai_system=alice_system)
    assert started.status_code == 302 and started["Location"] == reverse(
        "impact:impactassessment_answers", args=[assessment.pk]
    )
    answers_url = reverse("impact:impactassessment_answers", args=[assessment.pk])
    missing = owner.post(answers_url, {"submit": "1", "benefits": "Faster."})
    assert missing.status_code == 400
    assert (
        "This question needs an answer before submitting." in missing.content.decode()
    )
    assessment.refresh_from_db()
    assert (
        assessment.status == "draft" and assessment.answers.get("benefits") == "Faster."
    )
    bad_impact = owner.post(
        reverse("impact:impact_add", args=[assessment.pk]), {"title": "Harm"}
    )
    assert bad_impact.status_code == 400 and not assessment.impacts.exists()
    owner.post(
        reverse("impact:impact_add", args=[assessment.pk]),
        {
            "title": "Harm",
            "affected_group": "Applicants",
            "harm_kind": "economic",
            "severity": "2",
            "likelihood": "2",
            "reversibility": "reversible",
            "scale": "group",
            "existing_measures": "Review.",
        },
    )
    assert assessment.impacts.count() == 1
    saved = owner.post(
        answers_url, {**_page_answers(complete_answers()), "submit": "1"}
    )
    assert saved.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "in_review"
    assert (
        owner.get(
            reverse("impact:impactassessment_approve", args=[assessment.pk])
        ).status_code
        == 403
    )
    approver = client_for(committee)
    approved = approver.post(
        reverse("impact:impactassessment_approve", args=[assessment.pk]),
        {"note": "Good."},
    )
    assert approved.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "approved" and assessment.approved_by == committee
    page = owner.get(
        reverse("registry:aisystem_tab", args=[alice_system.pk, "impact"])
    ).content.decode()
    assert "No review needed." in page and "Kept until" in page


def test_approved_assessment_is_frozen_on_page_and_api(
    alice, committee, alice_system, client_for, api_for
):
    assessment = submitted_assessment(alice_system, alice)
    assessment_approve(assessment=assessment, actor=committee)
    owner = client_for(alice)
    assert (
        owner.get(
            reverse("impact:impactassessment_answers", args=[assessment.pk])
        ).status_code
        == 403
    )
    assert (
        owner.post(
            reverse("impact:impactassessment_edit", args=[assessment.pk]), {}
        ).status_code
        == 403
    )
    impact = assessment.impacts.get()
    assert (
        owner.post(
            reverse("impact:impact_edit", args=[impact.pk]), {"title": "x"}
        ).status_code
        == 403
    )
    api = api_for(alice)
    assert (
        api.patch(
            f"/api/v1/impact-assessments/{assessment.pk}/",
            {"answers": {}},
            format="json",
        ).status_code
        == 403
    )
    assert (
        api.patch(
            f"/api/v1/impacts/{impact.pk}/", {"title": "x"}, format="json"
        ).status_code
        == 403
    )
    detail = owner.get(assessment.get_absolute_url()).content.decode()
    assert reverse("impact:impactassessment_edit", args=[assessment.pk]) not in detail


def test_api_workflow_and_four_eyes(alice, committee, alice_system, api_for):
    api = api_for(alice)
    created = api.post(
        "/api/v1/impact-assessments/",
        {"ai_system": alice_system.pk, "answers": complete_answers()},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    bad = api.post(
        "/api/v1/impacts/",
        {
            "assessment": pk,
            "title": "Harm",
            "severity": 2,
            "likelihood": 2,
            "reversibility": "reversible",
            "scale": "group",
            "harm_kind": "",
            "affected_group": "",
        },
        format="json",
    )
    assert bad.status_code == 400 and {"harm_kind", "affected_group"} <= set(bad.json())
    impact = api.post(
        "/api/v1/impacts/",
        {
            "assessment": pk,
            "title": "Harm",
            "severity": 2,
            "likelihood": 2,
            "reversibility": "reversible",
            "scale": "group",
            "harm_kind": "economic",
            "affected_group": "Applicants",
            "existing_measures": "x",
        },
        format="json",
    )
    assert impact.status_code == 201 and impact.json()["level"] == "medium"
    assert api.post(f"/api/v1/impact-assessments/{pk}/submit/").status_code == 200
    assert api.post(f"/api/v1/impact-assessments/{pk}/approve/", {}).status_code == 403
    approved = api_for(committee).post(
        f"/api/v1/impact-assessments/{pk}/approve/", {"note": "ok"}, format="json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["retention_until"]


def test_unknown_question_ids_are_a_400(alice, alice_system, api_for):
    created = api_for(alice).post(
        "/api/v1/impact-assessments/",
        {
            "ai_system": alice_system.pk,
            "answers": {"nope": "x", "personal_data": "maybe"},
        },
        format="json",
    )
    assert created.status_code == 400 and "answers" in created.json()


@pytest.mark.parametrize(
    "answers, role, tier, basis, fria",
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_page_api_and_dry_run_agree(
    answers, role, tier, basis, fria, alice, client_for, api_for
):
    system = make_system(alice, name="Classified")
    dry = api_for(alice).post(
        DRY_RUN, {"answers": answers, "operator_role": role}, format="json"
    )
    assert (
        dry.status_code == 200
        and dry.json()["tier"] == tier
        and dry.json()["fria_required"] is fria
    )
    form = {
        ref_field_name(ref): "on" for ref, value in answers.items() if value is True
    }
    if "Art. 6(4)" in answers:
        form["derogation_assessment"] = answers["Art. 6(4)"]
    page = client_for(alice).post(
        reverse("impact:classify", args=[system.pk]), {"operator_role": role, **form}
    )
    assert page.status_code == 302
    recorded = Classification.objects.get(ai_system=system, is_current=True)
    assert recorded.tier == tier and recorded.basis == dry.json()["basis"]
    assert recorded.obligation_ids == [o["id"] for o in dry.json()["obligations"]]
    other = make_system(alice, name="Classified by API")
    api = api_for(alice).post(
        "/api/v1/eu-ai-act/classifications/",
        {"ai_system": other.pk, "answers": answers, "operator_role": role},
        format="json",
    )
    assert api.status_code == 201 and api.json()["tier"] == tier
    system.refresh_from_db()
    assert system.eu_risk_tier == tier


def test_dry_run_names_unknown_ids_and_contradictions(
    alice, api_for, alice_system, client_for
):
    api = api_for(alice)
    unknown = api.post(
        DRY_RUN,
        {"answers": {"Annex III 9(z)": True}, "operator_role": "provider"},
        format="json",
    )
    assert (
        unknown.status_code == 400 and "Annex III 9(z)" in unknown.json()["answers"][0]
    )
    profiling = {
        "Annex III 4(a)": True,
        "Art. 6(3)(a)": True,
        "Art. 6(3) profiling": True,
        "Art. 6(4)": "doc",
    }
    contradiction = api.post(
        DRY_RUN, {"answers": profiling, "operator_role": "provider"}, format="json"
    )
    assert contradiction.status_code == 400 and "Art. 6(3)(a)" in contradiction.json()
    page = client_for(alice).post(
        reverse("impact:classify", args=[alice_system.pk]),
        {
            "operator_role": "provider",
            "annex_iii_4_a": "on",
            "art_6_3_a": "on",
            "art_6_3_profiling": "on",
            "derogation_assessment": "doc",
        },
    )
    assert (
        page.status_code == 400
        and "never applies to a system that profiles" in page.content.decode()
    )
    assert not Classification.objects.exists()


def test_compare_revisions_marks_changes(alice, committee, alice_system, client_for):
    from impact.services import answers_save, assessment_revise

    assessment = submitted_assessment(alice_system, alice)
    assessment_approve(assessment=assessment, actor=committee)
    revision = assessment_revise(assessment=assessment, actor=alice)
    answers_save(
        assessment=revision,
        actor=alice,
        answers={**revision.answers, "intended_use": "A new use."},
    )
    page = client_for(alice).get(
        reverse("impact:impactassessment_compare", args=[revision.pk])
        + f"?with={assessment.pk}"
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "A new use." in text and "changed" in text


def test_fria_reuses_answers_and_records_the_notification(
    alice, alice_system, client_for
):
    classification_record(
        system=alice_system,
        actor=alice,
        answers={"Annex III 5(b)": True},
        operator_role="deployer",
    )
    assessment = assessment_start(system=alice_system, actor=alice)
    from impact.services import answers_save

    answers_save(
        assessment=assessment,
        actor=alice,
        answers={
            "intended_use": "Credit decisions for loans.",
            "deployment_oversight": "An analyst checks.",
        },
    )
    client = client_for(alice)
    page = client.get(
        reverse("impact:fria_edit", args=[alice_system.pk])
    ).content.decode()
    assert "FRIA required" in page and "Credit decisions for loans." in page
    elements = {
        f"element_{ref_field_name(e)}": f"Text {e}"
        for e in [
            "27(1)(a)",
            "27(1)(b)",
            "27(1)(c)",
            "27(1)(d)",
            "27(1)(e)",
            "27(1)(f)",
        ]
    }
    incomplete = client.post(
        reverse("impact:fria_edit", args=[alice_system.pk]),
        {"notified_on": "2026-11-30", "authority": "BNetzA"},
    )
    assert incomplete.status_code == 400
    saved = client.post(
        reverse("impact:fria_edit", args=[alice_system.pk]),
        {**elements, "notified_on": "2026-11-30", "authority": "Market authority"},
    )
    assert saved.status_code == 302
    assert alice_system.fria.status == "notified"


# Permission matrix

PAGES = {
    "list": lambda a: reverse("impact:impactassessment_list"),
    "detail": lambda a: a.get_absolute_url(),
    "answers": lambda a: reverse("impact:impactassessment_answers", args=[a.pk]),
    "approve": lambda a: reverse("impact:impactassessment_approve", args=[a.pk]),
    "system_tab": lambda a: reverse(
        "registry:aisystem_tab", args=[a.ai_system_id, "impact"]
    ),
    "classify": lambda a: reverse("impact:classify", args=[a.ai_system_id]),
    "fria": lambda a: reverse("impact:fria_edit", args=[a.ai_system_id]),
    "classifications": lambda a: reverse("impact:classification_list"),
    "templates": lambda a: reverse("impact:template_list"),
    "api_list": lambda a: "/api/v1/impact-assessments/",
    "api_detail": lambda a: f"/api/v1/impact-assessments/{a.pk}/",
    "api_classifications": lambda a: "/api/v1/eu-ai-act/classifications/",
    "api_templates": lambda a: "/api/v1/impact-templates/",
}
# alice owns the system and the assessment (in review); bob owns another system.
EXPECTED = {
    "alice": {
        "list": 200,
        "detail": 200,
        "answers": 403,
        "approve": 403,
        "system_tab": 200,
        "classify": 200,
        "fria": 200,
        "classifications": 200,
        "templates": 200,
        "api_list": 200,
        "api_detail": 200,
        "api_classifications": 200,
        "api_templates": 200,
    },
    "bob": {
        "list": 200,
        "detail": 404,
        "answers": 404,
        "approve": 404,
        "system_tab": 404,
        "classify": 404,
        "fria": 404,
        "classifications": 200,
        "templates": 200,
        "api_list": 200,
        "api_detail": 404,
        "api_classifications": 200,
        "api_templates": 200,
    },
    "grace": {
        "list": 200,
        "detail": 200,
        "answers": 403,
        "approve": 200,
        "system_tab": 200,
        "classify": 200,
        "fria": 200,
        "classifications": 200,
        "templates": 200,
        "api_list": 200,
        "api_detail": 200,
        "api_classifications": 200,
        "api_templates": 200,
    },
    "maria": {
        "list": 200,
        "detail": 200,
        "answers": 200,
        "approve": 403,
        "system_tab": 200,
        "classify": 200,
        "fria": 200,
        "classifications": 200,
        "templates": 200,
        "api_list": 200,
        "api_detail": 200,
        "api_classifications": 200,
        "api_templates": 200,
    },
    "audrey": {
        "list": 200,
        "detail": 200,
        "answers": 403,
        "approve": 403,
        "system_tab": 200,
        "classify": 403,
        "fria": 200,
        "classifications": 200,
        "templates": 200,
        "api_list": 200,
        "api_detail": 200,
        "api_classifications": 200,
        "api_templates": 200,
    },
    "victor": {
        "list": 200,
        "detail": 200,
        "answers": 403,
        "approve": 403,
        "system_tab": 200,
        "classify": 403,
        "fria": 200,
        "classifications": 200,
        "templates": 200,
        "api_list": 200,
        "api_detail": 200,
        "api_classifications": 200,
        "api_templates": 200,
    },
    "charlie": {
        "list": 200,
        "detail": 404,
        "answers": 404,
        "approve": 404,
        "system_tab": 404,
        "classify": 404,
        "fria": 404,
        "classifications": 200,
        "templates": 403,
        "api_list": 200,
        "api_detail": 404,
        "api_classifications": 200,
        "api_templates": 200,
    },
}


def test_permission_matrix(
    alice,
    bob,
    committee,
    manager,
    auditor,
    viewer,
    outsider,
    alice_system,
    client_for,
    api_for,
):
    assessment = ImpactAssessment.objects.get(
        pk=submitted_assessment(alice_system, alice).pk
    )
    # The answers page of a draft is the owner's: in review it is closed to everyone.
    draft_system = make_system(alice, name="Second")
    users = {
        "alice": alice,
        "bob": bob,
        "grace": committee,
        "maria": manager,
        "audrey": auditor,
        "victor": viewer,
        "charlie": outsider,
    }
    mismatches = []
    for name, user in users.items():
        client, api = client_for(user), api_for(user)
        for page, url in PAGES.items():
            target = assessment
            if page == "answers" and name == "maria":
                target = assessment_start(system=draft_system, actor=manager)
            getter = api if page.startswith("api_") else client
            status = getter.get(url(target)).status_code
            if status != EXPECTED[name][page]:
                mismatches.append(
                    f"{name} {page}: {status}, expected {EXPECTED[name][page]}"
                )
    assert not mismatches, "\n".join(mismatches)


def test_lists_show_only_what_the_user_may_see(
    alice, bob, alice_system, bob_system, client_for, api_for
):
    mine = assessment_start(system=alice_system, actor=alice)
    theirs = assessment_start(system=bob_system, actor=bob)
    page = (
        client_for(alice).get(reverse("impact:impactassessment_list")).content.decode()
    )
    assert mine.ai_system.reference in page and theirs.ai_system.reference not in page
    ids = {
        row["id"]
        for row in api_for(alice).get("/api/v1/impact-assessments/").json()["results"]
    }
    assert ids == {mine.pk}


@pytest.mark.parametrize("size", [2, 12])
def test_list_query_counts_do_not_grow(
    size, manager, client_for, django_assert_max_num_queries
):
    for number in range(size):
        system = make_system(manager, name=f"System {number}")
        assessment = assessment_start(system=system, actor=manager)
        make_impact(assessment, manager)
        classification_record(
            system=system,
            actor=manager,
            answers={"Art. 50(1)": True},
            operator_role="provider",
        )
    client = client_for(manager)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("impact:impactassessment_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("impact:classification_list")).status_code == 200
    with django_assert_max_num_queries(20):
        assert (
            client.get(
                reverse("impact:impactassessment_list"),
                {"review_needed": "false", "level": "medium"},
            ).status_code
            == 200
        )
