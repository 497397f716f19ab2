"""Altair charts with the accessibility every chart needs: a title, a text alternative
(read by screen readers), tooltips, and the same numbers as a table one click away."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

# A palette with enough contrast against white (WCAG 1.4.11 non-text contrast 3:1).
CONTRACT_GRANT_COLOURS = alt.Scale(domain=["Contract", "Grant"], range=["#1d70b8", "#b35c00"])
PALETTE = ["#1d70b8", "#b35c00", "#00703c", "#6f3c97", "#d4351c", "#505a5f", "#28a197", "#912b88"]


def show_chart(
    chart: alt.Chart,
    *,
    title: str,
    description: str,
    table: pd.DataFrame,
    key: str,
    table_column_config: dict | None = None,
) -> None:
    """Draw ``chart`` with its title and text alternative, and the same numbers as a table
    in an expander below. ``description`` says in words what the chart shows."""
    st.altair_chart(
        chart.properties(title=title, description=description),
        width="stretch",
        key=f"{key}.chart",
    )
    st.caption(description)
    with st.expander(f"Table: {title}"):
        st.dataframe(table, hide_index=True, width="stretch", column_config=table_column_config, key=f"{key}.table")
