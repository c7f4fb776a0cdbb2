"""An AI system owner sees an overdue review on the system's page and records it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registry.services import ai_system_save
from tests.factories import TEST_PASSWORD

from .test_register_journey import log_in


@pytest.mark.browser
def test_an_owner_records_an_overdue_system_review(
    transactional_db, page, alice, alice_system
):
    alice_system.next_review_date = timezone.localdate() - datetime.timedelta(days=5)
    ai_system_save(system=alice_system, actor=alice)

    log_in(page, "alice", TEST_PASSWORD)
    page.goto(alice_system.get_absolute_url())
    review = page.locator("#review")
    expect(review).to_contain_text("(overdue)")
    review.get_by_label("Review note (optional)").fill("Monitoring checked.")
    review.get_by_role("button", name="Record review").click()
    expect(page.locator("[role=status].alert-success")).to_contain_text(
        "Review recorded"
    )
    expect(page.locator("#review")).not_to_contain_text("(overdue)")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_text("AI system reviewed; next review")).to_be_visible()
    assert page.problems == []
