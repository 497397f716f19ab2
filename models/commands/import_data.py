"""python -m models import: load 360Giving, council spend, Charity Commission or OCDS files."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from .. import store
from ..database import init_database
from ..importers import FORMATS, SHOWN, ImportOptions, Source, import_sources
from ._common import add_db_argument, fail, print_json

NAME = "import"
HELP = "import 360Giving, council spend over £500, Charity Commission register or OCDS files"


def add_arguments(parser) -> None:
    add_db_argument(parser)
    parser.add_argument(
        "--format",
        choices=("auto",) + FORMATS,
        default="auto",
        help="the files' standard (default: auto, detected from each file's content)",
    )
    parser.add_argument("--dry-run", action="store_true", help="check the files and report; write nothing")
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="write the valid rows of a file with problems, reporting each row skipped (default: reject the whole file)",
    )
    parser.add_argument(
        "--local-authority",
        metavar="NAME",
        default="Cheshire East",
        help="Charity Commission import: keep charities working in this local authority ('all' for every one; default: Cheshire East)",
    )
    parser.add_argument(
        "--publisher",
        metavar="NAME",
        default=None,
        help="council spend files with no body-name column: the council that published them",
    )
    parser.add_argument("--encoding", default="utf-8", help="text encoding of CSV files (default: utf-8; e.g. cp1252)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to import (register tables given together are one import)")


def run(args) -> int:
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        return fail("no such file: " + ", ".join(missing))
    options = ImportOptions(
        format=args.format,
        dry_run=args.dry_run,
        skip_invalid=args.skip_invalid,
        local_authority=args.local_authority,
        publisher=args.publisher,
        encoding=args.encoding,
        imported_by=f"{_user()} (command line)",
    )
    path = init_database(args.db)
    with store.opened(path) as db:
        results = import_sources(db, [Source.from_path(f) for f in args.files], options)
    if args.json:
        print_json([r.as_dict() for r in results])
    else:
        for result in results:
            _print_result(result)
    rejected = [r for r in results if not r.ok]
    if rejected:
        print(f"error: {len(rejected)} of {len(results)} imports rejected: " + ", ".join(r.file_name for r in rejected), file=sys.stderr)
        return 1
    return 0


def _print_result(result) -> None:
    print(result.headline())
    for note in result.report.notes:
        print(f"  note: {note}")
    stream = sys.stdout if result.ok else sys.stderr
    for line in result.report.summary_lines():
        print(f"  {line}", file=stream)
    if result.ok and result.rows_skipped:
        print(f"  skipped ({result.rows_skipped:,}): " + ", ".join(result.report.skipped_places()))
    if result.report.error_count > SHOWN and not result.ok:
        print("  (fix these and import again, or use --skip-invalid to import only the valid rows)", file=stream)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"
