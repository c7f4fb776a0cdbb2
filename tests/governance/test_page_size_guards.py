"""Page-size guards for every list and record page of the management system and every
API list: the queries a page runs do not grow with the records (measured with 2 of
each record type, then again with 10)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import (
    AimsRole,
    Commitment,
    CommunicationItem,
    CommunicationRecord,
    CompetenceRequirement,
    InterestedParty,
    PartyRequirement,
    PlannedChange,
    RoleAssignment,
    ScopeVersion,
    SystemRoleAssignment,
    TrainingRecord,
)
from governance.services import (
    document_version_submit,
    record_save,
    scope_approve,
    scope_save,
)
from tests.factories import make_system, make_user

from .helpers import approved_version, make_document, make_version

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


class World:
    """One record of each kind that pages show children of, and a filler that adds
    ``count`` more of everything (to the lists and to those records' pages)."""

    def __init__(self, manager, committee):
        self.manager, self.committee = manager, committee
        self.document = make_document(manager, doc_type="ai_policy")
        self.party = self._save(
            InterestedParty(
                name="Regulator", kind="external", needs_and_expectations="Rules"
            )
        )
        self.role = self._save(
            AimsRole(name="Chair", responsibilities="Chairs.", top_management=True)
        )
        self.requirement = self._save(
            CompetenceRequirement(title="Oversight", aims_role=self.role)
        )
        self.item = self._save(
            CommunicationItem(
                topic="Report", audience="Board", timing="Q", channel="report"
            )
        )
        self.system = make_system(manager)
        self.system_requirement = self._save(
            CompetenceRequirement(
                title="Operate", applies_to="ai_system_role", system_role="operator"
            )
        )
        self.n = 0

    def _save(self, instance):
        for field in ("owner", "communicator", "responsible", "made_by"):
            if hasattr(instance, f"{field}_id") and not getattr(
                instance, f"{field}_id"
            ):
                setattr(instance, field, self.manager)
        return record_save(instance=instance, actor=self.manager)

    def fill(self, count):
        manager, committee = self.manager, self.committee
        for _ in range(count):
            self.n += 1
            n = self.n
            person = make_user(f"person-{n}")
            version = make_version(self.document, manager, change_summary=f"v{n}")
            document_version_submit(version=version, actor=manager)
            approved_version(make_document(manager), manager, committee)
            self._save(
                PartyRequirement(
                    party=self.party, requirement=f"R{n}", how_addressed="Controls"
                )
            )
            self._save(
                InterestedParty(
                    name=f"Party {n}", kind="internal", needs_and_expectations="x"
                )
            )
            self._save(PlannedChange(title=f"C{n}", description="d", purpose="p"))
            self._save(RoleAssignment(role=self.role, person=person))
            self._save(AimsRole(name=f"Role {n}", responsibilities="r"))
            self._save(Commitment(statement=f"Commitment {n}"))
            self._save(
                TrainingRecord(
                    person=person,
                    requirement=self.requirement,
                    title="Course",
                    completed_on=TODAY,
                )
            )
            self._save(CompetenceRequirement(title=f"Req {n}", aims_role=self.role))
            self._save(CommunicationRecord(item=self.item, summary=f"Held {n}"))
            self._save(
                CommunicationItem(
                    topic=f"T{n}", audience="All", timing="Q", channel="email"
                )
            )
            self._save(
                SystemRoleAssignment(
                    ai_system=self.system, role="operator", person=person
                )
            )
            draft = scope_save(
                version=ScopeVersion(statement=f"Scope {n}", boundaries="All"),
                actor=manager,
            )
            scope_approve(version=draft, actor=committee, comment="Fine.")

    def pages(self):
        latest_version = self.document.versions.order_by("-number").first()
        scope = ScopeVersion.objects.order_by("-number").first()
        lists = [
            reverse(f"governance:{name}_list")
            for name in (
                "interestedparty",
                "partyrequirement",
                "scopeversion",
                "document",
                "documentversion",
                "plannedchange",
                "aimsrole",
                "roleassignment",
                "systemroleassignment",
                "commitment",
                "competencerequirement",
                "trainingrecord",
                "communicationitem",
                "communicationrecord",
            )
        ]
        details = [
            self.document.get_absolute_url(),
            latest_version.get_absolute_url(),
            scope.get_absolute_url(),
            self.party.get_absolute_url(),
            self.role.get_absolute_url(),
            self.requirement.get_absolute_url(),
            self.item.get_absolute_url(),
            reverse("governance:competence"),
            reverse("governance:document_compare", args=[self.document.pk]),
            reverse("governance:scope_compare"),
            reverse("registry:aisystem_tab", args=[self.system.pk, "competence"]),
        ]
        return lists + details


API = [
    "interested-parties",
    "party-requirements",
    "scope-versions",
    "documents",
    "document-versions",
    "planned-changes",
    "aims-roles",
    "role-assignments",
    "ai-system-role-assignments",
    "commitments",
    "competence-requirements",
    "training-records",
    "communication-plan",
    "communication-records",
]


def _counts(client, urls):
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url] = len(queries)
    return counts


def _guard(client, urls, small, django_assert_max_num_queries):
    grown = []
    for url in urls:
        try:
            with django_assert_max_num_queries(small[url]):
                assert client.get(url).status_code == 200
        except pytest.fail.Exception as exc:
            grown.append(f"{url}: {str(exc).splitlines()[0]}")
    assert grown == []


def test_governance_pages_do_not_grow_with_their_records(
    manager, committee, client_for, django_assert_max_num_queries
):
    world = World(manager, committee)
    world.fill(2)
    client = client_for(manager)
    urls = world.pages()
    small = _counts(client, urls)
    world.fill(8)
    _guard(client, urls, small, django_assert_max_num_queries)


def test_governance_api_lists_do_not_grow_with_their_records(
    manager, committee, api_for, django_assert_max_num_queries
):
    world = World(manager, committee)
    world.fill(2)
    api = api_for(manager)
    urls = [f"/api/v1/{prefix}/" for prefix in API]
    small = _counts(api, urls)
    world.fill(8)
    _guard(api, urls, small, django_assert_max_num_queries)
