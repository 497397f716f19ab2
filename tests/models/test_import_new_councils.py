"""Header families from the councils added to the real-file corpus in December 2026
(second session): a few rows as each council writes them, totals worked by hand."""

from __future__ import annotations

from models.importers import ImportOptions, Source, import_sources


def load(db, name: str, text: str, **options):
    (result,) = import_sources(db, [Source.from_bytes(name, text.encode("utf-8"))], ImportOptions(**options))
    rows = db.execute(
        "SELECT authority, recipient, department, date, amount_pence FROM spend WHERE import_id = :id ORDER BY id",
        {"id": result.import_id},
    ).fetchall() if result.import_id else []
    return result, rows


def test_hammersmith_and_fulham_as_openspending_normalised_it(db):
    text = ("paid_by,date,transaction_id,amount,paid_to,spending_area\n"
            "London Borough of Hammersmith and Fulham,2010-01-01,405869,898.64,ADT FIRE & SECURITY PLC,Childrens Services\n"
            "London Borough of Hammersmith and Fulham,2010-01-01,417742,112.50,ALARM LTD,Finance and Corporate Services\n")
    result, rows = load(db, "data.csv", text)
    assert result.status == "imported", result.report.summary_lines()
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        ("ADT FIRE & SECURITY PLC", "Childrens Services", "2010-01-01", 89864),
        ("ALARM LTD", "Finance and Corporate Services", "2010-01-01", 11250)]
    assert sum(r[4] for r in rows) == 101114  # 898.64 + 112.50 = 1,011.14
    assert rows[0][0] == "London Borough of Hammersmith & Fulham"  # the official name from the list of authorities


def test_gateshead_2010_titles(db):
    text = ("Strategic Group,Spend Level 1,Spend Level 2,TransNo,Seq no,Period,Supplier Text,Amount,Updated\n"
            'Central Services,Supplies and Services,"Printing, Stationery etc",43598516,2,201009,FORCE TWO LTD,384,2010-12-07\n'
            'Central Services,Supplies and Services,"Printing, Stationery etc",43598516,3,201009,FORCE TWO LTD,430.50,2010-12-07\n')
    result, rows = load(db, "gateshead_2010-12.csv", text, publisher="Gateshead Council")
    assert result.status == "imported", result.report.summary_lines()
    assert [(r[1], r[2], r[4]) for r in rows] == [("FORCE TWO LTD", "Central Services", 38400),
                                                  ("FORCE TWO LTD", "Central Services", 43050)]
    assert any("'Updated' date is used as the payment date" in n for n in result.report.notes)


def test_wigan_supplier_date_category_amount_month(db):
    text = ("Supplier,Date,Category,Amount,Month\n"
            "Westvale House,2024-01-11,Nursing Care,943.52,2024-01-01\n"
            "Croftwood Care UK Ltd,2024-01-11,Permanent Care,2876.0,2024-01-01\n")
    result, rows = load(db, "cleaned wigan spending.csv", text, publisher="Wigan Metropolitan Borough Council")
    assert result.status == "imported", result.report.summary_lines()
    assert [(r[0], r[3], r[4]) for r in rows] == [("Wigan Metropolitan Borough Council", "2024-01-11", 94352),
                                                  ("Wigan Metropolitan Borough Council", "2024-01-11", 287600)]


def test_lambeth_2011_totals_by_supplier_are_refused_in_words(db):
    text = ("Supplier Name,Sum of Invoice Nett Amount\n"
            "Department for Communities & Local Government,3228893.86\n"
            "Veolia ES (UK) Ltd,2037315.80\n")
    result, rows = load(db, "2011-01-payments.csv", text)
    assert result.status == "rejected" and rows == []
    assert "looks like totals by supplier" in result.report.errors[0].message
