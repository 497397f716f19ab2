"""Flat files read and checked column by column (issue 15): a chunk's cells as columns
(``Cells``), a plain UTF-8 CSV parsed by pyarrow's CSV reader in C++ straight into
columns (``flat_cells``), falling back to the row-by-row reader from the first record
pyarrow would read differently from Python's csv module, so every message is the same;
and a rule checked over a whole column at once, each distinct value once (``to_check``,
``column_problems``). The 360Giving flat reader uses them (threesixtygiving.read_flat)."""

from __future__ import annotations

from typing import Callable, Iterator

from .base import Context
from .report import ValidationReport
from .sources import Source, looks_like_formula, read_delimited

CHUNK_ROWS = 5000  # rows a chunk: what is checked, staged and reported together


def flat_cells(source: Source, table, context: Context, report: ValidationReport) -> Iterator[tuple[list[int], "Cells"]]:
    """The file's data rows in chunks: (row numbers, cells column by column). A plain
    UTF-8 CSV with its titles on the first line is parsed by pyarrow's CSV reader in C++,
    straight into columns (``_arrow_cells``); other files, and the rest of a CSV from a
    row pyarrow cannot read the way Python's csv module does, row by row."""
    state = {"read_on_from": 0}  # data records pyarrow read (blank ones too): row numbers continue from them
    if table.kind == "CSV" and table.header_row == 1 and _read_as_utf8(report, context):
        yield from _arrow_cells(source, len(table.header), state)
        if state["read_on_from"] is None:
            return  # all read
        rows = read_delimited(source.open(), report, encoding="utf-8", delimiter=",").rows
    else:
        rows = table.rows
    width = len(table.header)
    chunk_rows: list[int] = []
    chunk_cells: list[list[str]] = []
    for number, cells in rows:
        if number <= table.header_row + state["read_on_from"]:
            continue  # read already by pyarrow
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        chunk_rows.append(number)
        chunk_cells.append(cells)
        if len(chunk_rows) >= CHUNK_ROWS:
            yield chunk_rows, Cells.of_rows(chunk_cells, width)
            chunk_rows, chunk_cells = [], []
    if chunk_rows:
        yield chunk_rows, Cells.of_rows(chunk_cells, width)


FAST_ENCODINGS = ("auto", "utf-8", "utf8", "utf-8-sig")


def _read_as_utf8(report: ValidationReport, context: Context) -> bool:
    """Whether the file is read as UTF-8 (given so, or found so by ``read_table``)."""
    return context.encoding.lower().replace("_", "-") in FAST_ENCODINGS and not any(
        note.startswith("The file is not UTF-8 text") for note in report.notes)
ARROW_BLOCK_BYTES = 1 << 20  # about 2,800 grants a block (8 MB blocks: 250 MB more memory for 8% less CPU)
# Every character Python's str.strip() removes (str.isspace), for pyarrow's RE2.
_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f\x85\p{Z}]"


def _arrow_cells(source: Source, width: int, state: dict) -> Iterator[tuple[list[int], "Cells"]]:
    """(row numbers, cells) of a plain CSV read by pyarrow (every cell as text, empty
    cells as ''). It stops early at the first record pyarrow reads differently from
    Python's csv module or cannot read (a row with more or fewer cells than the title
    row, a NUL byte, bytes that are not UTF-8, a quote left open), leaving in
    ``state["read_on_from"]`` how many data records it has passed on (None: all): the
    caller reads on from there row by row, so every message about such a row is the
    row-by-row reader's."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pa_csv

    irregular: list = []

    def note_irregular(row) -> str:
        irregular.append(row)
        return "skip"

    types = {f"f{i}": pa.string() for i in range(max(width, 1) * 4 + 64)}
    done = 0  # data records read (blank ones too)
    state["read_on_from"] = 0
    try:
        handle = source.open()
        watched = _NulWatch(handle)
        reader = pa_csv.open_csv(
            watched,
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True, use_threads=False, block_size=ARROW_BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                              invalid_row_handler=note_irregular),
            convert_options=pa_csv.ConvertOptions(column_types=types, strings_can_be_null=False,
                                                  quoted_strings_can_be_null=False, null_values=[]),
        )
    except (pa.ArrowInvalid, OSError):
        return
    first = True
    held: list | None = None  # columns of rows read but not passed on yet
    numbers_held: list[int] = []

    def passed_on(count: int) -> Iterator[tuple[list[int], Cells]]:
        nonlocal held, numbers_held
        numbers, cells = numbers_held[:count], Cells([column.slice(0, count) for column in held], width)
        held, numbers_held = [column.slice(count) for column in held], numbers_held[count:]
        state["read_on_from"] = numbers[-1] - 1  # the title row is record 1
        yield numbers, cells

    with handle:
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except (pa.ArrowInvalid, OSError):
                return
            if irregular or batch.num_columns > len(types) or batch.num_columns < width:
                return
            raw = list(batch.columns)
            if first:  # the title row: read already
                raw = [column.slice(1) for column in raw]
                first = False
            if watched.nul:  # in this block or the one being read: Python's csv module refuses it
                return
            count = len(raw[0])
            numbers = np.arange(done + 2, done + 2 + count)
            blank = None  # rows whose every cell is spaces (the row-by-row reader skips them)
            for column in raw:
                empty = pc.match_substring_regex(column, f"^{_SPACE}*$")
                blank = empty if blank is None else pc.and_(blank, empty)
                if not pc.any(blank).as_py():
                    break
            if pc.any(blank).as_py():
                keep = pc.invert(blank)
                raw = [pc.filter(column, keep) for column in raw]
                numbers = numbers[keep.to_numpy(zero_copy_only=False)]
            done += count
            # Chunks of CHUNK_ROWS rows, as the row-by-row reader makes them (messages
            # come chunk by chunk, so in the same order).
            held = raw if held is None else [pa.concat_arrays([a, b]) for a, b in zip(held, raw)]
            numbers_held += numbers.tolist()
            while len(numbers_held) >= CHUNK_ROWS:
                yield from passed_on(CHUNK_ROWS)
    if numbers_held:
        yield from passed_on(len(numbers_held))
    state["read_on_from"] = None


class _NulWatch:
    """A binary file that notes whether any block read from it held a NUL byte."""

    def __init__(self, handle):
        self._handle, self.nul = handle, False

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        if b"\x00" in data:
            self.nul = True
        return data

    def __getattr__(self, name):
        return getattr(self._handle, name)


class Cells:
    """One chunk's cells, column by column: each column's raw texts, and (made when first
    asked for) its texts stripped of spaces as a Python list and as a pyarrow array.
    Built from pyarrow arrays (``_arrow_cells``) or from rows (``of_rows``)."""

    def __init__(self, raw: list, width: int, rows: list[list[str]] | None = None):
        self.raw, self.width, self._rows = raw, width, rows
        self._text: dict[int, list[str]] = {}
        self._arrow: dict[int, object] = {}
        self.size = len(rows) if rows is not None else (len(raw[0]) if raw else 0)

    @classmethod
    def of_rows(cls, rows: list[list[str]], width: int) -> "Cells":
        return cls(list(zip(*rows)) if rows else [()] * width, width, rows=rows)

    @property
    def arrow_based(self) -> bool:
        return self._rows is None

    def text(self, index: int) -> list[str]:
        if index not in self._text:
            if self.arrow_based:
                column = self.raw[index]
                import pyarrow.compute as pc

                edged = pc.match_substring_regex(column, f"^{_SPACE}|{_SPACE}$")
                values = column.to_pylist()
                if pc.any(edged).as_py():
                    values = [v.strip() for v in values]
                else:
                    self._arrow[index] = column
            else:
                values = [v.strip() for v in self.raw[index]]
            self._text[index] = values
        return self._text[index]

    def arrow(self, index: int):
        """The stripped column as a pyarrow array (for whole-column checks)."""
        if index not in self._arrow:
            import pyarrow as pa

            self._arrow[index] = pa.array(self.text(index), type=pa.string())
        return self._arrow[index]

    def replace(self, index: int, values: list[str]) -> None:
        self._text[index] = values
        self._arrow.pop(index, None)

    def formulas(self) -> list[tuple[int, int, str]]:
        """(position, cell index, raw text) of each cell that begins with '=', in row order."""
        found = []
        if self.arrow_based:
            import numpy as np
            import pyarrow.compute as pc

            for index, column in enumerate(self.raw):
                starts = pc.starts_with(column, "=")
                if pc.any(starts).as_py():
                    found += [(int(p), index, column[int(p)].as_py()) for p in np.flatnonzero(starts.to_numpy(zero_copy_only=False))]
            return sorted(found)
        for position, row in enumerate(self._rows):
            if "=" in "".join(row):  # rare: only then look for formulas cell by cell
                found += [(position, index, value) for index, value in enumerate(row) if value[:1] == "="]
        return found


def to_check(values: list[str], check: Callable, array=None) -> set[str]:
    """The distinct non-empty values ``check`` must see: those its ``plain`` pattern (if
    it has one) does not match, the whole column matched at once in C++ (pyarrow;
    ``array`` is the column as a pyarrow array when there is one already)."""
    plain = getattr(check, "plain", None)
    if array is None and (plain is None or len(values) < 100):
        return {v for v in set(values) if v}
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if array is None:
        array = pa.array(values, type=pa.string())
    if plain is None:
        return {v for v in pc.unique(array).to_pylist() if v}
    accepted = pc.match_substring_regex(array, f"^(?:{plain})?$")  # or empty
    if pc.all(accepted).as_py():
        return set()
    return {values[i] for i in np.flatnonzero(~accepted.to_numpy(zero_copy_only=False))}


def column_problems(values: list[str], check: Callable[[str], str | None] | None, array=None) -> list[tuple[int, str]]:
    """(position, message) for each cell of a column that breaks its rule. Each distinct
    value is checked once, so repeated dates, codes and amounts cost almost nothing."""
    if check is None:
        return []
    verdicts = {}
    for value in to_check(values, check, array):
        if not (value[:1] == "=" and looks_like_formula(value)):
            message = check(value)
            if message:
                verdicts[value] = message
    if not verdicts:
        return []
    return [(position, verdicts[value]) for position, value in enumerate(values) if value in verdicts]
