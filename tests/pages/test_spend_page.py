"""The spend explorer page (AppTest): the district view, blank money cells, labelled small
bars, the top-N charts and titles that wrap. Figures worked by hand from the framework's
2008/09 table (data/seed/spend_2008_09.csv)."""

from __future__ import annotations

import json

from tests.pages.conftest import metrics, run_page


def chart_specs(app) -> list[dict]:
    """The Vega-Lite specs of the page's charts, each with its data sets as lists of
    records under "datasets" (Streamlit sends them as Arrow beside the spec)."""
    import pyarrow as pa

    specs = []
    for chart in app.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        spec["datasets"] = {
            d.name: pa.ipc.open_stream(d.data.data).read_pandas().to_dict(orient="records") for d in chart.proto.datasets
        }
        specs.append(spec)
    return specs


def test_district_view_has_its_own_figures_and_area_wide_line(db_path):
    app = run_page("spend.py", {"spend.district": "Macclesfield"})
    assert not app.exception
    shown = metrics(app)
    # Macclesfield Borough Council's six cells: contracts 70,150.00 + 5,000.00 = 75,150.00;
    # grants 148,530.00 + 29,650.00 + 145.00 + 56,395.00 = 234,720.00.
    assert shown["Total spend in Macclesfield"] == "£309,870.00"
    assert shown["Contracts"] == "£75,150.00"
    assert shown["Grants"] == "£234,720.00"
    # Cheshire County Council's Cheshire East-wide spend, on its own line, not in the total:
    # 1,617,718.94 + 162,028.00 + 117,394.50 + 290,309.00 + 40,373.00 + 13,466.50.
    assert shown["Area-wide spend, not in the total above"] == "£2,241,289.94"
    assert any("not shared out between districts" in c.value for c in app.caption)


def test_no_district_keeps_the_documents_total(db_path):
    app = run_page("spend.py")
    shown = metrics(app)
    assert shown["Total spend"] == "£3,103,486.94"
    assert "Area-wide spend, not in the total above" not in shown
    by_district = [d.value for d in app.dataframe if "District" in d.value.columns][0]
    totals = dict(zip(by_district["District"], by_district["Total (£)"]))
    assert totals == {"Cheshire East-wide": 2241289.94, "Macclesfield": 309870.00,
                      "Crewe and Nantwich": 290467.00, "Congleton": 261860.00}


def test_document_table_leaves_empty_money_cells_blank_and_puts_money_first(db_path):
    app = run_page("spend.py", {"spend.district": "Macclesfield"})
    table = app.dataframe[-1].value
    # On a phone the pinned first column and the grand total are what shows: the department
    # (or which total the line is), then the money, then the authority.
    assert list(table.columns) == ["Department or total", "Grand Total", "Contract", "Grant", "Administering authority"]
    assert table["Department or total"].tolist()[-2:] == ["Macclesfield Borough Council Total", "Grand Total"]
    legal = table[table["Department or total"] == "Legal & Democratic"].iloc[0]
    assert (legal["Contract"], legal["Grant"], legal["Grand Total"]) == ("", "£145.00", "£145.00")
    assert "None" not in table.to_string()
    grand = table[table["Administering authority"] == "Grand Total"].iloc[0]
    assert (grand["Contract"], grand["Grant"], grand["Grand Total"]) == ("£75,150.00", "£234,720.00", "£309,870.00")


def test_a_145_pound_bar_is_labelled(db_path):
    app = run_page("spend.py", {"spend.district": "Macclesfield"})
    department_chart = [s for s in chart_specs(app) if "Department" in json.dumps(s["layer"][0]["encoding"]["y"])][0]
    labels = {row["department"]: row["Label"] for data in department_chart["datasets"].values()
              for row in data if "Label" in row}
    assert labels["Legal & Democratic"] == "£145"
    assert labels["Community & Well-being"] == "£149k"  # 148,530.00


def test_chart_titles_wrap_for_a_phone(db_path):
    app = run_page("spend.py")
    for spec in chart_specs(app):
        lines = spec["title"]["text"]
        assert isinstance(lines, list) and all(len(line) <= 38 for line in lines)
    assert chart_specs(app)[0]["title"]["text"] == ["Spend by administering authority,", "contract and grant"]


def test_charts_show_the_top_ten_and_all_others(db_path):
    from models import spend, store
    from tests.helpers import row

    with store.opened(db_path) as db, store.transaction(db):
        # Twelve more authorities, £1 to £12 each, beside the seed's four local government ones: 16.
        db["spend"].insert_all([row(f"p|{i}", (i + 1) * 100, authority=f"Parish {i + 1:02d} (fictional)") for i in range(12)])
    app = run_page("spend.py")
    authority_chart = chart_specs(app)[0]
    bars = {r["authority"] for data in authority_chart["datasets"].values() for r in data if "Label" in r}
    assert len(bars) == 11 and "All other 6 authorities" in bars
    others = [r for data in authority_chart["datasets"].values() for r in data
              if r.get("authority") == "All other 6 authorities" and "Label" in r][0]
    assert others["Total (£)"] == 21.0  # Parishes 01 to 06: £1 + £2 + £3 + £4 + £5 + £6
    table = [d.value for d in app.dataframe if "Administering authority" in d.value.columns][0]
    assert len(table) == 16 and metrics(app)["Total spend"] == "£3,103,564.94"  # + £78 (1 + ... + 12)
    assert spend.COUNTY_WIDE in {d for d in app.dataframe[2].value["District"]}
