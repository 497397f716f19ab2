"""An SROI scenario: its dataclasses, the rules for reading one from JSON (every problem
collected, naming the outcome and field), writing it back, and the conversions to and from
the page's impact-map and investment grids.

Money in pounds (float). The maths is in ``models.sroi``; presentation in ``models.sroi_report``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import checks
from .errors import ScenarioError


GREEN_BOOK_DISCOUNT_RATE = 0.035
FRACTION_FIELDS = ("deadweight", "displacement", "attribution", "drop_off")
FIELD_LABELS = {
    "name": "outcome name",
    "quantity": "quantity",
    "proxy_value": "financial proxy",
    "deadweight": "deadweight",
    "displacement": "displacement",
    "attribution": "attribution",
    "drop_off": "drop-off",
    "duration_years": "duration",
    "investment": "investment",
    "discount_rate": "discount rate",
}
ESTIMATE_FIELDS = ("quantity", "proxy_value", "deadweight", "displacement", "attribution", "drop_off", "duration_years")
MAX_DURATION_YEARS = 50
LONG_DURATION_YEARS = 5

# A ratio above this is flagged as far above what comparable analyses report. Why 10:1:
# Social Value UK's collection of about 140 SROI reports (2005-2012) has a best-fit ratio of
# about 5:1 to 6:1 (J. Nicholls, "What ratios are telling us", 29 May 2013), and a
# systematic review of 40 public-health SROI studies found 1.1:1 to 65:1 with most far
# below the top (Banke-Thomas et al., BMC Public Health 2015, 15:582). Ten to one is about
# twice the typical ratio: not impossible, but worth a second look at every estimate.
HIGH_RATIO_THRESHOLD = 10.0


@dataclass(frozen=True)
class DefaultSpread:
    """Ranges used for sensitivity and Monte Carlo where an outcome gives none of its own:
    quantities and proxies vary by +/- ``relative`` of their value, fractions by +/-
    ``fraction_points`` (kept within 0-1), durations by +/- ``duration_years``."""

    relative: float = 0.2
    fraction_points: float = 0.1
    duration_years: int = 1


@dataclass(frozen=True)
class Convention:
    """How years are counted. The SROI guide's convention is the default."""

    year_one_discounted: bool = True
    drop_off_from_year_one: bool = False

    @property
    def is_guide(self) -> bool:
        return self.year_one_discounted and not self.drop_off_from_year_one

    def describe(self) -> str:
        """The convention in words, for every place results are shown."""
        discount = "year 1 discounted" if self.year_one_discounted else "year 1 not discounted"
        drop = "drop-off from year 1" if self.drop_off_from_year_one else "drop-off from year 2"
        name = "SROI guide convention" if self.is_guide else "Alternative convention"
        return f"{name}: {discount}, {drop}"


@dataclass(frozen=True)
class InvestmentLine:
    name: str
    amount: float


@dataclass(frozen=True)
class Outcome:
    """One line of the impact map. Money in pounds a year; fractions 0-1."""

    name: str
    stakeholder: str
    quantity: float
    proxy_value: float
    deadweight: float = 0.0
    displacement: float = 0.0
    attribution: float = 0.0
    drop_off: float = 0.0
    duration_years: int = 1
    description: str = ""
    indicator: str = ""
    proxy_source: str = ""
    proxy_price_year: int | None = None
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def gross_value(self) -> float:
        """Quantity x proxy: pounds a year before any adjustment."""
        return self.quantity * self.proxy_value

    @property
    def impact(self) -> float:
        """Pounds a year after deadweight, displacement and attribution."""
        return self.gross_value * (1 - self.deadweight) * (1 - self.displacement) * (1 - self.attribution)


@dataclass(frozen=True)
class Scenario:
    name: str
    investment_lines: tuple[InvestmentLine, ...]
    outcomes: tuple[Outcome, ...]
    discount_rate: float = GREEN_BOOK_DISCOUNT_RATE
    convention: Convention = Convention()
    fictional: bool = False
    notes: str = ""

    @property
    def investment(self) -> float:
        """Total investment in pounds."""
        return sum(line.amount for line in self.investment_lines)

    def with_investment(self, amount: float) -> "Scenario":
        return dataclasses.replace(self, investment_lines=(InvestmentLine("Investment", amount),))


# ---------------------------------------------------------------------------------------
# Parsing and validation


def parse_scenario(body: Mapping[str, Any]) -> Scenario:
    """A validated Scenario from the scenario JSON (a dict). Raises ScenarioError listing
    every problem, each naming the outcome and field. Missing adjustments (deadweight,
    displacement, attribution, drop-off) default to 0; the honesty checks then say so."""
    problems: list[str] = []
    if not isinstance(body, Mapping):
        raise ScenarioError("An SROI scenario is a JSON object with 'investment' and 'outcomes'")
    name = str(body.get("name") or "Untitled scenario").strip()
    lines = _parse_investment(body.get("investment"), problems)
    rate = checks.number(body.get("discount_rate", GREEN_BOOK_DISCOUNT_RATE), "Scenario: discount_rate", problems)
    if rate is not None and not 0 <= rate < 1:
        problems.append(f"Scenario: discount_rate must be between 0 and 1 (0.035 for 3.5%); got {rate:g}")
    convention = _parse_convention(body.get("convention"), problems)
    raw_outcomes = body.get("outcomes")
    outcomes: list[Outcome] = []
    if not isinstance(raw_outcomes, list) or not raw_outcomes:
        problems.append("Scenario: outcomes must be a list with at least one outcome")
    else:
        for position, raw in enumerate(raw_outcomes, start=1):
            outcome = _parse_outcome(position, raw, problems)
            if outcome is not None:
                outcomes.append(outcome)
    if problems:
        summary = problems[0] if len(problems) == 1 else f"{len(problems)} problems in the scenario; the first: {problems[0]}"
        raise ScenarioError(summary, problems=problems)
    return Scenario(
        name=name,
        investment_lines=tuple(lines),
        outcomes=tuple(outcomes),
        discount_rate=GREEN_BOOK_DISCOUNT_RATE if rate is None else rate,
        convention=convention,
        fictional=bool(body.get("fictional", False)),
        notes=str(body.get("notes") or ""),
    )


def _parse_investment(raw: Any, problems: list[str]) -> list[InvestmentLine]:
    """'investment' is a number of pounds, or a list of {"name", "amount"} input lines."""
    if isinstance(raw, list):
        lines = []
        for position, item in enumerate(raw, start=1):
            label = str((item or {}).get("name") or f"Input {position}") if isinstance(item, Mapping) else f"Input {position}"
            amount = checks.number(item.get("amount") if isinstance(item, Mapping) else None, f"Investment line {position} '{label}': amount", problems)
            if amount is not None and amount < 0:
                problems.append(f"Investment line {position} '{label}': amount must not be negative; got {amount:g}")
            elif amount is not None:
                lines.append(InvestmentLine(label, amount))
        total = sum(line.amount for line in lines)
    else:
        amount = checks.number(raw, "Scenario: investment", problems)
        lines = [] if amount is None else [InvestmentLine("Investment", amount)]
        total = amount or 0.0
        if amount is None:
            return lines
    if total <= 0 and not any(p.startswith(("Scenario: investment", "Investment line")) for p in problems):
        problems.append("Scenario: investment must be more than £0 (the ratio divides by it); enter what the service costs")
    return lines


def _parse_convention(raw: Any, problems: list[str]) -> Convention:
    if raw is None:
        return Convention()
    if not isinstance(raw, Mapping):
        problems.append("Scenario: convention must be an object like {\"year_one_discounted\": true, \"drop_off_from_year_one\": false}")
        return Convention()
    values = {}
    for key, default in (("year_one_discounted", True), ("drop_off_from_year_one", False)):
        value = raw.get(key, default)
        if not isinstance(value, bool):
            problems.append(f"Scenario: convention.{key} must be true or false; got {value!r}")
            value = default
        values[key] = value
    return Convention(**values)


def _parse_outcome(position: int, raw: Any, problems: list[str]) -> Outcome | None:
    if not isinstance(raw, Mapping):
        problems.append(f"Outcome {position}: must be an object with a name, quantity and proxy_value")
        return None
    name = str(raw.get("name") or "").strip()
    stakeholder = str(raw.get("stakeholder") or "").strip()
    where = f"Outcome {position} '{name}'" if name else (
        f"Outcome {position} (for '{stakeholder}')" if stakeholder else f"Outcome {position}")
    before = len(problems)
    missing = [FIELD_LABELS.get(key, key) for key in PARTS_OF_A_ROW if _missing(raw.get(key))]
    if missing:
        # A row typed in part (in a grid, a form or a file) is named, never left out quietly.
        problems.append(
            f"{where} is only partly filled: give its {_and(missing)}, or delete the row; "
            "no ratio is worked out until every outcome is complete"
        )
        return None
    quantity = checks.number(raw.get("quantity"), f"{where}: quantity", problems)
    if quantity is not None and quantity < 0:
        problems.append(f"{where}: quantity must not be negative; got {quantity:g}")
    proxy = checks.number(raw.get("proxy_value"), f"{where}: proxy_value", problems)
    if proxy is not None and proxy < 0:
        problems.append(f"{where}: proxy_value must not be negative (pounds per unit a year); got {proxy:g}")
    fractions = {}
    for key in FRACTION_FIELDS:
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            fractions[key] = 0.0
            continue
        number = checks.number(value, f"{where}: {key}", problems)
        if number is not None and not 0 <= number <= 1:
            problems.append(f"{where}: {key} must be between 0 and 1 (0% to 100%); got {number:g} ({number:.0%})")
        fractions[key] = number if number is not None else 0.0
    duration = checks.number(raw.get("duration_years", 1), f"{where}: duration_years", problems)
    if duration is not None and (duration != int(duration) or not 1 <= duration <= MAX_DURATION_YEARS):
        problems.append(f"{where}: duration_years must be a whole number of years from 1 to {MAX_DURATION_YEARS}; got {duration:g}")
    price_year = raw.get("proxy_price_year")
    if price_year not in (None, ""):
        year = checks.number(price_year, f"{where}: proxy_price_year", problems)
        price_year = int(year) if year is not None and year == int(year) else None
    else:
        price_year = None
    if len(problems) > before:
        return None
    outcome = Outcome(
        name=name,
        stakeholder=str(raw.get("stakeholder") or "Not stated").strip(),
        quantity=quantity,
        proxy_value=proxy,
        duration_years=int(duration),
        description=str(raw.get("description") or ""),
        indicator=str(raw.get("indicator") or ""),
        proxy_source=str(raw.get("proxy_source") or "").strip(),
        proxy_price_year=price_year,
        **fractions,
    )
    ranges = _parse_ranges(where, outcome, raw.get("ranges"), problems)
    if len(problems) > before:
        return None
    return dataclasses.replace(outcome, ranges=ranges)


PARTS_OF_A_ROW = ("name", "quantity", "proxy_value")  # an outcome needs all three to be valued


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value.strip())


def _and(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def outcome_problems(raw: Mapping[str, Any], position: int = 1) -> list[str]:
    """Every problem with one outcome (a row of the impact map, from the grid, the form or
    a file), by the same rules as ``parse_scenario``: what the one-row form checks as you type."""
    problems: list[str] = []
    _parse_outcome(position, raw, problems)
    return problems


def _parse_ranges(where: str, outcome: Outcome, raw: Any, problems: list[str]) -> dict[str, tuple[float, float]]:
    """Optional {"field": [low, high]} for sensitivity and Monte Carlo; low <= estimate <= high."""
    if raw in (None, {}):
        return {}
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: ranges must be an object like {{\"proxy_value\": [2500, 4000]}}")
        return {}
    ranges = {}
    for key, pair in raw.items():
        if key not in ESTIMATE_FIELDS:
            problems.append(f"{where}: ranges.{key} is not an estimate (use one of {', '.join(ESTIMATE_FIELDS)})")
            continue
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            problems.append(f"{where}: ranges.{key} must be [low, high]")
            continue
        low = checks.number(pair[0], f"{where}: ranges.{key} low", problems)
        high = checks.number(pair[1], f"{where}: ranges.{key} high", problems)
        if low is None or high is None:
            continue
        central = getattr(outcome, key)
        if not low <= central <= high:
            problems.append(f"{where}: ranges.{key} must run from low to high around the estimate {central:g}; got [{low:g}, {high:g}]")
            continue
        lowest, highest = _field_bounds(key)
        if low < lowest or high > highest:
            problems.append(f"{where}: ranges.{key} must stay within {lowest:g} to {highest:g}; got [{low:g}, {high:g}]")
            continue
        ranges[key] = (low, high)
    return ranges


def _field_bounds(key: str) -> tuple[float, float]:
    if key in FRACTION_FIELDS:
        return 0.0, 1.0
    if key == "duration_years":
        return 1.0, float(MAX_DURATION_YEARS)
    return 0.0, math.inf


def scenario_to_dict(scenario: Scenario) -> dict:
    """The scenario as JSON-ready data (what parse_scenario reads back)."""
    lines = scenario.investment_lines
    body: dict[str, Any] = {
        "name": scenario.name,
        "investment": lines[0].amount if len(lines) == 1 and lines[0].name == "Investment"
        else [{"name": line.name, "amount": line.amount} for line in lines],
        "discount_rate": scenario.discount_rate,
        "convention": dataclasses.asdict(scenario.convention),
        "outcomes": [],
    }
    if scenario.fictional:
        body["fictional"] = True
    if scenario.notes:
        body["notes"] = scenario.notes
    for outcome in scenario.outcomes:
        item = {k: v for k, v in dataclasses.asdict(outcome).items() if k != "ranges"}
        if outcome.ranges:
            item["ranges"] = {k: list(v) for k, v in outcome.ranges.items()}
        body["outcomes"].append(item)
    return body


# ---------------------------------------------------------------------------------------
# Tables (for the page's grid, charts and exports): users' words, pounds, percentages

IMPACT_MAP_COLUMNS = {
    "stakeholder": "Stakeholder",
    "name": "Outcome",
    "indicator": "Indicator",
    "quantity": "Quantity",
    "proxy_value": "Financial proxy (£ a unit a year)",
    "proxy_source": "Proxy source",
    "proxy_price_year": "Proxy price year",
    "deadweight": "Deadweight (%)",
    "displacement": "Displacement (%)",
    "attribution": "Attribution (%)",
    "drop_off": "Drop-off (%)",
    "duration_years": "Duration (years)",
}
INVESTMENT_COLUMNS = {"name": "Input", "amount": "Amount (£)"}


def impact_map_frame(body: Mapping[str, Any]) -> pd.DataFrame:
    """The outcomes of a scenario body as the page's grid (fractions shown as percentages)."""
    rows = []
    for raw in body.get("outcomes") or []:
        row = {}
        for key, column in IMPACT_MAP_COLUMNS.items():
            value = raw.get(key)
            if key in FRACTION_FIELDS:
                value = round(float(value or 0) * 100, 10)
            row[column] = value
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(IMPACT_MAP_COLUMNS.values()))
    for column in ("Quantity", "Financial proxy (£ a unit a year)", "Deadweight (%)", "Displacement (%)", "Attribution (%)", "Drop-off (%)"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    for column in ("Proxy price year", "Duration (years)"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    for column in ("Stakeholder", "Outcome", "Indicator", "Proxy source"):
        frame[column] = frame[column].astype("string")
    return frame


def outcomes_from_impact_map(frame: pd.DataFrame, ranges_by_name: Mapping[str, Any] | None = None) -> list[dict]:
    """The grid back into scenario outcomes (percentages to fractions). Rows left wholly
    empty are skipped; everything else is passed on for parse_scenario to judge, so its
    messages name the outcome by its row number."""
    outcomes = []
    for _, row in frame.iterrows():
        values = {key: _cell(row.get(column)) for key, column in IMPACT_MAP_COLUMNS.items()}
        if all(v is None for v in values.values()):
            continue
        for key in FRACTION_FIELDS:
            if isinstance(values[key], (int, float)):
                values[key] = values[key] / 100
        for key in ("duration_years", "proxy_price_year"):
            if isinstance(values[key], float) and values[key] == int(values[key]):
                values[key] = int(values[key])
        outcome = {k: v for k, v in values.items() if v is not None}
        if ranges_by_name and outcome.get("name") in ranges_by_name:
            outcome["ranges"] = ranges_by_name[outcome["name"]]
        outcomes.append(outcome)
    return outcomes


def investment_frame(body: Mapping[str, Any]) -> pd.DataFrame:
    """The scenario's investment as input lines (one line when it is a single amount)."""
    raw = body.get("investment")
    lines = raw if isinstance(raw, list) else [{"name": "Investment", "amount": raw}]
    frame = pd.DataFrame(
        [{INVESTMENT_COLUMNS["name"]: line.get("name"), INVESTMENT_COLUMNS["amount"]: line.get("amount")} for line in lines],
        columns=list(INVESTMENT_COLUMNS.values()),
    )
    frame["Input"] = frame["Input"].astype("string")
    frame["Amount (£)"] = pd.to_numeric(frame["Amount (£)"], errors="coerce").astype("float64")
    return frame


def investment_from_frame(frame: pd.DataFrame) -> list[dict]:
    """Investment lines from the page's grid; wholly empty rows skipped."""
    lines = []
    for position, (_, row) in enumerate(frame.iterrows(), start=1):
        name, amount = _cell(row.get("Input")), _cell(row.get("Amount (£)"))
        if name is None and amount is None:
            continue
        lines.append({"name": name or f"Input {position}", "amount": amount})
    return lines


def _cell(value: Any) -> Any:
    """A grid cell as plain Python: missing (NaN, NA, blank text) becomes None."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if math.isnan(value) else float(value)
    return value
