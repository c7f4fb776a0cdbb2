"""The permission matrix of the management system, pages and API alike.

For every role and every record type: the detail page and the API record (200, or 404
for those who may not see it), the add page and an API create (403 before any
validation for those who may not add; those who may get the form, or a 400 for the
empty body). Every mismatch is reported at once."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from aims import roles
from governance.models import (
    AimsRole,
    Commitment,
    CommunicationItem,
    CommunicationRecord,
    CompetenceRequirement,
    ContextIssue,
    InterestedParty,
    PartyRequirement,
    PlannedChange,
    RoleAssignment,
    ScopeVersion,
    SystemRoleAssignment,
    TrainingRecord,
)
from governance.services import document_publish, record_save, scope_save
from tests.factories import make_system, make_user

from .helpers import (
    approved_version,
    make_document,
    make_indicator,
    make_objective,
    measure,
)

ROLES = [
    roles.ADMINISTRATOR,
    roles.GOVERNANCE_COMMITTEE,
    roles.AIMS_MANAGER,
    roles.RISK_OWNER,
    roles.AI_SYSTEM_OWNER,
    roles.AUDITOR,
    roles.VIEWER,
    None,
]
READERS = {
    roles.ADMINISTRATOR,
    roles.GOVERNANCE_COMMITTEE,
    roles.AIMS_MANAGER,
    roles.AUDITOR,
    roles.VIEWER,
}
# Policies and the objectives that concern their systems are read by owners too.
OWNER_READABLE = {
    "document",
    "documentversion",
    "objective",
    "indicator",
    "measurement",
}
WRITERS = {roles.ADMINISTRATOR, roles.AIMS_MANAGER}
API = {
    "contextissue": "context-issues",
    "interestedparty": "interested-parties",
    "partyrequirement": "party-requirements",
    "scopeversion": "scope-versions",
    "document": "documents",
    "documentversion": "document-versions",
    "objective": "objectives",
    "indicator": "indicators",
    "measurement": "measurements",
    "plannedchange": "planned-changes",
    "aimsrole": "aims-roles",
    "roleassignment": "role-assignments",
    "commitment": "commitments",
    "systemroleassignment": "ai-system-role-assignments",
    "competencerequirement": "competence-requirements",
    "trainingrecord": "training-records",
    "communicationitem": "communication-plan",
    "communicationrecord": "communication-records",
}


def _records(manager, committee):
    today = datetime.date.today()
    document = make_document(manager)
    objective = make_objective(manager)
    indicator = make_indicator(objective, manager)
    party = record_save(
        instance=InterestedParty(
            name="Regulator",
            kind="external",
            needs_and_expectations="Compliance",
            owner=manager,
        ),
        actor=manager,
    )
    role = record_save(
        instance=AimsRole(name="AIMS manager", responsibilities="Runs it."),
        actor=manager,
    )
    requirement = record_save(
        instance=CompetenceRequirement(title="Method", aims_role=role), actor=manager
    )
    item = record_save(
        instance=CommunicationItem(
            topic="Report",
            audience="Board",
            timing="Quarterly",
            channel="report",
            communicator=manager,
        ),
        actor=manager,
    )
    return {
        "contextissue": record_save(
            instance=ContextIssue(
                title="EU AI Act",
                kind="external",
                category="legal",
                effect="Duties.",
                owner=manager,
            ),
            actor=manager,
        ),
        "interestedparty": party,
        "partyrequirement": record_save(
            instance=PartyRequirement(
                party=party, requirement="Comply", how_addressed="Controls"
            ),
            actor=manager,
        ),
        "scopeversion": scope_save(
            version=ScopeVersion(statement="All", boundaries="All"), actor=manager
        ),
        "document": document,
        "documentversion": approved_version(document, manager, committee),
        "objective": objective,
        "indicator": indicator,
        "measurement": measure(indicator, manager, 95),
        "plannedchange": record_save(
            instance=PlannedChange(
                title="Extend", description="More", purpose="Why", responsible=manager
            ),
            actor=manager,
        ),
        "aimsrole": role,
        "roleassignment": record_save(
            instance=RoleAssignment(role=role, person=manager), actor=manager
        ),
        "systemroleassignment": record_save(
            instance=SystemRoleAssignment(
                ai_system=make_system(manager), role="operator", person=manager
            ),
            actor=manager,
        ),
        "commitment": record_save(
            instance=Commitment(statement="We commit.", made_by=committee),
            actor=committee,
        ),
        "competencerequirement": requirement,
        "trainingrecord": record_save(
            instance=TrainingRecord(
                person=manager,
                requirement=requirement,
                title="Course",
                completed_on=today,
            ),
            actor=manager,
        ),
        "communicationitem": item,
        "communicationrecord": record_save(
            instance=CommunicationRecord(item=item, summary="Held."), actor=manager
        ),
    }


def _expected(role, model):
    reads = role in READERS or (
        model in OWNER_READABLE and role in (roles.RISK_OWNER, roles.AI_SYSTEM_OWNER)
    )
    writes = role in WRITERS
    return {
        "page_detail": 200 if reads else 404,
        "api_detail": 200 if reads else 404,
        "page_add": 200 if writes else 403,
        "api_create": 400 if writes else 403,
    }


def test_every_role_on_every_record_type(manager, committee, client_for, api_for):
    records = _records(manager, committee)
    mismatches = []
    for role in ROLES:
        user = make_user(
            f"u-{(role or 'none').replace(' ', '-').lower()}", *([role] if role else [])
        )
        client, api = client_for(user), api_for(user)
        for model, obj in records.items():
            expected = _expected(role, model)
            if model == "documentversion":
                add_url = (
                    reverse("governance:documentversion_add")
                    + f"?document={records['document'].pk}"
                )
            else:
                add_url = reverse(f"governance:{model}_add")
            actual = {
                "page_detail": client.get(
                    reverse(f"governance:{model}_detail", args=[obj.pk])
                ).status_code,
                "api_detail": api.get(f"/api/v1/{API[model]}/{obj.pk}/").status_code,
                "page_add": client.get(add_url).status_code,
                "api_create": api.post(
                    f"/api/v1/{API[model]}/", {}, format="json"
                ).status_code,
            }
            for action, status in expected.items():
                if actual[action] != status:
                    mismatches.append(
                        f"{role or 'no role'} {model} {action}: {actual[action]} != {status}"
                    )
    assert mismatches == []


@pytest.mark.parametrize(
    ("role", "scope", "policy"),
    [
        (roles.GOVERNANCE_COMMITTEE, 302, 302),
        (roles.AIMS_MANAGER, 403, 403),
        (roles.ADMINISTRATOR, 403, 403),
        (roles.AUDITOR, 403, 403),
        (roles.VIEWER, 403, 403),
    ],
)
def test_only_the_committee_approves_the_scope_and_the_ai_policy(
    role, scope, policy, manager, client_for
):
    from .helpers import make_version

    draft = scope_save(
        version=ScopeVersion(statement="All", boundaries="All"), actor=manager
    )
    version = make_version(make_document(manager, doc_type="ai_policy"), manager)
    client = client_for(make_user("approver", role))
    assert (
        client.post(
            reverse("governance:scope_approve", args=[draft.pk]), {"comment": "ok"}
        ).status_code
        == scope
    )
    assert (
        client.post(
            reverse("governance:documentversion_approve", args=[version.pk]),
            {"comment": "ok"},
        ).status_code
        == policy
    )


def test_acknowledging_is_for_the_people_it_was_published_to(
    manager, committee, alice, viewer, client_for, api_for
):
    version = approved_version(make_document(manager), manager, committee)
    document_publish(
        version=version, actor=manager, groups=Group.objects.filter(name=roles.VIEWER)
    )
    outsider = make_user("nobody")
    assert (
        client_for(outsider)
        .get(reverse("governance:read", args=[version.pk]))
        .status_code
        == 404
    )
    assert (
        api_for(outsider)
        .post(f"/api/v1/document-versions/{version.pk}/acknowledge/")
        .status_code
        == 404
    )
    assert (
        client_for(alice)
        .post(reverse("governance:read", args=[version.pk]))
        .status_code
        == 403
    )
    assert (
        client_for(viewer)
        .post(reverse("governance:read", args=[version.pk]))
        .status_code
        == 302
    )
