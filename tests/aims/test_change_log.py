"""The change log: one entry per change with actor, request and diff; hash-chained."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from aims.change_log import verify_chain
from aims.models import ObjectChange
from registry.models import AISystem
from tests.factories import make_system


def _entries_for(obj):
    return ObjectChange.objects.filter(
        content_type__model=obj._meta.model_name, object_id=str(obj.pk)
    ).order_by("seq")


def _edit(client, system, **changes):
    data = {
        "_version": system.version,
        "name": system.name,
        "intended_purpose": system.intended_purpose,
        "owner": system.owner_id,
        "lifecycle_stage": system.lifecycle_stage,
        "source": system.source,
        "automation_level": system.automation_level,
        "criticality": system.criticality,
        "eu_risk_tier": system.eu_risk_tier,
        "tags": ", ".join(t.name for t in system.tags.all()),
        **changes,
    }
    return client.post(reverse("registry:aisystem_edit", args=[system.pk]), data)


def test_an_edit_records_one_entry_with_actor_request_and_field_diff(
    alice, alice_system, client_for
):
    response = _edit(
        client_for(alice),
        alice_system,
        name="Renamed screener",
        criticality="high",
        tags="hr, pilot",
    )
    assert response.status_code == 302

    entry = _entries_for(alice_system).last()
    assert entry.action == ObjectChange.Action.UPDATE
    assert entry.user == alice and entry.user_name == "alice"
    assert entry.request_id == response["X-Request-ID"]
    changed = {name: (before, after) for name, before, after in entry.diff()}
    assert changed == {
        "name": ("Alice's CV screener", "Renamed screener"),
        "criticality": ("medium", "high"),
        "tags": ([], ["hr", "pilot"]),
    }
    # Field changes and many-to-many changes of one save are one entry, not three.
    assert _entries_for(alice_system).filter(request_id=entry.request_id).count() == 1


def test_the_history_tab_shows_who_changed_what_from_what_to_what(
    alice, alice_system, client_for
):
    client = client_for(alice)
    _edit(client, alice_system, criticality="critical")

    page = client.get(
        reverse("registry:aisystem_history", args=[alice_system.pk])
    ).content.decode()

    assert "Criticality" in page
    assert "Medium" in page and "Critical" in page  # labels, not stored values
    assert "alice" in page
    assert "Created" in page


def test_creating_and_deleting_are_recorded_with_the_last_state(manager, client_for):
    system = make_system(manager, name="Short-lived")
    client_for(manager).post(reverse("registry:aisystem_delete", args=[system.pk]))

    actions = list(_entries_for(system).values_list("action", flat=True))
    assert actions == ["create", "delete"]
    deleted = _entries_for(system).last()
    assert deleted.prechange_data["name"] == "Short-lived"
    assert deleted.user == manager
    assert not AISystem.objects.filter(pk=system.pk).exists()


def test_an_unchanged_save_records_nothing(alice, alice_system, client_for):
    before = ObjectChange.objects.count()
    _edit(client_for(alice), alice_system)
    assert ObjectChange.objects.count() == before


def test_changes_made_by_a_task_are_attributed_to_the_system_actor(alice_system):
    from aims.context import acting_as_system

    with acting_as_system("nightly_review"):
        alice_system.description = "Touched by a job"
        alice_system.save()

    entry = _entries_for(alice_system).last()
    assert entry.user is None and entry.user_name == "system:nightly_review"
    assert entry.request_id


def test_the_chain_verifies_and_each_entry_links_to_the_previous(
    alice_system, bob_system
):
    entries = list(ObjectChange.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.hash
    report = verify_chain()
    assert report.ok and report.checked == len(entries)
    call_command("verify_change_log")


def _tamper(sql, params):
    """Change the table behind the portal's back, as a DBA with the trigger disabled would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Replica mode switches ordinary triggers off for this transaction only;
            # ALTER TABLE ... DISABLE TRIGGER is refused while Django's deferred
            # foreign-key checks are pending in the test transaction.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_verify_reports_the_first_entry_altered_in_the_database(
    alice_system, bob_system
):
    victim = _entries_for(alice_system).first()
    _tamper(
        "UPDATE aims_objectchange SET user_name = %s WHERE seq = %s",
        ["mallory", victim.seq],
    )

    report = verify_chain()
    assert not report.ok and report.broken_seq == victim.seq
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("verify_change_log")


def test_verify_reports_an_entry_removed_from_the_middle(alice_system, bob_system):
    victim = _entries_for(alice_system).first()
    _tamper("DELETE FROM aims_objectchange WHERE seq = %s", [victim.seq])

    report = verify_chain()
    assert report.broken_seq == victim.seq
    assert "missing" in report.reason


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE aims_objectchange SET message = 'edited' WHERE seq = 1",
        "DELETE FROM aims_objectchange WHERE seq = 1",
    ],
)
def test_postgresql_refuses_updates_and_deletes_of_the_change_log(alice_system, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert ObjectChange.objects.filter(seq=1, message="").exists()


def test_the_admin_offers_no_way_to_edit_or_delete_entries(
    admin_user, alice_system, client_for
):
    client = client_for(admin_user)
    entry = ObjectChange.objects.first()
    assert client.get(reverse("admin:aims_objectchange_changelist")).status_code == 200
    change = client.post(
        reverse("admin:aims_objectchange_change", args=[entry.pk]), {"message": "x"}
    )
    assert change.status_code == 403
    delete = client.post(
        reverse("admin:aims_objectchange_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    entry.refresh_from_db()
    assert entry.message == ""


def test_the_api_change_log_is_read_only_and_filterable(
    auditor, alice_system, bob_system, api_for
):
    api = api_for(auditor)
    everything = api.get("/api/v1/change-log/").json()
    assert "count" not in everything  # keyset pages (aims.keyset)
    assert (
        everything["results"][0]["seq"] == ObjectChange.objects.order_by("-seq")[0].seq
    )

    only_alice = api.get(
        "/api/v1/change-log/",
        {"content_type": "registry.aisystem", "object_id": alice_system.pk},
    ).json()
    assert {row["object_repr"] for row in only_alice["results"]} == {str(alice_system)}

    seq = everything["results"][0]["seq"]
    assert api.delete(f"/api/v1/change-log/{seq}/").status_code == 405
    assert api.patch(f"/api/v1/change-log/{seq}/", {"message": "x"}).status_code == 405


def test_the_global_change_log_page_is_for_auditors_not_viewers(
    auditor, viewer, alice_system, client_for
):
    assert client_for(auditor).get(reverse("changelog")).status_code == 200
    assert client_for(viewer).get(reverse("changelog")).status_code == 403
    # The API list answers the same refusal, not an empty list.
    assert client_for(viewer).get("/api/v1/change-log/").status_code == 403


def test_the_change_log_page_filters_by_user_and_period(
    auditor, alice, alice_system, bob_system, client_for
):
    page = (
        client_for(auditor)
        .get(reverse("changelog"), {"user": alice.pk})
        .content.decode()
    )
    assert "Alice&#x27;s CV screener" in page
    assert "Bob&#x27;s fraud model" not in page
    future = client_for(auditor).get(
        reverse("changelog"), {"since": "2999-01-01T00:00:00Z"}
    )
    assert "No changes recorded." in future.content.decode()


def test_an_event_about_a_change_of_the_same_operation_is_one_entry(
    alice, alice_system
):
    from aims.context import attributed_to
    from aims.history import change_scope, record_event
    from registry.services import ai_system_save

    before = _entries_for(alice_system).count()
    with attributed_to(alice), change_scope():
        alice_system.criticality = "high"
        ai_system_save(system=alice_system, actor=alice)
        record_event(
            alice_system,
            "aisystem.reviewed",
            "Reviewed with the works council.",
            {"criticality": "ignored: the field's own value wins", "note": "council"},
        )
        # A second event of the same operation is an entry of its own.
        record_event(alice_system, "aisystem.gate_blocked", "Blocked.", {})

    entries = list(_entries_for(alice_system)[before:])
    assert [(e.action, e.event) for e in entries] == [
        ("event", "aisystem.gate_blocked"),
        ("update", "aisystem.reviewed"),
    ]
    merged = entries[1]
    assert merged.message == "Reviewed with the works council."
    assert dict((k, (b, a)) for k, b, a in merged.diff()) == {
        "criticality": ("medium", "high"),
        "note": (None, "council"),
    }
    assert verify_chain().ok


def test_an_event_that_changes_no_field_is_an_entry_of_its_own(alice, alice_system):
    from aims.context import attributed_to
    from aims.history import change_scope, record_event
    from registry.services import ai_system_save

    before = _entries_for(alice_system).count()
    with attributed_to(alice), change_scope():
        ai_system_save(system=alice_system, actor=alice)  # nothing changed
        record_event(alice_system, "aisystem.reviewed", "Looked at it.", {"note": "ok"})

    (entry,) = _entries_for(alice_system)[before:]
    assert (entry.action, entry.event, entry.postchange_data) == (
        "event",
        "aisystem.reviewed",
        {"note": "ok"},
    )
