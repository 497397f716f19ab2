"""A commissioner runs a three-bid tender from set-up to moderation with sign-in off (each
person types their name in the sidebar), through the sealed evaluation: she assigns two
evaluators, each declares no conflict and scores every bid on their own, she opens
moderation and records the agreed scores; the ranking and points are worked by hand
below. At 1280 px and on a 390 px phone; axe runs after every step."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, click, fill, open_page, open_tab, pick, type_name, wait_until_idle

DESCRIPTORS = ["unacceptable", "serious reservations", "minor reservations", "acceptable", "good", "excellent"]
BIDS = {"Alpha Trust": "100000", "Beta CIC": "125000", "Gamma Care": "80000"}
SCORES = {
    # evaluator -> bidder -> (quality, social value), each scored alone
    "Evaluator One": {"Alpha Trust": (4, 3), "Beta CIC": (3, 4), "Gamma Care": (2, 2)},
    "Evaluator Two": {"Alpha Trust": (4, 2), "Beta CIC": (2, 4), "Gamma Care": (3, 2)},
}
AGREED = {("Alpha Trust", "Quality"): 4, ("Alpha Trust", "Social value"): 3, ("Beta CIC", "Quality"): 3,
          ("Beta CIC", "Social value"): 4, ("Gamma Care", "Quality"): 2, ("Gamma Care", "Social value"): 2}


def label(score: int) -> str:
    return f"{score} – {DESCRIPTORS[score]}"


def test_three_bids_from_set_up_to_moderation(screen, app_server):
    kind, page = screen
    name = f"Carers' support service ({kind})"
    open_page(page, app_server, "tender")
    type_name(page, "Commissioner")
    if page.get_by_role("combobox", name="Tender").is_visible():  # tenders exist already (the other width's)
        pick(page, page, "Tender", "Start a new tender")
    fill(page, "Name of the tender", name)
    pick(page, page, "Criteria", "Quality 60 / price 30 / social value 10")
    click(page, "Create tender")
    expect(page.get_by_text(f"Created '{name}'")).to_be_visible()
    assert_accessible(page)

    for bidder, price in BIDS.items():
        fill(page, "Bidder", bidder)
        fill(page, "Price (£)", price)
        click(page, "Save bid")
        expect(page.get_by_text(f"Saved the bid from {bidder}.")).to_be_visible()
    assert_accessible(page)

    open_tab(page, "Evaluators")
    for evaluator in SCORES:
        fill(page, "Evaluator's name", evaluator)
        click(page, "Assign")
        expect(page.get_by_text(f"Assigned {evaluator}.")).to_be_visible()
    assert_accessible(page)

    for evaluator, bids in SCORES.items():
        type_name(page, evaluator)
        open_tab(page, "Evaluators")
        page.get_by_text("No conflict of interest", exact=True).click()
        click(page, "Record my declaration")
        expect(page.get_by_text("Declaration recorded.")).to_be_visible()
        assert_accessible(page)
        open_tab(page, "Score")
        for bidder, (quality, social) in bids.items():
            pick(page, page, "Bid to score", bidder)
            pick(page, page, "Quality: score (0 to 5)", label(quality))
            fill(page, "Quality: reason", f"{evaluator}: staffing plan and cover weighed against the specification")
            pick(page, page, "Social value: score (0 to 5)", label(social))
            fill(page, "Social value: reason", f"{evaluator}: local volunteering commitments counted")
            click(page, "Save my scores")
            expect(page.get_by_text(f"Saved your scores for {bidder}.")).to_be_visible()
        assert_accessible(page)

    type_name(page, "Commissioner")
    open_tab(page, "Moderate")
    click(page, "Open moderation")
    expect(page.get_by_text("Moderation is open.")).to_be_visible()
    # Evaluators 2 points or more apart: none here (the widest gap is 1), so all 6 wait.
    expect(page.get_by_text("6 scores to agree; 6 still without an agreed score; 0 where", exact=False)).to_be_visible()
    assert_accessible(page)
    for (bidder, criterion), score in AGREED.items():
        pick(page, page, "Bid and criterion to agree", f"{bidder} – {criterion}")
        pick(page, page, "Agreed score", label(score))
        fill(page, "Reason for the agreed score", f"Panel agreed {score} for {bidder} after discussing the evidence")
        click(page, "Record agreed score")
        expect(page.get_by_text(f"Recorded the agreed score for {bidder}, {criterion}.")).to_be_visible()
    assert_accessible(page)

    open_tab(page, "Results")
    wait_until_idle(page)
    # By hand (quality 60 x score/5; price 30 x lowest price / bid price; social value 10 x score/5):
    #   Alpha: 60 x 4/5 = 48 + 30 x 80,000/100,000 = 24 + 10 x 3/5 = 6  -> 78
    #   Beta:  60 x 3/5 = 36 + 30 x 80,000/125,000 = 19.2 + 10 x 4/5 = 8 -> 63.2
    #   Gamma: 60 x 2/5 = 24 + 30 (lowest price)          + 10 x 2/5 = 4 -> 58
    expect(page.get_by_text("Most advantageous tender: Alpha Trust")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download assessment summary (Excel)").click()
    rows = list(load_workbook(io.BytesIO(download_info.value.path().read_bytes()))["Assessment summary"].iter_rows(values_only=True))
    header = rows[0]
    totals = {r[header.index("Bidder")]: r[header.index("Points")] for r in rows[1:] if r[header.index("Criterion")] == "Total"}
    assert totals == {"Alpha Trust": 78.0, "Beta CIC": 63.2, "Gamma Care": 58.0}
    assert sorted(totals, key=totals.get, reverse=True) == ["Alpha Trust", "Beta CIC", "Gamma Care"]
    points = {(r[0], r[1]): r[header.index("Points")] for r in rows[1:]}
    assert points[("Beta CIC", "Price")] == 19.2 and points[("Gamma Care", "Price")] == 30.0
