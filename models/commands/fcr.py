"""python -m models fcr: full cost recovery for a costing scenario (JSON), as on the page."""

from __future__ import annotations

from pathlib import Path

from .. import cost_recovery
from ..errors import DomainError
from ..formatting import money_from_pounds, percent
from ..scenarios import parse_json
from ._common import add_format_argument, fail, print_json, print_table

NAME = "fcr"
HELP = "full cost recovery: each project's direct costs, share of overheads and full cost"


def add_arguments(parser) -> None:
    parser.add_argument("scenario", metavar="SCENARIO.json", help="costing scenario file (see docs/cost_recovery.md)")
    add_format_argument(parser)


def run(args) -> int:
    path = Path(args.scenario)
    try:
        body = parse_json(path.read_bytes(), source=path.name)
        result = cost_recovery.calculate(body)
    except OSError as error:
        return fail(f"cannot read {path}: {error.strerror}")
    except DomainError as error:
        details = "".join(f"\n  - {p}" for p in error.problems)
        return fail(f"{path.name}: {error}{details}")
    if args.format == "json":
        print_json(cost_recovery.to_json(result))
        return 0
    _print_tables(result)
    return 0


def _print_tables(result: cost_recovery.CostingResult) -> None:
    """Year 1 by project, then the multi-year plan and any funding gap, money as '£1,234.56'."""
    costing = result.costing
    if costing.fictional:
        print("FICTIONAL worked example: not a real organisation.\n")
    summary = cost_recovery.summary_frame(result)
    for column in summary.columns:
        if column.endswith("(£)"):
            summary[column] = summary[column].map(money_from_pounds)
    for column in ("Overhead rate", "Share of total"):
        summary[column] = summary[column].map(lambda v: percent(v) if v is not None else "n/a")
    print(f"Year 1 full costs: {costing.name or '(unnamed costing)'}")
    print_table(summary)
    if costing.years > 1:
        print(f"\nPlan over {costing.years} years (pay inflation {percent(float(costing.pay_inflation))}, "
              f"non-pay inflation {percent(float(costing.non_pay_inflation))} a year)")
        plan = cost_recovery.multi_year_frame(result)
        for column in ("Direct costs (£)", "Overheads (£)", "Full cost (£)"):
            plan[column] = plan[column].map(money_from_pounds)
        print_table(plan)
    if costing.funding_basis != "none":
        print(f"\nFunding gap: {cost_recovery.funding_basis_text(costing)}")
        gap = cost_recovery.funding_gap_frame(result)
        for column in gap.columns[2:]:
            gap[column] = gap[column].map(money_from_pounds)
        print_table(gap)
        needed = cost_recovery.unrestricted_frame(result)
        needed["Unrestricted income needed (£)"] = needed["Unrestricted income needed (£)"].map(money_from_pounds)
        print_table(needed)
