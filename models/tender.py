"""Tender evaluation: the most advantageous tender from quality, price, social value and
pass/fail gates, with the sensitivity of the result to the weights.

A pure engine: functions of a scenario (the JSON the page saves and the command line
reads); it never touches the database (see ``models.tender_records`` for that).
The scenario (dataclasses, parsing, templates, grids) is in ``models.tender_scenario`` and
the presentation (frames, Markdown, JSON, XLSX) in ``models.tender_report``; every public
name of both is importable from here too, as ``models.tender.<name>``.

Units: prices and social value in pounds (floats, rounded to the penny when shown);
weights as given by the user, normalised to shares of 1 (shown as percentages of 100);
points on a 0-100 scale for the whole tender.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import ScenarioError
from .formatting import money_from_pounds
from .tender_report import (  # noqa: F401 (the report's names, importable from here as before)
    as_text,
    assessment_markdown,
    assessment_summary,
    assessment_xlsx,
    bids_frame,
    points_frame,
    ranking_frame,
    report_notes,
    result_json,
)
from .tender_scenario import (  # noqa: F401 (the scenario's names, importable from here as before)
    ABNORMALLY_LOW_FRACTION,
    BID_FIELDS,
    Bid,
    CRITERIA_COLUMNS,
    CRITERION_FIELDS,
    CRITERION_TYPES,
    Criterion,
    DEFAULT_DESCRIPTORS,
    DEFAULT_SEED,
    DEFAULT_SIMULATIONS,
    DEFAULT_WEIGHT_SPREAD,
    DISAGREEMENT_POINTS,
    EVALUATOR_FIELDS,
    FROM_SCRATCH,
    PASS_WORDS,
    PRICE_METHODS,
    PRICE_METHOD_LABELS,
    PROXY_MEASURE_HEADERS,
    PROXY_VALUE_HEADERS,
    SCENARIO_FIELDS,
    SCORE_FIELDS,
    SOCIAL_VALUE_MINIMUM_SHARE,
    Scenario,
    Score,
    TEMPLATES,
    TOLERANCE,
    bid_body,
    criteria_with_proxies,
    criteria_from_rows,
    criteria_rows,
    parse_scenario,
    proxies_from_csv,
    social_value_pounds,
    template_criteria,
    unused_name,
)


# ---------------------------------------------------------------------------- the formulas


def price_fraction(method: str, price: float, lowest: float, *, floor_price: float | None = None, budget: float | None = None) -> float:
    """The share (0-1) of a price criterion's points a bid at ``price`` pounds earns.

    lowest_price_ratio: lowest / price. linear_deduction: 1 - (price - lowest) / lowest,
    not below 0. budget_linear: 1 at or below floor_price, 0 at or above budget, linear
    between (does not depend on the other bids)."""
    if price <= 0 or lowest <= 0:
        raise ScenarioError(f"Prices must be above £0 (got {money_from_pounds(price)})")
    if method == "lowest_price_ratio":
        return min(1.0, lowest / price)
    if method == "linear_deduction":
        return max(0.0, 1.0 - (price - lowest) / lowest)
    if method == "budget_linear":
        if price <= floor_price:
            return 1.0
        if price >= budget:
            return 0.0
        return (budget - price) / (budget - floor_price)
    raise ScenarioError(f"Unknown price method {method!r}")


def disqualification(bid: Bid, criteria: tuple[Criterion, ...]) -> str:
    """Why ``bid`` is disqualified ('' if it is not): a failed gate or a score below a
    criterion's minimum."""
    reasons = []
    for criterion in criteria:
        score = bid.scores.get(criterion.id)
        if criterion.type == "pass_fail" and score is not None and score.value is False:
            reasons.append(f"failed the pass/fail gate '{criterion.name}'")
        elif criterion.min_score is not None and score is not None and score.value < criterion.min_score:
            reasons.append(f"scored {score.value:g} on '{criterion.name}', below the minimum of {criterion.min_score:g}")
    return "; ".join(reasons)


def normalised_scores(scenario: Scenario, bids: tuple[Bid, ...]) -> np.ndarray:
    """A (weighted criteria x bids) matrix of each bid's fraction (0-1) of each
    criterion's points, among ``bids`` (the qualifying bids: price and pro-rata social
    value compare bids with one another)."""
    matrix = np.zeros((len(scenario.weighted), len(bids)))
    for row, criterion in enumerate(scenario.weighted):
        if criterion.type == "price":
            lowest = min(b.price for b in bids)
            matrix[row] = [
                price_fraction(criterion.method, b.price, lowest, floor_price=criterion.floor_price, budget=criterion.budget)
                for b in bids
            ]
        elif criterion.type == "social_value" and criterion.proxies:
            values = np.array([b.scores[criterion.id].value for b in bids], dtype=float)
            highest = values.max(initial=0.0)
            matrix[row] = values / highest if highest > 0 else 0.0
        else:
            matrix[row] = [b.scores[criterion.id].value / criterion.max_score for b in bids]
    return matrix


# ---------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class BidResult:
    bidder: str
    price: float | None
    points: dict[str, float]  # criterion id -> points out of 100 for the tender
    total: float
    rank: int | None
    disqualified: str = ""


@dataclass(frozen=True)
class Evaluation:
    scenario: Scenario
    results: tuple[BidResult, ...]  # qualifying bids by rank, then disqualified bids
    winner: str | None
    flags: tuple[dict, ...]
    qualifying: tuple[Bid, ...]
    scores: np.ndarray  # normalised scores of the qualifying bids (criteria x bids)

    @property
    def ranked(self) -> tuple[BidResult, ...]:
        return tuple(r for r in self.results if r.rank is not None)

    @property
    def disqualified(self) -> tuple[BidResult, ...]:
        return tuple(r for r in self.results if r.rank is None)


def evaluate(scenario: Scenario) -> Evaluation:
    """Points per criterion, totals (0-100), ranks, disqualifications, the winner and the
    flags. Ties share a rank; the winner of a tie is the lower price, then the name."""
    reasons = {b.bidder: disqualification(b, scenario.criteria) for b in scenario.bids}
    qualifying = tuple(b for b in scenario.bids if not reasons[b.bidder])
    shares = scenario.shares()
    matrix = normalised_scores(scenario, qualifying) if qualifying else np.zeros((len(shares), 0))
    points = 100.0 * shares[:, None] * matrix
    totals = points.sum(axis=0)
    order = sorted(range(len(qualifying)), key=lambda i: _tie_order(totals[i], qualifying[i]))
    results, rank = [], 0
    for position, i in enumerate(order):
        if position == 0 or not math.isclose(totals[i], totals[order[position - 1]], abs_tol=TOLERANCE):
            rank = position + 1
        bid = qualifying[i]
        results.append(BidResult(
            bidder=bid.bidder, price=bid.price, total=float(totals[i]), rank=rank,
            points={c.id: float(points[row, i]) for row, c in enumerate(scenario.weighted)},
        ))
    for bid in scenario.bids:
        if reasons[bid.bidder]:
            results.append(BidResult(bidder=bid.bidder, price=bid.price, points={}, total=0.0, rank=None, disqualified=reasons[bid.bidder]))
    winner = results[0].bidder if qualifying else None
    flags = tuple(_flags(scenario, results))
    return Evaluation(scenario=scenario, results=tuple(results), winner=winner, flags=flags, qualifying=qualifying, scores=matrix)


def _tie_order(total: float, bid: Bid) -> tuple:
    return (-round(total, 9), bid.price if bid.price is not None else 0.0, bid.bidder)


def abnormally_low_bids(bids: tuple[Bid, ...]) -> list[tuple[Bid, float]]:
    """Bids priced more than 15% below the mean of the other bids, with that mean."""
    priced = [b for b in bids if b.price is not None]
    if len(priced) < 2:
        return []
    total = sum(b.price for b in priced)
    found = []
    for bid in priced:
        others_mean = (total - bid.price) / (len(priced) - 1)
        if bid.price < (1 - ABNORMALLY_LOW_FRACTION) * others_mean - TOLERANCE:
            found.append((bid, others_mean))
    return found


def _flags(scenario: Scenario, results: list[BidResult]) -> list[dict]:
    flags = []
    for bid, others_mean in abnormally_low_bids(scenario.bids):
        below = 1 - bid.price / others_mean
        explained = bool(bid.low_price_explanation.strip())
        flags.append({
            "kind": "abnormally_low_price",
            "bidder": bid.bidder,
            "message": (
                f"{bid.bidder}'s price {money_from_pounds(bid.price)} is {below:.1%} below the mean of the other bids "
                f"({money_from_pounds(others_mean)}). "
                + ("The bidder's explanation is recorded." if explained else
                   "Ask the bidder to explain the price and record the explanation before award.")
            ),
            "explanation": bid.low_price_explanation or None,
            "needs_action": not explained,
        })
    social_share = sum(s for c, s in zip(scenario.weighted, scenario.shares()) if c.type == "social_value")
    if social_share < SOCIAL_VALUE_MINIMUM_SHARE - TOLERANCE:
        flags.append({
            "kind": "social_value_under_10_percent",
            "bidder": None,
            "message": (
                f"Social value carries {social_share:.1%} of the weight, under the 10% minimum central "
                "government applies (advisory for councils)."
            ),
            "explanation": None,
            "needs_action": False,
        })
    ranked = [r for r in results if r.rank is not None]
    if len(ranked) > 1 and ranked[1].rank == 1:
        tied = [r.bidder for r in ranked if r.rank == 1]
        flags.append({
            "kind": "tie_for_first",
            "bidder": None,
            "message": f"{', '.join(tied)} tie on {ranked[0].total:.2f} points; the lower price is placed first.",
            "explanation": None,
            "needs_action": True,
        })
    return flags


# ---------------------------------------------------------------------------- sensitivity


@dataclass(frozen=True)
class TippingPoint:
    """Where the winner changes as one criterion's weight moves (others rescaled in
    proportion). ``segments``: (from %, to %, winner) across 0-100%."""

    criterion_id: str
    criterion_name: str
    current_weight: float  # percent of the total
    segments: tuple[tuple[float, float, str], ...]
    lower: tuple[float, str] | None  # nearest change below the current weight: (weight %, new winner)
    upper: tuple[float, str] | None

    @property
    def summary(self) -> str:
        if self.lower is None and self.upper is None:
            return "No change over 0-100%"
        parts = []
        if self.lower is not None:
            parts.append(f"below {self.lower[0]:.2f}% {self.lower[1]} wins")
        if self.upper is not None:
            parts.append(f"above {self.upper[0]:.2f}% {self.upper[1]} wins")
        text = "; ".join(parts)
        return text[0].upper() + text[1:]

    def as_json(self) -> dict:
        return {
            "criterion": self.criterion_id,
            "current_weight": round(self.current_weight, 2),
            "lower": None if self.lower is None else {"weight": round(self.lower[0], 4), "winner": self.lower[1]},
            "upper": None if self.upper is None else {"weight": round(self.upper[0], 4), "winner": self.upper[1]},
            "summary": self.summary,
        }


def total_lines(evaluation: Evaluation, criterion_id: str) -> tuple[np.ndarray, np.ndarray]:
    """Each qualifying bid's total as a straight line in the criterion's weight share w
    (0-1), the others rescaled in proportion: total = intercept + slope x w, on 0-100."""
    scenario = evaluation.scenario
    shares = scenario.shares()
    k = [c.id for c in scenario.weighted].index(criterion_id)
    own = evaluation.scores[k]
    rest = 1.0 - shares[k]
    if rest <= TOLERANCE:
        others = np.zeros_like(own)  # no other weight to rescale: at w = 0 all totals are 0
    else:
        others = (np.delete(shares, k) @ np.delete(evaluation.scores, k, axis=0)) / rest
    return 100.0 * others, 100.0 * (own - others)


def tipping_points(evaluation: Evaluation) -> list[TippingPoint]:
    """For each weighted criterion, the exact weights at which the winner changes."""
    return [tipping_point(evaluation, c.id) for c in evaluation.scenario.weighted]


def tipping_point(evaluation: Evaluation, criterion_id: str) -> TippingPoint:
    """The winner along 0-100% of one criterion's weight: the upper envelope of the bids'
    total lines, walked exactly from 0 to 1."""
    scenario = evaluation.scenario
    k = [c.id for c in scenario.weighted].index(criterion_id)
    current = float(scenario.shares()[k])
    bids = evaluation.qualifying
    name = scenario.weighted[k].name
    if len(bids) < 2:
        only = bids[0].bidder if bids else ""
        return TippingPoint(criterion_id, name, current * 100, ((0.0, 100.0, only),) if bids else (), None, None)
    intercepts, slopes = total_lines(evaluation, criterion_id)
    segments = _envelope(intercepts, slopes, bids)
    lower = upper = None
    for start, end, winner in segments:
        if end < current - TOLERANCE and start < end:
            lower = (end * 100, winner)
        if start > current + TOLERANCE and upper is None:
            upper = (start * 100, winner)
    # lower/upper name the winner on the far side of the crossing nearest the current weight
    return TippingPoint(
        criterion_id, name, current * 100,
        tuple((s * 100, e * 100, w) for s, e, w in segments),
        lower, upper,
    )


def _leader_at(w: float, intercepts: np.ndarray, slopes: np.ndarray, bids, after: bool) -> int:
    totals = intercepts + slopes * w
    best = totals.max()
    tied = [i for i in range(len(bids)) if totals[i] >= best - TOLERANCE]
    # Just after w the steeper line leads; ties otherwise go as in evaluate().
    return min(tied, key=lambda i: ((-slopes[i] if after else 0.0), bids[i].price or 0.0, bids[i].bidder))


def _envelope(intercepts: np.ndarray, slopes: np.ndarray, bids) -> list[tuple[float, float, str]]:
    """The (from, to, winner) pieces of the upper envelope over w in 0-1."""
    segments, w = [], 0.0
    leader = _leader_at(0.0, intercepts, slopes, bids, after=True)
    while w < 1.0:
        crossings = []
        for i in range(len(bids)):
            if slopes[i] > slopes[leader] + TOLERANCE:
                crossing = (intercepts[leader] - intercepts[i]) / (slopes[i] - slopes[leader])
                if crossing > w + TOLERANCE:
                    crossings.append(crossing)
        next_w = min(crossings, default=1.0)
        if next_w >= 1.0 - TOLERANCE:  # a crossing at 100% itself is a tie, not a change
            segments.append((w, 1.0, bids[leader].bidder))
            break
        segments.append((w, float(next_w), bids[leader].bidder))
        w = float(next_w)
        leader = _leader_at(w, intercepts, slopes, bids, after=True)
    # Merge neighbouring pieces with the same winner (a third line touching the envelope).
    merged: list[tuple[float, float, str]] = []
    for piece in segments:
        if merged and merged[-1][2] == piece[2]:
            merged[-1] = (merged[-1][0], piece[1], piece[2])
        else:
            merged.append(piece)
    return merged


def sensitivity_frame(evaluation: Evaluation, criterion_id: str) -> pd.DataFrame:
    """Each qualifying bid's total at 0% and 100% of the criterion's weight, and at every
    tipping weight (straight lines, so these points draw them exactly)."""
    intercepts, slopes = total_lines(evaluation, criterion_id)
    point = tipping_point(evaluation, criterion_id)
    weights = sorted({0.0, 100.0, round(point.current_weight, 6)} | {s for s, _, _ in point.segments})
    rows = []
    for i, bid in enumerate(evaluation.qualifying):
        for weight in weights:
            rows.append({"Bidder": bid.bidder, "Weight (%)": weight, "Total": float(intercepts[i] + slopes[i] * weight / 100)})
    return pd.DataFrame(rows)


def price_method_comparison(scenario: Scenario) -> pd.DataFrame:
    """The ranking under each price method side by side: one row per bidder, a total and
    rank column per method. budget_linear is left out when no floor price and budget are set."""
    price = [c for c in scenario.criteria if c.type == "price"]
    if not price:
        return pd.DataFrame()
    table = pd.DataFrame({"Bidder": [b.bidder for b in scenario.bids]})
    for method in PRICE_METHODS:
        if method == "budget_linear" and any(c.floor_price is None or c.budget is None for c in price):
            continue
        result = {r.bidder: r for r in evaluate(scenario.with_price_method(method)).results}
        label = PRICE_METHOD_LABELS[method]
        table[f"{label}: total"] = [round(result[b].total, 2) if result[b].rank else None for b in table["Bidder"]]
        table[f"{label}: rank"] = pd.array([result[b].rank for b in table["Bidder"]], dtype="Int64")
    return table


def weight_draws(shares: np.ndarray, spread: float, draws: int, seed: int) -> np.ndarray:
    """(draws x criteria) weight shares: each share times a uniform factor in
    [1 - spread, 1 + spread], then each row normalised to sum to 1."""
    rng = np.random.default_rng(seed)
    weights = shares[None, :] * (1.0 + spread * rng.uniform(-1.0, 1.0, size=(draws, shares.size)))
    return weights / weights.sum(axis=1, keepdims=True)


def win_probabilities(evaluation: Evaluation, *, draws: int = DEFAULT_SIMULATIONS, spread: float | None = None, seed: int | None = None) -> dict[str, float]:
    """Each qualifying bidder's share of Monte Carlo draws won when every weight varies by
    up to ±spread (one matrix product of draws x criteria by criteria x bids)."""
    scenario = evaluation.scenario
    if not evaluation.qualifying:
        return {}
    spread = scenario.weight_spread if spread is None else spread
    seed = scenario.seed if seed is None else seed
    weights = weight_draws(scenario.shares(), spread, draws, seed)
    winners = np.argmax(weights @ evaluation.scores, axis=1)
    counts = np.bincount(winners, minlength=len(evaluation.qualifying))
    return {b.bidder: float(c) / draws for b, c in zip(evaluation.qualifying, counts)}


# ---------------------------------------------------------------------------- checks and moderation


def publication_check(scenario: Scenario) -> list[dict]:
    """What to check before the criteria are published: each row has 'check', 'ok' and 'detail'."""
    raw_total = sum(c.weight for c in scenario.weighted)
    shares = dict(zip((c.id for c in scenario.weighted), scenario.shares()))
    social = sum(shares[c.id] for c in scenario.weighted if c.type == "social_value")
    prices = [c for c in scenario.criteria if c.type == "price"]
    judged = [c for c in scenario.criteria if c.is_judged]
    return [
        {"check": "Weights add up to 100", "ok": math.isclose(raw_total, 100, abs_tol=1e-6),
         "detail": f"The weights add up to {raw_total:g}" + ("" if math.isclose(raw_total, 100, abs_tol=1e-6) else "; they will be scaled to 100")},
        {"check": "Social value is at least 10% of the weight", "ok": social >= SOCIAL_VALUE_MINIMUM_SHARE - TOLERANCE,
         "detail": f"Social value carries {social:.1%} (central government's minimum is 10%; advisory for councils)"},
        {"check": "Price has a stated scoring method", "ok": bool(prices) and all(c.method for c in prices),
         "detail": "; ".join(f"{c.name}: {PRICE_METHOD_LABELS[c.method]}" for c in prices) or "No price criterion"},
        {"check": "Scored criteria have descriptors for every score", "ok": all(c.descriptors for c in judged),
         "detail": ", ".join(f"{c.name}: 0-{c.max_score:g}" + ("" if c.descriptors else " (no descriptors)") for c in judged) or "No scored criteria"},
    ]


FILLER_WORDS = {
    "a", "an", "the", "is", "it", "this", "bid", "response", "answer", "score", "scored", "scores",
    "overall", "very", "quite", "was", "and", "of", "so", "given", "therefore", "thus", "mark", "marks",
}


def reason_repeats_descriptor(reason: str, descriptors: tuple[str, ...]) -> bool:
    """True when a reason says nothing beyond a descriptor ('Good.', 'Score 4 - good'):
    such a reason does not explain the score and would not survive a challenge."""
    words = re.findall(r"[a-z]+", (reason or "").lower())
    meaningful = [w for w in words if w not in FILLER_WORDS]
    descriptor_words = {w for d in descriptors for w in re.findall(r"[a-z]+", d.lower())}
    return not meaningful or set(meaningful) <= descriptor_words


def moderation_spread(evaluator_scores: pd.DataFrame) -> pd.DataFrame:
    """Per bidder and criterion: the lowest and highest evaluator score, the spread and
    whether evaluators disagree by 2 points or more. Input columns: bidder, criterion,
    evaluator, score."""
    if evaluator_scores.empty:
        return pd.DataFrame(columns=["bidder", "criterion", "evaluators", "lowest", "highest", "spread", "disagreement"])
    grouped = evaluator_scores.groupby(["bidder", "criterion"], sort=False)["score"]
    table = grouped.agg(evaluators="count", lowest="min", highest="max").reset_index()
    table["spread"] = table["highest"] - table["lowest"]
    table["disagreement"] = table["spread"] >= DISAGREEMENT_POINTS
    return table

