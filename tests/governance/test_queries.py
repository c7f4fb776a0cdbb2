"""The management system's lists run the same number of queries for 3 records as for 30."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import ContextIssue
from governance.services import record_save

from .helpers import (
    approved_version,
    make_document,
    make_indicator,
    make_objective,
    measure,
)


def _fill(manager, committee, count):
    for index in range(count):
        document = make_document(manager, title=f"Doc {index}")
        approved_version(document, manager, committee)
        objective = make_objective(manager, title=f"Objective {index}")
        indicator = make_indicator(objective, manager)
        measure(
            indicator,
            manager,
            80 + index % 10,
            datetime.date.today() - datetime.timedelta(days=index),
        )
        record_save(
            instance=ContextIssue(
                title=f"Issue {index}",
                kind="external",
                category="legal",
                effect="x",
                owner=manager,
            ),
            actor=manager,
        )


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


URLS = [
    "governance:document_list",
    "governance:documentversion_list",
    "governance:objective_list",
    "governance:indicator_list",
    "governance:measurement_list",
    "governance:contextissue_list",
    "governance:overview",
    "governance:context",
]
API = [
    "documents",
    "document-versions",
    "objectives",
    "indicators",
    "measurements",
    "context-issues",
]


@pytest.mark.parametrize("name", URLS)
def test_list_pages_are_constant_in_queries(name, manager, committee, client_for):
    client = client_for(manager)
    url = reverse(name)
    _fill(manager, committee, 3)
    small = _count(client, url)
    _fill(manager, committee, 27)
    assert _count(client, url) <= small


@pytest.mark.parametrize("prefix", API)
def test_api_lists_are_constant_in_queries(prefix, manager, committee, api_for):
    api = api_for(manager)
    _fill(manager, committee, 3)
    small = _count(api, f"/api/v1/{prefix}/")
    _fill(manager, committee, 27)
    assert _count(api, f"/api/v1/{prefix}/") <= small


def test_the_objective_page_is_constant_in_queries(
    manager, committee, client_for, django_assert_max_num_queries
):
    objective = make_objective(manager)
    indicators = [make_indicator(objective, manager) for _ in range(2)]
    for indicator in indicators:
        for day in range(3):
            measure(
                indicator,
                manager,
                85,
                datetime.date.today() - datetime.timedelta(days=day),
            )
    client = client_for(manager)
    url = reverse("governance:objective_detail", args=[objective.pk])
    small = _count(client, url)
    for _ in range(4):
        indicator = make_indicator(objective, manager)
        for day in range(12):
            measure(
                indicator,
                manager,
                85,
                datetime.date.today() - datetime.timedelta(days=day),
            )
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200
