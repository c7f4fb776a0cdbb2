"""Every way of tampering with the change log is detected once a signed checkpoint exists.

Each test changes the table behind the portal's back, as someone holding the database
owner's role could (triggers switched off), and asserts that ``manage.py
verify_change_log`` and the scheduled check report it. The last three kinds (newest
entries deleted, table emptied, tail rewritten with a recomputed chain) passed the
chain-only check: the checkpoint, signed with the key outside the database, catches them.
"""

import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from aims import roles
from aims.checkpoints import checkpoint_file, verify_change_log
from aims.models import ChangeLogCheckpoint, ObjectChange
from aims.tasks import change_log_verify
from tests.factories import make_system, make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="triggers exist on PostgreSQL only"
)


def _as_owner(sql, params=()):
    """Run SQL with triggers off for this transaction, as a table owner could."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def _rehash_from(seq):
    """Recompute hash and link of every entry from ``seq`` on: a forged, valid chain."""
    previous = ObjectChange.objects.filter(seq=seq - 1).first()
    prev_hash = previous.hash if previous else "0" * 64
    for entry in ObjectChange.objects.filter(seq__gte=seq).order_by("seq"):
        entry.prev_hash = prev_hash
        entry.hash = entry.compute_hash()
        _as_owner(
            "UPDATE aims_objectchange SET prev_hash = %s, hash = %s WHERE id = %s",
            [entry.prev_hash, entry.hash, entry.pk],
        )
        prev_hash = entry.hash


@pytest.fixture
def checkpointed(manager):
    """Twelve entries or so, then the scheduled check: intact, checkpoint signed."""
    for number in range(4):
        make_system(manager, name=f"System {number}")
    result = change_log_verify.delay().get()
    assert result["ok"] and result["checkpoint_seq"] == ObjectChange.objects.count()
    return result["checkpoint_seq"]


def _problems():
    report = verify_change_log()
    assert not report.ok
    with pytest.raises(CommandError) as failure:
        call_command("verify_change_log")
    return report, str(failure.value)


def test_an_intact_log_matches_its_checkpoint_and_new_entries_after_it(
    checkpointed, manager
):
    make_system(manager, name="Written after the checkpoint")
    report = verify_change_log()
    assert report.ok, report.summary()
    assert report.latest_checkpoint.seq == checkpointed
    assert report.entries > checkpointed
    call_command("verify_change_log")


def test_edit(checkpointed):
    _as_owner("UPDATE aims_objectchange SET user_name = 'mallory' WHERE seq = 3")
    report, output = _problems()
    assert report.broken_seq == 3 and "content does not match" in output


def test_delete_in_the_middle(checkpointed):
    _as_owner("DELETE FROM aims_objectchange WHERE seq = 3")
    report, output = _problems()
    assert report.broken_seq == 3 and "missing" in output


def test_reorder(checkpointed):
    _as_owner("UPDATE aims_objectchange SET seq = 1000000 WHERE seq = 2")
    _as_owner("UPDATE aims_objectchange SET seq = 2 WHERE seq = 3")
    _as_owner("UPDATE aims_objectchange SET seq = 3 WHERE seq = 1000000")
    report, output = _problems()
    assert report.broken_seq == 2 and "#2" in output


def test_insert_in_the_middle(checkpointed):
    _as_owner("UPDATE aims_objectchange SET seq = seq + 1000000 WHERE seq >= 3")
    _as_owner("UPDATE aims_objectchange SET seq = seq - 999999 WHERE seq >= 1000000")
    forged = ObjectChange.objects.get(seq=2)
    forged.pk, forged.seq, forged.message = None, 3, "forged approval"
    forged.prev_hash = ObjectChange.objects.get(seq=2).hash
    forged.hash = forged.compute_hash()
    forged.save()
    report, output = _problems()
    # The forged entry links correctly; the one after it no longer does.
    assert report.broken_seq == 4 and "does not link" in output


@pytest.mark.parametrize("deleted", [1, 5])
def test_delete_the_newest_entries(checkpointed, deleted):
    _as_owner("DELETE FROM aims_objectchange WHERE seq > %s", [checkpointed - deleted])
    report, output = _problems()
    assert report.chain_ok  # the chain alone verified: this was the hole
    assert f"ends at entry #{checkpointed - deleted}" in output
    assert f"{deleted} newest entries were deleted" in output


def test_truncate_is_refused(checkpointed):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with (
        pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE aims_objectchange")
    assert ObjectChange.objects.count() == checkpointed


def test_truncate_with_the_trigger_switched_off_is_detected(checkpointed):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    _as_owner("TRUNCATE aims_objectchange")
    assert ObjectChange.objects.count() == 0
    report, output = _problems()
    assert report.chain_ok and report.entries == 0
    assert "the table was emptied" in output


def test_rewrite_the_tail_with_a_recomputed_chain(checkpointed):
    last = ObjectChange.objects.get(seq=checkpointed - 1)
    _as_owner(
        "UPDATE aims_objectchange SET object_repr = 'Harmless system' WHERE id = %s",
        [last.pk],
    )
    _rehash_from(checkpointed - 1)
    report, output = _problems()
    assert report.chain_ok  # a recomputed chain verifies on its own
    assert f"Entry #{checkpointed} differs from the checkpoint" in output


def test_checkpoint_rows_deleted_from_the_database_are_missed_by_the_file(
    checkpointed,
):
    _as_owner("DELETE FROM aims_changelogcheckpoint")
    _as_owner("DELETE FROM aims_objectchange WHERE seq = %s", [checkpointed])
    report, output = _problems()
    assert "no longer in the database" in output
    assert "1 newest entries were deleted" in output


def test_a_checkpoint_rewritten_to_match_a_forged_chain_fails_its_signature(
    checkpointed,
):
    last = ObjectChange.objects.get(seq=checkpointed)
    _as_owner(
        "UPDATE aims_objectchange SET message = 'forged' WHERE id = %s", [last.pk]
    )
    _rehash_from(checkpointed)
    forged_head = ObjectChange.objects.get(seq=checkpointed).hash
    _as_owner("UPDATE aims_changelogcheckpoint SET head_hash = %s", [forged_head])
    lines = checkpoint_file().read_text().splitlines()
    data = json.loads(lines[-1]) | {"head_hash": forged_head}
    checkpoint_file().write_text(json.dumps(data) + "\n")

    report, output = _problems()
    assert "does not carry this portal's signature" in output


def test_the_checkpoint_is_signed_kept_apart_and_mailed_to_the_committee(
    checkpointed, settings
):
    row = ChangeLogCheckpoint.objects.get()
    stored = json.loads(checkpoint_file().read_text())
    assert stored["seq"] == row.seq == checkpointed
    assert (
        stored["head_hash"]
        == row.head_hash
        == ObjectChange.objects.get(seq=checkpointed).hash
    )
    assert stored["signature"] == row.signature


def test_the_committee_receives_the_checkpoint_and_the_alert(manager):
    committee_member = make_user(
        "gwen", roles.GOVERNANCE_COMMITTEE, email="gwen@example.org"
    )
    make_system(manager)
    result = change_log_verify.delay().get()
    assert result["emailed"] == 1
    message = mail.outbox[-1]
    assert message.to == [committee_member.email]
    assert f"#{result['checkpoint_seq']}" in message.subject
    row = ChangeLogCheckpoint.objects.get()
    assert row.head_hash in message.body and row.signature in message.body

    _as_owner("DELETE FROM aims_objectchange WHERE seq = %s", [row.seq])
    result = change_log_verify.delay().get()
    assert not result["ok"] and result["alerted"] == 1
    assert "newest entries were deleted" in mail.outbox[-1].body
    # No checkpoint signs a broken log.
    assert ChangeLogCheckpoint.objects.count() == 1


# The daily check is incremental: it recomputes only what came after the newest
# checkpoint, and still finds what a rewrite through a checkpoint or a deletion leaves.


def test_the_incremental_check_reads_only_entries_after_the_checkpoint(
    checkpointed, manager
):
    from django.test.utils import CaptureQueriesContext

    make_system(manager, name="Written after the checkpoint")
    newest = ObjectChange.objects.order_by("-seq")[0].seq
    with CaptureQueriesContext(connection) as queries:
        report = verify_change_log(incremental=True)
    assert report.ok, report.summary()
    assert report.entries == newest
    assert report.started_after.seq == checkpointed
    walks = [q["sql"] for q in queries if 'FROM "aims_objectchange"' in q["sql"]]
    assert any(f'"seq" > {checkpointed}' in sql for sql in walks)
    assert f"entries #{checkpointed + 1} to #{newest} recomputed" in report.summary()
    call_command("verify_change_log", "--since-checkpoint")
    assert change_log_verify.delay(full=False).get()["ok"]


def test_the_incremental_check_finds_an_edit_after_the_checkpoint(
    checkpointed, manager
):
    make_system(manager, name="Written after the checkpoint")
    _as_owner(
        "UPDATE aims_objectchange SET message = 'forged' WHERE seq = %s",
        [checkpointed + 1],
    )
    report = verify_change_log(incremental=True)
    assert report.broken_seq == checkpointed + 1


def test_the_incremental_check_finds_a_chain_recomputed_through_a_checkpoint(
    checkpointed, manager
):
    make_system(manager, name="Written after the first checkpoint")
    assert change_log_verify.delay().get()["ok"]  # a second, newer checkpoint
    _as_owner("UPDATE aims_objectchange SET message = 'forged' WHERE seq = %s", [2])
    _rehash_from(2)
    report = verify_change_log(incremental=True)
    assert not report.ok
    assert f"Entry #{checkpointed} differs" in report.summary()


def test_an_old_entry_altered_without_rehashing_needs_the_full_check(
    checkpointed, manager
):
    """What the incremental check cannot see, and why the full one runs weekly."""
    make_system(manager, name="Written after the checkpoint")
    _as_owner("UPDATE aims_objectchange SET message = 'forged' WHERE seq = %s", [2])
    assert verify_change_log(incremental=True).ok
    assert verify_change_log().broken_seq == 2


def test_the_incremental_check_finds_the_newest_entries_deleted(checkpointed):
    _as_owner("DELETE FROM aims_objectchange WHERE seq > %s", [checkpointed - 2])
    report = verify_change_log(incremental=True)
    assert not report.ok
    assert "newest entries were deleted" in report.summary()


def test_the_weekly_full_check_is_scheduled_next_to_the_daily_one(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["change-log-verify"]["kwargs"] == {"full": False}
    assert schedule["change-log-verify-full"]["kwargs"] == {"full": True}
