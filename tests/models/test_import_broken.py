"""Every file in the broken corpus is rejected with a clear error naming the file, the row
(or record) and the column, and the database file is left byte-for-byte unchanged."""

from __future__ import annotations

import pytest

from models import store
from models.importers import ImportOptions, Source, import_sources
from tests.conftest import BROKEN, database_fingerprint

# file -> (where the first error points, column it names, words the message must contain)
EXPECTED = {
    "empty.csv": ("", "", "empty (0 bytes)"),
    "empty.xlsx": ("", "", "empty (0 bytes)"),
    "blank_lines.csv": ("", "", "only blank lines"),
    "utf16_spend.csv": ("", "", "UTF-16"),
    "missing_columns_360.csv": ("", "", "required columns are missing: Amount Awarded; Funding Org:Identifier; Funding Org:Name"),
    "text_in_amount_360.csv": ("row 3", "Amount Awarded", "'two thousand' is not a number"),
    "duplicate_ids_360.csv": ("row 4", "Identifier", "appears more than once in this file (first at row 2)"),
    "impossible_date_360.csv": ("row 3", "Award Date", "'2024-02-30' is not a real date"),
    "empty_required_cell_360.csv": ("row 3", "Funding Org:Name", "is empty; every grant needs it"),
    "formula_360.xlsx": ("row 3", "Amount Awarded", "spreadsheet formula"),
    "formula_spend.csv": ("row 3", "Supplier Name", "spreadsheet formula"),
    "truncated_360.json": ("", "", "damaged or cut short"),
    "empty_package_360.json": ("", "", "has no grants"),
    "no_recipient_360.json": ("grant 2 (360G-cheshireeast-0002)", "Recipient Org:Identifier", "recipient organisation"),
    "text_in_amount_spend.csv": ("row 3", "Amount", "'TBC' is not an amount of money"),
    "impossible_date_spend.csv": ("row 2", "Date", "'31/02/2024' is not a date"),
    "missing_supplier_column_spend.csv": ("", "", "required columns are missing: 'BeneficiaryName'"),
    "unknown_header.csv": ("", "", "cannot tell what kind of file this is"),
    "not_a_workbook.xlsx": ("", "", "cannot be opened"),
    "truncated_ocds.json": ("", "", "damaged or cut short"),
    "bad_charity_number_register.zip": ("publicextract.charity.txt row 3", "registered_charity_number", "'12AB' is not a charity number"),
    "short_row_register.zip": ("publicextract.charity.txt row 2", "", "has 13 fields where the header has 34"),
    "income_text_register.zip": ("publicextract.charity.txt row 2", "latest_income", "'about 5k' is not an amount of money"),
    "zip_bomb.zip": ("", "", "zip bomb"),
    # hostile files (issue 13): none may end in a traceback or take the machine down
    "deep_nesting_360.json": ("", "", "nests more than 64 levels deep"),
    "deep_nesting_ocds.json": ("", "", "nests more than 64 levels deep"),
    "lying_size_register.zip": ("", "", "cannot be read"),
    "lying_size_workbook.xlsx": ("", "", "cannot be read"),
    "not_json_at_all.json": ("", "", "damaged or cut short"),
    "duplicate_amount_360.csv": ("", "Amount Awarded", "appears more than once"),
    "duplicate_supplier_spend.csv": ("", "Supplier Name", "appears more than once"),
    "two_amount_columns_spend.csv": ("", "Amount", "more than one column could be the amount paid"),
    "year_9999_360.csv": ("row 2", "Award Date", "more than 10 years ahead"),
    "year_1066_spend.csv": ("row 2", "Date", "before 1900"),
    "formula_after_space_spend.csv": ("row 3", "Supplier Name", "spreadsheet formula"),
    "month_only_date_360.json": ("grant 1 (360G-cheshireeast-0001)", "awardDate",
                                 "'08/2013' is not a date (it names a month, and no day can be chosen for it)"),
    "no_council_named_spend.csv": ("", "", "does not say which council"),
    # Excel 97-2003 (.xls): read with the XLSX rules, refused in words when damaged
    "truncated_spend.xls": ("", "", "Excel 97-2003 workbook (.xls) cannot be opened"),
    "no_workbook_inside.xls": ("", "", "Excel 97-2003 workbook (.xls) cannot be opened"),
}

# Files that are awkward, not broken: read the one way they can sensibly be read, with
# each repair reported. file -> (rows added, total in pence, a warning or note that must appear)
REPAIRED = {
    "uk_date_360.csv": (1, 150000, "'01/06/2024' read as '2024-06-01'"),
    "wrong_encoding_360.csv": (2, 300000, "read as Windows-1252"),
    "wrong_types_360.json": (1, 150000, "'1,500' read as '1500'"),
    "hidden_first_sheet_360.xlsx": (2, 150000 + 25050, "The worksheet 'old' is hidden; it was not read."),
    "hidden_first_sheet_spend.xls": (2, 125000 + 25050, "The worksheet 'draft' is hidden; it was not read."),
    # a payment dated 'Sep 2014' was made in September 2014: kept as that month, no day made up
    "month_only_date_spend.xls": (1, 125000, "'Sep 2014' read as '2014-09'"),
    # a grant in dollars is valid 360Giving, but cannot be added to spend in pounds: left out, with a warning
    "dollars_360.csv": (1, 150000, "amounts in USD cannot be added to spend in pounds; this grant was not imported"),
}

# Files with nothing the dashboard can hold: "nothing to import", nothing written, no log entry.
# file -> words that must appear in a warning or note
NOTHING = {
    "dollars_ocds.json": "amounts in USD cannot be added to spend in pounds; this award was not imported",
}


def test_corpus_is_complete():
    files = {p.name for p in BROKEN.iterdir() if p.suffix != ".py" and p.is_file()}
    assert files == set(EXPECTED) | set(REPAIRED) | set(NOTHING), "every broken file needs an expected outcome, and every expectation a file"
    assert len(files) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_is_rejected_and_changes_nothing(db_path, name):
    before = database_fingerprint(db_path)
    with store.opened(db_path) as db:
        (result,) = import_sources(db, [Source.from_path(BROKEN / name)], ImportOptions())
    assert database_fingerprint(db_path) == before, "a rejected file must leave the database file unchanged"
    assert result.status == "rejected"
    where, column, words = EXPECTED[name]
    first = result.report.errors[0]
    assert first.file == name
    assert first.where == where
    assert first.column == column
    assert words in first.message
    assert name in str(first)


@pytest.mark.parametrize("name", sorted(REPAIRED))
def test_awkward_file_is_repaired_and_each_repair_reported(db, name):
    (result,) = import_sources(db, [Source.from_path(BROKEN / name)], ImportOptions())
    rows, pence, words = REPAIRED[name]
    assert result.status == "imported", result.report.summary_lines()
    assert result.rows_added == rows
    assert db.execute("SELECT SUM(amount_pence) FROM spend WHERE import_id = :id", {"id": result.import_id}).fetchone()[0] == pence
    said = [w.message for w in result.report.warnings] + result.report.notes
    assert any(words in line for line in said), said
    for repair in (w for w in result.report.warnings if w.before is not None):
        assert repair.file == name and repair.where and repair.column and repair.after


@pytest.mark.parametrize("name", sorted(NOTHING))
def test_file_with_nothing_to_hold_says_so_and_writes_nothing(db_path, name):
    before = database_fingerprint(db_path)
    with store.opened(db_path) as db:
        (result,) = import_sources(db, [Source.from_path(BROKEN / name)], ImportOptions())
    assert database_fingerprint(db_path) == before
    assert result.status == "nothing" and not result.report.errors
    said = [w.message for w in result.report.warnings] + result.report.notes
    assert any(NOTHING[name] in line for line in said), said


@pytest.mark.parametrize(
    "name, good_rows", [("text_in_amount_360.csv", 1), ("duplicate_ids_360.csv", 2), ("text_in_amount_spend.csv", 1)]
)
def test_broken_rows_are_skipped_only_when_asked(db_path, name, good_rows):
    with store.opened(db_path) as db:
        (result,) = import_sources(db, [Source.from_path(BROKEN / name)], ImportOptions(skip_invalid=True))
        assert result.status == "imported"
        assert result.rows_skipped == 1
        assert result.rows_added == good_rows
        assert result.report.errors[0].where in {"row 3", "row 4"}
        assert result.report.skipped_places() == [result.report.errors[0].where]
        written = db.execute("SELECT COUNT(*) FROM spend WHERE import_id = :id", {"id": result.import_id}).fetchone()[0]
        assert written == result.rows_added
        logged = db.execute("SELECT rows_added, rows_skipped FROM import_log WHERE id = :id", {"id": result.import_id}).fetchone()
        assert tuple(logged) == (result.rows_added, 1)


def test_cli_names_the_problem_and_exits_non_zero(db_path, run_cli):
    before = database_fingerprint(db_path)
    completed = run_cli("import", "--db", db_path, BROKEN / "text_in_amount_360.csv", BROKEN / "zip_bomb.zip")
    assert completed.exit_code == 1
    assert "text_in_amount_360.csv, row 3, column 'Amount Awarded': 'two thousand' is not a number" in completed.stderr
    assert "zip bomb" in completed.stderr
    assert "2 of 2 imports rejected" in completed.stderr
    assert database_fingerprint(db_path) == before
