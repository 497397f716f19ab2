"""The award pack: assessment summaries, the decision report and the checks before issue,
against a small tender worked by hand, and the documents' text layer and structure."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from models import award_pack, documents, tender
from models.award_pack import AwardDetails, Conflict, Lot
from models.errors import DomainError

QUALITY_REASON = {
    "A": "Agreed 4: a named key worker for every family and a clear plan for school holidays",
    "B": "Moderated 5 - weekly outreach sessions in every village hall, with evidence from the current service",
    "C": "Sound staffing plan; little on how families are referred in",
}
SOCIAL_REASON = {
    "A": "Two local apprenticeships and a volunteer programme with a named coordinator",
    "B": "Four local apprenticeships and paid placements for care leavers",
    "C": "One local apprenticeship; no volunteering offer",
}


def hand_scenario(**overrides) -> dict:
    """Quality 60, price 30 (lowest price ratio), social value 10 (scored 0-5).

    By hand (lowest qualifying price £80,000, C's):
      A: quality 60 x 4/5 = 48, price 30 x 80/100 = 24,   social value 10 x 3/5 = 6 -> 78
      B: quality 60 x 5/5 = 60, price 30 x 80/125 = 19.2, social value 10 x 4/5 = 8 -> 87.2 (winner)
      C: quality 60 x 3/5 = 36, price 30 x 80/80  = 30,   social value 10 x 2/5 = 4 -> 70
    C's £80,000 is 28.9% below the mean of the others (£112,500): abnormally low."""
    scores = {"A": (4, 3), "B": (5, 4), "C": (3, 2)}
    prices = {"A": 100_000, "B": 125_000, "C": 80_000}
    body = {
        "name": "Family support 2027",
        "criteria": [
            {"id": "quality", "name": "Quality", "type": "quality", "weight": 60},
            {"id": "price", "name": "Price", "type": "price", "weight": 30, "method": "lowest_price_ratio"},
            {"id": "social_value", "name": "Social value", "type": "social_value", "weight": 10},
            {"id": "safeguarding", "name": "Safeguarding", "type": "pass_fail"},
        ],
        "bids": [
            {"bidder": name, "price": prices[name],
             "low_price_explanation": "Volunteers deliver half the sessions, costed in the tender" if name == "C" else "",
             "scores": {
                 "quality": {"evaluators": {"Ann": {"score": q, "reason": "x"}}, "moderated": q, "reason": QUALITY_REASON[name]},
                 "social_value": {"score": s, "reason": SOCIAL_REASON[name]},
                 "safeguarding": "pass"}}
            for name, (q, s) in scores.items()
        ],
    }
    body.update(overrides)
    return body


def evaluation(body=None) -> tender.Evaluation:
    return tender.evaluate(tender.parse_scenario(body or hand_scenario()))


DETAILS = AwardDetails(procurement="Family support 2027", notice_published=dt.date(2026, 12, 21),
                       prepared_on=dt.date(2026, 12, 18))


def flat(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- summaries by hand


def test_unsuccessful_bidder_summary_by_hand():
    lot = Lot(evaluation())
    text = flat(award_pack.bidder_summary(lot, "A", DETAILS).text())
    assert "Your tender was not successful. It ranked 2nd of 3 with 78.00 points out of 100." in text
    assert "The most advantageous tender, from B, scored 87.20 points, 9.20 more than yours." in text
    # own scores, points and the agreed reason rewritten as a sentence (the 'Agreed 4:' prefix goes)
    assert "Quality | 60% | 4 out of 5 | 48.00 of 60.00 | A named key worker for every family and a clear plan for school holidays." in text
    assert "Price | 30% | £100,000.00 | 24.00 of 30.00 | 25.0% above the lowest qualifying price of £80,000.00." in text
    # the winner's assessment and where it scored higher, with its reasons
    assert "Quality | 60% | 5 out of 5 | 60.00 of 60.00 | Weekly outreach sessions in every village hall" in text
    assert "Quality: 60.00 points to your 48.00; the winning tender scored 5 out of 5 against your 4 out of 5." in text
    assert "Social value: 8.00 points to your 6.00" in text
    assert "Price: 19.20 points to your 24.00; the winning tender's price was £125,000.00 against your £100,000.00." in text
    # price method, social value, abnormally low price and the standstill dates
    assert "Price points = the price criterion's weight × the lowest qualifying price ÷ the tender's price." in text
    assert "The panel scored your tender 3 out of 5. Two local apprenticeships and a volunteer programme" in text
    assert "Your price was not abnormally low" in text
    assert "ending at the end of Tuesday 5 January 2027" in text  # Scotland keeps Mon 4 Jan


def test_successful_bidder_and_the_abnormally_low_price_investigated():
    lot = Lot(evaluation())
    winner = flat(award_pack.bidder_summary(lot, "B", DETAILS).text())
    assert "Your tender was successful. It is the most advantageous tender, ranked 1st of 3 with 87.20 points" in winner
    assert "The winning tender" not in winner
    low = flat(award_pack.bidder_summary(lot, "C", DETAILS).text())
    assert ("Your price of £80,000.00 was 28.9% below the average of the other tenders' prices (£112,500.00), "
            "so we investigated") in low
    assert "“Volunteers deliver half the sessions, costed in the tender” We accepted it" in low


def test_scores_are_numbers_not_descriptors():
    rows = award_pack.assessments(evaluation(), "B")
    assert [r.score for r in rows] == ["5 out of 5", "£125,000.00", "4 out of 5", "Pass"]
    assert not any(word in r.reason.lower() for r in rows for word in ("excellent", "good"))


@pytest.mark.parametrize("raw, plain", [
    ("Agreed 4: routes are strong", "Routes are strong."),
    ("Score 3/5 - sound plan.", "Sound plan."),
    ("  named   staff for each route ", "Named staff for each route."),
    ("4 winter plan tested", "4 winter plan tested."),  # a number that is not a score prefix stays
])
def test_plain_reason(raw, plain):
    assert award_pack.plain_reason(raw) == plain


def test_disqualified_bidder_is_told_why():
    body = hand_scenario()
    body["bids"][2]["scores"]["safeguarding"] = "fail"
    text = flat(award_pack.bidder_summary(Lot(evaluation(body)), "C", DETAILS).text())
    assert "Your tender was not successful: it failed the pass/fail gate 'Safeguarding'" in text
    assert "Safeguarding | Pass/fail | Fail |" in text


# ---------------------------------------------------------------- nothing weak is issued


def test_a_reason_that_only_repeats_the_descriptor_blocks_the_pack():
    body = hand_scenario()
    body["bids"][0]["scores"]["quality"]["reason"] = "Good."
    lots = [Lot(evaluation(body))]
    with pytest.raises(DomainError) as refused:
        award_pack.pack_files(lots, DETAILS, draws=0)
    assert "A, Quality: the agreed reason ('Good.') does not explain the score" in str(refused.value)


def test_an_unexplained_abnormally_low_price_blocks_the_pack():
    body = hand_scenario()
    body["bids"][2]["low_price_explanation"] = ""
    problems = award_pack.issue_problems([Lot(evaluation(body))])
    assert problems == ["C's price £80,000.00 is 28.9% below the mean of the other bids (£112,500.00). "
                        "Ask the bidder to explain the price and record the explanation before award."]


# ---------------------------------------------------------------- the decision report


def test_decision_report_sensitivity_by_hand():
    # Quality's share w, price and social value rescaled 3:1 in the rest. Normalised scores
    # (quality, price, social value): A .8 .8 .6, B 1 .64 .8, C .6 1 .4, so the totals are
    # A .75 + .05w, B .68 + .32w, C .85 - .25w. B leads C for w > .17/.57 = 29.82% and A
    # for w > .07/.27 = 25.93%: below 29.82% C wins.
    # Price's share w, quality and social value rescaled 6:1: A .77143 + .02857w,
    # B .97143 - .33143w, C .57143 + .42857w. C overtakes B at w = .4/.76 = 52.63%
    # (before A, at .2/.36 = 55.56%).
    sentences = award_pack.sensitivity_sentences(evaluation())
    assert sentences[0] == "B stays the winner unless Quality's weight (now 60%) falls below 29.82% (then C wins)."
    assert sentences[1] == "B stays the winner unless Price's weight (now 30%) rises above 52.63% (then C wins)."


def test_decision_report_holds_ranking_probability_and_conflicts():
    conflicts = (Conflict("Ann", "None declared"), Conflict("Raj", "Trustee of C until 2025", "Did not score C"))
    details = AwardDetails(procurement="Family support 2027", prepared_on=dt.date(2026, 12, 18), conflicts=conflicts)
    text = flat(award_pack.decision_report(Lot(evaluation()), details, draws=2000).text())
    assert "Award the contract to B, the most advantageous tender with 87.20 points out of 100, at a price of £125,000.00." in text
    assert "1 | B | £125,000.00 | 87.20 |" in text and "3 | C | £80,000.00 | 70.00 |" in text
    assert re.search(r"\(2,000 draws\), B wins \d+\.\d% of draws", text)
    assert "Raj | Trustee of C until 2025 | Did not score C" in text
    assert "has not been published yet" in text
    none_held = flat(award_pack.decision_report(Lot(evaluation()), DETAILS, draws=100).text())
    assert "No conflicts record is held with this tender" in none_held


# ---------------------------------------------------------------- the files


@pytest.fixture(scope="module")
def pack() -> dict[str, bytes]:
    return award_pack.pack_files([Lot(evaluation())], DETAILS, draws=500)


def test_pack_has_every_document(pack):
    assert sorted(pack) == sorted([
        "award-decision.pdf", "award-decision.docx", "assessment-summary.xlsx", "award-notice-ocds.json",
        "clarification-log.pdf",
        *[f"assessment-summary-{b}.{ext}" for b in ("a", "b", "c") for ext in ("pdf", "docx")],
    ])
    assert award_pack.zip_bytes(pack)[:2] == b"PK"


def _pdf(data: bytes):
    import pypdf

    return pypdf.PdfReader(io.BytesIO(data))


def _structure(node, found: list) -> None:
    node = node.get_object()
    if "/S" in node:
        found.append(str(node["/S"]))
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "get"):
            _structure(kid, found)


def test_pdf_text_layer_holds_every_criterion_score_and_reason(pack):
    reader = _pdf(pack["assessment-summary-a.pdf"])
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    for bidder in ("A", "B"):  # A's own assessment and the winner's
        for assessment in award_pack.assessments(evaluation(), bidder):
            assert assessment.score in text
            assert flat(assessment.reason) in text, assessment.criterion.name
    assert "48.00 of 60.00" in text and "60.00 of 60.00" in text


def test_pdf_is_tagged_with_language_and_a_heading_per_section(pack):
    summary = award_pack.bidder_summary(Lot(evaluation()), "A", DETAILS)
    reader = _pdf(pack["assessment-summary-a.pdf"])
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert reader.metadata.title == summary.title
    found: list[str] = []
    _structure(root["/StructTreeRoot"], found)
    sections = [b for b in summary.blocks if isinstance(b, documents.Heading)]
    assert found.count("/H1") == 1
    assert found.count("/H2") == len(sections) == 9
    assert {"/Table", "/THead", "/TH", "/TD", "/Caption", "/P", "/L"} <= set(found)
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    for section in sections:
        assert section.text in text


def test_decision_report_is_one_page(pack):
    assert len(_pdf(pack["award-decision.pdf"]).pages) == 1


def test_docx_has_headings_tables_and_language(pack):
    from docx import Document as WordDocument
    from docx.oxml.ns import qn

    word = WordDocument(io.BytesIO(pack["assessment-summary-a.docx"]))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "Assessment summary: Family support 2027"
    assert "Why the winning tender scored higher" in headings
    assert word.core_properties.language == "en-GB"
    lang = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "en-GB"
    own = word.tables[1]
    assert [c.text for c in own.rows[0].cells] == ["Criterion", "Weight", "Score", "Points", "Reasons"]
    assert own.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in own.rows[1].cells] == [
        "Quality", "60%", "4 out of 5", "48.00 of 60.00",
        "A named key worker for every family and a clear plan for school holidays."]


def test_xlsx_summary_holds_each_reason(pack):
    book = load_workbook(io.BytesIO(pack["assessment-summary.xlsx"]))
    rows = list(book["Assessment summary"].iter_rows(values_only=True))
    reasons = {(r[0], r[1]): r[6] for r in rows[1:]}
    assert reasons[("B", "Quality")] == QUALITY_REASON["B"]
    assert reasons[("A", "Social value")] == SOCIAL_REASON["A"]


def test_user_text_cannot_become_markup():
    body = hand_scenario()
    body["bids"][0]["scores"]["quality"]["reason"] = "Plan <script>alert(1)</script> & <img src='http://x'> ok"
    document = award_pack.bidder_summary(Lot(evaluation(body)), "A", DETAILS)
    page = documents.html_text(document)
    assert "<script>" not in page and "&lt;script&gt;" in page and "<img" not in page
    text = flat(" ".join(p.extract_text() for p in _pdf(documents.pdf_bytes(document)).pages))
    assert "Plan <script>alert(1)</script> & <img src='http://x'> ok." in text
