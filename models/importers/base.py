"""What the importers share: the context of one import, the record each yields, and the
rules that decide a row's body type, district and whether its recipient is known to be a
voluntary or community organisation."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .. import store
from ..identifiers import clean_charity_number, clean_company_number, normalise_name

LOCAL_GOVERNMENT_PREFIXES = ("GB-LAE", "GB-LAS", "GB-PLA", "GB-LANI")
HEALTH_PREFIXES = ("GB-NHS",)
PUBLIC_BODY_PREFIXES = LOCAL_GOVERNMENT_PREFIXES + HEALTH_PREFIXES + ("GB-GOR", "GB-EDU", "XI-PB")
NOT_STATED = "Not stated"
ALL_AREAS = "all"


@dataclass
class Record:
    """One row ready to write: ``key`` is its identifier (spend uid or org-id), ``where``
    names it for messages ('row 12'), ``values`` are the table's columns."""

    key: str
    where: str
    values: dict


@dataclass
class Rows:
    """A chunk of rows ready to write, column-wise built (an importer may yield this
    instead of a list of ``Record``: no dict and no object per row): ``rows`` are value
    tuples in ``columns`` order, ``keys`` their identifiers, ``where`` names each for
    messages ('row 12'). ``len()`` is the number of rows, as for a list of records."""

    columns: list[str]
    keys: list[str]
    where: list[str]
    rows: list[tuple]

    def __len__(self) -> int:
        return len(self.rows)

    def value(self, position: int, column: str):
        return self.rows[position][self.columns.index(column)]


@dataclass
class Context:
    """What an importer needs to know besides the file."""

    file_name: str
    loaded_at: str
    encoding: str = "utf-8"
    publisher: str | None = None  # the council, for spend files without a body-name column
    local_authority: str = "Cheshire East"
    directory: "DirectoryIndex | None" = None
    today: dt.date = field(default_factory=dt.date.today)
    extra_sources: list = field(default_factory=list)  # other files of a multi-file import


def chunked(records: Iterable["Record | None"], size: int) -> Iterator[list["Record"]]:
    """Lists of up to ``size`` records, dropping the Nones (rows that failed checks)."""
    chunk: list[Record] = []
    for record in records:
        if record is not None:
            chunk.append(record)
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


_COUNCIL_WORDS = re.compile(
    r"\s*\b(metropolitan borough|metropolitan district|borough|city|county|district|unitary)?\s*council\b.*$",
    re.IGNORECASE,
)


def area_of(authority: str, body_type: str) -> str:
    """The district to file a row under when the source names no place: a council's own
    area ('Trafford Council' -> 'Trafford'); for other bodies 'Not stated' (never invented)."""
    if body_type != "local_government":
        return NOT_STATED
    name = _COUNCIL_WORDS.sub("", authority or "").strip()
    name = re.sub(r"^(the\s+)?(london\s+)?borough of\s+|^city of\s+", "", name, flags=re.IGNORECASE).strip()
    return name or authority or NOT_STATED


class DirectoryIndex:
    """The organisation directory's identifiers and normalised names, for recognising a
    payment's beneficiary as a voluntary or community organisation. Demonstration
    (fictional) organisations are left out: real spend must not match invented bodies."""

    def __init__(self, rows: list[dict]):
        self.by_id: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        for row in rows:
            org_id = row["org_id"] or ""
            ids = {org_id.upper()} if org_id else set()
            if row.get("charity_number"):
                ids.add("GB-CHC-" + str(row["charity_number"]))
            if row.get("company_number"):
                ids.add("GB-COH-" + str(row["company_number"]).upper())
            try:
                ids.update(str(i).upper() for i in json.loads(row.get("other_ids") or "[]"))
            except (TypeError, ValueError):
                pass
            for identifier in ids:
                self.by_id.setdefault(identifier, org_id)
            key = normalise_name(row["name"])
            if key:
                self.by_name.setdefault(key, org_id)

    @classmethod
    def load(cls, db: store.Database) -> "DirectoryIndex":
        rows = db.execute(
            "SELECT org_id, name, charity_number, company_number, other_ids FROM organisations WHERE is_demo = 0"
        ).fetchall()
        return cls([dict(zip(("org_id", "name", "charity_number", "company_number", "other_ids"), r)) for r in rows])

    def __len__(self) -> int:
        return len(self.by_name)

    def match(self, *, name: str = "", org_id: str = "", charity_number: str = "", company_number: str = "") -> str | None:
        """The directory org-id this recipient is, by identifier first then by name; or None."""
        candidates = []
        if org_id:
            candidates.append(org_id.strip().upper())
        charity = clean_charity_number(charity_number) if charity_number else None
        if charity:
            candidates.append("GB-CHC-" + charity)
        company = clean_company_number(company_number) if company_number else None
        if company:
            candidates.append("GB-COH-" + company)
        for candidate in candidates:
            if candidate in self.by_id:
                return self.by_id[candidate] or candidate
        key = normalise_name(name) if name else ""
        return self.by_name.get(key) if key else None
