"""Save and load panel shared by the engine pages (tender, SROI, full cost recovery):
save to the database by name, load a saved one, download or upload the JSON file."""

from __future__ import annotations

import json

import streamlit as st

from models import scenarios
from models.errors import DomainError, ScenarioError

from .auth import can
from .data import data_changed, database
from .edits import opened_version, saw, show_error
from .format import uk_datetime
from .problems import plain, show_problems


def save_load_panel(kind: str, current: dict, *, key: str, default_name: str = "") -> dict | None:
    """Draw the panel for scenarios of ``kind``. Returns a scenario body the user chose to
    load (from the database or an uploaded file), else None. The page validates it."""
    loaded = None
    # Read and drawn only once opened (opening reruns the page): closed, the panel costs no
    # query and the visitor's browser nothing (its file box and buttons).
    panel = st.expander("Save or load a scenario", key=f"{key}.open", on_change="rerun")
    with panel:
        if not panel.open:
            return None
        with database() as db:
            saved_list = scenarios.list_saved(db, kind)
        # The latest version of each name as drawn on the previous run: what the person saw.
        seen = opened_version(f"{key}.versions", {s.name: s.version for s in saved_list})
        save_column, load_column = st.columns(2)
        with save_column:
            may_save = can("scenario.save")
            if may_save:
                name = st.text_input("Scenario name", value=current.get("name") or default_name, key=f"{key}.save_name")
            else:
                st.caption("Your role can download and upload scenario files; saving to the shared database needs another role.")
            if may_save and st.button("Save scenario", key=f"{key}.save"):
                try:
                    with database() as db:
                        saved = scenarios.save(db, kind, name, {**current, "name": name},
                                               expected_version=seen.get(name.strip(), 0))
                    data_changed()
                    saw(f"{key}.versions", {**seen, saved.name: saved.version})
                    st.success(f"Saved '{plain(saved.name)}' (version {saved.version}).")
                except DomainError as error:
                    show_error(error, key=f"{key}.stale")
            st.download_button(
                "Download scenario (JSON)",
                # Made on each run, not when pressed (a few kilobytes): a file made on demand
                # while the page is still running is pruned when the run ends, and the press is lost.
                data=json.dumps(current, indent=2, ensure_ascii=False).encode("utf-8"),
                file_name=f"{(current.get('name') or kind).strip().replace(' ', '-').lower() or kind}.json",
                mime="application/json",
                key=f"{key}.download_json",
            )
        with load_column:
            if saved_list:
                choice = st.selectbox(
                    "Saved scenarios",
                    saved_list,
                    format_func=lambda s: f"{s.name} (v{s.version}, saved {uk_datetime(s.saved_at)} London time)",
                    key=f"{key}.saved_choice",
                )
                if st.button("Load saved scenario", key=f"{key}.load_saved"):
                    loaded = choice.body
            else:
                st.caption("No saved scenarios yet.")
            upload = st.file_uploader(
                "Or upload a scenario file (JSON, up to 2 MB)", type=["json"], key=f"{key}.upload",
                max_upload_size=2,
            )
            if upload is not None and st.button("Load uploaded file", key=f"{key}.load_upload"):
                try:
                    loaded = scenarios.parse_json(upload.getvalue(), source=upload.name)
                except ScenarioError as error:
                    show_problems(error)
    return loaded
