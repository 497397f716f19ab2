"""The Agreements and Monitoring pages through the app (AppTest), with an agreement made
from the fictional example tender: filters from the URL, figures shown, forms, bad input."""

from __future__ import annotations

import json

import pytest

from models import agreement_sources, agreements, monitoring, policy, store, tender_records
from tests.pages.conftest import metrics, run_page

OFFICER = policy.local_actor("Page Test")
EXAMPLE = json.loads((store.PROJECT_ROOT / "data" / "examples" / "tender_example.json").read_text())
BIDDER = "Weaver Valley Community Transport (fictional)"


@pytest.fixture
def contract(db):
    """£180,000 over 1 April 2024 to 31 March 2026 (every period has ended), from the tender."""
    db["organisations"].insert({"org_id": "GB-CHC-1000001", "name": "Weaver Valley Community Transport",
                                "districts": '["Crewe and Nantwich"]', "source": "test", "updated_at": "2024-01-01"})
    tender_id = tender_records.import_scenario(db, EXAMPLE, who="Test")
    form = agreement_sources.form_from_tender(db, tender_id, bidder=BIDDER, provider="GB-CHC-1000001",
                                              body="Cheshire East Council", start="01/04/2024", end="31/03/2026",
                                              values={"2024/25": 90000, "2025/26": 90000},
                                              kpis=[{"name": "Journeys provided", "target_per_period": 900}])
    agreement_id = agreements.create(db, form, actor=OFFICER, origin="tender")
    record = agreements.get(db, agreement_id)
    journeys = next(m["id"] for m in record["measures"] if m["name"] == "Journeys provided")
    for period, quantity in ((record["periods"][0], 950), (record["periods"][1], 600)):
        monitoring.record_return(db, journeys, period["id"], delivered=quantity, evidence="Quarterly report", actor=OFFICER)
    return agreement_id


def test_agreements_page_lists_and_filters_from_the_url(contract):
    app = run_page("agreements.py")
    assert not app.exception
    shown = metrics(app)
    assert shown["Agreements"] == "1" and shown["Agreed value"] == "£180,000.00"
    assert shown["In multi-year agreements"] == "100.0%"
    grants_only = run_page("agreements.py", {"agreements.type": "Grant"})
    assert metrics(grants_only)["Agreements"] == "0"


def test_agreement_details_from_a_shared_link(contract):
    app = run_page("agreements.py", {"agreements.ref": "AG-0001"})
    assert not app.exception
    text = " ".join(t.value for t in app.text)
    assert "Weaver Valley Community Transport (GB-CHC-1000001)" in text and "Tender in this app" in text


def test_investment_tab_shows_devolve_measures_with_sources(contract):
    app = run_page("agreements.py", {"agreements.tab": "Investment and outcomes"})
    assert not app.exception
    frames = [d.value for d in app.dataframe]
    shares = next(f for f in frames if "Measure" in f.columns and "Source" in f.columns)
    row = shares.set_index("Measure").loc["Share as contract"]
    assert row["Share"] == "100.0%" and "Agreements in this app: 1 agreement" in row["Source"]
    computed = next(f for f in frames if "Computed (%)" in f.columns)
    assert "Spend table" in computed["Source"].iloc[0]


def test_monitoring_page_shows_status_and_promised_against_delivered(contract):
    app = run_page("monitoring.py", {"monitoring.agreement": "AG-0001"})
    assert not app.exception
    shown = metrics(app)
    # Journeys: 950 of 900 met, 600 of 900 missed (under the standard tier's 75%); the commitments have no returns.
    assert shown["Missed"] == "1" and shown["Met"] == "1"
    assert shown["Promised over the agreement"] == "£113,000.00"  # 3 x £24,000 + 2,000 x £14 + 52 x £250
    assert shown["Delivered"] == "£0.00"
    assert shown["Realised SROI"] == "£0.00 : £1"


def test_recording_a_return_through_the_form(contract):
    app = run_page("monitoring.py", {"monitoring.agreement": "AG-0001"})
    app.text_input(key="auth.name").input("Page Tester")
    app.selectbox(key="monitoring.measure").select_index(
        [i for i, o in enumerate(app.selectbox(key="monitoring.measure").options) if "volunteer hours" in o][0])
    app.text_input(key="monitoring.delivered").input("700")
    app.text_area(key="monitoring.evidence").input("Volunteer register, period 1")
    app.button(key="FormSubmitter:monitoring.return_form-Record the return").click().run()
    assert not app.exception
    assert "Recorded the return for period 1" in " ".join(s.value for s in app.success)
    assert metrics(app)["Delivered"] == "£9,800.00"  # 700 hours x £14


def test_a_return_with_no_evidence_is_refused_and_nothing_changes(contract, db):
    before = list(db.query("SELECT * FROM monitoring_returns"))
    app = run_page("monitoring.py", {"monitoring.agreement": "AG-0001"})
    app.text_input(key="monitoring.delivered").input("-3")
    app.button(key="FormSubmitter:monitoring.return_form-Record the return").click().run()
    assert not app.exception
    assert "negative" in " ".join(e.value for e in app.error)
    assert list(db.query("SELECT * FROM monitoring_returns")) == before


def test_a_kpi_with_no_target_is_refused(contract, db):
    app = run_page("monitoring.py", {"monitoring.agreement": "AG-0001"})
    app.text_input(key="monitoring.new_name").input("Satisfaction")
    app.button(key="FormSubmitter:monitoring.measure_form-Add").click().run()
    assert "needs a target for each period" in " ".join(e.value for e in app.error)
    assert db.execute("SELECT COUNT(*) FROM monitoring_measures WHERE name = 'Satisfaction'").fetchone()[0] == 0


def test_an_agreement_ending_before_it_starts_is_refused_on_the_page(contract, db):
    app = run_page("agreements.py", {"agreements.tab": "Add an agreement"})
    app.radio(key="agreements.add_from").set_value("A blank form").run()
    app.text_input(key="agreements.hand_provider.provider_query").input("Weaver").run()
    app.text_input(key="agreements.add.hand.title").input("Befriending grant")
    app.text_input(key="agreements.add.hand.start").input("01/04/2025")
    app.text_input(key="agreements.add.hand.end").input("31/03/2025")
    app.text_area(key="agreements.add.hand.values").input("2025/26: 10,000")
    app.button(key="FormSubmitter:agreements.add_form.hand-Save the agreement").click().run()
    assert not app.exception
    errors = " ".join(e.value for e in app.error) + " ".join(t.value for t in app.text)
    assert "before the start date" in errors
    assert db.execute("SELECT COUNT(*) FROM agreements").fetchone()[0] == 1


def test_a_new_tenders_results_show_the_bidders_delivery_record(contract, db):
    tender_records.create_tender(db, {
        "name": "Community transport 2027",
        "criteria": [{"id": "quality", "name": "Quality", "type": "quality", "weight": 60},
                     {"id": "price", "name": "Price", "type": "price", "weight": 40}],
        "bids": [{"bidder": "Weaver Valley Community Transport Ltd", "price": 100000}]}, who="Test")
    app = run_page("tender.py", {"tender.name": "Community transport 2027", "tender.tab": "Results"})
    assert not app.exception
    assert "section 23" in " ".join(i.value for i in app.info)
    summary = next(d.value for d in app.dataframe if "Periods reported" in d.value.columns)
    assert summary[["Periods reported", "Met", "Missed"]].values.tolist() == [[2, 1, 1]]
    shortfalls = next(d.value for d in app.dataframe if "Evidence" in d.value.columns and "Measure" in d.value.columns)
    assert "Journeys provided" in set(shortfalls["Measure"])


def test_a_stale_edit_is_refused_with_the_input_kept_then_saved(contract, db):
    app = run_page("agreements.py", {"agreements.tab": "Edit an agreement"})
    assert not app.exception
    # Someone else saves a change after this page was drawn.
    record = agreements.get(db, contract)
    agreements.update(db, contract, record["version"], {**agreements.form_of(record), "department": "Adults"},
                      actor=policy.local_actor("Someone Else"))
    app.text_input(key="auth.name").input("Page Tester")
    app.text_area(key="agreements.edit.AG-0001.notes").input("Variation: extra Saturday service")
    app.button(key="FormSubmitter:agreements.edit_form.AG-0001-Save changes").click().run()
    assert not app.exception
    assert "Nothing was saved" in " ".join(e.value for e in app.error)
    assert app.text_area(key="agreements.edit.AG-0001.notes").value == "Variation: extra Saturday service"
    assert agreements.get(db, contract)["notes"] == ""
    app.button(key="FormSubmitter:agreements.edit_form.AG-0001-Save changes").click().run()
    assert "Saved the changes to AG-0001." in " ".join(s.value for s in app.success)
    saved = agreements.get(db, contract)
    assert saved["notes"] == "Variation: extra Saturday service" and saved["department"] == "Adults"


def test_an_officer_confirms_a_suggested_agreement_from_imported_spend(contract, db):
    for n, (year, pence) in enumerate([("2024/25", 400_000), ("2025/26", 350_000)]):
        db["spend"].insert({"uid": f"page-{n}", "financial_year": year, "body_type": "local_government",
                            "authority": "Cheshire East Council", "district": "Cheshire East-wide",
                            "department": "Adults", "funding_type": "grant", "amount_pence": pence,
                            "recipient": "WEAVER VALLEY COMMUNITY TRANSPORT LTD", "source": "test",
                            "loaded_at": "2025-01-01"})
    app = run_page("agreements.py", {"agreements.tab": "Add an agreement"})
    app.radio(key="agreements.add_from").set_value("Imported spend").run()
    assert not app.exception
    suggestions = next(d.value for d in app.dataframe if "Paid to (as published)" in d.value.columns)
    assert suggestions[["Payments", "Paid (£)"]].values.tolist() == [[2, 7500.0]]
    assert app.text_area(key="agreements.add.spend.values").value == "2024/25: 4000.00\n2025/26: 3500.00"
    app.text_input(key="auth.name").input("Olu Officer")
    app.button(key="FormSubmitter:agreements.add_form.spend-Confirm and save the agreement").click().run()
    assert not app.exception
    assert "Saved AG-0002." in " ".join(s.value for s in app.success)
    created = agreements.get(db, agreements.by_reference(db, "AG-0002"))
    assert created["origin"] == "spend" and created["total_pence"] == 750_000
    assert db.execute("SELECT COUNT(*) FROM agreement_spend WHERE agreement_id = :id", {"id": created["id"]}).fetchone()[0] == 2
