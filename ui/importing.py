"""The import widget pieces for the Data page: uploaded files as import sources, the
validation report drawn for an officer, imports run with a progress bar, and the cached
import log. The parsing and validation are in models.importers."""

from __future__ import annotations

import dataclasses
import hashlib

import pandas as pd
import streamlit as st

from models.formatting import uk_datetime
from models.importers import (
    FORMAT_NAMES, SHOWN, ImportOptions, ImportResult, Source, import_log, import_sources, warnings_frame,
)
from models.importers.sandbox import check_isolated
from ui.data import data_version, database, database_path, reader
from ui.downloads import download_table
from ui.problems import plain

MAX_UPLOAD_MB = 200  # per file, enforced by the uploader
UPLOAD_TYPES = ["csv", "xlsx", "xls", "json", "zip", "txt", "geojson", "topojson"]
FORMAT_CHOICES = {"auto": "Detect from the file's content", **FORMAT_NAMES}
STATUS_WORDS = {"imported": "Imported", "removed": "Removed", "importing": "Interrupted"}


def sources_of(uploaded) -> list[Source]:
    """Uploaded files as import sources (their bytes are already in memory)."""
    return [Source.from_bytes(f.name, f.getvalue()) for f in uploaded or []]


def signature(sources: list[Source], options: ImportOptions) -> str:
    """Identifies a set of files and options, so a check is not repeated needlessly."""
    digest = hashlib.sha256(repr(sorted((s.name, s.size) for s in sources)).encode())
    digest.update(repr(dataclasses.replace(options, imported_by="")).encode())  # a name typed is not a new check
    for source in sources:
        digest.update(source.sha256().encode())
    return digest.hexdigest()


def check_files(uploaded, options: ImportOptions) -> list[ImportResult]:
    """Check uploaded files (a dry run) in a separate process with memory and time
    limits (models.importers.sandbox), with a spinner: one hostile file cannot take the
    server down."""
    with st.spinner(f"Checking {len(uploaded)} file(s) in a separate process…"):
        return check_isolated(database_path(), [(f.name, f.getvalue()) for f in uploaded], options)


def run_imports(sources: list[Source], options: ImportOptions, *, verb: str, actor=None) -> list[ImportResult]:
    """Run ``import_sources`` with a progress bar (checking or importing), as ``actor``."""
    bar = st.progress(0.0, text=f"{verb} {len(sources)} file(s)…")

    def progress(name: str, fraction: float, rows: int) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"{verb} {name}: {rows:,} rows so far")

    with database() as db:
        results = import_sources(db, sources, options, progress=progress, actor=actor)
    bar.empty()
    return results


def problems_table(result: ImportResult, kind: str) -> pd.DataFrame:
    """The first problems of one kind ('errors' or 'warnings') as a table."""
    problems = getattr(result.report, kind)[:SHOWN]
    return pd.DataFrame(
        [{"Where": p.where or "whole file", "Column": p.column, "Problem": p.message} for p in problems],
        columns=["Where", "Column", "Problem"],
    )


def show_result(result: ImportResult, key: str = "0") -> None:
    """One file's outcome: a headline, its errors and warnings (as plain tables, which
    screen readers and browser search can read), notes and unmapped columns."""
    report = result.report
    if result.status == "rejected":
        st.error(result.headline(), icon=":material/error:")
    elif result.status == "nothing":
        st.info(result.headline(), icon=":material/info:")
    elif report.error_count:
        st.warning(result.headline() + f" ({report.error_count:,} rows with problems skipped)", icon=":material/warning:")
    else:
        st.success(result.headline(), icon=":material/check_circle:")
    if report.error_count:
        st.markdown(f"**Problems** (the first {min(report.error_count, SHOWN)} of {report.error_count:,})")
        st.table(problems_table(result, "errors"), hide_index=True)
        if report.error_count > SHOWN:
            st.caption(f"…and {report.error_count - SHOWN:,} more. Fix these and check the file again.")
    if result.ok and result.rows_skipped:
        places = report.skipped_places()
        st.caption(f"Rows skipped ({len(places):,}): " + plain(", ".join(places[:500])) + (" …" if len(places) > 500 else ""))
    for note in report.notes:
        st.caption(note)
    if report.warning_count:
        repairs = f", {report.repair_count:,} of them repairs" if report.repair_count else ""
        with st.expander(f"{report.warning_count:,} warnings{repairs} (the rows are still imported)"):
            st.caption("A repair reads a value the one way it can sensibly be read (a UK date as ISO, 'Y' as 'Yes'); "
                       "check the before and after.")
            st.table(problems_table(result, "warnings"), hide_index=True)
            if report.warning_count > SHOWN:
                st.caption(f"…and {report.warning_count - SHOWN:,} more, all in the download.")
        download_table(warnings_frame([report]), file_stem=f"warnings-{result.file_name}"[:80],
                       key=f"data.warnings.{key}", label="warnings and repairs")


_log = reader(import_log)


LOG_COLUMN_CONFIG = {
    "File": st.column_config.TextColumn("File", width="medium"),
    "Publisher": st.column_config.TextColumn("Publisher", width="medium"),
}


def log_table() -> pd.DataFrame:
    """The import log as shown: UK dates, formats and statuses in words."""
    frame = _log(database_path(), data_version())
    return pd.DataFrame(
        {
            "Number": frame["id"],
            "Imported": [uk_datetime(v) for v in frame["imported_at"]],
            "Status": [STATUS_WORDS.get(v, v) for v in frame["status"]],
            "File": frame["file_name"],
            "Kind": [FORMAT_NAMES.get(v, v) for v in frame["format"]],
            "Added": frame["rows_added"],
            "Updated": frame["rows_updated"],
            "Skipped": frame["rows_skipped"],
            "Rows now": frame["rows_now"],
            "Publisher": frame["publisher"].fillna(""),
            "By": frame["imported_by"].fillna(""),
        }
    )
