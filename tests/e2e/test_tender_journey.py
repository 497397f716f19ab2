"""A commissioner sets up a tender from a template, two evaluators score two bids on their
own, the panel moderates, and the assessment summary is downloaded; axe checks each view."""

from __future__ import annotations

import io
import uuid

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, choose, click, fill, open_page, open_tab, wait_until_idle

SCORES = {
    # evaluator -> bidder -> (quality, social value)
    "Evaluator One": {"Alpha Trust": (4, 3), "Beta CIC": (3, 2)},
    "Evaluator Two": {"Alpha Trust": (2, 3), "Beta CIC": (3, 3)},
}
AGREED = {("Alpha Trust", "Quality"): 3, ("Alpha Trust", "Social value"): 3, ("Beta CIC", "Quality"): 3, ("Beta CIC", "Social value"): 2}


def test_set_up_score_moderate_and_download(page, app_server):
    name = f"Befriending service {uuid.uuid4().hex[:6]}"
    open_page(page, app_server, "tender")
    fill(page, "Your name (recorded in the audit log)", "Commissioner")
    fill(page, "Name of the tender", name)
    choose(page, "Criteria", "Quality 60 / price 30 / social value 10")
    click(page, "Create tender")
    expect(page.get_by_text(f"Created '{name}'")).to_be_visible()
    expect(page.get_by_text("Publication check")).to_be_visible()
    assert_accessible(page)

    for bidder, price in (("Alpha Trust", "100000"), ("Beta CIC", "125000")):
        fill(page, "Bidder", bidder)
        fill(page, "Price (£)", price)
        click(page, "Save bid")
        expect(page.get_by_text(f"Saved the bid from {bidder}.")).to_be_visible()

    for evaluator, bids in SCORES.items():
        fill(page, "Your name (recorded in the audit log)", evaluator)
        wait_until_idle(page)
        open_tab(page, "Score")
        for bidder, (quality, social) in bids.items():
            choose(page, "Bid to score", bidder)
            wait_until_idle(page)
            choose(page, "Quality: score (0 to 5)", f"{quality} – {['unacceptable', 'serious reservations', 'minor reservations', 'acceptable', 'good', 'excellent'][quality]}")
            fill(page, "Quality: reason", f"{evaluator}: staffing plan and route coverage weighed against the specification")
            choose(page, "Social value: score (0 to 5)", f"{social} – {['unacceptable', 'serious reservations', 'minor reservations', 'acceptable', 'good', 'excellent'][social]}")
            fill(page, "Social value: reason", f"{evaluator}: local volunteering commitments counted")
            click(page, "Save my scores")
            expect(page.get_by_text(f"Saved your scores for {bidder}.")).to_be_visible()
    assert_accessible(page)

    fill(page, "Your name (recorded in the audit log)", "Panel chair")
    wait_until_idle(page)
    open_tab(page, "Moderate")
    expect(page.get_by_text("1 where evaluators are 2 points or more apart", exact=False)).to_be_visible()
    assert_accessible(page)
    for (bidder, criterion), score in AGREED.items():
        choose(page, "Bid and criterion to agree", f"{bidder} – {criterion}")
        wait_until_idle(page)
        descriptor = ["unacceptable", "serious reservations", "minor reservations", "acceptable", "good", "excellent"][score]
        choose(page, "Agreed score", f"{score} – {descriptor}")
        fill(page, "Reason for the agreed score", f"Panel agreed {score} for {bidder} after discussing the evidence")
        click(page, "Record agreed score")
        expect(page.get_by_text(f"Recorded the agreed score for {bidder}, {criterion}.")).to_be_visible()

    open_tab(page, "Results")
    # Alpha: 60 x 3/5 + 30 + 10 x 3/5 = 36 + 30 + 6 = 72; Beta: 36 + 30 x 100/125 + 4 = 64.
    expect(page.get_by_text("Most advantageous tender: Alpha Trust")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download assessment summary (Excel)").click()
    book = load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    rows = list(book["Assessment summary"].iter_rows(values_only=True))
    header = rows[0]
    totals = {r[header.index("Bidder")]: r[header.index("Points")] for r in rows[1:] if r[header.index("Criterion")] == "Total"}
    assert totals == {"Alpha Trust": 72.0, "Beta CIC": 64.0}
    quality = [r for r in rows[1:] if r[0] == "Alpha Trust" and r[1] == "Quality"][0]
    assert quality[header.index("Reason")] == "Panel agreed 3 for Alpha Trust after discussing the evidence"

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download printable summary (Markdown)").click()
    text = download_info.value.path().read_text(encoding="utf-8")
    assert f"# Assessment summary: {name}" in text and "**Winner:** Alpha Trust" in text

    open_tab(page, "Audit")
    expect(page.get_by_text("Every change to this tender")).to_be_visible()
    assert_accessible(page)
