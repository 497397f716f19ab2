"""Full cost recovery for people: the summary, allocation, multi-year and funding-gap
frames the page and command line show, the JSON the command line prints and the workbook's
sheets and notes. Reads a ``CostingResult`` from ``models.cost_recovery``; computes nothing new
(``models.cost_recovery`` imports this module, so the engine function it calls is imported
inside that function).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .cost_recovery_scenario import Costing, DRIVER_LABELS, KIND_LABELS, METHOD_SOURCES
from .formatting import money, pence_to_pounds, percent

if TYPE_CHECKING:
    from .cost_recovery import CostingResult


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
    from .cost_recovery import unrestricted_income_needed  # the engine imports this module

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
