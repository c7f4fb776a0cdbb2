"""Model-level permissions read once per permission generation
(``aims.auth_backends``): reused by later requests, and withdrawn at once when a role
is taken away, loses a permission or is deleted."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from aims import roles
from aims.models import User

LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ADD_SYSTEM = "registry.add_aisystem"


@pytest.fixture
def own_cache(settings):
    settings.CACHES = LOCAL_CACHE


def _as_next_request(user) -> User:
    """The user as a new request loads it, without the per-object permission cache."""
    return User.objects.get(pk=user.pk)


def _permission_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "auth_permission" in q["sql"]]


def test_a_later_request_reads_no_permissions(transactional_db, own_cache, manager):
    assert _as_next_request(manager).has_perm(ADD_SYSTEM)
    with CaptureQueriesContext(connection) as later:
        assert _as_next_request(manager).has_perm(ADD_SYSTEM)
    assert _permission_queries(later) == []


def test_a_withdrawn_role_is_refused_at_once(
    transactional_db, own_cache, manager, api_for
):
    body = {"name": "Triage assistant", "intended_purpose": "Sort referrals"}
    added = api_for(manager).post("/api/v1/ai-systems/", body, format="json")
    assert added.status_code == 201, added.json()
    manager.groups.remove(Group.objects.get(name=roles.AIMS_MANAGER))
    assert not _as_next_request(manager).has_perm(ADD_SYSTEM)
    refused = api_for(_as_next_request(manager)).post(
        "/api/v1/ai-systems/", body, format="json"
    )
    assert refused.status_code == 403


def test_a_permission_added_to_a_role_is_granted_at_once(
    transactional_db, own_cache, viewer
):
    assert not _as_next_request(viewer).has_perm(ADD_SYSTEM)
    viewers = Group.objects.get(name=roles.VIEWER)
    viewers.permissions.add(Permission.objects.get(codename="add_aisystem"))
    assert _as_next_request(viewer).has_perm(ADD_SYSTEM)


def test_a_deleted_role_takes_its_permissions_with_it(
    transactional_db, own_cache, outsider
):
    reviewers = Group.objects.create(name="Ad hoc reviewers")
    reviewers.permissions.add(Permission.objects.get(codename="add_aisystem"))
    outsider.groups.add(reviewers)
    assert _as_next_request(outsider).has_perm(ADD_SYSTEM)
    reviewers.delete()  # no m2m signal: the memberships go by cascade
    assert not _as_next_request(outsider).has_perm(ADD_SYSTEM)


def test_a_deactivated_user_may_do_nothing(transactional_db, own_cache, manager):
    assert _as_next_request(manager).has_perm(ADD_SYSTEM)
    User.objects.filter(pk=manager.pk).update(is_active=False)  # even without a save
    assert not _as_next_request(manager).has_perm(ADD_SYSTEM)


def test_inside_a_transaction_permissions_are_read_from_the_database(
    transactional_db, own_cache, manager
):
    assert _as_next_request(manager).has_perm(ADD_SYSTEM)
    with transaction.atomic():
        manager.groups.clear()  # not committed: the generation has not moved yet
        assert not _as_next_request(manager).has_perm(ADD_SYSTEM)
        transaction.set_rollback(True)
    assert _as_next_request(manager).has_perm(ADD_SYSTEM)
