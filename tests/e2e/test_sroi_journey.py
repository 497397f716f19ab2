"""A commissioner builds a two-outcome impact map in the grid, reads the ratio, switches
convention and downloads the workbook; every state visited passes the axe check."""

from __future__ import annotations

import io

import openpyxl
from playwright.sync_api import expect

from models.sroi import IMPACT_MAP_COLUMNS as IMPACT_MAP_HEADINGS
from tests.e2e.conftest import assert_accessible, metric_value, open_page, select_cell, type_cells, wait_until_idle

IMPACT_MAP_COLUMNS = list(IMPACT_MAP_HEADINGS.values())


def grid(page, index: int):
    editor = page.locator('[data-testid="stDataFrame"]').nth(index)
    editor.evaluate("element => element.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    return editor


def add_row(page, editor, rows: int) -> None:
    """Add a row with the grid's own 'Add row' button, select its first cell (the grid may
    be scrolled sideways from the last row, so click then go left to the first column)."""
    editor.hover()
    # the toolbar floats over the grid's top edge, which can take the pointer: click it directly
    editor.get_by_role("button", name="Add row").dispatch_event("click")
    wait_until_idle(page)
    select_cell(page, editor, row=rows, x=60)
    for _ in range(len(IMPACT_MAP_COLUMNS)):
        page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(300)


def test_build_a_two_outcome_scenario_and_read_the_ratio(page, app_server):
    open_page(page, app_server, "sroi")
    page.locator('[data-testid="stMetric"]', has_text="SROI ratio").wait_for(timeout=90_000)   # first run seeds the database
    wait_until_idle(page)
    assert page.locator('[data-testid="stAlert"]', has_text="fictional example").is_visible()
    assert metric_value(page, "SROI ratio") == "£5.17 : £1"
    assert_accessible(page)

    page.get_by_role("button", name="Start a blank impact map").click()
    wait_until_idle(page)
    assert page.get_by_text("Add the investment and at least one outcome").is_visible()

    investment = grid(page, 0)
    select_cell(page, investment, row=0, from_right=40)   # Amount (£) of the first input
    type_cells(page, investment, ["10000"])

    impact_map = grid(page, 1)
    # Stakeholder, Outcome, Indicator, Quantity, Proxy, Source, Price year, Deadweight, Displacement, Attribution, Drop-off, Duration
    add_row(page, impact_map, 0)
    type_cells(page, impact_map, ["Older people", "Less lonely", "", "10", "2000", "Journey test proxy", "", "20", "", "10", "0", "1"])
    page.keyboard.press("Escape")
    impact_map = grid(page, 1)
    add_row(page, impact_map, 1)
    type_cells(page, impact_map, ["Volunteers", "Wellbeing", "", "5", "1000", "Journey test proxy", "", "30", "", "20", "50", "2"])
    page.keyboard.press("Escape")
    wait_until_idle(page)

    errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert not errors, errors
    # by hand: 10 x 2000 x 0.8 x 0.9 = 14,400 in year 1; 5 x 1000 x 0.7 x 0.8 = 2,800 then 1,400
    present_value = 14400 / 1.035 + 2800 / 1.035 + 1400 / 1.035 ** 2
    assert metric_value(page, "Present value") == f"£{present_value:,.2f}" == "£17,925.27"
    assert metric_value(page, "SROI ratio") == f"£{present_value / 10000:,.2f} : £1" == "£1.79 : £1"
    assert metric_value(page, "Payback") == f"{10000 / (17200 / 12):.1f} months"
    assert page.get_by_text("SROI guide convention: year 1 discounted, drop-off from year 2").is_visible()
    assert_accessible(page)

    page.get_by_text("Discount year 1 (the SROI guide's convention)").click()
    wait_until_idle(page)
    undiscounted_year_one = 14400 + 2800 + 1400 / 1.035
    assert metric_value(page, "Present value") == f"£{undiscounted_year_one:,.2f}"
    assert page.get_by_text("Alternative convention: year 1 not discounted, drop-off from year 2").is_visible()

    page.get_by_role("tab", name="Sensitivity").click()  # only the chosen tab is drawn: wait for its rerun
    expect(page.get_by_text("Switching values: what would bring the ratio to £1 : £1")).to_be_visible()
    page.get_by_role("tab", name="Uncertainty").click()
    expect(page.locator('[data-testid="stMetric"]', has_text="Chance below £1 : £1")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the impact map and results (Excel)").click()
    workbook = openpyxl.load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    assert {"About", "Summary", "Impact map", "By outcome", "Switching values"} <= set(workbook.sheetnames)
    impact_rows = list(workbook["Impact map"].iter_rows(values_only=True))
    assert [row[1] for row in impact_rows[1:]] == ["Less lonely", "Wellbeing"]


def test_load_own_proxies_from_csv(page, app_server, tmp_path):
    open_page(page, app_server, "sroi")
    page.locator('[data-testid="stMetric"]', has_text="SROI ratio").wait_for(timeout=90_000)
    page.get_by_text("Financial proxy library").click()
    wait_until_idle(page)
    bad = tmp_path / "bad-proxies.csv"
    bad.write_text("name,unit,pounds,price_year,source,licence\nJourney proxy,night,lots,2024,Audit,Own\n", encoding="utf-8")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').last.set_input_files(str(bad))
    wait_until_idle(page)
    page.get_by_role("button", name="Add these proxies to my library").click()
    wait_until_idle(page)
    assert page.get_by_text("bad-proxies.csv, row 2, column pounds: 'lots' is not an amount").is_visible()

    good = tmp_path / "journey-proxies.csv"
    good.write_text("name,unit,pounds,price_year,source,licence\nJourney proxy night,night,45.50,2024,Audit,Own\n", encoding="utf-8")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').last.set_input_files(str(good))
    wait_until_idle(page)
    page.get_by_role("button", name="Add these proxies to my library").click()
    wait_until_idle(page)
    assert page.get_by_text("Added 1 proxy from journey-proxies.csv.").is_visible()
    assert_accessible(page)
