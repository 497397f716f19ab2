"""Excel 97-2003 workbooks (.xls) and the header families and repairs learnt from the
councils added to the corpus in December 2026 (Devon, Stockport, Manchester, Rochdale, and
Northwest Open Data's cleaned Bolton and Oldham files, Windsor and Maidenhead's 2009-10 files,
Darlington's periods; see
docs/importing.md, "The real-file corpus"). Every file here is made by hand in the test
(xlwt writes the .xls, as Excel 97 would); every expected figure is worked out by hand."""

from __future__ import annotations

import datetime as dt
import io

import xlwt

from models.importers import ImportOptions, Source, import_sources, repair, sources


def load(db, name: str, data: bytes, **options):
    (result,) = import_sources(db, [Source.from_bytes(name, data)], ImportOptions(**options))
    rows = db.execute(
        "SELECT amount_pence, recipient, authority, date, authority_id FROM spend WHERE import_id = :id ORDER BY id",
        {"id": result.import_id},
    ).fetchall() if result.import_id else []
    return result, rows


def xls(sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()) -> bytes:
    """An Excel 97-2003 workbook: dates written as date cells, as Excel saves them."""
    book = xlwt.Workbook()
    dates = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for title, rows in sheets.items():
        sheet = book.add_sheet(title)
        if title in hidden:
            sheet.visibility = 1
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(r, c, value, dates)
                elif value is not None:
                    sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Devon County Council's May 2010 file, as published: an Access query's titles, 'Entity' is
# the supplier's number, no column names the council.
DEVON_2010 = ["UNIQUE REF", "Description", "Element Description", "Entity", "ENEntity Name", "PymtDate",
              "SumOfNet Amt", "SumOfVatAmt", "SumOfGross Amt"]


def test_xls_workbook_is_read_like_an_xlsx_hidden_sheet_left_out(db):
    may = [DEVON_2010,
           ["CFADDOM18345477", "Adult & Community Services", "Dom Care Spot", 87025, "1ST CALL HOMECARE LTD",
            dt.date(2010, 5, 4), 754.6, 0, 754.6],
           ["WASTE17252571", "Environment, Economy & Culture", "Other Fees", 84253, "VIRIDOR WASTE MANAGEMENT LTD",
            dt.date(2010, 5, 21), -1653.77, 0, -1653.77],
           ["TRCC17215606", "Environment, Economy & Culture", "Contribn Other", 5998, "SOUTH WEST HIGHWAYS",
            dt.date(2010, 5, 7), 6250, 1093.75, 7343.75]]
    notes = [["Notes"], ["Payments over £500, May 2010"]]
    draft = [DEVON_2010, ["X1", "Draft", "Draft", 1, "NOT PUBLISHED", dt.date(2010, 5, 1), 999999, 0, 999999]]
    data = xls({"Notes": notes, "May": may, "Draft": draft}, hidden=("Draft",))
    result, rows = load(db, "DCCSpendingOver500_201005.xls", data, publisher="Devon County Council")
    assert result.status == "imported", result.report.summary_lines()
    # net amounts: £754.60, -£1,653.77 (a credit) and £6,250.00 (its gross £7,343.75 less VAT £1,093.75)
    assert [r[0] for r in rows] == [75460, -165377, 625000]
    assert [r[1] for r in rows] == ["1ST CALL HOMECARE LTD", "VIRIDOR WASTE MANAGEMENT LTD", "SOUTH WEST HIGHWAYS"]
    assert [r[3] for r in rows] == ["2010-05-04", "2010-05-21", "2010-05-07"]
    assert {(r[2], r[4]) for r in rows} == {("Devon County Council", "GB-LAE-DEV")}
    notes = " ".join(result.report.notes)
    assert "'Draft' is hidden; it was not read" in notes
    assert "Read the worksheet 'May', the one whose column titles match" in notes
    assert "Amounts are the net amounts in 'SumOfNet Amt'" in notes


def test_a_supplier_number_in_entity_is_not_taken_for_the_council(db):
    """Without --publisher the importer asks, naming the council the file's name suggests:
    '87025' in 'Entity' is the supplier's number, nobody's name."""
    data = xls({"May": [DEVON_2010, ["R1", "Adults", "Care", 87025, "A HOME", dt.date(2010, 5, 4), 600, 0, 600]]})
    result, rows = load(db, "devon_spend_201005.xls", data)
    assert result.status == "rejected" and rows == []
    message = result.report.errors[0].message
    assert "does not say which council" in message and "'Devon County Council'" in message


def test_fractions_of_a_penny_are_rounded_and_reported_but_float_noise_is_not(db):
    """Devon's 2010 sums hold £653.625 (a fraction of a penny: rounded half up to £653.63,
    with a warning) and 815.3600000000006 (a float's noise for £815.36: no warning)."""
    data = xls({"May": [DEVON_2010,
                        ["R1", "Adults", "Care", 1, "A HOME", dt.date(2010, 5, 4), 653.625, 0, 653.625],
                        ["R2", "Adults", "Care", 2, "B HOME", dt.date(2010, 5, 5), 815.3600000000006, 0, 815.36]]})
    result, rows = load(db, "dcc.xls", data, publisher="Devon County Council")
    assert result.status == "imported", result.report.summary_lines()
    assert [r[0] for r in rows] == [65363, 81536]
    repairs = [w for w in result.report.warnings if "fractions of a penny" in w.message]
    assert [(w.where, w.column, w.before, w.after) for w in repairs] == [("row 2", "SumOfNet Amt", "653.625", "653.63")]


def test_a_damaged_xls_is_refused_in_words(db):
    data = xls({"May": [DEVON_2010, ["R1", "Adults", "Care", 1, "A HOME", dt.date(2010, 5, 4), 600, 0, 600]]})
    result, rows = load(db, "cut.xls", data[:1500], publisher="Devon County Council")
    assert result.status == "rejected" and rows == []
    message = result.report.errors[0].message
    assert "Excel 97-2003 workbook (.xls) cannot be opened" in message and "save it again" in message


def test_an_xls_over_the_size_limit_is_refused_before_it_is_read(db, monkeypatch):
    data = xls({"May": [DEVON_2010, ["R1", "Adults", "Care", 1, "A HOME", dt.date(2010, 5, 4), 600, 0, 600]]})
    monkeypatch.setattr(sources, "MAX_XLS_BYTES", len(data) - 1)
    result, rows = load(db, "big.xls", data, publisher="Devon County Council")
    assert result.status == "rejected" and rows == []
    assert "Save it as .xlsx or CSV" in result.report.errors[0].message


def test_an_xls_whose_every_sheet_is_hidden_says_so(db):
    data = xls({"May": [DEVON_2010]}, hidden=("May",))
    result, _rows = load(db, "hidden.xls", data, publisher="Devon County Council")
    assert result.status == "rejected"
    assert "every worksheet in the workbook is hidden" in result.report.errors[0].message


def test_a_csv_saved_with_an_xls_name_is_read_as_the_csv_it_is(db):
    """Manchester's September 2014 '.xls' is Windows-1252 CSV: read by its content, not its
    name; '£2,681.94' and dates written 01.09.2014."""
    text = ("Body Name,Service Area,Expenses Type,Invoice Payment Date,Transaction Number,Net Amount,Supplier Name\r\n"
            'Manchester City Council,Insurance Fund,Bal of Rsk InsPrem,01.09.2014,1904252271,"\u00a32,681.94",Irk Valley School\r\n'
            "Manchester City Council,Insurance Fund,Bal of Rsk InsPrem,02.09.2014,1904261127,\u00a3572.08,St Lukes Primary\r\n")
    result, rows = load(db, "Manchester September 2014.xls", text.encode("cp1252"))
    assert result.status == "imported", result.report.summary_lines()
    assert [(r[0], r[3]) for r in rows] == [(268194, "2014-09-01"), (57208, "2014-09-02")]
    assert {(r[2], r[4]) for r in rows} == {("Manchester City Council", "GB-LAE-MAN")}


def test_month_only_payment_dates_are_kept_as_the_month(db):
    """Stockport's September 2014 workbook gives 'Sep 2014' as every 'Clearing Date': each
    payment was made in September 2014, kept as that month ('2014-09'), no day made up,
    each read reported. 'SMBC' in 'Body Name' gives way to the council the person names."""
    stockport = [["Body Name", "Service Area Categorisation", "Expenses Type", "Clearing Date", "Transaction Number",
                  "Amount \u00a3", "Supplier Name"],
                 ["SMBC", "CAPITAL", "PREMISES RELATED", "Sep 2014", 1900502872, 1134.5, "1ST ALARM SECURITY"]]
    result, rows = load(db, "Stockport September 2014.xls", xls({"Sep 14 Over \u00a3500 Spend": stockport}),
                        publisher="Stockport Metropolitan Borough Council")
    assert result.status == "imported", result.report.summary_lines()
    assert [(r[0], r[3]) for r in rows] == [(113450, "2014-09")]
    (warning,) = result.report.warnings
    assert (warning.where, warning.column, warning.before, warning.after) == ("row 2", "Clearing Date", "Sep 2014", "2014-09")
    assert "made in September 2014" in warning.message and "no day is made up" in warning.message
    assert any("Stockport Metropolitan Borough Council (given when importing; the file says 'SMBC')" in n
               for n in result.report.notes)


def test_month_only_is_told_apart_from_dates_and_periods():
    assert [repair.month_only(t) for t in ("Sep 2014", "September 2014", "08/2013", "2013-08", "Sep-14")] == [True] * 5
    assert [repair.month_only(t) for t in ("05-Dec-24", "13/2014", "Foo 2014", "July 2010-September 2010")] == [False] * 4
    assert repair.period("July 2010-September 2010") and repair.period("Apr 2019 to Jun 2019")
    assert not repair.period("05-Dec-24") and not repair.period("Sep 2014")
    assert [repair.parse_month(t) for t in ("Sep 2014", "September 2014", "08/2013", "2013-08", "Sep-14")] == [
        (2014, 9), (2014, 9), (2013, 8), (2013, 8), (2014, 9)]
    assert repair.parse_period("July 2010-September 2010") == ((2010, 7), (2010, 9))
    assert repair.parse_period("Sep 2010 to Jul 2010") is None  # backwards: not one reading


def test_a_period_instead_of_the_payment_date_is_kept_as_the_period(db):
    """Darlington's 2010 file gives 'July 2010-September 2010' as every line's Date: paid
    in that quarter, financial year 2010/11, kept as the interval '2010-07/2010-09'."""
    text = ("Date,Directorate,Service,Supplier,Invoice Line Value (net of VAT),Account\n"
            "July 2010-September 2010,Corporate Services,Accountancy,AUDIT COMMISSION,1142.00,PROFESSIONAL FEES\n")
    result, rows = load(db, "darlington_2010-09.csv", text.encode("utf-8"), publisher="Darlington Borough Council")
    assert result.status == "imported", result.report.summary_lines()
    assert [(r[0], r[3]) for r in rows] == [(114200, "2010-07/2010-09")]
    (warning,) = result.report.warnings
    assert (warning.where, warning.column, warning.after) == ("row 2", "Date", "2010-07/2010-09")
    assert "between July 2010 and September 2010 (financial year 2010/11)" in warning.message


def test_rochdale_titles_misspelt_effective_date_and_two_digit_years(db):
    """Rochdale's December 2024 file: upper-case titles, 'EFEFCTIVE DATE' as published,
    'DATE PAID' as 05-Dec-24, amounts with a trailing space, 'TRANSACTION No.'."""
    text = ("ORGANISATION NAME,EFEFCTIVE DATE,DIRECTORATE,SUPPLIER NAME,DATE PAID,AMOUNT (\u00a3),PURPOSE,TRANSACTION No.\n"
            'ROCHDALE BOROUGH COUNCIL,05-Dec-24,PROPERTY AND HIGHWAYS,TRANSPORT FOR GREATER MANCHESTER,05-Dec-24,"15,588.45 ",'
            "MINOR BUILDING WORKS,V002054211\n"
            "ROCHDALE BOROUGH COUNCIL,06-Dec-24,RESOURCES,APEX RADIO SYSTEMS LTD,06-Dec-24,-50.00 ,HIRE OF EQUIPMENT,V002326055\n")
    result, rows = load(db, "2024_DEC_Spend.csv", text.encode("utf-8"))
    assert result.status == "imported", result.report.summary_lines()
    assert [(r[0], r[3]) for r in rows] == [(1558845, "2024-12-05"), (-5000, "2024-12-06")]
    assert {(r[2], r[4]) for r in rows} == {("Rochdale Metropolitan Borough Council", "GB-LAE-RCH")}
    assert not result.report.unmapped_columns


def test_devon_body_code_and_name_of_body(db):
    """Devon's files since 2011: 'Body' holds 18, Devon's SNAC code, and 'Name of Body' its name."""
    text = ("Body,Name of Body,Date,Transaction number,Amount,Supplier name,Supplier ID,VAT reg no,Expense area,"
            "Expense type,Expense code,Creditor type\n"
            '18,Devon County Council,29/04/2025,22002752,"1,496.00",PROMOTING INDEPENDENT CARE LIMITED,376159,,'
            "Children & Young People's Futures,Agency Supply Staff,A11005,DCC Business Entities\n")
    result, rows = load(db, "202504_DCCSpendingOver500.csv", text.encode("utf-8"))
    assert result.status == "imported", result.report.summary_lines()
    assert rows == [(149600, "PROMOTING INDEPENDENT CARE LIMITED", "Devon County Council", "2025-04-29", "GB-LAE-DEV")]
    assert result.report.unmapped_columns == ["Creditor type"]


def test_360giving_grants_in_an_xls_read_from_the_grants_sheet(db):
    """A 360Giving workbook saved as Excel 97-2003: the 'grants' sheet is read (the 'Meta'
    sheet is not), the award date a date cell; £1,500 + £250.50 = £1,750.50."""
    header = ["Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date", "Recipient Org:Identifier",
              "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name"]
    grants = [header,
              ["360G-example-0001", "Lunch club", "Weekly lunches", "GBP", 1500, dt.date(2014, 3, 17), "GB-CHC-1164883",
               "Crewe Lunch Club", "GB-LAE-CHE", "Cheshire East Council"],
              ["360G-example-0002", "Toy library", "Toys to borrow", "GBP", 250.5, dt.date(2014, 3, 26), "GB-CHC-1164883",
               "Crewe Lunch Club", "GB-LAE-CHE", "Cheshire East Council"]]
    data = xls({"Meta": [["Publisher", "Cheshire East Council"]], "grants": grants})
    result, rows = load(db, "grants_2014.xls", data)
    assert result.status == "imported" and result.format == "360giving", result.report.summary_lines()
    assert [(r[0], r[3]) for r in rows] == [(150000, "2014-03-17"), (25050, "2014-03-26")]
    assert sum(r[0] for r in rows) == 175050


def test_northwest_open_data_cleaned_titles_and_a_padded_gss_code(db):
    """Northwest Open Data's cleaned 2019 files (Bolton, Oldham): the council's GSS code
    padded with spaces in 'nwod_id_uri_code', its short name in 'org_short_name', the row's
    number in 'nwod_id'; £500.00 + £2,915.55 = £3,415.55."""
    text = ("nwod_id_uri_code,nwod_id,org_short_name,beneficiary_name,payment_date,amount,clean_name,naked_name,"
            "company_name,company_number,charity_number,sicc_int,match_method\n"
            "E08000001           ,179,bolton,Best Asian Media Ltd,2019-01-03,500.00,BEST ASIAN MEDIA LTD,BEST ASIAN MEDIA,"
            "BEST ASIAN MEDIA LIMITED,04166647,,58130,3  \n"
            "E08000001           ,532,bolton,FOSTER CARE ASSOCIATES LTD,2019-01-03,2915.55,FOSTER CARE ASSOCIATES LTD,"
            "FOSTER CARE ASSOCIATES,FOSTER CARE ASSOCIATES LIMITED,04322806,,87900,3  \n")
    result, rows = load(db, "bolton_2019.csv", text.encode("utf-8"))
    assert result.status == "imported", result.report.summary_lines()
    assert [r[0] for r in rows] == [50000, 291555] and sum(r[0] for r in rows) == 341555
    assert {(r[2], r[4]) for r in rows} == {("Bolton Metropolitan Borough Council", "GB-LAE-BOL")}
    assert result.report.unmapped_columns == ["clean_name", "naked_name", "company_name", "sicc_int", "match_method"]


WINDSOR = "Directorate,Updated,TransNo,Service,Cost Centre,Supplier Name,Amount,Type\n"


def test_dates_written_month_first_are_read_month_first_with_a_note(db):
    """The Royal Borough of Windsor and Maidenhead's October-December 2009 file writes its
    dates US style: '11/17/2009' can only be 17 November, and no date can only be read day
    first, so '10/7/2009' is 7 October. £1,592.66 + £515 + £1,349 = £3,456.66."""
    text = WINDSOR + ('Adult & Community Services,10/7/2009,2618827,Adult Management,HC50,Pertemps,"1,592.66",Revenue\n'
                      "Adult & Community Services,10/9/2009,2619408,Adult Management,HC50,Railex Filing Ltd,515,Revenue\n"
                      'Adult & Community Services,11/17/2009,2626848,Adult Management,HC50,Ricoh,"1,349.00",Revenue\n')
    result, rows = load(db, "wandm_2009_q4.csv", text.encode("utf-8"), publisher="Royal Borough of Windsor and Maidenhead")
    assert result.status == "imported", result.report.summary_lines()
    assert [(r[0], r[3]) for r in rows] == [(159266, "2009-10-07"), (51500, "2009-10-09"), (134900, "2009-11-17")]
    assert sum(r[0] for r in rows) == 345666
    assert {(r[2], r[4]) for r in rows} == {("Royal Borough of Windsor and Maidenhead", "GB-LAE-WNM")}
    assert any("written month first, US style ('11/17/2009' is 17 November 2009" in n for n in result.report.notes)


def test_a_date_that_fits_neither_the_file_s_order_is_an_error(db):
    """'17/11/2009' says day first, '11/18/2009' month first: which is meant cannot be known."""
    text = WINDSOR + ("Resources,17/11/2009,1,CSC,HC1,Idox Software Limited,1000.00,Capital\n"
                      "Resources,11/18/2009,2,CSC,HC1,Idox Software Limited,1000.00,Capital\n")
    result, rows = load(db, "wandm.csv", text.encode("utf-8"), publisher="Royal Borough of Windsor and Maidenhead")
    assert result.status == "rejected" and rows == []
    error = result.report.errors[0]
    assert (error.where, error.column) == ("row 3", "Updated")
    assert "'11/18/2009' can only be read month first (US style), but the file's other dates are not" in error.message


def test_date_order_is_told_from_dates_that_fit_only_one_way():
    assert repair.numeric_date_order(["10/7/2009", "11/17/2009"]) == "month first"
    assert repair.numeric_date_order(["10/7/2009", "17/11/2009"]) is None  # day first, as a UK officer reads
    assert repair.numeric_date_order(["10/7/2009", "11/17/2009", "17/11/2009"]) is None  # both: not month first
    assert repair.numeric_date_order(["2009-11-17", "Sep 2014"]) is None
    assert repair.parse_day("10/7/2009", month_first=True) == dt.date(2009, 10, 7)


def test_totals_by_supplier_are_refused_as_a_summary(db):
    """Windsor and Maidenhead's first 2009 file, like Lambeth's May 2012 pivot table, gives
    each supplier's total for the quarter: no payment dates, so no payments."""
    text = 'Supplier ID,Supplier Name,Amount\n105239,1st Class Carriage,"10,076.00"\n105096,3c Technology Limited,776.25\n'
    result, rows = load(db, "wandm_supplier_payments_2009_q1.csv", text.encode("utf-8"))
    assert result.status == "rejected" and rows == []
    assert "It looks like totals by supplier ('Supplier ID', 'Supplier Name', 'Amount')" in result.report.errors[0].message


def test_one_far_right_cell_does_not_widen_every_row(db):
    """Rows of an .xls keep only their own cells: a note in column IV (the 256th) on one row
    is outside the header and leaves the others as they are."""
    rows = [DEVON_2010, ["R1", "Adults", "Care", 1, "A HOME", dt.date(2010, 5, 4), 600, 0, 600]]
    rows.append(["R2", "Adults", "Care", 2, "B HOME", dt.date(2010, 5, 5), 700, 0, 700] + [None] * 246 + ["a note"])
    result, loaded = load(db, "dcc.xls", xls({"May": rows}), publisher="Devon County Council")
    assert result.status == "imported", result.report.summary_lines()
    assert [r[0] for r in loaded] == [60000, 70000]


def test_a_code_for_a_name_is_kept_with_a_hint_when_no_publisher_is_given(db):
    """Without --publisher, Stockport's 'SMBC' is kept as the file writes it (never guessed),
    and the note says how to name the council."""
    text = ("Body Name,Service Area Categorisation,Expenses Type,Clearing Date,Transaction Number,Amount \u00a3,Supplier Name\n"
            "SMBC,CAPITAL,PREMISES RELATED,30/09/2014,1900502872,1134.50,1ST ALARM SECURITY\n")
    result, rows = load(db, "stockport.csv", text.encode("utf-8"))
    assert result.status == "imported", result.report.summary_lines()
    assert [(r[0], r[2], r[4]) for r in rows] == [(113450, "SMBC", None)]
    assert any("Published by SMBC" in n and "if 'SMBC' is a council's code, give the council's name with --publisher" in n
               for n in result.report.notes), result.report.notes
