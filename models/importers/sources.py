"""Reading what a user gives us, safely: a file on disk or uploaded bytes, its SHA-256,
text that must be UTF-8, zip archives checked against zip bombs, and spreadsheets
(CSV, XLSX or Excel 97-2003 XLS) read a row at a time as text cells with their row numbers.

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
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from .report import FileRejected, ValidationReport

# Limits that keep one upload from exhausting the machine.
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3  # everything read out of one zip, added up as it is read
MAX_ZIP_RATIO = 200  # uncompressed / compressed, for members over 10 MB
MAX_ZIP_MEMBERS = 1000
CSV_FIELD_LIMIT = 1_000_000  # characters in one cell
MAX_JSON_DEPTH = 64  # 360Giving grants nest about 4 deep, OCDS releases about 8
HEADER_SEARCH_ROWS = 20  # the header row may sit below report lines, within this many rows
DELIMITERS = (",", ";", "\t", "|")

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


class _LimitedMember(io.RawIOBase):
    """A member of a zip archive read through a count of the bytes it has given so far,
    shared by every member of the archive: the sizes a zip's directory declares can lie,
    so the limit is enforced on what decompression actually produces. A member that
    cannot be decompressed (cut short, bad CRC, a size that lies) is a FileRejected."""

    def __init__(self, archive: "LimitedZipFile", handle):
        self._archive, self._handle = archive, handle

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._handle.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()

    def readinto(self, buffer) -> int:
        try:
            data = self._handle.read(len(buffer))
        except (EOFError, zipfile.BadZipFile, zlib.error, OSError, ValueError) as error:
            raise self._archive.report.fatal(
                f"'{self._handle.name}' inside the archive cannot be read ({type(error).__name__}: {error}); "
                "the file is damaged or its sizes are false. Download or save it again."
            ) from None
        self._archive.bytes_read += len(data)
        if self._archive.bytes_read > self._archive.limit:
            raise self._archive.report.fatal(
                f"the archive expands to more than {self._archive.limit / 1024**3:,.1f} GB when read; "
                "this looks like a zip bomb, so reading stopped"
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._handle.close()
        super().close()


class LimitedZipFile(zipfile.ZipFile):
    """A zip archive whose members are read through ``_LimitedMember``."""

    report: ValidationReport
    bytes_read: int = 0
    limit: int = MAX_UNCOMPRESSED_BYTES

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):  # noqa: A003 - ZipFile's own name
        if mode != "r":
            return super().open(name, mode, pwd, force_zip64=force_zip64)
        try:
            handle = super().open(name, mode, pwd)
        except (EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError) as error:
            raise self.report.fatal(
                f"'{getattr(name, 'filename', name)}' inside the archive cannot be opened ({error}); download or save it again"
            ) from None
        return io.BufferedReader(_LimitedMember(self, handle), buffer_size=1 << 16)


def read_every_member(archive: "LimitedZipFile") -> None:
    """Decompress every member once, counting (an XLSX before openpyxl opens it, which
    reads the archive itself): a lying or damaged archive is refused with words."""
    for member in archive.infolist():
        if member.is_dir():
            continue
        with archive.open(member) as handle:
            while handle.read(1 << 20):
                pass


def open_zip(source: Source, report: ValidationReport) -> "LimitedZipFile":
    """The archive, after checking it is whole and not a zip bomb by the sizes its
    directory declares; reading then enforces the limit on the bytes actually read."""
    try:
        archive = LimitedZipFile(source.open())
        archive.report = report
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
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


def _codec(encoding: str) -> str:
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8", "auto") else encoding


def resolve_encoding(source: Source, report: ValidationReport, encoding: str = "auto") -> str:
    """The encoding to read a text file with. 'auto' reads UTF-8 (with or without a
    byte-order mark) when every byte of the file is UTF-8, and otherwise Windows-1252
    (cp1252, what Excel on Windows saves as 'CSV'), saying so in a note. UTF-16 is refused
    with what to do."""
    head = source.head(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise report.fatal(
            "the file is saved as UTF-16 (Unicode text); save it as 'CSV UTF-8 (comma delimited)' and import it again"
        )
    if encoding.lower() != "auto":
        try:
            codecs.lookup(_codec(encoding))
        except LookupError:
            raise report.fatal(f"'{encoding}' is not a text encoding Python knows") from None
        return encoding
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    with source.open() as handle:
        try:
            for block in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
    report.note("The file is not UTF-8 text; it was read as Windows-1252 (cp1252), the encoding Excel uses for 'CSV' on Windows.")
    return "cp1252"


def text_stream(handle: BinaryIO, report: ValidationReport, encoding: str = "utf-8") -> io.TextIOWrapper:
    """The stream decoded as text (a UTF-8 byte-order mark dropped). Decoding errors
    surface while reading; ``encoding_problem`` turns one into words naming the line."""
    head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise report.fatal(
            "the file is saved as UTF-16 (Unicode text); save it as 'CSV UTF-8 (comma delimited)' and import it again"
        )
    handle.seek(0)
    name = _codec(encoding)
    try:
        codecs.lookup(name)
    except LookupError:
        raise report.fatal(f"'{encoding}' is not a text encoding Python knows") from None
    return io.TextIOWrapper(handle, encoding=name, errors="strict", newline="")


def encoding_problem(handle: BinaryIO, report: ValidationReport, encoding: str) -> "FileRejected":
    """After a decoding error: find the first line that is not ``encoding`` text and
    record the problem, with what to do about it."""
    name = _codec(encoding)
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


# ---------------------------------------------------------------- JSON


def check_json(source: Source, report: ValidationReport, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Stream through a JSON file once (constant memory) and refuse it when it nests
    deeper than ``max_depth`` or is not JSON at all, before anything builds its objects."""
    import ijson

    depth = 0
    with source.open() as handle:
        try:
            for event, _value in ijson.basic_parse(handle):
                if event in ("start_map", "start_array"):
                    depth += 1
                    if depth > max_depth:
                        raise report.fatal(
                            f"the JSON nests more than {max_depth} levels deep; no 360Giving or OCDS file does, "
                            "so it was not read further"
                        )
                elif event in ("end_map", "end_array"):
                    depth -= 1
        except ijson.JSONError as error:
            text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise report.fatal(f"the JSON is damaged or cut short ({text[:200]}); download or export the file again") from None


# ---------------------------------------------------------------- tables

HeaderScore = Callable[[list[str]], float]


@dataclass
class Table:
    """A spreadsheet read as text: the header titles and an iterator of
    ``(row_number, cells)``, row numbers as a spreadsheet shows them."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    kind: str  # 'CSV' or 'XLSX' or 'TSV'
    header_row: int = 1
    sheet: str | None = None


def _first_records(text: str, delimiter: str) -> list[list[str]]:
    """The first HEADER_SEARCH_ROWS records of a text, split by ``delimiter``."""
    # newline="": a line may end in CR alone (old Mac files, Hyndburn's 2017 CSVs), CRLF or LF
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        for cells in reader:
            records.append(cells)
            if len(records) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass
    return records


def find_header(rows: list[list[str]], score: HeaderScore | None) -> tuple[int, float]:
    """(index of the header row among ``rows``, its score): the row the importer's
    ``score`` likes best, or the first row that is not blank when there is no score."""
    best, best_score = None, 0.0
    for index, cells in enumerate(rows):
        titles = [str(c).strip() for c in cells]
        if titles:
            titles[0] = _drop_mark(titles[0])
        if not any(titles):
            continue
        if best is None:
            best = index
        if score is not None:
            value = score(titles)
            if value > best_score:
                best, best_score = index, value
    return (best if best is not None else 0), best_score


def sniff_delimiter(sample: str, score: HeaderScore | None) -> tuple[str, int]:
    """(delimiter, index of the header record): comma, semicolon, tab or bar, whichever
    gives the header row the importer recognises best (then the most columns)."""
    best = (",", 0, -1.0, 0)
    for delimiter in DELIMITERS:
        records = _first_records(sample, delimiter)
        index, value = find_header(records, score)
        width = len(records[index]) if records else 0
        if width > 1 and (value, width) > (best[2], best[3]):
            best = (delimiter, index, value, width)
    return best[0], best[1]


def read_delimited(
    handle: BinaryIO,
    report: ValidationReport,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    header_index: int = 0,
) -> Table:
    """A CSV (or tab-separated) file as a Table. The header is the record at
    ``header_index`` (0 = the first); records above it are skipped."""
    lines = text_stream(handle, report, encoding)
    if delimiter == "\t" and header_index == 0:
        reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    else:
        reader = csv.reader(lines, delimiter=delimiter)
    number = 0
    try:
        for _ in range(header_index):
            next(reader)
            number += 1
        header = next(reader)
        number += 1
    except StopIteration:
        raise report.fatal("the file is empty: it has no header row and no data") from None
    except UnicodeDecodeError:
        raise encoding_problem(handle, report, encoding) from None
    except csv.Error as error:
        raise report.fatal(f"the header row cannot be read as CSV ({_csv_words(error)})") from None
    header = [h.strip() for h in header]
    if header and _drop_mark(header[0]) != header[0]:
        report.note("The first column title began with a stray byte-order mark (shown as 'ï»¿' when saved twice); it was dropped.")
        header[0] = _drop_mark(header[0])
    if not any(header):
        raise report.fatal("the first row is blank: the first row must hold the column titles")
    while header and not header[-1]:
        header.pop()
    header_row = number

    def rows() -> Iterator[tuple[int, list[str]]]:
        count = header_row
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise encoding_problem(handle, report, encoding) from None
            except csv.Error as error:
                raise report.fatal(f"row {count + 1} cannot be read as CSV ({_csv_words(error)})") from None
            count += 1
            if not cells or not "".join(cells).strip():
                continue
            yield count, cells

    kind = {"\t": "TSV", ";": "CSV (semicolon-separated)", "|": "CSV (bar-separated)"}.get(delimiter, "CSV")
    return Table(header=header, rows=rows(), kind=kind, header_row=header_row)


MANGLED_MARKS = ("\u00ef\u00bb\u00bf", "\ufeff")  # a UTF-8 byte-order mark read as Windows-1252 and saved again; a stray one


def _drop_mark(title: str) -> str:
    """A title without a byte-order mark at its start ('ï»¿Directorate Name': Salford's
    July 2022 contracts file), which no reader would count as part of the title."""
    for mark in MANGLED_MARKS:
        if title.startswith(mark):
            return title[len(mark):].strip()
    return title


def _csv_words(error: csv.Error) -> str:
    text = str(error)
    if "NUL" in text:
        return "it contains a NUL byte: this is not a text file; is it a spreadsheet saved with the wrong name?"
    return text + "; check for an unclosed quote mark"


def read_csv(source: Source, report: ValidationReport, *, encoding: str = "auto", score: HeaderScore | None = None) -> Table:
    """A delimited text file as a Table: its encoding (UTF-8, or cp1252 with a note), its
    delimiter and its header row (within the first HEADER_SEARCH_ROWS) found from the
    content; lines above the header are skipped with a note."""
    encoding = resolve_encoding(source, report, encoding)
    sample = source.head(1 << 18).decode(_codec(encoding), "replace")
    if "\n" in sample and len(sample) >= (1 << 18) - 4:
        sample = sample[: sample.rindex("\n")]  # whole lines only
    delimiter, header_index = sniff_delimiter(sample, score)
    table = read_delimited(source.open(), report, encoding=encoding, delimiter=delimiter, header_index=header_index)
    if delimiter != ",":
        report.note(f"Columns are separated by {DELIMITER_WORDS[delimiter]}.")
    if header_index:
        report.note(f"The column titles are on row {table.header_row}; the {header_index} line(s) above them were skipped.")
    return table


DELIMITER_WORDS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}


class SheetRow(int):
    """A row number on a named worksheet, for a workbook read from several sheets: it is
    still the number, and reads as "5 on sheet 'May'" in messages."""

    sheet: str

    def __new__(cls, number: int, sheet: str) -> "SheetRow":
        row = super().__new__(cls, number)
        row.sheet = sheet
        return row

    def __str__(self) -> str:
        return f"{int(self)} on sheet '{self.sheet}'"

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else int(self).__format__(spec)


def _title_key(title: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(title).lower())


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls), Word 97 and other compound files
MAX_XLS_BYTES = 32 * 1024**2  # an .xls is read whole, one sheet at a time: Excel 97 sheets hold at most 65,536 rows


def is_xls(head: bytes) -> bool:
    return head.startswith(OLE2_MAGIC)


@dataclass
class _Sheet:
    """A visible worksheet of either kind of workbook: its title, and its rows as tuples of
    cell values from a 0-based row index, at most ``count`` of them (None: to the end)."""

    title: str
    rows: Callable[[int, int | None], Iterator[tuple]]


def read_xlsx(source: Source, report: ValidationReport, sheet_names: tuple[str, ...] = (), score: HeaderScore | None = None) -> Table:
    """The data of an XLSX workbook as one Table of text cells (see ``_workbook_table``),
    after checking its zip for bombs and lies on the bytes actually read."""
    import openpyxl

    archive = open_zip(source, report)  # zip-bomb checks before openpyxl expands anything
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        archive.close()
        raise report.fatal("the file is a zip archive but not an Excel workbook (.xlsx)")
    read_every_member(archive)  # the bytes actually inside, counted, before openpyxl reads them
    archive.close()
    try:
        workbook = openpyxl.load_workbook(source.open(), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        raise report.fatal(f"the workbook cannot be opened ({type(error).__name__}: {error}); save it again from Excel") from None
    visible, hidden = [], []
    for sheet in workbook.worksheets:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            hidden.append(sheet.title)
            continue

        def rows(first: int, count: int | None, sheet=sheet) -> Iterator[tuple]:
            return sheet.iter_rows(min_row=first + 1, max_row=first + count if count else None, values_only=True)

        visible.append(_Sheet(sheet.title, rows))
    return _workbook_table(report, visible, hidden, sheet_names, score, kind="XLSX", close=workbook.close)


def read_xls(source: Source, report: ValidationReport, sheet_names: tuple[str, ...] = (), score: HeaderScore | None = None) -> Table:
    """The data of an Excel 97-2003 workbook (.xls, read with xlrd) as one Table of text
    cells, with the same rules as XLSX: hidden sheets never read (a note), the sheet chosen
    by its column titles. At most MAX_XLS_BYTES: the format is read whole, so a larger
    file is refused with what to do; rows keep only the cells they have (ragged), so one
    far-right cell cannot widen every row to 256. Formulas are read as the values Excel
    saved with them (the format keeps no formula text a reader can show)."""
    import xlrd

    if source.size > MAX_XLS_BYTES:
        raise report.fatal(
            f"the Excel 97-2003 workbook (.xls) is {source.size / 1024**2:,.0f} MB; at most {MAX_XLS_BYTES // 1024**2} MB "
            "are read in this old format. Save it as .xlsx or CSV and import that"
        )
    with source.open() as handle:
        data = handle.read(MAX_XLS_BYTES + 1)
    if len(data) > MAX_XLS_BYTES:
        raise report.fatal(f"the Excel 97-2003 workbook (.xls) is larger than {MAX_XLS_BYTES // 1024**2} MB; save it as .xlsx or CSV")
    try:
        book = xlrd.open_workbook(
            file_contents=data, on_demand=True, ragged_rows=True, logfile=io.StringIO(), formatting_info=False
        )
        names = book.sheet_names()
        states = list(book._sheet_visibility)  # xlrd's own list: 0 visible, 1 hidden, 2 very hidden
    except Exception as error:  # xlrd raises many kinds for damaged or encrypted files
        raise report.fatal(
            f"the Excel 97-2003 workbook (.xls) cannot be opened ({type(error).__name__}: {str(error)[:200]}); "
            "open it in Excel and save it again, as .xlsx or CSV"
        ) from None
    visible, hidden = [], []
    for index, (title, state) in enumerate(zip(names, states)):
        if state:
            hidden.append(title)
            continue

        def rows(first: int, count: int | None, index=index) -> Iterator[tuple]:
            sheet = book.sheet_by_index(index)  # loaded when first asked for (on_demand), one at a time
            last = sheet.nrows if count is None else min(sheet.nrows, first + count)
            try:
                for number in range(first, last):
                    yield tuple(_xls_value(book, kind, value) for kind, value in zip(sheet.row_types(number), sheet.row_values(number)))
            finally:
                book.unload_sheet(index)

        visible.append(_Sheet(title, rows))
    return _workbook_table(report, visible, hidden, sheet_names, score, kind="XLS", close=book.release_resources)


def _xls_value(book, kind: int, value):
    """A cell of an .xls as the Python value openpyxl would give: dates as datetimes
    (the workbook's 1900 or 1904 calendar), errors as their text ('#N/A')."""
    import xlrd

    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(value, book.datemode)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return value
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERROR")
    return value


def _workbook_table(
    report: ValidationReport,
    visible: list[_Sheet],
    hidden: list[str],
    sheet_names: tuple[str, ...],
    score: HeaderScore | None,
    *,
    kind: str,
    close: Callable[[], None],
) -> Table:
    """A workbook's data as one Table of text cells: the visible worksheet whose header row
    (within its first HEADER_SEARCH_ROWS rows) the importer's ``score`` recognises best,
    followed by every other visible worksheet with the same column titles (a workbook with
    a sheet a month; a note names them, and row numbers then name their sheet). Hidden
    sheets are never read (a note says so). Dates become ISO text."""
    for title in hidden:
        report.note(f"The worksheet '{title}' is hidden; it was not read.")
    if not visible:
        close()
        raise report.fatal("every worksheet in the workbook is hidden: unhide the sheet that holds the data")
    preferred = {n.lower() for n in sheet_names}
    found = []  # (score, preferred, -position, sheet, header index, header titles)
    try:
        for position, sheet in enumerate(visible):
            first = [[_cell_text(v) for v in row] for row in sheet.rows(0, HEADER_SEARCH_ROWS)]
            index, value = find_header(first, score)
            titles = [str(c).strip() for c in first[index]] if first else []
            while titles and not titles[-1]:
                titles.pop()
            found.append((value, sheet.title.lower() in preferred, -position, sheet, index, titles))
    except FileRejected:
        close()
        raise
    except Exception as error:
        close()
        raise report.fatal(f"the workbook cannot be read ({type(error).__name__}: {error}); save it again from Excel") from None
    best = max(found, key=lambda f: f[:3])
    _value, _preferred, _position, sheet, header_index, header = best
    if not any(header):
        close()
        raise report.fatal(f"the worksheet '{sheet.title}' is empty: the first row must hold the column titles")
    # Other sheets with the same column titles hold more of the same rows; their columns
    # are matched by title, so a sheet that orders them differently is read correctly.
    keys = [_title_key(t) for t in header]
    parts = []  # (sheet, header index, cell index for each column of ``header``)
    others = []
    for value, _p, _pos, other, index, titles in found:
        other_keys = [_title_key(t) for t in titles]
        if other is sheet:
            parts.append((other, index, list(range(len(header)))))
        elif value > 0 and value == best[0] and set(keys) <= set(other_keys):
            parts.append((other, index, [other_keys.index(k) for k in keys]))
        else:
            others.append(other.title)
    parts.sort(key=lambda part: visible.index(part[0]))
    several = len(parts) > 1
    if several:
        report.note(
            f"Read {len(parts)} worksheets with the same column titles: " + ", ".join(f"'{p[0].title}'" for p in parts)
            + (("; other sheets were not read: " + ", ".join(f"'{t}'" for t in others)) if others else "")
            + ". Row numbers name their sheet."
        )
    elif others:
        report.note(f"Read the worksheet '{sheet.title}', the one whose column titles match; other sheets were not read.")
    if header_index:
        report.note(f"The column titles are on row {header_index + 1}; the {header_index} row(s) above them were skipped.")

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for part, index, columns in parts:
                width = max(columns) + 1
                for number, values in enumerate(part.rows(index + 1, None), start=index + 2):
                    values = tuple(values[:width]) + (None,) * (width - len(values))
                    cells = [_cell_text(values[i]) for i in columns]
                    if not any(cells):
                        continue
                    yield (SheetRow(number, part.title) if several else number), cells
        except FileRejected:
            raise
        except Exception as error:
            raise report.fatal(f"the worksheet '{sheet.title}' cannot be read ({type(error).__name__}: {error})") from None
        finally:
            close()

    return Table(header=header, rows=rows(), kind=kind, header_row=header_index + 1, sheet=sheet.title)


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


def read_table(
    source: Source,
    report: ValidationReport,
    *,
    encoding: str = "auto",
    sheet_names: tuple[str, ...] = (),
    score: HeaderScore | None = None,
) -> Table:
    """CSV (any of the usual delimiters, UTF-8 or cp1252), XLSX or XLS, told apart by content,
    with the header row found by the importer's ``score``."""
    head = source.head(8)
    if not head:
        raise report.fatal("the file is empty (0 bytes)")
    if is_zip(head):
        return read_xlsx(source, report, sheet_names, score)
    if is_xls(head):
        return read_xls(source, report, sheet_names, score)
    return read_csv(source, report, encoding=encoding, score=score)


def duplicate_titles(header: list[str], key: Callable[[str], str], used: Callable[[str], bool]) -> list[str]:
    """Titles that appear more than once (compared by ``key``) where ``used`` says the
    importer reads that column: which copy is meant cannot be known."""
    seen: dict[str, int] = {}
    for title in header:
        if title:
            seen[key(title)] = seen.get(key(title), 0) + 1
    shown = []
    for title in header:
        if title and seen.get(key(title), 0) > 1 and used(title) and title not in shown:
            shown.append(title)
    return shown


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet would run as a formula ('=SUM(A1:A3)', '=B2')."""
    return text.startswith("=") and bool(FORMULA.match(text))
