"""A full-cost-recovery scenario (a costing): its dataclasses, the rules for reading one
from JSON (every problem collected, naming the project or pool), and the conversions to and
from the page's projects, cost-lines and overhead-pool grids.

Money in integer pence once read. The maths is in ``models.cost_recovery``; presentation
in ``models.cost_recovery_report``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pandas as pd

from .checks import exact_number, parse_number
from .errors import ScenarioError
from .formatting import money_from_pounds, percent


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
    if not raw:
        problems.append(
            f"{label}: no direct costs entered; add its direct cost lines (salaries, materials, travel, ...): "
            "a full cost cannot be worked out without them"
        )
        return []
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


def _non_negative(value, label: str, problems: list[str], *, is_money: bool) -> Decimal | None:
    """A number that is zero or more; a negative one is a problem naming ``label``."""
    number = exact_number(value, label, problems)
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
    number = exact_number(value, label, problems)
    if number is None:
        return Decimal(0)
    if not low <= number <= high:
        problems.append(f"{label}: {percent(float(number))} is outside {percent(float(low), 0)} to {percent(float(high), 0)} (give 0.03 for 3%)")
        return Decimal(0)
    return number


def _whole_number(value, label: str, problems: list[str], *, low: int, high: int) -> int | None:
    number = exact_number(value, label, problems)
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
        change = exact_number(item if item is not None else 0, f"{label}, activity change in year {number}", problems)
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
            values.append(float(parse_number(part.replace("%", ""))))
        except ValueError:
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


# ---------------------------------------------------------------------------------------
# One row at a time (the page's form): the same rules as the grids, for one row


def _one_row(columns, row: dict) -> pd.DataFrame:
    return pd.DataFrame([{c: row.get(c) for c in columns}], columns=list(columns), dtype=object)


def _grid_problems(projects: pd.DataFrame, lines: pd.DataFrame, pools: pd.DataFrame, years: int) -> tuple[dict | None, list[str]]:
    """``body_from_grids`` on the frames: the body, or None and the grid's problems."""
    try:
        return body_from_grids(projects, lines, pools, years=years), []
    except ScenarioError as error:
        return None, list(error.problems) or [str(error)]


def project_row_problems(row: dict, *, years: int = 1, other_names: list[str] | tuple = ()) -> list[str]:
    """Problems with one row of the projects grid (a dict of its columns), by the grid's
    rules: its name (not one of ``other_names``), driver quantities, activity change and
    funder's offer for a plan of ``years``. Its direct costs are entered as lines apart."""
    columns = list(dict.fromkeys(["Project", *row.keys()]))
    placeholder = pd.DataFrame([{"Project": row.get("Project"), "Category": "Placeholder", "Amount (£)": 1, "Pay or non-pay": "Pay"}])
    body, problems = _grid_problems(_one_row(columns, row), placeholder, pd.DataFrame(columns=POOL_COLUMNS), years)
    if body is None:
        return [p.replace("Projects grid, row 1", "This project") for p in problems if "Direct costs grid" not in p]
    name = body["projects"][0]["name"]
    if name and name in other_names:
        problems.append(f"Project '{name}': the name is used already; give each project its own name")
    _parse_projects(body["projects"], years, "none", problems)
    return problems


def line_row_problems(row: dict, project_names: list[str]) -> list[str]:
    """Problems with one direct cost line (a dict of the direct costs grid's columns):
    its project must be one of ``project_names``, its amount pounds of zero or more."""
    project = row.get("Project")
    if _blank(project) or str(project).strip() not in project_names:
        return ["This line: choose the project it belongs to" + ("" if project_names else " (add a project first)")]
    projects = pd.DataFrame([{"Project": str(project).strip()}], columns=["Project"])
    body, problems = _grid_problems(projects, _one_row(LINE_COLUMNS, row), pd.DataFrame(columns=POOL_COLUMNS), 1)
    if body is None:
        return problems
    _parse_lines(body["projects"][0]["direct_costs"], f"Project '{project}'", problems)
    return problems


def pool_row_problems(row: dict, projects: pd.DataFrame, lines: pd.DataFrame, *, other_names: list[str] | tuple = ()) -> list[str]:
    """Problems with one overhead pool (a dict of the pools grid's columns) against the
    projects and direct costs entered so far: amount, how it is shared (a driver the
    projects have, direct costs that add up to more than zero, or fixed shares of 100%)."""
    body, problems = _grid_problems(projects, lines, _one_row(POOL_COLUMNS, row), 1)
    if body is None:
        return [p.replace("Overheads grid, row 1", "This pool") for p in problems if "Projects grid" not in p and "Direct costs grid" not in p]
    parsed = _parse_projects(body["projects"], 1, "none", [])
    name = str(body["overheads"][0].get("name") or "").strip()
    if name and name in other_names:
        problems.append(f"Overhead pool '{name}': the name is used already; give each pool its own name")
    _parse_pools(body["overheads"], parsed, problems)
    return problems
