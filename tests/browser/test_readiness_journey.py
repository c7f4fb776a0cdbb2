"""The committee follows a blocker from the dashboard to its record and downloads the
gap report; an auditor requests an auditor bundle, downloads it and it verifies."""

import re

import pytest
from playwright.sync_api import expect

from aims import bundle_verifier, signing
from tests.factories import TEST_PASSWORD

from .test_register_journey import log_in


@pytest.mark.browser
def test_the_committee_follows_a_blocker_and_an_auditor_takes_a_bundle(
    transactional_db,
    page,
    browser,
    live_server,
    committee,
    auditor,
    alice_system,
    tmp_path,
    settings,
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.AIMS_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    signing._load_private_key.cache_clear()

    log_in(page, "grace", TEST_PASSWORD)
    card = page.locator("[data-card='aims.readiness']")
    expect(card).to_contain_text("Blockers")
    card.locator(".alert-link").first.click()
    blockers = page.locator("[data-blocker]").first
    expect(blockers).to_be_visible()
    blockers.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/controls/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Statement of Applicability"
    )

    page.goto("/readiness/")
    expect(page.get_by_role("heading", level=2, name="Blockers")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    report = download_info.value
    csv = tmp_path / "gap-report.csv"
    report.save_as(csv)
    assert "Action that closes it" in csv.read_text()
    expect(page.locator("[data-figure='key-id']")).to_have_text(signing.key_id())

    auditor_page = browser.new_context(base_url=live_server.url).new_page()
    auditor_page.set_default_timeout(120_000)  # the build runs in-process here
    log_in(auditor_page, "audrey", TEST_PASSWORD)
    nav = auditor_page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Audits & Reviews").click()
    nav.get_by_role("link", name="Auditor bundles").click()
    auditor_page.get_by_role("link", name="Request auditor bundle").click()
    auditor_page.get_by_label("Purpose").fill("Stage 1 audit")
    auditor_page.get_by_role("button", name="Request bundle").click()
    expect(auditor_page.get_by_role("heading", level=1)).to_contain_text(
        "Stage 1 audit"
    )
    with auditor_page.expect_download() as download_info:
        auditor_page.get_by_role("link", name="Download ZIP").click()
    bundle = tmp_path / "bundle.zip"
    download_info.value.save_as(bundle)
    result = bundle_verifier.verify(str(bundle), signing.public_key_pem())
    assert result.ok, result.problems
    auditor_page.set_viewport_size({"width": 820, "height": 1180})
    auditor_page.screenshot(path="/tmp/browser-bundle.png", full_page=True)
    assert page.problems == []
    signing._load_private_key.cache_clear()
