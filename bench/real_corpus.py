"""Import every real published file in a folder, each into a fresh database, and compare
the total loaded with the file's own total, computed here independently of the importer
(the csv module, openpyxl and json with Decimal; its own short list of amount titles).

    python bench/real_corpus.py DIR [DIR ...]

Prints one line per file: file, publisher, outcome, rows loaded, total loaded, the file's
own total and whether they agree to the penny, then the success rate. A person importing
a file that does not say who published it is asked (--publisher); here the answer comes
from PUBLISHERS below, keyed by words in the file name, and the line says 'given'. A file
rejected for a few bad rows is imported again with --skip-invalid, as a person would, and
the line says so. A file refused for a reason a person would accept (GOOD_REFUSALS, each
checked by reading the file) is counted apart from files refused by mistake. Workbooks are
added up over every visible sheet with an amount title; 360Giving totals count grants in
pounds only. The corpus itself is kept outside the repository (docs/importing.md)."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models import store  # noqa: E402
from models.database import init_database  # noqa: E402
from models.importers import ImportOptions, Source, import_sources  # noqa: E402

SUFFIXES = (".csv", ".xlsx", ".xls", ".json")
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
    "oxford": "Oxford City Council",  # 'Client' = 'OCC'
    "tameside": "Tameside Metropolitan Borough Council",
    "devon": "Devon County Council",  # 2010: 'Entity' is the supplier's number
    "wandm": "Royal Borough of Windsor and Maidenhead",
    "stockport": "Stockport Metropolitan Borough Council",
    "wigan": "Wigan Metropolitan Borough Council",  # 'SMBC' in 'Body Name': the note asks for the name
}

# Files refused for a reason a person would accept, and the words that reason must contain:
# anything else refused is counted as wrong. (Checked by reading each file; see
# docs/importing.md, "Corpus results".)
GOOD_REFUSALS = {
    "grantnav_sample_stack_": "title",  # GrantNav's search-index 'stack': no grant titles
    "grantnav_sample_nominet": "is not a date",  # month-only award dates ('08/2013')
    "salford_clean_2022-07": "contracts register",  # contracts let, not payments made
    "lambeth_2012-05": "totals by supplier",  # a pivot table: totals by supplier, no payments
    "wandm_supplier_payments_2009_q1": "totals by supplier",  # a quarter's totals by supplier, no payments
    "wandm_supplier_payments_2009_q2": "totals by supplier",  # the same, April-June 2009
    "lambeth_2011-0": "totals by supplier",  # Lambeth's January-March 2011 files: totals by supplier, no payments
    "lambeth_2012-06": "is not a date",  # supplier names run into dates ('Catch2212/06/2012')
}

# Refusals whose files hold no payments at all (totals by supplier, contracts let): left out
# of the share "of the files that hold payments or grants in pounds".
NO_PAYMENTS = {"totals by supplier", "contracts register"}

# ---------------------------------------------------------------- independent totals

NET_TITLES = ["net amount", "net", "total (excludes vat)", "invoice line value (net of vat)", "net amount(£)",
              "net amount (£)", "net amount(gbp)", "invoice nett amount", "sumofnet amt",
              "sum of invoice nett amount"]
PLAIN_TITLES = ["amount", "amount paid", "spend", "invoiced value", "total invoice amount", "total", "value",
                "amount awarded", "sum of inv amount", "amount (£)", "amount £"]


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


def _penny(value: Decimal) -> Decimal:
    """A payment to the penny, half up: money is paid in pence (a few workbooks hold sums
    with fractions of a penny, 653.625, or a float's noise, 815.3600000000006)."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _text_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", "replace")
    first = text[:5000]
    delimiter = max([",", ";", "\t", "|"], key=first.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))  # CR-only lines too


def _sheet_grids(path: Path) -> list[list[list]]:
    """Every visible worksheet's rows (a workbook may hold a sheet a month)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = [s for s in book.worksheets if s.sheet_state == "visible"]
    return [[list(r) for r in s.iter_rows(values_only=True)] for s in sheets]


def _xls_grids(path: Path) -> list[list[list]]:
    """Every visible worksheet's rows of an Excel 97-2003 workbook (xlrd; dates as numbers
    do not matter here, only the amounts are added up)."""
    import xlrd

    book = xlrd.open_workbook(path, logfile=io.StringIO())
    return [[s.row_values(r) for r in range(s.nrows)] for s in book.sheets() if s.visibility == 0]


def _own_total_sheets(grids: list[list[list]]) -> tuple[int, Decimal] | None:
    """The totals of every sheet with an amount title, added up."""
    totals = [t for t in (_own_total_table(g) for g in grids) if t is not None]
    if not totals:
        return None
    return sum(t[0] for t in totals), sum((t[1] for t in totals), Decimal(0))


TOTAL_WORDS = {"total", "totals", "grand total", "sub total", "subtotal", "sub-total"}


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
        currency = names.index("currency") if "currency" in names else None  # 360Giving: pounds only
        count, total = 0, Decimal(0)
        for row in rows[h + 1:]:
            cells = [c for i, c in enumerate(row) if i != column and c not in (None, "")]
            value = _decimal(row[column]) if column < len(row) else None
            words = [str(c).strip().lower().rstrip(":") for c in cells if re.search(r"[A-Za-z0-9]", str(c))]
            if value is None or not words or all(w in TOTAL_WORDS for w in words):
                continue  # no amount, or a total line ('Grand Total')
            if currency is not None and currency < len(row) and str(row[currency] or "GBP").strip() != "GBP":
                continue
            count, total = count + 1, total + _penny(value)
        return count, total
    return None


def _own_total_json(path: Path) -> tuple[int, Decimal] | None:
    data = json.loads(path.read_bytes(), parse_float=Decimal)
    if isinstance(data, dict) and "grants" in data:
        values = [_decimal(g.get("amountAwarded")) for g in data["grants"] if g.get("currency", "GBP") == "GBP"]
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
        awards_listed = release.get("awards") or []
        for award in awards_listed if isinstance(awards_listed, list) else []:  # not OCDS's list: no awards to add
            value = award.get("value") or {}
            if value.get("amount") is not None and value.get("currency", "GBP") == "GBP":
                awards[(release.get("ocid"), award.get("id"))] = Decimal(str(value["amount"]))
    return len(awards), sum(awards.values(), Decimal(0))


def own_total(path: Path) -> tuple[int, Decimal] | None:
    """The file's own (rows, total in pounds), read without the importer."""
    try:
        if path.suffix == ".json":
            return _own_total_json(path)
        if path.suffix == ".xlsx":
            return _own_total_sheets(_sheet_grids(path))
        if path.suffix == ".xls" and path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0":
            return _own_total_sheets(_xls_grids(path))
        return _own_total_table(_text_rows(path))
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
        if result.status == "imported" and re.fullmatch(r"[A-Z]{2,5}", result.publisher or "") and _given_publisher(path.name):
            # the file names its council by a code ('SMBC'); the import's note asks for the name, as a person would give it
            how.append("publisher given for the code " + result.publisher)
            options = ImportOptions(imported_by="bench", publisher=_given_publisher(path.name))
            (result,) = import_sources(db, [Source.from_path(path)], options)
        # each refusal as a person reads it: file, row, column and the message
        first_errors = [str(e) for e in result.report.errors[:50]] if result.status == "rejected" else []
        if result.status == "rejected" and result.report.rows_with_errors and not any(
            p.where == "" for p in result.report.errors
        ):
            how.append(f"--skip-invalid ({result.report.rows_with_errors:,} rows left out)")
            options.skip_invalid = True
            (result,) = import_sources(db, [Source.from_path(path)], options)
        total = db.execute("SELECT COALESCE(SUM(amount_pence), 0), COUNT(*) FROM spend WHERE import_id = :id",
                           {"id": result.import_id}).fetchone() if result.import_id else (0, 0)
    Path(db_path).unlink(missing_ok=True)
    return {"result": result, "pence": total[0], "rows": total[1], "how": how, "first_errors": first_errors}


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv[1:]] or [ROOT.parent / "corpus"]
    files = sorted(p for folder in folders for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()
                   and "reference" not in p.parts)
    counts = {"agree": 0, "nothing": 0, "refused": 0, "differ": 0, "refused, good reason": 0, "no payments": 0}
    publishers = set()
    print(f"{'file':58} {'publisher':44} {'outcome':10} {'rows':>6} {'loaded':>16} {'own total':>16}  agree")
    with tempfile.TemporaryDirectory() as folder:
        for path in files:
            outcome = import_one(path, Path(folder))
            result = outcome["result"]
            own = own_total(path)
            loaded = Decimal(outcome["pence"]) / 100
            publisher = result.publisher or (result.report.errors[0].message[:40] if result.report.errors else "")
            reason = next((words for key, words in GOOD_REFUSALS.items() if key in path.name), None)
            good_refusal = reason is not None and any(reason.lower() in m.lower() for m in outcome["first_errors"])
            if good_refusal:
                agree = False
                counts["refused"] += 1
                counts["refused, good reason"] += 1
                counts["no payments"] += reason in NO_PAYMENTS
                outcome["how"].append("refused for a good reason" + (" (loaded with --skip-invalid only)" if result.import_id else ""))
            elif result.status in ("imported", "unchanged"):
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
            if outcome["first_errors"]:
                print(f"{'':60}refused: {outcome['first_errors'][0][:240]}")
    total = len(files)
    print()
    print(f"{total} files; {len(publishers)} publishers among the files loaded")
    print(f"loaded, totals agree to the penny: {counts['agree']} ({counts['agree'] / max(total, 1):.0%}); "
          f"totals differ: {counts['differ']}; nothing to import: {counts['nothing']}; refused: {counts['refused']} "
          f"({counts['refused, good reason']} for a reason a person would accept)")
    right = counts["agree"] + counts["nothing"] + counts["refused, good reason"]
    holding = total - counts["nothing"] - counts["no payments"]
    print(f"right (loaded to the penny, nothing to import, or refused for a good reason): {right} of {total} "
          f"({right / max(total, 1):.0%}); of the {holding} files that hold payments or grants in pounds "
          f"(all but those with nothing to import and the {counts['no payments']} refused as holding no payments), "
          f"loaded to the penny: {counts['agree']} ({counts['agree'] / max(holding, 1):.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
