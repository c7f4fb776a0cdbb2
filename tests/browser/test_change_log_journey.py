"""Two journeys through the change log in a real browser: an owner moves a risk the data
contradict and confirms it with a note (one entry, with the note); an auditor finds that
entry in the change log, follows it to its record and exports the filtered entries."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD
from tests.risk.test_lifecycle_confirmation import _planned

from .test_register_journey import log_in

NOTE = "The input filter in production covers it until the retraining."


@pytest.mark.browser
def test_a_move_the_data_contradict_is_confirmed_with_a_note_an_auditor_finds(
    transactional_db, page, risk_owner, auditor
):
    risk = _planned(risk_owner)  # mitigated on paper: no action yet

    log_in(page, "raj", TEST_PASSWORD)
    page.goto(risk.get_absolute_url())
    page.get_by_text("Move to treated…").click()
    expect(page.get_by_text("no treatment action")).to_be_visible()
    page.get_by_label(re.compile("Why make it treated anyway")).fill(NOTE)
    page.get_by_role("button", name="Confirm: move to treated").click()
    expect(page.locator("[role=status].alert-success")).to_contain_text("now treated")
    page.get_by_role("link", name="History").click()
    moves = page.locator("table.changes-table > tbody > tr").filter(
        has_text="Status changed from Treatment planned to Treated"
    )
    expect(moves).to_have_count(1)  # one act, one entry
    expect(moves).to_contain_text(NOTE)
    page.get_by_role("button", name="Log out").click()

    log_in(page, "audrey", TEST_PASSWORD)
    page.goto("/changelog/")
    entry = page.locator("table.changes-table > tbody > tr").filter(has_text=NOTE)
    expect(entry).to_have_count(1)
    entry.get_by_role("link", name=str(risk)).first.click()
    expect(page).to_have_url(re.compile(rf"{risk.get_absolute_url()}$"))

    page.goto("/changelog/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    noted = [row for row in rows if NOTE in row["Message"]]
    assert len(noted) == 1 and noted[0]["Hash"]
    assert page.problems == []
