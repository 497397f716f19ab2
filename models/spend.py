"""Spend on the voluntary and community sector: the seed tables, filters and aggregates.

Every figure is summed in SQL, in integer pence, so totals reconcile to the penny."""

from __future__ import annotations

import csv
import contextlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import store
from .errors import DomainError
from .formatting import pence_to_pounds, pounds_to_pence

if TYPE_CHECKING:
    import pandas as pd  # imported where used, so the command line's spend report runs without it

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
    districts: tuple[str, ...] = ()

    def columns(self) -> set[str]:
        """The spend columns this filter constrains."""
        chosen = {
            "financial_year": self.years, "body_type": self.body_types, "authority": self.authorities,
            "department": self.departments, "funding_type": self.funding_types, "district": self.districts,
        }
        return {column for column, values in chosen.items() if values} | ({"third_sector"} if self.third_sector_only else set())

    def where(self) -> tuple[str, dict]:
        """SQL WHERE clause (without the keyword) and its named parameters."""
        clauses: list[str] = []
        params: dict = {}
        if self.third_sector_only:
            clauses.append("third_sector = 1")
        for column, values in (
            ("body_type", self.body_types),
            ("financial_year", self.years),
            ("authority", self.authorities),
            ("department", tuple("" if v == NO_DEPARTMENT else v for v in self.departments)),
            ("funding_type", self.funding_types),
            ("district", self.districts),
        ):
            if values:
                clauses.append(f"{column} IN :{column}")
                params[column] = list(values)
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


def seed(db: store.Database) -> int:
    """Load the framework's 2008/09 tables (idempotent: upsert on the cell's identity).
    Returns the number of seed rows."""
    rows = read_seed()
    loaded_at = store.now_iso()
    with store.transaction(db):
        for row in rows:
            existing = db.execute("SELECT amount_pence FROM spend WHERE uid = :uid", {"uid": row.uid}).fetchone()
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


@contextlib.contextmanager
def bulk_totals(db: store.Database):
    """Inside a write transaction, for inserting many spend rows at once: the summary
    tables' per-row triggers skip the rows inserted in this block (and later changes to
    them), and on leaving it one GROUP BY adds those rows, as they then stand, to the
    summaries. Rows that existed before keep their per-row upkeep (an update or a delete
    of one is still counted at once). Other connections never see the pause: it is
    written and removed inside the caller's transaction."""
    if not store.in_transaction(db):
        raise RuntimeError("bulk_totals needs an open write transaction (store.transaction)")
    since = db.execute("SELECT COALESCE(MAX(id), 0) FROM spend").fetchone()[0]
    db.execute("INSERT INTO spend_totals_pause (since) VALUES (:since)", {"since": since})
    try:
        yield
        summarise_rows(db, "spend", "", since, None)
    finally:
        db.execute("DELETE FROM spend_totals_pause")


def summarise_rows(db: store.Database, source: str, suffix: str, after_id: int, upto_id: int | None,
                   tables: tuple[str, ...] | None = None) -> None:
    """Add the rows of ``source`` (the spend table or a copy of it) with ids in
    (after_id, upto_id] to each summary table (or those named in ``tables``), named with
    ``suffix``: '' for the live ones, '__next' for the copies an import builds before
    swapping them in."""
    upper = "" if upto_id is None else " AND id <= :upto_id"
    params = {"after_id": after_id, "upto_id": upto_id}
    for table, held in SUMMARIES:
        if tables is not None and table not in tables:
            continue
        columns = ", ".join(sorted(held))
        target = f'"{table}{suffix}"'
        db.execute(
            f"INSERT INTO {target} ({columns}, amount_pence, records) "
            f'SELECT {columns}, SUM(amount_pence), COUNT(*) FROM "{source}" WHERE id > :after_id{upper} GROUP BY {columns} '
            f"ON CONFLICT ({columns}) DO UPDATE SET amount_pence = {target}.amount_pence + excluded.amount_pence, "
            f"records = {target}.records + excluded.records",
            params,
        )


# The summary tables (migration 100), smallest first, with the fields each holds. A view
# reads the first that holds every field it filters or groups by; only a view by recipient
# (the command line's --by recipient) reads the spend table itself.
SUMMARIES = (
    ("spend_totals_by_place", {"third_sector", "body_type", "financial_year", "district", "funding_type"}),
    ("spend_totals_by_funder", {"third_sector", "body_type", "financial_year", "authority", "department", "funding_type"}),
    ("spend_totals", {"third_sector", "body_type", "financial_year", "authority", "department", "funding_type", "district"}),
)


def _source(columns: set[str]) -> tuple[str, str]:
    """(table, the SQL of a row count) for a view that needs ``columns``: the smallest
    summary holding them all, else the spend table."""
    for table, held in SUMMARIES:
        if columns <= held:
            return table, "SUM(records)"
    return "spend", "COUNT(*)"


def filter_options(db: store.Database, third_sector_only: bool = True) -> dict[str, list[str]]:
    """The values each filter can take, from the data present (read from the summary
    tables: tens of thousands of summed rows at most, whatever the size of the spend table)."""
    flags = {"flags": [1] if third_sector_only else [0, 1]}
    options = {}
    for name, column in (
        ("years", "financial_year"),
        ("body_types", "body_type"),
        ("authorities", "authority"),
        ("departments", "department"),
        ("funding_types", "funding_type"),
        ("districts", "district"),
    ):
        table, _ = _source({"third_sector", column})
        values = {r[0] for r in db.execute(f"SELECT DISTINCT {column} FROM {table} WHERE third_sector IN :flags", flags)}
        if column == "department":
            values = {v if v else NO_DEPARTMENT for v in values}
        options[name] = sorted(values)
    return options


def spend_by(db: store.Database, fields: list[str], spend_filter: SpendFilter = SpendFilter()) -> pd.DataFrame:
    """Spend grouped by ``fields`` (names from GROUP_FIELDS), with ``amount_pence`` and
    ``rows`` (how many records). Sorted by the grouping fields."""
    import pandas as pd

    frame = pd.DataFrame(spend_rows(db, fields, spend_filter), columns=fields + ["amount_pence", "rows"])
    frame["amount_pence"] = frame["amount_pence"].astype("int64")
    frame["rows"] = frame["rows"].astype("int64")
    return frame


def spend_rows(db: store.Database | store.Reader, fields: list[str],
               spend_filter: SpendFilter = SpendFilter()) -> list[tuple]:
    """``spend_by`` as plain tuples (the command line prints them without pandas): one per
    group, the values of ``fields`` then amount_pence and rows (integers, 0 where none),
    sorted by the grouping fields; the empty department is NO_DEPARTMENT."""
    unknown = [f for f in fields if f not in GROUP_FIELDS]
    if unknown:
        raise DomainError(
            f"Cannot group by {', '.join(unknown)}: choose from {', '.join(GROUP_FIELDS)}"
        )
    where, params = spend_filter.where()
    table, count = _source(spend_filter.columns() | {GROUP_FIELDS[f] for f in fields})
    columns = [f"{GROUP_FIELDS[f]} AS {f}" for f in fields]
    select = ", ".join(columns + ["SUM(amount_pence) AS amount_pence", f"{count} AS rows"])
    sql = f"SELECT {select} FROM {table} WHERE {where}"
    if fields:
        group = ", ".join(GROUP_FIELDS[f] for f in fields)
        sql += f" GROUP BY {group} ORDER BY {group}"
    departments = [i for i, f in enumerate(fields) if f == "department"]
    rows = []
    for row in db.execute(sql, params).fetchall():
        row = list(row)
        for i in departments:
            if row[i] == "":
                row[i] = NO_DEPARTMENT
        row[-2] = row[-2] or 0  # SUM over no rows is NULL
        row[-1] = row[-1] or 0
        rows.append(tuple(row))
    return rows


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


def headline(db: store.Database, spend_filter: SpendFilter = SpendFilter()) -> Headline:
    """Total spend, its contract/grant split and how many records and authorities."""
    return headline_of(cube(db, spend_filter))


# The grain of the explorer's one aggregate per view: everything on the page except spend
# by district is a roll-up of it. A few thousand rows even at national scale (about 300
# funders, each with a handful of departments), whatever the number of records.
CUBE_FIELDS = ["authority", "department", "funding_type"]


def cube(db: store.Database, spend_filter: SpendFilter = SpendFilter()) -> pd.DataFrame:
    """Spend under ``spend_filter`` summed to (authority, department, funding_type), with
    amount_pence and rows, from the smallest summary table that can answer it."""
    return spend_by(db, CUBE_FIELDS, spend_filter)


def rollup(cube_frame: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    """Sum a cube to coarser ``fields`` (exact: integer pence)."""
    grouped = cube_frame.groupby(fields, as_index=False, sort=True)[["amount_pence", "rows"]].sum()
    grouped["amount_pence"] = grouped["amount_pence"].astype("int64")
    return grouped


def headline_of(cube_frame: pd.DataFrame) -> "Headline":
    """The headline figures of a cube."""
    by_type = cube_frame.groupby("funding_type")["amount_pence"].sum()
    return Headline(
        total_pence=int(cube_frame["amount_pence"].sum()),
        contract_pence=int(by_type.get("contract", 0)),
        grant_pence=int(by_type.get("grant", 0)),
        records=int(cube_frame["rows"].sum()),
        authorities=int(cube_frame["authority"].nunique()),
    )


def is_area_wide(district: str) -> bool:
    """True for spend filed as covering a whole area ('Cheshire East-wide'), not one district."""
    return district.endswith("-wide")


@dataclass(frozen=True)
class SpendView:
    """Everything the spend explorer draws for one filter, computed once (and cached by
    the page): small frames whose size depends on how many funders, departments and
    districts there are, never on how many records.

    ``area_wide`` is the spend filed as area-wide ('Cheshire East-wide') under the same
    filter but any district: shown as its own line when a district is chosen, never
    added to a district's figure."""

    headline: Headline
    by_authority: pd.DataFrame   # authority, contract, grant, total (pence), rows
    by_department: pd.DataFrame  # department, contract, grant, total (pence), rows
    by_district: pd.DataFrame    # district, contract, grant, total (pence), rows
    document: pd.DataFrame       # document_table_of(cube)
    area_wide: Headline | None


def page_view(db: store.Database, spend_filter: SpendFilter = SpendFilter()) -> SpendView:
    """The spend explorer's figures for ``spend_filter``: two aggregate queries on the
    summary tables (one by authority, department and funding type; one by district)."""
    view = cube(db, spend_filter)
    districts = spend_by(db, ["district", "funding_type"], spend_filter)
    area_wide = None
    if spend_filter.districts and not all(is_area_wide(d) for d in spend_filter.districts):
        everywhere = replace(spend_filter, districts=())
        wide = [d for d in filter_options(db, spend_filter.third_sector_only)["districts"] if is_area_wide(d)]
        area_wide = headline(db, replace(everywhere, districts=tuple(wide))) if wide else None
    return SpendView(
        headline=headline_of(view),
        by_authority=split_by_funding_type(view, "authority"),
        by_department=split_by_funding_type(view, "department"),
        by_district=split_by_funding_type(districts, "district"),
        document=document_table_of(view),
        area_wide=area_wide,
    )


def split_by_funding_type(frame: pd.DataFrame, category: str) -> pd.DataFrame:
    """One row per ``category`` with contract, grant and total pence (0 where none) and
    rows, largest total first (ties by name)."""
    import pandas as pd

    if frame.empty:
        return pd.DataFrame(columns=[category, "contract", "grant", "total", "rows"])
    wide = frame.pivot_table(index=category, columns="funding_type", values="amount_pence", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=["contract", "grant"], fill_value=0).astype("int64")
    wide["total"] = wide["contract"] + wide["grant"]
    wide["rows"] = frame.groupby(category)["rows"].sum().astype("int64")
    wide = wide.reset_index()
    wide.columns.name = None
    return wide.sort_values(["total", category], ascending=[False, True], kind="stable").reset_index(drop=True)


def top_with_others(split: pd.DataFrame, category: str, top: int = 10) -> pd.DataFrame:
    """The ``top`` largest rows of a ``split_by_funding_type`` frame, then one row adding
    up all the others (named 'All other N <things>'), so a chart stays readable at any
    scale while its total is still the whole. Column ``others`` is True on that row."""
    import pandas as pd

    if len(split) <= top + 1:  # one left over is shown as itself, never as 'All other 1'
        head = split.copy()
        head["others"] = False
        return head
    head = split.head(top).copy()
    head["others"] = False
    rest = split.iloc[top:]
    noun = {"authority": "authorities", "department": "departments", "district": "districts"}.get(category, "others")
    others = {category: f"All other {len(rest):,} {noun}", "others": True}
    for column in ("contract", "grant", "total", "rows"):
        others[column] = int(rest[column].sum())
    return pd.concat([head, pd.DataFrame([others])], ignore_index=True)


def document_table(db: store.Database, spend_filter: SpendFilter = SpendFilter()) -> pd.DataFrame:
    """The framework document's layout for the spend under ``spend_filter``
    (see ``document_table_of``)."""
    return document_table_of(cube(db, spend_filter))


def document_table_of(cube_frame: pd.DataFrame) -> pd.DataFrame:
    """The framework document's layout: a row per authority and department with Contract,
    Grant and Grand Total (pence), an '<authority> Total' row after each authority and a
    'Grand Total' row at the end. Columns: Administering authority, Department,
    Contract, Grant, Grand Total (integer pence), row_kind ('detail'|'subtotal'|'total')."""
    import pandas as pd

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
    import pandas as pd

    result = frame.copy()
    for column in pence_columns:
        result[column] = [None if pd.isna(v) else float(pence_to_pounds(int(v))) for v in result[column]]
    return result


# Spend by area (maps): the geographies ``python -m models spend --by`` also takes.
AREA_LEVELS = ("ward", "former_borough", "local_authority")


def spend_by_area(
    db: store.Database, level: str, spend_filter: SpendFilter = SpendFilter(), basis: str = "benefit"
) -> pd.DataFrame:
    """Spend by ward, former borough or local authority, placed where the benefit lands
    ('benefit') or where the recipient is based ('recipient'); county-wide and unplaced
    spend in rows of their own, so the total is the spend table's. See models.geography."""
    from .geography import spend_by_area as by_area

    return by_area(db, level, spend_filter, basis)
