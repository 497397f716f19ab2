"""An officer imports a council's 360Giving grants on the Data page: sees the check
report first (a broken file beside it is refused, naming row and column), imports,
finds the grants in the spend explorer by financial year and body type, then takes the
import out again, leaving the explorer as it was. Every page visited passes axe."""

from __future__ import annotations

import csv
from decimal import Decimal
from urllib.parse import quote

from tests.conftest import ROOT, SHARED_DATA
from tests.e2e.conftest import assert_accessible, metric_value, open_page, wait_until_idle

GRANTS = SHARED_DATA / "real" / "trafford_council_voluntary_sector_grants_360giving.csv"
BROKEN = ROOT / "tests" / "fixtures" / "broken" / "text_in_amount_360.csv"


def expected_total(first_day: str, last_day: str) -> str:
    with open(GRANTS, encoding="utf-8", newline="") as handle:
        total = sum(Decimal(r["Amount Awarded"]) for r in csv.DictReader(handle) if first_day <= r["Award Date"][:10] <= last_day)
    return f"£{total:,.2f}"


def other_funder_file(tmp_path):
    path = tmp_path / "community_foundation_grants.csv"
    path.write_text(
        "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name,"
        "Funding Org:Identifier,Funding Org:Name\n"
        "360G-e2e-cf-1,Lunch club (fictional),Meals,GBP,1234.56,2025-05-01,GB-CHC-1164883,Crewe Lunch Club (fictional),"
        "GB-CHC-1090000,E2E Community Foundation (fictional)\n",
        encoding="utf-8",
    )
    return path


def open_data_page(page, app_server) -> None:
    open_page(page, app_server, "data")
    # The first visit to a fresh server also creates and seeds its database.
    page.get_by_role("heading", name="Import data").wait_for(timeout=120_000)
    wait_until_idle(page)


def remove_import(page, app_server, file_name: str) -> None:
    open_data_page(page, app_server)
    choice = page.get_by_role("combobox", name="Import to remove")
    if not choice.input_value().startswith(file_name):  # the newest import is chosen first
        choice.click()
        page.get_by_role("option", name=file_name).first.click()
        wait_until_idle(page)
    assert choice.input_value().startswith(file_name)
    page.get_by_text("Yes, remove every row this import wrote").click()
    wait_until_idle(page)
    page.get_by_role("button", name="Remove rows").click()
    wait_until_idle(page)
    page.get_by_text("Removed", exact=False).first.wait_for()


def test_import_check_explore_and_remove(page, app_server, shared_data, tmp_path):
    open_data_page(page, app_server)
    assert_accessible(page)

    page.locator('input[type="file"]').set_input_files([str(GRANTS), str(BROKEN)])
    # An upload alone checks nothing: the person presses Check (run in a limited process).
    page.get_by_role("button", name="Check").wait_for(timeout=60_000)
    assert page.get_by_text("would be 555 rows added").count() == 0
    page.get_by_role("button", name="Check").click()
    page.get_by_text("would be 555 rows added").wait_for(timeout=120_000)
    wait_until_idle(page)
    assert page.get_by_text("text_in_amount_360.csv: rejected, nothing written").is_visible()
    assert page.get_by_text("'two thousand' is not a number").first.is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Import 1 file").click()
    page.get_by_text("imported as 360Giving grants — 555 rows added").wait_for(timeout=120_000)
    wait_until_idle(page)
    assert page.get_by_role("heading", name="Import log").is_visible()
    try:
        open_page(page, app_server, "spend?spend.year=" + quote("2019/20"))
        assert metric_value(page, "Total spend") == expected_total("2019-04-01", "2020-03-31")
        assert metric_value(page, "Grants") == expected_total("2019-04-01", "2020-03-31")
        assert_accessible(page)
        open_page(page, app_server, "spend?spend.year=" + quote("2008/09") + "&spend.body=Local+government")
        assert metric_value(page, "Total spend") == "£3,103,486.94"  # the framework's own year is untouched
    finally:
        remove_import(page, app_server, "trafford_council_voluntary_sector_grants_360giving.csv")
    assert_accessible(page)  # the Data page after removing an import
    open_page(page, app_server, "spend")
    assert metric_value(page, "Total spend") == "£3,103,486.94"


def test_other_funder_grants_show_under_their_body_type(page, app_server, tmp_path):
    path = other_funder_file(tmp_path)
    open_data_page(page, app_server)
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_role("button", name="Check").click()
    page.get_by_text("would be 1 row added").wait_for(timeout=120_000)
    wait_until_idle(page)
    page.get_by_role("button", name="Import 1 file").click()
    page.get_by_text("imported as 360Giving grants — 1 row added").wait_for(timeout=120_000)
    try:
        open_page(page, app_server, "spend?spend.body=Other+funder&spend.year=" + quote("2025/26"))
        assert metric_value(page, "Total spend") == "£1,234.56"
    finally:
        remove_import(page, app_server, path.name)
    assert_accessible(page)  # the Data page after removing an import
