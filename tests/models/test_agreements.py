"""Agreements and monitoring: every expected figure below is worked by hand in the test
(proxies, quantities, days, working days), never copied from the code's output."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from models import agreement_sources, agreements, investment, monitoring, policy, scenarios, store, tender_records
from models.errors import DomainError, StaleEdit
from models.policy import PermissionRefused

OFFICER = policy.local_actor("Olu Officer")
VIEWER = policy.Actor(subject="viewer", name="Val Viewer", roles=frozenset({policy.VIEWER}))
TRANSPORT = "Weaver Valley Community Transport (fictional)"
EXAMPLE = json.loads((store.PROJECT_ROOT / "data" / "examples" / "tender_example.json").read_text())
TODAY = dt.date(2028, 6, 1)  # periods 1 and 2 (to 31/03/2028) have ended; period 3 has not


def _organisation(db, org_id: str, name: str, districts: list[str]) -> None:
    db["organisations"].insert({"org_id": org_id, "name": name, "districts": json.dumps(districts),
                                "source": "test", "updated_at": "2027-01-01T00:00:00+00:00"})


@pytest.fixture
def providers(db):
    _organisation(db, "GB-CHC-1000001", "Weaver Valley Community Transport", ["Crewe and Nantwich"])
    _organisation(db, "GB-CHC-1000002", "Far Away Trust", [])
    return db


def _contract(db) -> int:
    """The worked case: the tender example's winner, two years from 1 April 2027,
    £90,000 a year, the bid's social-value offer and two KPIs."""
    tender_id = tender_records.import_scenario(db, EXAMPLE, who="Test")
    form = agreement_sources.form_from_tender(
        db, tender_id, bidder=TRANSPORT, provider="GB-CHC-1000001", body="Cheshire East Council",
        department="Adults", start="01/04/2027", end="31/03/2029", values={"2027/28": 90000, "2028/29": 90000},
        outcomes=["O2:I3", "O6"],
        kpis=[{"name": "Journeys provided", "unit": "journeys", "target_per_period": 900},
              {"name": "Complaints", "unit": "complaints", "target_per_period": 5, "direction": "lower"}])
    return agreements.create(db, form, actor=OFFICER, origin="tender")


DELIVERED = {  # period -> measure -> quantity
    1: {"local jobs created": 1, "volunteer hours": 800, "apprenticeship weeks": 13, "Journeys provided": 950, "Complaints": 3},
    2: {"local jobs created": 1, "volunteer hours": 700, "apprenticeship weeks": 0, "Journeys provided": 600, "Complaints": 4},
}


def _record_two_periods(db, agreement_id: int) -> None:
    record = agreements.get(db, agreement_id)
    measures = {m["name"]: m["id"] for m in record["measures"]}
    for period in record["periods"][:2]:
        for name, quantity in DELIVERED[period["number"]].items():
            monitoring.record_return(db, measures[name], period["id"], delivered=quantity,
                                     evidence=f"Quarterly report {period['number']}", actor=OFFICER, today=TODAY)


def test_periods_and_due_dates_worked_by_hand(providers):
    db = providers
    record = agreements.get(db, _contract(db))
    # £90,000 a year is the standard tier (up to £250,000): six-monthly returns.
    assert record["tier"].name == "standard" and record["reporting"] == "six-monthly"
    assert [(p["start_date"], p["end_date"]) for p in record["periods"]] == [
        ("2027-04-01", "2027-09-30"), ("2027-10-01", "2028-03-31"),
        ("2028-04-01", "2028-09-30"), ("2028-10-01", "2029-03-31")]
    # 30/09/2027 is a Thursday; 20 working days on: 1 Oct (1), 4-8 (6), 11-15 (11), 18-22 (16), 25-28 (20).
    assert record["periods"][0]["due_date"] == "2027-10-28"
    # 31/03/2028 is a Friday; April 2028: 3-7 (5), 10-13 (9), Good Friday 14 and Easter Monday 17
    # skipped, 18-21 (13), 24-28 (18), 1 May early May bank holiday skipped, 2 May (19), 3 May (20).
    assert record["periods"][1]["due_date"] == "2028-05-03"
    # 2027/28's £90,000 over two 183-day periods: £45,000 each. 2028/29's over 183 and 182 days
    # (February 2029 has 28): £45,123.287... and £44,876.712...; the spare penny to the larger remainder.
    assert monitoring.period_values(record) == [4_500_000, 4_500_000, 4_512_329, 4_487_671]


def test_tender_offer_becomes_commitments_with_the_tenders_proxies(providers):
    db = providers
    record = agreements.get(db, _contract(db))
    offer = {m["name"]: m for m in record["measures"] if m["kind"] == "social_value"}
    # The bid committed 3 jobs, 2,000 volunteer hours and 52 apprenticeship weeks over the contract: per six-month period
    assert offer["local jobs created"]["target_per_period"] == pytest.approx(0.75)
    assert offer["volunteer hours"]["target_per_period"] == pytest.approx(500)
    assert offer["apprenticeship weeks"]["target_per_period"] == pytest.approx(13)
    assert [offer[n]["proxy_pence"] for n in ("local jobs created", "volunteer hours", "apprenticeship weeks")] == [
        2_400_000, 1_400, 25_000]
    assert record["tender_bidder"] == TRANSPORT and record["award_route"] == "tender" and record["origin"] == "tender"
    assert record["outcomes"] == [("O2", "I3"), ("O6", "")]
    assert agreements.audit(db, record["id"])[0]["action"] == "created from an awarded tender"


def test_status_promised_against_delivered_and_realised_sroi_by_hand(providers):
    db = providers
    agreement_id = _contract(db)
    _record_two_periods(db, agreement_id)
    statuses = monitoring.status_frame(db, agreement_id, today=TODAY)
    status = {(r.measure, r.period): r.status for r in statuses.itertuples()}
    # Period 2: journeys 600 of 900 = 66.7%, below the standard tier's 75%: missed.
    assert status[("Journeys provided", 2)] == "missed"
    assert status[("Journeys provided", 1)] == "met"  # 950 of 900
    assert status[("Complaints", 2)] == "met"  # 4, lower is better, target 5
    assert status[("apprenticeship weeks", 2)] == "missed"  # 0 of 13
    assert status[("local jobs created", 1)] == "met"  # 1 of 0.75
    assert status[("Journeys provided", 3)] == "not yet due"

    money = monitoring.promised_against_delivered(db, agreement_id).set_index("measure")
    # Same proxies as the tender: jobs £24,000, volunteer hours £14, apprenticeship weeks £250.
    assert money.loc["local jobs created", "promised_pence"] == 3 * 24_000 * 100
    assert money.loc["local jobs created", "promised_to_date_pence"] == 36_000 * 100  # 1.5 jobs for 2 periods
    assert money.loc["local jobs created", "delivered_pence"] == 2 * 24_000 * 100
    assert money.loc["volunteer hours", "delivered_pence"] == 1_500 * 14 * 100
    assert money.loc["apprenticeship weeks", "delivered_pence"] == 13 * 250 * 100
    assert money["promised_pence"].sum() == 113_000 * 100  # the bid's social value at tender: 72,000 + 28,000 + 13,000
    assert money["promised_to_date_pence"].sum() == 56_500 * 100
    assert money["delivered_pence"].sum() == 72_250 * 100  # 48,000 + 21,000 + 3,250
    assert money.loc["apprenticeship weeks", "difference_pence"] == -(6_500 - 3_250) * 100

    result = monitoring.realised_sroi(db, agreement_id)
    # Investment: the value of periods 1 and 2, £45,000 each. No adjustments, one year,
    # year 1 discounted at the Green Book's 3.5% (the SROI guide's convention).
    assert result["investment_pence"] == 9_000_000
    assert result["realised"].present_value == pytest.approx(72_250 / 1.035)
    assert result["realised"].sroi_ratio == pytest.approx(72_250 / 1.035 / 90_000)
    assert result["promised"].sroi_ratio == pytest.approx(56_500 / 1.035 / 90_000)


def test_returns_due_and_late(providers):
    db = providers
    agreement_id = _contract(db)
    record = agreements.get(db, agreement_id)
    first = record["periods"][0]
    monitoring.record_return(db, record["measures"][0]["id"], first["id"], delivered=1, evidence="Report",
                             actor=OFFICER, today=dt.date(2027, 10, 5))
    # On 28/10/2027 (the due date) period 1 is due, with 4 of 5 measures outstanding; the day after, late.
    due = monitoring.returns_due(db, today=dt.date(2027, 10, 28))
    assert due[["period", "outstanding", "status"]].values.tolist() == [[1, 4, "due"]]
    assert monitoring.returns_due(db, today=dt.date(2027, 10, 29))["status"].tolist() == ["late"]


def test_delivery_record_for_a_later_evaluation(providers):
    db = providers
    agreement_id = _contract(db)
    _record_two_periods(db, agreement_id)
    assert monitoring.provider_ids_for(db, "Weaver Valley Community Transport Ltd") == ["GB-CHC-1000001"]
    found = monitoring.delivery_record(db, "GB-CHC-1000001", today=TODAY)
    row = found["agreements"].iloc[0]
    assert (row["periods_reported"], row["met"], row["missed"]) == (2, 8, 2)  # 10 measure-periods: 8 met, 2 missed
    assert row["delivered_pence"] == 7_225_000 and row["promised_to_date_pence"] == 5_650_000
    assert set(found["shortfalls"]["measure"]) == {"Journeys provided", "apprenticeship weeks"}


def test_kpi_rule_for_contracts_over_five_million(providers):
    db = providers
    form = {"title": "Big contract", "type": "contract", "provider": "GB-CHC-1000002", "body": "Cheshire East Council",
            "start": "2027-04-01", "end": "2030-03-31", "award_route": "direct_award",
            "values": {"2027/28": 2_000_000, "2028/29": 2_000_000, "2029/30": 1_000_000.01},
            "measures": [{"name": "Visits", "target_per_period": 10}]}
    record = agreements.get(db, agreements.create(db, form, actor=OFFICER))
    rule = monitoring.kpi_rule(record)
    assert rule["applies"] and not rule["ok"] and "Add 2 more" in rule["message"]
    assert record["tier"].name == "enhanced" and record["reporting"] == "quarterly"
    exactly = agreements.get(db, agreements.create(db, {**form, "values": {"2027/28": 5_000_000}}, actor=OFFICER))
    assert not monitoring.kpi_rule(exactly)["applies"]  # £5,000,000 is not over £5 million


def test_devolve_shares_and_full_cost_from_data(providers):
    db = providers
    _contract(db)  # £180,000 contract over two years to a Crewe and Nantwich provider
    scenarios.save(db, "cost_recovery", "Far Away costing", {
        "projects": [{"name": "Drop-in", "direct_costs": [{"category": "Staff", "amount": 8000, "kind": "pay"}],
                      "drivers": {"headcount": 1}}],
        "overheads": [{"name": "Office", "amount": 2000, "driver": "headcount", "kind": "non_pay"}]})
    grant = {"title": "Drop-in grant", "type": "grant", "provider": "GB-CHC-1000002", "body": "Cheshire East Council",
             "start": "2027-04-01", "end": "2028-03-31", "values": {"2027/28": 20_000}, "award_route": "grant_round",
             "costing": {"name": "Far Away costing", "project": "Drop-in"}}
    grant_id = agreements.create(db, grant, actor=OFFICER)
    share = agreements.full_cost_share(db, agreements.get(db, grant_id))
    assert share["full_cost_pence"] == 1_000_000 and share["share"] == pytest.approx(2.0)  # £20,000 of £10,000
    shares = investment.devolve_shares(db).set_index("measure")["share"]
    assert shares["Share as contract"] == pytest.approx(180 / 200)
    assert shares["Share as grant"] == pytest.approx(20 / 200)
    assert shares["Share in multi-year agreements"] == pytest.approx(180 / 200)
    assert shares["Share funded at full cost"] == pytest.approx(20 / 200)
    assert shares["Share to organisations based locally"] == pytest.approx(180 / 200)
    one_year = investment.devolve_shares(db, ("2028/29",)).set_index("measure")["share"]
    assert one_year["Share as contract"] == pytest.approx(1.0)

    per_outcome, per_indicator = investment.outcome_investment(db)
    assert per_outcome.set_index("outcome_id").loc["O2", "agreed_pence"] == 18_000_000
    assert per_indicator.set_index("indicator_id").loc["I3", "agreements"] == 1
    computed = investment.computed_indicators(db).set_index(["indicator_id", "financial_year"])
    # I3 from the seeded spend table: the framework's £2,064,893.44 of £3,103,486.94 in 2008/09.
    assert computed.loc[("I3", "2008/09"), "computed_percent"] == pytest.approx(round(206_489_344 / 310_348_694 * 100, 2))
    # I7: the only grant (2027/28) goes to a provider with no district: 0% local.
    assert computed.loc[("I7", "2027/28"), "computed_percent"] == 0


def test_agreement_from_imported_spend_confirmed_by_an_officer(providers):
    db = providers
    for n, (year, amount) in enumerate([("2026/27", 400_000), ("2026/27", 350_000), ("2027/28", 500_000)]):
        db["spend"].insert({"uid": f"test-{n}", "financial_year": year, "body_type": "local_government",
                            "authority": "Cheshire East Council", "district": "Cheshire East-wide",
                            "department": "Communities", "funding_type": "grant", "amount_pence": amount,
                            "recipient": "FAR AWAY TRUST LTD", "source": "test", "loaded_at": "2027-01-01"})
    suggestions = agreement_sources.spend_suggestions(db)
    assert suggestions[["provider_org_id", "payments", "total_pence"]].values.tolist() == [["GB-CHC-1000002", 3, 1_250_000]]
    form, spend_ids = agreement_sources.form_from_spend(db, suggestions.loc[0, "key"])
    assert form["values"] == {"2026/27": "7500.00", "2027/28": "5000.00"}
    assert (form["start"], form["end"]) == ("2026-04-01", "2028-03-31")
    agreement_id = agreements.create(db, form, actor=OFFICER, origin="spend", spend_ids=spend_ids)
    assert agreement_sources.spend_suggestions(db).empty
    assert investment.outcome_investment(db)[0].attrs["unlinked_pence"] == 1_250_000
    with pytest.raises(DomainError, match="already part of agreement"):
        agreements.create(db, form, actor=OFFICER, origin="spend", spend_ids=spend_ids)
    assert agreements.get(db, agreement_id)["total_pence"] == 1_250_000


def _payment(db, recipient: str, year: str, amount_pence: int, *, recipient_id: str | None = None,
             department: str = "Communities", funding_type: str = "grant") -> int:
    db["spend"].insert({"uid": f"test-{recipient}-{year}-{amount_pence}", "financial_year": year,
                        "body_type": "local_government", "authority": "Cheshire East Council",
                        "district": "Cheshire East-wide", "department": department, "funding_type": funding_type,
                        "amount_pence": amount_pence, "recipient": recipient, "recipient_id": recipient_id,
                        "source": "test", "loaded_at": "2027-01-01"})
    return db.execute("SELECT MAX(id) FROM spend").fetchone()[0]


def test_spend_suggestions_group_a_providers_spellings_worked_by_hand(providers):
    """Payments in id order. Far Away Trust is paid under two spellings: 'Far Away (Cheshire)
    Limited' (known by its identifier) first, then 'FAR AWAY TRUST LTD' (by its normalised
    name), which sorts first, pays more often and is the only spelling the name alone
    recognises: the suggestion names the earlier payment's spelling. A payment already in an
    agreement counts for nothing; Weaver Valley's +£2,500 and -£2,500 under two spellings add
    to £0 and are left out; a payment with no department is a group of its own."""
    db = providers
    linked = _payment(db, "Far Away Trust", "2024/25", 9_999_900)
    db["agreement_spend"].insert({"spend_id": linked, "agreement_id": _contract(db)})
    first = _payment(db, "Far Away (Cheshire) Limited", "2026/27", 200_000, recipient_id="GB-CHC-1000002")
    _payment(db, "Weaver Valley Community Transport CIO", "2026/27", 250_000, department="Adults")
    second = _payment(db, "FAR AWAY TRUST LTD", "2025/26", 300_000)
    no_department = _payment(db, "FAR AWAY TRUST LTD", "2026/27", 150_000, department="", funding_type="contract")
    _payment(db, "WVCT", "2026/27", -250_000, recipient_id="GB-CHC-1000001", department="Adults")
    third = _payment(db, "FAR AWAY TRUST LTD", "2027/28", 100_000)
    refund = _payment(db, "Far Away (Cheshire) Limited", "2026/27", -50_000, recipient_id="GB-CHC-1000002",
                      department="", funding_type="contract")
    _payment(db, "Nobody In The Directory", "2026/27", 700_000)

    suggestions = agreement_sources.spend_suggestions(db)
    grant, contract = "GB-CHC-1000002 | Cheshire East Council | Communities | grant", \
        "GB-CHC-1000002 | Cheshire East Council |  | contract"
    assert suggestions.to_dict(orient="records") == [
        # £2,000 + £3,000 + £1,000, 2025/26 to 2027/28
        {"key": grant, "provider_org_id": "GB-CHC-1000002", "provider_name": "Far Away Trust",
         "recipient": "Far Away (Cheshire) Limited", "authority": "Cheshire East Council", "department": "Communities",
         "funding_type": "grant", "payments": 3, "first_year": "2025/26", "last_year": "2027/28",
         "total_pence": 600_000},
        # £1,500 - £500
        {"key": contract, "provider_org_id": "GB-CHC-1000002", "provider_name": "Far Away Trust",
         "recipient": "FAR AWAY TRUST LTD", "authority": "Cheshire East Council", "department": "",
         "funding_type": "contract", "payments": 2, "first_year": "2026/27", "last_year": "2026/27",
         "total_pence": 100_000},
    ]

    form, spend_ids = agreement_sources.form_from_spend(db, grant)
    assert spend_ids == [first, second, third]
    assert form["values"] == {"2025/26": "3000.00", "2026/27": "2000.00", "2027/28": "1000.00"}
    assert (form["title"], form["start"], form["end"]) == (
        "Far Away Trust: Communities grant 2025/26 to 2027/28", "2025-04-01", "2028-03-31")
    assert form["notes"] == "Grouped from 3 imported payments to 'Far Away (Cheshire) Limited'."
    form, spend_ids = agreement_sources.form_from_spend(db, contract)
    assert spend_ids == [no_department, refund]
    assert (form["title"], form["department"], form["values"]) == (
        "Far Away Trust: Cheshire East Council contract 2026/27", "", {"2026/27": "1000.00"})
    assert form["notes"] == "Grouped from 2 imported payments to 'FAR AWAY TRUST LTD'."
    with pytest.raises(DomainError, match="no longer available"):
        agreement_sources.form_from_spend(db, "GB-CHC-1000002 | Cheshire East Council | Communities | contract")


def test_values_shared_by_days_reconcile_to_the_penny():
    # 2027/28 has 366 days (29 February 2028), 2028/29 365: £180,000 x 366/731 = £90,123.119..., the other
    # £89,876.880...; the one penny left over goes to the larger remainder (.9015 against .098).
    shares = agreement_sources.values_by_days(18_000_000, dt.date(2027, 4, 1), dt.date(2029, 3, 31))
    assert shares == {"2027/28": 9_012_312, "2028/29": 8_987_688}


def _snapshot(db):
    return {t: list(db.query(f"SELECT * FROM {t}")) for t in
            ("agreements", "agreement_values", "agreement_outcomes", "monitoring_measures", "monitoring_returns", "audit_log")}


BAD_FORMS = [
    ({"end": "2026-03-31"}, "End date: 31/03/2026 is before the start date"),
    ({"values": {"2027/28": -5}}, "negative"),
    ({"values": {"2031/32": 5}}, "outside the agreement's dates"),
    ({"measures": [{"name": "Visits"}]}, "needs a target for each period"),
    ({"measures": [{"name": "Jobs", "kind": "social_value", "target_per_period": 1}]}, "needs its proxy value"),
    ({"provider": "GB-CHC-9999999"}, "not in the organisation directory"),
    ({"type": "loan"}, "choose grant, contract or capacity"),
    ({"links": ["file:///C:/personal.docx"]}, "not a web link"),
    ({"outcomes": ["O9"]}, "is not one of the outcomes"),
]


@pytest.mark.parametrize("change, message", BAD_FORMS)
def test_bad_input_is_refused_and_changes_nothing(providers, change, message):
    db = providers
    form = {"title": "A grant", "type": "grant", "provider": "GB-CHC-1000002", "body": "Cheshire East Council",
            "start": "2027-04-01", "end": "2028-03-31", "values": {"2027/28": 5000}, "award_route": "grant_round"}
    before = _snapshot(db)
    with pytest.raises(DomainError, match=message):
        agreements.create(db, {**form, **change}, actor=OFFICER)
    assert _snapshot(db) == before


def test_bad_returns_are_refused_and_change_nothing(providers):
    db = providers
    agreement_id = _contract(db)
    record = agreements.get(db, agreement_id)
    measure, period = record["measures"][0]["id"], record["periods"][2]["id"]
    before = _snapshot(db)
    with pytest.raises(DomainError, match="once the period has ended"):  # period 3 ends 30/09/2028
        monitoring.record_return(db, measure, period, delivered=5, evidence="x", actor=OFFICER, today=TODAY)
    with pytest.raises(DomainError, match="negative"):
        monitoring.record_return(db, measure, record["periods"][0]["id"], delivered=-1, evidence="x", actor=OFFICER,
                                 today=TODAY)
    with pytest.raises(DomainError, match="Evidence"):
        monitoring.record_return(db, measure, record["periods"][0]["id"], delivered=1, evidence=" ", actor=OFFICER,
                                 today=TODAY)
    with pytest.raises(PermissionRefused):
        monitoring.record_return(db, measure, record["periods"][0]["id"], delivered=1, evidence="x", actor=VIEWER,
                                 today=TODAY)
    assert _snapshot(db) == before


def test_edits_are_versioned_audited_and_stale_saves_refused(providers):
    db = providers
    agreement_id = _contract(db)
    record = agreements.get(db, agreement_id)
    form = agreements.form_of(record)
    saved = agreements.update(db, agreement_id, record["version"], {**form, "notes": "Variation agreed"},
                              actor=OFFICER, reason="variation")
    assert saved["version"] == record["version"] + 1
    with pytest.raises(StaleEdit, match="Nothing was saved"):
        agreements.update(db, agreement_id, record["version"], {**form, "department": "Children"}, actor=OFFICER)
    assert agreements.get(db, agreement_id)["department"] == "Adults"
    latest = agreements.audit(db, agreement_id)[0]
    assert latest["action"] == "edit" and "Variation agreed" in latest["after_json"] and latest["who"] == "Olu Officer"
    _record_two_periods(db, agreement_id)
    with pytest.raises(DomainError, match="returns are recorded"):
        agreements.update(db, agreement_id, saved["version"], {**form, "end": "2030-03-31"}, actor=OFFICER)
    # A correction to a return is a versioned save too.
    statuses = monitoring.status_frame(db, agreement_id, today=TODAY)
    row = statuses[(statuses["measure"] == "Journeys provided") & (statuses["period"] == 2)].iloc[0]
    monitoring.record_return(db, int(row["measure_id"]), int(row["period_id"]), delivered=880, evidence="Corrected",
                             actor=OFFICER, expected_version=int(row["return_version"]), today=TODAY)
    with pytest.raises(StaleEdit):
        monitoring.record_return(db, int(row["measure_id"]), int(row["period_id"]), delivered=10, evidence="Old",
                                 actor=OFFICER, expected_version=int(row["return_version"]), today=TODAY)
    after = monitoring.status_frame(db, agreement_id, today=TODAY)
    fixed = after[(after["measure"] == "Journeys provided") & (after["period"] == 2)].iloc[0]
    assert fixed["status"] == "partly met" and fixed["delivered"] == 880  # 880 of 900 = 97.8%, short of target


def test_provider_candidates_rank_by_shared_words(providers):
    found = agreement_sources.provider_candidates(providers, "Weaver Valley Community Transport (fictional)")
    assert found[0] == ("GB-CHC-1000001", "Weaver Valley Community Transport")
    exact = agreement_sources.provider_candidates(providers, "The Far Away Trust Ltd")
    assert exact[0] == ("GB-CHC-1000002", "Far Away Trust")


def test_merge_edit_applies_only_the_fields_the_person_changed():
    opened = {"title": "A", "department": "", "notes": ""}
    mine = {"title": "A", "department": "", "notes": "Variation agreed"}
    current = {"title": "A (renamed)", "department": "Adults", "notes": ""}
    assert agreements.merge_edit(opened, mine, current) == {"title": "A (renamed)", "department": "Adults",
                                                            "notes": "Variation agreed"}


def test_form_numbers_follow_the_one_money_rule():
    """agreements.non_negative reads numbers by checks.parse_number: '£1,200' is 1200 and
    '(1,200)' is minus 1,200, so it is refused as negative."""
    problems: list[str] = []
    assert agreements.non_negative("£1,200", "Value", problems) == 1200.0
    assert agreements.non_negative("(1,200)", "Value", problems) is None
    assert agreements.non_negative("", "Value", problems, missing="give the value") is None
    assert agreements.non_negative("lots", "Value", problems) is None
    assert problems == ["Value: -1200 is negative; it must be 0 or more", "Value: give the value",
                        "Value: 'lots' is not a number"]
