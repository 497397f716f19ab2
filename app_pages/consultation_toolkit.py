"""Compact toolkit for managers: plan a Compact-compliant consultation step by step
(checklist, timeline from today in working days, who to invite from the directory by theme
and district, a feedback template) and save it as a planned consultation."""

import datetime as dt

import streamlit as st

from models import compact, consultations, directory_search
from models.errors import DomainError
from models.formatting import uk_date
from ui.auth import can, current_actor, name_missing
from ui.problems import plain, show_problems
from ui import consultations as consult_ui
from ui import directory as directory_ui
from ui.data import data_changed, data_version, database, database_path
from ui.downloads import download_table

PAGE = "toolkit"
db_path, version = database_path(), data_version()
today = dt.date.today()
standards = compact.load_standards()

st.title("Compact toolkit: plan a consultation")
st.markdown(
    "The framework's Consult stream proposes *an online Compact Toolkit for managers* (action CON-C5). Work "
    "through the five steps, then save the plan: it goes into the consultation log as a planned consultation, "
    "where you later record responses and feedback."
)
flash = st.session_state.pop(f"{PAGE}.flash", None)
if flash:
    st.success(plain(flash[0]))
    st.page_link(consult_ui.LOG_PAGE, label=f"Open consultation {flash[1]} in the consultation log",
                 query_params={"consultation": str(flash[1])}, icon=":material/arrow_forward:")

st.subheader("1. Check the Compact's steps")
checklist = compact.checklist_table()
st.caption("Tick each step as you plan it (the ticks help you work through the list; they are not saved).")
for number, step in enumerate(checklist.to_dict(orient="records"), start=1):
    st.checkbox(f"{step['Step']}: {step['What to do']}", key=f"{PAGE}.check.{number}", help=f"Source: {step['Source']}")
download_table(lambda: checklist, file_stem="compact-checklist", key=f"{PAGE}.checklist_download", label="the checklist")

st.subheader("2. The consultation")
first, second = st.columns(2)
subject = first.text_input("Subject", key=f"{PAGE}.subject", max_chars=consultations.MAX_SHORT,
                           placeholder="e.g. Day opportunities for older people")
department = second.text_input("Department", key=f"{PAGE}.department", max_chars=consultations.MAX_SHORT,
                               placeholder="e.g. Adult Social Care")
service = first.text_input("Service", key=f"{PAGE}.service", max_chars=consultations.MAX_SHORT)
method = second.selectbox("Method", list(consultations.METHODS), key=f"{PAGE}.method")

st.subheader("3. Timeline from today")
default_start = dt.date.fromisoformat(compact.plan_timeline(today, standards=standards)["Date"].iloc[1])
start = st.date_input("Opens on", value=default_start, min_value=today, format="DD/MM/YYYY", key=f"{PAGE}.start",
                      help=f"By default {compact.EARLY_NOTICE_WORKING_DAYS} working days from today, to give early notice.")
timeline = compact.plan_timeline(today, start, standards)
end = dt.date.fromisoformat(timeline["Date"].iloc[2])
shown_timeline = timeline.assign(Date=[uk_date(d) for d in timeline["Date"]])
st.table(shown_timeline, hide_index=True)  # four rows: a plain table, no grid for the browser to start
st.caption(f"Today is {uk_date(today)}. Working days skip weekends and England and Wales bank holidays.")
download_table(lambda: shown_timeline, file_stem="consultation-timeline", key=f"{PAGE}.timeline_download", label="the timeline")

st.subheader("4. Who to invite")
options = directory_ui.filter_options(db_path, version)
first, second = st.columns(2)
themes = first.multiselect("Theme", options["themes"], key=f"{PAGE}.theme", bind="query-params",
                           placeholder="Any theme")
districts = second.multiselect("District", options["districts"], key=f"{PAGE}.district", bind="query-params",
                               placeholder="Any district")
found = directory_ui.search(db_path, version, directory_search.DirectoryFilter(
    themes=tuple(themes), districts=tuple(districts)), 50) if (themes or districts) else None
invited_orgs: list[str] = []
if found is None:
    st.caption("Choose a theme or a district to see the organisations working on it.")
elif found.rows.empty:
    st.info("No organisation in the directory matches. Describe the groups to invite in words below.")
else:
    rows = found.rows
    listing = rows[["org_id", "name", "org_type", "role"]].assign(
        districts=[", ".join(d) for d in rows["districts"]], themes=[", ".join(t) for t in rows["themes"]])
    listing.columns = ["Org-id", "Name", "Type", "Role", "Districts", "Themes"]
    st.caption(f"{found.total:,} organisations match; {len(listing)} shown."
               + (" Includes fictional demonstration organisations (ids DEMO-)." if found.demo_included else ""))
    st.dataframe(listing, hide_index=True, width="stretch", key=f"{PAGE}.found")
    download_table(lambda: listing, file_stem="consultation-invitees", key=f"{PAGE}.found_download", label="these organisations")
    names = dict(zip(rows["org_id"], rows["name"]))
    invited_orgs = st.multiselect("Invite these organisations", list(names), format_func=lambda o: f"{names[o]} ({o})",
                                  key=f"{PAGE}.invite")
invited_groups = st.text_area("Groups to invite that are not in the directory (one a line)", key=f"{PAGE}.groups",
                              placeholder="e.g. Carers who use the Crewe day centre", height=90)

st.subheader("5. Feedback template")
template = compact.feedback_template(subject, end, standards)
edited_template = st.text_area("Feedback template: copy it, or edit it here before downloading", value=template,
                               height=320, key=f"{PAGE}.template")
st.download_button("Download the feedback template (text)", edited_template.encode("utf-8"), file_name="you-said-we-did.txt",
                   mime="text/plain", key=f"{PAGE}.template_download")

st.subheader("Save as a planned consultation")
actor = current_actor()
if not can("consultation.edit", actor=actor):
    st.caption("Officers, commissioners and administrators can save the plan as a planned consultation.")
elif st.button("Save the planned consultation", type="primary", key=f"{PAGE}.save"):
    plan = {"subject": subject, "department": department, "service": service, "method": method,
            "start_date": start, "end_date": end, "invited_orgs": invited_orgs, "invited_groups": invited_groups,
            "summary": "", "feedback_text": ""}
    if not name_missing(actor):
        try:
            with database() as db:
                new_id = consultations.create(db, plan, actor=actor, planned_with_toolkit=True)
        except DomainError as error:
            show_problems(error)
        else:
            data_changed()
            st.session_state[f"{PAGE}.flash"] = (
                f"Saved '{subject}' as planned consultation {new_id}: opens {uk_date(start)}, closes {uk_date(end)}.",
                new_id)
            st.rerun()
