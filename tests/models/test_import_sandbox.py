"""The Data page's Check runs in a separate process under memory and time limits: a file
that needs more is stopped and reported in words, and results cross the process whole."""

from __future__ import annotations

from models.importers import ImportOptions
from models.importers.sandbox import check_isolated
from tests.conftest import BROKEN, database_fingerprint


def test_check_in_a_limited_process_reports_repairs_and_writes_nothing(db_path):
    before = database_fingerprint(db_path)
    files = [(n, (BROKEN / n).read_bytes()) for n in ("uk_date_360.csv", "deep_nesting_360.json")]
    repaired, deep = check_isolated(db_path, files, ImportOptions())
    assert repaired.status == "checked" and repaired.rows_added == 1
    repair = repaired.report.warnings[0]
    assert (repair.where, repair.column, repair.before, repair.after) == ("row 2", "Award Date", "01/06/2024", "2024-06-01")
    assert deep.status == "rejected" and "nests more than 64 levels" in deep.report.errors[0].message
    assert database_fingerprint(db_path) == before


def test_a_check_that_needs_too_much_memory_is_stopped_in_words(db_path):
    (result,) = check_isolated(db_path, [("uk.csv", (BROKEN / "uk_date_360.csv").read_bytes())], ImportOptions(),
                               memory_mb=150)
    assert result.status == "rejected"
    assert "more than 150 MB of memory" in result.report.errors[0].message


def test_an_old_excel_workbook_is_checked_in_the_limited_process(db_path):
    """An .xls (read with xlrd) crosses into the child and back like any file: the hidden
    draft sheet is left out; £1,250 + £250.50 in the visible one."""
    before = database_fingerprint(db_path)
    name = "hidden_first_sheet_spend.xls"
    (result,) = check_isolated(db_path, [(name, (BROKEN / name).read_bytes())], ImportOptions())
    assert result.status == "checked" and result.rows_added == 2, result.report.summary_lines()
    assert any("'draft' is hidden" in n for n in result.report.notes)
    assert database_fingerprint(db_path) == before
