"""Cached readers and charts for the strategy pages: outcomes and gaps, the action plan
and the commissioning self-assessment (drawing only; the meaning is in models/)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from models import action_plan, observation_import, outcomes, self_assessment
from models.errors import DomainError

from .auth import name_missing
from .problems import show_problems
from .charts import chart_spec
from .data import database, reader
from .flash import rerun_with_flash, show_flash  # noqa: F401 (pages call them as outcomes_ui.*)
from .format import uk_date

STATUS_COLOURS = {  # badge colours, and chart colours with 3:1 contrast on white
    outcomes.MET: ("green", ":material/verified:"),
    outcomes.ON_TRACK: ("green", ":material/check_circle:"),
    outcomes.AT_RISK: ("orange", ":material/warning:"),
    outcomes.OFF_TRACK: ("red", ":material/cancel:"),
    outcomes.MISSED: ("red", ":material/event_busy:"),
    outcomes.OUT_OF_DATE: ("violet", ":material/update:"),
    outcomes.NO_DATA: ("gray", ":material/help:"),
}


def show_headline(counts: list[outcomes.GroupCount]) -> None:
    """Four headline figures counted on real figures only, with the outcomes whose status
    rests on illustrative figures said in words beneath, never mixed into the count."""
    for column, count in zip(st.columns(len(counts)), counts):
        column.metric(count.group.capitalize(), f"{count.real} of {count.total_outcomes}",
                      help="Outcomes counted on real figures only; judged as of today.")
    illustrative = [f"{c.illustrative} {c.group}" for c in counts if c.illustrative]
    note = "Outcomes counted on real figures only, as of today. "
    if illustrative:
        note += ("Not counted above, because their status rests on illustrative (demonstration) figures: "
                 + "; ".join(illustrative) + ".")
    st.caption(note)
ACTION_STATUS_COLOURS = alt.Scale(
    domain=list(action_plan.STATUSES), range=["#505a5f", "#1d70b8", "#00703c", "#b35c00", "#d4351c"]
)
SERIES_COLOURS = alt.Scale(
    domain=["Observed", "Observed (illustrative)", "Target", "Target (illustrative)", "Trend"],
    range=["#1d70b8", "#6f3c97", "#d4351c", "#b35c00", "#505a5f"],
)


# --------------------------------------------------------------------------- readers


outcome_summaries = reader(outcomes.outcome_summaries)


outcome_list = reader(outcomes.list_outcomes)


indicator_audit = reader(outcomes.audit_trail)


actions = reader(action_plan.list_actions)


action_progress = reader(action_plan.progress_by_stream)


action_audit = reader(action_plan.audit_trail)


assessment_items = reader(self_assessment.list_items)


saved_assessments = reader(self_assessment.list_assessments)


saved_answers = reader(self_assessment.load_answers)


@reader
def assessment_comparison(db, assessment_ids: tuple[int, ...]) -> pd.DataFrame:
    return self_assessment.comparison(db, list(assessment_ids))


# --------------------------------------------------------------------------- drawing


def show_audit_trail(trail: pd.DataFrame, *, key: str, empty_text: str) -> None:
    """The 'Changes made here' section: the audit entries, newest first."""
    st.subheader("Changes made here (audit trail)")
    if trail.empty:
        st.caption(empty_text)
    else:
        st.dataframe(trail, hide_index=True, width="stretch", key=key)


def status_badge(status: str) -> None:
    """A coloured badge with an icon and the status in words (colour is never the only cue)."""
    colour, icon = STATUS_COLOURS[status]
    st.badge(status.capitalize(), icon=icon, color=colour)


def indicator_chart(status: outcomes.IndicatorStatus) -> tuple[alt.Chart, pd.DataFrame]:
    """Observations, the target and the projected trend with its interval band; and the
    same numbers as a table (dates as '24/11/2026')."""
    unit = status.indicator.unit
    series = outcomes.chart_series(status)
    series["when"] = pd.to_datetime(series["date"])
    axis_title = "Percentage" if unit == "%" else "Number"
    base = alt.Chart(series).encode(
        x=alt.X("when:T", title="Date", axis=alt.Axis(format="%Y", tickCount="year")),
    )
    tooltip = [
        alt.Tooltip("series:N", title="Series"),
        alt.Tooltip("when:T", title="Date", format="%d/%m/%Y"),
        alt.Tooltip("value:Q", title=axis_title, format=",.1f"),
    ]
    colour = alt.Color("series:N", title=None, scale=SERIES_COLOURS)
    trend = base.transform_filter(alt.datum.series == "Trend")
    layers = [
        trend.mark_area(opacity=0.18, color="#505a5f").encode(y="lower:Q", y2="upper:Q"),
        trend.mark_line(strokeDash=[6, 4]).encode(y=alt.Y("value:Q"), color=colour, tooltip=tooltip),
        base.transform_filter(alt.FieldOneOfPredicate(field="series", oneOf=["Observed", "Observed (illustrative)"]))
        .mark_line(point=alt.OverlayMarkDef(size=80, filled=True))
        .encode(y=alt.Y("value:Q", title=axis_title, scale=alt.Scale(zero=False)), color=colour, tooltip=tooltip),
        base.transform_filter(alt.FieldOneOfPredicate(field="series", oneOf=["Target", "Target (illustrative)"]))
        .mark_point(shape="diamond", size=160, filled=True)
        .encode(y="value:Q", color=colour, tooltip=tooltip),
    ]
    chart = alt.layer(*layers).properties(height=260)
    table = pd.DataFrame({
        "Series": series["series"],
        "Date": [uk_date(d) for d in series["date"]],
        "Value": series["value"].round(2),
        "Lower (95%)": series["lower"].astype(float).round(2),
        "Upper (95%)": series["upper"].astype(float).round(2),
    })
    return chart, table


def progress_chart(progress: pd.DataFrame) -> alt.Chart:
    """Stacked horizontal bars: actions in each stream by status."""
    data = action_plan.status_long(progress)
    return (
        alt.Chart(data[data["Actions"] > 0])
        .mark_bar()
        .encode(
            y=alt.Y("Stream:N", sort=list(action_plan.STREAMS), title="Stream"),
            x=alt.X("sum(Actions):Q", title="Actions", axis=alt.Axis(tickMinStep=1)),
            # the legend below the bars: beside them it squeezes the bars to nothing on a phone
            color=alt.Color("Status:N", scale=ACTION_STATUS_COLOURS,
                            legend=alt.Legend(orient="bottom", direction="horizontal", columns=2, labelLimit=300)),
            tooltip=["Stream:N", "Status:N", alt.Tooltip("sum(Actions):Q", title="Actions")],
        )
        # Streamlit fits the whole chart, legend too, into this height: room for 4 bars and 2 legend rows
        .properties(height=300)
    )


def principle_chart(results: pd.DataFrame, colour_field: str | None = None) -> alt.Chart:
    """Bars of the mean score (0-4) per principle; grouped by ``colour_field`` (e.g. the
    assessment) when comparing."""
    encoding = dict(
        y=alt.Y("Title:N", title=None, sort=None, axis=alt.Axis(labelLimit=360)),
        x=alt.X("Mean score (0-4):Q", title="Mean score (0 to 4)", scale=alt.Scale(domain=[0, 4])),
        tooltip=["Principle:N", "Title:N", alt.Tooltip("Mean score (0-4):Q", format=".2f")]
        + ([f"{colour_field}:N"] if colour_field else []),
    )
    if colour_field:
        encoding["color"] = alt.Color(f"{colour_field}:N", legend=alt.Legend(labelLimit=400),
                                      scale=alt.Scale(range=["#1d70b8", "#b35c00", "#00703c", "#6f3c97", "#d4351c"]))
        encoding["yOffset"] = alt.YOffset(f"{colour_field}:N")
    chart = alt.Chart(results.dropna(subset=["Mean score (0-4)"]))
    chart = chart.mark_bar() if colour_field else chart.mark_bar(color="#1d70b8")
    return chart.encode(**encoding).properties(height=alt.Step(14 if colour_field else 28))


# --------------------------------------------------------------------------- figures from CSV


actions_serving = reader(observation_import.actions_serving)


@reader
def action_names(db) -> dict[str, str]:
    """Action id -> 'INF-C1 – proposal (shortened)', in the plan's order."""
    actions = action_plan.list_actions(db)
    return {row.action_id: f"{row.action_id} – {row.proposal[:80]}" for row in actions.itertuples()}


def import_figures(indicator_names: dict[str, str], actor) -> None:
    """Officers: bring current figures in from a CSV file (the template or an LG Inform
    download), checked first and written all or nothing."""

    st.subheader("Import figures from a CSV file")
    st.caption(
        "Use the template (one row per figure: indicator_id, observed_on as DD/MM/YYYY, value, source, "
        "optional note and illustrative yes/no), or an LG Inform metric download (Area code, Area, Period, "
        "Value): choose the indicator and area, and each period is dated on its last day (2019/20 is "
        "31/03/2020). If any row has a problem, nothing is imported."
    )
    st.download_button("Download the template (CSV)", observation_import.template_csv(),
                       file_name="indicator-figures-template.csv", mime="text/csv", key="outcomes.import_template")
    with st.form("outcomes.import_form"):
        upload = st.file_uploader("CSV file", type=["csv"], key="outcomes.import_file",
                                  max_upload_size=observation_import.MAX_BYTES // 1_000_000)
        first, second, third = st.columns(3)
        indicator_id = first.selectbox("Indicator (LG Inform downloads only)", [""] + list(indicator_names),
                                       format_func=lambda key: indicator_names.get(key, "Given in the file"),
                                       key="outcomes.import_indicator")
        area = second.text_input("Area (LG Inform downloads only)", value="E06000049", key="outcomes.import_area",
                                 help="The GSS code or name of the area to take, e.g. E06000049 for Cheshire East.")
        source = third.text_input("Source (LG Inform downloads only)", key="outcomes.import_source",
                                  placeholder="LG Inform, NI 6")
        if st.form_submit_button("Import figures", key="outcomes.import_submit"):
            if upload is None:
                st.error("Choose a CSV file first.")
                return
            if name_missing(actor):
                return
            try:
                with database() as db:
                    added = observation_import.import_observations(
                        db, upload.getvalue(), upload.name, actor=actor,
                        indicator_id=indicator_id or None, area=area, source=source)
                rerun_with_flash("outcomes", f"Imported {added:,} figure{'s' if added != 1 else ''} from the file.")
            except DomainError as error:
                show_problems(error)


def show_serving_actions(linked: list[dict], outcome_id: str) -> None:
    """The action-plan rows linked to this outcome's indicators, as a table."""
    rows = [r for r in linked if r["outcome_id"] == outcome_id]
    if not rows:
        st.caption("No action in the action plan is linked to this outcome's indicators yet.")
        return
    frame = pd.DataFrame(rows)
    frame["due_date"] = frame["due_date"].map(lambda d: uk_date(d) if d else "")
    st.dataframe(
        frame.rename(columns={"indicator_id": "Indicator", "action_id": "Action", "stream": "Stream",
                              "proposal": "Proposal", "owner": "Owner", "due_date": "Due", "status": "Status"})
        [["Indicator", "Action", "Stream", "Proposal", "Owner", "Due", "Status"]],
        hide_index=True, width="stretch", key=f"outcomes.actions.{outcome_id}")


def link_actions(indicator_names: dict[str, str], action_names: dict[str, str], actor) -> None:
    """Officers: say which action serves which indicator (or remove the link)."""

    st.subheader("Link an action to an indicator")
    with st.form("outcomes.link_form"):
        first, second = st.columns(2)
        indicator_id = first.selectbox("Indicator", list(indicator_names), format_func=indicator_names.get,
                                       key="outcomes.link_indicator")
        action_id = second.selectbox("Action", list(action_names), format_func=action_names.get,
                                     key="outcomes.link_action")
        link, unlink = st.columns(2)
        add = link.form_submit_button("Link", key="outcomes.link_submit")
        remove = unlink.form_submit_button("Remove link", key="outcomes.unlink_submit")
        if (add or remove) and not name_missing(actor):
            try:
                with database() as db:
                    change = observation_import.link_action if add else observation_import.unlink_action
                    changed = change(db, indicator_id, action_id, actor=actor)
                done = ("Linked" if add else "Removed the link between") if changed else (
                    "Already linked:" if add else "There was no link between")
                rerun_with_flash("outcomes", f"{done} {action_id} and {indicator_id}.")
            except DomainError as error:
                show_problems(error)


@reader
def indicator_charts(db) -> dict[str, tuple[dict, pd.DataFrame, str, str]]:
    """Each indicator with a figure: (finished chart spec, the same numbers as a table,
    title, text alternative), made once per data version: building and converting the
    Altair charts was most of the outcomes page's server time on every rerun."""
    charts = {}
    for summary in outcomes.outcome_summaries(db):
        for status in summary.indicators:
            if status.latest is None:
                continue
            name = status.indicator.name
            title = f"{name}: observations, target and trend"
            description = (
                f"Line chart of {sum(1 for o in status.observations if o.value is not None)} observations of "
                f"{name}, the target as a diamond and, where there are enough points, the projected "
                f"trend to the target date as a dashed line with its interval shaded. {status.projection_message}"
            )
            chart, table = indicator_chart(status)
            charts[status.indicator.indicator_id] = (chart_spec(chart, title=title, description=description), table,
                                                     title, description)
    return charts
