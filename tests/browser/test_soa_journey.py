"""An AIMS manager completes an SoA row with evidence; the committee approves the SoA."""

import re

import pytest
from playwright.sync_api import expect

from controls.models import SoAEntry
from controls.services import soa_current, soa_entry_save
from tests.factories import TEST_PASSWORD

from .test_register_journey import log_in

SCREENSHOT = "/tmp/browser-soa.png"


@pytest.mark.browser
def test_a_manager_completes_the_soa_and_the_committee_approves_it(
    transactional_db, page, browser, live_server, manager, committee, tmp_path, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    # Every row but one is already decided.
    for entry in SoAEntry.objects.filter(soa=soa_current()).exclude(
        control__control_id="A.2.2"
    ):
        entry.applicable, entry.justification = True, "Needed."
        soa_entry_save(entry=entry, actor=manager)

    log_in(page, "maria", TEST_PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Controls & SoA").click()
    nav.get_by_role("link", name="Statement of Applicability").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Statement of Applicability v1"
    )
    row = page.locator("#row-A\\.2\\.2")
    expect(row).to_contain_text("Not decided")
    row.get_by_role("link", name="Edit").click()
    page.get_by_label("Applicable").select_option("true")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()  # no justification
    page.get_by_label("Justification").fill("Our AI policy is the base of the AIMS.")
    page.get_by_label("Implementation status").select_option("implemented")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/controls/library/\d+/$"))

    page.get_by_role("link", name="Add evidence").click()
    page.get_by_label("Title").fill("AI policy v2.1")
    evidence_file = tmp_path / "ai-policy.txt"
    evidence_file.write_text("AI policy v2.1, approved by the board.\n")
    page.get_by_label("File").set_input_files(str(evidence_file))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("EVD-")
    expect(page.locator("#files")).to_contain_text("ai-policy.txt")
    page.get_by_role("link", name="A.2.2").first.click()
    expect(page.locator("#evidence")).to_contain_text("AI policy v2.1")
    expect(page.locator("#evidence")).to_contain_text("Valid")

    committee_page = browser.new_context(base_url=live_server.url).new_page()
    log_in(committee_page, "grace", TEST_PASSWORD)
    committee_page.goto("/controls/")
    committee_page.get_by_label("Comment").fill("Approved at the November meeting.")
    committee_page.get_by_role("button", name="Approve").click()
    expect(committee_page.get_by_role("heading", level=1)).to_contain_text("Approved")
    expect(committee_page.locator("#row-A\\.2\\.2")).to_contain_text("Applicable")

    page.goto("/controls/")
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    page.screenshot(path=SCREENSHOT, full_page=True)
    # The only failed request is the deliberate save without a justification.
    unexpected = [
        p for p in page.problems if "/soa/entries/" not in p or "400" not in p
    ]
    assert unexpected == []
