"""The proxy library: the shipped values and their licences, CSV uploads checked row by
row, the user's library and deflator table in the database, and re-basing."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from models import proxies
from models.errors import DomainError

HEADER = "name,unit,pounds,price_year,source,licence,note\n"


def test_shipped_values_are_the_green_book_wellby_with_open_licence():
    shipped = {p.name: p for p in proxies.shipped_proxies()}
    central = shipped["Wellbeing: one WELLBY (central value)"]
    assert central.pounds == Decimal("13000.00") and central.price_year == 2019
    assert "Wellbeing guidance for appraisal: supplementary Green Book guidance" in central.source
    assert {p.licence for p in shipped.values()} == {"Open Government Licence v3.0"}
    assert not [p for p in shipped.values() if "HACT" in p.source.upper() or "SOCIAL VALUE BANK" in p.source.upper()]


def test_a_good_file_loads():
    text = HEADER + '"Night of emergency housing",night,"£1,045.50",2023,"Our audit 2023",Own data,\n'
    [proxy] = proxies.parse_proxy_csv(text.encode("utf-8-sig"), source="mine.csv")
    assert proxy.pounds == Decimal("1045.50") and proxy.price_year == 2023 and proxy.origin == "Yours"


@pytest.mark.parametrize(
    "row, message",
    [
        ('A,unit,abc,2020,S,L,', "mine.csv, row 2, column pounds: 'abc' is not an amount"),
        ('A,unit,-5,2020,S,L,', "mine.csv, row 2, column pounds: must not be negative"),
        ('A,unit,5,20x0,S,L,', "mine.csv, row 2, column price_year: '20x0' is not a year"),
        ('A,unit,5,2020,,L,', "mine.csv, row 2, column source: empty"),
        ('A,unit,5,2020,S,,', "mine.csv, row 2, column licence: empty"),
    ],
)
def test_bad_rows_name_row_and_column(row, message):
    with pytest.raises(DomainError) as error:
        proxies.parse_proxy_csv((HEADER + row + "\n").encode(), source="mine.csv")
    assert message in str(error.value)


def test_every_problem_listed_and_duplicates_caught():
    text = HEADER + "A,u,1,2020,S,L,\nB,u,x,2020,S,L,\na,u,2,2020,S,L,\n"
    with pytest.raises(DomainError) as error:
        proxies.parse_proxy_csv(text, source="f.csv")
    assert len(error.value.problems) == 2
    assert "f.csv, row 4, column name: 'a' is already on row 2" in error.value.problems[1]


def test_missing_columns_and_wrong_encoding():
    with pytest.raises(DomainError, match="missing columns pounds, licence"):
        proxies.parse_proxy_csv("name,unit,price_year,source\nA,u,2020,S\n", source="f.csv")
    with pytest.raises(DomainError, match="not UTF-8"):
        proxies.parse_proxy_csv(HEADER.encode() + "A,u,1,2020,S\xe9,L,\n".encode("latin-1"), source="f.csv")


def test_template_download_parses_back():
    from models.export import csv_bytes

    assert len(proxies.parse_proxy_csv(csv_bytes(proxies.template_frame()))) == 1


def test_user_library_saves_all_or_nothing_and_replaces_by_name(db):
    first = proxies.parse_proxy_csv(HEADER + "A,u,1.50,2020,S,L,\nB,u,2,2021,S,L,\n")
    assert proxies.save_user_proxies(db, first, loaded_from="one.csv", who="tester") == 2
    again = proxies.parse_proxy_csv(HEADER + "A,u,9.99,2022,S2,L,\n")
    proxies.save_user_proxies(db, again, loaded_from="two.csv", who="tester")
    mine = {p.name: p for p in proxies.user_proxies(db)}
    assert mine["A"].pounds == Decimal("9.99") and mine["A"].price_year == 2022 and mine["B"].pounds == Decimal("2.00")
    broken = [proxies.Proxy("C", "u", Decimal("1"), 2020, "S", "L"), proxies.Proxy("D", None, Decimal("1"), 2020, "S", "L")]
    with pytest.raises(Exception):
        proxies.save_user_proxies(db, broken, loaded_from="bad.csv")
    assert {p.name for p in proxies.user_proxies(db)} == {"A", "B"}       # nothing half-written
    library = proxies.library(db)
    assert [p.origin for p in library][:3] == ["Shipped"] * 3 and len(library) == 5
    assert proxies.delete_user_proxies(db) == 2 and proxies.user_proxies(db) == []


def test_rebase_with_user_deflators():
    index = {2019: 100.0, 2024: 118.0}
    assert proxies.rebase(Decimal("13000"), 2019, 2024, index) == Decimal("15340.00")
    assert proxies.rebase(Decimal("15340"), 2024, 2019, index) == Decimal("13000.00")
    assert proxies.rebase(Decimal("5"), 2019, 2019, {}) == Decimal("5.00")
    with pytest.raises(DomainError, match="No deflator for 2023"):
        proxies.rebase(Decimal("1"), 2019, 2023, index)


def test_deflator_table_round_trip_and_errors(db):
    assert proxies.deflators(db) == {}                       # none shipped: users enter them
    frame = pd.DataFrame({"Year": [2019, 2024, None], "Index": [100.0, 118.0, None], "Source": ["HMT", "HMT", None]})
    proxies.save_deflators(db, proxies.parse_deflator_frame(frame), who="tester")
    assert proxies.deflators(db) == {2019: 100.0, 2024: 118.0}
    assert list(proxies.deflator_frame(db)["Year"]) == [2019, 2024]
    with pytest.raises(DomainError, match="Deflator table, row 2, column Index"):
        proxies.parse_deflator_frame(pd.DataFrame({"Year": [2019, 2020], "Index": [100.0, -1.0], "Source": ["", ""]}))
    with pytest.raises(DomainError, match="row 2, column Year: 2019 appears twice"):
        proxies.parse_deflator_frame(pd.DataFrame({"Year": [2019, 2019], "Index": [100.0, 101.0], "Source": ["", ""]}))


def test_library_frame_rebases_or_says_why_not():
    library = proxies.shipped_proxies()
    frame = proxies.library_frame(library, 2024, {2019: 100.0, 2024: 118.0})
    assert frame["Pounds at 2024 prices"].iloc[0] == 15340.0
    missing = proxies.library_frame(library, 2025, {2019: 100.0})
    assert missing["Pounds at 2025 prices"].isna().all()
    assert "No deflator for 2025" in missing["Re-basing"].iloc[0]
