"""Download buttons for exactly what a page shows, as CSV and XLSX (formulas neutralised)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from models.export import csv_bytes, xlsx_bytes

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_table(
    frame: pd.DataFrame,
    *,
    file_stem: str,
    key: str,
    label: str = "table",
    notes: list[str] | None = None,
    money_columns: list[str] | None = None,
) -> None:
    """Two buttons side by side: CSV and XLSX of ``frame``. ``notes`` (source, 'fictional
    demonstration data', filters) go at the top of the CSV and on the XLSX 'About' sheet."""
    left, right = st.columns(2)
    left.download_button(
        f"Download {label} (CSV)",
        data=csv_bytes(frame, notes=notes),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"{key}.csv",
        width="stretch",
    )
    right.download_button(
        f"Download {label} (Excel)",
        data=xlsx_bytes({"Data": frame}, notes=notes, money_columns={"Data": money_columns or []}),
        file_name=f"{file_stem}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}.xlsx",
        width="stretch",
    )
