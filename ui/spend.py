"""Cached spend readers and the spend charts (drawing only; the sums are in models.spend)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from models import spend

from .charts import CONTRACT_GRANT_COLOURS
from .data import reader


filter_options = reader(spend.filter_options)
# The page's one aggregate query; every figure, chart and table is a roll-up of it.
cube = reader(spend.cube)


def with_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds 'Funding type' and 'Amount (£)' columns in users' words for charting."""
    labelled = frame.copy()
    if "funding_type" in labelled:
        labelled["Funding type"] = labelled["funding_type"].map(spend.FUNDING_TYPE_LABELS)
    labelled["Amount (£)"] = labelled["amount_pence"] / 100
    return labelled


def stacked_bar(frame: pd.DataFrame, category: str, category_title: str) -> alt.Chart:
    """Horizontal bars of spend per ``category``, split contract/grant, with tooltips."""
    data = with_labels(frame)
    totals = data.groupby(category)["Amount (£)"].sum().sort_values(ascending=False)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", title=category_title, sort=list(totals.index), axis=alt.Axis(labelLimit=320)),
            x=alt.X("sum(Amount (£)):Q", title="Spend (£)", axis=alt.Axis(format=",.0f")),
            color=alt.Color("Funding type:N", scale=CONTRACT_GRANT_COLOURS, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip(f"{category}:N", title=category_title),
                alt.Tooltip("Funding type:N"),
                alt.Tooltip("sum(Amount (£)):Q", title="Spend (£)", format=",.2f"),
            ],
        )
        .properties(height=alt.Step(36))
    )


def filter_controls(page: str, db_path: str, version: int) -> tuple[spend.SpendFilter, str]:
    """The spend filters (year, body type, funding type, authority, department, all
    suppliers) as widgets keyed '<page>.<filter>' and kept in the URL; returns the filter
    and a line saying what it is, for downloads."""
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
    spend_filter = spend.SpendFilter(
        years=tuple(years), body_types=tuple(body_types), authorities=tuple(authorities),
        departments=tuple(departments), funding_types=tuple(funding_types), third_sector_only=not all_suppliers,
    )
    note = "Filters: " + "; ".join(
        f"{name}: {', '.join(values) if values else 'all'}"
        for name, values in (
            ("financial year", years),
            ("body type", [spend.BODY_TYPE_LABELS.get(b, b) for b in body_types]),
            ("authority", authorities),
            ("department", departments),
            ("funding type", [spend.FUNDING_TYPE_LABELS.get(f, f) for f in funding_types]),
            ("suppliers", ["all"] if all_suppliers else ["third-sector only"]),
        )
    )
    return spend_filter, note
