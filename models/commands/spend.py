"""python -m models spend: spend grouped by chosen fields, as in the spend explorer."""

from __future__ import annotations


from .. import store
from ..database import init_database
from ..errors import DomainError
from ..formatting import money, pence_to_pounds
from ..spend import AREA_LEVELS, GROUP_FIELDS, SpendFilter, spend_by, spend_by_area
from ._common import add_db_argument, add_format_argument, fail, print_json, print_table

NAME = "spend"
HELP = "spend grouped by authority, department, funding type, ..."


def add_arguments(parser) -> None:
    add_db_argument(parser)
    parser.add_argument(
        "--by",
        metavar="FIELDS",
        default="authority,funding_type",
        help="comma-separated fields to group by, from: " + ", ".join(GROUP_FIELDS) + " (default: authority,funding_type); "
        "or one geography: " + "|".join(AREA_LEVELS) + " (the map page's figures)",
    )
    parser.add_argument(
        "--place",
        choices=["benefit", "recipient"],
        default="benefit",
        help="with --by ward|former_borough|local_authority: place spend where the benefit lands (default) "
        "or where the recipient is based",
    )
    parser.add_argument("--year", metavar="Y", action="append", default=[], help="financial year, e.g. 2008/09 (repeatable)")
    parser.add_argument(
        "--body-type",
        choices=["local_government", "health", "other_funder", "all"],
        default="local_government",
        help="which bodies' spend (default: local_government, as the framework's main table)",
    )
    parser.add_argument(
        "--all-suppliers",
        action="store_true",
        help="include imported spend with suppliers not recognised as third-sector",
    )
    add_format_argument(parser, ("table", "csv", "json"))


def run(args) -> int:
    fields = [f.strip() for f in args.by.split(",") if f.strip()]
    spend_filter = SpendFilter(
        years=tuple(args.year),
        body_types=() if args.body_type == "all" else (args.body_type,),
        third_sector_only=not args.all_suppliers,
    )
    path = init_database(args.db)
    if len(fields) == 1 and fields[0] in AREA_LEVELS:
        return _run_by_area(path, fields[0], spend_filter, args)
    try:
        with store.opened(path) as db:
            frame = spend_by(db, fields, spend_filter)
    except DomainError as error:
        return fail(str(error))
    frame = frame.drop(columns=["rows"])
    if args.format == "json":
        records = []
        for record in frame.to_dict(orient="records"):
            pence = int(record.pop("amount_pence"))
            record["amount"] = float(pence_to_pounds(pence))
            records.append(record)
        print_json(records)
    elif args.format == "csv":
        frame["amount"] = [str(pence_to_pounds(p)) for p in frame.pop("amount_pence")]
        print(frame.to_csv(index=False), end="")
    else:
        total = int(frame["amount_pence"].sum())
        frame["amount"] = [money(p) for p in frame.pop("amount_pence")]
        print_table(frame)
        print(f"\nTotal: {money(total)}")
    return 0


def _run_by_area(path, level: str, spend_filter: SpendFilter, args) -> int:
    """Spend by area, as the map page shows it: each area, then county-wide and unplaced
    spend in rows of their own, so the total is the spend table's total."""
    from ..geography import KIND_LABELS

    try:
        with store.opened(path) as db:
            frame = spend_by_area(db, level, spend_filter, args.place)
    except DomainError as error:
        return fail(str(error))
    total = int(frame["amount_pence"].sum())
    rows = []
    for record in frame.to_dict(orient="records"):
        per_head = record["per_head_pence"]
        people = record["population"]
        rows.append({
            "area": record["name"],
            "code": record["code"],
            "kind": record["kind"],
            "amount_pence": int(record["amount_pence"]),
            "records": int(record["records"]),
            "population": None if people is None or people != people else int(people),
            "per_head": None if per_head is None or per_head != per_head else round(per_head) / 100,
        })
    if args.format == "json":
        print_json([{**{k: v for k, v in r.items() if k != "amount_pence"}, "amount": float(pence_to_pounds(r["amount_pence"]))} for r in rows])
    elif args.format == "csv":
        import pandas as pd

        table = pd.DataFrame(rows)
        table.insert(3, "amount", [str(pence_to_pounds(p)) for p in table.pop("amount_pence")])
        print(table.to_csv(index=False), end="")
    else:
        import pandas as pd

        table = pd.DataFrame(rows)
        table["kind"] = table["kind"].map(KIND_LABELS)
        table.insert(3, "amount", [money(p) for p in table.pop("amount_pence")])
        table["per_head"] = ["" if v is None or v != v else money(round(v * 100)) for v in table["per_head"]]
        table["population"] = ["" if v is None or v != v else f"{int(v):,}" for v in table["population"]]
        print_table(table)
        print(f"\nTotal: {money(total)}")
    return 0
