"""The permission matrix of the risk register, pages and API alike.

For every role (and no role), on a risk the user owns (or, for an AI system owner, a
risk on a system they own) and on someone else's risk, every page and API action on the
risk and on its treatment actions is run and compared with the expected outcome; all
mismatches are reported at once. Then list membership, the heat map, creation and the
risk criteria. "ok" is any success (200, 201, 204, or a redirect after a save that
really happened: a transition or deletion that only redirects with an error is not ok).
"""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from aims import roles
from risk.choices import RiskStatus
from risk.models import Risk, RiskCriteria, RiskSource, TreatmentAction
from risk.services import treatment_action_save
from tests.factories import make_risk, make_system, make_user

OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = "ok", 403, 404, 405

# Seeing the risk (list membership cells count as "ok" when listed, 404 when not).
READ_ACTIONS = [
    "page_detail",
    "page_history",
    "page_system_panel",  # the risk listed on its AI system's page
    "api_retrieve",
    "api_history",
    "api_action_list",
    "api_action_retrieve",
]
# Changing the risk, or its treatment plan (which follows the risk).
CHANGE_ACTIONS = [
    "page_edit_form",
    "page_edit",
    "page_transition",
    "api_update",
    "api_transition",
    "page_action_add_form",
    "page_action_add",
    "api_action_create",
    "page_action_edit_form",
    "page_action_edit",
    "api_action_update",
    "page_action_delete_form",
    "page_action_delete",
    "api_action_delete",
]
DELETE_ACTIONS = ["page_delete_form", "page_delete", "api_delete"]
# Order of execution: the risk deletions come last (each on a risk of its own).
OBJECT_ACTIONS = [
    "page_detail",
    "page_history",
    "page_system_panel",
    "page_edit_form",
    "page_edit",
    "page_transition",
    "api_retrieve",
    "api_history",
    "api_update",
    "api_transition",
    "page_action_add_form",
    "page_action_add",
    "api_action_create",
    "api_action_list",
    "api_action_retrieve",
    "page_action_edit_form",
    "page_action_edit",
    "api_action_update",
    "page_action_delete_form",
    "page_action_delete",
    "api_action_delete",
    "page_delete_form",
    "page_delete",
    "api_delete",
]
assert sorted(OBJECT_ACTIONS) == sorted(READ_ACTIONS + CHANGE_ACTIONS + DELETE_ACTIONS)


def _expect(read, change, delete, **overrides) -> dict:
    expected = {
        **dict.fromkeys(READ_ACTIONS, read),
        **dict.fromkeys(CHANGE_ACTIONS, change),
        **dict.fromkeys(DELETE_ACTIONS, delete),
    }
    expected.update(overrides)
    return expected


ALL_OK = _expect(OK, OK, OK)
OWNER_EDITS = _expect(OK, OK, FORBIDDEN)  # the risk owner: no delete
# A refusal on a visible risk is 403 on pages and API alike; that includes creating a
# treatment action (POST /api/v1/treatment-actions/) on a risk one may see but not change.
READ_ONLY = _expect(OK, FORBIDDEN, FORBIDDEN)
# Creating a treatment action over the API needs the model-wide add permission first,
# so a user without it gets 403 before the (hidden) risk is looked at.
ALL_HIDDEN = _expect(NOT_FOUND, NOT_FOUND, NOT_FOUND, api_action_create=FORBIDDEN)

# role: (may add risks, sees others' risks, expected on "own" (None: cannot own) and
# "other"). For the AI system owner, "own" is a risk on a system they own.
MATRIX = {
    roles.ADMINISTRATOR: (True, True, {"own": ALL_OK, "other": ALL_OK}),
    roles.GOVERNANCE_COMMITTEE: (False, True, {"own": None, "other": READ_ONLY}),
    roles.AIMS_MANAGER: (True, True, {"own": ALL_OK, "other": ALL_OK}),
    roles.RISK_OWNER: (True, True, {"own": OWNER_EDITS, "other": READ_ONLY}),
    roles.AI_SYSTEM_OWNER: (False, False, {"own": READ_ONLY, "other": ALL_HIDDEN}),
    roles.AUDITOR: (False, True, {"own": None, "other": READ_ONLY}),
    roles.VIEWER: (False, True, {"own": None, "other": READ_ONLY}),
    None: (False, False, {"own": None, "other": ALL_HIDDEN}),  # logged in, no role
}

# Risk criteria: everyone with a role reads them, only AIMS managers and
# administrators publish; versions are never edited or deleted (405 for all).
CRITERIA_ACTIONS = [
    "page_criteria_list",
    "page_criteria_detail",
    "api_criteria_list",
    "api_criteria_retrieve",
    "api_criteria_update",
    "api_criteria_delete",
    "page_criteria_publish_form",
    "page_criteria_publish",
    "api_criteria_publish",
]
CRITERIA_READ = {
    "page_criteria_list": OK,
    "page_criteria_detail": OK,
    "api_criteria_list": OK,
    "api_criteria_retrieve": OK,
    "api_criteria_update": NOT_ALLOWED,
    "api_criteria_delete": NOT_ALLOWED,
    "page_criteria_publish_form": FORBIDDEN,
    "page_criteria_publish": FORBIDDEN,
    "api_criteria_publish": FORBIDDEN,
}
CRITERIA_PUBLISH = {
    **CRITERIA_READ,
    "page_criteria_publish_form": OK,
    "page_criteria_publish": OK,
    "api_criteria_publish": OK,
}
# Without a role: the criteria pages are refused as a whole (403), the API hides them.
CRITERIA_NONE = {
    **CRITERIA_READ,
    "page_criteria_list": FORBIDDEN,
    "page_criteria_detail": FORBIDDEN,
    "api_criteria_list": NOT_FOUND,  # not listed
    "api_criteria_retrieve": NOT_FOUND,
}
CRITERIA_MATRIX = {
    roles.ADMINISTRATOR: CRITERIA_PUBLISH,
    roles.GOVERNANCE_COMMITTEE: CRITERIA_READ,
    roles.AIMS_MANAGER: CRITERIA_PUBLISH,
    roles.RISK_OWNER: CRITERIA_READ,
    roles.AI_SYSTEM_OWNER: CRITERIA_READ,
    roles.AUDITOR: CRITERIA_READ,
    roles.VIEWER: CRITERIA_READ,
    None: CRITERIA_NONE,
}

DUE = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()


def _outcome(response) -> object:
    if response.status_code in (200, 201, 204, 302):
        return OK
    return response.status_code


def _listed(shown: bool) -> object:
    return OK if shown else NOT_FOUND


def _assessed(owner, system, *, actor, title):
    """An assessed risk with a treatment chosen, so it may move to treatment planned."""
    return make_risk(
        owner,
        system,
        actor=actor,
        title=title,
        inherent_likelihood=3,
        inherent_impact=4,
        treatment="mitigate",
        treatment_rationale="Reduce it with a control.",
    )


def _add_action(risk, actor, description):
    return treatment_action_save(
        action=TreatmentAction(
            risk=risk, description=description, owner=risk.owner, due_date=DUE
        ),
        actor=actor,
    )


def _risk_form_data(risk) -> dict:
    return {
        "_version": risk.version,
        "ai_system": risk.ai_system_id or "",
        "title": risk.title + " (edited)",
        "description": risk.description,
        "risk_source": risk.risk_source_id,
        "cause": risk.cause,
        "consequence": risk.consequence,
        "owner": risk.owner_id,
        "inherent_likelihood": risk.inherent_likelihood or "",
        "inherent_impact": risk.inherent_impact or "",
        "treatment": risk.treatment,
        "treatment_rationale": risk.treatment_rationale,
        "residual_likelihood": risk.residual_likelihood or "",
        "residual_impact": risk.residual_impact or "",
        "review_frequency": risk.review_frequency,
        "next_review_date": risk.next_review_date.isoformat(),
    }


def _action_form_data(action, description) -> dict:
    data = {
        "description": description,
        "owner": action.owner_id,
        "due_date": DUE,
        "status": "planned",
        "completed_on": "",
        "notes": "",
    }
    if action.pk:
        data["_version"] = action.version
    return data


def _next_status(risk) -> str:
    """A legal move from where the risk is (its preconditions are met)."""
    return {
        RiskStatus.ASSESSED: RiskStatus.TREATMENT_PLANNED,
        RiskStatus.TREATMENT_PLANNED: RiskStatus.ASSESSED,
    }[risk.status]


def _perform(action, ctx, risk, actions):
    """Run one cell. ``ctx`` has the subject's page and API clients and a maker of more
    risks like ``risk``; ``actions`` holds the treatment actions of ``risk`` by purpose."""
    page, api, pk = ctx.page, ctx.api, risk.pk
    if action == "page_detail":
        return _outcome(page.get(reverse("risk:risk_detail", args=[pk])))
    if action == "page_history":
        return _outcome(page.get(reverse("risk:risk_history", args=[pk])))
    if action == "page_system_panel":
        response = page.get(
            reverse("registry:aisystem_detail", args=[risk.ai_system_id])
        )
        if response.status_code != 200:
            return response.status_code
        return _listed(risk.reference in response.content.decode())
    if action == "page_edit_form":
        return _outcome(page.get(reverse("risk:risk_edit", args=[pk])))
    if action == "page_edit":
        risk.refresh_from_db()
        return _outcome(
            page.post(reverse("risk:risk_edit", args=[pk]), _risk_form_data(risk))
        )
    if action in ("page_transition", "api_transition"):
        risk.refresh_from_db()
        target = _next_status(risk)
        if action == "page_transition":
            response = page.post(
                reverse("risk:risk_transition", args=[pk]), {"status": target}
            )
        else:
            response = api.post(
                f"/api/v1/risks/{pk}/transition/", {"status": target}, format="json"
            )
        outcome = _outcome(response)
        risk.refresh_from_db()
        if outcome == OK and risk.status != target:
            return f"status stayed {risk.status}"
        return outcome
    if action == "page_delete_form":
        return _outcome(page.get(reverse("risk:risk_delete", args=[pk])))
    if action in ("page_delete", "api_delete"):
        # Each deletion gets a risk of its own (same ownership, with an action).
        victim = ctx.make_target_risk(f"To delete by {action}")
        _add_action(victim, victim.owner, "Step of a risk to delete")
        if action == "page_delete":
            response = page.post(reverse("risk:risk_delete", args=[victim.pk]))
        else:
            response = api.delete(f"/api/v1/risks/{victim.pk}/")
        outcome = _outcome(response)
        if outcome == OK and Risk.objects.filter(pk=victim.pk).exists():
            return "not deleted"
        return outcome
    url = f"/api/v1/risks/{pk}/"
    if action == "api_retrieve":
        return _outcome(api.get(url))
    if action == "api_history":
        return _outcome(api.get(url + "history/"))
    if action == "api_update":
        return _outcome(
            api.patch(url, {"description": "Updated over the API"}, format="json")
        )

    # Treatment actions.
    if action == "page_action_add_form":
        return _outcome(page.get(reverse("risk:treatmentaction_add", args=[pk])))
    if action == "page_action_add":
        before = TreatmentAction.objects.filter(risk=risk).count()
        response = page.post(
            reverse("risk:treatmentaction_add", args=[pk]),
            _action_form_data(TreatmentAction(owner=risk.owner), "Added by page"),
        )
        outcome = _outcome(response)
        if (
            outcome == OK
            and TreatmentAction.objects.filter(risk=risk).count() == before
        ):
            return "not added"
        return outcome
    if action == "api_action_create":
        return _outcome(
            api.post(
                "/api/v1/treatment-actions/",
                {
                    "risk": pk,
                    "description": "Added by API",
                    "owner": risk.owner_id,
                    "due_date": DUE,
                },
                format="json",
            )
        )
    if action == "api_action_list":
        response = api.get("/api/v1/treatment-actions/", {"page_size": 100})
        assert response.status_code == 200, response.content
        listed = {row["id"] for row in response.json()["results"]}
        return _listed(actions["edit"].pk in listed)
    action_url = f"/api/v1/treatment-actions/{actions['edit'].pk}/"
    if action == "api_action_retrieve":
        return _outcome(api.get(action_url))
    if action == "page_action_edit_form":
        return _outcome(
            page.get(reverse("risk:treatmentaction_edit", args=[actions["edit"].pk]))
        )
    if action == "page_action_edit":
        edited = TreatmentAction.objects.get(pk=actions["edit"].pk)
        return _outcome(
            page.post(
                reverse("risk:treatmentaction_edit", args=[edited.pk]),
                _action_form_data(edited, "Edited by page"),
            )
        )
    if action == "api_action_update":
        return _outcome(api.patch(action_url, {"notes": "By API"}, format="json"))
    if action == "page_action_delete_form":
        return _outcome(
            page.get(reverse("risk:treatmentaction_delete", args=[actions["page"].pk]))
        )
    if action in ("page_action_delete", "api_action_delete"):
        victim = actions["page" if action == "page_action_delete" else "api"]
        if action == "page_action_delete":
            response = page.post(
                reverse("risk:treatmentaction_delete", args=[victim.pk])
            )
        else:
            response = api.delete(f"/api/v1/treatment-actions/{victim.pk}/")
        outcome = _outcome(response)
        if outcome == OK and TreatmentAction.objects.filter(pk=victim.pk).exists():
            return "not deleted"
        return outcome
    raise AssertionError(action)


def _criteria_publish_page_data() -> dict:
    return {
        "name": "AI risk criteria",
        "likelihood_scale": "Rare\nUnlikely\nPossible\nLikely\nAlmost certain",
        "impact_scale": "Negligible\nMinor\nModerate\nMajor\nSevere",
        "medium_from": 5,
        "high_from": 10,
        "critical_from": 17,
        "appetite": "medium",
        "change_note": "Published by page in a test.",
    }


def _criteria_publish_api_data() -> dict:
    return {
        "name": "AI risk criteria",
        "likelihood_scale": [{"label": f"L{i}"} for i in range(1, 6)],
        "impact_scale": [{"label": f"I{i}"} for i in range(1, 6)],
        "level_thresholds": {"low": 1, "medium": 5, "high": 10, "critical": 17},
        "appetite": "medium",
        "change_note": "Published over the API in a test.",
    }


def _perform_criteria(action, page, api, criteria):
    if action == "page_criteria_list":
        return _outcome(page.get(reverse("risk:riskcriteria_list")))
    if action == "page_criteria_detail":
        return _outcome(
            page.get(reverse("risk:riskcriteria_detail", args=[criteria.pk]))
        )
    if action == "api_criteria_list":
        response = api.get("/api/v1/risk-criteria/")
        assert response.status_code == 200, response.content
        return _listed(criteria.pk in {row["id"] for row in response.json()["results"]})
    url = f"/api/v1/risk-criteria/{criteria.pk}/"
    if action == "api_criteria_retrieve":
        return _outcome(api.get(url))
    if action == "api_criteria_update":
        return _outcome(api.patch(url, {"appetite": "critical"}, format="json"))
    if action == "api_criteria_delete":
        return _outcome(api.delete(url))
    if action == "page_criteria_publish_form":
        return _outcome(page.get(reverse("risk:riskcriteria_publish")))
    before = RiskCriteria.objects.count()
    if action == "page_criteria_publish":
        response = page.post(
            reverse("risk:riskcriteria_publish"), _criteria_publish_page_data()
        )
    elif action == "api_criteria_publish":
        response = api.post(
            "/api/v1/risk-criteria/", _criteria_publish_api_data(), format="json"
        )
    else:
        raise AssertionError(action)
    outcome = _outcome(response)
    if outcome == OK and RiskCriteria.objects.count() == before:
        return "not published"
    return outcome


@pytest.mark.parametrize("role", list(MATRIX), ids=lambda r: r or "no role")
def test_permission_matrix_for_the_risk_register(role, client_for, api_for, capsys):
    may_add, sees_others, expected = MATRIX[role]
    user = make_user("subject", *([role] if role else []))
    system_owner = make_user("sysowner", roles.AI_SYSTEM_OWNER)
    other_owner = make_user("otherriskowner", roles.RISK_OWNER)
    other_system = make_system(system_owner, name="Someone else's system")
    page, api = client_for(user), api_for(user)
    mismatches, checked = [], 0

    def check(which, cell, outcome, wanted):
        nonlocal checked
        checked += 1
        if outcome != wanted:
            mismatches.append((role, which, cell, outcome, f"expected {wanted}"))

    # Who owns what: "other" is a risk owner's risk on someone else's system; "own" is
    # the subject's risk, or for an AI system owner a risk on the subject's system.
    makers = {
        "other": lambda title: _assessed(
            other_owner, other_system, actor=other_owner, title=title
        )
    }
    if expected["own"] is not None:
        if role == roles.AI_SYSTEM_OWNER:
            own_system = make_system(user, name="Subject's own system")
            makers["own"] = lambda title: _assessed(
                other_owner, own_system, actor=other_owner, title=title
            )
        else:
            makers["own"] = lambda title: _assessed(
                user, other_system, actor=other_owner, title=title
            )
    targets = {which: make(f"Target risk {which}") for which, make in makers.items()}

    def visible(which):
        return which == "own" or sees_others

    # Lists and the heat map show exactly the visible risks.
    list_page = page.get(reverse("risk:risk_list"))
    assert list_page.status_code == 200
    listed_api = {row["id"] for row in api.get("/api/v1/risks/").json()["results"]}
    for which, risk in targets.items():
        check(
            which,
            "page_list",
            _listed(risk.reference in list_page.content.decode()),
            _listed(visible(which)),
        )
        check(
            which, "api_list", _listed(risk.pk in listed_api), _listed(visible(which))
        )
    heat_map = api.get("/api/v1/risks/heatmap/")
    check(
        "-",
        "api_heatmap_total",
        heat_map.json()["total"],
        sum(1 for which in targets if visible(which)),
    )

    # Creating, on the page and over the API.
    add = page.post(
        reverse("risk:risk_add"),
        {
            "ai_system": other_system.pk,
            "title": "New risk by page",
            "risk_source": RiskSource.objects.get(code="C.3.4").pk,
            "consequence": "Harm.",
            "owner": user.pk if may_add else other_owner.pk,
            "review_frequency": 6,
        },
    )
    created = api.post(
        "/api/v1/risks/",
        {"title": "New risk by API", "consequence": "Harm.", "risk_source": "C.3.4"},
        format="json",
    )
    for cell, response, title in (
        ("page_add", add, "New risk by page"),
        ("api_create", created, "New risk by API"),
    ):
        outcome = _outcome(response)
        if outcome == OK and not Risk.objects.filter(title=title).exists():
            outcome = "not created"
        check("-", cell, outcome, OK if may_add else FORBIDDEN)

    # Every action on each risk and its treatment plan.
    for which, risk in targets.items():
        ctx = SimpleNamespace(page=page, api=api, make_target_risk=makers[which])
        # One treatment action to edit, one to delete on the page, one over the API.
        actions = {
            purpose: _add_action(risk, risk.owner, f"Step for {purpose}")
            for purpose in ("edit", "page", "api")
        }
        for action in OBJECT_ACTIONS:
            check(
                which,
                action,
                _perform(action, ctx, risk, actions),
                expected[which][action],
            )

    # Risk criteria.
    criteria = RiskCriteria.objects.get(is_current=True)
    for action in CRITERIA_ACTIONS:
        check(
            "criteria",
            action,
            _perform_criteria(action, page, api, criteria),
            CRITERIA_MATRIX[role][action],
        )

    with capsys.disabled():
        print(
            f"\npermission matrix (risk): {role or 'no role'}: {checked} cells checked"
        )
    assert mismatches == [], (
        f"{len(mismatches)} of {checked} cells differ:\n"
        + "\n".join(map(str, mismatches))
    )
