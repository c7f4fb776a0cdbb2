"""A person uses the AI system register in a real browser, end to end."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD

SCREENSHOT = "/tmp/browser-history.png"


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


@pytest.mark.browser
def test_a_user_registers_a_system_and_sees_its_history(
    transactional_db, page, alice, alice_system, capsys
):
    """An AI system owner logs in, adds a system through the form, finds it with the
    register's search, and sees on its History tab that they created it, with its name."""
    name = "Loan triage assistant"

    log_in(page, "alice", TEST_PASSWORD)

    # The register is a menu now (AI systems, suppliers, datasets).
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Register").click()
    nav.get_by_role("link", name="AI systems").click()
    expect(page).to_have_url(re.compile(r"/register/$"))
    page.get_by_role("link", name="Add AI system").click()
    expect(page.get_by_role("heading", name="Add AI system")).to_be_visible()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Intended purpose").fill(
        "Sort loan applications for a human reviewer."
    )
    expect(page.locator("select[name=owner]")).to_have_value(str(alice.pk))
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/register/\d+/$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(name)
    expect(heading).to_contain_text(re.compile(r"AIS-\d{4}"))
    reference = re.search(r"AIS-\d{4,}", heading.inner_text()).group()
    expect(page.locator("dt:text-is('Reference') + dd")).to_have_text(reference)

    page.goto("/register/")
    table = page.locator("table")
    expect(table).to_contain_text(alice_system.name)
    filters = page.get_by_role("form", name="Filters")
    filters.locator("[name=q]").fill("loan triage")
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"[?&]q=loan\+triage"))
    row = table.get_by_role("row").filter(has_text=name)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(reference)
    expect(table).not_to_contain_text(alice_system.name)

    row.get_by_role("link", name=name).click()
    page.get_by_role("link", name="History").click()
    expect(page).to_have_url(re.compile(r"/register/\d+/history/$"))
    entries = page.locator("table:has(th:text-is('Who')) > tbody > tr")
    created = entries.filter(has=page.locator(":scope > td", has_text="Created"))
    expect(created).to_have_count(1)
    expect(created.locator(":scope > td").nth(2)).to_have_text("Alice (alice)")
    expect(created).to_contain_text(re.compile(rf"Name\s+{re.escape(name)}"))

    page.screenshot(path=SCREENSHOT, full_page=True)
    with capsys.disabled():
        print(f"\nscreenshot of the history page: {SCREENSHOT}")
    assert page.problems == []
