"""Under the strict Content-Security-Policy the pages still work in Chromium: the
browser reports no refused script or style on the main page types, the API docs or
the admin site."""

import pytest

from tests.factories import TEST_PASSWORD

from .test_register_journey import log_in


@pytest.mark.browser
def test_pages_run_under_the_policy_without_violations(
    transactional_db, page, live_server, admin_user, alice_system
):
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text)
        if "Content Security Policy" in m.text or "Refused to" in m.text
        else None,
    )
    log_in(page, "ada", TEST_PASSWORD)
    for path in (
        "/",
        "/register/",
        f"/register/{alice_system.pk}/",
        f"/register/{alice_system.pk}/edit/",
        "/risks/criteria/",
        "/readiness/",
        "/api/docs/",
        "/admin/",
        "/admin/axes/accessattempt/",
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert violations == []
    assert page.problems == []
