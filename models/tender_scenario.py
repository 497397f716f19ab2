"""A tender scenario: its dataclasses, the rules for reading one from JSON (every problem
collected, naming the bid and criterion), templates, proxy-value files and the conversions
to and from the page's criteria grid.

Units: prices and social value in pounds; weights as the user gave them; scores on each
criterion's own scale. The maths is in ``models.tender``; presentation in ``models.tender_report``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import checks
from .errors import ScenarioError
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
    spread = checks.number(spread, "Scenario, 'weight_spread'", problems)
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
    weight = checks.number(item.get("weight", 0 if kind == "pass_fail" else None), f"{where}, 'weight'", problems)
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
    max_score = checks.number(item.get("max_score", 5), f"{where}, 'max_score'", problems)
    if max_score is not None and max_score <= 0:
        problems.append(f"{where}: max_score must be above 0, not {max_score:g}")
        max_score = None
    if max_score is not None:
        fields["max_score"] = max_score
    if item.get("min_score") is not None:
        min_score = checks.number(item["min_score"], f"{where}, 'min_score'", problems)
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
        number = checks.number(value, f"{where}, proxy '{measure}', the value per unit", problems)
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
            value = checks.number(item[key], f"{where}, '{key}'", problems)
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
            price = checks.number(item.get("price"), f"{where}, 'price' (in pounds)", problems)
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
    value = checks.number(raw, f"{where}, the score", problems)
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
        number = checks.number(value, f"{mwhere}, the committed quantity", problems)
        if number is not None and number < 0:
            problems.append(f"{mwhere}: the committed quantity must be 0 or more, not {number:g}")
        quantities[measure] = number
    if len(problems) > before:
        return None
    value = social_value_pounds(quantities, criterion.proxies)
    return Score(value=value, reason=str(raw.get("reason") or ""), quantities=quantities)


def social_value_pounds(quantities: Mapping[str, float], proxies: Mapping[str, float]) -> float:
    """Social value in pounds: the sum of each committed quantity x its proxy value."""
    return float(sum(quantity * proxies[measure] for measure, quantity in quantities.items()))


PROXY_MEASURE_HEADERS = ("measure", "name", "description")
PROXY_VALUE_HEADERS = ("value", "proxy", "value per unit", "pounds per unit", "proxy value", "value (£)", "£ per unit")


def proxies_from_csv(data: bytes, *, source: str = "proxy file") -> dict[str, float]:
    """The user's own proxy values from a CSV with a measure column and a value column
    (pounds per unit). Proxy tables such as the National TOMs are licensed: the user
    loads their own; none is shipped."""
    import csv
    import io

    from .formatting import pence_to_pounds, pounds_to_pence

    text = checks.uploaded_text(data, source, max_bytes=None, too_large="", not_text="save it as CSV (UTF-8)",
                                error=ScenarioError)
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


FROM_SCRATCH = "From scratch (quality 60 / price 40, no social value)"


def template_criteria(template: str) -> list[dict]:
    """Criteria (as scenario JSON) for a named template: quality, price (lowest price
    ratio), social value and two pass/fail gates (insurance, safeguarding); or, for
    ``FROM_SCRATCH``, quality 60 and price 40 alone."""
    if template == FROM_SCRATCH:
        return [
            {"id": "quality", "name": "Quality", "type": "quality", "weight": 60, "max_score": 5},
            {"id": "price", "name": "Price", "type": "price", "weight": 40, "method": "lowest_price_ratio"},
        ]
    quality, price, social = TEMPLATES[template]
    return [
        {"id": "quality", "name": "Quality", "type": "quality", "weight": quality, "max_score": 5, "min_score": 2},
        {"id": "price", "name": "Price", "type": "price", "weight": price, "method": "lowest_price_ratio"},
        {"id": "social_value", "name": "Social value", "type": "social_value", "weight": social, "max_score": 5},
        {"id": "insurance", "name": "Insurance", "type": "pass_fail"},
        {"id": "safeguarding", "name": "Safeguarding", "type": "pass_fail"},
    ]


def unused_name(name: str, taken) -> str:
    """``name`` if no tender in ``taken`` has it, else the first free 'name (2)', 'name (3)', ..."""
    taken = set(taken)
    candidate, copy = name, 1
    while candidate in taken:
        copy += 1
        candidate = f"{name} ({copy})"
    return candidate


def criteria_with_proxies(criteria: list[Mapping], criterion_id: str, proxies: Mapping[str, float]) -> list[dict]:
    """The criteria (scenario JSON) with ``proxies`` (pounds per unit of each measure) as the
    values of social-value criterion ``criterion_id``, which is then scored from the
    quantities bidders commit: its score scale (max and min score, descriptors) goes."""
    updated = []
    for item in criteria:
        item = dict(item)
        if item.get("id") == criterion_id:
            item["proxies"] = dict(proxies)
            for key in ("max_score", "min_score", "descriptors"):
                item.pop(key, None)
        updated.append(item)
    return updated


def bid_body(bidder: str, price: float, gates: Mapping[str, str], quantities: Mapping[str, Mapping[str, float]]) -> dict:
    """A bid as scenario JSON from the page's form: each gate 'Pass'/'Fail' and, for each
    social-value criterion scored by proxies, the quantities committed per measure."""
    return {
        "bidder": bidder,
        "price": price,
        "scores": {**{gate: result.lower() for gate, result in gates.items()},
                   **{criterion: {"quantities": dict(q)} for criterion, q in quantities.items()}},
    }
