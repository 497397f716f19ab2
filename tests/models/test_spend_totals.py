"""The spend explorer's summary tables (migration 100), the district view, the top-N charts'
'all others' row and the short money labels. Figures worked by hand from the framework's
2008/09 table (data/seed/spend_2008_09.csv)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from models import spend, store
from models.formatting import money_short
from tests.helpers import assert_summaries_exact, row, stored_totals


def test_seeded_summaries_hold_the_documents_totals(db):
    assert_summaries_exact(db)
    # The framework's grand totals: local government £3,103,486.94, the PCT £1,096,680.98.
    by_body = db.execute("SELECT body_type, SUM(amount_pence) FROM spend_totals_by_place GROUP BY body_type").fetchall()
    assert dict(by_body) == {"local_government": 310348694, "health": 109668098}


def test_every_write_keeps_the_summaries_exact(db):
    with store.transaction(db):
        db["spend"].insert_all([row("t|1", 1000), row("t|2", 250, third_sector=0), row("t|3", 99, district="Macclesfield")])
    assert_summaries_exact(db)
    with store.transaction(db):
        db.execute("UPDATE spend SET amount_pence = 1500 WHERE uid = 't|1'")
        db.execute("UPDATE spend SET third_sector = 1 WHERE uid = 't|2'")  # a supplier recognised later
        db.execute("UPDATE spend SET district = 'Congleton' WHERE uid = 't|3'")
    assert_summaries_exact(db)
    with store.transaction(db):
        db.execute("DELETE FROM spend WHERE uid IN ('t|1', 't|2', 't|3')")
    assert_summaries_exact(db)
    # Nothing left behind: the 2009/10 keys are gone again, not kept at zero.
    assert db.execute("SELECT COUNT(*) FROM spend_totals WHERE financial_year = '2009/10'").fetchone()[0] == 0


def test_bulk_insert_counts_each_row_once_as_it_finally_stands(db):
    existing = db.execute("SELECT id FROM spend WHERE uid LIKE 'seed|2008/09|local_government|Macclesfield%' "
                          "AND amount_pence = 14500").fetchone()[0]  # Legal & Democratic, £145
    with store.transaction(db):
        with spend.bulk_totals(db):
            db["spend"].insert_all([row(f"b|{i}", 100 + i) for i in range(50)])
            db.execute("UPDATE spend SET amount_pence = 7 WHERE uid = 'b|3'")       # new row, changed
            db.execute("DELETE FROM spend WHERE uid = 'b|4'")                       # new row, removed
            db.execute("UPDATE spend SET amount_pence = 14600 WHERE id = :id", {"id": existing})  # old row, changed
        assert db.execute("SELECT COUNT(*) FROM spend_totals_pause").fetchone()[0] == 0
    assert_summaries_exact(db)
    # 49 rows: 100..149 pence less 103 and 104, plus 7.
    grants = spend.headline(db, spend.SpendFilter(years=("2009/10",)))
    assert (grants.total_pence, grants.records) == (sum(range(100, 150)) - 103 - 104 + 7, 49)


def test_bulk_totals_refuses_outside_a_transaction(db):
    with pytest.raises(RuntimeError, match="write transaction"):
        with spend.bulk_totals(db):
            pass


def test_a_failed_bulk_write_leaves_the_summaries_as_they_were(db):
    before = {table: stored_totals(db, table) for table, _ in spend.SUMMARIES}
    with pytest.raises(ZeroDivisionError):
        with store.transaction(db):
            with spend.bulk_totals(db):
                db["spend"].insert_all([row("f|1", 500)])
                1 / 0
    assert {table: stored_totals(db, table) for table, _ in spend.SUMMARIES} == before
    assert db.execute("SELECT COUNT(*) FROM spend_totals_pause").fetchone()[0] == 0


def test_district_view_keeps_area_wide_spend_on_its_own_line(db):
    view = spend.page_view(db, spend.SpendFilter(districts=("Macclesfield",)))
    # Macclesfield Borough Council: contracts 70,150.00 + 5,000.00; grants 148,530.00 +
    # 29,650.00 + 145.00 + 56,395.00.
    assert view.headline.contract_pence == 7515000
    assert view.headline.grant_pence == 23472000
    assert view.headline.total_pence == 30987000
    # Cheshire County Council (Cheshire East-wide): 1,617,718.94 + 162,028.00 + 117,394.50
    # + 290,309.00 + 40,373.00 + 13,466.50, beside the district's figure, not in it.
    assert view.area_wide.total_pence == 224128994
    assert list(view.by_district["district"]) == ["Macclesfield"]


def test_no_district_chosen_shows_area_wide_spend_as_a_bar_of_its_own(db):
    view = spend.page_view(db)
    assert view.area_wide is None
    by_district = dict(zip(view.by_district["district"], view.by_district["total"]))
    assert by_district[spend.COUNTY_WIDE] == 224128994
    assert sum(by_district.values()) == 310348694


def test_the_view_reads_only_the_summary_tables(db):
    statements: list[str] = []
    execute = db.execute

    def recorded(sql, params=None):
        statements.append(sql)
        return execute(sql, params)

    db.execute = recorded  # every statement the view sends, on either engine
    spend.page_view(db, spend.SpendFilter(districts=("Macclesfield",), years=("2008/09",)))
    spend.filter_options(db)
    del db.execute
    assert statements and not [s for s in statements if " FROM spend " in s + " "]


def test_top_with_others_keeps_the_whole_total():
    split = pd.DataFrame({
        "authority": [f"A{i:02d}" for i in range(13)],
        "contract": [100] * 13, "grant": [i for i in range(13)],
    })
    split["total"] = split["contract"] + split["grant"]
    split["rows"] = 1
    split = split.sort_values("total", ascending=False).reset_index(drop=True)
    shown = spend.top_with_others(split, "authority", top=10)
    assert len(shown) == 11
    others = shown.iloc[-1]
    assert others["authority"] == "All other 3 authorities" and bool(others["others"])
    # The three smallest: totals 100, 101 and 102 (grants 0, 1, 2).
    assert (others["contract"], others["grant"], others["total"], others["rows"]) == (300, 3, 303, 3)
    assert shown["total"].sum() == split["total"].sum()
    assert len(spend.top_with_others(split.head(10), "authority", top=10)) == 10
    # Eleven: the eleventh is a bar of its own, never 'All other 1 authorities'.
    eleven = spend.top_with_others(split.head(11), "authority", top=10)
    assert list(eleven["authority"]) == list(split.head(11)["authority"]) and not eleven["others"].any()


@pytest.mark.parametrize("pence, label", [
    (14500, "£145"), (7015000, "£70.2k"), (161771894, "£1.62m"), (1, "£0"), (-14500, "-£145"),
    (2241289994, "£22.4m"), (123456789012, "£1.23bn"),
])
def test_short_money_labels(pence, label):
    assert money_short(pence) == label


def test_command_line_district_view(db_path, run_cli):
    result = run_cli("spend", "--db", str(db_path), "--district", "Macclesfield", "--by", "funding_type", "--format", "json")
    assert result.exit_code == 0, result.stderr
    # Macclesfield Borough Council: contracts 70,150.00 + 5,000.00; grants 148,530.00 + 29,650.00 + 145.00 + 56,395.00.
    assert json.loads(result.stdout) == [{"funding_type": "contract", "amount": 75150.0},
                                         {"funding_type": "grant", "amount": 234720.0}]
