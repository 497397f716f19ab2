"""The award pack (Procurement Act 2023): an assessment summary for every bidder (s.50,
Procurement Regulations 2024 reg. 31), a one-page award decision report for the
decision-maker, and the award notice as data (``models.ocds_export``).

Pure functions of the tender engine's result (``models.tender.Evaluation``): they never
touch the database. Each summary is written in plain English from the panel's moderated
reasons, not from the scoring scale's descriptors, and says:

- the bidder's score, points and agreed reasons against each award criterion;
- where the bidder was unsuccessful, the same for the winning tender, and where and by how
  much the winning tender scored higher;
- the price and how price was scored; social value; whether an abnormally low price was
  investigated, and the outcome.

Nothing is issued while a reason is missing or only repeats a descriptor (the tender
engine's ``reason_repeats_descriptor`` check), while an abnormally low price has no
recorded explanation, or when no bid qualified: ``issue_problems`` lists what to fix.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from . import tender
from .documents import Bullets, Document, Heading, Paragraph, table
from .errors import DomainError
from .export import file_stem
from .formatting import money_from_pounds, percent, uk_date
from .standstill import STANDSTILL_WORKING_DAYS, standstill

DEFAULT_BUYER = "Cheshire East Council"
DEFAULT_BUYER_ID = "GB-LAE-CHE"
CRITERION_KINDS = {"quality": "Quality", "price": "Price", "social_value": "Social value", "pass_fail": "Pass/fail"}
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


@dataclass(frozen=True)
class Conflict:
    """One line of the conflicts record (Procurement Act 2023 ss.81-83)."""

    person: str
    declaration: str  # "none declared" or what was declared
    management: str = ""  # how a declared conflict is managed


@dataclass(frozen=True)
class Clarification:
    """A question asked during the procurement and the answer shared with every bidder.
    Who asked is not recorded: the answer goes to all bidders alike."""

    number: int
    question: str
    answer: str
    asked_on: dt.date
    answered_on: dt.date | None = None


@dataclass(frozen=True)
class Lot:
    """One lot's evaluation; a tender without lots is one lot with an empty title."""

    evaluation: tender.Evaluation
    title: str = ""
    number: int = 1


@dataclass(frozen=True)
class AwardDetails:
    """What the award pack needs beyond the evaluation."""

    procurement: str
    reference: str = ""  # the council's reference (used in the OCDS ocid)
    buyer: str = DEFAULT_BUYER
    buyer_id: str = DEFAULT_BUYER_ID  # org-id of the buyer: GB-LAE-CHE is Cheshire East
    notice_published: dt.date | None = None  # the contract award notice's publication date
    prepared_on: dt.date = field(default_factory=dt.date.today)
    conflicts: tuple[Conflict, ...] | None = None  # None: no conflicts record held
    fictional: bool = False


# ---------------------------------------------------------------------------- checks before issue


def weak_reasons(evaluation: tender.Evaluation) -> list[dict]:
    """Each judged score whose reason is missing or only repeats the descriptor:
    {'bidder', 'criterion', 'reason'}."""
    found = []
    for bid in evaluation.scenario.bids:
        for criterion in evaluation.scenario.criteria:
            if not criterion.is_judged:
                continue
            score = bid.scores.get(criterion.id)
            reason = score.reason if score else ""
            if not reason.strip() or tender.reason_repeats_descriptor(reason, criterion.descriptors):
                found.append({"bidder": bid.bidder, "criterion": criterion.name, "reason": reason})
    return found


def issue_problems(lots: Sequence[Lot]) -> list[str]:
    """What must be put right before the pack can be issued (empty when it can)."""
    problems = []
    for lot in lots:
        where = f"{lot.title}: " if lot.title else ""
        evaluation = lot.evaluation
        if evaluation.winner is None:
            problems.append(f"{where}no tender qualified, so there is no contract to award.")
        for weak in weak_reasons(evaluation):
            said = f"'{weak['reason']}'" if weak["reason"].strip() else "no reason"
            problems.append(
                f"{where}{weak['bidder']}, {weak['criterion']}: the agreed reason ({said}) does not explain the score; "
                "write what in the tender earned it before the summaries are issued."
            )
        for flag in evaluation.flags:
            if flag["kind"] == "abnormally_low_price" and flag["needs_action"]:
                problems.append(f"{where}{flag['message']}")
    return problems


def check_can_issue(lots: Sequence[Lot]) -> None:
    """Raise DomainError listing every problem unless the pack can be issued."""
    problems = issue_problems(lots)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise DomainError(f"The award pack cannot be issued yet: {problems[0]}{more}", problems=problems)


# ---------------------------------------------------------------------------- plain English


_SCORE_PREFIX = re.compile(r"^\s*(agreed|moderated|score[ds]?|panel)?\s*(score\s*)?\d+(\.\d+)?\s*(/\s*\d+|of\s+\d+|out of\s+\d+)?\s*[:\-–—.]\s*", re.IGNORECASE)


def plain_reason(reason: str) -> str:
    """The panel's reason as a sentence for the bidder: a leading 'Agreed 4:' (the score is
    stated beside it) removed, spaces tidied, a capital first letter and a full stop."""
    text = " ".join((reason or "").split())
    text = _SCORE_PREFIX.sub("", text, count=1).strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _ordinal(rank: int) -> str:
    return ORDINALS.get(rank, f"{rank}th")


def _points(value: float) -> str:
    return f"{value:.2f}"


def _share(value: float) -> str:
    return f"{value:g}%" if float(value).is_integer() else f"{value:.2f}%"


@dataclass(frozen=True)
class CriterionAssessment:
    """One bid against one criterion, as the bidder reads it."""

    criterion: tender.Criterion
    weight: float | None  # percent of the total (None for pass/fail)
    score: str  # '4 out of 5', '£165,000.00', 'Pass'
    points: float | None  # None: pass/fail, or the bid was disqualified
    reason: str  # plain English


def _shares(evaluation: tender.Evaluation) -> dict[str, float]:
    scenario = evaluation.scenario
    return {c.id: float(s) * 100 for c, s in zip(scenario.weighted, scenario.shares())}


def _lowest_price(evaluation: tender.Evaluation) -> float | None:
    return min((b.price for b in evaluation.qualifying if b.price is not None), default=None)


def price_method_sentence(criterion: tender.Criterion) -> str:
    """How price was scored, in words."""
    if criterion.method == "lowest_price_ratio":
        return "Price points = the price criterion's weight × the lowest qualifying price ÷ the tender's price."
    if criterion.method == "linear_deduction":
        return ("Price points = the price criterion's weight × (1 − (the tender's price − the lowest qualifying price) "
                "÷ the lowest qualifying price), not below 0: each 1% above the lowest price loses 1% of the price points.")
    return (f"Full price points at or below the floor price of {money_from_pounds(criterion.floor_price)}, none at or above "
            f"the budget of {money_from_pounds(criterion.budget)}, and in proportion between the two; "
            "other tenders' prices do not affect the score.")


def _scale_sentence(criterion: tender.Criterion) -> str:
    if criterion.descriptors:
        scale = ", ".join(f"{i} {d}" for i, d in enumerate(criterion.descriptors))
        return f"Scored 0 to {criterion.max_score:g} by the evaluation panel ({scale})."
    return f"Scored 0 to {criterion.max_score:g} by the evaluation panel."


def _how_scored(criterion: tender.Criterion) -> str:
    if criterion.type == "price":
        return tender.PRICE_METHOD_LABELS[criterion.method] + ". " + price_method_sentence(criterion)
    if criterion.type == "pass_fail":
        return "Pass or fail; a fail means the tender cannot be awarded the contract."
    if criterion.proxies:
        return ("Committed quantities × the council's proxy value of each (£ per unit); the highest social value "
                "offered earns full points, others in proportion.")
    text = _scale_sentence(criterion)
    if criterion.min_score is not None:
        text += f" A score below {criterion.min_score:g} means the tender cannot be awarded the contract."
    return text


def assessments(evaluation: tender.Evaluation, bidder: str) -> list[CriterionAssessment]:
    """The bid's score, points and plain-English reason against every criterion."""
    bid = _bid(evaluation, bidder)
    result = _result(evaluation, bidder)
    shares = _shares(evaluation)
    lowest = _lowest_price(evaluation)
    rows = []
    for criterion in evaluation.scenario.criteria:
        weighted = criterion.type != "pass_fail"
        points = result.points.get(criterion.id) if weighted and result.rank else None
        score = bid.scores.get(criterion.id)
        if criterion.type == "price":
            shown = money_from_pounds(bid.price)
            if lowest is None or not result.rank:
                reason = "Not scored: the tender did not qualify."
            elif bid.price <= lowest:
                reason = "The lowest qualifying price, so it earned the full price points."
            else:
                above = bid.price / lowest - 1
                reason = f"{percent(above)} above the lowest qualifying price of {money_from_pounds(lowest)}."
        elif criterion.type == "pass_fail":
            shown = "Pass" if score.value else "Fail"
            reason = plain_reason(score.reason) or ("Met the requirement." if score.value else
                                                    "Did not meet the requirement, so the tender could not be awarded the contract.")
        elif criterion.proxies:
            shown = f"{money_from_pounds(score.value)} social value"
            reason = _quantities_sentence(criterion, score) + (f" {plain_reason(score.reason)}" if score.reason else "")
        else:
            shown = f"{score.value:g} out of {criterion.max_score:g}"
            reason = plain_reason(score.reason)
        rows.append(CriterionAssessment(criterion, shares.get(criterion.id), shown, points, reason))
    return rows


def _quantities_sentence(criterion: tender.Criterion, score: tender.Score) -> str:
    parts = [
        f"{quantity:,g} × {measure} at {money_from_pounds(criterion.proxies[measure])} = "
        f"{money_from_pounds(quantity * criterion.proxies[measure])}"
        for measure, quantity in (score.quantities or {}).items()
    ]
    return ("Committed: " + "; ".join(parts) + ".") if parts else "No social value quantities were committed."


def _bid(evaluation: tender.Evaluation, bidder: str) -> tender.Bid:
    for bid in evaluation.scenario.bids:
        if bid.bidder == bidder:
            return bid
    raise DomainError(f"No tender from '{bidder}' in '{evaluation.scenario.name}'")


def _result(evaluation: tender.Evaluation, bidder: str) -> tender.BidResult:
    return next(r for r in evaluation.results if r.bidder == bidder)


def _assessment_table(rows: list[CriterionAssessment], caption: str):
    return table(
        caption,
        ["Criterion", "Weight", "Score", "Points", "Reasons"],
        [
            [a.criterion.name, _share(a.weight) if a.weight is not None else "Pass/fail", a.score,
             "" if a.points is None else f"{_points(a.points)} of {_points(a.weight)}", a.reason]
            for a in rows
        ],
        numeric=["Weight", "Points"],
    )


def comparison(evaluation: tender.Evaluation, bidder: str) -> tuple[list[str], list[str]]:
    """Where the winning tender scored more points than ``bidder``'s (with the winner's
    reason), and where ``bidder``'s scored more: two lists of sentences."""
    winner = evaluation.winner
    mine, theirs = _result(evaluation, bidder), _result(evaluation, winner)
    my_rows = {a.criterion.id: a for a in assessments(evaluation, bidder)}
    their_rows = {a.criterion.id: a for a in assessments(evaluation, winner)}
    higher, lower = [], []
    for criterion in evaluation.scenario.weighted:
        ours, win = mine.points[criterion.id], theirs.points[criterion.id]
        if abs(win - ours) < 0.005:
            continue
        a, b = my_rows[criterion.id], their_rows[criterion.id]
        if criterion.type == "price":
            detail = f"the winning tender's price was {b.score} against your {a.score}"
        else:
            detail = f"the winning tender scored {b.score} against your {a.score}"
            if b.reason:
                detail += f". The panel's reasons for the winning tender: {b.reason}"
        sentence = f"{criterion.name}: {_points(win)} points to your {_points(ours)}; {detail}"
        (higher if win > ours else lower).append(sentence if sentence.endswith(".") else sentence + ".")
    return higher, lower


# ---------------------------------------------------------------------------- the summaries


def _heading_title(kind: str, details: AwardDetails, lot: Lot) -> str:
    lot_part = f", {lot.title}" if lot.title else ""
    return f"{kind}: {details.procurement}{lot_part}"


def _fictional_note(details: AwardDetails, lot: Lot) -> list:
    if details.fictional or lot.evaluation.scenario.fictional:
        return [Paragraph("FICTIONAL worked example: the bidders, prices and scores are invented for demonstration.", emphasis=True)]
    return []


def _standstill_paragraphs(details: AwardDetails) -> list:
    if details.notice_published is None:
        return [Paragraph(
            f"The contract award notice has not been published yet. The standstill period of {STANDSTILL_WORKING_DAYS} "
            "working days will begin on the day it is published, and the contract will not be entered into before it ends."
        )]
    period = standstill(details.notice_published)
    return [Paragraph(period.summary + " The contract will not be entered into before then.")]


def bidder_summary(lot: Lot, bidder: str, details: AwardDetails) -> Document:
    """The assessment summary for one bidder, as a document (PDF and DOCX)."""
    evaluation = lot.evaluation
    scenario = evaluation.scenario
    result = _result(evaluation, bidder)
    bid = _bid(evaluation, bidder)
    winner = evaluation.winner
    ranked = len(evaluation.ranked)
    blocks: list = [Paragraph(f"To: {bidder}"), Paragraph(f"From: {details.buyer}. Prepared on {uk_date(details.prepared_on)}.")]
    blocks += _fictional_note(details, lot)

    blocks.append(Heading("The outcome"))
    if bidder == winner:
        blocks.append(Paragraph(
            f"Your tender was successful. It is the most advantageous tender, ranked 1st of {ranked} with "
            f"{_points(result.total)} points out of 100, and we intend to award you the contract."
        ))
    elif result.rank:
        margin = _result(evaluation, winner).total - result.total
        blocks.append(Paragraph(
            f"Your tender was not successful. It ranked {_ordinal(result.rank)} of {ranked} with {_points(result.total)} "
            f"points out of 100. The most advantageous tender, from {winner}, scored "
            f"{_points(_result(evaluation, winner).total)} points, {_points(margin)} more than yours."
        ))
    else:
        blocks.append(Paragraph(
            f"Your tender was not successful: it {result.disqualified}, so it could not be awarded the contract "
            "and its points were not added up."
        ))
    blocks += _standstill_paragraphs(details)

    blocks.append(Heading("How tenders were assessed"))
    blocks.append(table(
        "The award criteria, their weights and how each was scored",
        ["Criterion", "Weight", "How it was scored"],
        [[c.name, _share(_shares(evaluation)[c.id]) if c.type != "pass_fail" else "Pass/fail", _how_scored(c)]
         for c in scenario.criteria],
        numeric=["Weight"],
    ))

    blocks.append(Heading("Your tender's assessment"))
    blocks.append(_assessment_table(assessments(evaluation, bidder), f"{bidder}: score, points and reasons for each criterion"))

    blocks += _price_section(evaluation, bid, result)
    blocks += _social_value_section(evaluation, bid, result)
    blocks += _abnormally_low_section(evaluation, bid)

    if bidder != winner and winner is not None:
        blocks.append(Heading("The winning tender"))
        blocks.append(Paragraph(f"The most advantageous tender was submitted by {winner}. Its assessment against each criterion:"))
        blocks.append(_assessment_table(assessments(evaluation, winner), f"{winner}: score, points and reasons for each criterion"))
        blocks.append(Heading("Why the winning tender scored higher"))
        if result.rank:
            higher, lower = comparison(evaluation, bidder)
            blocks.append(Paragraph("Where the winning tender earned more points than yours:"))
            blocks.append(Bullets(tuple(higher)) if higher else Paragraph("On no single criterion."))
            if lower:
                blocks.append(Paragraph("Where your tender earned more points than the winning tender:"))
                blocks.append(Bullets(tuple(lower)))
        else:
            blocks.append(Paragraph(f"Your tender {result.disqualified}; the winning tender met every requirement."))
    blocks.append(Heading("Questions"))
    blocks.append(Paragraph(
        f"If you have questions about this assessment, contact {details.buyer}'s procurement team during the standstill period, "
        "quoting the tender's name."
    ))
    return Document(
        title=_heading_title("Assessment summary", details, lot),
        blocks=tuple(blocks),
        subject=f"Assessment summary for {bidder}",
        author=details.buyer,
        footer=f"Assessment summary for {bidder}" + (" (fictional example)" if _fictional_note(details, lot) else ""),
    )


def _criteria_of(evaluation: tender.Evaluation, kind: str) -> list[tender.Criterion]:
    return [c for c in evaluation.scenario.criteria if c.type == kind]


def _price_section(evaluation, bid: tender.Bid, result: tender.BidResult) -> list:
    prices = _criteria_of(evaluation, "price")
    if not prices:
        return []
    blocks: list = [Heading("Price")]
    lowest = _lowest_price(evaluation)
    for criterion in prices:
        sentence = f"Your price was {money_from_pounds(bid.price)}. Price carried {_share(_shares(evaluation)[criterion.id])} of the weight, scored by the method “{tender.PRICE_METHOD_LABELS[criterion.method]}”: {price_method_sentence(criterion)}"
        if result.rank and lowest is not None:
            sentence += (f" The lowest qualifying price was {money_from_pounds(lowest)}, so your price earned "
                         f"{_points(result.points[criterion.id])} of {_points(_shares(evaluation)[criterion.id])} points.")
        blocks.append(Paragraph(sentence))
    return blocks


def _social_value_section(evaluation, bid: tender.Bid, result: tender.BidResult) -> list:
    criteria = _criteria_of(evaluation, "social_value")
    blocks: list = [Heading("Social value")]
    if not criteria:
        return blocks + [Paragraph("Social value was not one of the award criteria for this tender.")]
    shares = _shares(evaluation)
    for criterion in criteria:
        score = bid.scores[criterion.id]
        earned = (f" It earned {_points(result.points[criterion.id])} of {_points(shares[criterion.id])} points."
                  if result.rank else "")
        if criterion.proxies:
            highest = max((b.scores[criterion.id].value for b in evaluation.qualifying), default=0.0)
            text = (f"{criterion.name} carried {_share(shares[criterion.id])} of the weight and was measured from the quantities "
                    f"you committed, each valued at the council's own proxy value. {_quantities_sentence(criterion, score)} "
                    f"Your social value totals {money_from_pounds(score.value)}; the highest offered by a qualifying tender was "
                    f"{money_from_pounds(highest)}.{earned}")
        else:
            text = (f"{criterion.name} carried {_share(shares[criterion.id])} of the weight. The panel scored your tender "
                    f"{score.value:g} out of {criterion.max_score:g}. {plain_reason(score.reason)}{earned}")
        blocks.append(Paragraph(text))
    return blocks


def _abnormally_low_section(evaluation, bid: tender.Bid) -> list:
    if bid.price is None:
        return []
    blocks: list = [Heading("Abnormally low price")]
    flagged = {b.bidder: mean for b, mean in tender.abnormally_low_bids(evaluation.scenario.bids)}
    if bid.bidder not in flagged:
        return blocks + [Paragraph(
            f"Your price was not abnormally low: it was not more than {percent(tender.ABNORMALLY_LOW_FRACTION, 0)} below the "
            "average of the other tenders' prices, so no investigation was needed."
        )]
    mean = flagged[bid.bidder]
    text = (f"Your price of {money_from_pounds(bid.price)} was {percent(1 - bid.price / mean)} below the average of the other "
            f"tenders' prices ({money_from_pounds(mean)}), so we investigated whether it was abnormally low and asked you to "
            "show that you can deliver the contract for that price.")
    explanation = " ".join(bid.low_price_explanation.split())
    if explanation:
        text += (f" Your explanation was recorded before award: “{explanation}” We accepted it, and your tender was "
                 "assessed as submitted.")
    else:
        text += " No explanation has been recorded yet."
    return blocks + [Paragraph(text)]


# ---------------------------------------------------------------------------- the decision report


def sensitivity_sentences(evaluation: tender.Evaluation) -> list[str]:
    """'Keswick Trust stays the winner unless Quality's weight (now 50%) falls below 41.23%
    (then B wins) or rises above 80.00% (then C wins).' One per weighted criterion."""
    winner = evaluation.winner
    sentences = []
    for point in tender.tipping_points(evaluation):
        now = f"{point.criterion_name}'s weight (now {_share(round(point.current_weight, 2))})"
        parts = []
        if point.lower is not None:
            parts.append(f"falls below {point.lower[0]:.2f}% (then {point.lower[1]} wins)")
        if point.upper is not None:
            parts.append(f"rises above {point.upper[0]:.2f}% (then {point.upper[1]} wins)")
        if parts:
            sentences.append(f"{winner} stays the winner unless {now} " + " or ".join(parts) + ".")
        else:
            sentences.append(f"{winner} stays the winner whatever {point.criterion_name}'s weight, from 0% to 100%.")
    return sentences


def decision_report(lot: Lot, details: AwardDetails, probabilities: Mapping[str, float] | None = None,
                    draws: int = tender.DEFAULT_SIMULATIONS) -> Document:
    """The one-page award decision report: the recommendation, the ranking, how sensitive
    the result is to the weights, the Monte Carlo win probability and the conflicts record."""
    evaluation = lot.evaluation
    scenario = evaluation.scenario
    if probabilities is None and evaluation.winner:
        probabilities = tender.win_probabilities(evaluation, draws=draws)
    winner = evaluation.winner
    blocks: list = [Paragraph(f"For the decision-maker, {details.buyer}. Prepared on {uk_date(details.prepared_on)}.")]
    blocks += _fictional_note(details, lot)
    blocks.append(Heading("Recommendation"))
    if winner:
        result = _result(evaluation, winner)
        blocks.append(Paragraph(
            f"Award the contract to {winner}, the most advantageous tender with {_points(result.total)} points out of 100, "
            f"at a price of {money_from_pounds(result.price)}."
        ))
    else:
        blocks.append(Paragraph("No tender qualified: the contract cannot be awarded from this competition."))
    blocks += _standstill_paragraphs(details)
    blocks.append(Heading("Ranking"))
    probabilities = probabilities or {}
    blocks.append(table(
        "Tenders by rank, with the share of Monte Carlo draws each wins",
        ["Rank", "Bidder", "Price", "Points", "Draws won", "Status"],
        [[r.rank or "", r.bidder, money_from_pounds(r.price), _points(r.total) if r.rank else "",
          percent(probabilities[r.bidder]) if r.bidder in probabilities else "",
          ("Disqualified: " + r.disqualified) if r.disqualified else ("Winner" if r.bidder == winner else "")]
         for r in evaluation.results],
        numeric=["Rank", "Price", "Points", "Draws won"],
    ))
    if probabilities:
        blocks.append(Paragraph(
            f"Win probability: with every weight varied at random by up to ±{percent(scenario.weight_spread, 0)} "
            f"({draws:,} draws), {winner} wins {percent(probabilities.get(winner, 0.0))} of draws."
        ))
    blocks.append(Heading("Sensitivity to the weights"))
    blocks.append(Bullets(tuple(sensitivity_sentences(evaluation))) if winner else Paragraph("Not applicable."))
    flags = [f["message"] + (f" Explanation: {f['explanation']}" if f.get("explanation") else "") for f in evaluation.flags]
    if flags:
        blocks.append(Heading("Flags"))
        blocks.append(Bullets(tuple(flags)))
    blocks.append(Heading("Conflicts of interest"))
    if details.conflicts is None:
        blocks.append(Paragraph("No conflicts record is held with this tender in this app: attach the record kept elsewhere."))
    elif not details.conflicts:
        blocks.append(Paragraph("The conflicts record has no entries."))
    else:
        blocks.append(table("Conflicts record", ["Person", "Declaration", "How it is managed"],
                            [[c.person, c.declaration, c.management] for c in details.conflicts]))
    blocks.append(Heading("Decision"))
    blocks.append(Paragraph("Decided by: ______________________   Role: ______________________   Date: ____________"))
    return Document(
        title=_heading_title("Award decision", details, lot),
        blocks=tuple(blocks),
        subject="Award decision report",
        author=details.buyer,
        footer="Award decision report" + (" (fictional example)" if _fictional_note(details, lot) else ""),
        compact=True,
    )


# ---------------------------------------------------------------------------- the clarification log


def clarification_log(lot: Lot, details: AwardDetails, clarifications: Sequence[Clarification]) -> Document:
    """Every question and its answer, as shared with all bidders."""
    blocks: list = [Paragraph(f"{details.buyer}. Prepared on {uk_date(details.prepared_on)}. Questions are shown without "
                              "the name of the bidder who asked; every answer was shared with all bidders.")]
    blocks += _fictional_note(details, lot)
    blocks.append(Heading("Questions and answers"))
    if clarifications:
        blocks.append(table(
            "Clarification questions and answers",
            ["No.", "Asked", "Question", "Answer", "Answered"],
            [[c.number, uk_date(c.asked_on), c.question, c.answer or "Not answered yet",
              uk_date(c.answered_on) if c.answered_on else ""] for c in clarifications],
            numeric=["No."],
        ))
    else:
        blocks.append(Paragraph("No clarification questions were asked."))
    return Document(title=_heading_title("Clarification log", details, lot), blocks=tuple(blocks),
                    subject="Clarification log", author=details.buyer, footer="Clarification log")


# ---------------------------------------------------------------------------- the pack


def slug(text: str) -> str:
    """A file-name-safe form of a name: 'Dane Ride CIC (fictional)' -> 'dane-ride-cic-fictional'."""
    return file_stem(text, "bidder")


def pack_files(lots: Sequence[Lot], details: AwardDetails, *, draws: int = tender.DEFAULT_SIMULATIONS,
               clarifications: Mapping[int, Sequence[Clarification]] | None = None,
               contract_entered: dt.date | None = None) -> dict[str, bytes]:
    """Every document of the award pack, by file name: for each lot, the decision report
    and one assessment summary per bidder (PDF and DOCX), the assessment workbook (XLSX)
    and the clarification log (PDF, and CSV when there are questions; ``clarifications``
    by lot number); the award notice as an OCDS release (JSON). Refused (DomainError)
    while ``issue_problems`` finds anything to put right."""
    from .export import csv_bytes
    from . import documents, ocds_export

    check_can_issue(lots)
    files: dict[str, bytes] = {}
    for lot in lots:
        folder = f"lot-{lot.number}-{slug(lot.title)}/" if lot.title else ""
        evaluation = lot.evaluation
        probabilities = tender.win_probabilities(evaluation, draws=draws) if evaluation.winner and draws else {}
        report = decision_report(lot, details, probabilities, draws=draws)
        files[f"{folder}award-decision.pdf"] = documents.pdf_bytes(report)
        files[f"{folder}award-decision.docx"] = documents.docx_bytes(report)
        for bid in evaluation.scenario.bids:
            summary = bidder_summary(lot, bid.bidder, details)
            name = f"{folder}assessment-summary-{slug(bid.bidder)}"
            files[f"{name}.pdf"] = documents.pdf_bytes(summary)
            files[f"{name}.docx"] = documents.docx_bytes(summary)
        files[f"{folder}assessment-summary.xlsx"] = tender.assessment_xlsx(evaluation, probabilities)
        questions = list((clarifications or {}).get(lot.number, ()))
        files[f"{folder}clarification-log.pdf"] = documents.pdf_bytes(clarification_log(lot, details, questions))
        if questions:
            files[f"{folder}clarification-log.csv"] = csv_bytes(clarification_frame(questions))
    files["award-notice-ocds.json"] = ocds_export.release_package_bytes(lots, details, contract_entered=contract_entered)
    return files


def clarification_frame(clarifications: Sequence[Clarification]):
    """The clarification log as a table (for the page and the CSV)."""
    import pandas as pd

    return pd.DataFrame(
        [{"No.": c.number, "Asked": uk_date(c.asked_on), "Question": c.question, "Answer": c.answer,
          "Answered": uk_date(c.answered_on) if c.answered_on else ""} for c in clarifications],
        columns=["No.", "Asked", "Question", "Answer", "Answered"],
    )


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    """The pack as one ZIP file (for a single download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
