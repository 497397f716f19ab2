"""Altair charts with the accessibility every chart needs: a title, a text alternative
(read by screen readers), tooltips, and the same numbers as a table one click away."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

def _skip_schema_checks() -> None:
    """Build and convert charts without Altair's JSON-schema checks. Altair validates each
    chart against the Vega-Lite schema when it is built and again when Streamlit converts it;
    with jsonschema that was a quarter to a third of a chart page's server time (profiled
    with bench/bench_pages.py). The charts are fixed code, so the checks find nothing at run
    time. Altair's own switch covers building; ``to_dict`` (what Streamlit calls) is told not
    to validate unless asked explicitly."""
    alt.utils.schemapi.disable_debug_mode()
    checked = alt.TopLevelMixin.to_dict
    if getattr(checked, "unchecked", False):
        return

    def to_dict(self, validate: bool = False, **options):
        return checked(self, validate, **options)

    to_dict.unchecked = True
    to_dict.__doc__ = checked.__doc__
    alt.TopLevelMixin.to_dict = to_dict


_skip_schema_checks()

# A palette with enough contrast against white (WCAG 1.4.11 non-text contrast 3:1).
CONTRACT_GRANT_COLOURS = alt.Scale(domain=["Contract", "Grant"], range=["#1d70b8", "#b35c00"])
PALETTE = ["#1d70b8", "#b35c00", "#00703c", "#6f3c97", "#d4351c", "#505a5f", "#28a197", "#912b88"]


INK = "#0b0c0c"

# An axis of pounds labelled as people write them: £500, £20k, £1.5m, £1.2bn (Vega's own "~s"
# gives "1G" for a billion, which nobody reads as pounds).
POUNDS_AXIS_LABELS = (
    "abs(datum.value) >= 1e9 ? '£' + format(datum.value / 1e9, '.3~g') + 'bn' : "
    "abs(datum.value) >= 1e6 ? '£' + format(datum.value / 1e6, '.3~g') + 'm' : "
    "abs(datum.value) >= 1e3 ? '£' + format(datum.value / 1e3, '.3~g') + 'k' : "
    "'£' + format(datum.value, '.3~g')"
)


def readable(chart: alt.Chart) -> alt.Chart:
    """Axis, legend and title text in near-black: Streamlit's default grey fails the
    4.5:1 contrast that WCAG 1.4.3 asks of text, including text in charts."""
    return (
        chart.configure_axis(labelColor=INK, titleColor=INK, labelFontSize=12, titleFontSize=13)
        .configure_legend(labelColor=INK, titleColor=INK, labelFontSize=12, titleFontSize=13)
        .configure_title(color=INK, fontSize=15, anchor="start")
    )


def wrapped_labels(values, width: int = 20, text=str) -> str:
    """An axis ``labelExpr`` that shows each of ``values`` on lines of at most ``width``
    characters: Vega cuts a long axis label ("Healthier communities and ...") rather than
    wrapping it, which on a phone hid which row was which. ``text(value)`` is what is shown."""
    import json
    import textwrap

    lines = {str(v): textwrap.wrap(text(v), width, break_long_words=False) or [text(v)] for v in dict.fromkeys(values)}
    return f"{json.dumps(lines)}[datum.label] || datum.label"


def titled(chart, title: str, description: str):
    """``chart`` with its title (wrapped, so a phone shows all of it), its text alternative
    and readable text: what every chart the app draws needs."""
    return readable(chart.properties(title=alt.TitleParams(wrapped(title)), description=description))


def wrapped(title: str, width: int = 38) -> list[str]:
    """A chart title as lines of at most ``width`` characters: Vega never wraps a title, so
    on a 390 px phone a long one was cut off ("contract an...")."""
    import textwrap

    return textwrap.wrap(title, width) or [title]


def chart_spec(chart: alt.Chart, *, title: str, description: str) -> dict:
    """The Vega-Lite spec ``show_chart`` draws for ``chart`` (title, text alternative,
    readable text), its data sets already as Arrow. Make it once and cache it (e.g. inside
    a ``ui.data.reader``): ``show_chart`` then draws the dict without Altair, which saves a
    chart's build and conversion (tens of ms each) on every rerun."""
    import pyarrow as pa

    spec = titled(chart, title, description).to_dict()
    arrow = {}
    for name, rows in spec.get("datasets", {}).items():
        sink = pa.BufferOutputStream()
        table = pa.Table.from_pylist(rows)
        with pa.ipc.new_stream(sink, table.schema) as stream:
            stream.write_table(table)
        arrow[name] = sink.getvalue().to_pybytes()
    spec["datasets"] = arrow
    return spec


def show_chart(
    chart: alt.Chart | dict,
    *,
    title: str,
    description: str,
    table: pd.DataFrame,
    key: str,
    table_column_config: dict | None = None,
    lazy_table: bool = False,
) -> None:
    """Draw ``chart`` with its title and text alternative, and the same numbers as a table
    in an expander below. ``description`` says in words what the chart shows. ``chart``
    may be a ``chart_spec(...)`` made earlier with the same title and description.
    ``lazy_table``: the table is drawn only once its expander is opened (opening reruns the
    page), so a closed one costs the browser nothing; the text alternative is always there."""
    if isinstance(chart, dict):
        st.vega_lite_chart(spec=dict(chart), width="stretch", key=f"{key}.chart")  # Streamlit pops its datasets
    else:
        st.altair_chart(titled(chart, title, description), width="stretch", key=f"{key}.chart")
    st.caption(description)
    box = st.expander(f"Table: {title}", key=f"{key}.table_open", on_change="rerun") if lazy_table else st.expander(f"Table: {title}")
    with box:
        if box.open is not False:  # None: not lazy, always drawn
            st.dataframe(table, hide_index=True, width="stretch", column_config=table_column_config, key=f"{key}.table")
