"""The full cost recovery page through app.py (AppTest): the worked example is calculated
and labelled fictional; Calculate applies the plan settings; a new costing starts empty;
a costing saves to the database and loads back."""

from __future__ import annotations

from models import scenarios
from tests.pages.conftest import axis_lines, chart_specs, metrics, run_page


def table(app, *columns: str):
    """The first result table (not an input grid) with all of ``columns``."""
    for frame in app.dataframe:
        if not str(frame.key or "").endswith(("_grid.1", "_grid.2", "_grid.3")) and set(columns) <= set(frame.value.columns):
            return frame.value
    raise AssertionError(f"no table with columns {columns}")



def test_worked_example_is_calculated_and_labelled_fictional(db_path):
    app = run_page("cost_recovery.py")
    assert not app.exception
    shown = metrics(app)
    assert shown["Full cost of all projects (year 1)"] == "£399,000.00"
    assert shown["Overheads shared out"] == "£108,000.00"
    assert shown["Overhead rate (overheads ÷ direct costs)"] == "37.1%"
    assert shown["Unrestricted income needed over 3 years"] == "£239,415.22"
    assert any("Fictional worked example" in w.value for w in app.warning)
    assert any("ACEVO" in c.value and "HM Treasury" in c.value for c in app.caption)
    summary = table(app, "Overhead rate", "Share of total")
    assert list(summary["Overhead rate"]) == ["44.1%", "33.8%", "30.8%", "37.1%"]
    assert summary.iloc[-1]["Full cost (£)"] == 399000.00


def test_calculate_applies_the_plan_settings(db_path):
    app = run_page("cost_recovery.py")
    app.number_input(key="fcr.years").set_value(1)
    app.number_input(key="fcr.cap").set_value(15.0)
    app.button(key="fcr.calculate").click().run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    # Cap 15%: funded = direct x 1.15; shortfalls 158,476.85-126,500 + 171,208.44-147,200 + 69,314.71-60,950.
    assert metrics(app)["Unrestricted income needed over 1 year"] == "£64,350.00"
    plan = table(app, "Year", "Direct costs (£)")
    assert set(plan["Year"]) == {"Year 1"}


def test_funding_basis_offer_uses_each_projects_offer(db_path):
    app = run_page("cost_recovery.py")
    app.radio(key="fcr.funding_basis").set_value("offer")
    app.button(key="fcr.calculate").click().run()
    gap = table(app, "Shortfall (£)")
    # Befriending has no offer, so it is left out; Youth club 158,476.85 against 115,000.
    assert set(gap["Project"]) == {"Youth club", "Debt advice"}
    first = gap[(gap["Year"] == "Year 1") & (gap["Project"] == "Youth club")].iloc[0]
    assert first["Shortfall (£)"] == 43476.85


def test_new_costing_starts_empty_and_asks_for_input(db_path):
    app = run_page("cost_recovery.py")
    app.button(key="fcr.new").click().run()
    assert not app.exception
    assert not app.metric
    assert any("press Calculate" in i.value for i in app.info)
    app.button(key="fcr.calculate").click().run()
    assert any("cannot be calculated" in e.value for e in app.error)
    assert any("Add at least one project" in e.value for e in app.error)


def test_save_and_load_a_costing(db_path, db):
    app = run_page("cost_recovery.py")
    app.session_state["fcr.scenario.open"] = True  # the panel is drawn once opened
    app.run()
    app.text_input(key="fcr.scenario.save_name").set_value("Page test costing")
    app.button(key="fcr.scenario.save").click().run()
    assert not app.exception
    saved = scenarios.load(db, "cost_recovery", "Page test costing")
    assert saved.body["fictional"] is True and len(saved.body["projects"]) == 3
    app.button(key="fcr.new").click().run()
    assert not app.metric
    app.selectbox(key="fcr.scenario.saved_choice").select_index(0)
    app.button(key="fcr.scenario.load_saved").click().run()
    assert not app.exception
    assert metrics(app)["Full cost of all projects (year 1)"] == "£399,000.00"


def test_an_extra_driver_becomes_a_project_column(db_path):
    app = run_page("cost_recovery.py")
    app.text_input(key="fcr.extra_drivers").set_value("volunteers, vehicle miles")
    app.button(key="fcr.calculate").click().run()
    assert not app.exception
    grid = [d for d in app.dataframe if str(d.key or "").startswith("fcr.projects_grid.")][0]
    assert {"volunteers", "vehicle miles"} <= set(grid.value.columns)
    assert metrics(app)["Full cost of all projects (year 1)"] == "£399,000.00"


def test_full_cost_chart_fits_a_phone(db_path):
    """The stacked bar's legend ran off a 390 px screen in two columns: one column now,
    project names on lines of their own, and a height with room for both."""
    app = run_page("cost_recovery.py")
    assert not app.exception
    (spec,) = [s for s in chart_specs(app) if "Direct costs and each overhead pool" in str(s["title"]["text"])]
    legend = spec["encoding"]["color"]["legend"]
    assert legend["columns"] == 1 and legend["orient"] == "bottom"
    parts = spec["encoding"]["color"]["scale"]["domain"]
    assert parts[0] == "Direct costs" and len(parts) == 5  # direct costs and the example's four pools
    assert axis_lines(spec["encoding"]["y"])["Befriending older people"] == ["Befriending older", "people"]
    assert spec["height"] == 56 * 3 + 20 * (5 + 1) + 150
    assert ("Stacked bar chart of the full cost of 3 projects, £399,000.00 in all: each bar is the project's direct "
            "costs followed by its share of each of 4 overhead pools.") in [c.value for c in app.caption]
