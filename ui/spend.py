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
