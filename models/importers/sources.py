"""Reading what a user gives us, safely: a file on disk or uploaded bytes, its SHA-256,
text that must be UTF-8, zip archives checked against zip bombs, and spreadsheets
(CSV or XLSX) read a row at a time as text cells with their row numbers.

Nothing here knows about any standard; the importers build on these pieces."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from .report import FileRejected, ValidationReport

# Limits that keep one upload from exhausting the machine.
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3  # everything inside one zip, added up
MAX_ZIP_RATIO = 200  # uncompressed / compressed, for members over 10 MB
MAX_ZIP_MEMBERS = 1000
CSV_FIELD_LIMIT = 1_000_000  # characters in one cell

csv.field_size_limit(CSV_FIELD_LIMIT)

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
FORMULA = re.compile(r"^=\s*[A-Za-z_][A-Za-z0-9_.]*\s*\(|^=\s*\$?[A-Za-z]{1,3}\$?\d+")


@dataclass
class Source:
    """A file to import: its name (as the user knows it) and how to open its bytes."""

    name: str
    open: Callable[[], BinaryIO]
    size: int

    @classmethod
    def from_path(cls, path: str | os.PathLike) -> "Source":
        path = Path(path)
        return cls(name=path.name, open=lambda: open(path, "rb"), size=path.stat().st_size)

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> "Source":
        return cls(name=name, open=lambda: io.BytesIO(data), size=len(data))

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.open() as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()

    def head(self, size: int = 65536) -> bytes:
        with self.open() as handle:
            return handle.read(size)


# ---------------------------------------------------------------- zip archives


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC) or head.startswith(EMPTY_ZIP_MAGIC)


def open_zip(source: Source, report: ValidationReport) -> zipfile.ZipFile:
    """The archive, after checking it is whole and not a zip bomb (by the sizes its
    directory declares, which reading then enforces)."""
    try:
        archive = zipfile.ZipFile(source.open())
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise report.fatal(
            f"the file looks like a zip archive (or an XLSX workbook) but cannot be opened ({error}); "
            "it may be cut short. Download or save it again."
        ) from None
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise report.fatal(f"the archive holds {len(members):,} files; at most {MAX_ZIP_MEMBERS:,} are accepted")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise report.fatal(
            f"the archive would expand to {total / 1024**3:,.1f} GB, more than the "
            f"{MAX_UNCOMPRESSED_BYTES / 1024**3:,.0f} GB allowed; this looks like a zip bomb"
        )
    for member in members:
        if member.file_size > 10 * 1024**2 and member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1):
            raise report.fatal(
                f"'{member.filename}' inside the archive expands {member.file_size // max(member.compress_size, 1):,} "
                "times over; this looks like a zip bomb, so it was not opened"
            )
    return archive


# ---------------------------------------------------------------- text


def text_stream(handle: BinaryIO, report: ValidationReport, encoding: str = "utf-8") -> io.TextIOWrapper:
    """The stream decoded as text (a UTF-8 byte-order mark dropped). Decoding errors
    surface while reading; ``encoding_problem`` turns one into words naming the line."""
    head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise report.fatal(
            "the file is saved as UTF-16 (Unicode text); save it as 'CSV UTF-8 (comma delimited)' and import it again"
        )
    handle.seek(0)
    name = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        codecs.lookup(name)
    except LookupError:
        raise report.fatal(f"'{encoding}' is not a text encoding Python knows") from None
    return io.TextIOWrapper(handle, encoding=name, errors="strict", newline="")


def encoding_problem(handle: BinaryIO, report: ValidationReport, encoding: str) -> "FileRejected":
    """After a decoding error: find the first line that is not ``encoding`` text and
    record the problem, with what to do about it."""
    name = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    where, detail = "", ""
    try:
        handle.seek(0)
        decoder = codecs.getincrementaldecoder(name)("strict")
        for number, raw in enumerate(handle, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError as error:
                bad = raw[error.start : error.start + 1]
                hint = " (probably '£' or an accented letter saved as Windows-1252)" if bad and bad[0] >= 0x80 else ""
                where, detail = f"line {number} ", f": byte 0x{bad.hex().upper()} at position {error.start + 1}{hint}"
                break
    except (OSError, ValueError):
        pass  # a stream that cannot be read again: say so without the line
    return report.fatal(
        f"{where or 'the file '}is not valid {encoding.upper()} text{detail}. Save the file as 'CSV UTF-8' "
        "and import it again, or give its encoding (for example --encoding cp1252)"
    )


# ---------------------------------------------------------------- tables


@dataclass
class Table:
    """A spreadsheet read as text: the header titles and an iterator of
    ``(row_number, cells)``, row numbers as a spreadsheet shows them (header = 1)."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    kind: str  # 'CSV' or 'XLSX' or 'TSV'


def read_delimited(handle: BinaryIO, report: ValidationReport, *, encoding: str = "utf-8", delimiter: str = ",") -> Table:
    """A CSV (or tab-separated) file as a Table; the header row is required."""
    lines = text_stream(handle, report, encoding)
    if delimiter == "\t":
        reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    else:
        reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise report.fatal("the file is empty: it has no header row and no data") from None
    except UnicodeDecodeError:
        raise encoding_problem(handle, report, encoding) from None
    except csv.Error as error:
        raise report.fatal(f"the header row cannot be read as CSV ({_csv_words(error)})") from None
    header = [h.strip() for h in header]
    if not any(header):
        raise report.fatal("the first row is blank: the first row must hold the column titles")

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise encoding_problem(handle, report, encoding) from None
            except csv.Error as error:
                raise report.fatal(f"row {number + 1} cannot be read as CSV ({_csv_words(error)})") from None
            number += 1
            if not cells or not "".join(cells).strip():
                continue
            yield number, cells

    return Table(header=header, rows=rows(), kind="TSV" if delimiter == "\t" else "CSV")


def _csv_words(error: csv.Error) -> str:
    text = str(error)
    if "NUL" in text:
        return "it contains a NUL byte: this is not a text file; is it a spreadsheet saved with the wrong name?"
    return text + "; check for an unclosed quote mark"


def read_xlsx(source: Source, report: ValidationReport, sheet_names: tuple[str, ...] = ()) -> Table:
    """The first worksheet (or the first named in ``sheet_names`` that exists) of an XLSX
    workbook as a Table of text cells. Dates become ISO text; formulas are errors."""
    import openpyxl

    archive = open_zip(source, report)  # zip-bomb checks before openpyxl expands anything
    names = set(archive.namelist())
    archive.close()
    if "xl/workbook.xml" not in names:
        raise report.fatal("the file is a zip archive but not an Excel workbook (.xlsx)")
    try:
        workbook = openpyxl.load_workbook(source.open(), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        raise report.fatal(f"the workbook cannot be opened ({type(error).__name__}: {error}); save it again from Excel") from None
    sheet = next((workbook[n] for n in workbook.sheetnames if n.lower() in {s.lower() for s in sheet_names}), None)
    if sheet is None:
        sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header_cells = next(iterator, None)
    if header_cells is None or not any(c not in (None, "") for c in header_cells):
        raise report.fatal(f"the worksheet '{sheet.title}' is empty: the first row must hold the column titles")
    header = [str(c).strip() if c is not None else "" for c in header_cells]
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, values in enumerate(iterator, start=2):
            cells = [_cell_text(v) for v in values[: len(header)]]
            if not any(cells):
                continue
            yield number, cells
        workbook.close()

    return Table(header=header, rows=rows(), kind="XLSX")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(source: Source, report: ValidationReport, *, encoding: str = "utf-8", sheet_names: tuple[str, ...] = ()) -> Table:
    """CSV or XLSX, told apart by content."""
    head = source.head(8)
    if not head:
        raise report.fatal("the file is empty (0 bytes)")
    if is_zip(head):
        return read_xlsx(source, report, sheet_names)
    return read_delimited(source.open(), report, encoding=encoding)


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet would run as a formula ('=SUM(A1:A3)', '=B2')."""
    return text.startswith("=") and bool(FORMULA.match(text))
