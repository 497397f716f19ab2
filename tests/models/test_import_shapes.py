"""Small hand-made files with the shapes of real published files that are not in the
repository (see docs/importing.md, "The real-file corpus"): a workbook with a sheet a
month, a grand-total line and a copyright footer, lines ending in CR alone, a code in an
'Entity' column, a date run into the amount beside it, 360Giving grants without a
description or a recipient identifier. Every expected figure is worked out here by hand."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from models.importers import ImportOptions, Source, import_sources


def load(db, name: str, data: bytes, **options):
    (result,) = import_sources(db, [Source.from_bytes(name, data)], ImportOptions(**options))
    rows = db.execute("SELECT amount_pence, recipient, authority, date FROM spend WHERE import_id = :id ORDER BY id",
                      {"id": result.import_id}).fetchall() if result.import_id else []
    return result, rows


def workbook(sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PCC_TITLES = ["* Expenditure Category", "* Date", "TOTAL", "* SUPPLIER FINAL"]  # Lancashire PCC 2023-24, as published


def test_workbook_with_a_sheet_a_month_reads_every_sheet_with_the_spend_titles(db):
    """Lancashire PCC: twelve month sheets with the same titles (here three; May's columns
    in another order, September's with untitled working columns beside them); a summary
    sheet and a hidden sheet are not read."""
    april = [PCC_TITLES, ["Rates", dt.datetime(2023, 4, 3), 1250, "WYRE BOROUGH COUNCIL"],
             ["Computer Software", dt.datetime(2023, 4, 6), 22000, "NCC GROUP"]]
    may = [["* SUPPLIER FINAL", "TOTAL", "* Date", "* Expenditure Category"],
           ["4NET TECHNOLOGIES LTD", 740.5, dt.datetime(2023, 5, 30), "Exchange Phones"]]
    september = [PCC_TITLES + [None, None], ["Vehicle Purchase", dt.datetime(2023, 9, 1), 28015.4, "VOLKSWAGEN", "=B2&C2", 1]]
    summary = [["Month", "Payments"], ["April", 2]]
    old = [PCC_TITLES, ["Rates", dt.datetime(2022, 4, 3), 999999, "NOT THIS YEAR"]]
    data = workbook({"Apr": april, "May": may, "Summary": summary, "Sep": september, "Old": old}, hidden=("Old",))
    result, rows = load(db, "pcc-2023-24.xlsx", data, publisher="Police and Crime Commissioner for Lancashire")
    assert result.status == "imported", result.report.summary_lines()
    # £1,250 + £22,000 + £740.50 + £28,015.40, in pence
    assert [r[0] for r in rows] == [125000, 2200000, 74050, 2801540]
    assert [r[1] for r in rows] == ["WYRE BOROUGH COUNCIL", "NCC GROUP", "4NET TECHNOLOGIES LTD", "VOLKSWAGEN"]
    assert rows[2][3] == "2023-05-30"
    assert any("Read 3 worksheets with the same column titles: 'Apr', 'May', 'Sep'" in n and "'Summary'" in n
               for n in result.report.notes), result.report.notes
    assert any("'Old' is hidden" in n for n in result.report.notes)


def test_a_bad_row_on_a_later_sheet_is_named_by_its_sheet(db):
    data = workbook({"Apr": [PCC_TITLES, ["Rates", dt.datetime(2023, 4, 3), 1250, "WYRE"]],
                     "May": [PCC_TITLES, ["Rates", "TBC", 500, "WYRE"]]})
    result, rows = load(db, "pcc.xlsx", data, publisher="Police and Crime Commissioner for Lancashire")
    assert result.status == "rejected" and rows == []
    assert result.report.errors[0].where == "row 2 on sheet 'May'"
    assert "'TBC' is not a date" in result.report.errors[0].message


NETWORK_RAIL = (
    "Supplier Name,Category Family,Invoice GL Date,Spend\r\n"
    "EDF Energy Customers Ltd,Utilities,2021-03-06,36246943.32\r\n"
    "Npower Ltd,Utilities,2021-03-06,4500482.09\r\n"
    "Acme Rail Ltd,Works,2021-03-31,-1200.50\r\n"
    "Grand Total,,,40746224.91\r\n"
    ",,\u00a9 Copyright Network Rail 2021,\r\n"
)


def test_grand_total_line_and_copyright_footer_are_left_out_with_notes(db):
    result, rows = load(db, "networkrail_2021-03.csv", NETWORK_RAIL.encode("utf-8"), publisher="Network Rail")
    assert result.status == "imported", result.report.summary_lines()
    assert [r[0] for r in rows] == [3624694332, 450048209, -120050]
    assert sum(r[0] for r in rows) == 4074622491  # the file's own Grand Total, £40,746,224.91
    notes = " ".join(result.report.notes)
    assert "Row 5 ('Grand Total') is a total line of £40,746,224.91, which equals the payments above it" in notes
    assert "Row 6 holds only the words '© Copyright Network Rail 2021', not a payment" in notes


def test_a_total_line_that_disagrees_says_so(db):
    text = NETWORK_RAIL.replace("40746224.91", "40746224.90")
    result, _rows = load(db, "networkrail.csv", text.encode("utf-8"), publisher="Network Rail")
    assert any("does not equal the payments above it (£40,746,224.91)" in n for n in result.report.notes)


def test_a_supplier_called_total_with_a_date_is_a_payment(db):
    text = "Supplier Name,Invoice GL Date,Spend\nTotal,2021-03-06,100.00\nTOTAL GAS & POWER LTD,2021-03-07,50.00\n"
    result, rows = load(db, "nr.csv", text.encode("utf-8"), publisher="Network Rail")
    assert [r[:2] for r in rows] == [(10000, "Total"), (5000, "TOTAL GAS & POWER LTD")]


def test_lines_ending_in_cr_alone_cp1252_and_pound_in_a_title(db):
    """Hyndburn's May 2017 file: old Mac line endings (CR only), Windows-1252, 'Net Amount(£)'."""
    lines = ["Service Cost Centre,Account Detail,Description,HBC ref no,Name,Payment date,Net Amount(\u00a3)",
             "LEGAL SERVICES,PUBLICATIONS,LAW BOOK,B000018815/50652,THOMSON REUTERS,03/05/2017,337",
             "GYPSY SITE,NET RENTS,27.3.17-24.4.17,B000018815/45458,GLOSSOP CARAVANS LTD,03/05/2017,805.9"]
    data = "\r".join(lines).encode("cp1252")
    result, rows = load(db, "1705.csv", data, publisher="Hyndburn Borough Council")
    assert result.status == "imported", result.report.summary_lines()
    assert [(r[0], r[1], r[3]) for r in rows] == [(33700, "THOMSON REUTERS", "2017-05-03"), (80590, "GLOSSOP CARAVANS LTD", "2017-05-03")]


def test_a_code_in_an_entity_column_is_kept_but_a_code_in_client_asks(db):
    """The Cabinet Office's 'Entity' holds 'CABINET OFFICE' and 'GPA' (the Government
    Property Agency): the file names the body, so it is kept as written. Oxford's 'Client'
    = 'OCC' names nobody a reader could know, so the importer asks."""
    entity = ("#,Departmental Family,Entity,Date,Expense Type,Expense Area,Supplier,Transaction number,Amount\n"
              "1,CAB,CABINET OFFICE,2022-06-22,ICT,VERIFY,DIGIDENTITY BV,20002265,55334.40\n"
              "2,CAB,GPA,2022-06-01,Rent,Estates,LANDLORD LTD,22,1000.00\n")
    result, rows = load(db, "cabinetoffice_2022-06.csv", entity.encode("utf-8"))
    assert result.status == "imported", result.report.summary_lines()
    assert [(r[0], r[2]) for r in rows] == [(5533440, "CABINET OFFICE"), (100000, "GPA")]
    client = ("Client,Service Area,Expenditure Catergory,Paid Date,Trans No,Amount,Supplier Name\n"
              "OCC,General Fund,Rents,09/01/2018,46296351 - 1,5000.00,A SUPPLIER\n")
    result, rows = load(db, "expenditure-over-500-jan-mar-2018.csv", client.encode("utf-8"))
    assert result.status == "rejected" and "does not say which council" in result.report.errors[0].message


def test_a_date_run_into_the_amount_is_split_and_reported(db):
    """Lambeth's June 2012 file lost the comma before amounts under £1,000
    ('25/06/2012900'): the row is one cell short, the amount column follows the date
    column, so there is one reading. A name run into the date is not guessed at."""
    text = ("Lambeth Invoices Over Specified Nett Amount,,,,,\n,,,,,\n"
            "Body,Department,Supplier Name,Invoice Creation Date,Invoice Nett Amount,Subj Description\n"
            "Lambeth,Children,A A GuestHouses,25/06/2012900,PRIVATE RESIDENTIAL CARE\n"
            "Lambeth,Children,A*Transport Ltd.,01/06/2012,6795.25,HOME TO SCHOOL TRANSPORT\n"
            "Total,\u2020\u2020,,,7695.25,\n")
    result, rows = load(db, "lambeth_2012-06.csv", text.encode("utf-8"))
    assert result.status == "imported", result.report.summary_lines()
    assert [(r[0], r[2], r[3]) for r in rows] == [(90000, "London Borough of Lambeth", "2012-06-25"),
                                                   (679525, "London Borough of Lambeth", "2012-06-01")]
    repair = next(w for w in result.report.warnings if w.before == "25/06/2012900")
    assert repair.where == "row 4" and repair.column == "Invoice Creation Date"
    assert any("Row 6 ('Total') is a total line of £7,695.25, which equals" in n for n in result.report.notes)
    glued_name = text.replace("A A GuestHouses,25/06/2012900", "Catch2212/06/2012,900.00")
    result, rows = load(db, "lambeth_b.csv", glued_name.encode("utf-8"))
    assert result.status == "rejected"


GRANT_TITLES = ("Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
                "Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n")


def test_grant_without_a_description_is_imported_with_a_warning(db):
    """Lloyds Bank Foundation's file: five grants without a Description, which the schema
    requires but the dashboard does not store (it shows the title)."""
    text = GRANT_TITLES + (
        "360G-LBFEW-1,Grant to Age UK,,GBP,179941,2014-12-22,GB-CHC-1128267,Age UK,GB-CHC-327114,Lloyds Bank Foundation\n"
        "360G-LBFEW-2,Grant to Harrow Carers,Carers' support,GBP,183200.50,2015-05-18,GB-CHC-1062149,Harrow Carers,"
        "GB-CHC-327114,Lloyds Bank Foundation\n")
    result, rows = load(db, "lbfew.csv", text.encode("utf-8"))
    assert result.status == "imported", result.report.summary_lines()
    assert [r[0] for r in rows] == [17994100, 18320050]
    warning = next(w for w in result.report.warnings if w.column == "Description")
    assert warning.where == "row 2" and "requires a description" in warning.message


def test_a_file_without_a_description_column_is_imported_with_a_note(db):
    text = ("Identifier,Title,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name,"
            "Funding Org:Identifier,Funding Org:Name\n"
            "360G-wt-1,Grant to a lab,GBP,33149500,24/07/2014,GB-EDU-1,A University,GB-CHC-210183,The Wellcome Trust\n")
    result, rows = load(db, "wellcome.csv", text.encode("utf-8"))
    assert result.status == "imported", result.report.summary_lines()
    assert [r[0] for r in rows] == [3314950000]
    assert any("no 'Description' column" in n for n in result.report.notes)


def test_recipient_named_without_an_identifier_is_kept_by_name_not_third_sector(db):
    text = GRANT_TITLES + (
        "360G-LBFEW-75903,Grant to University of Leeds,Reach for Excellence,GBP,144087,2010-02-12,,University of Leeds,"
        "GB-CHC-327114,Lloyds Bank Foundation\n")
    result, _rows = load(db, "lbfew.csv", text.encode("utf-8"))
    assert result.status == "imported", result.report.summary_lines()
    row = db.execute("SELECT recipient, recipient_id, third_sector, amount_pence FROM spend WHERE import_id = :id",
                     {"id": result.import_id}).fetchone()
    assert tuple(row) == ("University of Leeds", None, 0, 14408700)
    assert any(w.column == "Recipient Org:Identifier" and "under the recipient's name" in w.message
               for w in result.report.warnings)


def test_grant_with_neither_recipient_name_nor_individual_is_still_an_error(db):
    text = GRANT_TITLES + "360G-x-1,Grant,Desc,GBP,100,2010-02-12,GB-CHC-1,,GB-CHC-327114,Lloyds Bank Foundation\n"
    result, rows = load(db, "x.csv", text.encode("utf-8"))
    assert result.status == "rejected" and rows == []


def test_award_date_under_a_title_that_begins_with_it(db):
    """One column titled 'Award date:Start date' and none 'Award Date' (the Paul Hamlyn
    Foundation's shape): read as the award date with a note. Two such columns would be
    ambiguous, and the file is refused as missing its Award Date."""
    header = ("Identifier,Title,Description,Currency,Amount Awarded,Award date:Start date,Planned dates:Start date,"
              "Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n")
    row = "360G-phf:1,Youth arts,Arts for young people,GBP,68292,2013-07-16,2013-09-01,GB-CHC-1164883,Crewe Lunch Club,360G-phf,Paul Hamlyn Foundation\n"
    result, rows = load(db, "phf.csv", (header + row).encode("utf-8"))
    assert result.status == "imported", result.report.summary_lines()
    assert [(r[0], r[3]) for r in rows] == [(6829200, "2013-07-16")]  # £68,292 awarded on 16 July 2013
    assert any("'Award date:Start date' is read as the award date" in n for n in result.report.notes)
    two = header.replace("Planned dates:Start date", "Award date:End date")
    result, rows = load(db, "phf2.csv", (two + row).encode("utf-8"))
    assert result.status == "rejected" and "required columns are missing: Award Date" in result.report.errors[0].message


def test_a_byte_order_mark_saved_twice_is_dropped_from_the_first_title(db):
    """Salford's July 2022 file begins 'ï»¿' (a UTF-8 byte-order mark read as
    Windows-1252 and saved again as UTF-8): the first title is still 'Body Name'."""
    text = "\u00ef\u00bb\u00bfBody Name,Date,Transaction Number,Amount,Supplier Name\nSalford City Council,01/07/2022,T1,512.34,Acme Ltd\n"
    result, rows = load(db, "salford.csv", text.encode("utf-8"))
    assert result.status == "imported", result.report.summary_lines()
    assert rows == [(51234, "Acme Ltd", "Salford City Council", "2022-07-01")]
    assert any("stray byte-order mark (shown as 'ï»¿' when saved twice)" in n for n in result.report.notes)


def test_a_contracts_register_is_refused_as_one(db):
    """Salford publishes its contracts register beside its payments: contracts let, not
    payments made. The refusal says what the file looks like."""
    text = ("Directorate Name,Process Used,Purchasing Body,Contract Reference,Contract Title,Contract Value\n"
            "Place,Open,Salford City Council,C1,Grounds maintenance,120000\n")
    result, rows = load(db, "salford_2022-07.csv", text.encode("utf-8"))
    assert result.status == "rejected" and rows == []
    message = result.report.errors[0].message
    assert "cannot tell what kind of file" in message and "looks like a contracts register ('Contract Reference'" in message
