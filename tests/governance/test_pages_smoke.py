"""Every page of the management system answers for the AIMS manager, with data."""

import pytest
from django.urls import reverse

from governance.models import ScopeVersion
from governance.services import scope_save

from .helpers import (
    approved_version,
    make_document,
    make_indicator,
    make_objective,
    measure,
)


@pytest.fixture
def records(manager, committee, alice_system):
    document = make_document(manager, doc_type="ai_policy", controls=["A.2.2"])
    version = approved_version(document, manager, committee)
    objective = make_objective(manager)
    indicator = make_indicator(objective, manager)
    measurement = measure(indicator, manager, 85)
    scope = scope_save(
        version=ScopeVersion(statement="All AI.", boundaries="The company."),
        actor=manager,
        m2m={"ai_systems": [alice_system]},
    )
    return {
        "document": document,
        "documentversion": version,
        "objective": objective,
        "indicator": indicator,
        "measurement": measurement,
        "scopeversion": scope,
    }


PAGES = [
    "governance:overview",
    "governance:context",
    "governance:context_edit",
    "governance:scope",
    "governance:scope_compare",
    "governance:to_acknowledge",
    "governance:measurement_import",
    "governance:competence",
]
MODELS = [
    "contextissue",
    "interestedparty",
    "partyrequirement",
    "scopeversion",
    "document",
    "documentversion",
    "objective",
    "indicator",
    "measurement",
    "plannedchange",
    "aimsrole",
    "roleassignment",
    "commitment",
    "competencerequirement",
    "trainingrecord",
    "communicationitem",
    "communicationrecord",
]


def test_every_page_answers_for_the_manager(manager, client_for, records):
    client = client_for(manager)
    for name in PAGES:
        assert client.get(reverse(name)).status_code in (200, 302), name
    for model in MODELS:
        assert client.get(reverse(f"governance:{model}_list")).status_code == 200, model
        if model not in ("documentversion",):
            assert client.get(reverse(f"governance:{model}_add")).status_code == 200, (
                model
            )
        if model in records:
            obj = records[model]
            for suffix in ("detail", "history"):
                response = client.get(
                    reverse(f"governance:{model}_{suffix}", args=[obj.pk])
                )
                assert response.status_code == 200, (model, suffix)
    document = records["document"]
    add_version = reverse("governance:documentversion_add") + f"?document={document.pk}"
    assert client.get(add_version).status_code == 200
    assert (
        client.get(
            reverse("governance:document_compare", args=[document.pk])
        ).status_code
        == 200
    )
    assert (
        client.get(
            reverse("governance:scopeversion_edit", args=[records["scopeversion"].pk])
        ).status_code
        == 200
    )
