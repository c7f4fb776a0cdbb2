"""Lists stay O(1) in queries: the same number for 5 systems as for 50."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aims.models import Tag
from registry.models import AIRole, DataCategory
from tests.factories import make_system
from tests.http import body

PAGE_SIZE = 25


def _fill(owner, count):
    tags = [
        Tag.objects.get_or_create(name=f"tag{i}", slug=f"tag{i}")[0] for i in range(3)
    ]
    roles = list(AIRole.objects.all()[:2])
    categories = list(DataCategory.objects.all()[:2])
    for index in range(count):
        make_system(
            owner,
            name=f"System {index:03d}",
            m2m={"tags": tags, "ai_roles": roles, "data_categories": categories},
        )


def _read(response):
    body(response)
    return response


def _count(callable_):
    with CaptureQueriesContext(connection) as queries:
        response = callable_()
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role_user", ["manager", "alice"])
def test_the_register_list_page_runs_the_same_queries_for_5_and_50_systems(
    role_user, request, client_for, django_assert_max_num_queries
):
    user = request.getfixturevalue(role_user)
    client = client_for(user)
    url = reverse("registry:aisystem_list")
    _fill(user, 5)
    small = _count(lambda: client.get(url))
    _fill(user, 45)
    with django_assert_max_num_queries(small):
        client.get(url)
    with django_assert_max_num_queries(small):
        client.get(url, {"q": "System", "sort": "-owner", "page": 2})


@pytest.mark.parametrize("role_user", ["manager", "alice"])
def test_the_api_list_runs_the_same_queries_for_5_and_50_systems(
    role_user, request, api_for, django_assert_max_num_queries
):
    user = request.getfixturevalue(role_user)
    api = api_for(user)
    _fill(user, 5)
    small = _count(lambda: api.get("/api/v1/ai-systems/", {"page_size": 100}))
    _fill(user, 45)
    with django_assert_max_num_queries(small):
        response = api.get("/api/v1/ai-systems/", {"page_size": 100})
    assert response.json()["count"] == 50


def test_the_home_page_and_exports_do_not_grow_with_the_register(
    manager, client_for, django_assert_max_num_queries
):
    client = client_for(manager)
    _fill(manager, 5)
    cache.delete("aims:readiness-card")  # cold in both measurements
    home = _count(lambda: client.get(reverse("home")))
    export = _count(
        lambda: _read(client.get(reverse("registry:aisystem_list"), {"export": "csv"}))
    )
    _fill(manager, 45)
    cache.delete("aims:readiness-card")
    with django_assert_max_num_queries(home):
        client.get(reverse("home"))
    with django_assert_max_num_queries(export):
        _read(client.get(reverse("registry:aisystem_list"), {"export": "csv"}))


def test_query_counts_are_reported(manager, client_for, api_for, capsys):
    """Prints the figures quoted in the README (run with -s to see them)."""
    _fill(manager, 50)
    client, api_client = client_for(manager), api_for(manager)
    page = _count(lambda: client.get(reverse("registry:aisystem_list")))
    api = _count(lambda: api_client.get("/api/v1/ai-systems/"))
    with capsys.disabled():
        print(f"\nqueries: register page {page}, API list {api} (50 systems)")
    assert page <= 12 and api <= 12
