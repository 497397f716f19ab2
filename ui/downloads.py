"""Download buttons for exactly what a page shows, as CSV and XLSX (formulas neutralised)."""

from __future__ import annotations

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

    left.download_button(
        f"Download {label} (CSV)",
        data=as_csv if lazy else as_csv(),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"{key}.csv",
        width="stretch",
    )
    right.download_button(
        f"Download {label} (Excel)",
        data=as_xlsx if lazy else as_xlsx(),
        file_name=f"{file_stem}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}.xlsx",
        width="stretch",
    )
