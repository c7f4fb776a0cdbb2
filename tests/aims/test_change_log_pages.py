"""The change log for auditors: entries link to their records, read as labels, filter by
day and export with the hashes an auditor recomputes offline."""

import csv
import hashlib
import io
import json

from django.utils.html import escape

from tests.factories import make_system
from tests.http import body


def test_each_entry_links_to_its_record_and_its_history(
    alice_system, auditor, client_for
):
    page = client_for(auditor).get("/changelog/").content.decode()
    url = alice_system.get_absolute_url()
    assert f'href="{url}">{escape(alice_system)}</a>' in page
    assert f'href="{url}history/">History</a>' in page
    # Human labels: the record type and the action, not "registry | ai system".
    assert "AI system: " in page and "registry | ai system" not in page
    assert "Created" in page


def test_an_entry_of_a_deleted_record_names_it_without_a_link(
    manager, auditor, client_for
):
    system = make_system(manager, name="Retired pilot")
    client_for(manager).post(f"/register/{system.pk}/delete/")
    page = client_for(auditor).get("/changelog/?q=Retired").content.decode()
    assert "Retired pilot" in page
    assert ">Retired pilot</a>" not in page


def test_the_period_filter_takes_the_date_pickers_days(
    alice_system, auditor, client_for
):
    client = client_for(auditor)
    page = client.get("/changelog/").content.decode()
    assert 'type="date" name="since"' in page
    today = alice_system.created.date().isoformat()
    found = client.get(f"/changelog/?since={today}").content.decode()
    assert escape(alice_system.name) in found
    later = client.get("/changelog/?since=2999-01-01").content.decode()
    assert "0 entries" in later


def test_the_export_carries_hashes_an_auditor_recomputes_offline(
    alice_system, bob_system, auditor, client_for
):
    """Each row's payload hashes to its hash and names the previous row's hash: the
    chain checks with hashlib alone, as the README describes."""
    response = client_for(auditor).get("/changelog/?export=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(body(response).decode().lstrip("\ufeff"))))
    assert len(rows) >= 2
    assert [int(r["Entry"]) for r in rows] == sorted(int(r["Entry"]) for r in rows)
    previous = None
    for row in rows:
        payload = row["Hashed payload"]
        assert hashlib.sha256(payload.encode()).hexdigest() == row["Hash"]
        fields = json.loads(payload)
        assert fields["seq"] == int(row["Entry"])
        assert fields["object_repr"] == row["Record"]
        if previous is not None:
            assert fields["prev_hash"] == previous
        previous = row["Hash"]
    assert {"AI system"} <= {row["Record type"] for row in rows}
    xlsx = client_for(auditor).get("/changelog/?export=xlsx")
    assert xlsx.status_code == 200


def test_the_export_is_refused_to_who_may_not_read_the_change_log(
    alice_system, alice, client_for
):
    assert client_for(alice).get("/changelog/?export=csv").status_code == 403


def test_recent_changes_on_the_home_page_link_to_their_records(
    alice_system, manager, client_for
):
    page = client_for(manager).get("/").content.decode()
    url = alice_system.get_absolute_url()
    assert f'href="{url}">{escape(alice_system)}</a>' in page
