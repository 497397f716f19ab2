"""The Charity Commission for England and Wales register extract: the ``charity``,
``charity_classification`` and ``charity_area_of_operation`` tables, each a tab-separated
text file with a header row, zipped one table a zip as published (a single zip holding
several tables, or the unzipped .txt files, are accepted too).

Main charities (``linked_charity_number = 0``) still registered, operating in the chosen
local authority (default Cheshire East; 'all' for every one), go into the organisation
directory with their areas, classifications (What / Who / How), activities and income."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterator

from ..formatting import pounds_to_pence, uk_date
from ..identifiers import clean_company_number, clean_postcode
from .base import ALL_AREAS, Context, Record, chunked
from .report import ValidationReport
from .sources import Source, is_zip, open_zip, read_delimited

FORMAT = "charity-commission"
LABEL = "Charity Commission register extract"
TABLE = "organisations"
CHUNK_ROWS = 2000

TABLE_COLUMNS = {
    "charity": (
        "date_of_extract", "organisation_number", "registered_charity_number", "linked_charity_number",
        "charity_name", "charity_registration_status", "latest_income", "charity_contact_postcode",
        "charity_contact_web", "charity_company_registration_number", "charity_is_cio", "charity_activities",
    ),
    "charity_classification": (
        "organisation_number", "linked_charity_number", "classification_code", "classification_type", "classification_description",
    ),
    "charity_area_of_operation": (
        "organisation_number", "linked_charity_number", "geographic_area_type", "geographic_area_description",
    ),
}
SIGNATURE = {  # a column only that table has
    "charity": "charity_registration_status",
    "charity_classification": "classification_type",
    "charity_area_of_operation": "geographic_area_type",
}
TYPE_ORDER = {"What": 0, "Who": 1, "How": 2}


def table_of(header: list[str]) -> str | None:
    """Which register table a header row belongs to (None if none)."""
    names = {h.strip().lower() for h in header}
    for table, column in SIGNATURE.items():
        if column in names and "organisation_number" in names:
            return table
    return None


@dataclass
class _Part:
    """One table's text inside one of the files given."""

    table: str
    file: str
    member: str
    opener: object = field(repr=False)


def _parts(source: Source, report: ValidationReport) -> list[_Part]:
    """The register tables inside a file (a zip of .txt tables, or one .txt table)."""
    head = source.head(8)
    if not head:
        raise report.fatal(f"{source.name} is empty (0 bytes)")
    found = []
    if is_zip(head):
        archive = open_zip(source, report)
        for member in archive.infolist():
            if member.is_dir():
                continue
            with archive.open(member) as handle:
                first = handle.readline(65536).decode("utf-8-sig", "replace")
            table = table_of(first.rstrip("\r\n").split("\t"))
            if table:
                found.append(_Part(table, source.name, member.filename, lambda a=archive, m=member: a.open(m)))
            else:
                report.warning("", "", f"{source.name}: '{member.filename}' is not a register table this import uses; ignored")
    else:
        first = source.head(65536).split(b"\n", 1)[0].decode("utf-8-sig", "replace")
        table = table_of(first.rstrip("\r").split("\t"))
        if table:
            found.append(_Part(table, source.name, source.name, source.open))
    return found


def read(source: Source, report: ValidationReport, context: Context) -> Iterator[list[Record]]:
    """Directory records for the charities in the chosen area, a chunk at a time."""
    parts: dict[str, _Part] = {}
    for each in [source, *context.extra_sources]:
        found = _parts(each, report)
        if not found:
            raise report.fatal(
                f"{each.name} holds none of the register tables (charity, charity_classification, charity_area_of_operation)"
            )
        for part in found:
            if part.table in parts:
                raise report.fatal(f"the {part.table} table was given twice ({parts[part.table].file} and {part.file})")
            parts[part.table] = part
    if "charity" not in parts:
        raise report.fatal(
            "the register's charity table is missing: add publicextract.charity.zip to the files imported together"
        )
    area = context.local_authority.strip()
    everywhere = area.lower() == ALL_AREAS
    if not everywhere and "charity_area_of_operation" not in parts:
        raise report.fatal(
            f"to choose the charities working in {area}, add publicextract.charity_area_of_operation.zip "
            "(or import every charity with local authority 'all')"
        )
    if "charity_classification" not in parts:
        report.note("No classification table given: charities are imported without themes.")
    areas = _areas(parts.get("charity_area_of_operation"), report, context, None if everywhere else area)
    if not everywhere and not areas:
        report.note(f"No charity in this extract works in the local authority '{area}'.")
    keep = None if everywhere else set(areas)
    themes = _themes(parts.get("charity_classification"), report, context, keep)
    yield from _charities(parts["charity"], report, context, keep, areas, themes, area)


def _rows(part: _Part, report: ValidationReport, context: Context) -> Iterator[tuple[int, dict]]:
    """A table's rows as {column: text}, checking its required columns first."""
    table = read_delimited(part.opener(), report, encoding=context.encoding, delimiter="\t")
    header = [h.strip().lower() for h in table.header]
    missing = [c for c in TABLE_COLUMNS[part.table] if c not in header]
    if missing:
        raise report.fatal(f"{part.member}: the {part.table} table has no column {', '.join(missing)}; is it a register extract?")
    width = len(header)
    for number, cells in table.rows:
        if len(cells) != width:
            report.error(
                f"{part.member} row {number}", "",
                f"has {len(cells)} fields where the header has {width}: the line is cut short or has stray tabs",
            )
            continue
        yield number, dict(zip(header, cells))


def _areas(part, report, context, area: str | None) -> dict[str, list[str]]:
    """organisation_number -> its Local Authority areas (only charities working in
    ``area`` when one is chosen)."""
    if part is None:
        return {}
    areas: dict[str, list[str]] = {}
    wanted = area.lower() if area else None
    for _number, row in _rows(part, report, context):
        if row["linked_charity_number"].strip() not in ("0", "") or row["geographic_area_type"] != "Local Authority":
            continue
        areas.setdefault(row["organisation_number"], []).append(row["geographic_area_description"].strip())
    if wanted is None:
        return areas
    return {org: names for org, names in areas.items() if any(n.lower() == wanted for n in names)}


def _themes(part, report, context, keep: set | None) -> dict[str, list[tuple]]:
    themes: dict[str, list[tuple]] = {}
    if part is None:
        return themes
    for number, row in _rows(part, report, context):
        org = row["organisation_number"]
        if keep is not None and org not in keep:
            continue
        if row["linked_charity_number"].strip() not in ("0", ""):
            continue
        kind = row["classification_type"]
        if kind not in TYPE_ORDER:
            report.warning(f"{part.member} row {number}", "classification_type", f"'{kind}' is not What, Who or How; ignored")
            continue
        code = row["classification_code"]
        themes.setdefault(org, []).append((TYPE_ORDER[kind], int(code) if code.isdigit() else 0, row["classification_description"].strip()))
    return themes


def _charities(part, report, context, keep, areas, themes, area) -> Iterator[list[Record]]:
    def records():
        for number, row in _rows(part, report, context):
            org = row["organisation_number"]
            if keep is not None and org not in keep:
                continue
            if row["linked_charity_number"].strip() not in ("0", "") or row["charity_registration_status"] != "Registered":
                continue
            where = f"{part.member} row {number}"
            yield _record(where, row, report, context, areas.get(org, []), themes.get(org, []))

    return chunked(records(), CHUNK_ROWS)


def _record(where, row, report, context, areas, themes) -> Record | None:
    charity_number = row["registered_charity_number"].strip()
    if not charity_number.isdigit() or len(charity_number) not in (6, 7):
        report.error(where, "registered_charity_number", f"'{charity_number}' is not a charity number (6 or 7 digits)")
    name = row["charity_name"].strip()
    if not name:
        report.error(where, "charity_name", "is empty; every charity needs its name")
    income_text = row["latest_income"].strip()
    income = None
    if income_text:
        try:
            income = pounds_to_pence(income_text)
        except ValueError:
            report.error(where, "latest_income", f"'{income_text}' is not an amount of money")
    if report.bad_row(where):
        return None
    extract = row["date_of_extract"][:10]
    try:
        extract_label = uk_date(extract)
    except ValueError:
        extract_label = extract
    values = {
        "org_id": f"GB-CHC-{charity_number}",
        "name": name,
        "charity_number": charity_number,
        "company_number": clean_company_number(row["charity_company_registration_number"]) if row["charity_company_registration_number"].strip() else None,
        "org_type": "CIO" if row["charity_is_cio"].strip() == "True" else "charity",
        "districts": json.dumps(sorted(set(areas))),
        "themes": json.dumps([description for _k, _c, description in sorted(set(themes))]),
        "description": row["charity_activities"].strip(),
        "latest_income_pence": income,
        "postcode": clean_postcode(row["charity_contact_postcode"]) or (row["charity_contact_postcode"].strip() or None),
        "website": row["charity_contact_web"].strip() or None,
        "is_demo": 0,
        "source": f"Charity Commission register extract ({extract_label})",
        "source_file": context.file_name,
        "updated_at": context.loaded_at,
    }
    return Record(key=values["org_id"], where=where, values=values)
