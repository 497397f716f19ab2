"""Tender results for people: ranking and points frames, the assessment summary (as a
frame, Markdown and an XLSX workbook), the JSON the command line prints and the notes every
report carries. Reads an ``Evaluation`` from ``models.tender``; computes nothing new
(``models.tender`` imports this module, so the engine functions it calls are imported
inside those functions).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Mapping

import numpy as np
import pandas as pd

from .export import xlsx_bytes
from .formatting import money_from_pounds
from .tender_scenario import Bid, Criterion, PRICE_METHOD_LABELS, Scenario

if TYPE_CHECKING:
    from .tender import Evaluation


# ---------------------------------------------------------------------------- reporting


def ranking_frame(evaluation: Evaluation) -> pd.DataFrame:
    """The ranking as a table: rank, bidder, price, points per criterion, total, status."""
    scenario = evaluation.scenario
    rows = []
    for result in evaluation.results:
        row = {"Rank": result.rank, "Bidder": result.bidder, "Price (£)": result.price}
        for criterion in scenario.weighted:
            row[criterion.name] = round(result.points[criterion.id], 2) if result.rank else None
        row["Total"] = round(result.total, 2) if result.rank else None
        row["Status"] = "Disqualified: " + result.disqualified if result.disqualified else ("Winner" if result.bidder == evaluation.winner else "")
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["Rank"] = frame["Rank"].astype("Int64")
    return frame


def as_text(frame: pd.DataFrame, money_columns: tuple[str, ...] = ("Price (£)",)) -> pd.DataFrame:
    """The table as people read it, for the screen or a terminal: money as '£1,234.56',
    points to two decimals, whole numbers as they are, and a disqualified bid's missing
    rank and points as blank cells."""

    def cell(value, money: bool) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return ""
        if money:
            return money_from_pounds(value)
        if isinstance(value, (float, np.floating)):
            return f"{value:.2f}"
        return str(value)

    return pd.DataFrame({c: [cell(v, c in money_columns) for v in frame[c]] for c in frame.columns})


def points_frame(evaluation: Evaluation) -> pd.DataFrame:
    """Long table of points: one row per qualifying bidder and criterion (for the stacked bar)."""
    rows = [
        {"Bidder": r.bidder, "Criterion": c.name, "Points": round(r.points[c.id], 2)}
        for r in evaluation.ranked for c in evaluation.scenario.weighted
    ]
    return pd.DataFrame(rows, columns=["Bidder", "Criterion", "Points"])


def _score_shown(criterion: Criterion, bid: Bid) -> str:
    if criterion.type == "price":
        return money_from_pounds(bid.price)
    score = bid.scores[criterion.id]
    if criterion.type == "pass_fail":
        return "Pass" if score.value else "Fail"
    if criterion.proxies:
        return f"{money_from_pounds(score.value)} social value"
    descriptor = criterion.descriptor(score.value)
    return f"{score.value:g} of {criterion.max_score:g}" + (f" ({descriptor})" if descriptor else "")


def _reason_shown(criterion: Criterion, bid: Bid, lowest: float | None) -> str:
    if criterion.type == "price":
        method = PRICE_METHOD_LABELS[criterion.method]
        return f"{method}; lowest qualifying price {money_from_pounds(lowest)}" if lowest else method
    score = bid.scores[criterion.id]
    if criterion.proxies:
        parts = [f"{q:,g} x {measure} at {money_from_pounds(criterion.proxies[measure])}" for measure, q in score.quantities.items()]
        return "; ".join(parts) + (f". {score.reason}" if score.reason else "")
    return score.reason


def assessment_summary(evaluation: Evaluation) -> pd.DataFrame:
    """For each bidder and criterion: the weight, the maximum points, the score, the
    points and the reason; plus a total row per bidder."""
    scenario = evaluation.scenario
    shares = dict(zip((c.id for c in scenario.weighted), scenario.shares()))
    lowest = min((b.price for b in evaluation.qualifying if b.price is not None), default=None)
    results = {r.bidder: r for r in evaluation.results}
    rows = []
    for bid in scenario.bids:
        result = results[bid.bidder]
        for criterion in scenario.criteria:
            weighted = criterion.type != "pass_fail"
            rows.append({
                "Bidder": bid.bidder,
                "Criterion": criterion.name,
                "Weight (%)": round(shares[criterion.id] * 100, 2) if weighted else None,
                "Maximum points": round(shares[criterion.id] * 100, 2) if weighted else None,
                "Score": _score_shown(criterion, bid),
                "Points": round(result.points[criterion.id], 2) if weighted and result.rank else None,
                "Reason": _reason_shown(criterion, bid, lowest),
            })
        rows.append({
            "Bidder": bid.bidder, "Criterion": "Total", "Weight (%)": 100.0, "Maximum points": 100.0,
            "Score": f"Rank {result.rank}" if result.rank else "Disqualified",
            "Points": round(result.total, 2) if result.rank else None,
            "Reason": result.disqualified or ("Winner" if bid.bidder == evaluation.winner else ""),
        })
    return pd.DataFrame(rows)


def report_notes(scenario: Scenario) -> list[str]:
    """The lines that head every export: the tender's name, and the fictional label."""
    notes = [f"Tender evaluation: {scenario.name}"]
    if scenario.fictional:
        notes.append("FICTIONAL worked example: the bidders, prices and scores are invented for demonstration.")
    if scenario.description:
        notes.append(scenario.description)
    return notes


def assessment_markdown(evaluation: Evaluation, *, when: str = "") -> str:
    """A printable assessment summary (Markdown): the ranking, the flags and, for each
    bidder, every criterion's weight, score, points and reason."""
    scenario = evaluation.scenario
    lines = [f"# Assessment summary: {_md(scenario.name)}", ""]
    lines += [f"*{_md(note)}*" for note in report_notes(scenario)[1:]]
    if when:
        lines.append(f"Prepared {when}.")
    lines += ["", f"**Winner:** {_md(evaluation.winner) if evaluation.winner else 'none (every bid was disqualified)'}", "", "## Ranking", ""]
    lines += _md_table(ranking_frame(evaluation).assign(**{"Price (£)": lambda f: f["Price (£)"].map(money_from_pounds)}))
    if evaluation.flags:
        lines += ["", "## Flags", ""] + [f"- {_md(flag['message'])}" + (f" Explanation: {_md(flag['explanation'])}" if flag["explanation"] else "") for flag in evaluation.flags]
    summary = assessment_summary(evaluation)
    for bidder, rows in summary.groupby("Bidder", sort=False):
        lines += ["", f"## {_md(bidder)}", ""] + _md_table(rows.drop(columns=["Bidder"]))
    return "\n".join(lines) + "\n"


def _md(text) -> str:
    return re.sub(r"([\\`*_{}\[\]<>|#])", r"\\\1", str(text))


def _md_table(frame: pd.DataFrame) -> list[str]:
    def cell(value) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return ""
        return _md(f"{value:.2f}" if isinstance(value, float) else value).replace("\n", " ")

    lines = ["| " + " | ".join(_md(c) for c in frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return lines


def result_json(evaluation: Evaluation) -> dict:
    """The command line's JSON: ranking, disqualified, winner, flags, tipping points
    (points rounded to two decimals)."""
    from .tender import tipping_points  # the engine imports this module: import it when used

    return {
        "ranking": [
            {"bidder": r.bidder, "rank": r.rank, "total": round(r.total, 2), "points": {k: round(v, 2) for k, v in r.points.items()}}
            for r in evaluation.ranked
        ],
        "disqualified": [{"bidder": r.bidder, "reason": r.disqualified} for r in evaluation.disqualified],
        "winner": evaluation.winner,
        "flags": [{k: v for k, v in flag.items()} for flag in evaluation.flags],
        "tipping_points": [t.as_json() for t in tipping_points(evaluation)] if evaluation.winner else [],
    }


def assessment_xlsx(evaluation: Evaluation, probabilities: Mapping[str, float] | None = None) -> bytes:
    """The assessment summary, ranking, tipping points, price-method comparison and (if
    given) win probabilities as an XLSX workbook, headed by the notes and flags."""
    from .tender import price_method_comparison, tipping_points  # the engine imports this module

    sheets = {
        "Assessment summary": assessment_summary(evaluation),
        "Ranking": ranking_frame(evaluation),
        "Tipping points": pd.DataFrame([t.as_json() for t in tipping_points(evaluation)] if evaluation.winner else []),
        "Price methods": price_method_comparison(evaluation.scenario),
    }
    if probabilities:
        sheets["Win probabilities"] = pd.DataFrame({"Bidder": list(probabilities), "Probability of winning": list(probabilities.values())})
    notes = report_notes(evaluation.scenario) + [flag["message"] for flag in evaluation.flags]
    return xlsx_bytes(sheets, notes=notes, money_columns={"Ranking": ["Price (£)"]})


def bids_frame(scenario: Scenario) -> tuple[pd.DataFrame, list[str]]:
    """The bids as entered (before scoring): bidder, price, each gate's Pass/Fail, the social
    value (pounds) of each proxy-scored criterion and any low-price explanation; with the
    names of the money columns."""
    gates = [c for c in scenario.criteria if c.type == "pass_fail"]
    proxy_criteria = [c for c in scenario.criteria if c.proxies]
    rows = []
    for bid in scenario.bids:
        row = {"Bidder": bid.bidder, "Price (£)": bid.price}
        for gate in gates:
            row[gate.name] = "Pass" if bid.scores[gate.id].value else "Fail"
        for criterion in proxy_criteria:
            row[f"{criterion.name} (£)"] = bid.scores[criterion.id].value
        row["Low price explanation"] = bid.low_price_explanation
        rows.append(row)
    return pd.DataFrame(rows), ["Price (£)"] + [f"{c.name} (£)" for c in proxy_criteria]
