"""An AI system owner classifies their system, fills and submits its impact assessment;
the committee approves it; the system page then shows the tier and no review needed."""

import re

import pytest
from playwright.sync_api import expect

from impact.models import ImpactAssessment
from impact.services import template_current
from tests.factories import TEST_PASSWORD

from .test_register_journey import log_in

SCREENSHOT = "/tmp/browser-impact.png"


def _fill_required(page):
    for _, question in template_current().questions():
        if not question.get("required") or question.get("show_when"):
            continue
        name = question["id"]
        kind = question["type"]
        if kind in ("text", "list"):
            page.fill(f"[name={name}]", f"Our answer to {name}.")
        elif kind == "single_choice":
            page.select_option(f"[name={name}]", question["choices"][0][0])
        elif kind == "yes_no":
            # The answer that opens no required follow-up question.
            opens = {
                q["show_when"]["equals"]
                for _, q in template_current().questions()
                if q.get("show_when", {}).get("question") == name and q.get("required")
            }
            value = "no" if "no" not in opens else "yes"
            page.check(f"[name={name}][value={value}]")
        elif kind == "scale":
            page.check(f"[name={name}][value='3']")


@pytest.mark.browser
def test_owner_submits_and_committee_approves(
    transactional_db, page, browser, live_server, alice, alice_system, committee
):
    log_in(page, "alice", TEST_PASSWORD)
    page.goto(f"/register/{alice_system.pk}/")
    page.get_by_role("link", name="Impact & EU AI Act").first.click()
    page.get_by_role("link", name="Classify under the EU AI Act").click()
    page.get_by_label("The organisation's operator role for this system").select_option(
        "deployer"
    )
    page.get_by_label(re.compile(r"^Annex III 4\(a\)")).check()
    page.get_by_label(re.compile(r"^Art\. 6\(3\) profiling")).check()
    page.get_by_role("button", name="Classify").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("High-risk")

    page.goto(f"/register/{alice_system.pk}/tab/impact/")
    page.get_by_role("button", name="Start impact assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Impact assessment questions"
    )
    follow_up = page.locator("[name=personal_data_detail]")
    expect(follow_up).to_be_hidden()
    page.check("[name=personal_data][value=yes]")
    expect(follow_up).to_be_visible()
    _fill_required(page)  # answers "no" again: the follow-up hides
    expect(follow_up).to_be_hidden()
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_test_id("status")).to_have_text("Draft")

    page.get_by_role("link", name="Add impact").click()
    page.get_by_label("Title").fill("Qualified applicants filtered out")
    page.get_by_label("Affected group").fill("Job applicants")
    page.get_by_label("Kind of benefit or harm").select_option("fundamental_right")
    page.get_by_label("Fundamental right at stake (EU Charter)").select_option("21")
    page.get_by_label("Severity").select_option("3")
    page.get_by_label("Likelihood").select_option("2")
    page.get_by_label("Reversibility").select_option("hard_to_reverse")
    page.get_by_label("Scale").select_option("group")
    page.get_by_label("Existing measures").fill("A recruiter reviews every rejection.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#impacts")).to_contain_text(
        "Qualified applicants filtered out"
    )
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_test_id("status")).to_have_text("In review")
    assert not page.problems, page.problems

    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    grace = context.new_page()
    log_in(grace, "grace", TEST_PASSWORD)
    assessment = ImpactAssessment.objects.get(ai_system=alice_system)
    grace.goto(assessment.get_absolute_url())
    grace.get_by_role("link", name="Approve").click()
    grace.get_by_label("Approval note").fill("Measures are proportionate.")
    grace.get_by_role("button", name="Approve").click()
    expect(grace.get_by_test_id("status")).to_have_text("Approved")
    grace.goto(f"/register/{alice_system.pk}/tab/impact/")
    expect(grace.get_by_test_id("tier")).to_have_text("High-risk (Art. 6)")
    expect(grace.get_by_test_id("no-review-needed")).to_be_visible()
    grace.screenshot(path=SCREENSHOT, full_page=True)
    context.close()
