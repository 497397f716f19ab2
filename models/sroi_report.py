"""SROI results for people: ratio and payback wording, penny-exact figures (the parts made
to add up to the rounded totals), the JSON the command line prints, and the tables the page,
its charts and exports show. Reads a ``Result`` from ``models.sroi``; computes no new value
(``models.sroi`` imports this module, so the engine functions it calls are imported inside
those functions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Mapping, Sequence

import pandas as pd

from .formatting import money_from_pounds
from .sroi_scenario import FRACTION_FIELDS, HIGH_RATIO_THRESHOLD, LONG_DURATION_YEARS, Scenario

if TYPE_CHECKING:
    from .sroi import Result, SensitivityRow, SwitchingValue, Uncertainty


# ---------------------------------------------------------------------------------------
# Honesty checks


def honesty_warnings(scenario: Scenario, result: Result | None = None) -> list[str]:
    """What a careful reader would question, in plain words (shown as warnings)."""
    from .sroi import calculate  # the engine imports this module: import it when used

    result = result or calculate(scenario)
    warnings = []
    for outcome in scenario.outcomes:
        missing = [label for label, value in (("deadweight", outcome.deadweight), ("attribution", outcome.attribution)) if value == 0]
        if missing:
            warnings.append(
                f"'{outcome.name}' has no {' or '.join(missing)}: would none of this have happened anyway, "
                "and did no one else contribute? Most outcomes need both."
            )
        if outcome.duration_years > LONG_DURATION_YEARS:
            warnings.append(
                f"'{outcome.name}' is assumed to last {outcome.duration_years} years: more than {LONG_DURATION_YEARS} "
                "years needs strong evidence, and drop-off should reflect it."
            )
        if not outcome.proxy_source:
            warnings.append(f"'{outcome.name}': the financial proxy has no source; say where £{outcome.proxy_value:,.2f} comes from.")
    if result.sroi_ratio > HIGH_RATIO_THRESHOLD:
        warnings.append(
            f"The ratio ({ratio_text(result.sroi_ratio)}) is above {ratio_text(HIGH_RATIO_THRESHOLD)}, far above what comparable "
            "analyses usually report (typically around £5 to £6 : £1); check every estimate before using it."
        )
    return warnings


# ---------------------------------------------------------------------------------------
# Presenting results


def ratio_text(ratio: float | None) -> str:
    """'£3.21 : £1' — how ratios are written everywhere (page, command line, exports)."""
    if ratio is None or not math.isfinite(ratio):
        return "not available"
    sign = "-" if ratio < 0 else ""
    return f"{sign}£{abs(ratio):,.2f} : £1"


def payback_text(months: float | None) -> str:
    """'14.2 months', or a plain sentence when year 1 creates no value."""
    if months is None:
        return "never (no value in year 1)"
    return f"{months:,.1f} months"


def penny(value: float) -> Decimal:
    """Pounds rounded half up to the penny."""
    return Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rounded_parts(parts: Sequence[float], total: Decimal) -> list[Decimal]:
    """The parts rounded to the penny so that they add up exactly to ``total`` (itself
    rounded): the largest-remainder method moves the odd pennies to the parts closest to
    rounding the other way."""
    floors = [Decimal(repr(p)).quantize(Decimal("0.01"), rounding="ROUND_FLOOR") for p in parts]
    shortfall = int((total - sum(floors, Decimal(0))) / Decimal("0.01"))
    remainders = sorted(range(len(parts)), key=lambda i: Decimal(repr(parts[i])) - floors[i], reverse=True)
    step = Decimal("0.01") if shortfall >= 0 else Decimal("-0.01")
    order = remainders if shortfall >= 0 else list(reversed(remainders))
    for index in order[: abs(shortfall)]:
        floors[index] += step
    return floors


@dataclass(frozen=True)
class PennyFigures:
    """Results rounded to the penny, with the parts adding up exactly to the totals."""

    investment: Decimal
    present_value: Decimal
    net_present_value: Decimal
    outcome_present_values: tuple[Decimal, ...]
    year_values: tuple[Decimal, ...]
    year_present_values: tuple[Decimal, ...]


def penny_figures(result: Result) -> PennyFigures:
    """The figures every output shows (command line, page, exports), so they reconcile."""
    present_value = penny(result.present_value)
    investment = penny(result.investment)
    return PennyFigures(
        investment=investment,
        present_value=present_value,
        net_present_value=present_value - investment,
        outcome_present_values=tuple(rounded_parts([o.present_value for o in result.outcomes], present_value)),
        year_values=tuple(rounded_parts([y.value for y in result.years], penny(math.fsum(y.value for y in result.years)))),
        year_present_values=tuple(rounded_parts([y.present_value for y in result.years], present_value)),
    )


def results_json(result: Result, uncertainty: Uncertainty | None = None) -> dict:
    """The command line's JSON: pounds to 2 dp, ratios to 4 dp; outcome and year present
    values add up exactly to the total present value. Beyond the required keys it reports
    the convention, the warnings and (if run) the Monte Carlo."""
    figures = penny_figures(result)
    present_value, investment = figures.present_value, figures.investment
    outcome_pvs, year_values, year_pvs = figures.outcome_present_values, figures.year_values, figures.year_present_values
    body = {
        "present_value": float(present_value),
        "net_present_value": float(figures.net_present_value),
        "sroi_ratio": round(result.sroi_ratio, 4),
        "net_sroi_ratio": round(result.net_sroi_ratio, 4),
        "payback_months": None if result.payback_months is None else round(result.payback_months, 2),
        "outcomes": [
            {
                "name": o.name,
                "stakeholder": o.stakeholder,
                "gross_value": float(penny(o.gross_value)),
                "impact": float(penny(o.impact)),
                "present_value": float(pv),
            }
            for o, pv in zip(result.outcomes, outcome_pvs)
        ],
        "years": [
            {"year": y.year, "value": float(v), "present_value": float(pv)}
            for y, v, pv in zip(result.years, year_values, year_pvs)
        ],
        "investment": float(investment),
        "discount_rate": result.scenario.discount_rate,
        "convention": result.convention.describe(),
        "warnings": honesty_warnings(result.scenario, result),
    }
    if uncertainty is not None:
        body["uncertainty"] = {
            "simulations": uncertainty.simulations,
            "seed": uncertainty.seed,
            "p10": round(uncertainty.p10, 4),
            "p50": round(uncertainty.p50, 4),
            "p90": round(uncertainty.p90, 4),
            "probability_below_one": round(uncertainty.probability_below_one, 4),
        }
    return body


def summary_table(result: Result) -> pd.DataFrame:
    """The headline figures, money to the penny, ratios as '£3.21 : £1'."""
    figures = penny_figures(result)
    rows = [
        ("Investment", float(figures.investment), ""),
        ("Present value", float(figures.present_value), ""),
        ("Net present value", float(figures.net_present_value), ""),
        ("SROI ratio", None, ratio_text(result.sroi_ratio)),
        ("Net SROI ratio", None, ratio_text(result.net_sroi_ratio)),
        ("Payback", None, payback_text(result.payback_months)),
        ("Discount rate", None, f"{result.scenario.discount_rate:.2%}"),
        ("Convention", None, result.convention.describe()),
    ]
    return pd.DataFrame(rows, columns=["Measure", "Amount (£)", "Value"])


def outcome_table(result: Result) -> pd.DataFrame:
    """Per outcome: gross value and impact a year, what each adjustment removes over the
    duration, and present value (pennies reconciled to the total)."""
    figures = penny_figures(result)
    rows = []
    for outcome, pv in zip(result.outcomes, figures.outcome_present_values):
        rows.append({
            "Outcome": outcome.name,
            "Stakeholder": outcome.stakeholder,
            "Gross value a year (£)": float(penny(outcome.gross_value)),
            "Impact a year (£)": float(penny(outcome.impact)),
            "Years": len(outcome.values_by_year),
            "Present value (£)": float(pv),
        })
    return pd.DataFrame(rows)


WATERFALL_STEPS = (
    ("Gross value", None),
    ("Deadweight", "removed_by_deadweight"),
    ("Displacement", "removed_by_displacement"),
    ("Attribution", "removed_by_attribution"),
    ("Drop-off", "removed_by_drop_off"),
    ("Discounting", "removed_by_discounting"),
    ("Present value", None),
)


def waterfall_table(result: Result) -> pd.DataFrame:
    """From gross value (quantity x proxy over every outcome's duration) to present value:
    what each adjustment removes, in pounds, with the running level (start, end) of each bar."""
    gross = math.fsum(o.gross_value_all_years for o in result.outcomes)
    rows, level = [], gross
    rows.append({"Step": "Gross value", "Amount (£)": gross, "Start": 0.0, "End": gross, "Kind": "Total"})
    for label, attribute in WATERFALL_STEPS[1:-1]:
        removed = math.fsum(getattr(o, attribute) for o in result.outcomes)
        rows.append({"Step": label, "Amount (£)": -removed, "Start": level, "End": level - removed, "Kind": "Removed"})
        level -= removed
    rows.append({"Step": "Present value", "Amount (£)": result.present_value, "Start": 0.0, "End": result.present_value, "Kind": "Total"})
    frame = pd.DataFrame(rows)
    for column in ("Amount (£)", "Start", "End"):
        frame[column] = frame[column].map(lambda v: float(penny(v)) + 0.0)  # no "-0.00"
    return frame


def stakeholder_table(result: Result) -> pd.DataFrame:
    """Present value by stakeholder (pounds), largest first."""
    frame = outcome_table(result)
    totals = frame.groupby("Stakeholder", as_index=False)["Present value (£)"].sum()
    totals["Present value (£)"] = totals["Present value (£)"].map(lambda v: float(penny(v)))
    return totals.sort_values("Present value (£)", ascending=False, ignore_index=True)


def year_table(result: Result) -> pd.DataFrame:
    """Value and present value by year and stakeholder (pounds)."""
    from .sroi import discount_factor  # the engine imports this module: import it when used

    rate, convention = result.scenario.discount_rate, result.convention
    rows = {}
    for outcome in result.outcomes:
        for year, value in enumerate(outcome.values_by_year, start=1):
            entry = rows.setdefault((year, outcome.stakeholder), [0.0, 0.0])
            entry[0] += value
            entry[1] += value * discount_factor(rate, year, convention)
    return pd.DataFrame(
        [{"Year": year, "Stakeholder": who, "Value (£)": float(penny(v)), "Present value (£)": float(penny(pv))}
         for (year, who), (v, pv) in sorted(rows.items())]
    )


def _estimate_text(field: str, value: float | None) -> str:
    if value is None:
        return ""
    if field in FRACTION_FIELDS or field == "discount_rate":
        return f"{value:.1%}"
    if field in ("proxy_value", "investment"):
        return f"£{value:,.2f}"
    if field == "duration_years":
        return f"{value:g} years"
    return f"{value:,.2f}"


def tornado_table(rows: Sequence[SensitivityRow]) -> pd.DataFrame:
    """The one-at-a-time sensitivity, largest swing first."""
    return pd.DataFrame(
        [{
            "Estimate": row.label,
            "Low": _estimate_text(row.field, row.low),
            "Estimate used": _estimate_text(row.field, row.central),
            "High": _estimate_text(row.field, row.high),
            "Ratio at low": round(row.ratio_at_low, 4),
            "Ratio at high": round(row.ratio_at_high, 4),
        } for row in rows],
        columns=["Estimate", "Low", "Estimate used", "High", "Ratio at low", "Ratio at high"],
    )


def switching_table(values: Sequence[SwitchingValue]) -> pd.DataFrame:
    """Switching values in words: what each estimate must become for the ratio to be 1:1."""
    rows = []
    for item in values:
        change = item.change
        if change is None:
            moved = ""
        elif item.field in FRACTION_FIELDS or item.field == "discount_rate":
            moved = f"{change * 100:+.1f} points"
        else:
            moved = f"{change:+.1%}"
        rows.append({
            "Estimate": item.label,
            "Estimate used": _estimate_text(item.field, item.central),
            "Value giving £1 : £1": _estimate_text(item.field, item.value) or "none",
            "Change needed": moved,
            "Note": item.note,
        })
    return pd.DataFrame(rows, columns=["Estimate", "Estimate used", "Value giving £1 : £1", "Change needed", "Note"])


def uncertainty_table(uncertainty: Uncertainty) -> pd.DataFrame:
    """The Monte Carlo histogram: how many draws gave a ratio in each band."""
    edges = uncertainty.histogram_edges
    return pd.DataFrame({
        "Ratio from": [round(e, 4) for e in edges[:-1]],
        "Ratio to": [round(e, 4) for e in edges[1:]],
        "Draws": list(uncertainty.histogram_counts),
    })


def comparison_table(named_results: Mapping[str, Result]) -> pd.DataFrame:
    """Scenarios side by side: one column per scenario, one row per measure."""
    columns = {}
    for name, result in named_results.items():
        figures = penny_figures(result)
        columns[name] = [
            money_from_pounds(figures.investment), money_from_pounds(figures.present_value), money_from_pounds(figures.net_present_value),
            ratio_text(result.sroi_ratio), ratio_text(result.net_sroi_ratio), payback_text(result.payback_months),
            f"{result.scenario.discount_rate:.2%}", result.convention.describe(), str(len(result.outcomes)),
            str(len(honesty_warnings(result.scenario, result))),
        ]
    measures = ["Investment", "Present value", "Net present value", "SROI ratio", "Net SROI ratio", "Payback",
                "Discount rate", "Convention", "Outcomes", "Warnings"]
    return pd.DataFrame({"Measure": measures, **columns})
