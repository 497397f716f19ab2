"""Council spend dated only by a month ('Sep 2014', '2010-12') or a period of months
('July 2010-September 2010'): a payment made in that month or period, kept as the month
('2014-09') or the interval ('2010-07/2010-09'), never a made-up day; the financial year
comes from the month. Figures worked by hand from the rows written here."""

from __future__ import annotations

from models.importers import ImportOptions, Source, import_sources

HEADER = "Body Name,Date,Transaction Number,Net Amount,Supplier Name,Service Area\n"


def load(db, text: str, name: str = "darlington_2011.csv"):
    (result,) = import_sources(db, [Source.from_bytes(name, text.encode("utf-8"))], ImportOptions())
    rows = db.execute(
        "SELECT date, financial_year, amount_pence FROM spend WHERE import_id = :id ORDER BY id", {"id": result.import_id}
    ).fetchall() if result.import_id else []
    return result, rows


def test_months_keep_their_month_and_fall_in_the_right_financial_year(db):
    # March 2011 is the last month of 2010/11; April 2011 the first of 2011/12.
    text = HEADER + (
        "Darlington Borough Council,2010-12,T1,978.53,CIPFA,Corporate Services\n"
        "Darlington Borough Council,Mar 2011,T2,4202.00,DICKINSON DEES LAW FIRM,Corporate Services\n"
        "Darlington Borough Council,April 2011,T3,750.00,ADRIAN NASH,Corporate Services\n"
        "Darlington Borough Council,15/04/2011,T4,-100.50,ADRIAN NASH,Corporate Services\n"
    )
    result, rows = load(db, text)
    assert result.status == "imported", result.report.summary_lines()
    assert rows == [("2010-12", "2010/11", 97853), ("2011-03", "2010/11", 420200),
                    ("2011-04", "2011/12", 75000), ("2011-04-15", "2011/12", -10050)]
    # 2010/11: 978.53 + 4,202.00 = 5,180.53; 2011/12: 750.00 - 100.50 = 649.50
    totals = dict(db.execute("SELECT financial_year, SUM(amount_pence) FROM spend_totals WHERE authority = :a "
                             "GROUP BY financial_year ORDER BY financial_year", {"a": "Darlington Borough Council"}).fetchall())
    assert totals == {"2010/11": 518053, "2011/12": 64950}
    repairs = [(w.where, w.column, w.before, w.after) for w in result.report.warnings if w.before is not None]
    assert repairs == [("row 2", "Date", "2010-12", "2010-12"), ("row 3", "Date", "Mar 2011", "2011-03"),
                       ("row 4", "Date", "April 2011", "2011-04")]


def test_a_period_across_two_financial_years_is_refused(db):
    # February to April 2011 runs from 2010/11 into 2011/12: which year's spend is it?
    text = HEADER + "Darlington Borough Council,Feb 2011-Apr 2011,T1,1142.00,AUDIT COMMISSION,Corporate Services\n"
    result, rows = load(db, text)
    assert result.status == "rejected" and rows == []
    error = result.report.errors[0]
    assert (error.where, error.column) == ("row 2", "Date")
    assert "runs across two financial years" in error.message


def test_a_quarter_within_one_financial_year_is_kept_as_the_quarter(db):
    text = HEADER + (
        "Darlington Borough Council,July 2010-September 2010,T1,1142.00,AUDIT COMMISSION,Corporate Services\n"
        "Darlington Borough Council,July 2010-September 2010,T2,6787.50,DATATANK LIMITED,Corporate Services\n"
    )
    result, rows = load(db, text)
    assert result.status == "imported", result.report.summary_lines()
    # 1,142.00 + 6,787.50 = 7,929.50
    assert rows == [("2010-07/2010-09", "2010/11", 114200), ("2010-07/2010-09", "2010/11", 678750)]
    assert sum(r[2] for r in rows) == 792950


TAMESIDE = "Inv Transaction,Supplier Name,Headserv Name,Paid Date,Sum of Inv Amount\n"


def test_undated_lump_sums_in_a_file_named_for_one_month_whose_payments_all_fall_in_it(db):
    """Tameside's 'September 2014' file: every dated payment is in September 2014, and three
    monthly lump sums have no date: they were paid in September 2014 too, kept as that month."""
    text = TAMESIDE + (
        '460285,ACORN RECOVERY PROJECTS,Public Health,24/09/14,"5,303.57 "\n'
        '460286,AINSWORTH NURSING HOME,Adult Services,03/09/14,"1,552.09 "\n'
        ' ,CAPITA - BENEFIT PAYMENTS,Exchequer,,"7,815,670.80 "\n'
        ',CARE RELATED PAYMENTS,Multiple Heads of Service,,"369,283.24 "\n'
    )
    (result,) = import_sources(db, [Source.from_bytes("Tameside September 2014.csv", text.encode())],
                               ImportOptions(publisher="Tameside Metropolitan Borough Council"))
    assert result.status == "imported", result.report.summary_lines()
    rows = db.execute("SELECT date, financial_year, amount_pence FROM spend WHERE import_id = :id ORDER BY amount_pence",
                      {"id": result.import_id}).fetchall()
    assert rows == [("2014-09-03", "2014/15", 155209), ("2014-09-24", "2014/15", 530357),
                    ("2014-09", "2014/15", 36928324), ("2014-09", "2014/15", 781567080)]
    # 5,303.57 + 1,552.09 + 7,815,670.80 + 369,283.24 = 8,191,809.70
    assert sum(r[2] for r in rows) == 819180970
    repairs = [(w.where, w.column, w.after) for w in result.report.warnings if w.before is not None]
    assert repairs == [("row 4", "Paid Date", "2014-09"), ("row 5", "Paid Date", "2014-09")]


def test_undated_payments_stay_errors_when_the_dated_ones_are_in_other_months(db):
    text = TAMESIDE + (
        '460285,ACORN RECOVERY PROJECTS,Public Health,24/09/14,"5,303.57 "\n'
        '460286,AINSWORTH NURSING HOME,Adult Services,03/10/14,"1,552.09 "\n'
        ',CARE RELATED PAYMENTS,Multiple Heads of Service,,"369,283.24 "\n'
    )
    (result,) = import_sources(db, [Source.from_bytes("Tameside September 2014.csv", text.encode())],
                               ImportOptions(publisher="Tameside Metropolitan Borough Council"))
    assert result.status == "rejected"
    (error,) = result.report.errors
    assert (error.where, error.column) == ("row 4", "Paid Date")
    assert "every payment needs a date" in error.message and "October 2014" in error.message


def test_undated_payments_stay_errors_when_the_name_gives_no_month(db):
    text = TAMESIDE + ('460285,ACORN RECOVERY PROJECTS,Public Health,24/09/14,"5,303.57 "\n'
                       ',CARE RELATED PAYMENTS,Multiple Heads of Service,,"369,283.24 "\n')
    (result,) = import_sources(db, [Source.from_bytes("tameside_payments.csv", text.encode())],
                               ImportOptions(publisher="Tameside Metropolitan Borough Council"))
    assert result.status == "rejected"
    assert [(e.where, e.column) for e in result.report.errors] == [("row 3", "Paid Date")]


def test_the_month_a_file_name_gives():
    from models.importers import repair

    assert repair.month_in_name("Tameside September 2014.csv") == (2014, 9)
    assert repair.month_in_name("gmdsp_tameside_2014-09.csv") == (2014, 9)
    assert repair.month_in_name("pcc-2023-24.xlsx") is None  # a financial year, not a month
    assert repair.month_in_name("Sep 2014 and Oct 2014.csv") is None  # two months: no one reading
    assert repair.month_in_name("spend.csv") is None
