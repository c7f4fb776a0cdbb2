"""A risk owner requests acceptance of a residual risk above the appetite; the committee
finds it on the home page and accepts it until a revisit date; the owner sees the result."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD
from tests.risk.test_workflow import _treated

from .test_register_journey import log_in


@pytest.mark.browser
def test_the_owner_requests_acceptance_and_the_committee_grants_it(
    transactional_db, page, risk_owner, committee
):
    risk = _treated(risk_owner)  # residual high: above the medium appetite

    log_in(page, "raj", TEST_PASSWORD)
    page.goto(risk.get_absolute_url())
    expect(page.get_by_role("link", name="Accept residual risk")).to_have_count(0)
    page.get_by_role("link", name="Request acceptance").click()
    page.get_by_label("Rationale").fill(
        "Recruiters explain every shortlist on request."
    )
    page.get_by_role("button", name="Request acceptance").click()
    expect(page.locator("[role=status].alert-success")).to_contain_text(
        "committee is told"
    )
    expect(page.get_by_text("waiting for the governance committee")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, "grace", TEST_PASSWORD)
    card = page.locator("#acceptance-requests")
    expect(card).to_contain_text(risk.reference)
    card.get_by_role("link", name=str(risk)).click()
    expect(
        page.get_by_text("Recruiters explain every shortlist on request.")
    ).to_be_visible()
    revisit = timezone.localdate() + datetime.timedelta(days=90)
    page.get_by_label("Comment").fill("Accepted for one quarter.")
    page.get_by_label("Revisit by").fill(revisit.isoformat())
    page.get_by_role("button", name="Accept residual risk").click()
    expect(page.locator("[role=status].alert-success")).to_contain_text(
        f"accepted until {revisit.isoformat()}"
    )
    expect(
        page.get_by_text(f"Accepted until {revisit.isoformat()}.", exact=True)
    ).to_be_visible()
    page.goto("/")
    expect(page.locator("#acceptance-requests")).to_have_count(0)
    assert page.problems == []
