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
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import pandas as pd

from .errors import ScenarioError
from .formatting import money, money_from_pounds, pence_to_pounds, percent

KIND = "cost_recovery"
DIRECT_COSTS = "direct_costs"
PAY, NON_PAY = "pay", "non_pay"
KIND_LABELS = {PAY: "Pay", NON_PAY: "Non-pay"}
DRIVER_LABELS = {
    DIRECT_COSTS: "Direct costs",
    "headcount": "Headcount",
    "staff_time": "Staff time",
    "floor_area": "Floor area",
}
FIXED_SHARES = "fixed_shares"
MAX_YEARS = 5
MAX_INFLATION = Decimal("0.5")
MAX_ACTIVITY_CHANGE = Decimal("10")
DIRECT_COST_CATEGORIES = [
    "Salaries with on-costs",
    "Volunteer expenses",
    "Materials",
    "Travel",
    "Equipment",
    "Other direct costs",
]
METHOD_SOURCES = [
    'ACEVO and New Philanthropy Capital, "Full Cost Recovery: a guide and toolkit on cost allocation" (2004).',
    'HM Treasury, "Improving financial relationships with the third sector: guidance to funders and '
    'purchasers" (2006), cited by the Cheshire East third sector framework (footnote 14).',
]


# ---------------------------------------------------------------------------------------
# The scenario, checked


@dataclass(frozen=True)
class DirectLine:
    """One line of a project's direct costs, in pence, and whether it is pay or non-pay."""

    category: str
    pence: int
    kind: str


@dataclass(frozen=True)
class Project:
    """A project: its direct cost lines, its driver quantities, how its activity changes in
    years 2 onwards (fractions, 0.1 = 10% more than the year before) and any funder's offer
    per year (pence)."""

    name: str
    lines: tuple[DirectLine, ...]
    drivers: dict[str, Fraction]
    activity_changes: tuple[Decimal, ...]
    offers: tuple[int, ...] | None

    @property
    def direct_pence(self) -> int:
        return sum(line.pence for line in self.lines)


@dataclass(frozen=True)
class Pool:
    """An overhead pool (pence in year 1), shared by ``driver`` or by fixed ``shares``
    (project name -> fraction of the pool, adding up to one)."""

    name: str
    pence: int
    kind: str
    driver: str | None
    shares: dict[str, Fraction] | None

    @property
    def basis(self) -> str:
        """How the pool is shared, in words."""
        if self.shares is not None:
            return "Fixed shares: " + ", ".join(f"{name} {percent(float(share))}" for name, share in self.shares.items())
        return DRIVER_LABELS.get(self.driver, self.driver)


@dataclass(frozen=True)
class Costing:
    """A checked scenario: projects, overhead pools, the plan and the funding basis."""

    name: str
    projects: tuple[Project, ...]
    pools: tuple[Pool, ...]
    years: int = 1
    pay_inflation: Decimal = Decimal(0)
    non_pay_inflation: Decimal = Decimal(0)
    funding_basis: str = "none"  # "offer", "cap" or "none"
    overhead_cap: Decimal | None = None
    fictional: bool = False
    description: str = ""


def parse_costing(body: dict[str, Any]) -> Costing:
    """Check a scenario dict and return the ``Costing`` it describes. Every problem found is
    listed (``ScenarioError.problems``), each naming the project or pool and what to do."""
    if not isinstance(body, dict):
        raise ScenarioError("A costing scenario is a JSON object with 'projects' and 'overheads'")
    problems: list[str] = []
    plan = body.get("plan") or {}
    if not isinstance(plan, dict):
        problems.append("'plan' must be an object such as {\"years\": 3, \"pay_inflation\": 0.03}")
        plan = {}
    years = _whole_number(plan.get("years", 1), "Plan: number of years", problems, low=1, high=MAX_YEARS)
    years = years if isinstance(years, int) else 1
    pay = _rate(plan.get("pay_inflation", 0), "Plan: pay inflation", problems, Decimal(0), MAX_INFLATION)
    non_pay = _rate(plan.get("non_pay_inflation", 0), "Plan: non-pay inflation", problems, Decimal(0), MAX_INFLATION)

    funding = body.get("funding") or {}
    if not isinstance(funding, dict):
        problems.append("'funding' must be an object such as {\"basis\": \"cap\", \"cap\": 0.1}")
        funding = {}
    basis = str(funding.get("basis", "none")).strip().lower()
    if basis not in ("offer", "cap", "none"):
        problems.append(f"Funding: basis '{funding.get('basis')}' is not known; use 'offer', 'cap' or 'none'")
        basis = "none"
    cap = None
    if basis == "cap":
        if funding.get("cap") is None:
            problems.append("Funding: give the funder's overhead cap, e.g. 0.1 for 10% of direct costs")
        else:
            cap = _rate(funding.get("cap"), "Funding: overhead cap", problems, Decimal(0), Decimal(1))

    projects = _parse_projects(body.get("projects"), years, basis, problems)
    pools = _parse_pools(body.get("overheads"), projects, problems)
    if problems:
        count = len(problems)
        raise ScenarioError(
            f"The costing has {count} problem{'s' if count > 1 else ''}: " + "; ".join(problems[:3])
            + ("; ..." if count > 3 else ""),
            problems=problems,
        )
    return Costing(
        name=str(body.get("name") or "").strip(),
        projects=tuple(projects),
        pools=tuple(pools),
        years=years,
        pay_inflation=pay,
        non_pay_inflation=non_pay,
        funding_basis=basis,
        overhead_cap=cap,
        fictional=bool(body.get("fictional")),
        description=str(body.get("description") or ""),
    )


def _parse_projects(raw, years: int, basis: str, problems: list[str]) -> list[Project]:
    if not isinstance(raw, list) or not raw:
        problems.append("Add at least one project ('projects' is an empty list or missing)")
        return []
    projects, seen = [], set()
    for number, item in enumerate(raw, start=1):
        name = _item_name(item, number, "Project", "project", seen, problems)
        if name is None:
            continue
        label = f"Project '{name}'"
        lines = _parse_lines(item.get("direct_costs"), label, problems)
        drivers: dict[str, Fraction] = {}
        raw_drivers = item.get("drivers") or {}
        if not isinstance(raw_drivers, dict):
            problems.append(f"{label}: 'drivers' must be an object such as {{\"headcount\": 4}}")
            raw_drivers = {}
        for driver, quantity in raw_drivers.items():
            driver = str(driver).strip()
            if driver == DIRECT_COSTS:
                problems.append(f"{label}: '{DIRECT_COSTS}' is worked out from the direct costs; do not give it as a driver")
                continue
            value = _quantity(quantity, f"{label}, driver '{driver}'", problems)
            if value is not None:
                drivers[driver] = value
        changes = _activity_changes(item.get("activity_change", 0), years, label, problems)
        offers = None
        if item.get("offer") is not None:
            offers = _offers(item.get("offer"), years, label, problems)
        elif basis == "offer":
            offers = None  # this funder makes no offer for the project: left out of the gap
        projects.append(Project(name, tuple(lines), drivers, changes, offers))
    return projects


def _item_name(item, number: int, title: str, noun: str, seen: set[str], problems: list[str]) -> str | None:
    """The name of the ``number``th project or pool (None if the item is not an object);
    a missing or repeated name is a problem."""
    if not isinstance(item, dict):
        problems.append(f"{title} {number}: must be an object with a name")
        return None
    name = str(item.get("name") or "").strip()
    if not name:
        problems.append(f"{title} {number}: give the {noun} a name")
        name = f"{title} {number}"
    elif name in seen:
        problems.append(f"{title} '{name}': the name is used twice; give each {noun} its own name")
    seen.add(name)
    return name


def _parse_lines(raw, label: str, problems: list[str]) -> list[DirectLine]:
    """Direct costs as one number (treated as pay) or a list of lines."""
    if raw is None:
        problems.append(f"{label}: give its direct costs (a number of pounds or a list of lines)")
        return []
    if not isinstance(raw, list):
        pence = _amount(raw, f"{label}: direct costs", problems)
        return [] if pence is None else [DirectLine("Direct costs", pence, PAY)]
    lines = []
    for number, line in enumerate(raw, start=1):
        if not isinstance(line, dict):
            problems.append(f"{label}, direct cost line {number}: must be an object with a category and amount")
            continue
        category = str(line.get("category") or "").strip() or "Direct costs"
        kind = _kind(line.get("kind"), f"{label}, direct cost line {number} ({category})", problems)
        pence = _amount(line.get("amount"), f"{label}, direct cost line {number} ({category})", problems)
        if pence is not None:
            lines.append(DirectLine(category, pence, kind))
    return lines


def _parse_pools(raw, projects: list[Project], problems: list[str]) -> list[Pool]:
    if not isinstance(raw, list):
        problems.append("'overheads' must be a list of pools, each with a name, an amount and a driver")
        return []
    project_names = [p.name for p in projects]
    known_drivers = {d for p in projects for d in p.drivers}
    pools, seen = [], set()
    for number, item in enumerate(raw, start=1):
        name = _item_name(item, number, "Overhead pool", "pool", seen, problems)
        if name is None:
            continue
        label = f"Overhead pool '{name}'"
        pence = _amount(item.get("amount"), f"{label}: amount", problems)
        kind = _kind(item.get("kind"), label, problems)
        driver = item.get("driver")
        driver = str(driver).strip() if driver not in (None, "") else None
        shares = None
        if item.get("shares") is not None or driver == FIXED_SHARES:
            shares = _shares(item.get("shares"), label, project_names, problems)
            driver = None
        elif driver is None:
            problems.append(f"{label}: say how it is shared: a driver (e.g. headcount or direct_costs) or fixed shares")
        elif driver == DIRECT_COSTS:
            if projects and sum(p.direct_pence for p in projects) == 0:
                problems.append(f"{label}: shared by direct costs, but the projects' direct costs add up to zero")
        elif driver not in known_drivers:
            problems.append(
                f"{label}: driver '{driver}' is not given for any project; add it to the projects "
                f"or choose another driver ({', '.join(sorted(known_drivers | {DIRECT_COSTS}))})"
            )
        elif sum(p.drivers.get(driver, 0) for p in projects) == 0:
            problems.append(f"{label}: driver '{driver}' adds up to zero across the projects, so nothing can be shared by it")
        if pence is not None:
            pools.append(Pool(name, pence, kind, driver, shares))
    return pools


def _shares(raw, label: str, project_names: list[str], problems: list[str]) -> dict[str, Fraction] | None:
    """Fixed shares as percentages per project (``{"A": 60, "B": 40}``), adding up to 100."""
    if not isinstance(raw, dict) or not raw:
        problems.append(f"{label}: fixed shares must list projects and percentages, e.g. {{\"Youth club\": 100}}")
        return None
    shares = {}
    for project, value in raw.items():
        if project not in project_names:
            problems.append(f"{label}: fixed share for '{project}', which is not one of the projects")
            continue
        quantity = _quantity(value, f"{label}, share for '{project}'", problems)
        if quantity is not None:
            shares[project] = quantity / 100
    if shares and sum(shares.values()) != 1:
        total = float(sum(shares.values()) * 100)
        problems.append(f"{label}: fixed shares add up to {total:g}%; they must add up to 100%")
    return shares


def _number(value, label: str, problems: list[str]) -> Decimal | None:
    """A finite number from JSON or a grid (text such as '£1,200' is accepted)."""
    if isinstance(value, bool) or value is None or (isinstance(value, float) and math.isnan(value)):
        problems.append(f"{label}: give a number")
        return None
    try:
        number = Decimal(str(value).replace("£", "").replace(",", "").strip())
    except InvalidOperation:
        problems.append(f"{label}: '{value}' is not a number")
        return None
    if not number.is_finite():
        problems.append(f"{label}: '{value}' is not a number")
        return None
    return number


def _non_negative(value, label: str, problems: list[str], *, is_money: bool) -> Decimal | None:
    """A number that is zero or more; a negative one is a problem naming ``label``."""
    number = _number(value, label, problems)
    if number is not None and number < 0:
        shown = money_from_pounds(number) if is_money else str(number)
        problems.append(f"{label}: {shown} is negative; " + ("costs must be zero or more" if is_money else "use zero or more"))
        return None
    return number


def _amount(value, label: str, problems: list[str]) -> int | None:
    """Pounds to pence (half up); negative amounts are errors."""
    number = _non_negative(value, label, problems, is_money=True)
    return None if number is None else int((number * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _quantity(value, label: str, problems: list[str]) -> Fraction | None:
    """A driver quantity or share (zero or more) as an exact fraction."""
    number = _non_negative(value, label, problems, is_money=False)
    return None if number is None else Fraction(number)


def _rate(value, label: str, problems: list[str], low: Decimal, high: Decimal) -> Decimal:
    number = _number(value, label, problems)
    if number is None:
        return Decimal(0)
    if not low <= number <= high:
        problems.append(f"{label}: {percent(float(number))} is outside {percent(float(low), 0)} to {percent(float(high), 0)} (give 0.03 for 3%)")
        return Decimal(0)
    return number


def _whole_number(value, label: str, problems: list[str], *, low: int, high: int) -> int | None:
    number = _number(value, label, problems)
    if number is None:
        return None
    if number != number.to_integral_value() or not low <= number <= high:
        problems.append(f"{label}: {value} must be a whole number from {low} to {high}")
        return None
    return int(number)


def _kind(value, label: str, problems: list[str]) -> str:
    text = str(value or NON_PAY).strip().lower().replace("-", "_").replace(" ", "_")
    if text not in (PAY, NON_PAY):
        problems.append(f"{label}: '{value}' is neither 'pay' nor 'non_pay'")
        return NON_PAY
    return text


def _activity_changes(value, years: int, label: str, problems: list[str]) -> tuple[Decimal, ...]:
    """Changes in activity for years 2..N: one number for every year, or a list per year."""
    values = value if isinstance(value, list) else [value] * (years - 1)
    if len(values) > MAX_YEARS - 1:
        problems.append(f"{label}: activity changes are for years 2 to {MAX_YEARS}, so at most {MAX_YEARS - 1} of them")
        return (Decimal(0),) * (years - 1)
    changes = []
    for number, item in enumerate(values, start=2):
        change = _number(item if item is not None else 0, f"{label}, activity change in year {number}", problems)
        if change is not None and not -1 < change <= MAX_ACTIVITY_CHANGE:
            problems.append(f"{label}, activity change in year {number}: {percent(float(change))} must be above -100%")
            change = None
        changes.append(change if change is not None else Decimal(0))
    changes += [Decimal(0)] * (years - 1 - len(changes))
    return tuple(changes[: years - 1])


def _offers(value, years: int, label: str, problems: list[str]) -> tuple[int, ...] | None:
    """A funder's offer in pounds: one amount for every year, or a list with one per year."""
    values = value if isinstance(value, list) else [value] * years
    if len(values) != years:
        problems.append(f"{label}: the funder's offer lists {len(values)} years; give one amount for each of the {years} years")
        return None
    offers = [_amount(v, f"{label}, funder's offer in year {n}", problems) for n, v in enumerate(values, start=1)]
    return None if any(o is None for o in offers) else tuple(offers)


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


def _pounds(pence: int) -> float:
    return float(pence_to_pounds(pence))


def _rate_or_none(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def to_json(result: CostingResult) -> dict[str, Any]:
    """Year 1 as the command line's JSON: pounds rounded to two decimals."""
    year = result.first_year
    return {
        "projects": [
            {
                "name": p.name,
                "direct_costs": _pounds(p.direct_pence),
                "overheads": _pounds(p.overheads_pence),
                "full_cost": _pounds(p.full_cost_pence),
                "overhead_rate": _rate_or_none(p.overhead_rate),
                "by_pool": {pool: _pounds(pence) for pool, pence in p.overheads_by_pool.items()},
            }
            for p in year.projects
        ],
        "total_overheads": _pounds(year.total_overheads_pence),
        "total_full_cost": _pounds(year.total_full_cost_pence),
    }


def summary_frame(result: CostingResult, year: int = 1) -> pd.DataFrame:
    """One row per project and a total: direct costs, overheads, full cost (pounds),
    overhead rate and share of the total full cost (fractions)."""
    costs = result.years[year - 1]
    total = costs.total_full_cost_pence
    rows = [
        {
            "Project": p.name,
            "Direct costs (£)": _pounds(p.direct_pence),
            "Overheads (£)": _pounds(p.overheads_pence),
            "Full cost (£)": _pounds(p.full_cost_pence),
            "Overhead rate": p.overhead_rate,
            "Share of total": p.full_cost_pence / total if total else None,
        }
        for p in costs.projects
    ]
    rows.append(
        {
            "Project": "Total",
            "Direct costs (£)": _pounds(costs.total_direct_pence),
            "Overheads (£)": _pounds(costs.total_overheads_pence),
            "Full cost (£)": _pounds(total),
            "Overhead rate": costs.overhead_rate,
            "Share of total": 1.0 if total else None,
        }
    )
    return pd.DataFrame(rows)


def allocation_frame(result: CostingResult, year: int = 1) -> pd.DataFrame:
    """One row per pool: its amount, how it is shared, and each project's share (pounds);
    the projects' shares add up to the pool to the penny."""
    costs = result.years[year - 1]
    rows = []
    for pool in result.costing.pools:
        row = {"Overhead pool": pool.name, "Shared by": pool.basis, "Pool (£)": _pounds(costs.pools[pool.name])}
        for project in costs.projects:
            row[f"{project.name} (£)"] = _pounds(project.overheads_by_pool[pool.name])
        rows.append(row)
    total = {"Overhead pool": "Total", "Shared by": "", "Pool (£)": _pounds(sum(costs.pools.values()))}
    for project in costs.projects:
        total[f"{project.name} (£)"] = _pounds(project.overheads_pence)
    rows.append(total)
    return pd.DataFrame(rows)


def chart_frame(result: CostingResult, year: int = 1) -> pd.DataFrame:
    """Long table for the stacked bar: project, part (direct costs or a pool), pounds."""
    costs = result.years[year - 1]
    rows = []
    for project in costs.projects:
        rows.append({"Project": project.name, "Part": "Direct costs", "Amount (£)": _pounds(project.direct_pence)})
        for pool, pence in project.overheads_by_pool.items():
            rows.append({"Project": project.name, "Part": pool, "Amount (£)": _pounds(pence)})
    return pd.DataFrame(rows, columns=["Project", "Part", "Amount (£)"])


def multi_year_frame(result: CostingResult) -> pd.DataFrame:
    """One row per project and year (and a total per year and for the plan): direct costs,
    overheads and full cost in pounds."""
    rows = []
    for costs in result.years:
        for p in costs.projects:
            rows.append(_year_row(costs.year, p.name, p.direct_pence, p.overheads_pence))
        rows.append(_year_row(costs.year, "All projects", costs.total_direct_pence, costs.total_overheads_pence))
    if len(result.years) > 1:
        for index, project in enumerate(result.costing.projects):
            direct = sum(c.projects[index].direct_pence for c in result.years)
            overheads = sum(c.projects[index].overheads_pence for c in result.years)
            rows.append(_year_row("All years", project.name, direct, overheads))
        rows.append(
            _year_row(
                "All years", "All projects",
                sum(c.total_direct_pence for c in result.years), sum(c.total_overheads_pence for c in result.years),
            )
        )
    return pd.DataFrame(rows)


def _year_row(year, project: str, direct: int, overheads: int) -> dict:
    return {
        "Year": f"Year {year}" if isinstance(year, int) else year,
        "Project": project,
        "Direct costs (£)": _pounds(direct),
        "Overheads (£)": _pounds(overheads),
        "Full cost (£)": _pounds(direct + overheads),
    }


def funding_gap_frame(result: CostingResult) -> pd.DataFrame:
    """One row per project and year: full cost, what the funder pays, shortfall, surplus
    (pounds), with the unrestricted income needed each year and in total."""
    columns = ["Year", "Project", "Full cost (£)", "Funded (£)", "Shortfall (£)", "Surplus (£)"]
    rows = [
        {
            "Year": f"Year {g.year}", "Project": g.project, "Full cost (£)": _pounds(g.full_cost_pence),
            "Funded (£)": _pounds(g.funded_pence), "Shortfall (£)": _pounds(g.shortfall_pence),
            "Surplus (£)": _pounds(g.surplus_pence),
        }
        for g in result.gaps
    ]
    return pd.DataFrame(rows, columns=columns)


def unrestricted_frame(result: CostingResult) -> pd.DataFrame:
    """Unrestricted income needed each year and over the plan (pounds)."""
    needed = unrestricted_income_needed(list(result.gaps))
    rows = [{"Year": f"Year {y}", "Unrestricted income needed (£)": _pounds(needed.get(y, 0))} for y in range(1, result.costing.years + 1)]
    rows.append({"Year": "All years", "Unrestricted income needed (£)": _pounds(sum(needed.values()))})
    return pd.DataFrame(rows)


def funding_basis_text(costing: Costing) -> str:
    """The funding basis in words."""
    if costing.funding_basis == "cap":
        return f"The funder pays direct costs plus {percent(float(costing.overhead_cap))} of direct costs towards overheads"
    if costing.funding_basis == "offer":
        return "Each funder's offer (per project and year) against the project's full cost"
    return "No funder's offer or overhead cap given"


def assumptions_frame(result: CostingResult) -> pd.DataFrame:
    """The inputs behind the figures, in words, for the workbook's assumptions sheet."""
    c = result.costing
    rows = [
        ("Costing", c.name or "(unnamed)"),
        ("Data", "FICTIONAL worked example: not a real organisation" if c.fictional else "As entered by the user"),
        ("Method", METHOD_SOURCES[0]),
        ("Endorsed by", METHOD_SOURCES[1]),
        ("Years in the plan", str(c.years)),
        ("Pay inflation a year", percent(float(c.pay_inflation))),
        ("Non-pay inflation a year", percent(float(c.non_pay_inflation))),
        ("Funding basis", funding_basis_text(c)),
        ("Rounding", "Each pool is shared in whole pence by largest remainder, so shares add up to the pool exactly"),
    ]
    for pool in c.pools:
        rows.append((f"Pool: {pool.name}", f"{money(pool.pence)} in year 1, {KIND_LABELS[pool.kind].lower()}, shared by {pool.basis}"))
    for project in c.projects:
        drivers = ", ".join(f"{DRIVER_LABELS.get(d, d)} {float(q):g}" for d, q in project.drivers.items()) or "none"
        lines = "; ".join(f"{line.category} {money(line.pence)} ({KIND_LABELS[line.kind].lower()})" for line in project.lines)
        changes = ", ".join(percent(float(x)) for x in project.activity_changes) or "none"
        rows.append((f"Project: {project.name}", f"Direct costs: {lines}. Drivers: {drivers}. Activity change years 2+: {changes}"))
    return pd.DataFrame(rows, columns=["Assumption", "Value"])


def workbook_sheets(result: CostingResult) -> tuple[dict[str, pd.DataFrame], dict[str, list[str]]]:
    """The costing workbook's sheets (summary, allocation by pool, multi-year, funding gap,
    assumptions) and, per sheet, its money columns."""
    gap = funding_gap_frame(result)
    unrestricted = unrestricted_frame(result)
    needed_rows = unrestricted.rename(columns={"Unrestricted income needed (£)": "Shortfall (£)"}).assign(
        Project="Unrestricted income needed")
    gap_sheet = pd.concat([gap, needed_rows], ignore_index=True)[gap.columns]
    summary = summary_frame(result)
    for column in ("Overhead rate", "Share of total"):  # a spreadsheet reader sees 44.07, not 0.440699
        summary[f"{column} (%)"] = [None if v is None or pd.isna(v) else round(v * 100, 2) for v in summary.pop(column)]
    sheets = {
        "Summary": summary,
        "Allocation by pool": allocation_frame(result),
        "Multi-year": multi_year_frame(result),
        "Funding gap": gap_sheet,
        "Assumptions": assumptions_frame(result),
    }
    money_columns = {
        name: [c for c in frame.columns if c.endswith("(£)")] for name, frame in sheets.items()
    }
    return sheets, money_columns


def workbook_notes(result: CostingResult) -> list[str]:
    """The workbook's 'About' sheet: what it is, the method, and a fictional label if needed."""
    c = result.costing
    notes = [f"Full cost recovery costing: {c.name or '(unnamed)'}"]
    if c.fictional:
        notes.append("FICTIONAL worked example: the organisation, projects and figures are invented for demonstration.")
    notes += [
        f"Figures for year 1 unless a sheet says otherwise; plan of {c.years} year{'s' if c.years > 1 else ''}.",
        "Method: " + METHOD_SOURCES[0],
        "Endorsed by: " + METHOD_SOURCES[1],
    ]
    return notes


# ---------------------------------------------------------------------------------------
# The page's grids <-> a scenario


ACTIVITY_COLUMN, OFFER_COLUMN = "Activity change (%)", "Funder's offer (£)"
PROJECT_COLUMNS = ["Project", "Headcount", "Staff time", "Floor area (m²)", ACTIVITY_COLUMN, OFFER_COLUMN]
YEAR_SEPARATOR = ";"  # between per-year values in one cell: '100000; 80000; 60000'

LINE_COLUMNS = ["Project", "Category", "Amount (£)", "Pay or non-pay"]
POOL_COLUMNS = ["Overhead pool", "Amount (£)", "Shared by", "Pay or non-pay", "Fixed shares"]
GRID_DRIVERS = {"Headcount": "headcount", "Staff time": "staff_time", "Floor area (m²)": "floor_area"}


def grids_from_body(
    body: dict[str, Any], *, extra_drivers: list[str] | None = None, blank_rows: int = 0
) -> dict[str, pd.DataFrame]:
    """The projects, direct cost lines and pools grids for a scenario (inverse of
    ``body_from_grids``), typed so that empty grids edit as numbers and text. Drivers beyond
    headcount, staff time and floor area (and any ``extra_drivers``) get a column;
    ``blank_rows`` empty rows are added to each grid for typing into."""
    projects, lines, pools = [], [], []
    extra_drivers = [d.strip() for d in (extra_drivers or []) if d.strip() and d.strip() not in GRID_DRIVERS.values()
                     and d.strip() != DIRECT_COSTS]
    for item in body.get("projects") or []:
        for driver in (item.get("drivers") or {}):
            if driver not in GRID_DRIVERS.values() and driver not in extra_drivers:
                extra_drivers.append(driver)
    for item in body.get("projects") or []:
        drivers = item.get("drivers") or {}
        change = item.get("activity_change", 0)
        offer = item.get("offer")
        row = {
            "Project": item.get("name", ""),
            **{label: drivers.get(key) for label, key in GRID_DRIVERS.items()},
            **{driver: drivers.get(driver) for driver in extra_drivers},
            ACTIVITY_COLUMN: _per_year_text(change, scale=100),
            OFFER_COLUMN: _per_year_text(offer) if offer is not None else "",
        }
        projects.append(row)
        costs = item.get("direct_costs")
        if isinstance(costs, list):
            for line in costs:
                lines.append({"Project": item.get("name", ""), "Category": line.get("category", ""),
                              "Amount (£)": line.get("amount"), "Pay or non-pay": KIND_LABELS.get(line.get("kind") or NON_PAY, "Non-pay")})
        elif costs is not None:
            lines.append({"Project": item.get("name", ""), "Category": "Direct costs", "Amount (£)": costs, "Pay or non-pay": "Pay"})
    for item in body.get("overheads") or []:
        shares = item.get("shares")
        pools.append({
            "Overhead pool": item.get("name", ""),
            "Amount (£)": item.get("amount"),
            "Shared by": FIXED_SHARES if shares is not None else item.get("driver"),
            "Pay or non-pay": KIND_LABELS.get(item.get("kind") or NON_PAY, "Non-pay"),
            "Fixed shares": ", ".join(f"{k}: {v:g}%" for k, v in shares.items()) if shares else "",
        })
    project_columns = PROJECT_COLUMNS[:4] + list(dict.fromkeys(extra_drivers)) + PROJECT_COLUMNS[4:]
    grids = {
        "projects": pd.DataFrame(projects, columns=project_columns),
        "lines": pd.DataFrame(lines, columns=LINE_COLUMNS),
        "pools": pd.DataFrame(pools, columns=POOL_COLUMNS),
    }
    text_columns = {"Project", "Category", "Pay or non-pay", "Overhead pool", "Shared by", "Fixed shares", ACTIVITY_COLUMN, OFFER_COLUMN}
    for grid_name, frame in grids.items():
        if blank_rows:
            frame = pd.concat([frame, pd.DataFrame([{}] * blank_rows, columns=frame.columns)], ignore_index=True)
        grids[grid_name] = frame.astype({c: ("string" if c in text_columns else "float64") for c in frame.columns})
    return grids


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or (
        isinstance(value, str) and not value.strip())


def _clean(value):
    return None if _blank(value) else (value.item() if hasattr(value, "item") else value)


def body_from_grids(
    projects: pd.DataFrame,
    lines: pd.DataFrame,
    pools: pd.DataFrame,
    *,
    name: str = "",
    years: int = 1,
    pay_inflation_percent: float = 0.0,
    non_pay_inflation_percent: float = 0.0,
    funding_basis: str = "none",
    overhead_cap_percent: float | None = None,
    fictional: bool = False,
) -> dict[str, Any]:
    """A scenario dict from the page's grids and settings (rates in percent, as the page
    asks for them; the scenario holds fractions: 3% -> 0.03). Blank rows
    are skipped; the scenario is checked by ``parse_costing``, which names what is wrong.
    Grid rows that cannot be placed (a line for a project not in the projects grid, a
    fixed share that is not 'Project: 60%') raise ``ScenarioError`` naming the row."""
    problems: list[str] = []
    driver_columns = [c for c in projects.columns if c not in ("Project", ACTIVITY_COLUMN, OFFER_COLUMN)]
    body_projects: list[dict] = []
    for number, row in enumerate(projects.to_dict(orient="records"), start=1):
        if all(_blank(v) for v in row.values()):
            continue
        name_value = _clean(row.get("Project"))
        drivers = {GRID_DRIVERS.get(c, c): _clean(row.get(c)) for c in driver_columns if not _blank(row.get(c))}
        item: dict[str, Any] = {"name": str(name_value).strip() if name_value else "", "drivers": drivers, "direct_costs": []}
        label = f"Projects grid, row {number}"
        change = _per_year_values(row.get(ACTIVITY_COLUMN), f"{label}, activity change", problems)
        if change is not None:
            item["activity_change"] = [_fraction(c) for c in change] if isinstance(change, list) else _fraction(change)
        offer = _per_year_values(row.get(OFFER_COLUMN), f"{label}, funder's offer", problems)
        if offer is not None:
            item["offer"] = offer
        if not item["name"]:
            problems.append(f"Projects grid, row {number}: give the project a name")
        body_projects.append(item)
    by_name = {p["name"]: p for p in body_projects if p["name"]}
    for number, row in enumerate(lines.to_dict(orient="records"), start=1):
        if all(_blank(v) for v in row.values()):
            continue
        project = _clean(row.get("Project"))
        project = str(project).strip() if project is not None else ""
        if project not in by_name:
            problems.append(f"Direct costs grid, row {number}: project '{project}' is not in the projects grid")
            continue
        kind = PAY if str(_clean(row.get("Pay or non-pay")) or "").lower() == "pay" else NON_PAY
        by_name[project]["direct_costs"].append(
            {"category": _clean(row.get("Category")) or "Direct costs", "amount": _clean(row.get("Amount (£)")), "kind": kind}
        )
    body_pools: list[dict] = []
    for number, row in enumerate(pools.to_dict(orient="records"), start=1):
        if all(_blank(v) for v in row.values()):
            continue
        pool: dict[str, Any] = {
            "name": _clean(row.get("Overhead pool")) or "",
            "amount": _clean(row.get("Amount (£)")),
            "kind": PAY if str(_clean(row.get("Pay or non-pay")) or "").lower() == "pay" else NON_PAY,
        }
        driver = _clean(row.get("Shared by"))
        if driver == FIXED_SHARES or (driver is None and not _blank(row.get("Fixed shares"))):
            pool["shares"] = _parse_share_text(_clean(row.get("Fixed shares")) or "", number, problems)
        else:
            pool["driver"] = driver
        body_pools.append(pool)
    if problems:
        raise ScenarioError("The grids have problems: " + "; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else ""), problems=problems)
    body: dict[str, Any] = {
        "name": name,
        "projects": body_projects,
        "overheads": body_pools,
        "plan": {"years": int(years), "pay_inflation": _fraction(pay_inflation_percent),
                 "non_pay_inflation": _fraction(non_pay_inflation_percent)},
        "funding": {"basis": funding_basis, **({"cap": _fraction(overhead_cap_percent)} if funding_basis == "cap" else {})},
    }
    if fictional:
        body["fictional"] = True
    return body


def _per_year_text(value, *, scale: float = 1) -> str:
    """One number, or a list with one a year, as a grid cell: '5', '100000; 80000; 60000'."""
    values = value if isinstance(value, list) else [value if value is not None else 0]
    shown = [format((Decimal(str(v)) * Decimal(str(scale))).normalize(), "f") if v is not None else "" for v in values]
    return f"{YEAR_SEPARATOR} ".join(shown) if len(set(shown)) > 1 else shown[0]


def _per_year_values(text, label: str, problems: list[str]) -> float | list[float] | None:
    """A grid cell of one number or one a year ('100000; 80000'): None if blank. '£' and
    thousands separators are allowed."""
    if _blank(text):
        return None
    values = []
    for part in str(text).split(YEAR_SEPARATOR):
        try:
            values.append(float(Decimal(part.replace("£", "").replace(",", "").replace("%", "").strip())))
        except InvalidOperation:
            problems.append(f"{label}: '{part.strip()}' is not a number (give one, or one a year separated by '{YEAR_SEPARATOR}')")
            return None
    return values[0] if len(values) == 1 else values


def _fraction(percentage: float | None) -> float | None:
    """12.5 (percent) -> 0.125, without binary noise such as 0.12500000000000003."""
    return None if percentage is None else float(Decimal(str(percentage)) / 100)


def _parse_share_text(text: str, row: int, problems: list[str]) -> dict[str, float]:
    """'Youth club: 60%, Advice: 40%' -> {'Youth club': 60.0, 'Advice': 40.0}."""
    shares: dict[str, float] = {}
    for part in str(text).split(","):
        if not part.strip():
            continue
        project, _, value = part.rpartition(":")
        try:
            shares[project.strip()] = float(value.replace("%", "").strip())
        except ValueError:
            problems.append(f"Overheads grid, row {row}: fixed share '{part.strip()}' is not 'Project: 60%'")
    if not shares:
        problems.append(f"Overheads grid, row {row}: give fixed shares as 'Project A: 60%, Project B: 40%'")
    return shares


def driver_options(projects: pd.DataFrame) -> list[str]:
    """The drivers a pool can be shared by, given the projects grid's columns."""
    drivers = [GRID_DRIVERS.get(c, c) for c in projects.columns
               if c not in ("Project", ACTIVITY_COLUMN, OFFER_COLUMN)]
    return [DIRECT_COSTS, *drivers, FIXED_SHARES]
