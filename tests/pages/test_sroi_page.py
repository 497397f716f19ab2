"""The SROI page (AppTest): the fictional example, a scenario put in the grid's buffer,
conventions, errors naming the outcome and field, save and compare."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.pages.conftest import chart_specs, metrics, run_page



def simple_body(**outcome_changes) -> dict:
    outcome = {"name": "Fewer falls", "stakeholder": "Older people", "quantity": 10, "proxy_value": 1000,
               "proxy_source": "test", "deadweight": 0.2, "attribution": 0.25, "duration_years": 1}
    outcome.update(outcome_changes)
    return {"name": "Page test", "investment": 5000, "discount_rate": 0.0, "outcomes": [outcome]}


def run_with(body: dict) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    app.run()
    app.switch_page("app_pages/sroi.py")
    app.session_state["sroi.buffer"] = body
    app.session_state["sroi.grid_version"] = 1
    app.run()
    return app


def test_example_is_labelled_fictional_and_reconciles(db_path):
    app = run_page("sroi.py")
    assert not app.exception
    assert any("fictional example" in w.value for w in app.warning)
    shown = metrics(app)
    assert shown["SROI ratio"] == "£5.17 : £1"
    assert shown["Present value"] == "£258,304.07"
    assert shown["Net present value"] == "£208,304.07"
    assert shown["Payback"] == "5.7 months"
    assert any("SROI guide convention: year 1 discounted, drop-off from year 2" in i.value for i in app.info)


def test_waterfall_names_every_step_on_a_phone(db_path):
    """The steps run down the page with their names on the left (side by side, a 390 px
    phone dropped most of the names), with room for seven bars and the frame."""
    app = run_page("sroi.py")
    (spec,) = [s for s in chart_specs(app) if s["title"]["text"] == ["From gross value to present value"]]
    assert spec["encoding"]["y"]["field"] == "Step" and spec["encoding"]["x2"]["field"] == "End"
    assert spec["encoding"]["y"]["sort"] == ["Gross value", "Deadweight", "Displacement", "Attribution", "Drop-off",
                                             "Discounting", "Present value"]
    assert spec["height"] == 40 * 7 + 150


def test_a_hand_calculated_scenario(db_path):
    # impact = 10 x 1000 x 0.8 x 0.75 = 6,000; r = 0 so PV = 6,000; ratio 1.2; payback 5000 / 500 = 10 months
    app = run_with(simple_body())
    assert not app.exception
    shown = metrics(app)
    assert shown["SROI ratio"] == "£1.20 : £1"
    assert shown["Present value"] == "£6,000.00"
    assert shown["Net present value"] == "£1,000.00"
    assert shown["Payback"] == "10.0 months"
    # no displacement is fine; but the honesty check for duration and sources stays quiet
    assert not [w for w in app.warning if "Fewer falls" in w.value]


def test_convention_toggle_changes_result_and_label(db_path):
    app = run_with(simple_body(drop_off=0.5, duration_years=2))
    assert metrics(app)["Present value"] == "£9,000.00"          # 6,000 + 3,000
    app.toggle(key="sroi.drop_off_from_year_one.1").set_value(True).run()
    assert metrics(app)["Present value"] == "£4,500.00"          # 3,000 + 1,500
    assert any("Alternative convention: year 1 discounted, drop-off from year 1" in i.value for i in app.info)


def test_bad_values_name_the_outcome_and_field(db_path):
    app = run_with(simple_body(deadweight=1.5))
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert "Outcome 1 'Fewer falls': deadweight must be between 0 and 1" in errors
    assert "SROI ratio" not in metrics(app)


def test_honesty_warnings_show(db_path):
    app = run_with(simple_body(deadweight=0, proxy_source="", duration_years=7))
    text = " ".join(w.value for w in app.warning)
    assert "no deadweight" in text and "7 years" in text and "no source" in text


def test_save_then_compare(db_path):
    app = run_with(simple_body())
    app.session_state["sroi.scenarios.open"] = True  # the panel is drawn once opened
    app.run()
    app.text_input(key="sroi.scenarios.save_name").set_value("Falls service")
    app.button(key="sroi.scenarios.save").click().run()
    assert any("Saved 'Falls service'" in s.value for s in app.success)
    app.query_params["sroi.tab"] = "Compare scenarios"  # only the chosen tab is drawn
    app.run()
    comparison = app.dataframe[-1].value   # the comparison is the last table drawn
    assert list(comparison.columns)[0] == "Measure"
    ratios = comparison[comparison["Measure"] == "SROI ratio"].iloc[0].tolist()[1:]
    assert ratios == ["£1.20 : £1", "£1.20 : £1"]


def test_proxy_library_adds_an_outcome_rebased_with_deflators(db_path):
    from models import proxies, store

    with store.opened(db_path) as db:
        proxies.save_deflators(db, {2019: (100.0, "test"), 2024: (118.0, "test")})
    app = run_with(simple_body())
    app.session_state["sroi.proxies_open"] = True  # the library is drawn once opened
    app.run()
    assert app.number_input(key="sroi.price_year").value == 2024
    library = app.dataframe[2].value   # investment, impact map, then the library
    assert library.loc[0, "Pounds at 2024 prices"] == 15340.0
    app.selectbox(key="sroi.proxy_choice").set_value("Wellbeing: one WELLBY (central value)")
    app.button(key="sroi.add_proxy_outcome").click().run()
    outcomes = app.session_state["sroi.buffer"]["outcomes"]
    assert len(outcomes) == 2
    assert outcomes[1]["proxy_value"] == 15340.0 and outcomes[1]["proxy_price_year"] == 2024
    assert "Open Government Licence v3.0" in outcomes[1]["proxy_source"]
    errors = " ".join(e.value for e in app.error)
    assert "Outcome 2 'Wellbeing: one WELLBY (central value)' is only partly filled: give its quantity" in errors


def test_ratio_on_a_saved_full_cost_recovery_costing(db_path):
    import json

    from models import cost_recovery, scenarios, store

    costing = json.loads((ROOT / "data" / "examples" / "fcr_example.json").read_text())
    with store.opened(db_path) as db:
        scenarios.save(db, cost_recovery.KIND, "Page test costing", costing)
    full_cost = cost_recovery.project_full_costs(costing)["Befriending older people"]
    app = run_with(simple_body())          # present value £6,000 on £5,000 invested
    app.session_state["sroi.full_cost_open"] = True  # drawn once its expander is opened
    app.run()
    app.selectbox(key="sroi.fcr_project").set_value("Befriending older people").run()
    shown = metrics(app)
    assert shown["Ratio on the investment entered"] == "£1.20 : £1"
    assert shown["Ratio on the project's full cost"] == f"£{6000 / full_cost:,.2f} : £1"


def test_workbook_labels_fictional_data_and_reconciles():
    import io
    import json

    import openpyxl

    from models import sroi
    from ui import sroi as sroi_ui

    body = json.loads((ROOT / "data" / "examples" / "sroi_example.json").read_text())
    scenario = sroi.parse_scenario(body)
    result = sroi.calculate(scenario)
    data = sroi_ui.workbook(body, result, sroi.tornado(scenario), sroi.switching_values(scenario), sroi.monte_carlo(scenario, 1000))
    book = openpyxl.load_workbook(io.BytesIO(data))
    about = [row[0] for row in book["About"].iter_rows(values_only=True)]
    assert any("FICTIONAL DEMONSTRATION DATA" in str(line) for line in about)
    assert any("SROI guide convention" in str(line) for line in about)
    by_outcome = list(book["By outcome"].iter_rows(values_only=True))
    column = by_outcome[0].index("Present value (£)")
    assert round(sum(row[column] for row in by_outcome[1:]), 2) == 258304.07
    assert book["By outcome"].cell(row=2, column=column + 1).number_format == '"£"#,##0.00'


def test_only_the_chosen_tab_is_drawn_and_the_workbook_needs_none_open(db_path):
    """The tabs' charts and tables are drawn only for the tab chosen (kept in the address),
    and a chart's table only once its expander is opened."""
    app = run_with(simple_body())
    titles = [s["title"]["text"][0] for s in chart_specs(app)]
    assert titles == ["From gross value to present value", "Present value by stakeholder", "Present value by year"]
    assert [e.label for e in app.expander if e.label.startswith("Table: ")] == [
        "Table: From gross value to present value", "Table: Present value by stakeholder", "Table: Present value by year"]
    drawn = len(app.dataframe)
    app.session_state["sroi.waterfall.table_open"] = True
    app.run()
    assert len(app.dataframe) == drawn + 1
    app.query_params["sroi.tab"] = "Uncertainty"
    app.run()
    assert [s["title"]["text"][0] for s in chart_specs(app)] == ["How uncertain the ratio is"]
    assert "Chance below £1 : £1" in metrics(app)
