"""Maps: cached readers of models.geography and the Altair choropleth (drawing only; the
sums and the placing of spend are in models.geography). No tiles, no outside requests:
the outlines are in the chart itself."""

from __future__ import annotations

import functools
import json

import altair as alt
import pandas as pd

from models import geography, store

from .charts import INK
from .data import cached, reader
from .format import money

boundaries = reader(geography.boundaries)
boundary_summary = reader(geography.boundary_summary)
place_totals = reader(geography.place_totals)


def _from_place_totals(function):
    """``function(db, level, spend_filter, *args, totals=)`` as a cached reader (called as
    ``reader`` makes them: ``(db_path, version, level, spend_filter, *args)``) whose spend by
    place comes from ``place_totals``' cache: one read of the spend table serves the map on
    either basis, an area's records and the differences (at 1,000,000 rows about 1 s each)."""

    @functools.wraps(function)  # one cache per function, as ui.data.reader
    def read(db_path: str, version: int, level: str, spend_filter, *args):
        totals = place_totals(db_path, version, spend_filter)
        with store.opened(db_path) as db:
            return function(db, level, spend_filter, *args, totals=totals)

    return cached(read)


spend_by_area = _from_place_totals(geography.spend_by_area)
area_records = _from_place_totals(geography.area_records)
differences = _from_place_totals(geography.differences)

NO_VALUE = "#f3f2f1"  # areas with nothing to show (no population for per head)
EDGE = "#505a5f"


def per_head_text(per_head_pence) -> str:
    """'£8.03 per head', or a dash when the area's population is not held."""
    if per_head_pence is None or pd.isna(per_head_pence):
        return "no population held"
    return money(round(per_head_pence)) + " per head"


def choropleth(shapes: pd.DataFrame, figures: pd.DataFrame, *, per_head: bool, height: int = 520) -> alt.Chart:
    """Areas filled by spend (or spend per head), with the area's name and £ on hover.
    ``shapes``: code, name, geometry (GeoJSON text); ``figures``: spend_by_area's rows."""
    by_code = {row["code"]: row for row in figures[figures["kind"] == "area"].to_dict(orient="records")}
    features = []
    for shape in shapes.to_dict(orient="records"):
        row = by_code.get(shape["code"], {})
        amount = int(row.get("amount_pence", 0) or 0)
        head = row.get("per_head_pence")
        head = None if head is None or pd.isna(head) else float(head)
        value = (None if head is None else round(head) / 100) if per_head else amount / 100
        features.append({
            "type": "Feature",
            "geometry": json.loads(shape["geometry"]),
            "properties": {
                "name": shape["name"],
                "value": value,
                "spend": money(amount),
                "per_head": per_head_text(head),
            },
        })
    top = max((f["properties"]["value"] or 0 for f in features), default=0)
    data = alt.Data(values=features)
    tooltip = [
        alt.Tooltip("properties.name:N", title="Area"),
        alt.Tooltip("properties.spend:N", title="Spend"),
        alt.Tooltip("properties.per_head:N", title="Per head"),
    ]
    base = alt.Chart(data).mark_geoshape(fill=NO_VALUE, stroke=EDGE, strokeWidth=0.5).encode(tooltip=tooltip)
    filled = (
        alt.Chart(data)
        .mark_geoshape(stroke=EDGE, strokeWidth=0.5)
        .transform_filter("isValid(datum.properties.value)")
        .encode(
            color=alt.Color(
                "properties.value:Q",
                title="Spend per head (£)" if per_head else "Spend (£)",
                scale=alt.Scale(scheme="blues", domain=[0, top or 1]),
                legend=alt.Legend(format=",.2f" if per_head else ",.0f", orient="bottom", labelColor=INK, titleColor=INK, gradientLength=260),
            ),
            tooltip=tooltip,
        )
    )
    return alt.layer(base, filled).project(type="mercator").properties(height=height)


def describe(figures: pd.DataFrame, level_label: str, basis_label: str, per_head: bool) -> str:
    """The map's text alternative: what it shows, the highest and lowest areas, and what
    is not on it."""
    areas = figures[figures["kind"] == "area"]
    measure = "spend per head" if per_head else "spend"
    column = "per_head_pence" if per_head else "amount_pence"
    ranked = areas.dropna(subset=[column]).sort_values(column, ascending=False)
    parts = [f"Map of {measure} by {level_label.lower()}, placed {basis_label.lower()}: {len(areas)} area{'' if len(areas) == 1 else 's'}."]
    if not ranked.empty and ranked[column].max() == 0:
        parts.append(f"No {measure} is recorded by {level_label.lower()} for these filters.")
    elif not ranked.empty:
        def figure(row) -> str:
            return per_head_text(row["per_head_pence"]) if per_head else money(int(row["amount_pence"]))

        top, bottom = ranked.iloc[0], ranked.iloc[-1]
        parts.append(f"Highest: {top['name']} ({figure(top)}). Lowest: {bottom['name']} ({figure(bottom)}).")
        parts.append(f"{int((areas['amount_pence'] == 0).sum())} areas have no spend recorded.")
    elsewhere = figures[figures["kind"] != "area"]
    if not elsewhere.empty:
        parts.append("Not on the map: " + "; ".join(f"{r['name']} {money(int(r['amount_pence']))}" for r in elsewhere.to_dict(orient="records")) + ".")
    return " ".join(parts)
