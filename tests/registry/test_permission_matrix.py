"""The permission matrix of the AI system register, pages and API alike.

For every role, every page and API action, on a system the user owns and on someone
else's, the expected outcome is listed below; the test runs every cell and reports all
mismatches at once. "ok" is any success (200, 201, 204, or a redirect after a save).
"""

import pytest
from django.urls import reverse

from aims import roles
from tests.factories import make_system, make_user

OK, FORBIDDEN, NOT_FOUND = "ok", 403, 404

# Actions on one existing system. Order matters: deletions come last.
OBJECT_ACTIONS = [
    "page_detail",
    "page_history",
    "page_edit_form",
    "page_edit",
    "api_retrieve",
    "api_history",
    "api_update",
    "page_delete_form",
    "api_delete",
    "page_delete",
]


def _row(own: dict | None, other: dict) -> dict:
    return {"own": own, "other": other}


ALL_OK = dict.fromkeys(OBJECT_ACTIONS, OK)
READ_ONLY = {
    action: (
        OK
        if action in ("page_detail", "page_history", "api_retrieve", "api_history")
        else FORBIDDEN
    )
    for action in OBJECT_ACTIONS
}
OWNER_EDITS = {
    **READ_ONLY,
    "page_edit_form": OK,
    "page_edit": OK,
    "api_update": OK,
}
ALL_HIDDEN = dict.fromkeys(OBJECT_ACTIONS, NOT_FOUND)
EDIT_NO_DELETE = OWNER_EDITS

# role: (may add, sees others' systems in lists, expected per own/other object)
MATRIX = {
    roles.ADMINISTRATOR: (True, True, _row(ALL_OK, ALL_OK)),
    roles.GOVERNANCE_COMMITTEE: (True, True, _row(EDIT_NO_DELETE, EDIT_NO_DELETE)),
    roles.AIMS_MANAGER: (True, True, _row(ALL_OK, ALL_OK)),
    roles.RISK_OWNER: (False, True, _row(OWNER_EDITS, READ_ONLY)),
    roles.AI_SYSTEM_OWNER: (True, False, _row(OWNER_EDITS, ALL_HIDDEN)),
    roles.AUDITOR: (False, True, _row(None, READ_ONLY)),
    roles.VIEWER: (False, True, _row(None, READ_ONLY)),
    None: (False, False, _row(None, ALL_HIDDEN)),  # logged in, no role
}


def _outcome(response) -> object:
    if response.status_code in (200, 201, 204, 302):
        return OK
    return response.status_code


def _edit_form_data(system) -> dict:
    return {
        "_version": system.version,
        "name": system.name + " (edited)",
        "intended_purpose": system.intended_purpose,
        "owner": system.owner_id or "",
        "lifecycle_stage": system.lifecycle_stage,
        "source": system.source,
        "automation_level": system.automation_level,
        "criticality": system.criticality,
        "eu_risk_tier": system.eu_risk_tier,
    }


def _perform(action, system, page, api):
    pk = system.pk
    if action == "page_detail":
        return page.get(reverse("registry:aisystem_detail", args=[pk]))
    if action == "page_history":
        return page.get(reverse("registry:aisystem_history", args=[pk]))
    if action == "page_edit_form":
        return page.get(reverse("registry:aisystem_edit", args=[pk]))
    if action == "page_edit":
        system.refresh_from_db()
        return page.post(
            reverse("registry:aisystem_edit", args=[pk]), _edit_form_data(system)
        )
    if action == "page_delete_form":
        return page.get(reverse("registry:aisystem_delete", args=[pk]))
    if action == "page_delete":
        return page.post(reverse("registry:aisystem_delete", args=[pk]))
    url = f"/api/v1/ai-systems/{pk}/"
    if action == "api_retrieve":
        return api.get(url)
    if action == "api_history":
        return api.get(url + "history/")
    if action == "api_update":
        return api.patch(url, {"description": "Updated over the API"}, format="json")
    if action == "api_delete":
        return api.delete(url)
    raise AssertionError(action)


@pytest.mark.parametrize("role", list(MATRIX), ids=lambda r: r or "no role")
def test_permission_matrix_for_the_register(role, client_for, api_for, capsys):
    may_add, sees_others, expected = MATRIX[role]
    user = make_user("subject", *([role] if role else []))
    owner_of_other = make_user("someone", roles.AI_SYSTEM_OWNER)
    mismatches, checked = [], 0

    page, api = client_for(user), api_for(user)
    targets = {"other": make_system(owner_of_other, name="Other owner system")}
    if expected["own"] is not None:
        targets["own"] = make_system(
            user, actor=owner_of_other, name="Subject owned system"
        )

    # Lists: pages and API show exactly the visible systems.
    list_page = page.get(reverse("registry:aisystem_list"))
    listed_api = {
        row["name"] for row in api.get("/api/v1/ai-systems/").json()["results"]
    }
    for which, system in targets.items():
        visible = which == "own" or sees_others
        for channel, shown in (
            ("page_list", system.name in list_page.content.decode()),
            ("api_list", system.name in listed_api),
        ):
            checked += 1
            if shown != visible:
                mismatches.append(
                    (role, which, channel, "shown" if shown else "hidden")
                )

    # Creating.
    add = page.post(
        reverse("registry:aisystem_add"),
        {
            "name": "New by page",
            "intended_purpose": "x",
            "owner": user.pk if may_add else "",
            "lifecycle_stage": "idea",
            "source": "in_house",
            "automation_level": "assistive",
            "criticality": "low",
            "eu_risk_tier": "unclassified",
        },
    )
    created = api.post(
        "/api/v1/ai-systems/",
        {"name": "New by API", "intended_purpose": "x"},
        format="json",
    )
    for channel, response in (("page_add", add), ("api_create", created)):
        checked += 1
        if _outcome(response) != (OK if may_add else FORBIDDEN):
            mismatches.append((role, "-", channel, response.status_code))

    # Every action on each object.
    for which, system in targets.items():
        for action in OBJECT_ACTIONS:
            if (
                action.endswith("delete")
                and not system.__class__.objects.filter(pk=system.pk).exists()
            ):
                continue  # already deleted through the other channel
            outcome = _outcome(_perform(action, system, page, api))
            checked += 1
            if outcome != expected[which][action]:
                mismatches.append((role, which, action, outcome))

    with capsys.disabled():
        print(f"\npermission matrix: {role or 'no role'}: {checked} cells checked")
    assert mismatches == [], (
        f"{len(mismatches)} of {checked} cells differ: {mismatches}"
    )
