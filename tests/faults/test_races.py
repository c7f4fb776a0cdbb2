"""Values created on the fly survive concurrent creation (committed transactions, one
database connection per thread, released together by a barrier)."""

import threading

import pytest
from django.db import connection, connections, transaction

from aims import roles
from aims.models import ObjectChange, Tag
from aims.notifications import notification_preference_save
from registry.models import AISystem
from registry.services import tags_from_names
from tests.factories import make_system, make_user

THREADS = 12


def _race(work):
    barrier = threading.Barrier(THREADS)
    errors = []

    def run(index):
        try:
            barrier.wait(timeout=30)
            work(index)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.fixture
def owner(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (concurrent transactions)")
    return make_user("alice", roles.AI_SYSTEM_OWNER)


def test_parallel_creates_naming_the_same_new_tag_all_succeed(owner):
    def create(index):
        with transaction.atomic():
            tags = tags_from_names(["Brand New", f"own-{index}"])
            make_system(owner, name=f"Racing system {index}", m2m={"tags": tags})

    errors = _race(create)

    assert errors == []
    tag = Tag.objects.get(slug="brand-new")
    assert AISystem.objects.filter(tags=tag).count() == THREADS
    # One creation entry for the tag, none for the losers' attempts.
    assert (
        ObjectChange.objects.filter(
            content_type__model="tag", action="create", object_id=str(tag.pk)
        ).count()
        == 1
    )
    assert Tag.objects.count() == THREADS + 1


def test_parallel_first_saves_of_someones_preferences_all_succeed(owner):
    def save(index):
        notification_preference_save(
            user=owner,
            actor=owner,
            digest_frequency="weekly" if index % 2 else "daily",
            escalation_contact=None,
        )

    assert _race(save) == []
    from aims.models import NotificationPreference

    assert NotificationPreference.objects.filter(user=owner).count() == 1
