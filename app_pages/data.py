"""Import data: load 360Giving grants, council spend over £500, the Charity Commission
register extract or OCDS contract awards; check each file before anything is written;
see the import log and take an import's rows out again."""

import streamlit as st

from models.errors import DomainError
from models.importers import ALL_AREAS, ImportOptions, remove_import
from ui import importing
from ui.auth import current_actor
from ui.data import data_changed, database
from ui import show_problems

st.title("Import data")
st.write(
    "Load the open data councils and funders already publish. Press **Check** to see what a file holds; "
    "nothing is written until you press **Import**. A file with problems is not imported at all "
    "unless you choose to skip its faulty rows. Importing the same file again changes nothing."
)
st.markdown(
    "- **360Giving grants**: CSV, Excel (.xlsx or the older .xls) or JSON, as published to the 360Giving Data Standard\n"
    "- **Council spend over £500**: CSV or Excel (.xlsx or .xls), in the LGA layout or the older 'Body Name, Supplier Name' layout\n"
    "- **Charity Commission register**: the `publicextract.charity`, `charity_classification` and "
    "`charity_area_of_operation` zips, uploaded together\n"
    "- **OCDS contract awards**: a release, a record, or a package of either (JSON)\n"
    "- **Boundaries** for the spend map: the ONS ward and local authority district boundary files "
    "(GeoJSON or TopoJSON, from the [ONS Open Geography Portal](https://geoportal.statistics.gov.uk/))"
)

with st.container(border=True):
    uploader_round = st.session_state.setdefault("data.uploader_round", 0)
    uploaded = st.file_uploader(
        "Files to import",
        type=importing.UPLOAD_TYPES,
        accept_multiple_files=True,
        max_upload_size=importing.MAX_UPLOAD_MB,
        key=f"data.files.{uploader_round}",
        help=f"Up to {importing.MAX_UPLOAD_MB} MB a file. The kind of file is told from its content, not its name.",
    )
    with st.expander("Import options"):
        left, right = st.columns(2)
        kind = left.selectbox(
            "Kind of file", list(importing.FORMAT_CHOICES), format_func=importing.FORMAT_CHOICES.get, key="data.format"
        )
        area = right.text_input(
            "Charity Commission register: local authority",
            value="Cheshire East",
            key="data.local_authority",
            help=f"Only charities that say they work in this local authority are added. Type '{ALL_AREAS}' for every charity.",
        )
        council = left.text_input(
            "Council name (spend files without a 'Body Name' column)", key="data.publisher"
        )
        skip_invalid = st.checkbox(
            "Import the valid rows of a file with problems, skipping the faulty ones (each is listed)",
            key="data.skip_invalid",
        )

actor = current_actor()  # the signed-in person, or with sign-in off the name in the sidebar
options = ImportOptions(
    format=kind,
    skip_invalid=skip_invalid,
    local_authority=area.strip() or "Cheshire East",
    publisher=council.strip() or None,
    imported_by=actor.label + " (Data page)",
)

if uploaded:
    sources = importing.sources_of(uploaded)
    signature = importing.signature(sources, options)
    checked_now = st.session_state.get("data.checked_signature") == signature
    # A file is checked only when the person asks, in a separate process with memory and
    # time limits: an upload alone never starts work on the server.
    if st.button("Check", type="secondary" if checked_now else "primary", key="data.check", icon=":material/fact_check:"):
        st.session_state["data.checked"] = importing.check_files(uploaded, options)
        st.session_state["data.checked_signature"] = signature
        checked_now = True
    if not checked_now:
        st.caption("Press **Check** to see what would be imported and any problems; nothing is written.")
    else:
        checked = st.session_state["data.checked"]
        st.subheader("Check before importing")
        for index, result in enumerate(checked):
            importing.show_result(result, key=f"checked.{index}")
        importable = [r for r in checked if r.ok]
        if importable:
            label = f"Import {len(importable)} file{'s' if len(importable) != 1 else ''}"
            if st.button(label, type="primary", key="data.commit", icon=":material/upload:"):
                try:
                    results = importing.run_imports(sources, options, verb="Importing", actor=actor)
                except DomainError as error:  # e.g. busy: another import publishing; nothing was written
                    show_problems(error)
                else:
                    data_changed()
                    st.session_state["data.last_results"] = results
                    st.session_state["data.uploader_round"] = uploader_round + 1
                    st.session_state.pop("data.checked_signature", None)
                    st.rerun()
        else:
            st.info("Nothing can be imported until the problems above are fixed.", icon=":material/info:")

for index, result in enumerate(st.session_state.pop("data.last_results", [])):
    importing.show_result(result, key=f"imported.{index}")
if "data.removed_message" in st.session_state:
    st.success(st.session_state.pop("data.removed_message"), icon=":material/check_circle:")

st.subheader("Import log")
log = importing.log_table()
if log.empty:
    st.caption("Nothing has been imported yet.")
else:
    st.dataframe(log, hide_index=True, width="stretch", column_config=importing.LOG_COLUMN_CONFIG, key="data.log")
    removable = log[log["Status"] == "Imported"]
    if not removable.empty:
        st.markdown("**Take an import's rows out again**")
        choice = st.selectbox(
            "Import to remove",
            list(removable["Number"]),
            format_func=lambda n: "{File} (number {Number}, imported {Imported}, {Rows now:,} rows now)".format(
                **removable.set_index("Number", drop=False).loc[n].to_dict()
            ),
            key="data.remove_choice",
        )
        confirm = st.checkbox("Yes, remove every row this import wrote", key="data.remove_confirm")
        if st.button("Remove rows", disabled=not confirm, key="data.remove", icon=":material/delete:"):
            try:
                with database() as db:
                    removed = remove_import(db, int(choice), actor=actor)
            except DomainError as error:
                show_problems(error)
            else:
                data_changed()
                st.session_state["data.removed_message"] = (
                    f"Removed {removed:,} rows. The log keeps a record of the import, marked 'Removed'."
                )
                st.rerun()
