"""Downloads: CSV and XLSX bytes of tables, with spreadsheet formula injection neutralised.

A cell of text that starts with '=', '+', '-' or '@' (or a tab or carriage return) could be
run as a formula by Excel, LibreOffice or Google Sheets, and so could such text after
leading spaces or other whitespace (' =1+2', which a spreadsheet or a later import that
strips whitespace turns live); such text is prefixed with a quote so it is shown as
typed. Numbers are left as numbers (a credit of -5.00 stays a number).

Every CSV and XLSX the product writes goes through here: downloads on pages
(``csv_bytes``, ``xlsx_bytes``) and the command line's CSV output (``csv_text``)."""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

if TYPE_CHECKING:
    import pandas as pd  # imported where used: the command line's CSV of rows (csv_text_of_rows) runs without it

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and full-width forms


def file_stem(title: str | None, default: str) -> str:
    """A download's file name from a record's title: lower case, each run of other characters
    a hyphen, at most 60 characters ('Dane Ride CIC (fictional)' -> 'dane-ride-cic-fictional');
    ``default`` when nothing is left."""
    return re.sub(r"[^a-z0-9]+", "-", (title or "").lower()).strip("-")[:60].strip("-") or default


def neutralise_cell(value):
    """Text that a spreadsheet would treat as a formula, made inert with a leading quote:
    text starting with = + - @ or a control character, or with any of = + - @ after
    leading whitespace."""
    if isinstance(value, str) and (value.startswith(DANGEROUS_PREFIXES) or value.lstrip().startswith(FORMULA_START)):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) neutralised."""
    import pandas as pd

    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_cell)
    safe.columns = [neutralise_cell(str(c)) for c in safe.columns]
    return safe


def csv_text(frame: pd.DataFrame) -> str:
    """CSV text (no byte-order mark) for the command line's output, formulas neutralised."""
    return neutralise(frame).to_csv(index=False)


def csv_text_of_rows(columns: Sequence[str], rows: Iterable[Sequence]) -> str:
    """``csv_text`` of a table given as column names and rows of text or numbers (None
    an empty cell), without pandas: the same text, written the way ``DataFrame.to_csv`` writes
    it (Python's csv module, minimal quoting, '\\n' line ends), formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise_cell(str(c)) for c in columns])
    writer.writerows([neutralise_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame, *, notes: list[str] | None = None) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads '£' correctly). ``notes`` become leading
    comment-like rows (e.g. 'Fictional demonstration data')."""
    buffer = io.StringIO()
    for note in notes or []:
        buffer.write(f'"{neutralise_cell(note).replace(chr(34), chr(34) * 2)}"\n')
    neutralise(frame).to_csv(buffer, index=False)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame],
    *,
    notes: list[str] | None = None,
    money_columns: Mapping[str, list[str]] | None = None,
) -> bytes:
    """An XLSX workbook with one sheet per table. ``notes`` (source, fictional-data labels)
    go on a first 'About' sheet; columns named in ``money_columns[sheet]`` (amounts in
    pounds) get a '£#,##0.00' number format."""
    import pandas as pd
    from openpyxl.utils import get_column_letter

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        if notes:
            pd.DataFrame({"About this workbook": [neutralise_cell(n) for n in notes]}).to_excel(
                writer, sheet_name="About", index=False
            )
        for name, frame in sheets.items():
            sheet_name = name[:31]
            neutralise(frame).to_excel(writer, sheet_name=sheet_name, index=False)
            worksheet = writer.sheets[sheet_name]
            for index, column in enumerate(frame.columns, start=1):
                letter = get_column_letter(index)
                worksheet.column_dimensions[letter].width = min(60, max(12, len(str(column)) + 4))
                if column in (money_columns or {}).get(name, []):
                    for cell in worksheet[letter][1:]:
                        cell.number_format = '"£"#,##0.00'
    return buffer.getvalue()
