"""The manager drafts the scope and the AI policy, the committee approves both, the
manager publishes the policy, a viewer acknowledges it, control A.2.2 shows it as
evidence, and an objective gets a measurement."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from controls.models import Control
from tests.factories import TEST_PASSWORD
from tests.governance.helpers import make_indicator, make_objective

from .test_register_journey import log_in

SCREENSHOT = "/tmp/browser-management-system.png"


def log_out(page):
    page.get_by_role("button", name="Log out").click()


@pytest.mark.browser
def test_scope_and_ai_policy_are_approved_published_acknowledged_and_measured(
    transactional_db, page, manager, committee, viewer, alice_system, tmp_path, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    objective = make_objective(manager, title="Fair lending decisions")
    make_indicator(
        objective,
        manager,
        name="Approval-rate gap",
        direction="lower",
        target=2,
        threshold=4,
        unit="points",
    )

    # The manager drafts the scope.
    log_in(page, "maria", TEST_PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Management system").click()
    nav.get_by_role("link", name="Scope (4.3)").click()
    page.get_by_role("link", name="Draft the scope").click()
    page.get_by_label("Scope statement").fill("All AI used in lending.")
    page.get_by_label("Boundaries").fill("The lending department.")
    page.locator("#id_ai_systems").select_option(str(alice_system.pk), force=True)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scope v1 (draft)")
    expect(
        page.get_by_text("Draft: the governance committee approves it.")
    ).to_be_visible()

    # ... and the AI policy, linked to control A.2.2.
    page.goto("/management-system/documents/add/")
    page.get_by_label("Title").fill("AI policy")
    page.get_by_label("Type").select_option("ai_policy")
    a22 = Control.objects.get(control_id="A.2.2")
    page.locator("#id_controls").select_option(a22.control_id, force=True)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("DOC-0001 AI policy")
    page.get_by_role("link", name="Add version").click()
    page.get_by_label("Text").fill("# Commitments\n- We use AI responsibly.")
    page.get_by_label("Summary of changes").fill("First issue.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Submit for approval").click()
    expect(
        page.get_by_text("You wrote this version: someone else approves it")
    ).to_be_visible()
    version_url = page.url
    log_out(page)

    # The committee approves both.
    log_in(page, "grace", TEST_PASSWORD)
    page.goto("/management-system/scope/")
    page.get_by_label("What the approval covers").fill("Scope for the first audit.")
    page.get_by_role("button", name="Approve scope").click()
    expect(page.get_by_text("Scope version 1 approved.")).to_be_visible()
    page.goto(version_url)
    page.get_by_label("Comment").fill("Approved by the committee.")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("approved and in force")).to_be_visible()
    log_out(page)

    # The manager publishes it to the viewers.
    log_in(page, "maria", TEST_PASSWORD)
    page.goto(version_url)
    page.get_by_role("link", name="Publish to people").click()
    page.get_by_label("Viewer").check()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#acknowledgements")).to_contain_text("0 %")
    log_out(page)

    # A viewer acknowledges it from the home page.
    log_in(page, "victor", TEST_PASSWORD)
    card = page.locator("#to-acknowledge")
    expect(card).to_contain_text("AI policy v1")
    card.get_by_role("link", name="AI policy v1").click()
    page.get_by_role("button", name="I have read and understood it").click()
    expect(page.get_by_text("Nothing to acknowledge.")).to_be_visible()
    log_out(page)

    # Control A.2.2 shows the approved policy as evidence; the objective gets a measurement.
    log_in(page, "maria", TEST_PASSWORD)
    page.goto(version_url)
    expect(page.locator("#acknowledgements")).to_contain_text("100 %")
    page.goto(f"/controls/library/{a22.pk}/")
    expect(page.get_by_text("DOC-0001 AI policy v1").first).to_be_visible()
    page.goto(objective.get_absolute_url())
    page.get_by_role("link", name="Record measurement").click()
    page.get_by_label("Value").fill("1.5")
    page.get_by_label("Date").fill(datetime.date.today().isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/management-system/objectives/\d+/$"))
    expect(page.locator("[data-status]").first).to_have_text("On track")
    expect(page.locator("svg.trend-chart circle.point")).to_have_count(1)
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert page.problems == []
