"""Spend on the voluntary and community sector: the seed tables, filters and aggregates.

Every figure is summed in SQL, in integer pence, so totals reconcile to the penny."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlite_utils

from . import store
from .errors import DomainError
from .formatting import pence_to_pounds, pounds_to_pence

SEED_FILE = store.PROJECT_ROOT / "data" / "seed" / "spend_2008_09.csv"

BODY_TYPE_LABELS = {
    "local_government": "Local government",
    "health": "Health",
    "other_funder": "Other funder",
}
FUNDING_TYPE_LABELS = {"contract": "Contract", "grant": "Grant"}
COUNTY_WIDE = "Cheshire East-wide"

# The fields a user may group or filter by, in their words, mapped to columns.
GROUP_FIELDS = {
    "authority": "authority",
    "body_type": "body_type",
    "district": "district",
    "department": "department",
    "funding_type": "funding_type",
    "year": "financial_year",
    "recipient": "recipient",
}
NO_DEPARTMENT = "(no department)"


@dataclass(frozen=True)
class SpendFilter:
    """What the explorer shows. Empty tuples mean 'all'. By default only local
    government and only third-sector spend, as the framework's table does."""

    years: tuple[str, ...] = ()
    body_types: tuple[str, ...] = ("local_government",)
    authorities: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    funding_types: tuple[str, ...] = ()
    third_sector_only: bool = True

    def where(self) -> tuple[str, list]:
        """SQL WHERE clause (without the keyword) and its parameters."""
        clauses: list[str] = []
        params: list = []
        if self.third_sector_only:
            clauses.append("third_sector = 1")
        for column, values in (
            ("body_type", self.body_types),
            ("financial_year", self.years),
            ("authority", self.authorities),
            ("department", tuple("" if v == NO_DEPARTMENT else v for v in self.departments)),
            ("funding_type", self.funding_types),
        ):
            if values:
                clauses.append(f"{column} IN ({', '.join('?' for _ in values)})")
                params.extend(values)
        return (" AND ".join(clauses) or "1 = 1"), params


@dataclass
class SeedRow:
    financial_year: str
    body_type: str
    authority: str
    district: str
    department: str
    funding_type: str
    amount_pence: int
    source: str
    line: int = field(default=0)

    @property
    def uid(self) -> str:
        return "|".join(
            ["seed", self.financial_year, self.body_type, self.authority, self.department, self.funding_type]
        )


def read_seed(path: Path = SEED_FILE) -> list[SeedRow]:
    """The transcribed framework tables, checked: names the line and column of any fault."""
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            try:
                amount = pounds_to_pence(record["amount"])
            except ValueError as error:
                raise DomainError(f"{path.name}, row {line}, column 'amount': {error}") from None
            if record["funding_type"] not in FUNDING_TYPE_LABELS:
                raise DomainError(
                    f"{path.name}, row {line}, column 'funding_type': "
                    f"'{record['funding_type']}' should be 'contract' or 'grant'"
                )
            if record["body_type"] not in BODY_TYPE_LABELS:
                raise DomainError(f"{path.name}, row {line}, column 'body_type': unknown '{record['body_type']}'")
            rows.append(
                SeedRow(
                    financial_year=record["financial_year"],
                    body_type=record["body_type"],
                    authority=record["authority"],
                    district=record["district"],
                    department=record["department"],
                    funding_type=record["funding_type"],
                    amount_pence=amount,
                    source=record["source"],
                    line=line,
                )
            )
    return rows


def seed(db: sqlite_utils.Database) -> int:
    """Load the framework's 2008/09 tables (idempotent: upsert on the cell's identity).
    Returns the number of seed rows."""
    rows = read_seed()
    loaded_at = store.now_iso()
    with store.transaction(db):
        for row in rows:
            existing = db.execute("SELECT amount_pence FROM spend WHERE uid = ?", [row.uid]).fetchone()
            if existing is not None and existing[0] == row.amount_pence:
                continue
            db["spend"].upsert(
                {
                    "uid": row.uid,
                    "financial_year": row.financial_year,
                    "body_type": row.body_type,
                    "authority": row.authority,
                    "district": row.district,
                    "department": row.department,
                    "funding_type": row.funding_type,
                    "amount_pence": row.amount_pence,
                    "third_sector": 1,
                    "source": row.source,
                    "source_file": "data/seed/" + SEED_FILE.name,
                    "loaded_at": loaded_at,
                },
                pk="uid",
            )
    return len(rows)


def filter_options(db: sqlite_utils.Database, third_sector_only: bool = True) -> dict[str, list[str]]:
    """The values each filter can take, from the data present. Each list is read with
    ``third_sector = ?`` fixed, so SQLite seeks through an index (see 003 migration)."""
    flags = (1,) if third_sector_only else (0, 1)
    options = {}
    for name, column in (
        ("years", "financial_year"),
        ("body_types", "body_type"),
        ("authorities", "authority"),
        ("departments", "department"),
        ("funding_types", "funding_type"),
    ):
        values: set[str] = set()
        for flag in flags:
            values.update(r[0] for r in db.execute(f"SELECT DISTINCT {column} FROM spend WHERE third_sector = ?", [flag]))
        if column == "department":
            values = {v if v else NO_DEPARTMENT for v in values}
        options[name] = sorted(values)
    return options


def spend_by(db: sqlite_utils.Database, fields: list[str], spend_filter: SpendFilter = SpendFilter()) -> pd.DataFrame:
    """Spend grouped by ``fields`` (names from GROUP_FIELDS), with ``amount_pence`` and
    ``rows`` (how many records). Sorted by the grouping fields."""
    unknown = [f for f in fields if f not in GROUP_FIELDS]
    if unknown:
        raise DomainError(
            f"Cannot group by {', '.join(unknown)}: choose from {', '.join(GROUP_FIELDS)}"
        )
    where, params = spend_filter.where()
    columns = [f"{GROUP_FIELDS[f]} AS {f}" for f in fields]
    select = ", ".join(columns + ["SUM(amount_pence) AS amount_pence", "COUNT(*) AS rows"])
    sql = f"SELECT {select} FROM spend WHERE {where}"
    if fields:
        group = ", ".join(GROUP_FIELDS[f] for f in fields)
        sql += f" GROUP BY {group} ORDER BY {group}"
    frame = pd.DataFrame(db.execute(sql, params).fetchall(), columns=fields + ["amount_pence", "rows"])
    if not fields and frame["amount_pence"].isna().all():
        frame["amount_pence"] = 0
    frame["amount_pence"] = frame["amount_pence"].fillna(0).astype("int64")
    if "department" in frame:
        frame["department"] = frame["department"].replace("", NO_DEPARTMENT)
    return frame


@dataclass(frozen=True)
class Headline:
    total_pence: int
    contract_pence: int
    grant_pence: int
    records: int
    authorities: int

    @property
    def contract_share(self) -> float | None:
        return self.contract_pence / self.total_pence if self.total_pence else None


def headline(db: sqlite_utils.Database, spend_filter: SpendFilter = SpendFilter()) -> Headline:
    """Total spend, its contract/grant split and how many records and authorities."""
    where, params = spend_filter.where()
    row = db.execute(
        "SELECT COALESCE(SUM(amount_pence), 0), "
        "COALESCE(SUM(CASE WHEN funding_type = 'contract' THEN amount_pence END), 0), "
        "COALESCE(SUM(CASE WHEN funding_type = 'grant' THEN amount_pence END), 0), "
        f"COUNT(*), COUNT(DISTINCT authority) FROM spend WHERE {where}",
        params,
    ).fetchone()
    return Headline(*[int(v) for v in row])


# The finest grain the explorer page draws: everything it shows is a roll-up of this.
CUBE_FIELDS = ["authority", "district", "department", "funding_type"]


def cube(db: sqlite_utils.Database, spend_filter: SpendFilter = SpendFilter()) -> pd.DataFrame:
    """Spend under ``spend_filter`` summed in SQL to (authority, district, department,
    funding_type), with amount_pence and rows. One indexed scan serves a whole page view."""
    return spend_by(db, CUBE_FIELDS, spend_filter)


def rollup(cube_frame: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    """Sum a cube to coarser ``fields`` (exact: integer pence)."""
    grouped = cube_frame.groupby(fields, as_index=False, sort=True)[["amount_pence", "rows"]].sum()
    grouped["amount_pence"] = grouped["amount_pence"].astype("int64")
    return grouped


def headline_of(cube_frame: pd.DataFrame) -> "Headline":
    """The headline figures of a cube (same numbers as ``headline`` computes in SQL)."""
    by_type = cube_frame.groupby("funding_type")["amount_pence"].sum()
    return Headline(
        total_pence=int(cube_frame["amount_pence"].sum()),
        contract_pence=int(by_type.get("contract", 0)),
        grant_pence=int(by_type.get("grant", 0)),
        records=int(cube_frame["rows"].sum()),
        authorities=int(cube_frame["authority"].nunique()),
    )


def document_table(db: sqlite_utils.Database, spend_filter: SpendFilter = SpendFilter()) -> pd.DataFrame:
    """The framework document's layout for the spend under ``spend_filter``
    (see ``document_table_of``)."""
    return document_table_of(cube(db, spend_filter))


def document_table_of(cube_frame: pd.DataFrame) -> pd.DataFrame:
    """The framework document's layout: a row per authority and department with Contract,
    Grant and Grand Total (pence), an '<authority> Total' row after each authority and a
    'Grand Total' row at the end. Columns: Administering authority, Department,
    Contract, Grant, Grand Total (integer pence), row_kind ('detail'|'subtotal'|'total')."""
    columns = ["Administering authority", "Department", "Contract", "Grant", "Grand Total", "row_kind"]
    if cube_frame.empty:
        return pd.DataFrame(columns=columns)
    cells = rollup(cube_frame, ["authority", "department", "funding_type"])
    wide = (
        cells.pivot_table(
            index=["authority", "department"], columns="funding_type", values="amount_pence", aggfunc="sum"
        )
        .reindex(columns=["contract", "grant"])
        .reset_index()
    )
    # The document's own department order is not recorded: alphabetical within each
    # authority, with '- Unconfirmed -' and '(no department)' last, then the subtotal.
    wide["_order"] = wide["department"].isin(["- Unconfirmed -", NO_DEPARTMENT]).astype(int)
    subtotals = wide.groupby("authority", as_index=False)[["contract", "grant"]].sum(min_count=1)
    subtotals["_order"] = 2
    subtotals["department"] = ""
    table = pd.concat([wide, subtotals], ignore_index=True).sort_values(
        ["authority", "_order", "department"], kind="stable"
    )
    table["row_kind"] = ["subtotal" if order == 2 else "detail" for order in table["_order"]]
    table["authority"] = [
        f"{name} Total" if kind == "subtotal" else name for name, kind in zip(table["authority"], table["row_kind"])
    ]
    grand = pd.DataFrame(
        [{"authority": "Grand Total", "department": "", "contract": wide["contract"].sum(min_count=1),
          "grant": wide["grant"].sum(min_count=1), "row_kind": "total"}]
    )
    table = pd.concat([table, grand], ignore_index=True)
    result = pd.DataFrame(
        {
            "Administering authority": table["authority"].to_numpy(),
            "Department": table["department"].to_numpy(),
            "Contract": table["contract"].astype("Int64").to_numpy(),
            "Grant": table["grant"].astype("Int64").to_numpy(),
        }
    )
    result["Grand Total"] = (result["Contract"].fillna(0) + result["Grant"].fillna(0)).astype("int64")
    result["row_kind"] = table["row_kind"].to_numpy()
    return result


def in_pounds(frame: pd.DataFrame, pence_columns: list[str]) -> pd.DataFrame:
    """A copy with the named pence columns as exact pounds (floats with two decimals),
    for downloads and JSON."""
    result = frame.copy()
    for column in pence_columns:
        result[column] = [None if pd.isna(v) else float(pence_to_pounds(int(v))) for v in result[column]]
    return result


# Spend by area (maps): the geographies ``python -m models spend --by`` also takes.
AREA_LEVELS = ("ward", "former_borough", "local_authority")


def spend_by_area(
    db: sqlite_utils.Database, level: str, spend_filter: SpendFilter = SpendFilter(), basis: str = "benefit"
) -> pd.DataFrame:
    """Spend by ward, former borough or local authority, placed where the benefit lands
    ('benefit') or where the recipient is based ('recipient'); county-wide and unplaced
    spend in rows of their own, so the total is the spend table's. See models.geography."""
    from .geography import spend_by_area as by_area

    return by_area(db, level, spend_filter, basis)
