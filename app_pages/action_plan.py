"""Action plan: the framework's Inform, Consult, Involve and Devolve proposals, filterable,
with owner, due date, status and notes kept up to date (explicit Save, audited) and
progress per stream."""

import datetime as dt

import streamlit as st

from models import action_plan
from models.errors import DomainError
from ui.auth import can, current_actor, name_missing
from ui import outcomes as outcomes_ui
from ui.charts import show_chart
from ui.data import data_version, database, database_path
from ui.downloads import download_table
from ui.edits import opened_version, show_error
from ui.entry import FORM, entry_mode
from ui.format import count_of
from ui import action_plan as action_plan_ui

st.title("Action plan")
st.markdown(
    "Every proposal in the framework's four tables, **Inform, Consult, Involve and Devolve**, both what "
    "*the Council will* do and what *the sector will* do, with the need it answers, what it is trying to "
    "achieve and the outcomes it serves. Owners, due dates and statuses start empty: the framework sets "
    "none, except one action due in 2009."
)

outcomes_ui.show_flash("action_plan")

db_path, version = database_path(), data_version()
outcome_titles = {o.outcome_id: f"{o.outcome_id} {o.title}" for o in outcomes_ui.outcome_list(db_path, version)}

st.subheader("Progress per stream")
progress = outcomes_ui.action_progress(db_path, version)
done_total = int(progress["Done"].sum())
show_chart(
    outcomes_ui.progress_chart(progress),
    title="Actions in each stream by status",
    description=(
        f"Stacked bar chart of {int(progress['Total'].sum())} actions across the four streams, by status; "
        f"{done_total} done in all."
    ),
    table=progress,
    key="action_plan.progress",
    lazy_table=True,
)

st.subheader("Actions")
first, second, third, fourth = st.columns(4)
streams = first.multiselect("Stream", list(action_plan.STREAMS), key="action_plan.stream", bind="query-params",
                            placeholder="All streams")
sides = second.multiselect("Who acts", list(action_plan.SIDES), key="action_plan.side", bind="query-params",
                           placeholder="Council and sector")
statuses = third.multiselect("Status", list(action_plan.STATUSES), key="action_plan.status", bind="query-params",
                             placeholder="Any status")
chosen_outcomes = fourth.multiselect("Serves outcome", list(outcome_titles), format_func=outcome_titles.get,
                                     key="action_plan.outcome", bind="query-params", placeholder="Any outcome")
action_filter = action_plan.ActionFilter(tuple(streams), tuple(sides), tuple(statuses), tuple(chosen_outcomes))
shown = outcomes_ui.actions(db_path, version, action_filter)
st.caption(f"{len(shown)} of {int(progress['Total'].sum())} actions shown.")


actor = current_actor()  # the sidebar name (sign-in off) or the signed-in person
may_edit = can("action_plan.edit", actor=actor)


def save(changes: dict[str, dict], seen_versions: dict) -> bool:
    """Save the changed actions (all or nothing); a refused or stale save is shown."""
    if name_missing(actor):
        return False
    try:
        with database() as db:
            changed = action_plan.save_changes(db, changes, actor=actor,
                                               expected_versions={a: int(seen_versions.get(a, 0)) for a in changes})
    except DomainError as error:
        show_error(error, key="action_plan.stale")
        return False
    st.session_state["action_plan.editor_round"] = st.session_state.get("action_plan.editor_round", 0) + 1
    outcomes_ui.rerun_with_flash(
        "action_plan",
        f"Saved changes to {count_of(len(changed), 'action')}: {', '.join(changed)}." if changed else "Nothing had changed.",
    )
    return True


READ_ONLY = "Officers and administrators can change actions; you can read them and download them."
mode = entry_mode("action_plan")
if shown.empty:
    st.info("No actions match these filters. Clear a filter to see more.")
else:
    seen_versions = opened_version("action_plan.versions", dict(zip(shown["action_id"], shown["version"])))
    if mode == FORM:
        st.dataframe(action_plan_ui.short_table(shown), hide_index=True, width="stretch", key="action_plan.short_table",
                     column_config={"Proposal": st.column_config.TextColumn("Proposal", width="large")})
        st.subheader("Update an action", anchor=False)
        if not may_edit:
            st.caption(READ_ONLY)
        elif (edited_action := action_plan_ui.action_form(shown)) is not None:
            action_id, change = edited_action
            save({action_id: change}, seen_versions)
    else:
        editable = action_plan.editor_table(shown)
        editor_round = st.session_state.setdefault("action_plan.editor_round", 0)
        edited = st.data_editor(
            editable,
            hide_index=True,
            width="stretch",
            disabled=action_plan.READ_ONLY_COLUMNS if may_edit else True,
            column_order=action_plan.EDITOR_ORDER,
            column_config={
                "Proposal": st.column_config.TextColumn("Proposal", width="large"),
                "Owner": st.column_config.TextColumn("Owner", max_chars=200),
                "Due date": st.column_config.DateColumn("Due date", format="DD/MM/YYYY",
                                                        min_value=dt.date(2008, 1, 1)),
                "Status": st.column_config.SelectboxColumn("Status", options=list(action_plan.STATUSES), required=True),
                "Notes": st.column_config.TextColumn("Notes", max_chars=action_plan.MAX_TEXT),
            },
            key=f"action_plan.editor.{editor_round}",
        )
        if not may_edit:
            st.caption(READ_ONLY)
        elif st.button("Save changes", key="action_plan.save", type="primary"):
            save(action_plan.changes_from_editor(edited, editable), seen_versions)

    download_table(  # the files are made when a button is pressed
        lambda: action_plan.export_table(shown),
        file_stem="action-plan",
        key="action_plan.download",
        label="these actions",
        notes=["Action plan from 'Inform, Consult, Involve, Devolve' (Cheshire County Council, August 2008).",
               "The links to outcomes are the dashboard's reading of the document."],
    )

outcomes_ui.show_audit_trail(outcomes_ui.action_audit(db_path, version), key="action_plan.audit",
                             empty_text="No changes saved yet.")
