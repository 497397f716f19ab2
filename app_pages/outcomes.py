"""Outcomes and gaps: each of the framework's six outcomes with its status, indicators,
gaps to target and projected trend; forms to add an observation and edit a target."""

import streamlit as st

from models import outcomes
from models.errors import DomainError
from ui import outcomes as outcomes_ui
from ui.auth import can, current_actor
from ui.charts import show_chart
from ui.data import data_version, database, database_path
from ui.downloads import download_table
from ui.edits import opened_version, show_error
from ui.format import leading, uk_date
from ui import show_problems

st.title("Outcomes and gaps")
st.markdown(
    "Which of the framework's six outcomes are on track, where the gaps are, and the trend to each "
    "target date. Figures the framework or the national indicator set give are cited; values and "
    "targets added to demonstrate the tool are labelled **illustrative**."
)

outcomes_ui.show_flash("outcomes")

db_path, version = database_path(), data_version()
summaries = outcomes_ui.outcome_summaries(db_path, version)
statuses = [s for summary in summaries for s in summary.indicators]

outcomes_ui.show_headline(outcomes.headline_counts(summaries))

with st.expander("How the status is decided", expanded=True):
    st.markdown("\n".join(f"- {line}" for line in outcomes.STATUS_RULE_LINES))
    st.caption(
        "The trend is a straight line fitted by least squares (scikit-learn) to every observation of "
        "the indicator. With three or more observations it has a 95% prediction interval (the shaded band); "
        "with one observation there are too few points to project."
    )

if any(s.illustrative for s in statuses):
    st.warning(
        "Some values and targets below are **illustrative**: they show how the tool works and are not "
        "real figures. Each is labelled where it appears, and in downloads.",
        icon=":material/science:",
    )

serving = outcomes_ui.actions_serving(db_path, version)
charts = outcomes_ui.indicator_charts(db_path, version)
focus_options = ["All outcomes"] + [f"{s.outcome.outcome_id} {s.outcome.title}" for s in summaries]
focus = st.selectbox("Show", focus_options, key="outcomes.focus", bind="query-params")


def show_indicator(status: outcomes.IndicatorStatus) -> None:
    """One indicator: figures, status and reason, trend chart and its table."""
    indicator = status.indicator
    unit = indicator.unit
    st.markdown(f"#### {indicator.name}")
    st.caption(indicator.definition)
    outcomes_ui.status_badge(status.status)
    st.markdown(status.reason)
    latest, target, gap, gap_share = st.columns(4)
    latest_label = "Latest value" + (" (illustrative)" if status.latest and status.latest.illustrative else "")
    latest.metric(latest_label, outcomes.format_value(status.latest.value, unit) if status.latest else "No data")
    if status.latest:
        latest.caption(uk_date(status.latest.observed_on))
    target.metric(
        "Target" + (" (illustrative)" if indicator.target_illustrative else ""),
        outcomes.format_value(indicator.target_value, unit) or "Not set",
    )
    if indicator.target_date:
        target.caption(f"by {uk_date(indicator.target_date)}")
    gap.metric("Gap (percentage points)" if unit == "%" else "Gap to target",
               outcomes.format_value(status.gap, "number") or "–",
               help="How far the latest value is from the target; negative once the target is passed.")
    gap_share.metric("Gap as % of target", outcomes.format_value(status.gap_percent, "%") or "–")
    st.caption(status.projection_message)
    if status.latest is not None:
        chart, table, title, description = charts[indicator.indicator_id]
        show_chart(chart, title=title, description=description, table=table, key=f"outcomes.chart.{indicator.indicator_id}")
    details = [f"**Owner:** {indicator.owner or 'not assigned'}", f"**Source:** {indicator.source}"]
    if indicator.comparator:
        details.append(f"**Comparator:** {indicator.comparator}")
    if indicator.note:
        details.append(f"**Note:** {indicator.note}")
    if indicator.target_note:
        details.append(f"**Target:** {indicator.target_note}")
    st.caption("  \n".join(details))
    with st.expander(f"Observations of {indicator.name}"):
        st.dataframe(outcomes.observation_frame(status), hide_index=True, width="stretch",
                     key=f"outcomes.observations.{indicator.indicator_id}")


for summary in summaries:
    outcome = summary.outcome
    if focus != "All outcomes" and not focus.startswith(outcome.outcome_id + " "):
        continue
    with st.container(border=True):
        st.subheader(f"{outcome.outcome_id}. {outcome.title}")
        outcomes_ui.status_badge(summary.status)
        st.caption(summary.reason)
        with st.expander("What the framework means by this outcome"):
            st.markdown("\n".join(f"- {point}" for point in outcome.bullet_points))
            st.caption(f"Source: {outcome.source}")
        for status in summary.indicators:
            show_indicator(status)
        st.markdown("#### Actions serving this outcome")
        outcomes_ui.show_serving_actions(serving, outcome.outcome_id)

st.header("Gaps to target, largest first")
gaps = outcomes.gap_table(statuses)
st.caption(
    "Every indicator with a latest value and a target, sorted by the gap as a percentage of the target. "
    "A negative gap means the target has been passed. 'Illustrative' marks rows resting on illustrative values or targets."
)
# the gap and the status lead (they were off screen even at 1280 px); an indicator without a
# projection shows a blank, never 'None'
st.dataframe(
    leading(gaps, ["Outcome", "Gap (% of target)", "Status", "Indicator"]).fillna({"Projected at target date": ""}),
    hide_index=True, width="stretch", key="outcomes.gap_table",
    column_config={"Gap (% of target)": st.column_config.NumberColumn("Gap (% of target)", format="%.1f%%"),
                   "Indicator": st.column_config.Column("Indicator", width="medium")},
)
download_table(
    gaps,
    file_stem="outcome-gaps",
    key="outcomes.gap_download",
    label="gap table",
    notes=[
        "Outcome indicators and gaps to target, 'Inform, Consult, Involve, Devolve' framework (August 2008).",
        "Rows marked 'illustrative' rest on illustrative values or targets for demonstration, not real figures.",
        "Status rule: " + outcomes.STATUS_RULE,
    ],
)

st.header("Update the indicators")
actor = current_actor()
if can("indicator.edit", actor=actor):  # viewers are not offered the forms (models refuse them too)
    indicator_names = {s.indicator.indicator_id: f"{s.indicator.outcome_id} – {s.indicator.name}" for s in statuses}
    # The targets' versions drawn on the previous run: what the person saw when filling the form in.
    seen_targets = opened_version("outcomes.targets", {s.indicator.indicator_id: s.indicator.version for s in statuses})
    add_column, target_column = st.columns(2)
    with add_column:
        st.subheader("Add an observation")
        with st.form("outcomes.add_form", clear_on_submit=False):
            indicator_id = st.selectbox("Indicator", list(indicator_names), format_func=indicator_names.get,
                                        key="outcomes.add_indicator")
            observed_on = st.text_input("Date measured (DD/MM/YYYY)", key="outcomes.add_date", placeholder="31/03/2010")
            value = st.text_input("Value (a percentage from 0 to 100, or a number)", key="outcomes.add_value")
            source = st.text_input("Source (survey, report or data set)", key="outcomes.add_source")
            note = st.text_input("Note (optional)", key="outcomes.add_note")
            illustrative = st.checkbox("This value is illustrative (for demonstration, not a real figure)",
                                       key="outcomes.add_illustrative")
            if st.form_submit_button("Add observation", key="outcomes.add_submit"):
                try:
                    with database() as db:
                        outcomes.add_observation(db, indicator_id, observed_on=observed_on, value=value, source=source,
                                                 note=note, illustrative=illustrative, actor=actor)
                    outcomes_ui.rerun_with_flash(
                        "outcomes", f"Added the value {value.strip()} on {observed_on.strip()} to '{indicator_names[indicator_id]}'."
                    )
                except DomainError as error:
                    show_problems(error)

    with target_column:
        st.subheader("Edit a target")
        with st.form("outcomes.target_form"):
            target_indicator = st.selectbox("Indicator", list(indicator_names), format_func=indicator_names.get,
                                            key="outcomes.target_indicator")
            target_value = st.text_input("Target value", key="outcomes.target_value")
            target_date = st.text_input("Target date (DD/MM/YYYY)", key="outcomes.target_date", placeholder="31/03/2012")
            target_illustrative = st.checkbox("This target is illustrative (not agreed by the Council)", value=True,
                                              key="outcomes.target_illustrative")
            target_note = st.text_input("Note on the target", key="outcomes.target_note")
            reason = st.text_input("Reason for the change", key="outcomes.target_reason")
            if st.form_submit_button("Save target", key="outcomes.target_submit"):
                try:
                    with database() as db:
                        outcomes.edit_target(db, target_indicator, target_value=target_value, target_date=target_date,
                                             illustrative=target_illustrative, note=target_note,
                                             actor=actor, reason=reason,
                                             expected_version=seen_targets.get(target_indicator))
                    outcomes_ui.rerun_with_flash("outcomes", f"Saved the target of '{indicator_names[target_indicator]}'.")
                except DomainError as error:
                    show_error(error, {"target_value": target_value, "target_date": target_date, "target_note": target_note},
                               key="outcomes.stale")

    outcomes_ui.import_figures(indicator_names, actor)
    outcomes_ui.link_actions(indicator_names, outcomes_ui.action_names(db_path, version), actor)
else:
    st.caption("Officers and administrators can add figures, edit targets and link actions here.")

outcomes_ui.show_audit_trail(outcomes_ui.indicator_audit(db_path, version), key="outcomes.audit",
                             empty_text="No observations added or targets changed yet.")
