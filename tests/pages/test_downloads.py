"""Download buttons (ui.downloads): the workbook made for a table is kept for its reruns, and
a table that changes in any cell, note or column type gets a workbook of its own."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from streamlit.delta_generator import DeltaGenerator

from ui import downloads


@pytest.fixture
def offered(monkeypatch):
    """The files each download button would offer, and how many workbooks were made."""
    files: list[tuple[str, bytes]] = []
    made = {"workbooks": 0}
    monkeypatch.setattr(DeltaGenerator, "download_button",
                        lambda self, label, data, **_: files.append((label, data)))
    real = downloads.xlsx_bytes

    def counted(*args, **kwargs):
        made["workbooks"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(downloads, "xlsx_bytes", counted)
    downloads._workbook.clear()
    return files, made


def cells(workbook: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(workbook))["Data"]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def offer(frame: pd.DataFrame, notes=("Spend by ward",)) -> None:
    downloads.download_table(frame, file_stem="t", key="t", notes=list(notes), money_columns=["Amount (£)"])


def test_a_rerun_reuses_the_workbook_and_a_change_makes_a_new_one(offered):
    files, made = offered
    table = pd.DataFrame({"Area": ["Alderley Edge", "Crewe Central"], "Amount (£)": [1000.10, 250.25]})
    offer(table)
    offer(table.copy())  # a rerun: the same table, a new frame
    assert made["workbooks"] == 1
    assert cells(files[1][1]) == [("Area", "Amount (£)"), ("Alderley Edge", 1000.10), ("Crewe Central", 250.25)]

    changed = table.assign(**{"Amount (£)": [1000.10, 250.26]})  # one penny in one cell
    offer(changed)
    assert made["workbooks"] == 2 and cells(files[-1][1])[-1] == ("Crewe Central", 250.26)
    offer(changed, notes=("Spend by ward", "Year 2024/25"))  # the same cells, other filters named
    assert made["workbooks"] == 3
    as_text = table.astype({"Amount (£)": str})  # the same CSV, but text cells in the workbook
    offer(as_text)
    assert made["workbooks"] == 4 and cells(files[-1][1])[-1] == ("Crewe Central", "250.25")
    csv_files = [data for label, data in files if label.endswith("(CSV)")]
    assert csv_files[0] == csv_files[1] and csv_files[0].decode("utf-8-sig").startswith('"Spend by ward"\nArea,Amount (£)')
