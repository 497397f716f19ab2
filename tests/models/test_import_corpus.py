"""Real published files from ../shared/data/real/corpus/ import as published, and the total
loaded equals the file's own total to the penny. The expected totals are computed here
with the csv module, openpyxl or json and Decimal, never by the importer."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest

from models.importers import ImportOptions, Source, import_log, import_sources

CORPUS = "real/corpus"


def pence(value) -> int:
    text = str(value).strip().replace(",", "").replace("£", "")
    negative = (text.startswith("(") and text.endswith(")")) or text.endswith("-")  # '161,413.00-' is a credit
    amount = Decimal(text.strip("()-") if text.endswith("-") else text.strip("()"))
    return int((-amount if negative else amount) * 100)


def csv_rows(path, encoding="utf-8-sig", skip=0):
    text = path.read_bytes().decode(encoding)
    rows = list(csv.reader(io.StringIO(text)))[skip:]
    return [dict(zip(rows[0], r)) for r in rows[1:] if any(c.strip() for c in r)]


def load(db, path, **options):
    (result,) = import_sources(db, [Source.from_path(path)], ImportOptions(**options))
    total, count = db.execute("SELECT COALESCE(SUM(amount_pence), 0), COUNT(*) FROM spend WHERE import_id = :id",
                              {"id": result.import_id}).fetchone() if result.import_id else (0, 0)
    return result, total, count


# file, column holding the amount, encoding, publisher a person gives (None: the file says)
SPEND = [
    ("bradford_2019-12_clean.csv", "Net Amount", "cp1252", "City of Bradford Metropolitan District Council"),
    ("harrogate_2022-08_clean.csv", "Net Amount", "utf-8-sig", None),
    ("leeds_2011-05_raw.csv", "Net amount", "utf-8-sig", None),
    ("wakefield_2015-Q3_clean.csv", "Net Amount", "utf-8-sig", None),
    ("wakefield_2021-Q3-card_clean.csv", "Net Amount", "utf-8-sig", None),
    ("darlington_2022-09_clean.csv", "Invoice Line Value (net of VAT)", "utf-8-sig", "Darlington Borough Council"),
    ("gateshead_2022-08_clean.csv", "Amount", "utf-8-sig", "Gateshead Council"),
    ("gla_london_2022-P13_clean.csv", "Amount", "utf-8-sig", "Greater London Authority"),
    ("hyndburn_2017-01_original.csv", "Net Amount(£)", "cp1252", "Hyndburn Borough Council"),
    ("northtyneside_2021-09_pcard_clean.csv", "Net Amount", "utf-8-sig", "North Tyneside Council"),
    ("sheffield_2012-10_clean_first2000.csv", "Invoiced Value", "utf-8-sig", "Sheffield City Council"),
]


@pytest.mark.parametrize("name, column, encoding, publisher", SPEND)
def test_council_spend_totals_to_the_penny(db, shared_data, name, column, encoding, publisher):
    path = shared_data / CORPUS / "spend" / name
    rows = csv_rows(path, encoding)
    expected = sum(pence(r[column]) for r in rows if r[column].strip())
    result, total, count = load(db, path, publisher=publisher)
    assert result.status == "imported", result.report.summary_lines()
    assert (total, count) == (expected, len(rows))


def test_craven_quoted_thousands_cp1252_and_a_total_line(db, shared_data):
    path = shared_data / CORPUS / "spend" / "craven_2017-03_original.csv"
    rows = csv_rows(path, "cp1252")
    payments = [r for r in rows if r["Payment Date"]]
    total_line = [r for r in rows if not r["Payment Date"]]
    result, total, count = load(db, path)
    assert result.status == "imported", result.report.summary_lines()
    assert (total, count) == (sum(pence(r["Amount"]) for r in payments), len(payments))
    assert pence(total_line[0]["Amount"]) == total  # the file's own total line agrees
    assert result.publisher == "Craven District Council"
    assert any("read as Windows-1252" in n for n in result.report.notes)
    assert any("'Account Code' appears more than once" in n for n in result.report.notes)


def test_hyndburn_2024_with_report_lines_and_odd_titles(db, shared_data):
    """'Name:  ' and 'Amount Paid'; rows without a date are errors (skipped when asked)."""
    path = shared_data / CORPUS / "spend" / "hyndburn_2024-09_original.csv"
    rows = csv_rows(path, "utf-8-sig")
    dated = [r for r in rows if r["Payment Date"].strip() and r["Amount Paid"].strip()]
    result, total, count = load(db, path, publisher="Hyndburn Borough Council", skip_invalid=True)
    assert result.status == "imported"
    assert any(w.before == "161,413.00-" and w.after == "-161413.00" for w in result.report.warnings)
    assert total == sum(pence(r["Amount Paid"]) for r in dated) and count == len(dated)
    assert db.execute("SELECT DISTINCT authority_id, district FROM spend WHERE import_id = :id",
                      {"id": result.import_id}).fetchall() == [("GB-LAE-HYN", "Hyndburn")]


def test_lancashire_fire_xlsx(db, shared_data):
    path = shared_data / CORPUS / "spend" / "lancashire_fire_2025-26-q3_original.xlsx"
    sheet = openpyxl.load_workbook(path, read_only=True).active
    values = [r[5] for r in sheet.iter_rows(min_row=2, values_only=True) if r[5] is not None]
    result, total, count = load(db, path, publisher="Lancashire Combined Fire Authority")
    assert result.status == "imported", result.report.summary_lines()
    assert total == sum(int((Decimal(str(v)) * 100).quantize(Decimal(1))) for v in values) and count == len(values)


def test_leeds_body_uri_identifies_the_council(db, shared_data):
    result, _total, _count = load(db, shared_data / CORPUS / "spend" / "leeds_2011-05_raw.csv")
    assert db.execute("SELECT DISTINCT authority, authority_id, body_type, district FROM spend WHERE import_id = :id",
                      {"id": result.import_id}).fetchall() == [("Leeds City Council", "GB-LAE-LDS", "local_government", "Leeds")]
    assert import_log(db).iloc[0]["publisher"] == "Leeds City Council"


GRANTS = [
    "grantnav_sample_dulverton.json",  # UK dates 03/02/2005
    "grantnav_sample_indigo.json",  # '26/03/2001 00:00'
    "grantnav_sample_ocf2.json",  # a recipient web address that is not one (warning: not imported)
]


@pytest.mark.parametrize("name", GRANTS)
def test_360giving_json_2014_to_2016_repaired_totals_to_the_penny(db, shared_data, name):
    path = shared_data / CORPUS / "360giving" / name
    grants = json.loads(path.read_bytes(), parse_float=Decimal)["grants"]
    result, total, count = load(db, path)
    assert result.status == "imported", result.report.summary_lines()
    assert (total, count) == (sum(pence(g["amountAwarded"]) for g in grants), len(grants))
    assert result.report.repair_count > 0
    repair = next(w for w in result.report.warnings if w.before is not None)
    assert repair.file == name and repair.where.startswith("grant ") and repair.after


def test_360giving_xlsx_with_date_time_repairs(db, shared_data):
    path = shared_data / CORPUS / "360giving" / "dataquality_original_a003W000001B7PzQAK_AndrewLloydWebberFoundation.xlsx"
    sheet = openpyxl.load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("Amount Awarded")
    expected = sum(int((Decimal(str(r[column])) * 100).quantize(Decimal(1))) for r in rows[1:] if r[column] is not None)
    result, total, count = load(db, path)
    assert result.status == "imported", result.report.summary_lines()
    assert total == expected
    assert any(w.column == "Last modified" and w.after.endswith("T00:00:00Z") for w in result.report.warnings)


def test_trafford_funder_identified_by_its_gss_code_in_flattened_json(db, shared_data):
    """The stack's flattened keys (FundingOrgIdentifier 'E08000009') are read as their
    fields; Trafford is a council by its GSS code. The stack has no titles or
    descriptions, which every 360Giving grant needs, so its grants are refused."""
    result, _total, _count = load(db, shared_data / CORPUS / "360giving" / "grantnav_sample_stack_last2000.json")
    assert result.status == "rejected"
    assert any("flattened layout" in n for n in result.report.notes)
    assert {p.column.lower() for p in result.report.errors} <= {"title", "description"}


@pytest.mark.parametrize("name", ["canada_buyandsell_release_unwrapped.json", "canada_buyandsell_record_unwrapped.json",
                                  "mexico_jalisco_release_package.json"])
def test_ocds_without_awards_is_nothing_to_import_and_writes_nothing(db, shared_data, name):
    before = len(import_log(db))
    result, total, count = load(db, shared_data / CORPUS / "ocds" / name)
    assert result.status == "nothing", result.report.summary_lines()
    assert "nothing to import" in result.headline()
    assert (total, count) == (0, 0) and len(import_log(db)) == before


def test_ocds_record_package_in_pesos_is_nothing_to_import_with_the_reason(db, shared_data):
    """Every award is in Mexican pesos: valid OCDS, but nothing can be added to spend in
    pounds. Each award is a warning naming it; nothing is written, not even a log entry."""
    path = shared_data / CORPUS / "ocds" / "mexico_jalisco_record_package.json"
    records = json.loads(path.read_bytes())["records"]
    currencies = {a["value"]["currency"] for r in records for a in r["compiledRelease"].get("awards", []) if a.get("value")}
    before = len(import_log(db))
    result, total, count = load(db, path)
    assert currencies == {"MXN"}
    assert result.status == "nothing" and not result.report.errors
    assert all("amounts in MXN cannot be added to spend in pounds" in w.message for w in result.report.warnings
               if w.column == "awards.value.currency")
    assert any("other currencies" in n for n in result.report.notes)
    assert (total, count) == (0, 0) and len(import_log(db)) == before


@pytest.mark.parametrize("name, encoding", [("cove_fixture_WellcomeTrust-grants_2_grants.csv", "utf-8-sig"),
                                            ("cove_fixture_WellcomeTrust-grants_2_grants_cp1252.csv", "cp1252"),
                                            ("cove_fixture_WellcomeTrust-grants_2_grants.xlsx", None)])
def test_wellcome_without_a_description_column_loads_with_a_note(db, shared_data, name, encoding):
    """The schema requires a Description; the dashboard does not store one (it shows the
    title), so the grants are imported and the note says what the file lacks."""
    path = shared_data / CORPUS / "360giving" / name
    if encoding:
        rows = csv_rows(path, encoding)
    else:
        grid = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
        rows = [dict(zip(grid[0], r)) for r in grid[1:] if any(c is not None for c in r)]
    assert "Description" not in rows[0]
    expected = sum(pence(r["Amount Awarded"]) for r in rows)
    result, total, count = load(db, path)
    assert result.status == "imported", result.report.summary_lines()
    assert (total, count) == (expected, len(rows))
    assert any("no 'Description' column" in n for n in result.report.notes)


def test_paul_hamlyn_award_date_under_a_garbled_title_loads_to_the_penny(db, shared_data):
    """The Paul Hamlyn Foundation's file has no 'Award Date' column but one titled 'Award
    date:Start date' (and a separate 'Planned dates:Start date'): that column is the award
    date, said in a note; every grant loads and the total is the file's own."""
    path = shared_data / CORPUS / "360giving" / "cove_fixture_paul-hamlyn-foundation-grants_dc.csv"
    rows = csv_rows(path, "utf-8-sig")
    assert "Award Date" not in rows[0] and "Award date:Start date" in rows[0]
    expected = sum(pence(r["Amount Awarded"]) for r in rows)
    result, total, count = load(db, path)
    assert result.status == "imported", result.report.summary_lines()
    assert (total, count) == (expected, len(rows))
    assert any("'Award date:Start date' is read as the award date" in n for n in result.report.notes)
    dates = {r[0] for r in db.execute("SELECT date FROM spend WHERE import_id = :id", {"id": result.import_id})}
    assert dates == {r["Award date:Start date"] for r in rows}
