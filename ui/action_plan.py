"""The action plan page's form: one action at a time (owner, due date, status, notes),
checked as it is typed by the same rule that checks a save, and the actions as a narrow
table a phone can read."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from models import action_plan
from models.formatting import uk_short_date

from .entry import blank, cell_text
from .problems import plain


def short_table(shown: pd.DataFrame) -> pd.DataFrame:
    """The actions with what changes first (status, due date, owner), then the proposal:
    readable at 390 px. Empty dates and owners are blank, never 'None'."""
    return pd.DataFrame({
        "Action": shown["action_id"],
        "Status": shown["status"],
        "Due date": [uk_short_date(d) if isinstance(d, str) and d else "" for d in shown["due_date"]],
        "Owner": shown["owner"].fillna(""),
        "Proposal": shown["proposal"],
    })


def action_form(shown: pd.DataFrame) -> tuple[str, dict] | None:
    """Pick an action and edit its owner, due date (typed as 24/11/2026), status and notes,
    seeing any problem as it is typed. Returns (action id, change) when Save is pressed and
    the change is sound, else None."""
    rows = {row["action_id"]: row for row in shown.to_dict(orient="records")}
    action_id = st.selectbox(
        "Action to update", list(rows), key="action_plan.form_action",
        format_func=lambda a: f"{a}: {str(rows[a]['proposal'])[:90]}",
    )
    if action_id is None:
        return None
    row = rows[action_id]
    st.text(f"{row['stream']}, {action_plan.SIDE_LABELS.get(row['side'], row['side'])}: {row['proposal']}")
    box = f"action_plan.form.{action_id}.{row['version']}"
    owner = st.text_input("Owner", cell_text(row["owner"]), key=f"{box}.owner", max_chars=200)
    due = st.text_input("Due date (DD/MM/YYYY, blank if none)", uk_short_date(row["due_date"]) if not blank(row["due_date"]) else "",
                        key=f"{box}.due")
    status = st.selectbox("Status", list(action_plan.STATUSES), index=list(action_plan.STATUSES).index(row["status"]),
                          key=f"{box}.status")
    notes = st.text_area("Notes", cell_text(row["notes"]), key=f"{box}.notes", max_chars=action_plan.MAX_TEXT)
    change = {"owner": owner, "due_date": due, "status": status, "notes": notes}
    problems = action_plan.change_problems(action_id, change)
    if problems:
        st.warning("To put right before saving:\n\n" + "\n".join(f"- {plain(p)}" for p in problems), icon=":material/edit_note:")
    if st.button("Save this action", key="action_plan.form_save", type="primary"):
        if problems:
            st.error("Not saved: put right what is listed above.", icon=":material/error:")
            return None
        return action_id, change
    return None
