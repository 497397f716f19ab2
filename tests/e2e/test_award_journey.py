"""A commissioner moderates the last score, issues the award pack, downloads one bidder's
assessment summary as a PDF and reads it as text, then records the contract award notice
and sees the standstill date; axe checks each step, at 1280 px and 390 px."""

from __future__ import annotations

import io
import json
import urllib.parse

import pytest
from playwright.sync_api import expect

from models import award_records, store, tender_records
from tests.conftest import ROOT
from models.formatting import uk_date
from models.standstill import standstill
from tests.e2e.conftest import assert_accessible, choose, click, fill, open_page, open_tab, streamlit_server, wait_until_idle

EXAMPLE = json.loads((ROOT / "data" / "examples" / "tender_example.json").read_text())
NAME = EXAMPLE["name"]
WEAVER = "Weaver Valley Community Transport (fictional)"
DANE = "Dane Ride CIC (fictional)"


@pytest.fixture(scope="module")
def app_server(tmp_path_factory, seeded_template):
    """The app with the fictional example stored, Weaver's quality score not yet agreed and
    Northway's low price explained."""
    from tests.conftest import copy_database
    from tests.e2e.conftest import _need_browser

    _need_browser()
    path = copy_database(seeded_template, tmp_path_factory.mktemp("award") / "dashboard.db")
    body = json.loads(json.dumps(EXAMPLE))
    quality = body["bids"][0]["scores"]["quality"]
    quality.pop("moderated"), quality.pop("reason")
    with store.opened(path) as db:
        tender_id = tender_records.import_scenario(db, body, who="Set-up")
        tender_records.record_explanation(db, tender_id, "Northway Logistics Ltd (fictional)",
                                          "Two vehicles already owned outright.", who="Set-up")
    with streamlit_server(path) as url:
        yield url


def test_moderate_issue_download_and_standstill(page, app_server):
    open_page(page, app_server, "tender?" + urllib.parse.urlencode({"tender.name": NAME, "tender.tab": "Moderate"}))
    fill(page, "Your name (recorded in the audit log)", "Panel chair")
    wait_until_idle(page)
    choose(page, "Bid and criterion to agree", f"{WEAVER} – Quality of service")
    choose(page, "Agreed score", "4 – good")
    fill(page, "Reason for the agreed score", "Named drivers for each rural route and a winter plan tested last year")
    click(page, "Record agreed score")
    expect(page.get_by_text(f"Recorded the agreed score for {WEAVER}, Quality of service.")).to_be_visible()
    assert_accessible(page)

    open_tab(page, "Award")
    click(page, "Issue the award pack")
    expect(page.get_by_text("Award pack issued: download the documents below")).to_be_visible()
    expect(page.get_by_text(f"{WEAVER} at £180,000.00", exact=False)).to_be_visible()
    assert_accessible(page)

    choose(page, "Bidder", DANE)
    with page.expect_download() as download_info:
        page.get_by_role("button", name=f"Download {DANE}'s summary (PDF)").click()
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(download_info.value.path().read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    # By hand (tests/pages/test_tender_page.py): Weaver 81.17, Dane Ride 79.86.
    assert "Your tender was not successful. It ranked 2nd of 3 with 79.86 points out of 100." in text
    assert "Named drivers for each rural route and a winter plan tested last year." in text  # the winner's agreed reason
    assert "Clear cover for driver absence and a named volunteer coordinator in each area." in text  # Dane Ride's own
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"

    click(page, "Record the notice and start the standstill")
    expect(page.get_by_text("Notice recorded: the standstill has started.")).to_be_visible()
    period = standstill(award_records.today())
    expect(page.get_by_text(f"Standstill ends at the end of {period.ends:%A} {uk_date(period.ends)}", exact=False)).to_be_visible()
    assert_accessible(page)

    click(page, "Record the contract as entered into")
    expect(page.get_by_text("the standstill period runs to the end of", exact=False)).to_be_visible()
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 844})
    wait_until_idle(page)
    expect(page.get_by_role("tab", name="Award")).to_be_visible()
    assert_accessible(page)
