"""The SROI page's pieces: the impact-map input buffer and the charts (drawing only; the
figures come from models.sroi)."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import streamlit as st

from models import proxies, sroi
from models.export import xlsx_bytes
from models.formatting import money_from_pounds

from .charts import PALETTE
from .data import database, project_path, reader
from .problems import plain, show_problems

EXAMPLE_PATH = project_path("data", "examples", "sroi_example.json")
BUFFER = "sroi.buffer"          # the scenario body the grids were last loaded from
GRID_VERSION = "sroi.grid_version"
TOTAL_COLOUR, REMOVED_COLOUR = "#1d70b8", "#b35c00"


@st.cache_data(max_entries=16, show_spinner=False)
def sensitivity(body: dict) -> tuple[list, list]:
    """Tornado rows and switching values of the scenario ``body``: worked out once per
    scenario, not again on every rerun (any widget change) of the page."""
    scenario = sroi.parse_scenario(body)
    return sroi.tornado(scenario), sroi.switching_values(scenario)


@st.cache_data(max_entries=16, show_spinner="Simulating…")
def uncertainty(body: dict, simulations: int) -> sroi.Uncertainty:
    """The Monte Carlo of the scenario ``body`` (seeded, so the same every time): once per
    scenario and number of draws."""
    return sroi.monte_carlo(sroi.parse_scenario(body), simulations)


def example_body() -> dict:
    """The fictional worked example shipped with the app."""
    return json.loads(EXAMPLE_PATH.read_text(encoding="utf-8"))


BLANK_BODY = {"name": "", "investment": [{"name": "Investment", "amount": None}], "discount_rate": 0.035, "outcomes": []}


def buffer() -> dict:
    """The scenario the grids start from (the fictional example until the user loads one).
    The grids' edits are never written back here: it changes only on a load."""
    if BUFFER not in st.session_state:
        st.session_state[BUFFER] = example_body()
        st.session_state[GRID_VERSION] = 0
    return st.session_state[BUFFER]


def load_into_buffer(body: dict) -> None:
    """Replace the grids' source with a loaded scenario; new widget keys reset the editors."""
    st.session_state[BUFFER] = body
    st.session_state[GRID_VERSION] = st.session_state.get(GRID_VERSION, 0) + 1


def switched_to_form(mode: str) -> bool:
    """When the person turns from the grid to the form, keep what they typed in the grid:
    the scenario on screen becomes the form's source. True when that happened."""
    from .entry import FORM, GRID

    last = st.session_state.get("sroi.last_mode")
    st.session_state["sroi.last_mode"] = mode
    if last == GRID and mode == FORM and "sroi.current" in st.session_state:
        load_into_buffer(st.session_state["sroi.current"])
        return True
    return False


def grid_key(name: str) -> str:
    """A widget key that changes on every load, so the widget starts again from the buffer."""
    return f"sroi.{name}.{st.session_state.get(GRID_VERSION, 0)}"


def impact_map_column_config() -> dict:
    percent = dict(min_value=0.0, max_value=100.0, step=1.0, format="%.1f%%")
    return {
        "Stakeholder": st.column_config.TextColumn("Stakeholder", help="Who experiences the outcome"),
        "Outcome": st.column_config.TextColumn("Outcome", help="The change, in a few words"),
        "Indicator": st.column_config.TextColumn("Indicator", help="How you know it happened"),
        "Quantity": st.column_config.NumberColumn("Quantity", help="How many people or units", min_value=0.0, format="%.2f"),
        "Financial proxy (£ a unit a year)": st.column_config.NumberColumn(
            "Financial proxy (£ a unit a year)", help="Value of one unit of the outcome for one year, in pounds", min_value=0.0, format="£%,.2f"
        ),
        "Proxy source": st.column_config.TextColumn("Proxy source", help="Where the proxy comes from (report, table, year)"),
        "Proxy price year": st.column_config.NumberColumn("Proxy price year", min_value=1900, max_value=2100, step=1, format="%d"),
        "Deadweight (%)": st.column_config.NumberColumn("Deadweight (%)", help="How much would have happened anyway", **percent),
        "Displacement (%)": st.column_config.NumberColumn("Displacement (%)", help="How much displaced other outcomes", **percent),
        "Attribution (%)": st.column_config.NumberColumn("Attribution (%)", help="How much is owed to others' work", **percent),
        "Drop-off (%)": st.column_config.NumberColumn("Drop-off (%)", help="How much the outcome fades each year after the first", **percent),
        "Duration (years)": st.column_config.NumberColumn("Duration (years)", help="How many years it lasts", min_value=1, max_value=50, step=1, format="%d"),
    }


def waterfall_chart(table: pd.DataFrame) -> alt.Chart:
    """Bars from gross value down to present value; each step is what one adjustment removes.
    Steps run down the page, named on the left: side by side, a 390 px phone dropped the
    names of most of them (no room for 'Deadweight' under a 40 px bar)."""
    data = table.assign(Removed=table["Amount (£)"].abs())
    order = list(table["Step"])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("Step:N", sort=order, title=None, axis=alt.Axis(labelLimit=200)),
            x=alt.X("Start:Q", title="Pounds (£)", axis=alt.Axis(format=",.0f")),
            x2="End:Q",
            color=alt.Color("Kind:N", scale=alt.Scale(domain=["Total", "Removed"], range=[TOTAL_COLOUR, REMOVED_COLOUR]),
                            legend=alt.Legend(title=None, orient="bottom")),
            tooltip=[alt.Tooltip("Step:N"), alt.Tooltip("Removed:Q", title="Amount (£)", format=",.2f")],
        )
        # Streamlit fits the axis, title and legend into the height too
        .properties(height=40 * len(order) + 150)
    )


def stakeholder_chart(table: pd.DataFrame) -> alt.Chart:
    """Horizontal bars: present value by stakeholder."""
    return (
        alt.Chart(table)
        .mark_bar(color=TOTAL_COLOUR)
        .encode(
            y=alt.Y(field="Stakeholder", type="nominal", sort=list(table["Stakeholder"]), title=None, axis=alt.Axis(labelLimit=300)),
            x=alt.X(field="Present value (£)", type="quantitative", title="Present value (£)", axis=alt.Axis(format=",.0f")),
            tooltip=[alt.Tooltip(field="Stakeholder", type="nominal"),
                     alt.Tooltip(field="Present value (£)", type="quantitative", format=",.2f")],
        )
        .properties(height=max(220, 110 + 50 * len(table)))
    )


def year_chart(table: pd.DataFrame) -> alt.Chart:
    """Stacked bars: present value in each year, split by stakeholder."""
    stakeholders = sorted(table["Stakeholder"].unique())
    return (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("Year:O", title="Year", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(Present value (£)):Q", title="Present value (£)", axis=alt.Axis(format=",.0f")),
            color=alt.Color("Stakeholder:N", scale=alt.Scale(domain=stakeholders, range=PALETTE[: len(stakeholders)] or PALETTE),
                            legend=alt.Legend(orient="bottom", columns=2, labelLimit=300)),
            tooltip=[alt.Tooltip("Year:O"), alt.Tooltip("Stakeholder:N"), alt.Tooltip("Value (£):Q", format=",.2f"),
                     alt.Tooltip("Present value (£):Q", format=",.2f")],
        )
        .properties(height=400)
    )


def tornado_chart(rows: list[sroi.SensitivityRow], base_ratio: float) -> alt.Chart:
    """For each estimate, bars from the ratio now to the ratio at its low and its high."""
    records = []
    for row in rows:
        records.append({"Estimate": row.label, "End": "Estimate at its low", "From": base_ratio, "To": row.ratio_at_low})
        records.append({"Estimate": row.label, "End": "Estimate at its high", "From": base_ratio, "To": row.ratio_at_high})
    data = pd.DataFrame(records)
    order = [row.label for row in rows]
    bars = (
        alt.Chart(data)
        .mark_bar(size=14)
        .encode(
            y=alt.Y("Estimate:N", sort=order, title=None, axis=alt.Axis(labelLimit=340)),
            x=alt.X("From:Q", title="SROI ratio (£ of value for each £1)", scale=alt.Scale(zero=False)),
            x2="To:Q",
            color=alt.Color("End:N", scale=alt.Scale(domain=["Estimate at its low", "Estimate at its high"], range=[REMOVED_COLOUR, TOTAL_COLOUR]),
                            legend=alt.Legend(title=None, orient="bottom")),
            tooltip=[alt.Tooltip("Estimate:N"), alt.Tooltip("End:N", title="When"), alt.Tooltip("To:Q", title="Ratio", format=".2f")],
        )
    )
    base = alt.Chart(pd.DataFrame({"x": [base_ratio]})).mark_rule(color="#0b0c0c", strokeWidth=2).encode(x="x:Q")
    return (bars + base).properties(height=max(260, 150 + 34 * len(order)))


def uncertainty_chart(uncertainty: sroi.Uncertainty) -> alt.Chart:
    """Histogram of the simulated ratios, with the 10th, 50th and 90th percentiles and 1:1 marked."""
    table = sroi.uncertainty_table(uncertainty)
    bars = (
        alt.Chart(table)
        .mark_bar(color="#505a5f")
        .encode(
            x=alt.X("Ratio from:Q", bin="binned", title="SROI ratio (£ of value for each £1)"),
            x2="Ratio to:Q",
            y=alt.Y("Draws:Q", title="Simulations"),
            tooltip=[alt.Tooltip("Ratio from:Q", format=".2f"), alt.Tooltip("Ratio to:Q", format=".2f"), alt.Tooltip("Draws:Q", format=",")],
        )
    )
    marks = pd.DataFrame({
        "Ratio": [uncertainty.p10, uncertainty.p50, uncertainty.p90, 1.0],
        "Mark": ["10th percentile", "Median", "90th percentile", "Break-even (£1 : £1)"],
    })
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeWidth=2, strokeDash=[6, 3])
        .encode(
            x="Ratio:Q",
            color=alt.Color("Mark:N", scale=alt.Scale(domain=list(marks["Mark"]), range=[TOTAL_COLOUR, "#0b0c0c", TOTAL_COLOUR, "#d4351c"]),
                            legend=alt.Legend(title=None, orient="bottom")),
            tooltip=[alt.Tooltip("Mark:N"), alt.Tooltip("Ratio:Q", format=".2f")],
        )
    )
    return (bars + rules).properties(height=380)


def workbook(body: dict, result: sroi.Result, tornado_rows, switching, uncertainty: sroi.Uncertainty | None) -> bytes:
    """The impact map and every results table as one XLSX workbook."""
    scenario = result.scenario
    notes = [
        f"Social return on investment: {scenario.name}",
        "FICTIONAL DEMONSTRATION DATA: invented figures, not a real service." if scenario.fictional else "Figures entered by the user.",
        result.convention.describe() + f"; discount rate {scenario.discount_rate:.2%}.",
        f"SROI ratio {sroi.ratio_text(result.sroi_ratio)}; present value {money_from_pounds(result.present_value)}.",
        "Method: SROI guide (Cabinet Office, 2009; revised 2012). Impact = quantity x proxy x (1 - deadweight) x (1 - displacement) x (1 - attribution).",
    ] + [f"Warning: {w}" for w in sroi.honesty_warnings(scenario, result)]
    if uncertainty is not None:
        notes.append(
            f"Monte Carlo ({uncertainty.simulations:,} draws, seed {uncertainty.seed}): P10 {sroi.ratio_text(uncertainty.p10)}, "
            f"P50 {sroi.ratio_text(uncertainty.p50)}, P90 {sroi.ratio_text(uncertainty.p90)}, chance below 1:1 {uncertainty.probability_below_one:.1%}."
        )
    sheets = {
        "Summary": sroi.summary_table(result),
        "Investment": sroi.investment_frame(body),
        "Impact map": sroi.impact_map_frame(body),
        "By outcome": sroi.outcome_table(result),
        "By year": sroi.year_table(result),
        "Waterfall": sroi.waterfall_table(result).drop(columns=["Start", "End", "Kind"]),
        "Sensitivity": sroi.tornado_table(tornado_rows),
        "Switching values": sroi.switching_table(switching),
    }
    money = {
        "Summary": ["Amount (£)"],
        "Investment": ["Amount (£)"],
        "Impact map": ["Financial proxy (£ a unit a year)"],
        "By outcome": ["Gross value a year (£)", "Impact a year (£)", "Present value (£)"],
        "By year": ["Value (£)", "Present value (£)"],
        "Waterfall": ["Amount (£)"],
    }
    return xlsx_bytes(sheets, notes=notes, money_columns=money)


proxy_library = reader(proxies.library)


deflator_index = reader(proxies.deflators)


deflator_frame = reader(proxies.deflator_frame)


def with_proxy_outcome(current: dict, proxy: proxies.Proxy, pounds: float, price_year: int) -> dict:
    """The scenario on screen plus a new outcome valued with ``proxy`` (the user then fills
    in the stakeholder, quantity and adjustments)."""
    outcome = {
        "name": proxy.name, "stakeholder": "", "proxy_value": pounds, "proxy_price_year": price_year,
        "proxy_source": f"{proxy.source} ({proxy.licence})" + ("" if price_year == proxy.price_year else f"; re-based from {proxy.price_year} prices"),
    }
    return {**current, "outcomes": list(current.get("outcomes") or []) + [outcome]}


def proxy_panel(current: dict) -> dict | None:
    """The financial proxy library: browse (re-based to a chosen price year), add an outcome
    with a proxy, load your own CSV, keep the deflator table. Returns a scenario body to load
    when the user adds an outcome, else None."""
    from models.errors import DomainError
    from models.export import csv_bytes

    from .data import data_changed, data_version, database_path

    db_path, version = database_path(), data_version()
    # Drawn only once opened (opening reruns the page): its two grids and file box cost a
    # visitor's browser a good part of the page otherwise.
    panel = st.expander("Financial proxy library", key="sroi.proxies_open", on_change="rerun")
    with panel:
        if not panel.open:
            return None
        st.caption(
            "Shipped values are only those whose licence allows it (HM Treasury Green Book wellbeing values, Open "
            "Government Licence). HACT's Social Value Bank is not shipped: its licence forbids it. Load your own "
            "licensed values as CSV; they stay in this app's database."
        )
        library = proxy_library(db_path, version)
        index = deflator_index(db_path, version)
        to_year = st.number_input(
            "Show values at the prices of year", min_value=proxies.EARLIEST_YEAR, max_value=proxies.LATEST_YEAR,
            value=max(index) if index else 2019, step=1, key="sroi.price_year",
            help="Re-based with your deflator table below: value x index(year) / index(proxy's price year).",
        )
        table = proxies.library_frame(library, int(to_year), index)
        st.dataframe(
            table, hide_index=True, width="stretch", key="sroi.proxy_table",
            column_config={"Pounds": st.column_config.NumberColumn("Pounds", format="£%,.2f"),
                           f"Pounds at {int(to_year)} prices": st.column_config.NumberColumn(f"Pounds at {int(to_year)} prices", format="£%,.2f")},
        )
        names = [p.name for p in library]
        chosen = st.selectbox("Proxy", names, key="sroi.proxy_choice")
        add_clicked = st.button("Add an outcome valued with this proxy", key="sroi.add_proxy_outcome")
        loaded = None
        if add_clicked and chosen:
            proxy = library[names.index(chosen)]
            rebased = table.loc[names.index(chosen), f"Pounds at {int(to_year)} prices"]
            if pd.isna(rebased):
                st.warning(f"No deflator to re-base '{plain(proxy.name)}' to {int(to_year)}: added at {proxy.price_year} prices.")
                loaded = with_proxy_outcome(current, proxy, float(proxy.pounds), proxy.price_year)
            else:
                loaded = with_proxy_outcome(current, proxy, float(rebased), int(to_year))

        st.markdown("**Load your own proxies (CSV)**")
        st.download_button(
            "Download a template (CSV)", data=csv_bytes(proxies.template_frame()), file_name="sroi-proxies-template.csv",
            mime="text/csv", key="sroi.proxy_template",
        )
        upload = st.file_uploader("Proxy file (CSV, up to 2 MB)", type=["csv"], max_upload_size=2, key="sroi.proxy_upload")
        if upload is not None and st.button("Add these proxies to my library", key="sroi.proxy_save"):
            try:
                parsed = proxies.parse_proxy_csv(upload.getvalue(), source=upload.name)
                with database() as db:
                    saved = proxies.save_user_proxies(db, parsed, loaded_from=upload.name)
                data_changed()
                st.success(f"Added {saved:,} prox{'y' if saved == 1 else 'ies'} from {plain(upload.name)}.")
            except DomainError as error:
                show_problems(error)
        if any(p.origin == "Yours" for p in library) and st.button("Remove all my proxies", key="sroi.proxy_delete"):
            with database() as db:
                removed = proxies.delete_user_proxies(db)
            data_changed()
            st.success(f"Removed {removed:,} proxies.")

        st.markdown("**Deflator table**")
        st.caption(
            "None is shipped: enter an index for each year you need (for example HM Treasury's GDP deflator series, "
            "published on GOV.UK), then save. Any base year works; only the ratios between years matter."
        )
        edited = st.data_editor(
            deflator_frame(db_path, version), num_rows="dynamic", hide_index=True, key=f"sroi.deflators.{version}",
            column_config={
                "Year": st.column_config.NumberColumn("Year", min_value=proxies.EARLIEST_YEAR, max_value=proxies.LATEST_YEAR, step=1, format="%d"),
                "Index": st.column_config.NumberColumn("Index", min_value=0.0, format="%.3f"),
                "Source": st.column_config.TextColumn("Source"),
            },
        )
        if st.button("Save the deflator table", key="sroi.deflators_save"):
            try:
                table_to_save = proxies.parse_deflator_frame(edited)
                with database() as db:
                    proxies.save_deflators(db, table_to_save)
                data_changed()
                st.success(f"Saved {len(table_to_save)} deflator years.")
            except DomainError as error:
                show_problems(error)
    return loaded


def full_cost_panel(scenario: sroi.Scenario, result: sroi.Result) -> None:
    """Optional second basis for the ratio: a project's full cost (year 1) from a saved full
    cost recovery costing, shown beside the ratio on the investment entered."""
    from models import cost_recovery, scenarios
    from models.errors import DomainError

    panel = st.expander("Ratio on a project's full cost (from a saved full cost recovery costing)",
                        key="sroi.full_cost_open", on_change="rerun")  # read and drawn once opened
    with panel:
        if not panel.open:
            return
        with database() as db:
            saved = scenarios.list_saved(db, cost_recovery.KIND)
        if not saved:
            st.caption("Save a costing on the Full cost recovery page to compare the ratio with a project's full cost.")
            return
        names = [s.name for s in saved]
        costing_name = st.selectbox("Saved costing", names, key="sroi.fcr_costing")
        try:
            full_costs = cost_recovery.project_full_costs(saved[names.index(costing_name)].body)
        except DomainError as error:
            st.error(f"That costing cannot be used: {plain(error)}")
            return
        project = st.selectbox("Project", list(full_costs), key="sroi.fcr_project")
        full_cost = full_costs[project]
        on_full_cost = sroi.calculate(scenario.with_investment(full_cost))
        entered, full = st.columns(2)
        entered.metric("Ratio on the investment entered", sroi.ratio_text(result.sroi_ratio))
        entered.caption(f"Investment {money_from_pounds(result.investment)}")
        full.metric("Ratio on the project's full cost", sroi.ratio_text(on_full_cost.sroi_ratio))
        full.caption(f"Full cost of '{project}' in year 1: {money_from_pounds(full_cost)} (costing '{costing_name}')")
        st.caption(
            "The full cost includes the project's share of overheads, so the ratio on it is the fairer one when the "
            "investment entered covers only direct costs. The same outcomes and present value are used for both."
        )


NUMBER_COLUMNS = ("Quantity", "Financial proxy (£ a unit a year)", "Proxy price year", "Deadweight (%)",
                  "Displacement (%)", "Attribution (%)", "Drop-off (%)", "Duration (years)")
FORM_HELP = {
    "Stakeholder": "Who experiences the outcome",
    "Outcome": "The change, in a few words",
    "Indicator": "How you know it happened",
    "Quantity": "How many people or units",
    "Financial proxy (£ a unit a year)": "Value of one unit of the outcome for one year, in pounds",
    "Proxy source": "Where the proxy comes from (report, table, year)",
    "Deadweight (%)": "How much would have happened anyway (0 to 100)",
    "Displacement (%)": "How much displaced other outcomes (0 to 100)",
    "Attribution (%)": "How much is owed to others' work (0 to 100)",
    "Drop-off (%)": "How much the outcome fades each year after the first (0 to 100)",
    "Duration (years)": "How many years it lasts (1 if left blank)",
}


def outcome_row_problems(values: dict, position: int) -> list[str]:
    """The models' check of one impact-map row typed in the form (as the grid's row)."""
    outcomes = sroi.outcomes_from_impact_map(pd.DataFrame([values], dtype=object))
    return sroi.outcome_problems(outcomes[0], position) if outcomes else []


def _outcome_lines(row: dict) -> list[str]:
    from .entry import blank, cell_text

    def pct(column: str) -> str:
        return f"{cell_text(row.get(column)) or 0}%"

    proxy = row.get("Financial proxy (£ a unit a year)")
    return [
        f"For: {cell_text(row.get('Stakeholder')) or 'not stated'}",
        f"Quantity {cell_text(row.get('Quantity')) or '(missing)'} × "
        + (money_from_pounds(float(proxy)) if not blank(proxy) else "(proxy missing)") + " a unit a year",
        f"Deadweight {pct('Deadweight (%)')}, displacement {pct('Displacement (%)')}, attribution {pct('Attribution (%)')}, "
        f"drop-off {pct('Drop-off (%)')}; lasts {cell_text(row.get('Duration (years)')) or 1} year(s)",
    ]


def outcome_form(frame: pd.DataFrame) -> pd.DataFrame | None:
    """Form mode: the outcomes as cards (a partly filled one flagged by name) and a form
    for one outcome at a time, checked as it is typed. Returns the impact map with the
    saved outcome when one was saved, else None."""
    from .entry import Field, cards, row_form

    flags = {}
    for position, row in enumerate(frame.to_dict(orient="records"), start=1):
        problems = outcome_row_problems(row, position)
        if problems:
            flags[position - 1] = "; ".join(problems)
    cards(frame, title="Outcome", lines=_outcome_lines, flags=flags, empty="No outcomes yet: add the first one below.")
    fields = [Field(column, column, "number" if column in NUMBER_COLUMNS else "text", help=FORM_HELP.get(column))
              for column in sroi.IMPACT_MAP_COLUMNS.values()]
    with st.container(border=True, key="sroi_outcome_form"):
        st.markdown("**Add or edit an outcome**")
        return row_form(
            "sroi.outcome_form", frame, fields, noun="outcome",
            row_label=lambda r: " for ".join(str(v) for v in (r.get("Outcome"), r.get("Stakeholder")) if isinstance(v, str) and v) or "(no name yet)",
            check=lambda values, index: outcome_row_problems(values, (index if index is not None else len(frame)) + 1),
        )
