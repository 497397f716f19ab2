"""python -m models spend: spend grouped by chosen fields, as in the spend explorer."""

from __future__ import annotations


from .. import store
from ..database import init_database
from ..errors import DomainError
from ..formatting import money, pence_to_pounds
from ..export import csv_text
from ..spend import GROUP_FIELDS, SpendFilter, spend_by
from ._common import add_db_argument, add_format_argument, fail, print_json, print_table

NAME = "spend"
HELP = "spend grouped by authority, department, funding type, ..."


def add_arguments(parser) -> None:
    add_db_argument(parser)
    parser.add_argument(
        "--by",
        metavar="FIELDS",
        default="authority,funding_type",
        help="comma-separated fields to group by, from: " + ", ".join(GROUP_FIELDS) + " (default: authority,funding_type)",
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
        print(csv_text(frame), end="")
    else:
        total = int(frame["amount_pence"].sum())
        frame["amount"] = [money(p) for p in frame.pop("amount_pence")]
        print_table(frame)
        print(f"\nTotal: {money(total)}")
    return 0


