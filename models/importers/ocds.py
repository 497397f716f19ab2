"""Open Contracting Data Standard: a single release (what a notice endpoint returns), a
release package ({"releases": [...]}), a single record or a record package (each record's
compiledRelease) and bare arrays of releases, streamed.

Buyers are sorted into local government, health and other funders by ``authorities``:
UK Contracts Finder identifies buyers as GB-CFS-... (or not at all), never GB-LAE-..., so a
council is recognised from the list of UK local authorities by its name.

Each award becomes one spend row, funding type 'contract': buyer, supplier(s), value
(the award's, or its contracts' values added up when the award gives none), award date
and the description. Suppliers flagged as voluntary and community organisations
(``parties[].details.vcse``, or ``details.scale`` 'vcse') or found in the organisation
directory are marked third-sector. ``tender.suitability.vcse`` says a tender suited such
organisations, not that the winner is one, so it is reported but does not mark a row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Iterator

from ..formatting import financial_year_of, pounds_to_pence
from .authorities import classify_cached
from .base import Context, Record, area_of, chunked
from .report import ValidationReport, first_line
from .sources import Source, check_json

FORMAT = "ocds"
LABEL = "OCDS contract awards"
TABLE = "spend"
CHUNK_ROWS = 2000


def read(source: Source, report: ValidationReport, context: Context) -> Iterator[list[Record]]:
    """Awards from OCDS JSON in any of its four shapes (a release, a release package, a
    record, a record package; also a bare list of releases), streamed. A file with no
    awards yields nothing: the import runner then says there is nothing to import."""
    import ijson

    check_json(source, report)
    shape = _shape(source, report)
    report.note(f"Read as {SHAPE_WORDS[shape]}.")
    publisher = _publisher(source)
    if publisher:
        report.note(f"Package published by {publisher}")
        report.publisher = publisher
    # A later release of the same award (by release date, then place in the file) replaces
    # the earlier one, so the awards are gathered before any is yielded.
    latest: dict[str, tuple[str, Record]] = {}
    count = 0
    with source.open() as handle:
        try:
            for count, release in enumerate(_releases(handle, shape, report), start=1):
                released = str(release.get("date") or "") if isinstance(release, dict) else ""
                for record in _awards(count, release, report, context):
                    earlier = latest.get(record.key)
                    if earlier is None or released >= earlier[0]:
                        latest[record.key] = (released, record)
        except ijson.JSONError as error:
            raise report.fatal(
                f"the JSON is damaged or cut short after {count:,} complete releases ({first_line(error)}); download the file again"
            ) from None
    if not latest and report.ok:
        other = any(w.column == "awards.value.currency" for w in report.warnings)
        report.note(f"The file holds {count:,} release{'s' if count != 1 else ''} but no awards with a value in pounds"
                    + (" (its awards in other currencies cannot be added to spend in pounds)" if other else "")
                    + ": nothing to import.")
    yield from chunked((record for _released, record in latest.values()), CHUNK_ROWS)


SHAPE_WORDS = {
    "array": "a list of releases",
    "release_package": "a release package",
    "record_package": "a record package",
    "record": "a single record",
    "release": "a single release",
}


def _shape(source: Source, report: ValidationReport) -> str:
    """Which of the OCDS shapes the file is, from its top-level keys (streamed)."""
    import ijson

    keys = set()
    with source.open() as handle:
        try:
            for prefix, event, value in ijson.parse(handle):
                if prefix == "" and event == "start_array":
                    return "array"
                if prefix == "" and event == "map_key":
                    keys.add(value)
                if prefix == "" and event == "end_map":
                    break
        except ijson.JSONError as error:
            raise report.fatal(f"the file is not readable JSON ({first_line(error)})") from None
    if "records" in keys:
        return "record_package"
    if "releases" in keys and ("compiledRelease" in keys or "ocid" in keys):
        return "record"
    if "releases" in keys:
        return "release_package"
    if "ocid" in keys:
        return "release"
    raise report.fatal(
        "the JSON is not OCDS: it has no 'releases' or 'records' list and is not a release (no 'ocid')"
    )


def _releases(handle, shape: str, report: ValidationReport) -> Iterator[dict]:
    """The releases to read awards from: each release, or each record's compiled release
    (its embedded releases when it has none; linked releases cannot be read)."""
    import ijson

    if shape == "array":
        yield from ijson.items(handle, "item")
    elif shape == "release_package":
        yield from ijson.items(handle, "releases.item")
    elif shape == "release":
        yield from ijson.items(handle, "")
    else:
        records = ijson.items(handle, "records.item") if shape == "record_package" else ijson.items(handle, "")
        for number, record in enumerate(records, start=1):
            if not isinstance(record, dict):
                report.error(f"record {number}", "", "each record must be a JSON object {...}")
                continue
            compiled = record.get("compiledRelease")
            if isinstance(compiled, dict):
                yield compiled
                continue
            embedded = [r for r in record.get("releases") or [] if isinstance(r, dict) and r.get("ocid")]
            if not embedded and record.get("releases"):
                report.warning(f"record {number}", "releases", "the record only links to its releases (by url) and has "
                               "no compiledRelease; its awards cannot be read from this file")
            yield from embedded


def _publisher(source: Source) -> str | None:
    import ijson

    with source.open() as handle:
        try:
            for name in ijson.items(handle, "publisher.name"):
                return str(name)
        except ijson.JSONError:
            return None
    return None


def _awards(number: int, release, report: ValidationReport, context: Context) -> list[Record]:
    where = f"release {number}"
    if not isinstance(release, dict):
        report.error(where, "", "each release must be a JSON object {...}")
        return []
    ocid = str(release.get("ocid") or "").strip()
    if ocid:
        where = f"release {number} ({ocid})"
    for field in ("ocid", "id", "date"):
        if not release.get(field):
            report.error(where, field, "is missing; every OCDS release needs it")
    if report.bad_row(where):
        return []
    parties = {str(p.get("id")): p for p in release.get("parties") or [] if isinstance(p, dict)}
    buyer = release.get("buyer") or next(
        (p for p in parties.values() if "buyer" in (p.get("roles") or [])), None
    )
    if not buyer or not buyer.get("name"):
        awards = release.get("awards") or []
        if awards:
            report.error(where, "buyer", "no buyer is named (buyer.name or a party with the role 'buyer')")
        return []
    buyer_party = parties.get(str(buyer.get("id")), {})
    buyer_id = _org_id(buyer_party) or str(buyer.get("id") or "") or None
    authority = str(buyer["name"]).strip()
    body_type, known = classify_cached(buyer_id, authority)
    if known is not None and not str(buyer_id or "").upper().startswith("GB-"):
        buyer_id = known.org_id  # a Contracts Finder hash or GB-CFS id: the council's org-id is more use
    tender = release.get("tender") or {}
    if isinstance(tender, dict) and (tender.get("suitability") or {}).get("vcse"):
        report.note("Some tenders were marked suitable for voluntary and community organisations (tender.suitability.vcse).")
    contracts = [c for c in release.get("contracts") or [] if isinstance(c, dict)]
    records = []
    for index, award in enumerate(release.get("awards") or [], start=1):
        award_where = f"{where}, award {index}"
        if not isinstance(award, dict) or not award.get("id"):
            report.error(award_where, "awards.id", "the award has no id")
            continue
        award_id = str(award["id"])
        award_where = f"{where}, award '{award_id}'"
        amount, currency = _value(award, [c for c in contracts if str(c.get("awardID")) == award_id])
        if amount is None:
            report.warning(award_where, "awards.value.amount", "the award has no value yet; not imported")
            continue
        if currency and currency != "GBP":
            report.warning(award_where, "awards.value.currency", (
                f"amounts in {currency} cannot be added to spend in pounds; this award was not imported"))
            continue
        try:
            pence = pounds_to_pence(amount)
        except ValueError:
            report.error(award_where, "awards.value.amount", f"'{amount}' is not a number")
            continue
        date_text = str(award.get("date") or release.get("date") or "")
        try:
            day = dt.date.fromisoformat(date_text[:10])
        except ValueError:
            report.error(award_where, "awards.date", f"'{date_text}' is not a date")
            continue
        suppliers = [s for s in award.get("suppliers") or [] if isinstance(s, dict)]
        names = [str(s.get("name") or "").strip() for s in suppliers if s.get("name")]
        supplier_parties = [parties.get(str(s.get("id")), {}) for s in suppliers]
        supplier_id = next((i for i in (_org_id(p) for p in supplier_parties) if i), None)
        vcse = any(_is_vcse(p) for p in supplier_parties)
        matched = None
        if context.directory is not None:
            for supplier, party in zip(suppliers, supplier_parties):
                matched = matched or context.directory.match(name=str(supplier.get("name") or ""), org_id=_org_id(party) or "")
        values = {
            "uid": f"ocds:{ocid}:{award_id}",
            "financial_year": financial_year_of(day),
            "date": day.isoformat(),
            "body_type": body_type,
            "authority": authority,
            "authority_id": buyer_id,
            "district": known.name if known is not None else area_of(authority, body_type),
            "department": "",
            "funding_type": "contract",
            "amount_pence": pence,
            "recipient": "; ".join(names) or None,
            "recipient_id": matched or supplier_id,
            "programme": str(tender.get("title") or "") or None if isinstance(tender, dict) else None,
            "beneficiary_location": None,
            "description": str(award.get("title") or award.get("description") or "") or None,
            "third_sector": 1 if (vcse or matched) else 0,
            "source": f"OCDS award notice, buyer {authority}",
            "source_file": context.file_name,
            "loaded_at": context.loaded_at,
        }
        records.append(Record(key=values["uid"], where=award_where, values=values))
    return records


def _value(award: dict, contracts: list[dict]) -> tuple[object, str | None]:
    value = award.get("value") or {}
    if isinstance(value, dict) and value.get("amount") is not None:
        return value["amount"], value.get("currency")
    amounts = [(c.get("value") or {}) for c in contracts]
    amounts = [a for a in amounts if isinstance(a, dict) and a.get("amount") is not None]
    if not amounts:
        return None, None
    try:
        total = sum(Decimal(str(a["amount"])) for a in amounts)
    except InvalidOperation:
        return amounts[0]["amount"], amounts[0].get("currency")
    return total, amounts[0].get("currency")


def _org_id(party: dict) -> str | None:
    identifier = party.get("identifier") or {}
    scheme, local = str(identifier.get("scheme") or "").strip(), str(identifier.get("id") or "").strip()
    if scheme and local:
        if local.endswith(".0") and local[:-2].isdigit():  # numbers exported through a spreadsheet
            local = local[:-2]
        return f"{scheme}-{local}"
    return None


def _is_vcse(party: dict) -> bool:
    details = party.get("details") or {}
    if not isinstance(details, dict):
        return False
    return details.get("vcse") is True or str(details.get("scale") or "").lower() == "vcse"
