"""python -m models organisations search|match: the directory's search and provider
matching, headless."""

from __future__ import annotations

from pathlib import Path

from .. import matching, organisations, store
from ..database import init_database
from ..errors import DomainError
from ..formatting import money
from ._common import add_db_argument, add_format_argument, fail, print_json, print_table

NAME = "organisations"
HELP = "search the organisation directory, or match providers to a service specification"


def add_arguments(parser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    search = actions.add_parser("search", help="full-text search with filters", description="Search names, descriptions and themes.")
    add_db_argument(search)
    search.add_argument("--district", metavar="D", action="append", default=[], help="district served (repeatable), e.g. 'Crewe and Nantwich'")
    search.add_argument("--theme", metavar="T", action="append", default=[], help="theme (repeatable), e.g. 'Environment'")
    search.add_argument("--type", metavar="TYPE", action="append", default=[], dest="org_type", help="organisation type (repeatable), e.g. CIO")
    search.add_argument("--limit", type=int, default=50, help="most rows to show (default 50)")
    add_format_argument(search)
    search.add_argument("query", metavar="QUERY", nargs="?", default="", help="words to look for (all must appear)")
    search.set_defaults(action_run=run_search)

    match = actions.add_parser("match", help="rank providers for a service specification", description="Rank the organisations most likely able to deliver a service.")
    add_db_argument(match)
    match.add_argument("--district", metavar="D", default=None, help="only organisations serving this district")
    match.add_argument("--theme", metavar="T", default=None, help="only organisations with this theme")
    match.add_argument("--top", metavar="N", type=int, default=10, help="how many providers (default 10)")
    add_format_argument(match)
    source = match.add_mutually_exclusive_group(required=True)
    source.add_argument("--spec-file", metavar="FILE", help="a text file holding the service specification")
    source.add_argument("text", metavar="TEXT", nargs="?", help="the service specification")
    match.set_defaults(action_run=run_match)


def run(args) -> int:
    try:
        return args.action_run(args)
    except DomainError as error:
        return fail(str(error))


def _demo_note(flags) -> None:
    if any(flags):
        print("\nNote: rows marked * are fictional demonstration organisations, not real ones.")


def run_search(args) -> int:
    """Print the organisations matching the query and filters."""
    path = init_database(args.db)
    directory_filter = organisations.DirectoryFilter(
        query=args.query, districts=tuple(args.district), themes=tuple(args.theme), org_types=tuple(args.org_type)
    )
    with store.opened(path) as db:
        result = organisations.search(db, directory_filter, limit=args.limit)
    rows = result.rows
    if args.format == "json":
        records = []
        for record in rows.drop(columns=["description"]).to_dict(orient="records"):
            pence = record.pop("latest_income_pence")
            record["latest_income"] = None if pence is None or pence != pence else int(pence) / 100
            records.append(record)
        print_json({"total": result.total, "shown": len(records), "organisations": records})
        return 0
    table = rows[["org_id", "name", "org_type", "districts", "size_band"]].copy()
    table["name"] = [("* " if demo else "") + name for name, demo in zip(rows["name"], rows["is_demo"])]
    table["districts"] = [", ".join(d) for d in table["districts"]]
    table["latest_income"] = [money(v) if v == v and v is not None else "" for v in rows["latest_income_pence"]]
    print_table(table)
    print(f"\n{result.total:,} organisations match; {len(table):,} shown.")
    _demo_note(rows["is_demo"])
    return 0


def run_match(args) -> int:
    """Print the providers most like the specification, with scores and matched words."""
    if args.spec_file:
        spec_path = Path(args.spec_file)
        if not spec_path.is_file():
            return fail(f"{spec_path}: no such file (give --spec-file a text file holding the specification)")
        try:
            text = spec_path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            return fail(f"{spec_path}: not a UTF-8 text file; save the specification as plain text")
    else:
        text = args.text
    path = init_database(args.db)
    with store.opened(path) as db:
        model = matching.model_for(db, str(path))
    result = matching.match(model, text, district=args.district, theme=args.theme, top=args.top)
    if args.format == "json":
        print_json({"version": model.version, "matches": result.to_dict(orient="records")})
        return 0
    table = result.copy()
    table["name"] = [("* " if demo else "") + name for name, demo in zip(result["name"], result["is_demo"])]
    table["districts"] = [", ".join(d) for d in table["districts"]]
    table["matched_terms"] = [", ".join(t) for t in table["matched_terms"]]
    print_table(table.drop(columns=["is_demo", "org_type"]))
    _demo_note(result["is_demo"])
    return 0
