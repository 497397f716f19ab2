"""The validation report every importer fills in: problems that stop a row (errors) and
ones worth knowing that do not (warnings), each naming the file, the row (or record)
and the column, in words an officer understands.

Repairs (a UK date written as ISO, 'Y' read as 'Yes') are warnings that carry the value
before and after, so a person can check each one on screen or in a download.

The first ``SHOWN`` errors are kept in full and the first ``WARNINGS_KEPT`` warnings (for
the download; pages and the command line show ``SHOWN``); the rest are counted, so a
million bad rows cannot fill the memory."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from ..errors import DomainError

SHOWN = 50
WARNINGS_KEPT = 10_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file. ``where`` is 'row 12', 'grant 3' or '' for the
    whole file; ``column`` is the column title or field as the file spells it."""

    file: str
    where: str
    column: str
    message: str
    before: str | None = None  # for a repair: the cell as the file has it
    after: str | None = None  # and as it was read

    def __str__(self) -> str:
        place = ", ".join(part for part in (self.file, self.where, f"column '{self.column}'" if self.column else "") if part)
        return f"{place}: {self.message}"

    def as_dict(self) -> dict:
        shown = {"file": self.file, "where": self.where, "column": self.column, "message": self.message}
        if self.before is not None:
            shown.update(before=self.before, after=self.after)
        return shown


@dataclass
class ValidationReport:
    """Errors and warnings for one file, plus what the importer noticed about it."""

    file: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    repair_count: int = 0
    notes: list[str] = field(default_factory=list)
    publisher: str | None = None  # who the file itself says published it (a package's publisher)
    unmapped_columns: list[str] = field(default_factory=list)
    _bad_rows: set = field(default_factory=set, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def error(self, where: str, column: str, message: str, *, row_key=None) -> None:
        """Record a problem that stops the row named by ``where`` (or the whole file, when
        ``where`` is ''). Rows are counted once however many problems they have."""
        with self._lock:  # safe if a caller reports from more than one thread
            self.error_count += 1
            key = row_key if row_key is not None else (where or None)
            if key is not None:
                self._bad_rows.add(key)
            if len(self.errors) < SHOWN:
                self.errors.append(Problem(self.file, where, column, message))

    def warning(self, where: str, column: str, message: str, *, before: str | None = None, after: str | None = None) -> None:
        """Record something worth checking that does not stop the row."""
        with self._lock:
            self.warning_count += 1
            if len(self.warnings) < WARNINGS_KEPT:
                self.warnings.append(Problem(self.file, where, column, message, before, after))

    def repair(self, where: str, column: str, before: str, after: str, why: str) -> None:
        """Record a value read the one way it can sensibly be read ('17/03/2014' as
        2014-03-17), as a warning naming the row, the column, before and after."""
        self.repair_count += 1
        self.warning(where, column, f"'{before}' read as '{after}' ({why})", before=before, after=after)

    def fatal(self, message: str, column: str = "") -> "FileRejected":
        """A problem with the whole file: record it and return the exception to raise."""
        self.error("", column, message)
        return FileRejected(self)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def rows_with_errors(self) -> int:
        return len(self._bad_rows)

    def skipped_places(self) -> list[str]:
        """Every row (or record) with an error, in file order: what --skip-invalid left out."""
        def order(place):
            return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(place))]

        return sorted((str(p) for p in self._bad_rows), key=order)

    def bad_row(self, row_key) -> bool:
        return row_key in self._bad_rows

    def summary_lines(self) -> list[str]:
        """The errors then the warnings as lines of text, with the count of the rest."""
        lines = [f"error: {p}" for p in self.errors]
        if self.error_count > len(self.errors):
            lines.append(f"... and {self.error_count - len(self.errors):,} more errors")
        lines += [f"warning: {p}" for p in self.warnings[:SHOWN]]
        if self.warning_count > SHOWN:
            lines.append(f"... and {self.warning_count - SHOWN:,} more warnings")
        return lines

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "error_count": self.error_count,
            "warning_count": self.warning_count,
            "repair_count": self.repair_count,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
            "notes": list(self.notes),
            "unmapped_columns": list(self.unmapped_columns),
            "publisher": self.publisher,
            "skipped": self.skipped_places()[:100_000],
        }


class FileRejected(DomainError):
    """The whole file cannot be read (empty, wrong encoding, missing columns...)."""

    def __init__(self, report: ValidationReport):
        first = report.errors[0] if report.errors else None
        super().__init__(str(first) if first else f"{report.file} cannot be imported", problems=[str(p) for p in report.errors])
        self.report = report


WARNING_COLUMNS = ["File", "Where", "Column", "Warning", "Before", "After"]


def warnings_frame(reports: list[ValidationReport]):
    """Every warning kept (up to WARNINGS_KEPT a file), repairs with their before and
    after, as a table for a download or the command line's --warnings-csv."""
    import pandas as pd

    return pd.DataFrame(
        [[p.file, p.where or "whole file", p.column, p.message, p.before if p.before is not None else "",
          p.after if p.after is not None else ""] for report in reports for p in report.warnings],
        columns=WARNING_COLUMNS,
    )


def first_line(error: Exception) -> str:
    """An error's first line, for a message that names what went wrong (its type when it
    has no text)."""
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
