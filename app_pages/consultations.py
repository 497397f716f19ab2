"""Consultation log: every consultation with who took part, responses, the decision it
informed and its feedback; log one, open one to record responses and feedback (versioned,
audited)."""

import datetime as dt

import streamlit as st

from models import consultations
from models.errors import DomainError, StaleEdit
from models.formatting import uk_date
from ui.auth import can, current_actor, name_missing
from ui.problems import show_problems
from ui import consultations as consult_ui
from ui import outcomes as outcomes_ui
from ui.data import data_version, database, database_path
from ui.downloads import download_table

PAGE = "consultations"
db_path, version = database_path(), data_version()
today = dt.date.today()

st.title("Consultation log")
st.markdown(
    "The framework asks for *Compact compliant consultation processes embedded in all services and departments* "
    "and for *feedback from service users, communities and providers*. Log each consultation here: who was "
    "invited and who took part, the responses, the decision it informed and the *you said, we did* feedback. "
    "The Compact dashboard measures them against the Compact's standards."
)
st.page_link(consult_ui.TOOLKIT_PAGE, label="Plan a new consultation with the Compact toolkit", icon=":material/checklist:")
outcomes_ui.show_flash(PAGE)

actor = current_actor()
may_edit = can("consultation.edit", actor=actor)

log = consult_ui.consultation_list(db_path, version)
table = consult_ui.log_table(log, today)
first, second = st.columns(2)
department_filter = first.multiselect("Department", sorted(set(table["Department"])), key=f"{PAGE}.department",
                                      bind="query-params", placeholder="All departments")
status_filter = second.multiselect("Status", list(consultations.STATUSES), key=f"{PAGE}.status",
                                   bind="query-params", placeholder="Any status")
shown = consult_ui.filter_log(table, department_filter, status_filter)
st.caption(f"{len(shown)} of {len(table)} consultations shown.")
if table.empty:
    st.info("No consultations logged yet. Plan one with the toolkit, or log one below.")
else:
    st.dataframe(shown, hide_index=True, width="stretch", key=f"{PAGE}.table",
                 column_config={"Id": st.column_config.NumberColumn("Id", format="%d")})
    download_table(shown, file_stem="consultation-log", key=f"{PAGE}.download", label="the consultation log",
                   notes=["Consultation log, Third Sector Partnership Dashboard."])


def _save(action, success: str) -> None:
    """Run a write; on success clear caches and rerun with ``success``; show errors."""
    if name_missing(actor):
        return
    try:
        with database() as db:
            result = action(db)
    except StaleEdit as error:
        show_problems(error)
        st.session_state[f"{PAGE}.stale"] = error.current
        return
    except DomainError as error:
        show_problems(error)
        return
    outcomes_ui.rerun_with_flash(PAGE, success.format(result=result))


if may_edit:
    with st.expander("Log a consultation", expanded=table.empty):
        with st.form(f"{PAGE}.new_form"):
            entered = consult_ui.consultation_form(f"{PAGE}.new", {}, db_path=db_path, version=version)
            submitted = st.form_submit_button("Save the consultation", type="primary")
        if submitted:
            _save(lambda db: consultations.create(db, entered, actor=actor), "Logged consultation {result}.")
else:
    st.caption("Officers, commissioners and administrators can log and edit consultations here.")

st.subheader("Open a consultation")
if log.empty:
    st.caption("Nothing to open yet.")
    st.stop()
labels = {int(r.consultation_id): f"{r.consultation_id}: {r.subject} ({r.department})" for r in log.itertuples(index=False)}
# The open consultation is in the address (?consultation=3), so a link can open it.
asked = st.query_params.get("consultation", "")
chosen = st.selectbox("Consultation", list(labels), format_func=labels.get, key=f"{PAGE}.id",
                      index=list(labels).index(int(asked)) if asked.isdigit() and int(asked) in labels else None,
                      placeholder="Choose a consultation to record responses and feedback")
if chosen is None:
    st.query_params.pop("consultation", None)
    st.stop()
st.query_params["consultation"] = str(chosen)
record = consult_ui.consultation(db_path, version, int(chosen))
state = consultations.status(record, today)
first, second, third, fourth = st.columns(4)
first.metric("Status", state)
second.metric("Responses", "Not recorded" if record["responses"] is None else f"{record['responses']:,}")
third.metric("Feedback published", uk_date(record["feedback_published_on"]) or "Not yet")
fourth.metric("Version", record["version"])

people = consult_ui.participants(db_path, version, int(chosen))
st.markdown("**Who was invited and who took part**")
if people.empty:
    st.caption("No one recorded yet.")
else:
    st.dataframe(people, hide_index=True, width="stretch", key=f"{PAGE}.people")
    download_table(people, file_stem=f"consultation-{chosen}-participants", key=f"{PAGE}.people_download",
                   label="who took part")
if record["summary"]:
    st.markdown("**Summary of responses**")
    st.text(record["summary"])
if record["feedback_text"]:
    st.markdown("**Feedback published ('you said, we did')**")
    st.text(record["feedback_text"])

stale = st.session_state.pop(f"{PAGE}.stale", None)
if stale:
    st.warning("Someone else saved this consultation after you opened it. The current values are below; "
               "your input is kept in the form. Save again if your change still applies.")
    st.dataframe([{k: stale[k] for k in consultations.FIELDS if k in stale}], hide_index=True, key=f"{PAGE}.stale_view")

# The version the person opened is kept until they save, so a save against a changed record is refused.
if not may_edit:
    st.stop()
opened_key = f"{PAGE}.opened.{chosen}"
opened_version = st.session_state.setdefault(opened_key, record["version"])
with st.form(f"{PAGE}.edit_form"):
    st.markdown(f"**Edit consultation {chosen}** (opened at version {opened_version})")
    edited = consult_ui.consultation_form(f"{PAGE}.edit.{chosen}", consultations.form_values(record),
                                          db_path=db_path, version=version)
    saved = st.form_submit_button("Save changes", type="primary")
if saved:
    def _update(db):
        result = consultations.update(db, int(chosen), edited, expected_version=int(opened_version), actor=actor)
        st.session_state.pop(opened_key, None)
        return result["version"]
    _save(_update, f"Saved consultation {chosen} (now version {{result}}).")

trail = consult_ui.consultation_audit(db_path, version, int(chosen))
outcomes_ui.show_audit_trail(trail, key=f"{PAGE}.audit", empty_text="No changes yet.")
if not trail.empty:
    download_table(trail, file_stem=f"consultation-{chosen}-changes", key=f"{PAGE}.audit_download", label="the changes")
