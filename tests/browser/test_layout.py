"""Pages fit a laptop (1366 px) and a tablet (820 px): no horizontal scrolling."""

import re

import pytest

from tests.factories import TEST_PASSWORD, make_risk, make_system

from .test_register_journey import log_in

WIDTHS = (1366, 820)
LONG_WORD = "".join(f"{n:03d}" for n in range(70))[:200]


OVERFLOW_SCRIPT = """() => {
  const boxes = [document.documentElement, ...document.querySelectorAll(".table-responsive")];
  return boxes
    .filter((box) => box.scrollWidth - box.clientWidth > 1)
    .map((box) => `${box.className || box.tagName}: ${box.scrollWidth} > ${box.clientWidth}`);
}"""


def horizontal_overflow(page) -> list[str]:
    """The page and the table boxes wider than the window (a table scrolling sideways
    hides its last columns, such as the row's Edit button): empty when all fit."""
    return page.evaluate(OVERFLOW_SCRIPT)


@pytest.mark.browser
def test_a_long_unbroken_value_wraps_on_the_detail_page(transactional_db, page, alice):
    system = make_system(
        alice, name=f"N{LONG_WORD[:150]}", intended_purpose=f"P{LONG_WORD}"
    )
    log_in(page, "alice", TEST_PASSWORD)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in (system.get_absolute_url(), "/register/"):
            page.goto(url)
            assert horizontal_overflow(page) == [], f"{url} at {width} px"
    assert page.problems == []


MAIN_LISTS = (
    "/register/",
    "/risks/",
    "/controls/",  # the Statement of Applicability
    "/controls/evidence/",
    "/impact/",
    "/audits/",
    "/audits/findings/",
    "/incidents/",
    "/management-system/documents/",
    "/changelog/",
)


@pytest.mark.browser
def test_the_main_lists_and_the_soa_fit_a_laptop_and_a_tablet(
    transactional_db, page, manager, alice, risk_owner
):
    """Every main list and the SoA fit the window at 1366 and 820 px (the low-priority
    columns drop, the filter panel folds away on the tablet), with long values in them."""
    system = make_system(alice, name=f"N{LONG_WORD[:150]}", business_unit="Claims")
    make_risk(risk_owner, system, actor=manager, title=f"T{LONG_WORD[:150]}")
    log_in(page, manager.username, TEST_PASSWORD)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in MAIN_LISTS:
            page.goto(url)
            assert horizontal_overflow(page) == [], f"{url} at {width} px"
    # On the tablet the rows come first: the filter panel is folded until asked for.
    page.goto("/register/")
    assert page.locator("form.filter-panel").is_hidden()
    page.get_by_text("Filters", exact=True).click()
    assert page.locator("form.filter-panel").is_visible()
    assert page.problems == []


@pytest.mark.browser
def test_a_user_chooses_the_columns_of_a_list(transactional_db, page, alice):
    """The column chooser shows the chosen columns at every width and keeps the choice
    while the user filters; "Fit to screen" goes back to the defaults."""
    make_system(alice, business_unit="Claims")
    log_in(page, "alice", TEST_PASSWORD)
    page.set_viewport_size({"width": 820, "height": 900})
    page.goto("/register/")
    header = page.locator("table thead")
    assert not header.get_by_text("Business unit").is_visible()
    page.get_by_text("Columns", exact=True).click()
    chooser = page.locator("form.column-chooser-menu")
    chooser.get_by_role("checkbox", name=re.compile("^Business unit")).check()
    chooser.get_by_role("checkbox", name=re.compile("^Lifecycle stage")).uncheck()
    page.get_by_role("button", name="Show").click()
    assert header.get_by_text("Business unit").is_visible()
    assert header.get_by_text("Lifecycle stage").count() == 0
    page.get_by_text("Filters", exact=True).click()  # folded on the tablet
    page.get_by_label("Search").fill("AI system")
    page.get_by_role("button", name="Filter").click()
    assert header.get_by_text("Business unit").is_visible()
    page.get_by_text("Columns", exact=True).click()
    page.get_by_role("link", name="Fit to screen").click()
    assert header.get_by_text("Lifecycle stage").is_visible()
    assert page.problems == []
