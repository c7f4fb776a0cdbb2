"""The documented-information map: every item of the reference file is held by some
app's records, and a controlled document can be the record of a procedure item."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aims import roles
from aims.documented_information import (
    ItemState,
    item_statuses,
    reference_items,
    registered_sources,
)
from governance.services import document_save
from tests.factories import make_user
from tests.governance.helpers import approved_version, make_document, make_version

pytestmark = pytest.mark.django_db


def test_every_one_of_the_54_reference_items_is_mapped_by_some_app():
    items = [item["id"] for item in reference_items()]
    assert len(items) == 54
    unmapped = [item for item in items if not registered_sources().get(item)]
    assert unmapped == [], f"no app holds {unmapped}"


def _state(item_id: str, as_of=None) -> ItemState:
    report = next(r for r in item_statuses(as_of) if r.item["id"] == item_id)
    return report.state


def test_a_procedure_document_holds_the_risk_treatment_process(manager):
    assert _state("DI-05") == ItemState.MISSING
    document = make_document(
        manager,
        doc_type="procedure",
        title="AI risk treatment procedure",
        documented_information=["DI-05"],
        review_interval_months=3,
    )
    make_version(document, manager)
    assert _state("DI-05") == ItemState.UNAPPROVED

    approved_version(document, manager, make_user("mo", roles.AIMS_MANAGER))
    assert _state("DI-05") == ItemState.OK
    # Approval sets the next review three months on; past it the item is out of date.
    later = timezone.localdate() + datetime.timedelta(days=100)
    assert _state("DI-05", later) == ItemState.STALE


def test_the_ai_policy_holds_the_a22_item_as_well(committee, manager):
    policy = make_document(manager, doc_type="ai_policy", title="AI policy")
    approved_version(policy, manager, committee)
    assert _state("DI-02") == ItemState.OK
    assert _state("DI-A01") == ItemState.OK


def test_a_document_names_its_items_on_the_page_and_refuses_unknown_ones(
    manager, client_for, api_for
):
    page = client_for(manager).post(
        reverse("governance:document_add"),
        {
            "title": "Responsible use procedure",
            "doc_type": "procedure",
            "owner": manager.pk,
            "classification": "internal",
            "retention": "3 years",
            "review_interval_months": 12,
            "documented_information": ["DI-A26", "DI-A28"],
        },
    )
    assert page.status_code == 302, page.context["form"].errors
    detail = client_for(manager).get(page.url).content.decode()
    assert "DI-A26 Processes for responsible use of AI systems (A.9.2)" in detail

    refused = api_for(manager).post(
        "/api/v1/documents/",
        {
            "title": "Audit results",
            "doc_type": "procedure",
            "owner": manager.pk,
            "documented_information": ["DI-20"],
        },
        format="json",
    )
    assert refused.status_code == 400
    assert "documented_information" in refused.json()


def test_the_service_keeps_one_order_and_refuses_what_no_document_holds(manager):
    document = make_document(
        manager, doc_type="procedure", documented_information=["DI-A28", "DI-05"]
    )
    assert document.documented_information == ["DI-05", "DI-A28"]
    document.documented_information = ["DI-21"]
    with pytest.raises(Exception) as caught:
        document_save(document=document, actor=manager)
    assert "documented_information" in caught.value.error_dict
