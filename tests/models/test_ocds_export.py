"""The award notice as OCDS: exported from the engine's result, read back by the product's
own OCDS importer into the spend table, reconciling to the penny."""

from __future__ import annotations

import datetime as dt
import json

from models import ocds_export, tender
from models.award_pack import AwardDetails, Lot
from models.importers import ImportOptions, Source, import_sources


def lot_evaluation(prices: dict[str, float], quality: dict[str, int]) -> tender.Evaluation:
    return tender.evaluate(tender.parse_scenario({
        "name": "Lot",
        "criteria": [{"id": "quality", "name": "Quality", "type": "quality", "weight": 70},
                     {"id": "price", "name": "Price", "type": "price", "weight": 30}],
        "bids": [{"bidder": b, "price": p, "scores": {"quality": {"score": quality[b], "reason": f"{b}'s plan"}}}
                 for b, p in prices.items()],
    }))


# Lot 1: Crewe Lunch Club wins on quality (5 v 3) at £98,765.43.
# Lot 2: Alsager Carers wins alone at £1,234.56.
LOTS = [
    Lot(lot_evaluation({"Crewe Lunch Club": 98_765.43, "Northway Ltd": 90_000.01}, {"Crewe Lunch Club": 5, "Northway Ltd": 3}),
        title="Lot 1: Crewe", number=1),
    Lot(lot_evaluation({"Alsager Carers": 1_234.56}, {"Alsager Carers": 4}), title="Lot 2: Alsager", number=2),
]
DETAILS = AwardDetails(procurement="Lunch clubs and carers' support", reference="CE-2026-017",
                       notice_published=dt.date(2026, 12, 21), prepared_on=dt.date(2026, 12, 18))


def test_release_has_an_award_per_lot_with_supplier_value_and_date():
    package = ocds_export.release_package(LOTS, DETAILS)
    (release,) = package["releases"]
    assert release["ocid"] == "ocds-local-CE-2026-017"
    assert release["tag"] == ["award"]
    assert [(a["relatedLots"], a["suppliers"][0]["name"], a["value"], a["status"], a["date"]) for a in release["awards"]] == [
        (["lot-1"], "Crewe Lunch Club", {"amount": 98765.43, "currency": "GBP"}, "pending", "2026-12-21T00:00:00Z"),
        (["lot-2"], "Alsager Carers", {"amount": 1234.56, "currency": "GBP"}, "pending", "2026-12-21T00:00:00Z"),
    ]
    assert release["tender"]["numberOfTenderers"] == 3
    assert [c["awardID"] for c in release["contracts"]] == [a["id"] for a in release["awards"]]
    roles = {p["name"]: p["roles"] for p in release["parties"]}
    assert roles["Northway Ltd"] == ["tenderer"] and roles["Crewe Lunch Club"] == ["tenderer", "supplier"]
    entered = ocds_export.award_release(LOTS, DETAILS, contract_entered=dt.date(2027, 1, 5))
    assert entered["tag"] == ["award", "contract"]
    assert entered["contracts"][0]["status"] == "active" and entered["contracts"][0]["dateSigned"] == "2027-01-05T00:00:00Z"


def test_round_trip_through_the_ocds_importer_reconciles_to_the_penny(db):
    data = ocds_export.release_package_bytes(LOTS, DETAILS, vcse=frozenset({"Crewe Lunch Club"}))
    (result,) = import_sources(db, [Source.from_bytes("award-notice-ocds.json", data)], ImportOptions())
    assert result.status == "imported", [e.message for e in result.report.errors]
    rows = db.execute(
        "SELECT uid, recipient, amount_pence, date, authority, authority_id, body_type, funding_type, "
        "third_sector, financial_year, description FROM spend WHERE import_id = :id ORDER BY uid", {"id": result.import_id}).fetchall()
    assert rows == [
        ("ocds:ocds-local-CE-2026-017:CE-2026-017-lot-1", "Crewe Lunch Club", 9_876_543, "2026-12-21",
         "Cheshire East Council", "GB-LAE-CHE", "local_government", "contract", 1, "2026/27",
         "Lunch clubs and carers' support, Lot 1: Crewe"),
        ("ocds:ocds-local-CE-2026-017:CE-2026-017-lot-2", "Alsager Carers", 123_456, "2026-12-21",
         "Cheshire East Council", "GB-LAE-CHE", "local_government", "contract", 0, "2026/27",
         "Lunch clubs and carers' support, Lot 2: Alsager"),
    ]
    # £98,765.43 + £1,234.56 = £99,999.99
    assert sum(r[2] for r in rows) == 9_999_999
    # publishing the same notice again changes nothing
    (again,) = import_sources(db, [Source.from_bytes("award-notice-ocds.json", data)], ImportOptions())
    assert again.status == "unchanged"


def test_amounts_are_written_exactly():
    assert json.loads(json.dumps({"a": ocds_export._amount(0.1 + 0.2)}))["a"] == 0.3
    assert ocds_export._amount(165000) == 165000
