"""Supplier and dataset pages and API lists cost no more queries for many records than
for few, for an AIMS manager and for an AI system owner."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registry.life_services import child_save, dataset_save, supplier_save
from registry.models import (
    DataCategory,
    Dataset,
    ProvenanceEntry,
    Supplier,
    SupplierReview,
    SystemDataset,
)

pytestmark = pytest.mark.django_db
SMALL, LARGE = 3, 12


@pytest.fixture(autouse=True)
def _no_idle_stamp(settings):
    # The idle-timeout stamp rewrites the session at most once a minute; growing the
    # data takes longer than that, which would add a write unrelated to the page.
    settings.AIMS_SESSION_IDLE_MINUTES = 0
TODAY = timezone.localdate()


def _grow(total, manager, system):
    categories = list(DataCategory.objects.all()[:2])
    for index in range(Supplier.objects.count(), total):
        supplier = supplier_save(
            supplier=Supplier(name=f"Vendor {index:02d}", supplies=["model", "data"]),
            actor=manager,
        )
        child_save(
            record=SupplierReview(
                supplier=supplier,
                reviewed_on=TODAY - datetime.timedelta(days=index + 1),
                result="satisfactory",
                next_review=TODAY + datetime.timedelta(days=300),
            ),
            actor=manager,
        )
        dataset = dataset_save(
            dataset=Dataset(
                name=f"Dataset {index:02d}",
                owner=manager,
                source="supplier",
                supplier=supplier,
            ),
            actor=manager,
            m2m={"categories": categories},
        )
        child_save(
            record=ProvenanceEntry(
                dataset=dataset,
                occurred_on=TODAY,
                kind="origin",
                description="Exported.",
                performed_by="Data team",
            ),
            actor=manager,
        )
        child_save(
            record=SystemDataset(ai_system=system, dataset=dataset, role="training"),
            actor=manager,
        )


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in queries.captured_queries]


PAGES = {
    "supplier list": lambda: reverse("registry:supplier_list"),
    "supplier detail": lambda: Supplier.objects.first().get_absolute_url(),
    "dataset list": lambda: reverse("registry:dataset_list"),
    "dataset detail": lambda: Dataset.objects.first().get_absolute_url(),
    "supplier API": lambda: "/api/v1/suppliers/",
    "supplier review API": lambda: "/api/v1/supplier-reviews/",
    "dataset API": lambda: "/api/v1/datasets/",
    "provenance API": lambda: "/api/v1/dataset-provenance/",
}


@pytest.mark.parametrize("persona", ["manager", "alice"])
@pytest.mark.parametrize("page", list(PAGES))
def test_supplier_and_dataset_pages_do_not_grow(
    request,
    persona,
    page,
    client_for,
    api_for,
    manager,
    alice_system,
    django_assert_max_num_queries,
):
    user = request.getfixturevalue(persona)
    client = api_for(user) if "API" in page else client_for(user)
    _grow(SMALL, manager, alice_system)
    small_sql = _queries(client, PAGES[page]())
    _grow(LARGE, manager, alice_system)
    url = PAGES[page]()
    large_sql = _queries(client, url)
    extra = [sql for sql in large_sql if sql not in small_sql]
    assert len(large_sql) <= len(small_sql), "\n".join(extra)
    with django_assert_max_num_queries(len(small_sql)):
        client.get(url)
