"""Full cost recovery: what each project really costs once its fair share of overheads is
added, what to ask funders for over several years, and the gap an offer or cap leaves."""

import streamlit as st

from models import cost_recovery as fcr
from models.errors import ScenarioError
from ui import cost_recovery as fcr_ui
from ui import plain, show_problems
from ui.charts import show_chart
from ui.entry import FORM, entry_mode
from ui.format import count_of, money, money_from_pounds, percent
from ui.scenarios import save_load_panel

st.title("Full cost recovery")
st.write(
    "Work out what each project really costs once its fair share of the organisation's "
    "overheads (premises, finance, HR and IT, governance, fundraising) is added, what to ask "
    "funders for over several years, and how much unrestricted income is needed when a funder "
    "offers less or caps overheads."
)
st.caption(
    "Method: ACEVO and New Philanthropy Capital, *Full Cost Recovery* (2004), endorsed by "
    "HM Treasury, *Improving financial relationships with the third sector: guidance to funders "
    "and purchasers* (2006), which the Cheshire East framework cites when it commits to "
    "'adopt full cost recovery and multi year funding agreements'."
)

fcr_ui.prepare()
example_column, new_column = st.columns(2)
if example_column.button("Start from the worked example (fictional)", key="fcr.load_example", width="stretch"):
    fcr_ui.request_load(fcr_ui.example_body(), fictional=True)
if new_column.button("Start a new costing (empty grids)", key="fcr.new", width="stretch"):
    fcr_ui.request_load(None, fictional=False, blank_rows=2)

source, generation = st.session_state[fcr_ui.SOURCE], st.session_state[fcr_ui.GENERATION]
mode = entry_mode("fcr")
if mode == FORM:
    st.caption(
        "Add each project, then its direct cost lines, then the overhead pools, one at a time: each form checks "
        "what you type as you go. Then set the plan and press Calculate."
    )
    saved = fcr_ui.form_entry(source)
    if saved is not None:
        fcr_ui.keep_rows(saved)
    st.subheader("4. Plan and funding", anchor=False)
    settings = fcr_ui.settings_inputs()
    calculate = st.button("Calculate", type="primary", key="fcr.calculate_rows", icon=":material/calculate:")
    projects, lines, pools = source["projects"], source["lines"], source["pools"]
else:
    with st.form("fcr.inputs", border=True):
        st.subheader("1. Projects", anchor=False)
        st.caption(
            "One row per project, with the quantities overheads are shared by. Add a row at the bottom of the grid, "
            "or paste rows from a spreadsheet. Activity change and offer: one figure for every year, or one a year "
            "separated by ';'."
        )
        projects = fcr_ui.project_grid(source["projects"], generation)
        st.text_input(
            "Other drivers to add as project columns (comma-separated, e.g. volunteers, vehicle miles)",
            key="fcr.extra_drivers",
            help="Added when you press Calculate; then choose them under 'Shared by' for a pool.",
        )
        st.subheader("2. Direct costs", anchor=False)
        st.caption("Each project's direct costs for the first year, by line: salaries with on-costs, volunteer expenses, materials, travel, ...")
        lines = fcr_ui.lines_grid(source["lines"], generation)
        st.subheader("3. Overhead pools", anchor=False)
        st.caption("Each pool's amount for the first year and how it is shared: by a driver, by direct costs, or in fixed shares.")
        pools = fcr_ui.pools_grid(source["pools"], source["projects"], generation)
        st.subheader("4. Plan and funding", anchor=False)
        settings = fcr_ui.settings_inputs()
        calculate = st.form_submit_button("Calculate", type="primary", key="fcr.calculate", icon=":material/calculate:")

if calculate:
    try:
        body = fcr.body_from_grids(
            projects, lines, pools, **settings, fictional=st.session_state.get(fcr_ui.FICTIONAL, False),
        )
        fcr.calculate(body)
    except ScenarioError as error:
        show_problems(error, "The costing cannot be calculated yet.")
    else:
        extra = str(st.session_state.get("fcr.extra_drivers") or "").split(",")
        fcr_ui.request_load(body, fictional=bool(body.get("fictional")), extra_drivers=extra)

applied = st.session_state.get(fcr_ui.APPLIED)
if applied is None:
    st.info("Enter projects, direct costs and overhead pools above, then press Calculate.")
    result = None
else:
    result = fcr.calculate(applied)

if result is not None:
    costing, first = result.costing, result.first_year
    st.header(f"Results: {plain(costing.name) if costing.name else 'this costing'}", anchor=False)
    if costing.fictional:
        st.warning(
            "Fictional worked example: Dane Valley Community Trust and its figures are invented to show the method.",
            icon=":material/info:",
        )
    for warning in fcr.costing_warnings(result):
        st.warning(warning, icon=":material/warning:")
    total, overheads, rate = st.columns(3)
    total.metric("Full cost of all projects (year 1)", money(first.total_full_cost_pence))
    overheads.metric("Overheads shared out", money(first.total_overheads_pence))
    rate.metric(
        "Overhead rate (overheads ÷ direct costs)",
        percent(first.overhead_rate) if first.overhead_rate is not None else "n/a",
    )

    st.subheader("Full cost of each project (year 1)", anchor=False)
    summary = fcr.summary_frame(result)
    fcr_ui.result_table(summary, ["Project", "Full cost (£)"], key="fcr.summary", percent_of=("Overhead rate", "Share of total"))
    parts = fcr.chart_frame(result)
    show_chart(
        fcr_ui.stacked_bar(parts),
        title="Direct costs and each overhead pool, by project (year 1)",
        description=(
            f"Stacked bar chart of the full cost of {count_of(len(first.projects), 'project')}, "
            f"{money(first.total_full_cost_pence)} in all: each bar is the project's direct costs followed by "
            + ("its share of the one overhead pool." if len(costing.pools) == 1
               else f"its share of each of {count_of(len(costing.pools), 'overhead pool')}.")
        ),
        table=parts,
        key="fcr.chart",
        table_column_config=fcr_ui.money_config(parts),
        lazy_table=True,
    )

    st.subheader("How each overhead pool is shared (year 1)", anchor=False)
    st.caption("Each pool is shared in whole pence; the projects' shares add up to the pool exactly.")
    allocation = fcr.allocation_frame(result)
    fcr_ui.result_table(allocation, ["Overhead pool", "Pool (£)"], key="fcr.allocation")

    st.subheader(f"Plan over {costing.years} year{'s' if costing.years > 1 else ''}", anchor=False)
    st.caption(
        f"Pay costs grow by {percent(float(costing.pay_inflation))} a year and non-pay costs by "
        f"{percent(float(costing.non_pay_inflation))}; direct costs and drivers also follow each project's change in activity."
    )
    plan = fcr.multi_year_frame(result)
    fcr_ui.result_table(plan, ["Year", "Project", "Full cost (£)"], key="fcr.plan", height="content")

    st.subheader("Funding gap", anchor=False)
    st.caption(fcr.funding_basis_text(costing) + ". A surplus on one restricted grant cannot cover another project's shortfall.")
    if costing.funding_basis == "none" or not result.gaps:
        st.info(
            "Choose an overhead cap, or give funders' offers in the projects grid, to see the funding gap.",
            icon=":material/info:",
        )
    else:
        needed = fcr.unrestricted_frame(result)
        st.metric(
            f"Unrestricted income needed over {costing.years} year{'s' if costing.years > 1 else ''}",
            money_from_pounds(needed.iloc[-1]["Unrestricted income needed (£)"]),
        )
        gap = fcr.funding_gap_frame(result)
        fcr_ui.result_table(gap, ["Year", "Project", "Shortfall (£)"], key="fcr.gap", height="content")
        fcr_ui.result_table(needed, ["Year"], key="fcr.needed")

    st.subheader("Send it to a funder", anchor=False)
    st.caption("An Excel workbook with the summary, the allocation by pool, the plan, the funding gap and every assumption.")
    fcr_ui.workbook_button(result)

loaded = save_load_panel(fcr.KIND, applied or {}, key="fcr.scenario")
if loaded is not None:
    try:
        fcr.calculate(loaded)
    except ScenarioError as error:
        show_problems(error, "That costing cannot be used.")
    else:
        fcr_ui.request_load(loaded, fictional=bool(loaded.get("fictional")))
