"""Import every real published file in a folder, each into a fresh database, and compare
the total loaded with the file's own total, computed here independently of the importer
(the csv module, openpyxl and json with Decimal; its own short list of amount titles).

    python bench/real_corpus.py DIR [DIR ...]

Prints one line per file: file, publisher, outcome, rows loaded, total loaded, the file's
own total and whether they agree to the penny, then the success rate. A person importing
a file that does not say who published it is asked (--publisher); here the answer comes
from PUBLISHERS below, keyed by words in the file name, and the line says 'given'. A file
rejected for a few bad rows is imported again with --skip-invalid, as a person would, and
the line says so. The corpus itself is kept outside the repository (docs/importing.md)."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models import store  # noqa: E402
from models.database import init_database  # noqa: E402
from models.importers import ImportOptions, Source, import_sources  # noqa: E402

SUFFIXES = (".csv", ".xlsx", ".json")
# Who published the files that do not say, as the person importing them would answer.
PUBLISHERS = {
    "bradford": "City of Bradford Metropolitan District Council",
    "darlington": "Darlington Borough Council",
    "gateshead": "Gateshead Council",
    "gla_london": "Greater London Authority",
    "odileeds_london": "Greater London Authority",
    "hyndburn": "Hyndburn Borough Council",
    "lancashire_fire": "Lancashire Combined Fire Authority",
    "burnley_fire": "Lancashire Combined Fire Authority",
    "pcc": "Police and Crime Commissioner for Lancashire",
    "northtyneside": "North Tyneside Council",
    "sheffield": "Sheffield City Council",
    "newcastle": "Newcastle City Council",
    "networkrail": "Network Rail",
    "tfl": "Transport for London",
    "salford": "Salford City Council",
    "manchester": "Manchester City Council",
}

# ---------------------------------------------------------------- independent totals

NET_TITLES = ["net amount", "net", "total (excludes vat)", "invoice line value (net of vat)", "net amount(£)",
              "net amount (£)", "net amount(gbp)"]
PLAIN_TITLES = ["amount", "amount paid", "spend", "invoiced value", "total invoice amount", "total", "value",
                "amount awarded"]


def _decimal(text) -> Decimal | None:
    if text is None:
        return None
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        return Decimal(str(text))
    raw = str(text).strip()
    negative = raw.startswith("(") and raw.endswith(")")
    raw = raw.strip("()").replace("£", "").replace(",", "").strip()
    if raw.upper().endswith("CR"):
        negative, raw = True, raw[:-2].strip()
    if raw.endswith("-"):  # a ledger's credit: '161,413.00-'
        negative, raw = True, raw[:-1].strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return -value if negative else value


def _text_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", "replace")
    first = text[:5000]
    delimiter = max([",", ";", "\t", "|"], key=first.count)
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _sheet_rows(path: Path) -> list[list]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = [s for s in book.worksheets if s.sheet_state == "visible"]
    grids = [[list(r) for r in s.iter_rows(values_only=True)] for s in sheets]
    return max(grids, key=lambda g: sum(1 for r in g if any(c not in (None, "") for c in r)))


def _own_total_table(rows: list[list]) -> tuple[int, Decimal] | None:
    """(rows with an amount, their sum): the header is the first of the first 20 rows
    holding a known amount title; rows with only an amount (total lines) are left out."""
    titles = NET_TITLES + PLAIN_TITLES
    for h, header in enumerate(rows[:20]):
        names = [re.sub(r"[\s:*]+$|^[\s*]+", "", str(c or "")).lower() for c in header]
        found = [t for t in titles if t in names]
        if not found:
            continue
        column = names.index(found[0])
        count, total = 0, Decimal(0)
        for row in rows[h + 1:]:
            cells = [c for i, c in enumerate(row) if i != column and c not in (None, "")]
            value = _decimal(row[column]) if column < len(row) else None
            if value is None or not cells:
                continue
            count, total = count + 1, total + value
        return count, total
    return None


def _own_total_json(path: Path) -> tuple[int, Decimal] | None:
    data = json.loads(path.read_bytes(), parse_float=Decimal)
    if isinstance(data, dict) and "grants" in data:
        values = [_decimal(g.get("amountAwarded")) for g in data["grants"]]
        values = [v for v in values if v is not None]
        return len(values), sum(values, Decimal(0))
    if isinstance(data, dict) and "records" in data:
        releases = [r.get("compiledRelease") or {} for r in data["records"]]
    elif isinstance(data, dict) and "releases" in data and "ocid" not in data and "compiledRelease" not in data:
        releases = data["releases"]
    elif isinstance(data, dict) and "compiledRelease" in data:
        releases = [data["compiledRelease"]]
    elif isinstance(data, list):
        releases = data
    else:
        releases = [data]
    awards = {}
    for release in releases:
        for award in release.get("awards") or []:
            value = award.get("value") or {}
            if value.get("amount") is not None and value.get("currency", "GBP") == "GBP":
                awards[(release.get("ocid"), award.get("id"))] = Decimal(str(value["amount"]))
    return len(awards), sum(awards.values(), Decimal(0))


def own_total(path: Path) -> tuple[int, Decimal] | None:
    """The file's own (rows, total in pounds), read without the importer."""
    try:
        if path.suffix == ".json":
            return _own_total_json(path)
        return _own_total_table(_sheet_rows(path) if path.suffix == ".xlsx" else _text_rows(path))
    except Exception as error:  # a file this simple reader cannot read: say so in the table
        print(f"  (own total not computed for {path.name}: {type(error).__name__})", file=sys.stderr)
        return None


# ---------------------------------------------------------------- importing


def _given_publisher(name: str) -> str | None:
    for words, publisher in PUBLISHERS.items():
        if words in name.lower():
            return publisher
    return None


def import_one(path: Path, folder: Path) -> dict:
    db_path = init_database(folder / f"{abs(hash(path))}.db")
    how = []
    options = ImportOptions(imported_by="bench")
    with store.opened(db_path) as db:
        (result,) = import_sources(db, [Source.from_path(path)], options)
        if result.status == "rejected" and any("does not say which council" in p.message for p in result.report.errors):
            publisher = _given_publisher(path.name)
            if publisher:
                how.append("publisher given")
                options = ImportOptions(imported_by="bench", publisher=publisher)
                (result,) = import_sources(db, [Source.from_path(path)], options)
        if result.status == "rejected" and result.report.rows_with_errors and not any(
            p.where == "" for p in result.report.errors
        ):
            how.append(f"--skip-invalid ({result.report.rows_with_errors:,} rows left out)")
            options.skip_invalid = True
            (result,) = import_sources(db, [Source.from_path(path)], options)
        total = db.execute("SELECT COALESCE(SUM(amount_pence), 0), COUNT(*) FROM spend WHERE import_id = ?",
                           [result.import_id]).fetchone() if result.import_id else (0, 0)
    Path(db_path).unlink(missing_ok=True)
    return {"result": result, "pence": total[0], "rows": total[1], "how": how}


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv[1:]] or [ROOT.parent / "corpus"]
    files = sorted(p for folder in folders for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()
                   and "reference" not in p.parts)
    counts = {"agree": 0, "nothing": 0, "refused": 0, "differ": 0}
    publishers = set()
    print(f"{'file':58} {'publisher':44} {'outcome':10} {'rows':>6} {'loaded':>16} {'own total':>16}  agree")
    with tempfile.TemporaryDirectory() as folder:
        for path in files:
            outcome = import_one(path, Path(folder))
            result = outcome["result"]
            own = own_total(path)
            loaded = Decimal(outcome["pence"]) / 100
            publisher = result.publisher or (result.report.errors[0].message[:40] if result.report.errors else "")
            if result.status in ("imported", "unchanged"):
                agree = own is not None and own[1].quantize(Decimal("0.01")) == loaded
                counts["agree" if agree else "differ"] += 1
                publishers.add(result.publisher)
            elif result.status == "nothing":
                agree = own is not None and own[1] == 0
                counts["nothing"] += 1
            else:
                agree = False
                counts["refused"] += 1
            own_text = f"{own[1]:,.2f}" if own else "?"
            print(f"{path.name[:58]:58} {publisher[:44]:44} {result.status:10} {outcome['rows']:>6,} {loaded:>16,.2f} "
                  f"{own_text:>16}  {'yes' if agree else 'NO'}{'  [' + '; '.join(outcome['how']) + ']' if outcome['how'] else ''}")
            if result.status == "rejected":
                print(f"{'':60}refused: {result.report.errors[0].message[:150] if result.report.errors else ''}")
    total = len(files)
    print()
    print(f"{total} files; {len(publishers)} publishers among the files loaded")
    print(f"loaded, totals agree to the penny: {counts['agree']} ({counts['agree'] / max(total, 1):.0%}); "
          f"totals differ: {counts['differ']}; nothing to import: {counts['nothing']}; refused: {counts['refused']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
