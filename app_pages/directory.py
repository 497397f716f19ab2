"""Organisation directory: search the sector's organisations by words, type, district,
theme, size and role; open a profile; add an organisation; switch demonstration data
off. The search and filters live in the URL, so a view can be shared."""

import streamlit as st

from models import directory_search
from ui import directory as directory_ui
from ui.auth import can, current_actor
from ui.data import data_version, database_path
from ui.downloads import download_table
from ui.format import money_column_config

st.title("Organisation directory")
st.write(
    "The voluntary and community organisations working in Cheshire East: search by what they do, "
    "and narrow by type, district, theme, size and role. Open a profile for the details, funding "
    "history and source. Share a search by copying the page address."
)

db_path, version = database_path(), data_version()
options = directory_ui.filter_options(db_path, version)

with st.container(border=True):
    query = st.text_input(
        "Search names, services and themes",
        key="directory.q",
        bind="query-params",
        placeholder="e.g. befriending older people, foodbank, youth club",
    )
    first, second, third = st.columns(3)
    org_types = first.multiselect("Type", options["org_types"], key="directory.type", bind="query-params", placeholder="All types")
    districts = second.multiselect("District served", options["districts"], key="directory.district", bind="query-params", placeholder="All districts")
    themes = third.multiselect("Theme", options["themes"], key="directory.theme", bind="query-params", placeholder="All themes")
    first, second, third = st.columns(3)
    size_bands = first.multiselect("Size (latest income)", options["size_bands"], key="directory.size", bind="query-params", placeholder="All sizes")
    roles = second.multiselect("Role", options["roles"], key="directory.role", bind="query-params", placeholder="Front line and infrastructure")
    public_only = third.toggle("Public services only", help="Only organisations that deliver public services", key="directory.public", bind="query-params")

directory_filter = directory_search.DirectoryFilter(
    query=query,
    org_types=tuple(org_types),
    districts=tuple(districts),
    themes=tuple(themes),
    size_bands=tuple(size_bands),
    roles=tuple(roles),
    public_services_only=public_only,
)
LIMIT = 500
result = directory_ui.search(db_path, version, directory_filter, LIMIT)
directory_ui.fictional_banner(result.demo_included)

shown = len(result.rows)
st.subheader(f"{result.total:,} organisations match" if result.total != 1 else "1 organisation matches")
if result.total > shown:
    st.caption(f"Showing the {shown:,} best matches. Add words or filters to narrow the search.")

if result.rows.empty:
    st.info("No organisations match. Try fewer words or clear a filter.")
else:
    rows = result.rows
    table = directory_ui.results_table(rows)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key="directory.results",
        column_config={
            "name": st.column_config.TextColumn("Name", width="medium"),
            "profile": st.column_config.LinkColumn("Profile", display_text="Open profile"),
            "org_type": "Type",
            "districts": "Districts served",
            "themes": "Local Area Agreement themes",
            "size_band": "Size",
            "role": "Role",
            "income": money_column_config("Latest income"),
            "fictional": "Demo data",
            "org_id": "Identifier",
        },
    )
    first, second = st.columns([3, 1], vertical_alignment="bottom")
    labels = {org_id: f"{name} ({org_id})" for org_id, name in zip(rows["org_id"], rows["name"])}
    chosen = first.selectbox("Open the profile of", list(labels), format_func=labels.get, key="directory.open")
    with second:
        st.page_link(directory_ui.PROFILE_PAGE, label="Open profile", icon=":material/badge:", query_params={"org": chosen})
    notes = ["Organisation directory, Cheshire East: search results.", f"Search: '{query}'" if query else "Search: (no words)"]
    if result.demo_included:
        notes.append(directory_ui.FICTIONAL_NOTE)
    download_table(  # the files are made when a button is pressed
        lambda: table.drop(columns=["profile"]).rename(columns={"income": "latest_income_pounds"}),
        file_stem="organisation-directory",
        key="directory.download",
        label="these results",
        notes=notes,
        money_columns=["latest_income_pounds"],
    )

st.divider()
may_edit = can("organisation.edit")  # viewers are not offered the forms (models refuse them too)
if may_edit:
    # Each form is drawn only once its expander is opened (opening reruns the page): closed,
    # they cost a visitor's browser nothing.
    add_box = st.expander("Add an organisation", key="directory.add_open", on_change="rerun")
    with add_box:
        if add_box.open:
            st.caption("Every addition is recorded in the change log with your name and the time.")
            form, who, _, submitted = directory_ui.organisation_form("directory.add", {}, adding=True)
            if submitted:
                saved = directory_ui.save_organisation(form, who)
                if saved:
                    st.success(f"Added {directory_ui.plain(form['name'])} as {saved}.")
                    st.page_link(directory_ui.PROFILE_PAGE, label=f"Open the profile of {directory_ui.plain(form['name'])}",
                                 query_params={"org": saved})

    demo_box = st.expander("Demonstration data", key="directory.demo_open", on_change="rerun")
    with demo_box:
        if demo_box.open:
            figures = directory_ui.counts(db_path, version)
            shown_now = directory_ui.demo_shown(db_path, version)
            st.write(
                f"Fictional demonstration organisations are **{'shown' if shown_now else 'switched off'}**. "
                f"The directory holds {figures['real']:,} organisations from your data"
                + (f" and {figures['demo']:,} fictional ones." if shown_now else ".")
            )
            st.caption("When switched off, search, matching and counts leave the fictional organisations out.")
            with st.form("directory.demo_form"):
                want = st.toggle("Show fictional demonstration organisations", value=shown_now, key="directory.demo_toggle")
                if st.form_submit_button("Save setting"):
                    if directory_ui.set_demo_shown(want, current_actor().label):
                        st.rerun()
