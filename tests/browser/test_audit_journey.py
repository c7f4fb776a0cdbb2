"""A manager plans an audit, the auditor fills the checklist and raises a minor
nonconformity, its owner records the root cause and a corrective action, the manager
verifies it and closes the nonconformity, and the committee's review lists it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audit.models import Nonconformity
from audit.services import programme_approve
from tests.audits.builders import make_programme, make_review
from tests.factories import TEST_PASSWORD

from .test_register_journey import log_in

SCREENSHOT = "/tmp/browser-audit.png"


def choose(page, field_id: str, value) -> None:
    """Pick a value in a select, whether or not Tom Select enhanced it."""
    page.evaluate(
        """([id, value]) => {
            const select = document.getElementById(id);
            if (select.tomselect) { select.tomselect.setValue(value); }
            else { select.value = value; }
        }""",
        [field_id, str(value)],
    )


def as_user(browser, live_server, username):
    page = browser.new_context(base_url=live_server.url).new_page()
    page.set_default_timeout(10_000)
    log_in(page, username, TEST_PASSWORD)
    return page


@pytest.mark.browser
def test_audit_finding_corrective_action_and_review(
    transactional_db,
    page,
    browser,
    live_server,
    manager,
    auditor,
    risk_owner,
    committee,
):
    programme = make_programme(manager)
    programme_approve(programme=programme, actor=committee)
    review = make_review(manager, committee, title="Half-year review")
    today = timezone.localdate().isoformat()

    # The manager plans an audit of 9.2 in the programme.
    log_in(page, "maria", TEST_PASSWORD)
    page.goto(programme.get_absolute_url())
    page.get_by_role("link", name="Plan an audit").click()
    page.get_by_label("Title").fill("Internal audit of the audit process")
    page.get_by_label("Clauses in scope").select_option(["9.2"])
    page.get_by_label("Criteria").fill("ISO/IEC 42001 9.2")
    choose(page, "id_lead_auditor", auditor.pk)
    page.get_by_label("Planned start").fill(today)
    page.get_by_label("Planned end").fill(today)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("AUD-")
    expect(page.locator("#checklist")).to_contain_text("9.2.2")
    audit_url = page.url

    # The auditor starts it, records a minor nonconformity and raises the finding.
    audrey = as_user(browser, live_server, "audrey")
    audrey.goto(audit_url)
    audrey.get_by_role("button", name="Mark as in progress").click()
    audrey.locator("#checklist tr", has_text="9.2.2").get_by_role(
        "link", name="Record"
    ).click()
    audrey.get_by_label("Result").select_option("minor_nc")
    audrey.get_by_label("Notes").fill("The report of the last audit was not kept.")
    audrey.get_by_role("button", name="Save").click()
    audrey.locator("#checklist tr", has_text="9.2.2").get_by_role(
        "link", name="Raise finding"
    ).click()
    audrey.get_by_label("Title").fill("Audit report not kept")
    audrey.get_by_label("Description").fill("No report exists for the March audit.")
    audrey.get_by_label("Objective evidence").fill("Searched the portal and the share.")
    choose(audrey, "id_owner", risk_owner.pk)
    audrey.get_by_role("button", name="Save").click()
    expect(audrey.locator(".alert-info")).to_contain_text("nonconformity")
    nonconformity = Nonconformity.objects.get()
    assert nonconformity.grade == "minor_nc"

    # Its owner records the root cause and a corrective action, and completes it.
    raj = as_user(browser, live_server, "raj")
    raj.goto(nonconformity.get_absolute_url())
    raj.get_by_role("link", name="Edit").click()
    raj.get_by_label("Immediate correction").fill("Report recovered from e-mail.")
    raj.get_by_label("Root cause method").select_option("five_whys")
    raj.get_by_label("Root causes").fill("No step of the procedure stores the report.")
    raj.get_by_role("button", name="Save").click()
    raj.get_by_role("link", name="Add corrective action").click()
    raj.get_by_label("Description").fill("Store every report in the portal.")
    raj.get_by_label("Due date").fill(today)
    raj.get_by_label("Status").select_option("done")
    raj.get_by_label("Completed on").fill(today)
    raj.get_by_label("Verify effectiveness after (days)").fill("0")
    raj.get_by_role("button", name="Save").click()
    expect(raj).to_have_url(re.compile(r"/audits/corrective-actions/\d+/$"))
    expect(raj.get_by_role("link", name="Verify effectiveness")).to_have_count(0)

    # Someone else verifies it and closes the nonconformity.
    page.goto(nonconformity.get_absolute_url())
    page.get_by_role("link", name="Verify effectiveness").click()
    page.get_by_label("Effective: the cause is removed").check()
    page.get_by_label("What was checked and what it showed").fill("Two reports stored.")
    page.get_by_role("button", name="Record verification").click()
    page.get_by_role("link", name="Close nonconformity").click()
    page.get_by_label("Closing note").fill("Verified effective.")
    page.get_by_role("button", name="Close nonconformity").click()
    expect(page.locator("dl").first).to_contain_text("Closed")

    # The committee prepares its review: the closed nonconformity is in input d) 1).
    grace = as_user(browser, live_server, "grace")
    grace.goto(review.get_absolute_url())
    grace.get_by_role("button", name="Prepare inputs").click()
    item = grace.locator("article", has_text="Nonconformities and corrective actions")
    expect(item).to_contain_text("Closed")
    expect(item.locator("dd").nth(1)).to_contain_text("1")
    grace.screenshot(path=SCREENSHOT, full_page=True)
    assert page.problems == []
