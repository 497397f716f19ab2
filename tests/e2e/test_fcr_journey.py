"""A third-sector manager opens the worked example (labelled fictional), starts a new
costing, enters two projects, their direct costs and two overhead pools in the grids (pasting
rows as from a spreadsheet), calculates, reads the full costs and funding gap, and downloads
the costing workbook, whose totals reconcile. Every view passes the axe check."""

from __future__ import annotations

import openpyxl

from tests.e2e.conftest import assert_accessible, metric_value, open_page, select_cell, wait_until_idle



def paste_rows(page, grid, rows: list[list[str]]) -> None:
    """Select the first cell of ``grid`` and paste ``rows`` into it, as a manager copying
    rows from a spreadsheet does (tab-separated, one line a row)."""
    select_cell(page, grid, row=0, x=70)
    page.evaluate("text => navigator.clipboard.writeText(text)", "\n".join("\t".join(r) for r in rows))
    page.keyboard.press("Control+V")
    page.wait_for_timeout(500)


def test_costing_two_projects_from_scratch_and_workbook(page, app_server, tmp_path):
    open_page(page, app_server)  # the app's first page view, so the journey starts warm
    open_page(page, app_server, "full-cost")
    assert page.get_by_text("Fictional worked example", exact=False).first.is_visible()
    assert metric_value(page, "Full cost of all projects") == "£399,000.00"
    assert_accessible(page)

    page.get_by_role("button", name="Start a new costing (empty grids)").click()
    wait_until_idle(page)
    assert page.get_by_text("Enter projects, direct costs and overhead pools above").is_visible()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": 1280, "height": 2600})  # all three grids on screen at once
    projects, lines, pools = (page.locator('[data-testid="stDataFrame"]').nth(i) for i in range(3))
    paste_rows(page, projects, [["Lunch club e2e", "4", "50"], ["Advice line e2e", "2", "50"]])
    paste_rows(page, lines, [["Lunch club e2e", "Salaries with on-costs", "200000", "Pay"],
                             ["Advice line e2e", "Materials", "100000", "Non-pay"]])
    paste_rows(page, pools, [["Premises", "36000", "headcount"], ["Governance", "18000", "direct_costs"]])
    page.get_by_text("An overhead cap (% of direct costs)").click()
    page.get_by_label("Name of this costing").fill("E2E costing")
    page.get_by_role("button", name="Calculate").click()
    wait_until_idle(page)

    assert metric_value(page, "Full cost of all projects") == "£354,000.00"
    assert metric_value(page, "Overheads shared out") == "£54,000.00"
    assert metric_value(page, "Overhead rate") == "18.0%"
    # Cap 10%: Lunch club is funded 220,000 against 236,000; Advice line 110,000 against 118,000.
    assert metric_value(page, "Unrestricted income needed") == "£24,000.00"
    assert not page.get_by_text("Fictional worked example", exact=False).count()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the costing workbook (Excel)").click()
    path = tmp_path / "costing.xlsx"
    download_info.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["About", "Summary", "Allocation by pool", "Multi-year", "Funding gap", "Assumptions"]
    summary = {row[0]: row for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Lunch club e2e"][1:4] == (200000, 36000, 236000)
    assert summary["Advice line e2e"][1:4] == (100000, 18000, 118000)
    assert summary["Total"][3] == 354000
    allocation = {row[0]: row for row in book["Allocation by pool"].iter_rows(min_row=2, values_only=True)}
    assert allocation["Premises"][2:] == (36000, 24000, 12000)
    assert allocation["Governance"][2:] == (18000, 12000, 6000)
    assert allocation["Total"][2] == 54000
    gap = list(book["Funding gap"].iter_rows(min_row=2, values_only=True))
    assert gap[-1][1] == "Unrestricted income needed" and gap[-1][4] == 24000
