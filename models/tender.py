"""Tender evaluation: the most advantageous tender from quality, price, social value and
pass/fail gates, with the sensitivity of the result to the weights.

A pure engine: functions of a scenario (the JSON the page saves and the command line
reads); it never touches the database (see ``models.tender_records`` for that).

Units: prices and social value in pounds (floats, rounded to the penny when shown);
weights as given by the user, normalised to shares of 1 (shown as percentages of 100);
points on a 0-100 scale for the whole tender.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .errors import ScenarioError
from .export import xlsx_bytes
from .formatting import money_from_pounds

CRITERION_TYPES = ("quality", "price", "social_value", "pass_fail")
PRICE_METHODS = ("lowest_price_ratio", "linear_deduction", "budget_linear")
PRICE_METHOD_LABELS = {
    "lowest_price_ratio": "Lowest price ÷ bid price",
    "linear_deduction": "Linear deduction from the lowest price",
    "budget_linear": "Linear between floor price and budget",
}
DEFAULT_DESCRIPTORS = (
    "unacceptable",
    "serious reservations",
    "minor reservations",
    "acceptable",
    "good",
    "excellent",
)
ABNORMALLY_LOW_FRACTION = 0.15  # more than 15% below the mean of the other bids
SOCIAL_VALUE_MINIMUM_SHARE = 0.10  # central-government minimum weighting (advisory)
DISAGREEMENT_POINTS = 2  # evaluators this far apart must discuss the score
DEFAULT_WEIGHT_SPREAD = 0.2
DEFAULT_SIMULATIONS = 10_000
DEFAULT_SEED = 20_260_401
TOLERANCE = 1e-9

SCENARIO_FIELDS = {"name", "description", "fictional", "criteria", "bids", "weight_spread", "seed"}
CRITERION_FIELDS = {
    "id", "name", "type", "weight", "max_score", "min_score", "descriptors", "method",
    "floor_price", "budget", "proxies", "description",
}
BID_FIELDS = {"bidder", "price", "scores", "low_price_explanation", "organisation_type"}
SCORE_FIELDS = {"score", "evaluators", "moderated", "reason", "quantities"}
EVALUATOR_FIELDS = {"score", "reason"}
PASS_WORDS = {"pass": True, "passed": True, "yes": True, "fail": False, "failed": False, "no": False}


# ---------------------------------------------------------------------------- the scenario


@dataclass(frozen=True)
class Criterion:
    """One published criterion. ``weight`` is as the user gave it (any positive scale)."""

    id: str
    name: str
    type: str
    weight: float
    max_score: float = 5.0
    min_score: float | None = None
    descriptors: tuple[str, ...] = DEFAULT_DESCRIPTORS
    method: str | None = None
    floor_price: float | None = None
    budget: float | None = None
    proxies: Mapping[str, float] | None = None
    description: str = ""

    @property
    def is_judged(self) -> bool:
        """Scored by evaluators (quality, or social value without proxies)."""
        return self.type == "quality" or (self.type == "social_value" and not self.proxies)

    def descriptor(self, score: float) -> str:
        """The descriptor for a score on the default-style scale, '' if none fits."""
        if self.max_score == len(self.descriptors) - 1 and float(score).is_integer():
            return self.descriptors[int(score)]
        return ""


@dataclass(frozen=True)
class Score:
    """A bid's score for one criterion: the score that counts, its reason, and the
    evaluators' independent scores (name -> (score, reason)) when there were several."""

    value: Any
    reason: str = ""
    evaluators: Mapping[str, tuple[Any, str]] = field(default_factory=dict)
    quantities: Mapping[str, float] | None = None


@dataclass(frozen=True)
class Bid:
    bidder: str
    price: float | None
    scores: Mapping[str, Score]
    low_price_explanation: str = ""


@dataclass(frozen=True)
class Scenario:
    name: str
    criteria: tuple[Criterion, ...]
    bids: tuple[Bid, ...]
    description: str = ""
    fictional: bool = False
    weight_spread: float = DEFAULT_WEIGHT_SPREAD
    seed: int = DEFAULT_SEED

    @property
    def weighted(self) -> tuple[Criterion, ...]:
        """The criteria that carry points (every type but pass/fail)."""
        return tuple(c for c in self.criteria if c.type != "pass_fail")

    def shares(self) -> np.ndarray:
        """Each weighted criterion's share of the total weight (sums to 1)."""
        weights = np.array([c.weight for c in self.weighted], dtype=float)
        return weights / weights.sum()

    def with_weights(self, weights: Mapping[str, float]) -> "Scenario":
        """The same scenario with some criteria's weights replaced."""
        return replace(self, criteria=tuple(replace(c, weight=float(weights.get(c.id, c.weight))) for c in self.criteria))

    def with_price_method(self, method: str) -> "Scenario":
        """The same scenario with every price criterion scored by ``method``."""
        return replace(self, criteria=tuple(replace(c, method=method) if c.type == "price" else c for c in self.criteria))


def _number(value, where: str, problems: list[str], *, what: str) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        problems.append(f"{where}: {what} must be a number, not {value!r}")
        return None
    return float(value)


def _unknown(given: Mapping, allowed: set[str], where: str, problems: list[str]) -> None:
    for key in sorted(set(given) - allowed):
        problems.append(f"{where}: unknown field '{key}' (allowed: {', '.join(sorted(allowed))})")


def parse_scenario(body: Mapping[str, Any], *, setup_only: bool = False) -> Scenario:
    """A checked ``Scenario`` from the scenario JSON. Every problem is collected and raised
    together as a ``ScenarioError`` naming the bid and criterion.

    ``setup_only``: check a tender being set up, before scoring: bids may be absent and
    the evaluators' scores (quality, social value without proxies) not yet given. Such a
    scenario is for checking and publication, not for ``evaluate``."""
    problems: list[str] = []
    if not isinstance(body, Mapping):
        raise ScenarioError("A tender scenario is a JSON object with 'name', 'criteria' and 'bids'")
    _unknown(body, SCENARIO_FIELDS, "Scenario", problems)
    criteria = _parse_criteria(body.get("criteria"), problems)
    named = {c.get("id") for c in body.get("criteria") or [] if isinstance(c, Mapping)} if isinstance(body.get("criteria"), list) else set()
    bids = _parse_bids(body.get("bids"), criteria, named, problems, setup_only=setup_only)
    spread = body.get("weight_spread", DEFAULT_WEIGHT_SPREAD)
    spread = _number(spread, "Scenario", problems, what="'weight_spread'")
    if spread is not None and not 0 <= spread <= 1:
        problems.append(f"Scenario: 'weight_spread' must be between 0 and 1 (0.2 means each weight may vary by ±20%), not {spread}")
    seed = body.get("seed", DEFAULT_SEED)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        problems.append(f"Scenario: 'seed' must be a whole number of 0 or more, not {seed!r}")
    if problems:
        raise ScenarioError(_summary(problems), problems=problems)
    return Scenario(
        name=str(body.get("name") or "Untitled tender"),
        description=str(body.get("description") or ""),
        fictional=bool(body.get("fictional", False)),
        criteria=tuple(criteria),
        bids=tuple(bids),
        weight_spread=float(spread),
        seed=int(seed),
    )


def _summary(problems: list[str]) -> str:
    more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
    return f"The tender scenario cannot be used: {problems[0]}{more}"


def _parse_criteria(raw, problems: list[str]) -> list[Criterion]:
    if not isinstance(raw, list) or not raw:
        problems.append("Scenario: 'criteria' must be a list with at least one criterion")
        return []
    criteria, seen = [], set()
    for index, item in enumerate(raw, start=1):
        where = f"Criterion {index}"
        if not isinstance(item, Mapping):
            problems.append(f"{where}: must be an object with id, name, type and weight")
            continue
        cid = item.get("id")
        if not isinstance(cid, str) or not cid.strip():
            problems.append(f"{where}: 'id' must be a short text such as 'quality'")
            continue
        where = f"Criterion '{cid}'"
        if cid in seen:
            problems.append(f"{where}: the id is used twice; give each criterion its own id")
        seen.add(cid)
        _unknown(item, CRITERION_FIELDS, where, problems)
        kind = item.get("type")
        if kind not in CRITERION_TYPES:
            problems.append(f"{where}: type {kind!r} is not one of {', '.join(CRITERION_TYPES)}")
            continue
        criterion = _parse_criterion(item, cid, kind, where, problems)
        if criterion is not None:
            criteria.append(criterion)
    weighted = [c for c in criteria if c.type != "pass_fail"]
    if criteria and not weighted:
        problems.append("Scenario: at least one criterion must carry points (quality, price or social value)")
    elif weighted and sum(c.weight for c in weighted) <= 0:
        problems.append("Scenario: the weights add up to 0; give at least one criterion a weight above 0")
    return criteria


def _parse_criterion(item: Mapping, cid: str, kind: str, where: str, problems: list[str]) -> Criterion | None:
    before = len(problems)
    weight = _number(item.get("weight", 0 if kind == "pass_fail" else None), where, problems, what="'weight'")
    if weight is not None and weight < 0:
        problems.append(f"{where}: weight {weight:g} is below 0; weights must be 0 or more")
    if kind == "pass_fail" and weight:
        problems.append(f"{where}: a pass/fail gate carries no points; set its weight to 0 or leave it out")
    fields: dict[str, Any] = {}
    if kind in ("quality", "social_value"):
        fields.update(_parse_scale(item, where, problems))
    if kind == "social_value" and item.get("proxies") is not None:
        fields["proxies"] = _parse_proxies(item["proxies"], where, problems)
    if kind == "price":
        fields.update(_parse_price_method(item, where, problems))
    wrong = [k for k in ("method", "floor_price", "budget") if k in item and kind != "price"]
    wrong += [k for k in ("max_score", "min_score", "descriptors") if k in item and kind not in ("quality", "social_value")]
    wrong += ["proxies"] if "proxies" in item and kind != "social_value" else []
    for key in wrong:
        problems.append(f"{where}: '{key}' does not apply to a {kind} criterion")
    if len(problems) > before:
        return None
    return Criterion(
        id=cid, name=str(item.get("name") or cid), type=kind, weight=float(weight),
        description=str(item.get("description") or ""), **fields,
    )


def _parse_scale(item: Mapping, where: str, problems: list[str]) -> dict:
    fields: dict[str, Any] = {}
    max_score = _number(item.get("max_score", 5), where, problems, what="'max_score'")
    if max_score is not None and max_score <= 0:
        problems.append(f"{where}: max_score must be above 0, not {max_score:g}")
        max_score = None
    if max_score is not None:
        fields["max_score"] = max_score
    if item.get("min_score") is not None:
        min_score = _number(item["min_score"], where, problems, what="'min_score'")
        if min_score is not None and max_score is not None and not 0 <= min_score <= max_score:
            problems.append(f"{where}: min_score {min_score:g} must be between 0 and max_score {max_score:g}")
        fields["min_score"] = min_score
    descriptors = item.get("descriptors")
    if descriptors is not None:
        if not isinstance(descriptors, list) or not all(isinstance(d, str) and d.strip() for d in descriptors):
            problems.append(f"{where}: 'descriptors' must be a list of words, one per score from 0 up")
        elif max_score is not None and len(descriptors) != int(max_score) + 1:
            problems.append(f"{where}: {len(descriptors)} descriptors given for scores 0 to {max_score:g}; give one per score")
        else:
            fields["descriptors"] = tuple(descriptors)
    elif max_score is not None and max_score != 5:
        fields["descriptors"] = ()
    return fields


def _parse_proxies(raw, where: str, problems: list[str]) -> dict[str, float]:
    if not isinstance(raw, Mapping) or not raw:
        problems.append(f"{where}: 'proxies' must map each measure to its value in pounds per unit, e.g. {{\"local jobs\": 28000}}")
        return {}
    proxies = {}
    for measure, value in raw.items():
        number = _number(value, f"{where}, proxy '{measure}'", problems, what="the value per unit")
        if number is not None and number < 0:
            problems.append(f"{where}, proxy '{measure}': the value per unit must be 0 or more, not {number:g}")
        proxies[str(measure)] = number
    return proxies


def _parse_price_method(item: Mapping, where: str, problems: list[str]) -> dict:
    method = item.get("method", "lowest_price_ratio")
    if method not in PRICE_METHODS:
        problems.append(f"{where}: price method {method!r} is not one of {', '.join(PRICE_METHODS)}")
        return {}
    fields: dict[str, Any] = {"method": method}
    for key in ("floor_price", "budget"):
        if item.get(key) is not None:
            value = _number(item[key], where, problems, what=f"'{key}'")
            if value is not None and value <= 0:
                problems.append(f"{where}: {key} must be above £0, not {value:g}")
            fields[key] = value
    floor, budget = fields.get("floor_price"), fields.get("budget")
    if method == "budget_linear" and (floor is None or budget is None):
        problems.append(f"{where}: the budget_linear method needs both 'floor_price' and 'budget' (in pounds)")
    elif floor is not None and budget is not None and floor >= budget:
        problems.append(f"{where}: floor_price {money_from_pounds(floor)} must be below budget {money_from_pounds(budget)}")
    return fields


def _parse_bids(raw, criteria: list[Criterion], named: set, problems: list[str], *, setup_only: bool = False) -> list[Bid]:
    """The bids; ``named`` holds every criterion id given, valid or not (a score for an
    invalid criterion is not reported again)."""
    if setup_only and raw in (None, []):
        return []
    if not isinstance(raw, list) or not raw:
        problems.append("Scenario: 'bids' must be a list with at least one bid")
        return []
    bids, seen = [], set()
    needs_price = any(c.type == "price" for c in criteria)
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping) or not isinstance(item.get("bidder"), str) or not item["bidder"].strip():
            problems.append(f"Bid {index}: each bid needs a 'bidder' name")
            continue
        bidder = item["bidder"].strip()
        where = f"Bid '{bidder}'"
        if bidder in seen:
            problems.append(f"{where}: the bidder appears twice; give each bid its own name")
        seen.add(bidder)
        _unknown(item, BID_FIELDS, where, problems)
        price = None
        if item.get("price") is not None or needs_price:
            price = _number(item.get("price"), where, problems, what="'price' (in pounds)")
            if price is not None and price <= 0:
                problems.append(f"{where}: price {money_from_pounds(price)} must be above £0")
        scores = item.get("scores") or {}
        if not isinstance(scores, Mapping):
            problems.append(f"{where}: 'scores' must map each criterion id to a score")
            scores = {}
        for cid in sorted(set(scores) - named, key=str):
            problems.append(f"{where}, criterion '{cid}': no such criterion (criteria: {', '.join(sorted(map(str, named)))})")
        parsed = {}
        for criterion in criteria:
            if criterion.type == "price":
                if criterion.id in scores:
                    problems.append(f"{where}, criterion '{criterion.id}': price is scored from the bid's 'price', not from a score")
                continue
            cwhere = f"{where}, criterion '{criterion.id}'"
            if criterion.id not in scores:
                if not (setup_only and criterion.is_judged):
                    problems.append(f"{cwhere}: the score is missing")
                continue
            score = _parse_score(scores[criterion.id], criterion, cwhere, problems, allow_unmoderated=setup_only)
            if score is not None:
                parsed[criterion.id] = score
        explanation = item.get("low_price_explanation") or ""
        bids.append(Bid(bidder=bidder, price=price, scores=parsed, low_price_explanation=str(explanation)))
    return bids


def _parse_score(raw, criterion: Criterion, where: str, problems: list[str], *, allow_unmoderated: bool = False) -> Score | None:
    """One bid's score for one criterion. ``allow_unmoderated`` (set-up checks only):
    evaluators' scores without an agreed score give a Score whose value is None."""
    if criterion.type == "social_value" and criterion.proxies:
        return _parse_quantities(raw, criterion, where, problems)
    if not isinstance(raw, Mapping):
        value = _score_value(raw, criterion, where, problems)
        return None if value is None else Score(value=value)
    _unknown(raw, SCORE_FIELDS - {"quantities"}, where, problems)
    reason = str(raw.get("reason") or "")
    evaluators = {}
    raw_evaluators = raw.get("evaluators") or {}
    if not isinstance(raw_evaluators, Mapping):
        problems.append(f"{where}: 'evaluators' must map each evaluator's name to their score")
        raw_evaluators = {}
    for name, entry in raw_evaluators.items():
        ewhere = f"{where}, evaluator '{name}'"
        if isinstance(entry, Mapping):
            _unknown(entry, EVALUATOR_FIELDS, ewhere, problems)
            value = _score_value(entry.get("score"), criterion, ewhere, problems)
            evaluators[str(name)] = (value, str(entry.get("reason") or ""))
        else:
            evaluators[str(name)] = (_score_value(entry, criterion, ewhere, problems), "")
    if "moderated" in raw and "score" in raw:
        problems.append(f"{where}: give either 'score' or 'moderated', not both")
        return None
    counted = raw.get("moderated", raw.get("score"))
    if counted is None:
        if evaluators and allow_unmoderated:
            return Score(value=None, reason=reason, evaluators=evaluators)
        if evaluators:
            problems.append(f"{where}: the evaluators' scores have not been moderated yet; add the agreed 'moderated' score and its reason")
        else:
            problems.append(f"{where}: the score is missing")
        return None
    value = _score_value(counted, criterion, where, problems)
    return None if value is None else Score(value=value, reason=reason, evaluators=evaluators)


def _score_value(raw, criterion: Criterion, where: str, problems: list[str]):
    if criterion.type == "pass_fail":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in PASS_WORDS:
            return PASS_WORDS[raw.strip().lower()]
        problems.append(f"{where}: a pass/fail gate is scored 'pass' or 'fail', not {raw!r}")
        return None
    value = _number(raw, where, problems, what="the score")
    if value is None:
        return None
    if not 0 <= value <= criterion.max_score:
        problems.append(f"{where}: score {value:g} is outside 0 to {criterion.max_score:g} (the maximum score)")
        return None
    return value


def _parse_quantities(raw, criterion: Criterion, where: str, problems: list[str]) -> Score | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("quantities"), Mapping):
        problems.append(f"{where}: scored with proxies, so give {{\"quantities\": {{measure: committed quantity}}}}")
        return None
    _unknown(raw, {"quantities", "reason"}, where, problems)
    before = len(problems)
    quantities = {}
    for measure, value in raw["quantities"].items():
        mwhere = f"{where}, measure '{measure}'"
        if measure not in criterion.proxies:
            problems.append(f"{mwhere}: no proxy value for this measure (measures: {', '.join(sorted(criterion.proxies))})")
            continue
        number = _number(value, mwhere, problems, what="the committed quantity")
        if number is not None and number < 0:
            problems.append(f"{mwhere}: the committed quantity must be 0 or more, not {number:g}")
        quantities[measure] = number
    if len(problems) > before:
        return None
    value = social_value_pounds(quantities, criterion.proxies)
    return Score(value=value, reason=str(raw.get("reason") or ""), quantities=quantities)


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


def social_value_pounds(quantities: Mapping[str, float], proxies: Mapping[str, float]) -> float:
    """Social value in pounds: the sum of each committed quantity x its proxy value."""
    return float(sum(quantity * proxies[measure] for measure, quantity in quantities.items()))


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


PROXY_MEASURE_HEADERS = ("measure", "name", "description")
PROXY_VALUE_HEADERS = ("value", "proxy", "value per unit", "pounds per unit", "proxy value", "value (£)", "£ per unit")


def proxies_from_csv(data: bytes, *, source: str = "proxy file") -> dict[str, float]:
    """The user's own proxy values from a CSV with a measure column and a value column
    (pounds per unit). Proxy tables such as the National TOMs are licensed: the user
    loads their own; none is shipped."""
    import csv
    import io

    from .formatting import pence_to_pounds, pounds_to_pence

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(f"{source}: the file is not UTF-8 text; save it as CSV (UTF-8)") from None
    reader = csv.DictReader(io.StringIO(text))
    headers = {h.strip().lower(): h for h in reader.fieldnames or []}
    measure_col = next((headers[h] for h in PROXY_MEASURE_HEADERS if h in headers), None)
    value_col = next((headers[h] for h in PROXY_VALUE_HEADERS if h in headers), None)
    if measure_col is None or value_col is None:
        raise ScenarioError(f"{source}: needs a 'measure' column and a 'value' column (pounds per unit); found {', '.join(reader.fieldnames or []) or 'no columns'}")
    proxies, problems = {}, []
    for line, row in enumerate(reader, start=2):
        measure = (row.get(measure_col) or "").strip()
        if not measure:
            continue
        try:
            value = float(pence_to_pounds(pounds_to_pence(row.get(value_col) or "")))
        except ValueError:
            problems.append(f"{source}, row {line}, column '{value_col}': {row.get(value_col)!r} is not an amount in pounds")
            continue
        if value < 0:
            problems.append(f"{source}, row {line}, column '{value_col}': the value per unit must be 0 or more")
        elif measure in proxies:
            problems.append(f"{source}, row {line}, column '{measure_col}': '{measure}' appears twice")
        else:
            proxies[measure] = value
    if not proxies and not problems:
        problems.append(f"{source}: no proxy values found")
    if problems:
        raise ScenarioError(problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""), problems=problems)
    return proxies


CRITERIA_COLUMNS = ("id", "name", "type", "weight", "max_score", "min_score", "method", "floor_price", "budget")


def criteria_rows(scenario: Scenario) -> list[dict]:
    """The criteria as rows for an editable table (one column per setting; blank where a
    setting does not apply to the type). Proxies are kept apart (see criteria_from_rows)."""
    return [
        {"id": c.id, "name": c.name, "type": c.type, "weight": c.weight,
         "max_score": c.max_score if c.type in ("quality", "social_value") else None,
         "min_score": c.min_score, "method": c.method, "floor_price": c.floor_price, "budget": c.budget}
        for c in scenario.criteria
    ]


def criteria_from_rows(rows: list[Mapping], previous: Scenario) -> list[dict]:
    """Scenario criteria from edited table rows: blanks dropped, settings that do not apply
    to a row's type dropped, and a social value criterion's proxies carried over from
    ``previous`` (they are loaded separately). Check the result with parse_scenario."""
    proxies = {c.id: dict(c.proxies) for c in previous.criteria if c.proxies}
    criteria = []
    for row in rows:
        item = {k: v for k, v in row.items() if k in CRITERIA_COLUMNS and not _blank(v)}
        kind = item.get("type")
        if kind not in ("quality", "social_value"):
            for key in ("max_score", "min_score"):
                item.pop(key, None)
        if kind != "price":
            for key in ("method", "floor_price", "budget"):
                item.pop(key, None)
        if kind == "social_value" and item.get("id") in proxies:
            item["proxies"] = proxies[item["id"]]
        criteria.append({k: (float(v) if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else v) for k, v in item.items()})
    return criteria


def _blank(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value.strip())


TEMPLATES = {
    "Quality 60 / price 30 / social value 10": (60, 30, 10),
    "Quality 50 / price 40 / social value 10": (50, 40, 10),
    "Quality 70 / price 20 / social value 10": (70, 20, 10),
    "Quality 40 / price 50 / social value 10": (40, 50, 10),
}


def template_criteria(template: str) -> list[dict]:
    """Criteria (as scenario JSON) for a named template: quality, price (lowest price
    ratio), social value and two pass/fail gates (insurance, safeguarding)."""
    quality, price, social = TEMPLATES[template]
    return [
        {"id": "quality", "name": "Quality", "type": "quality", "weight": quality, "max_score": 5, "min_score": 2},
        {"id": "price", "name": "Price", "type": "price", "weight": price, "method": "lowest_price_ratio"},
        {"id": "social_value", "name": "Social value", "type": "social_value", "weight": social, "max_score": 5},
        {"id": "insurance", "name": "Insurance", "type": "pass_fail"},
        {"id": "safeguarding", "name": "Safeguarding", "type": "pass_fail"},
    ]
