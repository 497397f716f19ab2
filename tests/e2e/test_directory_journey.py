"""A commissioner searches the directory, filters it, opens a profile and runs a provider
match; every page visited passes the axe check and shows the fictional-data label."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, click_option, open_page, wait_until_idle


def test_search_filter_profile_and_match(page, app_server):
    open_page(page, app_server, "directory")
    expect(page.get_by_role("heading", name="Organisation directory")).to_be_visible()
    expect(page.get_by_text("Fictional demonstration data.")).to_be_visible()
    assert_accessible(page)

    search = page.get_by_label("Search names, services and themes")
    search.fill("foodbank")
    search.press("Enter")
    wait_until_idle(page)
    # data/demo/organisations.csv has five organisations called "... Foodbank" (Holmes Chapel,
    # Sandbach, Willaston, Disley, Nantwich); three of them serve Congleton.
    expect(page.get_by_role("heading", name="5 organisations match")).to_be_visible()
    assert "directory.q=foodbank" in page.url

    # Filter to one district with the multiselect.
    congleton = page.get_by_role("option", name="Congleton", exact=True)
    click_option(page, page.locator('[data-testid="stMultiSelect"]', has_text="District served"), congleton)
    page.keyboard.press("Escape")
    wait_until_idle(page)
    expect(page.get_by_role("heading", name="3 organisations match")).to_be_visible()
    assert "directory.district=Congleton" in page.url
    assert_accessible(page)

    # Open the profile of the organisation chosen in the list.
    chosen = page.get_by_role("combobox", name="Open the profile of").input_value()
    name, org_id = re.search(r"(.+) \((DEMO-\d+)\)", chosen).groups()
    page.get_by_role("link", name="Open profile", exact=True).click()
    wait_until_idle(page)
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    expect(page.get_by_text("Fictional demonstration data.")).to_be_visible()
    expect(page.get_by_role("heading", name="Funding history")).to_be_visible()
    assert f"org={org_id}" in page.url
    assert_accessible(page)

    # Run a provider match.
    open_page(page, app_server, "providers")
    page.get_by_role("textbox", name="Service specification").fill("Emergency food parcels for families in crisis, referred by GPs")
    page.get_by_role("button", name="Find providers").click()
    wait_until_idle(page)
    expect(page.get_by_role("heading", name=re.compile("most like the specification"))).to_be_visible()
    expect(page.get_by_text("Could bid in Congleton")).to_be_visible()
    assert_accessible(page)
