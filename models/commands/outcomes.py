"""python -m models outcomes: each indicator's latest value, target, gap and status."""

from __future__ import annotations

from .. import outcomes, store
from ..database import init_database
from ..errors import DomainError
from ._common import add_db_argument, add_format_argument, fail, print_json, print_table

NAME = "outcomes"
HELP = "the framework's outcome indicators: latest value, target, gap and status"


def add_arguments(parser) -> None:
    add_db_argument(parser)
    add_format_argument(parser)


def run(args) -> int:
    path = init_database(args.db)
    try:
        with store.opened(path) as db:
            statuses = outcomes.assess_all(db)
            summaries = outcomes.outcome_summaries(db)
    except DomainError as error:
        return fail(str(error))
    if args.format == "json":
        print_json({
            "status_rule": outcomes.STATUS_RULE,
            "outcomes": [{"outcome_id": s.outcome.outcome_id, "title": s.outcome.title, "status": s.status,
                          "reason": s.reason} for s in summaries],
            "indicators": outcomes.as_json(statuses),
        })
        return 0
    table = outcomes.indicator_table(statuses)
    shown = table[["Outcome", "Indicator", "Latest value", "Latest date", "Target", "Target date", "Gap (unit)",
                   "Gap (% of target)", "Status", "Illustrative"]].copy()
    units = table["Unit"]
    for column in ("Latest value", "Target"):
        shown[column] = [outcomes.format_value(v, u) for v, u in zip(table[column], units)]
    shown["Gap (unit)"] = [outcomes.format_difference(v, u) for v, u in zip(table["Gap (unit)"], units)]
    shown["Gap (% of target)"] = [outcomes.format_value(v, "%") for v in table["Gap (% of target)"]]
    shown["Indicator"] = shown["Indicator"].str.slice(0, 60)
    print_table(shown)
    print()
    for summary in summaries:
        print(f"{summary.outcome.outcome_id} {summary.outcome.title}: {summary.status}")
    print(f"\nStatus rule: {outcomes.STATUS_RULE}")
    if (table["Illustrative"] != "").any():
        print("Rows marked 'illustrative' rest on illustrative (demonstration) values or targets, not real figures.")
    return 0
