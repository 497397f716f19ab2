"""Social return on investment (SROI): edit the impact map, see the ratio, where the value
goes, how sensitive it is and how uncertain; save, compare and export."""

import streamlit as st

from models import scenarios, sroi
from models.errors import DomainError
from ui import plain, show_problems
from ui import sroi as sroi_ui
from ui.charts import show_chart
from ui.entry import FORM, entry_mode
from ui.data import database
from ui.downloads import XLSX_MIME
from ui.format import money_column_config, money_from_pounds
from ui.scenarios import save_load_panel

st.title("Social return on investment (SROI)")
st.write(
    "A quick but honest estimate of the social value a service creates for each pound invested, "
    "done the way the SROI guide (Cabinet Office, 2009; revised 2012) sets out: every outcome is "
    "reduced for deadweight, displacement and attribution, fades by its drop-off and is discounted."
)

body = sroi_ui.buffer()
if body.get("fictional"):
    st.warning(
        "This is a **fictional example** (an invented befriending service) to show how the estimator works. "
        "Replace the figures with your own, or load a saved scenario.",
        icon=":material/science:",
    )

blank_column, example_column = st.columns(2)
if blank_column.button("Start a blank impact map", key="sroi.blank", width="stretch"):
    sroi_ui.load_into_buffer(dict(sroi_ui.BLANK_BODY))
    st.rerun()
if example_column.button("Show the fictional example", key="sroi.example", width="stretch"):
    sroi_ui.load_into_buffer(sroi_ui.example_body())
    st.rerun()

loaded = save_load_panel("sroi", st.session_state.get("sroi.current", body), key="sroi.scenarios")
if loaded is not None:
    try:
        sroi.parse_scenario(loaded)
    except DomainError as error:
        show_problems(error, "That scenario cannot be used.")
    else:
        sroi_ui.load_into_buffer(loaded)
        st.rerun()

st.subheader("Impact map")
mode = entry_mode("sroi")
if sroi_ui.switched_to_form(mode):
    body = sroi_ui.buffer()
settings_column, investment_column = st.columns([3, 2])
with settings_column:
    name = st.text_input("Scenario name", value=body.get("name", ""), key=sroi_ui.grid_key("name"))
    rate_percent = st.number_input(
        "Discount rate (%)", min_value=0.0, max_value=99.0, step=0.5, format="%.2f",
        value=float(body.get("discount_rate", sroi.GREEN_BOOK_DISCOUNT_RATE)) * 100, key=sroi_ui.grid_key("discount_rate"),
        help="3.5% is the HM Treasury Green Book rate.",
    )
    convention_body = body.get("convention") or {}
    year_one_discounted = st.toggle(
        "Discount year 1 (the SROI guide's convention)", value=convention_body.get("year_one_discounted", True),
        key=sroi_ui.grid_key("year_one_discounted"),
    )
    drop_off_from_year_one = st.toggle(
        "Drop-off starts in year 1 (the guide starts it in year 2)", value=convention_body.get("drop_off_from_year_one", False),
        key=sroi_ui.grid_key("drop_off_from_year_one"),
    )
with investment_column:
    st.markdown("**Investment (inputs)**")
    investment_grid = st.data_editor(
        sroi.investment_frame(body), num_rows="dynamic", hide_index=True, width="stretch",
        column_config={"Input": st.column_config.TextColumn("Input"), "Amount (£)": money_column_config("Amount (£)")},
        key=sroi_ui.grid_key("investment"),
    )

if mode == FORM:
    st.caption("One outcome at a time: the form checks what you type as you go. Percentages run from 0 to 100.")
    saved_map = sroi_ui.outcome_form(sroi.impact_map_frame(body))
    impact_grid = sroi.impact_map_frame(body)
else:
    st.caption(
        "One row for each outcome. Percentages run from 0 to 100. Add a row with the + at the bottom of the table; "
        "select rows and press Delete to remove them."
    )
    saved_map = None
    impact_grid = st.data_editor(
        sroi.impact_map_frame(body), num_rows="dynamic", hide_index=True, width="stretch",
        column_config=sroi_ui.impact_map_column_config(), key=sroi_ui.grid_key("impact_map"),
    )

ranges = {o.get("name"): o["ranges"] for o in body.get("outcomes") or [] if o.get("ranges")}
current = {
    "name": name,
    "investment": sroi.investment_from_frame(investment_grid),
    "discount_rate": rate_percent / 100,
    "convention": {"year_one_discounted": year_one_discounted, "drop_off_from_year_one": drop_off_from_year_one},
    "outcomes": sroi.outcomes_from_impact_map(impact_grid, ranges),
}
if body.get("fictional"):
    current["fictional"], current["notes"] = True, body.get("notes", "")
st.session_state["sroi.current"] = current
if saved_map is not None:
    sroi_ui.load_into_buffer({**current, "outcomes": sroi.outcomes_from_impact_map(saved_map, ranges)})
    st.rerun()

with_proxy = sroi_ui.proxy_panel(current)
if with_proxy is not None:
    sroi_ui.load_into_buffer(with_proxy)
    st.rerun()

if not current["outcomes"]:
    st.info("Add the investment and at least one outcome to the impact map to see the results.", icon=":material/edit:")
    st.stop()
try:
    scenario = sroi.parse_scenario(current)
except DomainError as error:
    show_problems(error, "Fix the impact map to see results.")
    st.stop()

result = sroi.calculate(scenario)
figures = sroi.penny_figures(result)
st.info(f"{result.convention.describe()}; discount rate {scenario.discount_rate:.2%}.", icon=":material/rule:")
ratio, present = st.columns(2)
ratio.metric("SROI ratio", sroi.ratio_text(result.sroi_ratio), help="Present value of the outcomes for each £1 invested")
ratio.caption(f"Net ratio {sroi.ratio_text(result.net_sroi_ratio)}")
present.metric("Present value", money_from_pounds(figures.present_value))
present.caption(f"Investment {money_from_pounds(figures.investment)}")
net, payback = st.columns(2)
net.metric("Net present value", money_from_pounds(figures.net_present_value))
payback.metric("Payback", sroi.payback_text(result.payback_months), help="Investment divided by a month of year-1 value")

sroi_ui.full_cost_panel(scenario, result)

for warning in sroi.honesty_warnings(scenario, result):
    st.warning(warning, icon=":material/warning:")

# Only the chosen tab runs and is drawn (its charts and tables cost the browser most of a
# visit); the choice is kept in the page address (?sroi.tab=Sensitivity).
value_tab, sensitivity_tab, uncertainty_tab, compare_tab = st.tabs(
    ["Where the value goes", "Sensitivity", "Uncertainty", "Compare scenarios"], key="sroi.tab", bind="query-params"
)
money_config = {c: money_column_config(c) for c in ("Amount (£)", "Present value (£)", "Value (£)")}

with value_tab:
    if value_tab.open:  # only the chosen tab runs
        waterfall = sroi.waterfall_table(result)
        show_chart(
            sroi_ui.waterfall_chart(waterfall),
            title="From gross value to present value",
            description=(
                f"Waterfall: gross value {money_from_pounds(waterfall['Amount (£)'].iloc[0])} over every outcome's duration, "
                "less what deadweight, displacement, attribution, drop-off and discounting each remove, "
                f"leaves a present value of {money_from_pounds(figures.present_value)}."
            ),
            table=waterfall.drop(columns=["Start", "End", "Kind"]),
            key="sroi.waterfall",
            lazy_table=True,
            table_column_config=money_config,
        )
        stakeholders = sroi.stakeholder_table(result)
        show_chart(
            sroi_ui.stakeholder_chart(stakeholders),
            title="Present value by stakeholder",
            description=f"Bar chart of present value by stakeholder ({len(stakeholders)} in all); the largest is {stakeholders['Stakeholder'].iloc[0]}.",
            table=stakeholders,
            key="sroi.by_stakeholder",
            lazy_table=True,
            table_column_config=money_config,
        )
        years = sroi.year_table(result)
        show_chart(
            sroi_ui.year_chart(years),
            title="Present value by year",
            description=f"Stacked bars of present value in each year (years 1 to {years['Year'].max()}), split by stakeholder.",
            table=years,
            key="sroi.by_year",
            lazy_table=True,
            table_column_config=money_config,
        )

with sensitivity_tab:
    if sensitivity_tab.open:  # only the chosen tab runs
        st.write(
            "Each estimate moved to the low and high ends of its range, one at a time. Ranges come from the scenario "
            "where it gives them; otherwise quantities, proxies and the investment move by 20%, percentages by 10 points, "
            "durations by a year and the discount rate by 2 points."
        )
        tornado_rows, switching = sroi_ui.sensitivity(current)
        shown_rows = tornado_rows[:12]
        show_chart(
            sroi_ui.tornado_chart(shown_rows, result.sroi_ratio),
            title="What moves the ratio most",
            description=(
                f"Tornado chart of the {len(shown_rows)} estimates that move the ratio most; the black line is the ratio now "
                f"({sroi.ratio_text(result.sroi_ratio)}). The largest swing comes from {shown_rows[0].label}."
                if shown_rows else "No estimate has a range."
            ),
            table=sroi.tornado_table(tornado_rows),
            key="sroi.tornado",
            lazy_table=True,
        )
        st.markdown("**Switching values: what would bring the ratio to £1 : £1**")
        st.dataframe(sroi.switching_table(switching), hide_index=True, width="stretch", key="sroi.switching")

with uncertainty_tab:
    if uncertainty_tab.open:  # only the chosen tab runs
        simulations = st.number_input(
            "Simulations", min_value=1_000, max_value=200_000, value=sroi.DEFAULT_SIMULATIONS, step=1_000, key="sroi.simulations",
            bind="query-params",  # kept while another tab is open, for the workbook too
            help="Every estimate is drawn at random from its range (most likely at the value you entered); the seed is fixed, so results repeat.",
        )
        uncertainty = sroi_ui.uncertainty(current, int(simulations))
        low, middle, high, below = st.columns(4)
        low.metric("10th percentile", sroi.ratio_text(uncertainty.p10))
        middle.metric("Median", sroi.ratio_text(uncertainty.p50))
        high.metric("90th percentile", sroi.ratio_text(uncertainty.p90))
        below.metric("Chance below £1 : £1", f"{uncertainty.probability_below_one:.1%}")
        show_chart(
            sroi_ui.uncertainty_chart(uncertainty),
            title="How uncertain the ratio is",
            description=(
                f"Histogram of {uncertainty.simulations:,} simulated ratios: 8 in 10 fall between {sroi.ratio_text(uncertainty.p10)} "
                f"and {sroi.ratio_text(uncertainty.p90)}; {uncertainty.probability_below_one:.1%} fall below £1 : £1."
            ),
            table=sroi.uncertainty_table(uncertainty),
            key="sroi.uncertainty",
            lazy_table=True,
        )

with compare_tab:
    if compare_tab.open:  # only the chosen tab runs
        with database() as db:
            saved = scenarios.list_saved(db, "sroi")
        if not saved:
            st.caption("Save scenarios (Save or load a scenario, above) to compare them here with the one on screen.")
        else:
            options = ["(the scenario on screen)"] + [s.name for s in saved]
            first, second = st.columns(2)
            left = first.selectbox("First scenario", options, index=0, key="sroi.compare_first")
            right = second.selectbox("Second scenario", options, index=1, key="sroi.compare_second")
            bodies = {s.name: s.body for s in saved}
            named = {}
            try:
                for choice in (left, right):
                    label = scenario.name + " (on screen)" if choice == options[0] else choice
                    named[label] = result if choice == options[0] else sroi.calculate(sroi.parse_scenario(bodies[choice]))
            except DomainError as error:
                st.error(f"'{plain(choice)}' cannot be calculated: {plain(error)}")
            else:
                st.dataframe(sroi.comparison_table(named), hide_index=True, width="stretch", key="sroi.comparison")

simulations_chosen = int(st.session_state.get("sroi.simulations") or st.query_params.get("sroi.simulations")
                         or sroi.DEFAULT_SIMULATIONS)


def workbook() -> bytes:
    """The impact map and every result (built when asked for; the tabs' figures are cached)."""
    tornado_rows, switching = sroi_ui.sensitivity(current)
    return sroi_ui.workbook(current, result, tornado_rows, switching, sroi_ui.uncertainty(current, simulations_chosen))


st.download_button(
    "Download the impact map and results (Excel)",
    data=workbook,
    file_name=f"sroi-{(scenario.name or 'scenario').strip().replace(' ', '-').lower()[:60]}.xlsx",
    mime=XLSX_MIME,
    key="sroi.download_xlsx",
)
