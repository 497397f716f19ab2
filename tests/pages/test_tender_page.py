"""The tender page through Streamlit's AppTest: start a tender, score, moderate, results."""

from __future__ import annotations

import json

from models import store, tender, tender_records
from tests.conftest import ROOT
from tests.pages.conftest import chart_specs, run_page

EXAMPLE = json.loads((ROOT / "data" / "examples" / "tender_example.json").read_text())


def texts(app) -> str:
    parts = [m.value for m in app.markdown] + [e.value for e in app.success] + [e.value for e in app.info]
    parts += [e.value for e in app.warning] + [e.value for e in app.error]
    return "\n".join(str(p) for p in parts)


def table_with(app, column: str):
    """The first table on the page with ``column`` (AppTest does not keep dataframe keys)."""
    return next(d.value for d in app.dataframe if column in d.value.columns)


def test_new_tender_from_template(db_path):
    app = run_page("tender.py")
    assert not app.exception
    app.text_input(key="auth.name").input("Sam Patel")
    app.text_input(key="tender.new_name").input("Befriending service 2027")
    app.selectbox(key="tender.template").select("Quality 50 / price 40 / social value 10")
    app.button(key="FormSubmitter:tender.new_form-Create tender").click()
    app.run()
    assert not app.exception, app.exception
    with store.opened(db_path) as db:
        [record] = tender_records.list_tenders(db)
    assert record.name == "Befriending service 2027"
    assert [c["weight"] for c in record.setup["criteria"][:3]] == [50, 40, 10]
    assert app.selectbox(key="tender.name").value == "Befriending service 2027"
    assert "Publication check" in texts(app)


def test_example_results_and_flags(db_path):
    with store.opened(db_path) as db:
        tender_records.import_scenario(db, EXAMPLE, who="Test")
    app = run_page("tender.py", {"tender.name": EXAMPLE["name"], "tender.tab": "Results"})
    assert not app.exception, app.exception
    shown = texts(app)
    assert "Fictional worked example" in shown
    assert "Most advantageous tender: **Weaver Valley Community Transport (fictional)**" in shown
    assert "19.4% below the mean of the other bids" in shown  # abnormally low price, explanation asked for
    assert any(t.label.startswith("Northway Logistics Ltd (fictional)'s explanation") for t in app.text_area)
    ranking = table_with(app, "Status")
    # By hand (see tests/models/test_tender.py): Weaver 40 + 8 + 30x139/180 + 10 = 81.17;
    # Dane Ride 40 + 6 + 30x139/165 + 10x97/113 = 79.86; Northway 30 + 4 + 30 + 10x30.5/113 = 66.70.
    assert ranking["Total"].tolist() == ["81.17", "79.86", "66.70", ""]
    assert ranking["Price (£)"].iloc[0] == "£180,000.00"
    assert ranking["Status"].iloc[3].startswith("Disqualified: failed the pass/fail gate 'Safeguarding'")
    tipping = table_with(app, "Where the winner changes")
    assert tipping.loc[tipping["Criterion"] == "Price", "Where the winner changes"].iloc[0] == "Above 41.01% Dane Ride CIC (fictional) wins"


def test_sensitivity_lines_have_a_legend(db_path):
    """Each bidder's line is named in a legend below the chart (colour and dash together):
    with the dash's legend switched off, Vega-Lite drew no legend and the lines were anonymous."""
    with store.opened(db_path) as db:
        tender_records.import_scenario(db, EXAMPLE, who="Test")
    app = run_page("tender.py", {"tender.name": EXAMPLE["name"], "tender.tab": "Results"})
    assert not app.exception, app.exception
    (spec,) = [s for s in chart_specs(app) if "Total points as the weight of" in " ".join(s["title"]["text"])]
    lines = spec["layer"][0]["encoding"]
    for channel in ("color", "strokeDash"):
        assert lines[channel]["field"] == "Bidder" and lines[channel]["legend"]["orient"] == "bottom"


def test_explanation_is_recorded(db_path):
    with store.opened(db_path) as db:
        tender_id = tender_records.import_scenario(db, EXAMPLE, who="Test")
    app = run_page("tender.py", {"tender.name": EXAMPLE["name"], "tender.tab": "Results"})
    app.text_input(key="auth.name").input("Sam Patel")
    bidder = "Northway Logistics Ltd (fictional)"
    app.text_area(key=f"tender.explanation.{bidder}").input("Fleet already owned; drivers salaried through another contract.")
    app.button(key=f"FormSubmitter:tender.explanation_form.{bidder}-Record the explanation").click()
    app.run()
    assert not app.exception
    with store.opened(db_path) as db:
        body = tender_records.scenario_body(db, tender_id)
        entry = tender_records.audit(db, tender_id)[0]
    flag = tender.evaluate(tender.parse_scenario(body)).flags[0]
    assert flag["explanation"].startswith("Fleet already owned") and not flag["needs_action"]
    assert entry["who"] == "Sam Patel" and entry["action"] == "low price explanation recorded"


def test_score_and_moderate_through_the_page(db_path):
    with store.opened(db_path) as db:
        tender_id = tender_records.create_tender(db, {"name": "Page scoring", "criteria": tender.template_criteria(
            "Quality 60 / price 30 / social value 10"), "bids": []}, who="Officer")
        for bidder, price in (("Alpha Trust", 100_000), ("Beta CIC", 120_000)):
            tender_records.save_bid(db, tender_id, {"bidder": bidder, "price": price, "scores": {"insurance": "pass", "safeguarding": "pass"}}, who="Officer")
    app = run_page("tender.py", {"tender.name": "Page scoring", "tender.tab": "Score"})
    app.text_input(key="auth.name").input("Ann")
    app.run()
    app.selectbox(key="tender.score_bidder").select("Alpha Trust")
    app.run()
    app.selectbox(key="tender.score.0.quality").select(4.0)
    app.text_area(key="tender.reason.0.quality").input("Good")
    app.selectbox(key="tender.score.0.social_value").select(2.0)
    app.text_area(key="tender.reason.0.social_value").input("Two local apprenticeships, no volunteering plan")
    app.button(key="FormSubmitter:tender.score_form.0-Save my scores").click()
    app.run()
    assert not app.exception, app.exception
    assert "only repeats the descriptor" in texts(app)
    assert "the criteria are locked" in texts(app)
    with store.opened(db_path) as db:
        scores = tender_records.evaluator_scores(db, tender_id)
    assert sorted(zip(scores["criterion"], scores["score"], scores["evaluator"])) == [("quality", 4.0, "Ann"), ("social_value", 2.0, "Ann")]

    assert app.tabs[0].label == "Set up"
    app.query_params["tender.tab"] = "Moderate"
    app.run()
    app.selectbox(key="tender.moderate_pair").select(("Alpha Trust", "quality"))
    app.run()
    app.selectbox(key="tender.moderate_score.0").select(3.0)
    app.text_area(key="tender.moderate_reason").input("Acceptable.")
    app.button(key="FormSubmitter:tender.moderate_form-Record agreed score").click()
    app.run()
    assert not app.exception
    with store.opened(db_path) as db:
        agreed = tender_records.moderations(db, tender_id)
    assert agreed[["bidder", "criterion", "score"]].values.tolist() == [["Alpha Trust", "quality", 3.0]]
    assert "the reason only repeats the descriptor" in texts(app)
    view = table_with(app, "Agreed reason")
    assert view.loc[view["Criterion"] == "Quality", "Flag"].tolist() == ["Reason only repeats the descriptor", ""]
    app.query_params["tender.tab"] = "Results"
    app.run()
    assert "3 scores still need an agreed" in texts(app)
