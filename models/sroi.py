"""Social return on investment (SROI): a pure engine, done the way the SROI guide sets out
(Cabinet Office, "A guide to Social Return on Investment", 2009; revised 2012).

Money is in pounds (float) throughout; results are rounded to the penny only at the edges
(``results_json``), where the parts are made to add up exactly to the rounded totals.

The calculation, per outcome:

* impact = quantity x financial proxy x (1 - deadweight) x (1 - displacement) x (1 - attribution)
  (pounds a year);
* value in year n (n = 1..duration) = impact x (1 - drop-off)^(n - 1): drop-off starts in
  year 2 (the guide's example: 100 falls to 90 then 81 at 10%);
* present value = sum of value / (1 + r)^n: year 1 is discounted (the guide's convention;
  r defaults to 3.5%, the HM Treasury Green Book rate).

Two conventions others use can be chosen instead, and the one in use is always reported:
year 1 undiscounted (value / (1 + r)^(n - 1)) and drop-off from year 1
(impact x (1 - drop-off)^n).

This module never touches the database: scenarios come in as dicts (the JSON the command
line reads) and results go out as dataclasses and plain dicts. The scenario (dataclasses,
parsing, grids) is in ``models.sroi_scenario`` and the presentation (wording, penny figures,
JSON, tables) in ``models.sroi_report``; every public name of both is importable from here
too, as ``models.sroi.<name>``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .errors import ScenarioError
from .sroi_report import (  # noqa: F401 (the report's names, importable from here as before)
    PennyFigures,
    WATERFALL_STEPS,
    comparison_table,
    honesty_warnings,
    outcome_table,
    payback_text,
    penny,
    penny_figures,
    ratio_text,
    results_json,
    rounded_parts,
    stakeholder_table,
    summary_table,
    switching_table,
    tornado_table,
    uncertainty_table,
    waterfall_table,
    year_table,
)
from .sroi_scenario import (  # noqa: F401 (the scenario's names, importable from here as before)
    Convention,
    DefaultSpread,
    ESTIMATE_FIELDS,
    FIELD_LABELS,
    FRACTION_FIELDS,
    GREEN_BOOK_DISCOUNT_RATE,
    HIGH_RATIO_THRESHOLD,
    IMPACT_MAP_COLUMNS,
    INVESTMENT_COLUMNS,
    InvestmentLine,
    LONG_DURATION_YEARS,
    MAX_DURATION_YEARS,
    Outcome,
    Scenario,
    impact_map_frame,
    investment_frame,
    investment_from_frame,
    outcome_problems,
    outcomes_from_impact_map,
    parse_scenario,
    scenario_to_dict,
)


# ---------------------------------------------------------------------------------------
# The calculation


@dataclass(frozen=True)
class OutcomeResult:
    """One outcome's figures (pounds). ``removed_by_*`` are over the whole duration."""

    name: str
    stakeholder: str
    gross_value: float            # quantity x proxy, one year
    impact: float                 # after deadweight, displacement, attribution, one year
    gross_value_all_years: float
    removed_by_deadweight: float
    removed_by_displacement: float
    removed_by_attribution: float
    removed_by_drop_off: float
    removed_by_discounting: float
    values_by_year: tuple[float, ...]   # undiscounted, years 1..duration
    present_value: float


@dataclass(frozen=True)
class YearValue:
    year: int
    value: float          # undiscounted, all outcomes
    present_value: float  # discounted


@dataclass(frozen=True)
class Result:
    scenario: Scenario
    investment: float
    present_value: float
    net_present_value: float
    sroi_ratio: float
    net_sroi_ratio: float
    payback_months: float | None   # None when year 1 creates no value
    outcomes: tuple[OutcomeResult, ...]
    years: tuple[YearValue, ...]

    @property
    def convention(self) -> Convention:
        return self.scenario.convention


def value_in_year(impact: float, drop_off: float, year: int, convention: Convention = Convention()) -> float:
    """Undiscounted value in ``year`` (1-based): impact x (1 - drop-off)^(n - 1), or ^n when
    drop-off starts in year 1."""
    exponent = year if convention.drop_off_from_year_one else year - 1
    return impact * (1 - drop_off) ** exponent


def discount_factor(rate: float, year: int, convention: Convention = Convention()) -> float:
    """1 / (1 + r)^n, or ^(n - 1) when year 1 is not discounted."""
    exponent = year if convention.year_one_discounted else year - 1
    return 1 / (1 + rate) ** exponent


def calculate(scenario: Scenario) -> Result:
    """Present value, net present value, ratios, payback and the breakdowns of a scenario."""
    convention, rate = scenario.convention, scenario.discount_rate
    outcome_results = []
    horizon = max(o.duration_years for o in scenario.outcomes)
    year_values = [0.0] * horizon
    year_present = [0.0] * horizon
    for outcome in scenario.outcomes:
        years = range(1, outcome.duration_years + 1)
        values = tuple(value_in_year(outcome.impact, outcome.drop_off, n, convention) for n in years)
        discounted = [v * discount_factor(rate, n, convention) for n, v in zip(years, values)]
        for index, (value, present) in enumerate(zip(values, discounted)):
            year_values[index] += value
            year_present[index] += present
        duration = outcome.duration_years
        gross = outcome.gross_value * duration
        after_deadweight = gross * (1 - outcome.deadweight)
        after_displacement = after_deadweight * (1 - outcome.displacement)
        impact_all_years = outcome.impact * duration
        present_value = math.fsum(discounted)
        outcome_results.append(
            OutcomeResult(
                name=outcome.name,
                stakeholder=outcome.stakeholder,
                gross_value=outcome.gross_value,
                impact=outcome.impact,
                gross_value_all_years=gross,
                removed_by_deadweight=gross - after_deadweight,
                removed_by_displacement=after_deadweight - after_displacement,
                removed_by_attribution=after_displacement - impact_all_years,
                removed_by_drop_off=impact_all_years - math.fsum(values),
                removed_by_discounting=math.fsum(values) - present_value,
                values_by_year=values,
                present_value=present_value,
            )
        )
    investment = scenario.investment
    present_value = math.fsum(r.present_value for r in outcome_results)
    first_year = math.fsum(r.values_by_year[0] for r in outcome_results)
    # Months to pay back from year 1's value; None when year 1 creates none, or so little
    # that the months overflow (a value below the smallest float's twelfth once crashed here).
    payback = investment * 12 / first_year if first_year > 0 else None
    return Result(
        scenario=scenario,
        investment=investment,
        present_value=present_value,
        net_present_value=present_value - investment,
        sroi_ratio=present_value / investment,
        net_sroi_ratio=(present_value - investment) / investment,
        payback_months=payback if payback is not None and math.isfinite(payback) else None,
        outcomes=tuple(outcome_results),
        years=tuple(YearValue(n + 1, year_values[n], year_present[n]) for n in range(horizon)),
    )


def present_value_factor(drop_off, duration, rate, convention: Convention = Convention()):
    """Present value of one pound a year of impact, as a closed form that works on numpy
    arrays: sum over n = 1..duration of (1 - d)^(n - 1 + k) / (1 + r)^(n - u), with k = 1
    when drop-off starts in year 1 and u = 1 when year 1 is not discounted. Used by the
    Monte Carlo; ``calculate`` sums year by year and the tests check they agree."""
    drop_off, duration, rate = np.asarray(drop_off, float), np.asarray(duration, float), np.asarray(rate, float)
    keep = 1 - drop_off
    # The geometric series (1 - q^N) / (1 - q), q = keep / (1 + r), written with log1p and
    # expm1: when q is within about 1e-8 of 1 (tiny drop-off and rate) the plain form loses
    # most of its digits to cancellation.
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.log1p(-drop_off) - np.log1p(rate)
        at_one = log_ratio == 0
        safe = np.where(at_one, -1.0, log_ratio)
        series = np.where(at_one, duration, np.expm1(duration * safe) / np.expm1(safe))
    factor = series / (1 + rate)
    if convention.drop_off_from_year_one:
        factor = factor * keep
    if not convention.year_one_discounted:
        factor = factor * (1 + rate)
    return factor


# ---------------------------------------------------------------------------------------
# Sensitivity: one estimate at a time, and switching values


@dataclass(frozen=True)
class Estimate:
    """One estimate that can vary: an outcome's field, or the investment or discount rate
    (``outcome_index`` None)."""

    outcome_index: int | None
    field: str
    central: float
    low: float
    high: float

    def label(self, scenario: Scenario) -> str:
        if self.outcome_index is None:
            return FIELD_LABELS[self.field].capitalize()
        return f"{scenario.outcomes[self.outcome_index].name}: {FIELD_LABELS[self.field]}"


def estimates(scenario: Scenario, spread: DefaultSpread = DefaultSpread()) -> list[Estimate]:
    """Every estimate with its range: the outcome's own, else the default spread."""
    found = []
    for index, outcome in enumerate(scenario.outcomes):
        for key in ESTIMATE_FIELDS:
            central = float(getattr(outcome, key))
            low, high = outcome.ranges.get(key) or _default_range(key, central, spread)
            found.append(Estimate(index, key, central, low, high))
    investment = scenario.investment
    found.append(Estimate(None, "investment", investment, investment * (1 - spread.relative), investment * (1 + spread.relative)))
    rate = scenario.discount_rate
    found.append(Estimate(None, "discount_rate", rate, max(0.0, rate - 0.02), rate + 0.02))
    return found


def _default_range(key: str, central: float, spread: DefaultSpread) -> tuple[float, float]:
    if key in FRACTION_FIELDS:
        return max(0.0, central - spread.fraction_points), min(1.0, central + spread.fraction_points)
    if key == "duration_years":
        return max(1.0, central - spread.duration_years), min(float(MAX_DURATION_YEARS), central + spread.duration_years)
    return central * (1 - spread.relative), central * (1 + spread.relative)


def with_estimate(scenario: Scenario, estimate: Estimate, value: float) -> Scenario:
    """The scenario with one estimate set to ``value``."""
    if estimate.outcome_index is None:
        if estimate.field == "investment":
            return scenario.with_investment(value)
        return dataclasses.replace(scenario, discount_rate=value)
    outcomes = list(scenario.outcomes)
    if estimate.field == "duration_years":
        value = int(round(value))
    outcomes[estimate.outcome_index] = dataclasses.replace(outcomes[estimate.outcome_index], **{estimate.field: value})
    return dataclasses.replace(scenario, outcomes=tuple(outcomes))


def ratio_with(scenario: Scenario, estimate: Estimate, value: float) -> float:
    """The SROI ratio with one estimate changed."""
    return calculate(with_estimate(scenario, estimate, value)).sroi_ratio


@dataclass(frozen=True)
class SensitivityRow:
    label: str
    field: str
    outcome: str | None
    central: float
    low: float
    high: float
    ratio_at_low: float
    ratio_at_high: float

    @property
    def swing(self) -> float:
        return abs(self.ratio_at_high - self.ratio_at_low)


def tornado(scenario: Scenario, spread: DefaultSpread = DefaultSpread()) -> list[SensitivityRow]:
    """The ratio with each estimate at its low and high, one at a time, largest swing first."""
    rows = []
    for estimate in estimates(scenario, spread):
        if estimate.low == estimate.high:
            continue
        rows.append(
            SensitivityRow(
                label=estimate.label(scenario),
                field=estimate.field,
                outcome=None if estimate.outcome_index is None else scenario.outcomes[estimate.outcome_index].name,
                central=estimate.central,
                low=estimate.low,
                high=estimate.high,
                ratio_at_low=ratio_with(scenario, estimate, estimate.low),
                ratio_at_high=ratio_with(scenario, estimate, estimate.high),
            )
        )
    return sorted(rows, key=lambda row: row.swing, reverse=True)


@dataclass(frozen=True)
class SwitchingValue:
    """The value of one estimate at which the ratio is exactly 1:1 (all else unchanged);
    ``value`` None when no valid value does it (``note`` says why)."""

    label: str
    field: str
    outcome: str | None
    central: float
    value: float | None
    note: str = ""

    @property
    def change(self) -> float | None:
        """How far the estimate must move: a fraction of itself for amounts and
        quantities, in points (0-1) for fractions and the discount rate."""
        if self.value is None:
            return None
        if self.field in FRACTION_FIELDS or self.field == "discount_rate":
            return self.value - self.central
        return (self.value - self.central) / self.central if self.central else None


def switching_values(scenario: Scenario) -> list[SwitchingValue]:
    """For each estimate, the value that brings the ratio to 1:1. Quantity, proxy,
    deadweight, displacement, attribution and investment enter the present value linearly
    and are solved exactly; drop-off and the discount rate by bisection (the present value
    falls steadily as either rises). Durations are whole years, so have none."""
    result = calculate(scenario)
    found = []
    for estimate in estimates(scenario):
        if estimate.field == "duration_years":
            continue
        label = estimate.label(scenario)
        outcome = None if estimate.outcome_index is None else scenario.outcomes[estimate.outcome_index].name
        value, note = _switching_value(scenario, result, estimate)
        found.append(SwitchingValue(label, estimate.field, outcome, estimate.central, value, note))
    return found


def _switching_value(scenario: Scenario, result: Result, estimate: Estimate) -> tuple[float | None, str]:
    investment = result.investment
    if estimate.field == "investment":
        return result.present_value, ""
    if estimate.field == "discount_rate":
        return _bisect(lambda r: ratio_with(scenario, estimate, r) - 1, 0.0, 0.999999, "a discount rate")
    index = estimate.outcome_index
    own = result.outcomes[index].present_value
    others = result.present_value - own
    needed = investment - others   # what this outcome's present value must be
    if estimate.field == "drop_off":
        return _bisect(lambda d: ratio_with(scenario, estimate, d) - 1, 0.0, 1.0, "a drop-off")
    if own == 0:
        return None, "this outcome has no value now, so changing it alone cannot move the ratio"
    if estimate.field in ("quantity", "proxy_value"):
        value = estimate.central * needed / own
        if value < 0:
            return None, "the other outcomes alone keep the ratio above 1:1"
        return value, ""
    # deadweight, displacement, attribution: present value is proportional to (1 - fraction)
    value = 1 - (1 - estimate.central) * needed / own
    if not 0 <= value <= 1:
        return None, ("the other outcomes alone keep the ratio above 1:1" if value > 1
                      else "even at 0% the ratio stays below 1:1")
    return value, ""


def _bisect(function: Callable[[float], float], low: float, high: float, what: str) -> tuple[float | None, str]:
    """A root of a decreasing ``function`` in [low, high] to machine precision, or None."""
    at_low, at_high = function(low), function(high)
    if at_low == 0:
        return low, ""
    if at_high == 0:
        return high, ""
    if at_low < 0:
        return None, f"even at {low:.0%} the ratio stays below 1:1"
    if at_high > 0:
        return None, f"no {what.split(' ', 1)[1]} up to {high:.0%} brings the ratio down to 1:1"
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        if function(middle) > 0:
            low = middle
        else:
            high = middle
    return (low + high) / 2, ""


# ---------------------------------------------------------------------------------------
# Uncertainty: Monte Carlo


@dataclass(frozen=True)
class Uncertainty:
    simulations: int
    seed: int
    p10: float
    p50: float
    p90: float
    probability_below_one: float
    histogram_edges: tuple[float, ...]
    histogram_counts: tuple[int, ...]


DEFAULT_SEED = 20090501
DEFAULT_SIMULATIONS = 10_000


def monte_carlo(
    scenario: Scenario,
    simulations: int = DEFAULT_SIMULATIONS,
    *,
    seed: int = DEFAULT_SEED,
    spread: DefaultSpread = DefaultSpread(),
    bins: int = 40,
) -> Uncertainty:
    """Draw every outcome estimate from a triangular distribution (low, estimate, high) at
    once, ``simulations`` times, and report the ratio's 10th, 50th and 90th percentiles and
    the share of draws below 1:1. Investment and discount rate are held at their values.
    The same seed always gives the same answer."""
    if simulations < 1:
        raise ScenarioError(f"Simulations must be at least 1; got {simulations}")
    rng = np.random.Generator(np.random.SFC64(seed))   # a fast generator; quality ample for this
    outcome_count = len(scenario.outcomes)
    shapes = {}
    for key in ESTIMATE_FIELDS:
        central = np.array([float(getattr(o, key)) for o in scenario.outcomes])
        bounds = [o.ranges.get(key) or _default_range(key, float(getattr(o, key)), spread) for o in scenario.outcomes]
        # column vectors: draws are laid out outcome by outcome (outcomes x draws), so
        # numpy's inner loops run along the long axis of draws
        shapes[key] = _TriangularShape(
            np.array([b[0] for b in bounds])[:, None], central[:, None], np.array([b[1] for b in bounds])[:, None]
        )
    ratios = np.empty(simulations)
    # In chunks small enough to stay in the processor's cache: several times faster than
    # whole-array passes over 100,000 x 20 draws, and the same seed gives the same answer.
    for start in range(0, simulations, MONTE_CARLO_CHUNK):
        size = (outcome_count, min(MONTE_CARLO_CHUNK, simulations - start))
        draws = {key: shape.draw(rng, size) for key, shape in shapes.items()}
        impact = draws["quantity"] * draws["proxy_value"]
        for key in ("deadweight", "displacement", "attribution"):
            impact *= 1 - draws[key]
        duration = np.maximum(1.0, np.rint(draws["duration_years"]))
        impact *= present_value_factor(draws["drop_off"], duration, scenario.discount_rate, scenario.convention)
        ratios[start:start + size[1]] = impact.sum(axis=0) / scenario.investment
    p10, p50, p90 = np.percentile(ratios, [10, 50, 90])
    counts, edges = np.histogram(ratios, bins=bins)
    return Uncertainty(
        simulations=simulations,
        seed=seed,
        p10=float(p10),
        p50=float(p50),
        p90=float(p90),
        probability_below_one=float(np.mean(ratios < 1)),
        histogram_edges=tuple(float(e) for e in edges),
        histogram_counts=tuple(int(c) for c in counts),
    )


MONTE_CARLO_CHUNK = 8192


@dataclass(frozen=True)
class _TriangularShape:
    """Triangular distributions, one per outcome: from ``low`` through the estimate
    (``mode``) to ``high``. A zero-width range is a fixed value (numpy's own triangular
    refuses it)."""

    low: np.ndarray
    mode: np.ndarray
    high: np.ndarray

    def draw(self, rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
        """Draws without branches (Stein and Keblis, 2009): with U, V uniform and c the
        mode's place in the range, low + width x ((1 - c) min(U, V) + c max(U, V)) is
        triangular. Twice the uniforms of inverting the distribution function, but about
        2.5 times faster here, as it needs no masks."""
        width = self.high - self.low
        if not np.any(width > 0):
            return np.broadcast_to(self.low, size).copy()
        split = np.divide(self.mode - self.low, width, out=np.zeros_like(width), where=width > 0)
        first, second = rng.random(size), rng.random(size)
        lower = np.minimum(first, second)
        np.maximum(first, second, out=first)
        lower *= 1 - split
        first *= split
        lower += first
        lower *= width
        lower += self.low
        return lower
