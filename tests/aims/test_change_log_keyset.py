"""The change log pages by sequence number (keyset), in the page and the API: every
entry once, in order, in both directions, and nothing counts the whole log."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aims import roles
from aims.models import ObjectChange
from tests.factories import make_system, make_user

PAGE = 4


@pytest.fixture
def systems(manager):
    for index in range(9):
        make_system(manager, name=f"Keyset system {index}")


def _log() -> list[int]:
    return list(ObjectChange.objects.order_by("-seq").values_list("seq", flat=True))


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr("aims.views.pages.CHANGE_LOG_PAGE_SIZE", PAGE)


def _seqs(html: str) -> list[int]:
    return [int(seq) for seq in re.findall(r'<tr id="entry-(\d+)">', html)]


def _link(html: str, label: str) -> str | None:
    found = re.search(rf'href="\?([^"]*)">{label}</a>', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_page_walks_older_then_newer_showing_each_entry_once(
    systems, auditor, client_for, small_pages
):
    client = client_for(auditor)
    log = _log()
    seen, query, pages = [], "", 0
    while query is not None:
        html = client.get(f"/changelog/?{query}").content.decode()
        seen += _seqs(html)
        pages += 1
        query = _link(html, "Older")
    assert seen == log
    assert pages == -(-len(log) // PAGE)
    # From the oldest page back to the newest.
    back = []
    while True:
        newer = _link(html, "Newer")
        if newer is None:
            break
        html = client.get(f"/changelog/?{newer}").content.decode()
        back = _seqs(html) + back
    assert back == log[: len(back)] and len(back) == len(log) - (
        len(log) % PAGE or PAGE
    )
    assert _link(html, "Newest") is None  # on the newest page already


def test_the_unfiltered_page_gives_the_logs_length_without_counting(
    systems, auditor, client_for, small_pages
):
    client = client_for(auditor)
    log = _log()
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/changelog/").content.decode()
    assert f"{len(log)} entries in the log" in html
    assert not [
        q["sql"]
        for q in queries
        if "aims_objectchange" in q["sql"] and "COUNT(" in q["sql"].upper()
    ]


def test_filters_page_through_their_matches_and_keep_the_filter(
    systems, auditor, manager, client_for, small_pages
):
    client = client_for(auditor)
    html = client.get(
        "/changelog/", {"content_type": "registry.aisystem"}
    ).content.decode()
    assert "in the log" not in html  # no total for a filtered list
    assert f"{PAGE} matching entries on this page" in html
    older = _link(html, "Older")
    assert "content_type=registry.aisystem" in older
    systems = ObjectChange.objects.filter(content_type__model="aisystem")
    html = client.get(f"/changelog/?{older}").content.decode()
    expected = list(systems.order_by("-seq").values_list("seq", flat=True))
    assert _seqs(html) == expected[PAGE : 2 * PAGE]


def test_a_bad_cursor_shows_the_newest_page(systems, auditor, client_for, small_pages):
    client = client_for(auditor)
    log = _log()
    html = client.get("/changelog/?before=abc&after=-3").content.decode()
    assert _seqs(html) == log[:PAGE]


def test_the_api_follows_next_links_through_every_entry(systems, auditor, api_for):
    api = api_for(auditor)
    log = _log()
    page = api.get("/api/v1/change-log/", {"page_size": PAGE}).json()
    assert "count" not in page and page["previous"] is None
    seen = [row["seq"] for row in page["results"]]
    while page["next"]:
        page = api.get(page["next"]).json()
        seen += [row["seq"] for row in page["results"]]
    assert seen == log
    last = len(log) % PAGE or PAGE
    back = api.get(page["previous"]).json()
    assert [row["seq"] for row in back["results"]] == log[-last - PAGE : -last]


def test_the_api_never_counts_the_log(systems, auditor, api_for):
    api = api_for(auditor)
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/change-log/").status_code == 200
    assert not [
        q["sql"]
        for q in queries
        if "aims_objectchange" in q["sql"] and "COUNT(" in q["sql"].upper()
    ]


def test_the_user_filter_does_not_list_every_user(auditor, client_for):
    for index in range(120):
        make_user(f"keyset-user-{index:03d}", roles.VIEWER)
    html = client_for(auditor).get(reverse("changelog")).content.decode()
    picker = re.search(r'<select name="user".*?</select>', html, re.S).group(0)
    assert "data-autocomplete-url" in picker
    assert "keyset-user-" not in picker
