"""Download buttons for exactly what a page shows, as CSV and XLSX (formulas neutralised)."""

from __future__ import annotations

import hashlib
from typing import Callable

import pandas as pd
import streamlit as st

from models.export import csv_bytes, xlsx_bytes

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_table(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    *,
    file_stem: str,
    key: str,
    label: str = "table",
    notes: list[str] | None = None,
    money_columns: list[str] | None = None,
) -> None:
    """Two buttons side by side: CSV and XLSX of ``frame``. ``notes`` (source, 'fictional
    demonstration data', filters) go at the top of the CSV and on the XLSX 'About' sheet.
    ``frame`` may be a function returning the frame: the files are then made only when a
    button is pressed, so a large table costs nothing on the page's reruns."""
    left, right = st.columns(2)
    lazy = callable(frame)
    table = frame if lazy else (lambda: frame)

    def as_csv() -> bytes:
        return csv_bytes(table(), notes=notes)

    def as_xlsx() -> bytes:
        return xlsx_bytes({"Data": table()}, notes=notes, money_columns={"Data": money_columns or []})

    if not lazy:  # made on every rerun: the CSV (cheap) says whether the workbook (not cheap) is the one made before
        csv_file = as_csv()
        key_of = hashlib.sha256(csv_file + repr(list(frame.dtypes.astype(str))).encode()).hexdigest()
        workbook = _workbook(key_of, frame, tuple(notes or ()), tuple(money_columns or ()))
    left.download_button(
        f"Download {label} (CSV)",
        data=as_csv if lazy else csv_file,
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"{key}.csv",
        width="stretch",
    )
    right.download_button(
        f"Download {label} (Excel)",
        data=as_xlsx if lazy else workbook,
        file_name=f"{file_stem}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}.xlsx",
        width="stretch",
    )


@st.cache_data(max_entries=32, show_spinner=False)
def _workbook(key_of: str, _frame: pd.DataFrame, notes: tuple[str, ...], money_columns: tuple[str, ...]) -> bytes:
    """The XLSX of a table, kept for the table's reruns: ``key_of`` is the digest of its CSV
    (every cell, the notes) and column types, so the same table is made into a workbook once
    (a few hundred rows: about 0.1 s a rerun before)."""
    return xlsx_bytes({"Data": _frame}, notes=list(notes), money_columns={"Data": list(money_columns)})
