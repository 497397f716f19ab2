"""360Giving grants (Data Standard 1.4.3): flat CSV/XLSX files and JSON packages.

The flat path checks each column with the rule the schema gives that column's field
(``threesixtygiving_rules``: type, enum, pattern, format, minimum; ``oneOf`` of a date pattern
and a date-time is "either"), column by column over chunks of rows, which is far faster than jsonschema a
grant at a time. JSON packages stream grant by grant (``ijson``) through jsonschema with
Draft 2020-12 and a format checker, never the whole package at once (its ``uniqueItems``
is quadratic); identifiers are checked for uniqueness by the import runner instead.
Both paths then share the quality checks users expect and the mapping to the spend table."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from functools import lru_cache
from itertools import repeat
from typing import Callable, Iterator

from ..formatting import financial_year_of, pounds_to_pence
from ..identifiers import COMPANY_NUMBER, clean_charity_number, clean_postcode, validate_org_id
from . import authorities, repair
from .base import PUBLIC_BODY_PREFIXES, Context, Rows, area_of
from .columns import CHUNK_ROWS, Cells, column_problems, flat_cells, to_check
from .report import FileRejected, ValidationReport, first_line
from .sources import Source, check_json, duplicate_titles, looks_like_formula, read_table
from .threesixtygiving_rules import (
    NUMBER, FieldRule, field_rules, format_checker, grant_schema, header_score, month_hint, normalise_title,
    required_paths, resolve,
)

FORMAT = "360giving"
LABEL = "360Giving grants"
TABLE = "spend"
def _item_index(title: str) -> int:
    found = re.findall(r":\s*(\d+)\s*(?=:|$)", title)
    return max((int(i) for i in found), default=0)


# ---------------------------------------------------------------- flat files


def read(source: Source, report: ValidationReport, context: Context) -> Iterator[Rows]:
    """Grants from a 360Giving file (CSV, XLSX, XLS or JSON, told apart by content)."""
    head = source.head(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        yield from read_json(source, report, context)
    else:
        yield from read_flat(source, report, context)


def read_flat(source: Source, report: ValidationReport, context: Context) -> Iterator[Rows]:
    """Grants from a flat 360Giving CSV, XLSX or XLS, validated column by column in chunks."""
    table = read_table(source, report, encoding=context.encoding, sheet_names=("grants",), score=header_score)
    rules = field_rules()
    repeated = duplicate_titles(table.header, lambda t: re.sub(r"\s*:\s*", ":", t.strip().lower()),
                                lambda t: normalise_title(t) in rules)
    if repeated:
        raise report.fatal(
            "the column title " + " and ".join(f"'{t}'" for t in repeated) + " appears more than once, so which column "
            "holds the values cannot be known: rename or remove the extra column and import again",
            column=repeated[0],
        )
    columns: list[tuple[int, FieldRule, str]] = []  # (cell index, rule, title as written)
    first_item: dict[str, int] = {}
    unknown = []
    for index, title in enumerate(table.header):
        rule = rules.get(normalise_title(title))
        if rule is None:
            if title:
                unknown.append(title)
            continue
        columns.append((index, rule, title))
        if _item_index(title) == 0:
            first_item.setdefault(rule.path, index)
    _award_date_by_its_title(table.header, rules, columns, first_item, unknown, report)
    report.unmapped_columns = unknown
    if unknown:
        report.note("Columns not in the 360Giving standard, not imported: " + ", ".join(unknown))
    needed, recipients = required_paths()
    for path in needed:
        if path in REQUIRED_NOT_STORED and path not in first_item:
            report.note(f"The file has no '{rules_title(path)}' column, which the 360Giving standard requires; the "
                        "dashboard does not store it (it shows each grant's title), so the grants were imported.")
    missing = [rules_title(path) for path in needed if path not in first_item and path not in REQUIRED_NOT_STORED]
    has_recipient = any(i in first_item and n in first_item for i, n in recipients)
    if not has_recipient:
        missing.append(f"{rules_title(recipients[0][0])} and {rules_title(recipients[0][1])} (or the Recipient Ind columns)")
    if missing:
        raise report.fatal(
            "required columns are missing: " + "; ".join(missing)
            + ". Every 360Giving file needs them; check the header row's spelling"
        )
    checkers = [(index, rule.checker(), title, rule.path in STORED_OR_REQUIRED) for index, rule, title in columns]
    repairers = [(index, *fix, title) for index, rule, title in columns if (fix := rule.repairer()) is not None]
    for numbers, cells in flat_cells(source, table, context, report):
        yield _flat_chunk(numbers, cells, checkers, repairers, first_item, table.header, report, context)


def _award_date_by_its_title(header, rules, columns, first_item, unknown, report) -> None:
    """A file with no 'Award Date' column but exactly one whose title begins with it
    ('Award date:Start date', the Paul Hamlyn Foundation's): that column is the award date,
    the only sensible reading, said in a note."""
    award = rules.get("award date")
    if award is None or award.path in first_item:
        return
    near = [(i, t) for i, t in enumerate(header) if t in unknown and normalise_title(t).startswith("award date:")]
    if len(near) != 1:
        return
    index, title = near[0]
    columns.append((index, award, title))
    first_item[award.path] = index
    unknown.remove(title)
    report.note(f"The file has no 'Award Date' column; '{title}' is read as the award date (its title begins with it).")


def rules_title(path: str) -> str:
    for rule in field_rules().values():
        if rule.path == path:
            return rule.title
    return path


def _flat_chunk(rows, cells: Cells, checkers, repairers, first_item, header, report, context) -> Rows:
    """Repair, then check, one chunk column by column; then turn its good rows into records."""
    problems: list[tuple[int, int, str, str]] = []  # (position, column order, title, message)
    width = len(header)
    for index, fix, why, title in repairers:
        candidates = to_check(cells.text(index), fix, cells.arrow(index) if cells.arrow_based else None)
        repaired = {v: after for v in candidates
                    if not (v[:1] == "=" and looks_like_formula(v)) and (after := fix(v)) is not None and after != v}
        if not repaired:
            continue
        values = list(cells.text(index))
        for position, value in enumerate(values):
            after = repaired.get(value)
            if after is not None:
                report.repair(f"row {rows[position]}", title, value, after, why)
                values[position] = after
        cells.replace(index, values)
    for index, check, title, stored in checkers:
        if check is None:
            continue
        found = column_problems(cells.text(index), check, cells.arrow(index) if cells.arrow_based else None)
        if stored:
            problems += [(p, index, title, m) for p, m in found]
        else:
            for p, m in found:
                report.warning(f"row {rows[p]}", title, m + NOT_KEPT)
    for position, index, value in cells.formulas():
        if looks_like_formula(value):
            problems.append((position, index, header[index] if index < width else "", (
                f"'{value[:40]}' is a spreadsheet formula, not a value; replace it with its result")))
    grid = {path: cells.text(index) for path, index in first_item.items() if path in USED_PATHS}
    where = [f"row {n}" for n in rows]
    return grants_to_records(grid, where, problems, report, context, titles={p: header[i] for p, i in first_item.items()})


# The fields the checks below and the spend row read (others are validated, not kept).
USED_PATHS = frozenset({
    "id", "title", "description", "currency", "amountAwarded", "awardDate", "plannedDates.startDate",
    "plannedDates.endDate", "recipientOrganization.id", "recipientOrganization.name", "recipientOrganization.charityNumber",
    "recipientOrganization.companyNumber", "recipientOrganization.postalCode", "recipientIndividual.id",
    "recipientIndividual.name", "beneficiaryLocation.name", "fundingOrganization.id", "fundingOrganization.name",
    "fundingOrganization.department", "grantProgramme.title", "grantProgramme.code",
    # places for the maps (models/geography.py): where the benefit lands, where the recipient is
    "beneficiaryLocation.geoCode", "recipientOrganization.location.geoCode",
})


# Fields the 360Giving schema requires but the dashboard does not store: a grant without
# one is imported with a warning (the title is stored as the description; a recipient
# named without an identifier is stored by name and not counted as third-sector, since
# nothing identifies it). Tell the publisher, whose file does not validate.
REQUIRED_NOT_STORED = {
    "description": "is empty; the 360Giving standard requires a description, but the dashboard does not store it "
                   "(it shows the grant's title), so the grant was imported",
}
NO_RECIPIENT_ID = ("is empty; the 360Giving standard requires the recipient's identifier. The grant was imported under "
                   "the recipient's name, not counted as third-sector (nothing identifies the recipient)")

# Problems in a field the dashboard neither stores nor needs (a recipient's web address,
# a last-modified date) are warnings: the grant is kept. The schema judges what is stored.
NOT_KEPT = " (this field is not imported, so the grant is still imported)"


def _stored_path(path: str) -> bool:
    return re.sub(r"\[\d+\]", "", path) in STORED_OR_REQUIRED


# ---------------------------------------------------------------- shared: checks and mapping


STORED_OR_REQUIRED = USED_PATHS | {"amountAppliedFor", "amountDisbursed"}


def _quality(values: list[str], test: Callable[[str], str | None]) -> list[tuple[int, str]]:
    """Like column_problems, for the quality checks (which raise warnings)."""
    return column_problems(values, test)


# The commonest good identifiers, passed without the full check (which gives the words).
_PLAINLY_GOOD_ORG_ID = re.compile(r"^(GB-CHC-\d{6,7}|GB-COH-\w{8}|360G-.+)$", re.IGNORECASE)


def _org_id_warning(org_id: str) -> str | None:
    if _PLAINLY_GOOD_ORG_ID.match(org_id):
        return None
    problems = validate_org_id(org_id)
    return problems[0] if problems else None


def grants_to_records(grid, where, problems, report, context, titles) -> Rows:
    """Required fields, quality checks and the spend row for each grant in a chunk.
    ``grid`` maps field paths to the chunk's cell texts; ``problems`` are schema
    problems found already, as (position, order, title, message)."""
    size = len(where)
    blank = [""] * size

    def col(path: str) -> list[str]:
        return grid.get(path, blank)

    def title(path: str) -> str:
        return titles.get(path) or rules_title(path)

    needed, recipients = required_paths()
    warnings: list[tuple[int, str, str]] = []
    for order, path in enumerate(needed):
        empty = [p for p, v in enumerate(col(path)) if not v]
        if path in REQUIRED_NOT_STORED:
            warnings += [(p, path, REQUIRED_NOT_STORED[path]) for p in empty]
        else:
            problems += [(p, -100 + order, title(path), EMPTY_REQUIRED) for p in empty]
    org_ids, org_names = col(recipients[0][0]), col(recipients[0][1])
    has_org = [bool(n) for n in org_names]
    has_person = [bool(i and n) for i, n in zip(col(recipients[1][0]), col(recipients[1][1]))]
    problems += [
        (p, -1, title(recipients[0][0]), "a grant needs a recipient organisation (identifier and name) or a recipient "
         "individual, not " + ("both" if has_org[p] else "neither"))
        for p in range(size) if has_org[p] == has_person[p]
    ]
    warnings += [(p, recipients[0][0], NO_RECIPIENT_ID) for p in range(size) if has_org[p] and not has_person[p] and not org_ids[p]]
    # Grants in another currency are valid 360Giving but cannot be added to spend in pounds:
    # they are left out, each with a warning, and the rest of the file is imported.
    skipped = set()
    for p, m in _quality(col("currency"), lambda c: None if c == "GBP" else (
            f"amounts in {c} cannot be added to spend in pounds; this grant was not imported")):
        report.warning(where[p], title("currency"), m)
        skipped.add(p)
    today = context.today.isoformat()
    problems += [(p, 1, title("awardDate"), m) for p, m in _quality(col("awardDate"), lambda d: _out_of_range(d, context))]
    warnings += [(p, "awardDate", m) for p, m in _quality(col("awardDate"), lambda d: (
        f"award date {d[:10]} is in the future" if d[:10] > today else None))]
    for path in ("plannedDates.startDate", "plannedDates.endDate"):
        warnings += [(p, path, m) for p, m in _quality(col(path), lambda d: _out_of_range(d, context))]
    warnings += [
        (p, "plannedDates.endDate", f"the grant ends ({end[:10]}) before it starts ({start[:10]})")
        for p, (start, end) in enumerate(zip(col("plannedDates.startDate"), col("plannedDates.endDate")))
        if start and end and end[:10] < start[:10]
    ]
    for path in ("recipientOrganization.id", "fundingOrganization.id"):
        warnings += [(p, path, m) for p, m in _quality(col(path), _org_id_warning)]
    warnings += [(p, "recipientOrganization.charityNumber", m) for p, m in _quality(
        col("recipientOrganization.charityNumber"),
        lambda n: None if clean_charity_number(n) else f"'{n}' is not a charity number (6 or 7 digits)")]
    warnings += [(p, "recipientOrganization.companyNumber", m) for p, m in _quality(
        col("recipientOrganization.companyNumber"),
        lambda n: None if COMPANY_NUMBER.match(n) else f"'{n}' is not a company number (8 characters, keep leading zeros)")]
    warnings += [(p, "recipientOrganization.postalCode", m) for p, m in _quality(
        col("recipientOrganization.postalCode"), lambda c: None if clean_postcode(c) else f"'{c}' is not a UK postcode")]
    for position, path, message in sorted(warnings):
        report.warning(where[position], title(path), message)

    bad = set(skipped)
    for position, _order, column, message in sorted(problems, key=lambda p: (p[0], p[1])):
        if position in skipped:
            continue
        report.error(where[position], column, message)
        bad.add(position)
    return _spend_records(col, [p for p in range(size) if p not in bad], where, context)


def _out_of_range(text: str, context) -> str | None:
    """Why a (checked) date is no real grant's date, or None."""
    return _out_of_range_on(text, context.today)


@lru_cache(maxsize=65536)  # a file's dates repeat from chunk to chunk
def _out_of_range_on(text: str, today: dt.date) -> str | None:
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        return None  # the schema check says what is wrong with it
    return repair.date_problem(day, today)


@lru_cache(maxsize=4096)
def _funder(funder_id: str, name: str) -> tuple[str, str, str]:
    """(body type, district when no beneficiary location is given, org-id to store) for
    a funder, recognised from the list of UK local authorities (see ``authorities``)."""
    body_type, authority = authorities.classify(funder_id, name)
    if authority is not None:
        return body_type, authority.name, authority.org_id if not funder_id.upper().startswith("GB-") else funder_id
    return body_type, area_of(name, body_type), funder_id


@lru_cache(maxsize=8192)
def _year(award_date: str) -> str:
    return financial_year_of(dt.date.fromisoformat(award_date))


SPEND_COLUMNS = [
    "uid", "financial_year", "date", "body_type", "authority", "authority_id", "district", "department", "funding_type",
    "amount_pence", "recipient", "recipient_id", "programme", "beneficiary_location", "beneficiary_code",
    "recipient_area_code", "recipient_postcode", "description", "third_sector", "source", "source_file", "loaded_at",
]


def _spend_records(col, positions: list[int], where: list[str], context) -> Rows:
    """The spend rows for the chunk's good grants, built column by column (each value
    worked out once per distinct input: funders, dates, codes), as value tuples."""
    every = len(positions) == len(where)

    def take(path: str) -> list[str]:
        values = col(path)
        return values if every else [values[p] for p in positions]

    ids, titles, amounts, dates = take("id"), take("title"), take("amountAwarded"), take("awardDate")
    funder_ids, funders, departments = take("fundingOrganization.id"), take("fundingOrganization.name"), take("fundingOrganization.department")
    recipient_ids, recipients, people = take("recipientOrganization.id"), take("recipientOrganization.name"), take("recipientIndividual.name")
    locations, programmes, codes = take("beneficiaryLocation.name"), take("grantProgramme.title"), take("grantProgramme.code")
    benefit_codes, based_codes, postcodes = take("beneficiaryLocation.geoCode"), take("recipientOrganization.location.geoCode"), take("recipientOrganization.postalCode")
    pairs = list(zip(funder_ids, funders))
    funded = {pair: _funder(*pair) for pair in set(pairs)}
    funder_of = [funded[pair] for pair in pairs]
    award_dates = [d[:10] for d in dates]
    year_of = {d: _year(d) for d in set(award_dates)}
    upper = {c: c.upper() or None for c in {*benefit_codes, *based_codes}}
    postcode_of = {code: clean_postcode(code) for code in set(postcodes) if code}
    sector_of = {prefix: 0 if not prefix or prefix.upper().startswith(_PUBLIC_PREFIXES) else 1
                 for prefix in {r[:8] for r in recipient_ids}}
    source_of = {f: "360Giving data published by " + f for f in set(funders)}
    uids = ["360g:" + i for i in ids]
    rows = list(zip(
        uids,
        [year_of[d] for d in award_dates],
        award_dates,
        [f[0] for f in funder_of],
        funders,
        [f[2] or None for f in funder_of],
        [location or f[1] for location, f in zip(locations, funder_of)],
        departments,
        repeat("grant"),
        _pence_column(amounts),
        [r or p for r, p in zip(recipients, people)],
        [r or None for r in recipient_ids],
        [p or c or None for p, c in zip(programmes, codes)],
        [location or None for location in locations],
        [upper[c] for c in benefit_codes],
        [upper[c] for c in based_codes],
        [postcode_of.get(c) for c in postcodes],
        titles,
        [sector_of[r[:8]] for r in recipient_ids],
        [source_of[f] for f in funders],
        repeat(context.file_name),
        repeat(context.loaded_at),
    ))
    return Rows(list(SPEND_COLUMNS), uids, where if every else [where[p] for p in positions], rows)


def _pence_column(texts: list[str]) -> list[int]:
    """``_pence`` of each validated amount: plain ones ('1234.5', up to 11 digits before
    the point) a whole column at once (the float's error is under a thousandth of a
    penny there, so rounding is exact), the rest one by one."""
    if len(texts) < 100:
        return [_pence(t) for t in texts]
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(texts, type=pa.string())
    plain = pc.match_substring_regex(array, r"^-?[0-9]{1,11}(\.[0-9]{1,2})?$")
    if not pc.all(plain).as_py():
        return [_pence(t) for t in texts]
    pounds = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
    return np.rint(pounds * 100).astype(np.int64).tolist()


_PUBLIC_PREFIXES = tuple(prefix + "-" for prefix in PUBLIC_BODY_PREFIXES)
_PLAIN_AMOUNT = re.compile(r"^(-?)(\d+)(?:\.(\d{1,2}))?$")


def _pence(text: str) -> int:
    """Pence from a validated amount: plain '1234.5' directly, anything else (exponents,
    more decimal places) through pounds_to_pence, which rounds half up."""
    plain = _PLAIN_AMOUNT.match(text)
    if plain is None:
        return pounds_to_pence(text)
    sign, pounds, pennies = plain.groups()
    pence = int(pounds) * 100 + int((pennies or "0").ljust(2, "0"))
    return -pence if sign else pence


# ---------------------------------------------------------------- JSON packages


def read_json(source: Source, report: ValidationReport, context: Context) -> Iterator[Rows]:
    """Grants from a 360Giving JSON package ({"grants": [...]}), streamed grant by grant."""
    import ijson
    from jsonschema import Draft202012Validator

    check_json(source, report)
    validator = Draft202012Validator(grant_schema(), format_checker=format_checker())
    publisher = _package_publisher(source, report)
    if publisher:
        report.note(f"Package published by {publisher}")
        report.publisher = publisher
    flats: list[dict] = []
    where: list[str] = []
    problems: list[tuple[int, int, str, str]] = []
    count = 0
    with source.open() as handle:
        try:
            for count, grant in enumerate(ijson.items(handle, "grants.item"), start=1):
                label = f"grant {count}" + (f" ({grant.get('id')})" if isinstance(grant, dict) and grant.get("id") else "")
                if not isinstance(grant, dict):
                    problems.append((len(where), 0, "grants", "each grant must be a JSON object {...}"))
                    grant = {}
                else:
                    _unflatten(grant, report)
                    _repair_json(grant, "", label, report)
                    for error in validator.iter_errors(grant):
                        for column, message in _describe(error):
                            if _checked_in_common(column, message):
                                continue  # grants_to_records says it, for JSON and flat files alike
                            if _stored_path(column) or error.validator in ("required", "oneOf", "minItems"):
                                problems.append((len(where), 0, column, message))
                            else:
                                report.warning(label, column, message + NOT_KEPT)
                flats.append(_flatten(grant))
                where.append(label)
                if len(where) >= CHUNK_ROWS:
                    yield _json_chunk(flats, where, problems, report, context)
                    flats, where, problems = [], [], []
        except ijson.JSONError as error:
            raise report.fatal(
                f"the JSON is damaged or cut short after {count:,} complete grants ({first_line(error)}); "
                "download or export the file again"
            ) from None
    if where:
        yield _json_chunk(flats, where, problems, report, context)
    if count == 0:
        raise report.fatal("the file has no grants: a 360Giving package is {\"grants\": [ ... ]} with at least one grant")


@lru_cache(maxsize=1)
def rules_by_path() -> dict[str, FieldRule]:
    return {rule.path: rule for rule in field_rules().values()}


@lru_cache(maxsize=1)
def _flat_keys() -> dict[str, FieldRule]:
    """Flat titles with everything but letters and digits dropped ('recipientorgname'),
    as GrantNav's flattened JSON spells its keys ('RecipientOrgName')."""
    return {re.sub(r"[^a-z0-9]", "", rule.title.lower()): rule for rule in field_rules().values()}


def _unflatten(grant: dict, report: ValidationReport) -> None:
    """Read keys such as 'RecipientOrgName' and 'FundingOrgIdentifier' (a flattened
    layout) as the 360Giving fields they name, in place."""
    properties = grant_schema()["properties"]
    moved = []
    for key in [k for k in grant if k not in properties]:
        rule = _flat_keys().get(re.sub(r"[^a-z0-9]", "", key.lower()))
        if rule is None or isinstance(grant[key], (dict, list)):
            continue
        parts = rule.path.split(".")
        value = grant.pop(key)
        if len(parts) == 1:
            grant.setdefault(parts[0], value)
        elif len(parts) == 2:
            is_list = resolve(properties[parts[0]]).get("type") == "array"
            container = grant.setdefault(parts[0], [{}] if is_list else {})
            target = container[0] if isinstance(container, list) and container else container
            if isinstance(target, dict):
                target.setdefault(parts[1], value)
        moved.append(key)
    if moved:
        report.note("Keys written in a flattened layout (" + ", ".join(sorted(moved)[:6])
                    + ") were read as the 360Giving fields they name.")


def _repair_json(node, path: str, label: str, report: ValidationReport) -> None:
    """Repair, in place, the values of a grant that have only one sensible reading
    (see ``repair``), reporting each."""
    if isinstance(node, list):
        for item in node:
            _repair_json(item, path, label, report)
        return
    if not isinstance(node, dict):
        return
    for key, value in list(node.items()):
        child = f"{path}.{key}" if path else key
        if isinstance(value, (dict, list)):
            _repair_json(value, child, label, report)
            continue
        rule = rules_by_path().get(child)
        if rule is None or value is None:
            continue
        repaired = _repair_value(rule, value)
        if repaired is not None:
            fix = rule.repairer()
            report.repair(label, child, _json_text(value) if not isinstance(value, str) else value,
                          _json_text(repaired), fix[1] if fix else "a value of the wrong type")
            node[key] = repaired


def _repair_value(rule: FieldRule, value):
    """The repaired JSON value for one field, or None when it needs none or has none."""
    fix = rule.repairer()
    if "number" in rule.types or "integer" in rule.types:
        if not isinstance(value, str):
            return None
        text = value.strip()
        repaired = (fix[0](text) if fix else None) or (text if NUMBER.match(text) else None)
        return Decimal(repaired) if repaired is not None else None
    if rule.enum == frozenset({"Yes", "No"}) and isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str) and fix is not None:
        return fix[0](value.strip())
    return None


def _package_publisher(source: Source, report: ValidationReport) -> str | None:
    import ijson

    with source.open() as handle:
        try:
            for name in ijson.items(handle, "publisher.name"):
                return str(name)
        except ijson.JSONError:
            return None  # the main pass reports the damage with its place
    return None


EMPTY_REQUIRED = ("is empty; every grant needs it: fill it in, or import the valid rows only (--skip-invalid; on the "
                  "Data page, 'Import the valid rows') to leave this grant out")


def _checked_in_common(column: str, message: str) -> bool:
    """Schema problems the shared checks report in their own words: a missing description
    and a recipient organisation without an identifier (both warnings, see REQUIRED_NOT_STORED)."""
    if column in REQUIRED_NOT_STORED and message.endswith("every grant needs it"):
        return True
    return column.startswith("recipientOrganization") and message.startswith("'id' is missing")


def _json_chunk(flats, where, problems, report, context) -> Rows:
    paths = {path for flat in flats for path in flat}
    grid = {path: [flat.get(path, "") for flat in flats] for path in paths}
    return grants_to_records(grid, where, problems, report, context, titles={})


def _flatten(grant: dict) -> dict[str, str]:
    """A grant as {field path: text}, keeping the first item of each list."""
    flat: dict[str, str] = {}
    for key, value in grant.items():
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                if isinstance(inner_value, list) and inner_value and isinstance(inner_value[0], dict):
                    # e.g. recipientOrganization.location[0].geoCode (for the maps)
                    for leaf, leaf_value in inner_value[0].items():
                        if not isinstance(leaf_value, (dict, list)) and leaf_value is not None:
                            flat[f"{key}.{inner}.{leaf}"] = _json_text(leaf_value)
                elif not isinstance(inner_value, (dict, list)) and inner_value is not None:
                    flat[f"{key}.{inner}"] = _json_text(inner_value)
        elif value is not None:
            flat[key] = _json_text(value)
    return flat


def _json_text(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def _describe(error) -> list[tuple[str, str]]:
    """A jsonschema error in an officer's words: [(field, message)]."""
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
    kind = error.validator
    if kind == "oneOf" and not error.absolute_path:
        missing_sets = [
            {m.split("'")[1] for m in (e.message for e in branch_errors) if "is a required property" in m}
            for branch_errors in _by_branch(error)
        ]
        common = set.intersection(*missing_sets) if missing_sets else set()
        if common:
            return [(name, "is missing; every grant needs it") for name in sorted(common)]
        return []  # recipient organisation or individual: the shared checks say which
    if kind == "oneOf":
        return [(path, f"'{error.instance}' is not a date{month_hint(error.instance)}: write YYYY-MM-DD or a full date-time "
                 "such as 2024-04-01T09:30:00Z")]
    if kind == "required":
        return [(path or "grant", error.message.replace("is a required property", "is missing"))]
    if kind == "type":
        return [(path, f"{json.dumps(error.instance, default=str)[:60]} should be a {error.validator_value}")]
    if kind == "enum":
        return [(path, f"'{error.instance}' is not an allowed code here")]
    if kind == "format":
        return [(path, f"'{error.instance}' is not a valid {error.validator_value}")]
    if kind == "minItems":
        return [(path, "is an empty list; give at least one item")]
    return [(path or "grant", error.message)]


def _by_branch(error) -> list[list]:
    branches: dict[int, list] = {}
    for sub in error.context or []:
        branches.setdefault(sub.schema_path[0] if sub.schema_path else 0, []).append(sub)
    return list(branches.values())


__all__ = ["FORMAT", "LABEL", "TABLE", "read", "field_rules", "FileRejected"]
