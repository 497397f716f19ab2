"""Spend filters and grouping, the money formatting and the exports."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from models import spend
from models.errors import DomainError
from models.export import csv_bytes, neutralise_cell, xlsx_bytes
from models.formatting import financial_year_of, money, pounds_to_pence, uk_date


def test_filter_by_authority_and_type(db):
    figures = spend.headline(db, spend.SpendFilter(authorities=("Macclesfield Borough Council",), funding_types=("grant",)))
    assert figures.total_pence == 23472000


def test_filter_by_department_across_authorities(db):
    frame = spend.spend_by(db, ["authority"], spend.SpendFilter(departments=("Community Development",)))
    assert dict(zip(frame["authority"], frame["amount_pence"])) == {
        "Congleton Borough Council": 19431000,
        "Crewe & Nantwich Borough Council": 29046700,
    }


def test_no_department_label_for_health(db):
    frame = spend.spend_by(db, ["department"], spend.SpendFilter(body_types=("health",)))
    assert list(frame["department"]) == [spend.NO_DEPARTMENT]
    again = spend.headline(db, spend.SpendFilter(body_types=("health",), departments=(spend.NO_DEPARTMENT,)))
    assert again.total_pence == 109668098


def test_county_wide_is_not_a_district(db):
    frame = spend.spend_by(db, ["district"])
    districts = dict(zip(frame["district"], frame["amount_pence"]))
    assert districts[spend.COUNTY_WIDE] == 224128994
    assert set(districts) == {spend.COUNTY_WIDE, "Congleton", "Crewe and Nantwich", "Macclesfield"}


def test_unknown_group_field_is_a_clear_error(db):
    with pytest.raises(DomainError, match="Cannot group by colour"):
        spend.spend_by(db, ["colour"])


def test_third_sector_only_excludes_other_suppliers(db):
    db["spend"].insert({
        "uid": "test|1", "financial_year": "2008/09", "body_type": "local_government",
        "authority": "Congleton Borough Council", "district": "Congleton", "department": "Revenues",
        "funding_type": "contract", "amount_pence": 12345, "third_sector": 0,
        "source": "test", "loaded_at": "2026-01-01T00:00:00+00:00"})
    assert spend.headline(db).total_pence == 310348694
    assert spend.headline(db, spend.SpendFilter(third_sector_only=False)).total_pence == 310348694 + 12345


@pytest.mark.parametrize("text, pence", [
    ("1,617,718.94", 161771894), ("£145.00", 14500), ("(250.00)", -25000), ("-5", -500),
    ("0.005", 1), ("12.5CR", -1250), (" 1 000.10 ", 100010),
])
def test_pounds_to_pence(text, pence):
    assert pounds_to_pence(text) == pence


@pytest.mark.parametrize("bad", ["", "abc", "1.2.3", "nan", "inf"])
def test_pounds_to_pence_rejects(bad):
    with pytest.raises(ValueError):
        pounds_to_pence(bad)


def test_money_and_dates():
    assert money(310348694) == "£3,103,486.94"
    assert money(-500) == "-£5.00"
    assert money(310348694, whole_pounds=True) == "£3,103,487"
    assert uk_date("2008-08-01") == "1 August 2008"
    import datetime as dt
    assert financial_year_of(dt.date(2009, 3, 31)) == "2008/09"
    assert financial_year_of(dt.date(2009, 4, 1)) == "2009/10"


@pytest.mark.parametrize("text", ["=1+1", "+44", "-2", "@SUM(A1)", "\tcmd"])
def test_formula_cells_neutralised(text):
    assert neutralise_cell(text) == "'" + text
    frame = pd.DataFrame({"name": [text], "amount": [-5.0]})
    csv_text = csv_bytes(frame).decode("utf-8-sig")
    assert f"'{text}" in csv_text and "-5.0" in csv_text
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"Data": frame})))
    assert book["Data"]["A2"].value == "'" + text
    assert book["Data"]["B2"].value == -5.0


def test_xlsx_has_about_sheet_and_money_format():
    frame = pd.DataFrame({"Authority": ["A"], "Amount": [1234.5]})
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"Data": frame}, notes=["Fictional"], money_columns={"Data": ["Amount"]})))
    assert book.sheetnames == ["About", "Data"]
    assert book["Data"]["B2"].number_format == '"£"#,##0.00'
