"""An AI system owner reports an incident; the AIMS manager triages it as serious, sees
the Art. 73 countdown, records the report to the authority and closes the incident."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD

from .test_register_journey import log_in

SCREENSHOT = "/tmp/browser-incident.png"


def _local(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


@pytest.mark.browser
def test_owner_reports_and_manager_closes_a_serious_incident(
    transactional_db, page, alice, manager, alice_system, capsys
):
    now = timezone.now()
    log_in(page, "alice", TEST_PASSWORD)
    page.goto(f"/register/{alice_system.pk}/tab/incidents/")
    page.get_by_role("link", name="Report an incident").click()
    expect(page.locator("select[name=ai_system]")).to_have_value(str(alice_system.pk))
    page.get_by_label("Title").fill("Shortlist left out older applicants")
    page.get_by_label("What happened").fill("No applicant over 55 was shortlisted.")
    page.get_by_label("Occurred at").fill(_local(now - datetime.timedelta(days=1)))
    page.get_by_label("Organisation aware at").fill(
        _local(now - datetime.timedelta(hours=1))
    )
    page.get_by_label("Time zone").select_option("UTC")
    page.get_by_role("button", name="Save").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile(r"INC-\d{4} Shortlist left out"))
    expect(page.get_by_text("Not triaged yet")).to_be_visible()
    incident_url = page.url

    page.context.clear_cookies()
    log_in(page, "maria", TEST_PASSWORD)
    page.goto(incident_url)
    page.get_by_role("link", name="Triage").click()
    page.get_by_label("Yes").check()
    page.get_by_label(re.compile(r"3\(49\)\(c\)")).check()
    page.get_by_label("Rationale").fill("Possible discrimination in employment.")
    page.get_by_role("button", name="Record triage").click()
    countdown = page.locator("[data-countdown]")
    expect(countdown).to_contain_text(
        re.compile(r"\d+ d \d+ h left \(due \d{4}-\d\d-\d\d 23:59 UTC\)")
    )
    expect(
        page.get_by_text("Report to the market surveillance authority (Art. 73(2))")
    ).to_be_visible()

    page.get_by_role("link", name="Record report to authority").click()
    page.get_by_label("When").fill(_local(timezone.now()))
    page.get_by_label("Summary").fill("Complete report through the authority's portal.")
    page.get_by_label("Authority", exact=True).fill("Bundesnetzagentur")
    page.get_by_label("Report type").select_option("complete")
    page.get_by_role("button", name="Save").click()
    expect(countdown).to_contain_text("Reported in time")

    page.get_by_role("button", name="Mark resolved").click()
    page.get_by_role("link", name="Close incident").click()
    page.get_by_label("Root cause").fill("A retrained model used a proxy for age.")
    page.get_by_label("Corrective actions").fill("Feature removed; parity test added.")
    page.get_by_label("Closure summary").fill("Applicants re-reviewed.")
    page.get_by_role("button", name="Close incident").click()
    expect(page.get_by_role("heading", name="Status: Closed")).to_be_visible()

    page.screenshot(path=SCREENSHOT, full_page=True)
    with capsys.disabled():
        print(f"\nscreenshot of the closed incident: {SCREENSHOT}")
    assert page.problems == []
