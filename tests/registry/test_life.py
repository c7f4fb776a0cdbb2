"""The life of an AI system: datasets, resources, suppliers, life-cycle records and the
release gate, on pages and over the API, as the personas who use them."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aims.models import Notification, ObjectChange
from aims.notifications import reminders_send
from registry.life_services import child_save, dataset_save, lifecycle_record_approve
from registry.models import (
    AcceptanceCriterion,
    DataCategory,
    Dataset,
    LifecycleRecord,
    Supplier,
    SupplierReview,
    SystemDataset,
    SystemResource,
)
from tests.factories import make_system

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _evidence(owner, system):
    from controls.models import Evidence
    from controls.services import evidence_save

    return evidence_save(
        evidence=Evidence(
            title="Validation report", url="https://wiki.example.org/v", owner=owner
        ),
        actor=owner,
        m2m={"ai_systems": [system]},
    )


def _dataset(owner, *, personal=True, name="Applications"):
    slugs = ["personal"] if personal else ["confidential"]
    return dataset_save(
        dataset=Dataset(name=name, owner=owner),
        actor=owner,
        m2m={"categories": DataCategory.objects.filter(slug__in=slugs)},
    )


def _ready_for_release(system, owner, approver):
    """Everything the gate asks for, for a system that processes personal data."""
    evidence = _evidence(owner, system)
    child_save(
        record=AcceptanceCriterion(
            ai_system=system,
            criterion="Accuracy on hold-out",
            metric="accuracy",
            threshold=Decimal("0.9"),
            measured_value=Decimal("0.93"),
            measured_on=TODAY,
            evidence=evidence,
        ),
        actor=owner,
    )
    for kind in ("requirements", "vv_plan", "monitoring_plan"):
        record = child_save(
            record=LifecycleRecord(
                ai_system=system, kind=kind, title=kind, summary="Text."
            ),
            actor=owner,
        )
        lifecycle_record_approve(record=record, actor=approver)
    child_save(
        record=SystemDataset(
            ai_system=system, dataset=_dataset(owner), role="training"
        ),
        actor=owner,
    )


@pytest.fixture
def validating_system(alice):
    categories = DataCategory.objects.filter(slug="personal")
    return make_system(
        alice, lifecycle_stage="validation", m2m={"data_categories": categories}
    )


def test_moving_to_deployed_lists_every_missing_condition(
    api_for, alice, validating_system
):
    response = api_for(alice).patch(
        f"/api/v1/ai-systems/{validating_system.pk}/",
        {"lifecycle_stage": "deployed"},
        format="json",
    )
    assert response.status_code == 400
    problems = " ".join(response.json()["lifecycle_stage"])
    assert "No acceptance criteria are defined" in problems
    assert (
        "No approved record of the requirements and specification (A.6.2.2)."
        in problems
    )
    assert (
        "No approved record of the verification and validation plan (A.6.2.4)."
        in problems
    )
    assert (
        "No approved record of the operation and monitoring plan (A.6.2.6)." in problems
    )
    assert "processes personal data, but none of its datasets declares" in problems
    validating_system.refresh_from_db()
    assert validating_system.lifecycle_stage == "validation"


def test_a_result_below_its_criterion_or_without_evidence_blocks(
    alice, manager, validating_system
):
    from registry.life_services import gate_problems

    _ready_for_release(validating_system, alice, manager)
    assert gate_problems(validating_system) == []
    criterion = validating_system.acceptance_criteria.get()
    criterion.measured_value = Decimal("0.85")
    criterion.evidence = None
    child_save(record=criterion, actor=alice)
    assert gate_problems(validating_system) == [
        "“Accuracy on hold-out”: measured 0.85 (accuracy), but the criterion is at least 0.9.",
        "“Accuracy on hold-out”: the result has no evidence; attach the test report.",
    ]


def test_release_passes_the_gate_and_deploys(
    api_for, alice, manager, validating_system
):
    _ready_for_release(validating_system, alice, manager)
    response = api_for(alice).post(
        "/api/v1/releases/",
        {"ai_system": validating_system.pk, "release_version": "1.0"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "released"
    validating_system.refresh_from_db()
    assert validating_system.lifecycle_stage == "deployed"
    assert ObjectChange.objects.filter(event="release.recorded").exists()


def test_blocked_release_is_a_409_and_the_committee_override_is_recorded(
    api_for, client_for, alice, committee, validating_system
):
    body = {"ai_system": validating_system.pk, "release_version": "1.0"}
    response = api_for(alice).post("/api/v1/releases/", body, format="json")
    assert response.status_code == 409
    assert any("No acceptance criteria" in p for p in response.json()["problems"])
    assert not validating_system.releases.exists()
    assert ObjectChange.objects.filter(event="aisystem.gate_blocked").count() == 1
    # The owner may not override; the committee may, with a justification.
    response = api_for(alice).post(
        "/api/v1/releases/", {**body, "override": "Urgent."}, format="json"
    )
    assert response.status_code == 403
    response = client_for(committee).post(
        reverse("registry:release_add", args=[validating_system.pk]),
        {
            "release_version": "1.0",
            "released_on": TODAY.isoformat(),
            "override_justification": "Regulator-mandated fix; tests follow.",
        },
    )
    assert response.status_code == 302
    release = validating_system.releases.get()
    assert release.status == "overridden" and release.overridden_by == committee
    event = ObjectChange.objects.get(event="release.gate_overridden")
    assert (
        "Regulator-mandated fix" in event.message
        and "No acceptance criteria" in event.message
    )


def test_the_release_page_shows_what_is_missing(client_for, alice, validating_system):
    response = client_for(alice).post(
        reverse("registry:release_add", args=[validating_system.pk]),
        {"release_version": "1.0", "released_on": TODAY.isoformat()},
    )
    assert response.status_code == 409
    assert "No acceptance criteria are defined" in response.content.decode()


def test_the_personal_data_flag(client_for, manager, alice, validating_system):
    url = reverse("registry:aisystem_list") + "?personal_data_undeclared=true"
    assert validating_system.name in client_for(manager).get(url).content.decode()
    tab = reverse("registry:aisystem_tab", args=[validating_system.pk, "data"])
    assert 'data-flag="personal-data"' in client_for(alice).get(tab).content.decode()
    child_save(
        record=SystemDataset(
            ai_system=validating_system, dataset=_dataset(alice), role="training"
        ),
        actor=alice,
    )
    assert validating_system.name not in client_for(manager).get(url).content.decode()
    assert (
        'data-flag="personal-data"' not in client_for(alice).get(tab).content.decode()
    )
    # A dataset without personal data does not clear the flag.
    other = make_system(
        alice, m2m={"data_categories": DataCategory.objects.filter(slug="personal")}
    )
    child_save(
        record=SystemDataset(
            ai_system=other,
            dataset=_dataset(alice, personal=False, name="Logs"),
            role="test",
        ),
        actor=alice,
    )
    assert other.name in client_for(manager).get(url).content.decode()


def test_provenance_for_a_dataset_one_may_not_change_is_refused(
    api_for, client_for, alice, bob
):
    dataset = _dataset(alice)
    body = {
        "dataset": dataset.pk,
        "occurred_on": TODAY.isoformat(),
        "kind": "origin",
        "description": "x",
        "performed_by": "me",
    }
    assert (
        api_for(bob)
        .post("/api/v1/dataset-provenance/", body, format="json")
        .status_code
        == 403
    )
    assert (
        client_for(bob)
        .get(reverse("registry:provenanceentry_add", args=[dataset.pk]))
        .status_code
        == 403
    )
    assert (
        api_for(alice)
        .post("/api/v1/dataset-provenance/", body, format="json")
        .status_code
        == 201
    )
    future = {**body, "occurred_on": (TODAY + datetime.timedelta(days=2)).isoformat()}
    response = api_for(alice).post("/api/v1/dataset-provenance/", future, format="json")
    assert response.status_code == 400 and "occurred_on" in response.json()


def test_a_supplier_review_in_the_future_is_refused(api_for, manager):
    supplier = Supplier.objects.create(name="Vendor")
    response = api_for(manager).post(
        "/api/v1/supplier-reviews/",
        {
            "supplier": supplier.pk,
            "reviewed_on": (TODAY + datetime.timedelta(days=1)).isoformat(),
            "result": "satisfactory",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "before it happened" in response.json()["reviewed_on"][0]


def test_supplier_reviews_are_reminded(manager, alice):
    from registry.life_services import supplier_save

    supplier = supplier_save(
        supplier=Supplier(name="Vendor", supplies=["model"], owner=alice), actor=manager
    )
    child_save(
        record=SupplierReview(
            supplier=supplier,
            reviewed_on=TODAY - datetime.timedelta(days=360),
            result="satisfactory",
            next_review=TODAY + datetime.timedelta(days=5),
        ),
        actor=manager,
    )
    supplier.refresh_from_db()
    assert supplier.next_review_date == TODAY + datetime.timedelta(days=5)
    reminders_send(today=TODAY)
    assert Notification.objects.filter(
        recipient=alice, source="registry.supplier_review"
    ).exists()


def test_owner_records_resources_on_their_system_only(
    api_for, alice, bob, alice_system, bob_system
):
    body = {
        "kind": "model",
        "name": "Ranker",
        "component_version": "1",
        "stages": ["deployed"],
    }
    assert (
        api_for(alice)
        .post(
            "/api/v1/system-resources/",
            {**body, "ai_system": alice_system.pk},
            format="json",
        )
        .status_code
        == 201
    )
    assert (
        api_for(alice)
        .post(
            "/api/v1/system-resources/",
            {**body, "ai_system": bob_system.pk},
            format="json",
        )
        .status_code
        == 403
    )
    bad = api_for(alice).post(
        "/api/v1/system-resources/",
        {**body, "ai_system": alice_system.pk, "stages": ["someday"]},
        format="json",
    )
    assert bad.status_code == 400 and "stages" in bad.json()
    # Bob does not see Alice's resources.
    assert api_for(bob).get("/api/v1/system-resources/").json()["count"] == 0


@pytest.mark.parametrize(
    "tab", ["resources", "data", "suppliers", "lifecycle", "incidents"]
)
def test_tabs_cost_the_same_queries_for_few_and_many_records(
    tab, client_for, alice, manager, alice_system
):
    client = client_for(alice)
    url = reverse("registry:aisystem_tab", args=[alice_system.pk, tab])

    def grow(n):
        for index in range(SystemResource.objects.count(), n):
            child_save(
                record=SystemResource(
                    ai_system=alice_system, kind="library", name=f"lib {index}"
                ),
                actor=alice,
            )
            child_save(
                record=SystemDataset(
                    ai_system=alice_system,
                    dataset=_dataset(alice, name=f"d{index}"),
                    role="test",
                ),
                actor=alice,
            )
            child_save(
                record=LifecycleRecord(
                    ai_system=alice_system,
                    kind="design",
                    title=f"r{index}",
                    summary="s",
                ),
                actor=alice,
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    grow(2)
    count()  # the first request of a session warms caches (content types, session)
    small = count()
    grow(8)
    assert count() == small
