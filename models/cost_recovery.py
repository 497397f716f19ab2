"""Full cost recovery: what each project really costs once its fair share of overheads is
added, over a plan of one to five years, and the gap a funder's offer or overhead cap leaves.

The method is ACEVO / New Philanthropy Capital, "Full Cost Recovery: a guide and toolkit on
cost allocation" (2004), endorsed by HM Treasury, "Improving financial relationships with
the third sector: guidance to funders and purchasers" (2006). Each overhead pool (premises,
finance/HR/IT, governance, fundraising, ...) is shared between projects by a driver
(headcount, staff time, floor area, direct costs or any named driver), or charged to
projects in fixed shares.

Pure functions of a scenario (a dict, the same JSON the command line reads); nothing here
touches the database. Money is worked in integer pence: each pool is shared out with
largest-remainder rounding so that the pence allocated from a pool add up to the pool
exactly, and every total reconciles to the penny.

The scenario (dataclasses, parsing, grids) is in ``models.cost_recovery_scenario`` and the
presentation (frames, JSON, workbook) in ``models.cost_recovery_report``; every public name
of both is importable from here too, as ``models.cost_recovery.<name>``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from .cost_recovery_report import (  # noqa: F401 (the report's names, importable from here as before)
    allocation_frame,
    assumptions_frame,
    chart_frame,
    funding_basis_text,
    funding_gap_frame,
    multi_year_frame,
    summary_frame,
    to_json,
    unrestricted_frame,
    workbook_notes,
    workbook_sheets,
)
from .cost_recovery_scenario import (  # noqa: F401 (the scenario's names, importable from here as before)
    ACTIVITY_COLUMN,
    NON_PAY,
    OFFER_COLUMN,
    PAY,
    Costing,
    DIRECT_COSTS,
    DIRECT_COST_CATEGORIES,
    DRIVER_LABELS,
    DirectLine,
    FIXED_SHARES,
    GRID_DRIVERS,
    KIND,
    KIND_LABELS,
    LINE_COLUMNS,
    MAX_ACTIVITY_CHANGE,
    MAX_INFLATION,
    MAX_YEARS,
    METHOD_SOURCES,
    POOL_COLUMNS,
    PROJECT_COLUMNS,
    Pool,
    Project,
    YEAR_SEPARATOR,
    body_from_grids,
    driver_options,
    grids_from_body,
    line_row_problems,
    parse_costing,
    pool_row_problems,
    project_row_problems,
)
from .formatting import pence_to_pounds


# ---------------------------------------------------------------------------------------
# Allocation


def allocate_pence(total_pence: int, weights: list[Fraction] | list[int]) -> list[int]:
    """Share ``total_pence`` in proportion to ``weights`` in whole pence, by largest
    remainder: each gets the whole pence of its exact share, then the pence left over go one
    each to the largest fractions (ties to the earlier one). The result adds up to
    ``total_pence`` exactly. Worked in integers: weights are put over a common denominator."""
    numerators = _whole_weights(weights)
    weight_total = sum(numerators)
    if weight_total <= 0:
        raise ValueError("weights must add up to more than zero")
    whole, remainders = [], []
    for numerator in numerators:
        share, remainder = divmod(total_pence * numerator, weight_total)
        whole.append(share)
        remainders.append(remainder)
    left_over = total_pence - sum(whole)
    if left_over:
        order = sorted(range(len(numerators)), key=lambda i: (-remainders[i], i))
        for index in order[:left_over]:
            whole[index] += 1
    return whole


def _whole_weights(weights: list[Fraction] | list[int]) -> list[int]:
    """Integer weights in the same proportions as ``weights`` (fractions over their least
    common denominator)."""
    if all(isinstance(w, int) for w in weights):
        return list(weights)
    fractions = [Fraction(w) for w in weights]
    denominator = math.lcm(*(f.denominator for f in fractions))
    return [f.numerator * (denominator // f.denominator) for f in fractions]


@dataclass(frozen=True)
class ProjectCost:
    """One project's costs in one year, in pence."""

    name: str
    direct_pence: int
    direct_by_category: dict[str, int]
    overheads_by_pool: dict[str, int]

    @property
    def overheads_pence(self) -> int:
        return sum(self.overheads_by_pool.values())

    @property
    def full_cost_pence(self) -> int:
        return self.direct_pence + self.overheads_pence

    @property
    def overhead_rate(self) -> float | None:
        """Overheads as a fraction of direct costs (None when there are no direct costs)."""
        return self.overheads_pence / self.direct_pence if self.direct_pence else None


@dataclass(frozen=True)
class YearCosting:
    """Every project's costs in plan year ``year`` (1 = the year the figures are for)."""

    year: int
    projects: tuple[ProjectCost, ...]
    pools: dict[str, int]

    @property
    def total_direct_pence(self) -> int:
        return sum(p.direct_pence for p in self.projects)

    @property
    def total_overheads_pence(self) -> int:
        return sum(p.overheads_pence for p in self.projects)

    @property
    def total_full_cost_pence(self) -> int:
        return sum(p.full_cost_pence for p in self.projects)

    @property
    def overhead_rate(self) -> float | None:
        """All overheads as a fraction of all direct costs (None when there are none)."""
        return self.total_overheads_pence / self.total_direct_pence if self.total_direct_pence else None


def _grown(pence: int, factor: Decimal) -> int:
    return int((Decimal(pence) * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _inflation(costing: Costing, kind: str, year: int) -> Decimal:
    rate = costing.pay_inflation if kind == PAY else costing.non_pay_inflation
    return (1 + rate) ** (year - 1)


def _activity(project: Project, year: int) -> Decimal:
    factor = Decimal(1)
    for change in project.activity_changes[: year - 1]:
        factor *= 1 + change
    return factor


def cost_year(costing: Costing, year: int = 1) -> YearCosting:
    """Every project's direct costs and share of each pool in plan year ``year``: lines grow
    by pay or non-pay inflation and the project's activity; driver quantities grow with
    activity; pools grow by their inflation. Each pool's pence are shared exactly."""
    directs: list[dict[str, int]] = []
    for project in costing.projects:
        activity = _activity(project, year)
        by_category: dict[str, int] = {}
        for line in project.lines:
            amount = _grown(line.pence, _inflation(costing, line.kind, year) * activity)
            by_category[line.category] = by_category.get(line.category, 0) + amount
        directs.append(by_category)
    direct_totals = [sum(d.values()) for d in directs]
    pools = {pool.name: _grown(pool.pence, _inflation(costing, pool.kind, year)) for pool in costing.pools}
    shares: dict[str, list[int]] = {}
    driver_weights: dict[str, list[int]] = {DIRECT_COSTS: direct_totals}  # each driver's weights, once a year
    for pool in costing.pools:
        if pool.shares is not None:
            weights = _whole_weights([pool.shares.get(p.name, Fraction(0)) for p in costing.projects])
        else:
            if pool.driver not in driver_weights:
                driver_weights[pool.driver] = _driver_weights(costing, pool.driver, year)
            weights = driver_weights[pool.driver]
        shares[pool.name] = allocate_pence(pools[pool.name], weights)
    projects = tuple(
        ProjectCost(
            name=project.name,
            direct_pence=direct_totals[i],
            direct_by_category=directs[i],
            overheads_by_pool={pool.name: shares[pool.name][i] for pool in costing.pools},
        )
        for i, project in enumerate(costing.projects)
    )
    return YearCosting(year, projects, pools)


def _driver_weights(costing: Costing, driver: str, year: int) -> list[int]:
    """Each project's quantity of ``driver`` in ``year`` (grown with its activity), as
    integers in the same proportions."""
    return _whole_weights(
        [p.drivers.get(driver, Fraction(0)) * Fraction(_activity(p, year)) for p in costing.projects]
    )


# ---------------------------------------------------------------------------------------
# Funding gap


@dataclass(frozen=True)
class GapRow:
    """What a funder pays towards a project in a year, against its full cost (pence)."""

    project: str
    year: int
    full_cost_pence: int
    funded_pence: int

    @property
    def shortfall_pence(self) -> int:
        """The part of the full cost the funding does not cover (zero if it covers it all)."""
        return max(0, self.full_cost_pence - self.funded_pence)

    @property
    def surplus_pence(self) -> int:
        return max(0, self.funded_pence - self.full_cost_pence)


def funding_gap(costing: Costing, years: list[YearCosting]) -> list[GapRow]:
    """The funding gap per project and year. With an offer: the offer against the full
    cost (projects with no offer are left out). With a cap: the funder pays direct costs
    plus the cap (e.g. 10%) of direct costs towards overheads."""
    rows = []
    if costing.funding_basis == "none":
        return rows
    by_name = {p.name: p for p in costing.projects}
    for year in years:
        for cost in year.projects:
            if costing.funding_basis == "cap":
                funded = cost.direct_pence + _grown(cost.direct_pence, costing.overhead_cap)
            else:
                offers = by_name[cost.name].offers
                if offers is None:
                    continue
                funded = offers[year.year - 1]
            rows.append(GapRow(cost.name, year.year, cost.full_cost_pence, funded))
    return rows


def unrestricted_income_needed(gaps: list[GapRow]) -> dict[int, int]:
    """Unrestricted income (pence) needed each year to cover the shortfalls. A surplus on one
    restricted grant cannot pay for another project, so only shortfalls are added."""
    needed: dict[int, int] = {}
    for row in gaps:
        needed[row.year] = needed.get(row.year, 0) + row.shortfall_pence
    return needed


# ---------------------------------------------------------------------------------------
# The whole calculation and its tables


@dataclass(frozen=True)
class CostingResult:
    """A costing worked through every year of its plan, with its funding gap."""

    costing: Costing
    years: tuple[YearCosting, ...]
    gaps: tuple[GapRow, ...] = field(default_factory=tuple)

    @property
    def first_year(self) -> YearCosting:
        return self.years[0]


def calculate(body: dict[str, Any]) -> CostingResult:
    """Check the scenario and work it through: full costs each year and the funding gap."""
    costing = parse_costing(body)
    years = tuple(cost_year(costing, year) for year in range(1, costing.years + 1))
    return CostingResult(costing, years, tuple(funding_gap(costing, list(years))))


def project_full_costs(body: dict[str, Any]) -> dict[str, float]:
    """Project name -> full cost in year 1, in pounds (for the SROI page's investment)."""
    year = calculate(body).first_year
    return {p.name: float(pence_to_pounds(p.full_cost_pence)) for p in year.projects}


def costing_warnings(result: CostingResult) -> list[str]:
    """What a calculated costing leaves out or cannot judge, in words, naming the project:
    shown beside the results so no figure looks more complete than it is."""
    costing, first = result.costing, result.first_year
    warnings = [
        f"Project '{cost.name}': its direct costs add up to £0.00, so it carries no share of overheads "
        "shared by direct costs and has no overhead rate; check its direct cost amounts."
        for cost in first.projects
        if cost.direct_pence == 0
    ]
    if not costing.pools:
        warnings.append(
            "No overhead pools entered: each full cost shown is the direct costs alone. Add the organisation's "
            "overheads (premises; finance, HR and IT; governance; fundraising) to recover them."
        )
    if costing.funding_basis == "offer":
        warnings.extend(
            f"Project '{project.name}' has no funder's offer, so it is left out of the funding gap and the "
            "unrestricted income needed."
            for project in costing.projects
            if project.offers is None
        )
    return warnings
