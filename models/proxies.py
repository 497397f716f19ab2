"""Financial proxies for SROI: the shipped, openly licensed values, the user's own library
(loaded from CSV into the database) and re-basing a value to another price year with a
deflator table the user keeps.

Values are pounds per unit (Decimal, to the penny); the database stores integer pence."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from . import checks, store, versioned
from .errors import DomainError
from .formatting import pence_to_pounds, pounds_to_pence

SHIPPED_PATH = store.PROJECT_ROOT / "data" / "proxies" / "proxies.csv"
REQUIRED_COLUMNS = ("name", "unit", "pounds", "price_year", "source", "licence")
OPTIONAL_COLUMNS = ("note",)
MAX_UPLOAD_BYTES = 2_000_000
MAX_ROWS = 5_000
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


@dataclass(frozen=True)
class Proxy:
    """One financial proxy: pounds for one ``unit`` at ``price_year`` prices."""

    name: str
    unit: str
    pounds: Decimal
    price_year: int
    source: str
    licence: str
    note: str = ""
    origin: str = "Shipped"   # 'Shipped' (openly licensed, in data/proxies) or 'Yours'


# ---------------------------------------------------------------------------------------
# Reading and checking CSV


def parse_proxy_csv(data: bytes | str, *, source: str = "proxy file", origin: str = "Yours") -> list[Proxy]:
    """Proxies from CSV with the columns name, unit, pounds, price_year, source, licence
    (and optionally note). Every problem is reported, naming the row and column; nothing
    is returned unless the whole file is good."""
    data = checks.uploaded_text(data, source, max_bytes=MAX_UPLOAD_BYTES, too_large="a proxy table is usually far smaller",
                                not_text="save it from your spreadsheet as 'CSV UTF-8'")
    reader = csv.DictReader(io.StringIO(data))
    headers = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        raise DomainError(
            f"{source}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
            f"the header row must have {', '.join(REQUIRED_COLUMNS)} (and optionally note)"
        )
    reader.fieldnames = headers
    problems: list[str] = []
    proxies: list[Proxy] = []
    first_row_of: dict[str, int] = {}
    for row_number, row in enumerate(reader, start=2):   # row 1 is the header
        if row_number - 1 > MAX_ROWS:
            problems.append(f"{source}: more than {MAX_ROWS:,} rows; split the file")
            break
        values = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(values.values()):
            continue
        proxy = _parse_row(values, f"{source}, row {row_number}", problems, origin)
        if proxy is None:
            continue
        key = proxy.name.casefold()
        if key in first_row_of:
            problems.append(f"{source}, row {row_number}, column name: '{proxy.name}' is already on row {first_row_of[key]}; names must be unique")
            continue
        first_row_of[key] = row_number
        proxies.append(proxy)
    if problems:
        raise DomainError(problems[0] if len(problems) == 1 else f"{len(problems)} problems; the first: {problems[0]}", problems=problems)
    if not proxies:
        raise DomainError(f"{source}: no proxies found under the header row")
    return proxies


def _parse_row(values: Mapping[str, str], where: str, problems: list[str], origin: str) -> Proxy | None:
    before = len(problems)
    for column in ("name", "unit", "source", "licence"):
        if not values.get(column):
            problems.append(f"{where}, column {column}: empty; every proxy needs its {column}")
    pounds = None
    try:
        pounds = pence_to_pounds(pounds_to_pence(values.get("pounds", "")))
        if pounds < 0:
            problems.append(f"{where}, column pounds: must not be negative; got {values['pounds']}")
    except ValueError:
        problems.append(f"{where}, column pounds: '{values.get('pounds', '')}' is not an amount in pounds (e.g. 1234.56)")
    year = None
    text = values.get("price_year", "")
    if text.isdigit() and EARLIEST_YEAR <= int(text) <= LATEST_YEAR:
        year = int(text)
    else:
        problems.append(f"{where}, column price_year: '{text}' is not a year (e.g. 2019)")
    if len(problems) > before:
        return None
    return Proxy(values["name"], values["unit"], pounds, year, values["source"], values["licence"], values.get("note", ""), origin)


def shipped_proxies(path: Path = SHIPPED_PATH) -> list[Proxy]:
    """The openly licensed proxies that come with the app (see data/proxies/README.md)."""
    return parse_proxy_csv(path.read_bytes(), source=path.name, origin="Shipped")


def template_frame() -> pd.DataFrame:
    """The columns a user's file needs, with one example row (download it, fill it in)."""
    return pd.DataFrame([{
        "name": "Example: one night of emergency accommodation", "unit": "One night", "pounds": 45.00,
        "price_year": 2024, "source": "Where the value comes from", "licence": "Your licence to use it", "note": "Optional note",
    }], columns=list(REQUIRED_COLUMNS + OPTIONAL_COLUMNS))


# ---------------------------------------------------------------------------------------
# The user's library in the database


def save_user_proxies(db: store.Database, proxies: Iterable[Proxy], *, loaded_from: str, who: str | None = None) -> int:
    """Add the proxies to the user's library (a name already there is replaced), all or
    nothing, with an audit entry; returns how many were saved."""
    proxies = list(proxies)
    stamp = store.now_iso()
    with store.transaction(db):
        for proxy in proxies:
            db["sroi_proxies"].upsert(
                {
                    "name": proxy.name, "unit": proxy.unit, "pence": pounds_to_pence(proxy.pounds),
                    "price_year": proxy.price_year, "source": proxy.source, "licence": proxy.licence,
                    "note": proxy.note, "loaded_from": loaded_from, "loaded_at": stamp, "loaded_by": who,
                },
                pk="name",
            )
        versioned.record_audit(
            db, entity="sroi_proxies", entity_id=loaded_from, action="load", who=who or "unknown",
            after={"rows": len(proxies), "names": [p.name for p in proxies][:50]},
        )
    return len(proxies)


def user_proxies(db: store.Database) -> list[Proxy]:
    """The proxies the user has loaded, by name."""
    rows = db.query("SELECT * FROM sroi_proxies ORDER BY name")
    return [
        Proxy(r["name"], r["unit"], pence_to_pounds(r["pence"]), r["price_year"], r["source"], r["licence"], r["note"] or "", "Yours")
        for r in rows
    ]


def delete_user_proxies(db: store.Database, *, who: str | None = None) -> int:
    """Remove every proxy the user loaded (the shipped ones stay); returns how many."""
    with store.transaction(db):
        count = db.execute("SELECT COUNT(*) FROM sroi_proxies").fetchone()[0]
        db.execute("DELETE FROM sroi_proxies")
        versioned.record_audit(db, entity="sroi_proxies", entity_id="all", action="delete", who=who or "unknown", before={"rows": count})
    return count


def library(db: store.Database) -> list[Proxy]:
    """Shipped proxies followed by the user's own."""
    return shipped_proxies() + user_proxies(db)


# ---------------------------------------------------------------------------------------
# Deflators and re-basing


def deflators(db: store.Database) -> dict[int, float]:
    """The user's deflator index by year (empty until they enter one)."""
    return {r["year"]: r["index_value"] for r in db.query("SELECT year, index_value FROM sroi_deflators ORDER BY year")}


def deflator_frame(db: store.Database) -> pd.DataFrame:
    """The deflator table as the page's grid: Year, Index, Source."""
    rows = list(db.query("SELECT year, index_value, source FROM sroi_deflators ORDER BY year"))
    frame = pd.DataFrame(
        [{"Year": r["year"], "Index": r["index_value"], "Source": r["source"] or ""} for r in rows],
        columns=["Year", "Index", "Source"],
    )
    frame["Year"] = pd.to_numeric(frame["Year"]).astype("Int64")
    frame["Index"] = pd.to_numeric(frame["Index"]).astype("float64")
    frame["Source"] = frame["Source"].astype("string")
    return frame


def parse_deflator_frame(frame: pd.DataFrame) -> dict[int, tuple[float, str]]:
    """Year -> (index, source) from the page's grid; errors name the row and column.
    Wholly empty rows are skipped."""
    problems, table = [], {}
    for row_number, (_, row) in enumerate(frame.iterrows(), start=1):
        year, index, source = row.get("Year"), row.get("Index"), row.get("Source")
        if all(pd.isna(v) or (isinstance(v, str) and not v.strip()) for v in (year, index, source)):
            continue
        where = f"Deflator table, row {row_number}"
        if pd.isna(year) or not EARLIEST_YEAR <= int(year) <= LATEST_YEAR:
            problems.append(f"{where}, column Year: enter a year such as 2019")
            continue
        if pd.isna(index) or float(index) <= 0:
            problems.append(f"{where}, column Index: enter a positive index (e.g. 100 for the base year)")
            continue
        if int(year) in table:
            problems.append(f"{where}, column Year: {int(year)} appears twice")
            continue
        table[int(year)] = (float(index), "" if pd.isna(source) else str(source).strip())
    if problems:
        raise DomainError(problems[0] if len(problems) == 1 else f"{len(problems)} problems; the first: {problems[0]}", problems=problems)
    return table


def save_deflators(db: store.Database, table: Mapping[int, tuple[float, str]], *, who: str | None = None) -> None:
    """Replace the deflator table, all or nothing, with an audit entry."""
    stamp = store.now_iso()
    with store.transaction(db):
        before = deflators(db)
        db.execute("DELETE FROM sroi_deflators")
        for year, (index, source) in sorted(table.items()):
            db["sroi_deflators"].insert({"year": year, "index_value": index, "source": source or None, "updated_at": stamp})
        versioned.record_audit(
            db, entity="sroi_deflators", entity_id="table", action="replace", who=who or "unknown",
            before=before, after={year: index for year, (index, _) in table.items()},
        )


def rebase(pounds: Decimal | float, from_year: int, to_year: int, index: Mapping[int, float]) -> Decimal:
    """``pounds`` at ``from_year`` prices expressed at ``to_year`` prices:
    pounds x index[to_year] / index[from_year], to the penny. Raises DomainError naming
    the year whose deflator is missing."""
    if from_year == to_year:
        return Decimal(str(pounds)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    for year in (from_year, to_year):
        if year not in index:
            raise DomainError(f"No deflator for {year}: add it to the deflator table to re-base to {to_year} prices")
    try:
        factor = Decimal(repr(float(index[to_year]))) / Decimal(repr(float(index[from_year])))
    except (InvalidOperation, ZeroDivisionError):
        raise DomainError(f"The deflator for {from_year} must be a positive number") from None
    return (Decimal(str(pounds)) * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def library_frame(proxies: Iterable[Proxy], to_year: int | None = None, index: Mapping[int, float] | None = None) -> pd.DataFrame:
    """The library as a table; with ``to_year``, a column of values re-based to that year's
    prices (blank where a deflator is missing, with the reason)."""
    rows = []
    for proxy in proxies:
        row = {
            "Proxy": proxy.name, "Unit": proxy.unit, "Pounds": float(proxy.pounds), "Price year": proxy.price_year,
            "Source": proxy.source, "Licence": proxy.licence, "Note": proxy.note, "In library": proxy.origin,
        }
        if to_year is not None:
            try:
                row[f"Pounds at {to_year} prices"] = float(rebase(proxy.pounds, proxy.price_year, to_year, index or {}))
                row["Re-basing"] = "" if proxy.price_year == to_year else f"x {index[to_year] / index[proxy.price_year]:.4f}"
            except DomainError as error:
                row[f"Pounds at {to_year} prices"] = None
                row["Re-basing"] = str(error)
        rows.append(row)
    return pd.DataFrame(rows)
