"""A council member opens the dashboard, explores spend, shares a filtered view and
downloads exactly what is shown; every page visited passes the axe check."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, metric_locator, open_page


def test_home_page(page, app_server):
    open_page(page, app_server)
    expect(page.get_by_role("heading", name="Third Sector Partnership Dashboard")).to_be_visible()
    # This journey's server has only the seed: the document's 2008/09 local government total,
    # £3,103,486.94, shown in whole pounds.
    expect(metric_locator(page, "Council spend on the sector")).to_have_text("£3,103,487")
    assert_accessible(page)


def test_spend_explorer_reconciles_and_downloads(page, app_server):
    open_page(page, app_server, "spend?spend.year=2008%2F09")
    expect(metric_locator(page, "Total spend")).to_have_text("£3,103,486.94")
    expect(metric_locator(page, "Contracts")).to_have_text("£2,064,893.44")
    expect(metric_locator(page, "Grants")).to_have_text("£1,038,593.50")
    expect(page.get_by_text("Cheshire East-wide", exact=False).first).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download this table (CSV)").click()
    text = download_info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text.split("\n", 2)[2])))
    grand = [r for r in rows if r["Administering authority"] == "Grand Total"][0]
    assert grand["Grand Total"] == "3103486.94"
    assert grand["Contract"] == "2064893.44"


def test_shared_url_restores_filters(page, app_server):
    open_page(page, app_server, "spend?spend.year=2008%2F09&spend.body=Health")
    expect(metric_locator(page, "Total spend")).to_have_text("£1,096,680.98")  # labels, as shown, go in the URL
    open_page(page, app_server, "spend?spend.year=2008%2F09&spend.authority=Macclesfield+Borough+Council&spend.funding=Grant")
    expect(metric_locator(page, "Total spend")).to_have_text("£234,720.00")
