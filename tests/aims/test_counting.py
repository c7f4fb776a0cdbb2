"""Aggregates computed once per state of the records (``aims.counting``): reused while
nothing changes, recomputed after any change-log entry or permission change, never
reused inside a transaction or for records the change log does not cover."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from aims.counting import cached_count, covered, state_token
from aims.models import Notification
from registry.models import AISystem
from risk.models import Risk
from tests.factories import make_risk, make_system

LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def own_cache(settings):
    settings.CACHES = LOCAL_CACHE


def _heat_total(api) -> int:
    response = api.get("/api/v1/risks/heatmap/")
    assert response.status_code == 200
    return response.json()["total"]


def _grouped_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "GROUP BY" in q["sql"]]


def test_a_heat_map_is_counted_once_until_a_risk_changes(
    transactional_db, own_cache, manager, api_for
):
    system = make_system(manager)
    make_risk(manager, system, inherent_likelihood=2, inherent_impact=3)
    api = api_for(manager)
    assert _heat_total(api) == 1
    with CaptureQueriesContext(connection) as again:
        assert _heat_total(api) == 1
    assert _grouped_queries(again) == []  # answered from the cache
    make_risk(manager, system, inherent_likelihood=4, inherent_impact=1)
    with CaptureQueriesContext(connection) as after_change:
        assert _heat_total(api) == 2
    assert len(_grouped_queries(after_change)) == 1


def test_a_permission_granted_without_an_entry_is_seen_at_once(
    transactional_db, own_cache, manager, alice, api_for
):
    """Object permissions are not change-log entries: granting one starts a new
    generation, so the owner's count includes the risk at once."""
    make_risk(manager, make_system(manager), inherent_likelihood=2, inherent_impact=2)
    api = api_for(alice)
    assert _heat_total(api) == 0
    assign_perm("view_risk", alice, Risk.objects.get())
    assert _heat_total(api) == 1


def test_the_register_total_follows_changes(
    transactional_db, own_cache, manager, api_for
):
    api = api_for(manager)
    make_system(manager)
    assert api.get("/api/v1/ai-systems/").json()["count"] == 1
    assert api.get("/api/v1/ai-systems/").json()["count"] == 1
    make_system(manager)
    assert api.get("/api/v1/ai-systems/").json()["count"] == 2


def test_nothing_is_reused_inside_a_transaction(transactional_db, own_cache, manager):
    make_system(manager)
    assert state_token() is not None
    with transaction.atomic():
        assert state_token() is None
        AISystem.objects.all().delete()  # not logged: only this transaction sees it
        assert cached_count(AISystem.objects.all()) == 0
        transaction.set_rollback(True)
    assert cached_count(AISystem.objects.all()) == 1


def test_records_outside_the_change_log_are_never_cached():
    assert covered(AISystem.objects.filter(owner__username="x"))
    assert covered(Risk.objects.filter(controls__control_id="A.2.2"))
    assert not covered(Notification.objects.all())


def test_file_jobs_written_by_workers_without_entries_are_never_cached():
    from audit.models import EvidencePack

    assert not covered(EvidencePack.objects.all())
