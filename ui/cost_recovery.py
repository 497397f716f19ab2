"""The full cost recovery page's pieces: the input grids (buffers kept in session state,
applied by an explicit Calculate), the stacked bar, and the costing workbook download.
The sums are all in models.cost_recovery."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import streamlit as st

from models import cost_recovery as fcr
from models.export import file_stem, xlsx_bytes

from .charts import PALETTE, wrapped_labels
from .downloads import XLSX_MIME
from .entry import Field, blank, cards, cell_text, row_form
from .format import leading, money_column_config, money_from_pounds, percent

SOURCE = "fcr.source"  # the grids' source frames: what the editors start from
GENERATION = "fcr.generation"  # bumped whenever the source changes, so editors start afresh
APPLIED = "fcr.applied"  # the last scenario that was calculated without problems
FICTIONAL = "fcr.fictional"
PENDING = "fcr.pending"  # a scenario to load on the next run, before the widgets
EXAMPLE_PATH = ("data", "examples", "fcr_example.json")
BASIS_LABELS = {"cap": "An overhead cap (% of direct costs)", "offer": "Each project's offer from the funder", "none": "No funder yet"}
SETTINGS_FROM_BODY = {
    "fcr.name": lambda b: b.get("name") or "",
    "fcr.years": lambda b: int((b.get("plan") or {}).get("years", 1)),
    "fcr.pay_inflation": lambda b: float((b.get("plan") or {}).get("pay_inflation", 0)) * 100,
    "fcr.non_pay_inflation": lambda b: float((b.get("plan") or {}).get("non_pay_inflation", 0)) * 100,
    "fcr.funding_basis": lambda b: (b.get("funding") or {}).get("basis", "none"),
    "fcr.cap": lambda b: float((b.get("funding") or {}).get("cap", 0.1)) * 100,
}


def example_body() -> dict:
    """The fictional worked example scenario."""
    from .data import project_path

    return json.loads(project_path(*EXAMPLE_PATH).read_text(encoding="utf-8"))


def request_load(body: dict | None, *, fictional: bool, extra_drivers: list[str] | None = None, blank_rows: int = 0) -> None:
    """Make ``body`` the grids' source, the settings' values and (if not None) the
    calculated costing, on a fresh run: widgets' values can only be set before they are drawn."""
    st.session_state[PENDING] = {"body": body, "fictional": fictional, "extra_drivers": extra_drivers, "blank_rows": blank_rows}
    st.rerun()


def keep_rows(grids: dict[str, pd.DataFrame]) -> None:
    """Make the grids with a row saved from a form the page's source, and run again so the
    cards, the other forms and the grids (if chosen) show it."""
    st.session_state[SOURCE] = grids
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
    st.rerun()


def prepare() -> None:
    """Before any widget is drawn: load what was asked for, or on a first visit the worked
    example, calculated. The editors start afresh from the new source."""
    pending = st.session_state.pop(PENDING, None)
    if pending is None and SOURCE not in st.session_state:
        pending = {"body": example_body(), "fictional": True, "extra_drivers": None, "blank_rows": 0}
    if pending is None:
        return
    body = pending["body"] or {"funding": {"basis": "none"}}
    st.session_state[SOURCE] = fcr.grids_from_body(body, extra_drivers=pending["extra_drivers"], blank_rows=pending["blank_rows"])
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
    st.session_state[FICTIONAL] = pending["fictional"]
    st.session_state["fcr.extra_drivers"] = ""
    for key, value_of in SETTINGS_FROM_BODY.items():
        st.session_state[key] = value_of(body)
    if pending["body"] is None:
        st.session_state.pop(APPLIED, None)
    else:
        st.session_state[APPLIED] = pending["body"]


def project_grid(source: pd.DataFrame, generation: int) -> pd.DataFrame:
    """The projects grid: name, driver quantities, activity change and funder's offer."""
    config = {
        "Project": st.column_config.TextColumn("Project", help="Each project's own name"),
        "Headcount": st.column_config.NumberColumn("Headcount", min_value=0, help="Staff (full-time equivalent) working on the project"),
        "Staff time": st.column_config.NumberColumn("Staff time", min_value=0, help="Share of managers' time, e.g. hours a week or a percentage"),
        "Floor area (m²)": st.column_config.NumberColumn("Floor area (m²)", min_value=0),
        fcr.ACTIVITY_COLUMN: st.column_config.TextColumn(
            fcr.ACTIVITY_COLUMN,
            help="How much the project grows (negative: shrinks) each year after the first, e.g. 5; "
                 "or one figure a year from year 2, separated by ';', e.g. 10; 0; 5"),
        fcr.OFFER_COLUMN: st.column_config.TextColumn(
            fcr.OFFER_COLUMN,
            help="What the funder offers in pounds: one amount for every year, or one a year separated by ';' "
                 "(e.g. 100000; 80000; 60000 for a tapering grant). Leave blank if there is no offer."),
    }
    return st.data_editor(
        source, key=f"fcr.projects_grid.{generation}", num_rows="dynamic", hide_index=True, placeholder="",
        column_config=config, width="stretch", alt="Projects: name, driver quantities, activity change and funder's offer",
    )


def lines_grid(source: pd.DataFrame, generation: int) -> pd.DataFrame:
    """The direct costs grid: one line per project and category, pay or non-pay."""
    config = {
        "Project": st.column_config.TextColumn("Project", help="As named in the projects grid"),
        "Category": st.column_config.TextColumn(
            "Category", help="e.g. " + ", ".join(fcr.DIRECT_COST_CATEGORIES[:4]).lower()),
        "Amount (£)": money_column_config("Amount (£)", help="For the first year, in pounds"),
        "Pay or non-pay": st.column_config.SelectboxColumn(
            "Pay or non-pay", options=list(fcr.KIND_LABELS.values()), default="Non-pay",
            help="Pay lines grow by pay inflation, non-pay lines by non-pay inflation"),
    }
    return st.data_editor(
        source, key=f"fcr.lines_grid.{generation}", num_rows="dynamic", hide_index=True, placeholder="", height="content",
        column_config=config, width="stretch", alt="Direct costs: project, category, amount and pay or non-pay",
    )


def pools_grid(source: pd.DataFrame, projects: pd.DataFrame, generation: int) -> pd.DataFrame:
    """The overhead pools grid: amount, how it is shared, pay or non-pay, fixed shares."""
    options = fcr.driver_options(projects)
    labels = {**fcr.DRIVER_LABELS, fcr.FIXED_SHARES: "Fixed shares"}
    config = {
        "Overhead pool": st.column_config.TextColumn("Overhead pool"),
        "Amount (£)": money_column_config("Amount (£)", help="For the first year, in pounds"),
        "Shared by": st.column_config.SelectboxColumn(
            "Shared by", options=options, format_func=lambda v: labels.get(v, v),
            help="The driver that shares this pool between projects, or fixed shares"),
        "Pay or non-pay": st.column_config.SelectboxColumn(
            "Pay or non-pay", options=list(fcr.KIND_LABELS.values()), default="Non-pay"),
        "Fixed shares": st.column_config.TextColumn(
            "Fixed shares", help="Only for 'Fixed shares': e.g. 'Youth club: 60%, Debt advice: 40%' (adding up to 100%)"),
    }
    return st.data_editor(
        source, key=f"fcr.pools_grid.{generation}", num_rows="dynamic", hide_index=True, placeholder="",
        column_config=config, width="stretch", alt="Overhead pools: amount, how each is shared, pay or non-pay",
    )


def percent_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy with fractions in ``columns`` written as '12.5%' ('n/a' when missing)."""
    shown = frame.copy()
    for column in columns:
        shown[column] = shown[column].map(lambda v: "n/a" if v is None or pd.isna(v) else percent(v))
    return shown


def result_table(frame: pd.DataFrame, first: list[str], *, key: str, percent_of: tuple[str, ...] = (), **options) -> None:
    """A results table that a 390 px phone can read: the ``first`` columns (what a row is,
    then the figure a person came for) lead, so the money is on screen without scrolling
    sideways; short label columns are kept narrow."""
    import streamlit as st

    shown = leading(percent_columns(frame, list(percent_of)) if percent_of else frame, first)
    config = money_config(shown)
    config.update({c: st.column_config.Column(c, width="small") for c in ("Year", "Shared by") if c in shown.columns})
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, key=key, **options)


def money_config(frame: pd.DataFrame) -> dict:
    """'£1,234.56' for every pounds column of ``frame``."""
    return {c: money_column_config(c) for c in frame.columns if c.endswith("(£)")}


def stacked_bar(parts: pd.DataFrame) -> alt.Chart:
    """Horizontal bars per project: direct costs then each overhead pool, stacked."""
    order = list(dict.fromkeys(parts["Part"]))
    colours = (PALETTE * (len(order) // len(PALETTE) + 1))[: len(order)]
    data = parts.assign(order=parts["Part"].map({p: i for i, p in enumerate(order)}))
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("Project:N", sort=list(dict.fromkeys(parts["Project"])), title=None,
                    axis=alt.Axis(labelLimit=200, labelExpr=wrapped_labels(parts["Project"], 18))),
            x=alt.X("sum(Amount (£)):Q", title="Full cost (£)", axis=alt.Axis(format=",.0f")),
            color=alt.Color("Part:N", scale=alt.Scale(domain=order, range=colours), title="Part of the full cost",
                            # one column: two beside each other ran off a 390 px phone's screen
                            legend=alt.Legend(orient="bottom", direction="vertical", columns=1, labelLimit=300)),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("Project:N"), alt.Tooltip("Part:N"),
                     alt.Tooltip("sum(Amount (£)):Q", title="Amount (£)", format=",.2f")],
        )
        # Streamlit fits the whole chart (axis, legend and title too) into this height.
        .properties(height=56 * parts["Project"].nunique() + 20 * (len(order) + 1) + 150)
    )


def workbook_button(result: fcr.CostingResult) -> None:
    """Download the costing workbook: summary, allocation by pool, multi-year, funding gap
    and assumptions, with the method and any fictional label on an 'About' sheet."""

    def workbook() -> bytes:  # made when the button is pressed, not on every run
        sheets, money_columns = fcr.workbook_sheets(result)
        return xlsx_bytes(sheets, notes=fcr.workbook_notes(result), money_columns=money_columns)

    st.download_button(
        "Download the costing workbook (Excel)",
        data=workbook,
        file_name=f"full-cost-recovery-{file_stem(result.costing.name, 'costing')}.xlsx",
        mime=XLSX_MIME,
        key="fcr.workbook",
        type="primary",
        icon=":material/download:",
    )


def settings_inputs() -> dict:
    """The plan and funding settings (years, inflation, what to compare with, the cap, the
    costing's name), in the form or beside the row forms."""
    left, middle, right = st.columns(3)
    years = left.number_input("Years in the plan", min_value=1, max_value=fcr.MAX_YEARS, step=1, key="fcr.years")
    pay = middle.number_input("Pay inflation a year (%)", min_value=0.0, max_value=50.0, step=0.5, key="fcr.pay_inflation")
    non_pay = right.number_input("Non-pay inflation a year (%)", min_value=0.0, max_value=50.0, step=0.5, key="fcr.non_pay_inflation")
    basis_column, cap_column = st.columns(2)
    basis = basis_column.radio(
        "Compare the full cost with", list(BASIS_LABELS), format_func=BASIS_LABELS.get, key="fcr.funding_basis",
    )
    cap = cap_column.number_input(
        "Funder's overhead cap (% of direct costs)", min_value=0.0, max_value=100.0, step=0.5, key="fcr.cap",
        help="Used when comparing with an overhead cap: the funder pays direct costs plus this share of them.",
    )
    name = st.text_input("Name of this costing", key="fcr.name")
    return {"name": name, "years": years, "pay_inflation_percent": pay, "non_pay_inflation_percent": non_pay,
            "funding_basis": basis, "overhead_cap_percent": cap}


def _without_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    keep = pd.Series([not all(blank(v) for v in row) for row in frame.itertuples(index=False)], index=frame.index, dtype=bool)
    return frame.loc[keep].reset_index(drop=True)  # a Series: an empty list would pick no columns


def _number(value) -> str:
    return cell_text(value)


def _pounds(value) -> str:
    if blank(value):
        return "no amount yet"
    try:
        return money_from_pounds(float(value))
    except (TypeError, ValueError):
        return str(value)


def _offer_text(value) -> str:
    """'100000; 80000' -> '£100,000.00; £80,000.00' (as typed when it is not a number)."""
    parts = [part.strip() for part in str(value).split(fcr.YEAR_SEPARATOR)]
    return "; ".join(_pounds(part.replace("£", "").replace(",", "")) for part in parts)


def form_entry(source: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame] | None:
    """Form mode: each grid as cards, and a form for one project, one direct cost line or
    one overhead pool at a time, checked as it is typed by the grid's own rules. Returns
    the grids with the saved row when one was saved (for the caller to keep), else None."""
    projects, lines, pools = (_without_blank_rows(source[n]) for n in ("projects", "lines", "pools"))
    names = [str(n).strip() for n in projects["Project"] if not blank(n)]
    years = int(st.session_state.get("fcr.years") or 1)
    driver_columns = [c for c in projects.columns if c not in ("Project", fcr.ACTIVITY_COLUMN, fcr.OFFER_COLUMN)]

    st.subheader("1. Projects", anchor=False)
    missing_costs = {i: "No direct costs yet: add its direct cost lines below." for i, n in enumerate(projects["Project"])
                     if not blank(n) and str(n).strip() not in {str(p).strip() for p in lines["Project"] if not blank(p)}}
    cards(projects, title="Project", empty="No projects yet: add the first one below.", flags=missing_costs, lines=lambda r: [
        ", ".join(f"{c}: {_number(r.get(c))}" for c in driver_columns if not blank(r.get(c))),
        f"Activity change a year: {_number(r.get(fcr.ACTIVITY_COLUMN))}%" if not blank(r.get(fcr.ACTIVITY_COLUMN)) else "",
        f"Funder's offer a year: {_offer_text(r.get(fcr.OFFER_COLUMN))}" if not blank(r.get(fcr.OFFER_COLUMN)) else "",
    ])
    with st.container(border=True, key="fcr_project_form"):
        st.markdown("**Add or edit a project**")
        fields = [Field("Project", "Project name")] + [
            Field(c, c, "number", help="Overheads shared by this driver are split in proportion to it") for c in driver_columns
        ] + [
            Field(fcr.ACTIVITY_COLUMN, "Activity change each year after the first (%)",
                  help="e.g. 5 for 5% more each year; or one a year from year 2, separated by ';', e.g. 10; 0"),
            Field(fcr.OFFER_COLUMN, "Funder's offer a year (£)",
                  help="One amount for every year, or one a year separated by ';' (e.g. 100000; 80000; 60000). Blank if none."),
        ]
        saved = row_form(
            "fcr.project_form", projects, fields, noun="project", row_label=lambda r: _number(r.get("Project")) or "(no name)",
            check=lambda values, index: fcr.project_row_problems(
                values, years=years, other_names=[n for i, n in enumerate(names) if i != index]),
        )
        if saved is not None:
            return {"projects": saved, "lines": lines, "pools": pools}

    st.subheader("2. Direct costs", anchor=False)
    by_project = pd.DataFrame([
        {"Project": name, "Lines": [r for r in lines.to_dict(orient="records") if str(r.get("Project") or "").strip() == name]}
        for name in dict.fromkeys(list(names) + [str(p).strip() for p in lines["Project"] if not blank(p)])
    ], columns=["Project", "Lines"])
    cards(by_project, title="Project", empty="No direct costs yet: add each project's lines below.", lines=lambda r: [
        f"{_number(line.get('Category')) or 'Direct costs'}: {_pounds(line.get('Amount (£)'))} ({_number(line.get('Pay or non-pay')) or 'Non-pay'})"
        for line in r["Lines"]] or ["No direct costs yet"])
    with st.container(border=True, key="fcr_line_form"):
        st.markdown("**Add or edit a direct cost line**")
        fields = [
            Field("Project", "Project", "choice", options=tuple(names)),
            Field("Category", "Category", "choice", options=tuple(fcr.DIRECT_COST_CATEGORIES)),
            Field("Amount (£)", "Amount in the first year (£)", "number"),
            Field("Pay or non-pay", "Pay or non-pay", "choice", options=tuple(fcr.KIND_LABELS.values()),
                  help="Pay lines grow by pay inflation, non-pay lines by non-pay inflation"),
        ]
        saved = row_form(
            "fcr.line_form", lines, fields, noun="direct cost line",
            row_label=lambda r: f"{_number(r.get('Project'))}: {_number(r.get('Category'))} ({_pounds(r.get('Amount (£)'))})",
            check=lambda values, index: fcr.line_row_problems(values, names),
        )
        if saved is not None:
            return {"projects": projects, "lines": saved, "pools": pools}

    st.subheader("3. Overhead pools", anchor=False)
    labels = {**fcr.DRIVER_LABELS, fcr.FIXED_SHARES: "Fixed shares"}
    cards(pools, title="Overhead pool", empty="No overhead pools yet: add premises, finance, governance, ... below.", lines=lambda r: [
        f"{_pounds(r.get('Amount (£)'))} a year, shared by {labels.get(r.get('Shared by'), _number(r.get('Shared by')))}"
        + (f" ({_number(r.get('Fixed shares'))})" if not blank(r.get("Fixed shares")) else "")])
    with st.container(border=True, key="fcr_pool_form"):
        st.markdown("**Add or edit an overhead pool**")
        pool_names = [str(n).strip() for n in pools["Overhead pool"] if not blank(n)]
        fields = [
            Field("Overhead pool", "Overhead pool (e.g. Premises)"),
            Field("Amount (£)", "Amount in the first year (£)", "number"),
            Field("Shared by", "Shared by", "choice", options=tuple(fcr.driver_options(projects)), labels=labels),
            Field("Pay or non-pay", "Pay or non-pay", "choice", options=tuple(fcr.KIND_LABELS.values())),
            Field("Fixed shares", "Fixed shares (only when shared in fixed shares)",
                  help="e.g. 'Youth club: 60%, Debt advice: 40%' (adding up to 100%)"),
        ]
        saved = row_form(
            "fcr.pool_form", pools, fields, noun="overhead pool",
            row_label=lambda r: f"{_number(r.get('Overhead pool'))} ({_pounds(r.get('Amount (£)'))})",
            check=lambda values, index: fcr.pool_row_problems(
                values, projects, lines, other_names=[n for i, n in enumerate(pool_names) if i != index]),
        )
        if saved is not None:
            return {"projects": projects, "lines": lines, "pools": saved}
    return None
