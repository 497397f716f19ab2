"""Cached spend readers, the spend filters and the spend charts (drawing only; the sums are
in models.spend)."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from models import spend
from models.formatting import count_of, money, money_short

from .charts import CONTRACT_GRANT_COLOURS, INK, POUNDS_AXIS_LABELS, chart_spec
from .data import reader
from .format import count_column_config, money_column_config

filter_options = reader(spend.filter_options)
# The page's one aggregate query (kept for other readers of the (authority, department,
# funding type) grain).
cube = reader(spend.cube)

# How many bars a chart shows before 'All other N ...': enough to read on a phone.
CHART_TOP = 10


@dataclass(frozen=True)
class Breakdown:
    """One chart of the spend page, ready to draw: its finished Vega-Lite spec (the top
    ``CHART_TOP`` and 'All other N'), its title and text alternative, and the full
    breakdown as the table below it (pounds) with its column config."""

    category: str
    title: str
    description: str
    chart: dict
    table: pd.DataFrame
    config: dict


@dataclass(frozen=True)
class SpendScreen:
    """Everything the spend page draws for one filter, made once and cached: a rerun
    only hands these to Streamlit (no Altair, no per-cell formatting), and their size
    depends on how many funders, departments and districts there are, never on how many
    spend records."""

    view: spend.SpendView
    breakdowns: tuple[Breakdown, ...]
    document: pd.DataFrame  # document_screen_table(view.document)
    document_config: dict


# (category, its title, its plural in words, a note for the text alternative)
BREAKDOWNS = (
    ("authority", "Administering authority", ("administering authority", "administering authorities"), ""),
    ("department", "Department", ("department", None),
     " Departments with the same name in different authorities are added together."),
    ("district", "District", ("district", None), None),
)


@reader
def spend_screen(db, spend_filter: spend.SpendFilter) -> SpendScreen:
    """The spend page's figures, charts and tables for ``spend_filter`` (cached per filter
    and data version)."""
    view = spend.page_view(db, spend_filter)
    total = money(view.headline.total_pence)
    breakdowns = []
    for category, title_word, (plural, many), note in BREAKDOWNS:
        split = getattr(view, f"by_{category}")
        if note is None:  # district: area-wide spend is a bar of its own unless districts are chosen
            note = "" if spend_filter.districts else f" Area-wide spend ('{spend.COUNTY_WIDE}') is a bar of its own."
        count = len(split)
        shown = (f"the {CHART_TOP} largest and one bar for the other {count - CHART_TOP:,}"
                 if count > CHART_TOP + 1 else "one bar each")
        title = f"Spend by {title_word.lower()}, contract and grant"
        description = (
            f"Bar chart of {total} of spend across {count_of(count, plural, many)}: {shown}, split into "
            "contracts and grants, with each bar's total written at its end." + note + " Every one is in the table below."
        )
        table, config = breakdown_table(split, category, title_word)
        chart = chart_spec(stacked_bar(split, category, title_word), title=title, description=description)
        breakdowns.append(Breakdown(category, title, description, chart, table, config))
    document, document_config = document_screen_table(view.document)
    return SpendScreen(view, tuple(breakdowns), document, document_config)


def stacked_bar(split: pd.DataFrame, category: str, category_title: str, top: int = CHART_TOP) -> alt.LayerChart:
    """Horizontal bars of spend per ``category`` from a ``spend.split_by_funding_type``
    frame: the ``top`` largest, then one 'All other N ...' bar; each bar split into
    contract and grant, with its total written at its end, so even a £145 bar is seen."""
    shown = spend.top_with_others(split, category, top)
    order = list(shown[category])
    long = shown.melt(id_vars=[category, "total"], value_vars=["contract", "grant"], var_name="funding_type",
                      value_name="amount_pence")
    long["Funding type"] = long["funding_type"].map(spend.FUNDING_TYPE_LABELS)
    long["Amount (£)"] = long["amount_pence"] / 100
    long["Total (£)"] = long["total"] / 100
    totals = pd.DataFrame({category: shown[category], "Total (£)": shown["total"] / 100,
                           "Label": [money_short(int(t)) for t in shown["total"]]})
    widest = float(totals["Total (£)"].max()) if len(totals) else 0.0
    y = alt.Y(f"{category}:N", title=category_title, sort=order, axis=alt.Axis(labelLimit=170))
    x_scale = alt.Scale(domain=[0, widest * 1.3 or 1])
    bars = alt.Chart(long).mark_bar().encode(
        y=y,
        x=alt.X("Amount (£):Q", stack="zero", title="Spend (£)", scale=x_scale, axis=alt.Axis(labelExpr=POUNDS_AXIS_LABELS, tickCount=4)),
        color=alt.Color("Funding type:N", scale=CONTRACT_GRANT_COLOURS, legend=alt.Legend(orient="bottom")),
        order=alt.Order("funding_type:N"),
        tooltip=[
            alt.Tooltip(f"{category}:N", title=category_title),
            alt.Tooltip("Funding type:N"),
            alt.Tooltip("Amount (£):Q", title="Spend (£)", format=",.2f"),
            alt.Tooltip("Total (£):Q", title="Total (£)", format=",.2f"),
        ],
    )
    labels = alt.Chart(totals).mark_text(align="left", baseline="middle", dx=4, color=INK, fontSize=12).encode(
        y=y, x=alt.X("Total (£):Q", scale=x_scale), text="Label:N",
        tooltip=[alt.Tooltip(f"{category}:N", title=category_title), alt.Tooltip("Total (£):Q", format=",.2f")],
    )
    return alt.layer(bars, labels).properties(height=alt.Step(34))


def breakdown_table(split: pd.DataFrame, category: str, category_title: str) -> tuple[pd.DataFrame, dict]:
    """The full breakdown behind a chart, every row, as shown on screen: the name pinned
    at the left, then the money (total first), so a phone shows the name and its total
    without scrolling. Returns the frame (pounds) and its column config."""
    table = pd.DataFrame({
        category_title: split[category].to_numpy(),
        "Total (£)": split["total"].to_numpy() / 100,
        "Contract (£)": split["contract"].to_numpy() / 100,
        "Grant (£)": split["grant"].to_numpy() / 100,
        "Records": split["rows"].to_numpy(),
    })
    config = {
        category_title: pinned_text_column(category_title),
        **{c: money_column_config(c) for c in ("Total (£)", "Contract (£)", "Grant (£)")},
        "Records": count_column_config("Records"),
    }
    return table, config


def pinned_text_column(label: str):
    """A text column pinned at the left, so it stays in view while the money scrolls."""
    import streamlit as st

    return st.column_config.TextColumn(label, pinned=True, width="medium")


def document_screen_table(layout: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The framework's table for the screen, readable on a phone: the department (or, on a
    total line, which total it is) pinned at the left, then the money (grand total first) as
    '£1,234.56' text with empty cells left blank (never 'None'), then the administering
    authority. Downloads keep the document's own column order."""
    import streamlit as st

    from models.formatting import money

    def shown(column: str) -> list[str]:
        return ["" if pd.isna(v) else money(int(v)) for v in layout[column]]

    lines = [department if kind == "detail" else authority
             for department, authority, kind in zip(layout["Department"], layout["Administering authority"],
                                                    layout["row_kind"])]
    table = pd.DataFrame({
        "Department or total": lines,
        "Grand Total": shown("Grand Total"),
        "Contract": shown("Contract"),
        "Grant": shown("Grant"),
        "Administering authority": layout["Administering authority"].to_numpy(),
    })
    config = {"Department or total": pinned_text_column("Department or total")}
    for column in ("Grand Total", "Contract", "Grant"):
        config[column] = st.column_config.TextColumn(column, alignment="right")
    return table, config


def filter_controls(page: str, db_path: str, version: int, *, districts: bool = False) -> tuple[spend.SpendFilter, str]:
    """The spend filters (year, body type, funding type, authority, department, all
    suppliers; with ``districts=True`` also district) as widgets keyed '<page>.<filter>'
    and kept in the URL; returns the filter and a line saying what it is, for downloads."""
    import streamlit as st

    all_suppliers = st.toggle(
        "Include suppliers not recognised as third-sector (imported spend files)", key=f"{page}.all_suppliers", bind="query-params"
    )
    options = filter_options(db_path, version, not all_suppliers)
    first, second, third = st.columns(3)
    years = first.multiselect("Financial year", options["years"], key=f"{page}.year", bind="query-params", placeholder="All years")
    body_types = second.multiselect(
        "Body type", options["body_types"], default=[b for b in ["local_government"] if b in options["body_types"]],
        format_func=lambda v: spend.BODY_TYPE_LABELS.get(v, v), key=f"{page}.body", bind="query-params",
        help="Health (the PCT) is kept apart from local government unless you add it here.",
    )
    funding_types = third.multiselect(
        "Funding type", options["funding_types"], format_func=lambda v: spend.FUNDING_TYPE_LABELS.get(v, v),
        key=f"{page}.funding", bind="query-params", placeholder="Contracts and grants",
    )
    fourth, fifth = st.columns(2)
    authorities = fourth.multiselect(
        "Administering authority", options["authorities"], key=f"{page}.authority", bind="query-params", placeholder="All authorities"
    )
    departments = fifth.multiselect(
        "Department", options["departments"], key=f"{page}.department", bind="query-params", placeholder="All departments"
    )
    chosen_districts: list[str] = []
    if districts:
        chosen_districts = st.multiselect(
            "District", [d for d in options["districts"] if not spend.is_area_wide(d)], key=f"{page}.district",
            bind="query-params", placeholder="All districts, and area-wide spend",
            help="Spend filed under the districts you choose. Spend that covered a whole area "
            f"('{spend.COUNTY_WIDE}') is shown on its own line, not added to any district.",
        )
    spend_filter = spend.SpendFilter(
        years=tuple(years), body_types=tuple(body_types), authorities=tuple(authorities),
        departments=tuple(departments), funding_types=tuple(funding_types), third_sector_only=not all_suppliers,
        districts=tuple(chosen_districts),
    )
    named = [
        ("financial year", years),
        ("body type", [spend.BODY_TYPE_LABELS.get(b, b) for b in body_types]),
        ("authority", authorities),
        ("department", departments),
        ("funding type", [spend.FUNDING_TYPE_LABELS.get(f, f) for f in funding_types]),
    ]
    if districts:
        named.append(("district", chosen_districts))
    named.append(("suppliers", ["all"] if all_suppliers else ["third-sector only"]))
    note = "Filters: " + "; ".join(f"{name}: {', '.join(values) if values else 'all'}" for name, values in named)
    return spend_filter, note
