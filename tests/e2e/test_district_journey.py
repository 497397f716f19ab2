"""A council member for Macclesfield opens the spend explorer, chooses their district, sees
the district's spend with Cheshire County Council's area-wide spend on a line of its own,
narrows to grants, opens the table behind the department chart and shares the link; the
shared link opens the same view. Axe after every step, at 1280 and 390 px.

Figures from the framework's 2008/09 table (data/seed/spend_2008_09.csv), worked by hand:
Macclesfield Borough Council's contracts 70,150.00 + 5,000.00 = £75,150.00; grants
148,530.00 + 29,650.00 + 145.00 + 56,395.00 = £234,720.00; Cheshire County Council's
Cheshire East-wide spend 1,617,718.94 + 162,028.00 + 117,394.50 + 290,309.00 + 40,373.00 +
13,466.50 = £2,241,289.94, of which grants 162,028.00 + 290,309.00 + 13,466.50 = £465,803.50."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, metric_locator, open_page, wait_until_idle


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the multiselect called ``label`` by typing it, as a keyboard user would."""
    box = page.get_by_role("combobox", name=re.compile(label))
    box.click()
    box.fill(option)
    expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_until_idle(page)


def checked(page) -> None:
    """Axe, once the app's menu is drawn (its links make the scrolling sidebar reachable
    by keyboard; checked before they arrive, axe reports the sidebar as unreachable)."""
    expect(page.locator('[data-testid="stSidebarContent"] a').first).to_be_attached()
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_member_views_their_district_and_shares_it(browser, app_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        # 1. The explorer opens on the document's local government total.
        open_page(page, app_server, "spend")
        expect(metric_locator(page, "Total spend")).to_have_text("£3,103,486.94")
        checked(page)

        # 2. Choose the district: the district's own figures, area-wide spend beside them.
        choose(page, "District", "Macclesfield")
        expect(page).to_have_url(re.compile(r".*spend\.district=Macclesfield.*"))
        expect(metric_locator(page, "Total spend in Macclesfield")).to_have_text("£309,870.00")
        expect(metric_locator(page, "Contracts")).to_have_text("£75,150.00")
        expect(metric_locator(page, "Area-wide spend, not in the total above")).to_have_text("£2,241,289.94")
        expect(page.get_by_text("not shared out between districts", exact=False)).to_be_visible()
        checked(page)

        # 3. Grants only (the area-wide line follows the filter), then the table behind the
        #    department chart (its figures are checked in tests/pages/test_spend_page.py).
        choose(page, "Funding type", "Grant")
        expect(metric_locator(page, "Total spend in Macclesfield")).to_have_text("£234,720.00")
        expect(metric_locator(page, "Area-wide spend, not in the total above")).to_have_text("£465,803.50")
        page.get_by_text("Table: Spend by department, contract and grant").click()
        table = page.locator('[data-testid="stExpander"]', has_text="Table: Spend by department").locator(
            '[data-testid="stDataFrame"]')
        expect(table).to_be_visible()
        checked(page)
        shared = page.url

        # 4. The shared link opens the same view in a fresh page.
        other = context.new_page()
        open_page(other, app_server, shared.split("/", 3)[3])
        expect(metric_locator(other, "Total spend in Macclesfield")).to_have_text("£234,720.00")
        expect(metric_locator(other, "Area-wide spend, not in the total above")).to_have_text("£465,803.50")
        checked(other)
    finally:
        context.close()
