"""The award as data: an Open Contracting Data Standard (OCDS 1.1) release package that
the council can publish, and that this product's own OCDS importer
(``models.importers.ocds``) reads back into the spend table to the same figures.

One release for the procurement: the buyer, the tender with its lots and tenderers, one
award per lot (the winning supplier, the value = the winning price, the award date) and one
contract per award. An award is 'pending' until the contract is entered into, then
'active'. Amounts are written from integer pence, so they read back to the penny.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Sequence

from .formatting import pence_to_pounds, pounds_to_pence

OCDS_VERSION = "1.1"
# An OCID prefix is registered with the Open Contracting Partnership (Find a Tender and
# Contracts Finder assign their own); "ocds-local" marks a release made here until the
# council sets its own.
DEFAULT_OCID_PREFIX = "ocds-local"


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _amount(pounds: float) -> float | int:
    """Pounds as a JSON number with at most two decimal places (exact to the penny)."""
    value = pence_to_pounds(pounds_to_pence(str(pounds)))
    return int(value) if value == value.to_integral_value() else float(value)


def _party_id(name: str) -> str:
    from .award_pack import slug

    return f"supplier-{slug(name)}"


def _org_identifier(org_id: str) -> dict | None:
    """{'scheme': 'GB-LAE', 'id': 'CHE'} from 'GB-LAE-CHE'."""
    parts = org_id.split("-")
    if len(parts) < 3:
        return None
    return {"scheme": "-".join(parts[:2]), "id": "-".join(parts[2:])}


def award_release(lots: Sequence, details, *, ocid_prefix: str = DEFAULT_OCID_PREFIX,
                  contract_entered: dt.date | None = None, vcse: frozenset[str] = frozenset()) -> dict:
    """One OCDS release for the award of every lot. ``lots`` are ``award_pack.Lot``s,
    ``details`` an ``award_pack.AwardDetails``; ``vcse`` names suppliers known to be
    voluntary or community organisations (flagged as the UK's notices flag them)."""
    from .award_pack import slug

    day = details.notice_published or details.prepared_on
    reference = details.reference or slug(details.procurement)
    ocid = f"{ocid_prefix}-{reference}"
    buyer_identifier = _org_identifier(details.buyer_id)
    parties = {details.buyer_id: {
        "id": details.buyer_id, "name": details.buyer, "roles": ["buyer", "procuringEntity"],
        **({"identifier": {**buyer_identifier, "legalName": details.buyer}} if buyer_identifier else {}),
    }}
    tender_lots, awards, contracts, tenderers = [], [], [], {}
    for lot in lots:
        evaluation = lot.evaluation
        lot_id = f"lot-{lot.number}"
        tender_lots.append({"id": lot_id, "title": lot.title or details.procurement, "status": "complete"})
        for bid in evaluation.scenario.bids:
            party_id = _party_id(bid.bidder)
            party = parties.setdefault(party_id, {"id": party_id, "name": bid.bidder, "roles": ["tenderer"]})
            if bid.bidder in vcse:
                party["details"] = {"scale": "vcse", "vcse": True}
            tenderers[party_id] = {"id": party_id, "name": bid.bidder}
        if not evaluation.winner:
            continue
        winner = next(r for r in evaluation.results if r.bidder == evaluation.winner)
        supplier_id = _party_id(winner.bidder)
        if "supplier" not in parties[supplier_id]["roles"]:
            parties[supplier_id]["roles"].append("supplier")
        award_id = f"{reference}-{lot_id}"
        value = {"amount": _amount(winner.price), "currency": "GBP"}
        awards.append({
            "id": award_id,
            "title": f"{details.procurement}" + (f", {lot.title}" if lot.title else ""),
            "status": "active" if contract_entered else "pending",
            "date": _stamp(day),
            "value": value,
            "suppliers": [{"id": supplier_id, "name": winner.bidder}],
            "relatedLots": [lot_id],
        })
        contract = {"id": f"{award_id}-contract", "awardID": award_id, "value": value,
                    "status": "active" if contract_entered else "pending"}
        if contract_entered:
            contract["dateSigned"] = _stamp(contract_entered)
        contracts.append(contract)
    release = {
        "ocid": ocid,
        "id": f"{ocid}-award-{day.isoformat()}",
        "date": _stamp(day),
        "tag": ["award", "contract"] if contract_entered else ["award"],
        "initiationType": "tender",
        "language": "en",
        "buyer": {"id": details.buyer_id, "name": details.buyer},
        "parties": list(parties.values()),
        "tender": {
            "id": reference,
            "title": details.procurement,
            "status": "complete",
            "lots": tender_lots,
            "tenderers": list(tenderers.values()),
            "numberOfTenderers": len(tenderers),
        },
        "awards": awards,
        "contracts": contracts,
    }
    return release


def release_package(lots: Sequence, details, **options) -> dict:
    """The release wrapped in an OCDS release package (what is published)."""
    release = award_release(lots, details, **options)
    return {
        "uri": f"urn:{release['ocid']}:{release['id']}",
        "version": OCDS_VERSION,
        "publishedDate": release["date"],
        "publisher": {"name": details.buyer},
        "releases": [release],
    }


def release_package_bytes(lots: Sequence, details, **options) -> bytes:
    """The release package as UTF-8 JSON."""
    return json.dumps(release_package(lots, details, **options), indent=2, ensure_ascii=False).encode("utf-8")
