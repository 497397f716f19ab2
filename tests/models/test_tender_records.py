"""Stored tenders: scores with reasons, moderation, locking and the audit trail."""

from __future__ import annotations

import json

import pytest

from models import tender, tender_records
from models.errors import ScenarioError
from tests.conftest import ROOT

EXAMPLE = json.loads((ROOT / "data" / "examples" / "tender_example.json").read_text())


def new_tender(db, name="Day services 2027") -> int:
    setup = {"name": name, "criteria": tender.template_criteria("Quality 60 / price 30 / social value 10"), "bids": []}
    tender_id = tender_records.create_tender(db, setup, who="Officer")
    for bidder, price in (("Alpha Trust", 100_000), ("Beta CIC", 120_000)):
        tender_records.save_bid(db, tender_id, {"bidder": bidder, "price": price, "scores": {"insurance": "pass", "safeguarding": "pass"}}, who="Officer")
    return tender_id


def test_score_moderate_and_evaluate(db):
    tender_id = new_tender(db)
    for bidder, scores in (("Alpha Trust", {"Ann": (4, 3), "Raj": (2, 3)}), ("Beta CIC", {"Ann": (5, 4), "Raj": (4, 4)})):
        for evaluator, (quality, social) in scores.items():
            tender_records.record_score(db, tender_id, bidder, "quality", evaluator=evaluator, score=quality, reason=f"{evaluator} read the method statement", who=evaluator)
            tender_records.record_score(db, tender_id, bidder, "social_value", evaluator=evaluator, score=social, reason="Local volunteers named", who=evaluator)
    table = tender_records.moderation_table(db, tender_id)
    alpha_quality = table[(table["bidder"] == "Alpha Trust") & (table["criterion"] == "quality")].iloc[0]
    assert alpha_quality["spread"] == 2 and alpha_quality["disagreement"]
    assert alpha_quality["scores"] == "Ann: 4; Raj: 2"
    assert len(tender_records.unmoderated(db, tender_id)) == 4
    with pytest.raises(ScenarioError, match="not been moderated"):
        tender.parse_scenario(tender_records.scenario_body(db, tender_id))
    for bidder, criterion, score in (("Alpha Trust", "quality", 3), ("Alpha Trust", "social_value", 3),
                                     ("Beta CIC", "quality", 5), ("Beta CIC", "social_value", 4)):
        tender_records.record_moderation(db, tender_id, bidder, criterion, score=score, reason="Agreed at the moderation meeting", who="Chair")
    assert tender_records.unmoderated(db, tender_id) == []
    evaluation = tender.evaluate(tender.parse_scenario(tender_records.scenario_body(db, tender_id)))
    # Beta: 60 x 5/5 + 30 x 100/120 + 10 x 4/5 = 60 + 25 + 8 = 93; Alpha: 36 + 30 + 6 = 72.
    assert evaluation.winner == "Beta CIC"
    assert [round(r.total, 2) for r in evaluation.results] == [93.0, 72.0]
    quality = evaluation.scenario.bids[0].scores["quality"]
    assert quality.evaluators["Ann"] == (4.0, "Ann read the method statement")


def test_criteria_lock_once_scoring_starts(db):
    tender_id = new_tender(db)
    criteria = tender.template_criteria("Quality 50 / price 40 / social value 10")
    tender_records.update_criteria(db, tender_id, criteria, who="Officer")  # before scoring: no reason needed
    assert not tender_records.get_tender(db, tender_id).locked
    tender_records.record_score(db, tender_id, "Alpha Trust", "quality", evaluator="Ann", score=3, reason="Clear staffing plan", who="Ann")
    assert tender_records.get_tender(db, tender_id).locked
    changed = tender.template_criteria("Quality 70 / price 20 / social value 10")
    with pytest.raises(ScenarioError, match="criteria are locked"):
        tender_records.update_criteria(db, tender_id, changed, who="Officer")
    tender_records.update_criteria(db, tender_id, changed, who="Officer", reason="Clarification notice 2 corrected a typo")
    entry = tender_records.audit(db, tender_id)[0]
    assert entry["action"] == "criteria changed after scoring started"
    assert entry["reason"] == "Clarification notice 2 corrected a typo" and entry["who"] == "Officer"


def test_every_score_change_is_audited(db):
    tender_id = new_tender(db)
    tender_records.record_score(db, tender_id, "Alpha Trust", "quality", evaluator="Ann", score=3, reason="Clear staffing plan", who="Ann")
    tender_records.record_score(db, tender_id, "Alpha Trust", "quality", evaluator="Ann", score=4, reason="Re-read the staffing annex", who="Ann")
    entries = [e for e in tender_records.audit(db, tender_id) if e["action"].startswith("score")]
    assert [e["action"] for e in entries] == ["score changed", "score recorded"]
    assert json.loads(entries[0]["before_json"])["score"] == 3 and json.loads(entries[0]["after_json"])["score"] == 4
    assert entries[0]["who"] == "Ann" and entries[0]["at"]
    scores = tender_records.evaluator_scores(db, tender_id)
    assert scores["score"].tolist() == [4.0]  # one row per evaluator, bid and criterion


def test_bad_scores_are_refused_and_nothing_written(db):
    tender_id = new_tender(db)
    with pytest.raises(ScenarioError, match="between 0 and 5"):
        tender_records.record_score(db, tender_id, "Alpha Trust", "quality", evaluator="Ann", score=6, reason="x", who="Ann")
    with pytest.raises(ScenarioError, match="write the reason"):
        tender_records.record_score(db, tender_id, "Alpha Trust", "quality", evaluator="Ann", score=3, reason="  ", who="Ann")
    with pytest.raises(ScenarioError, match="not scored by evaluators"):
        tender_records.record_score(db, tender_id, "Alpha Trust", "price", evaluator="Ann", score=3, reason="x", who="Ann")
    with pytest.raises(ScenarioError, match="No bid from 'Gamma'"):
        tender_records.record_score(db, tender_id, "Gamma", "quality", evaluator="Ann", score=3, reason="x", who="Ann")
    assert tender_records.evaluator_scores(db, tender_id).empty
    assert not tender_records.get_tender(db, tender_id).locked


def test_weak_reason_is_flagged(db):
    tender_id = new_tender(db)
    assert tender_records.record_score(db, tender_id, "Alpha Trust", "quality", evaluator="Ann", score=4, reason="Good", who="Ann")
    assert not tender_records.record_score(db, tender_id, "Beta CIC", "quality", evaluator="Ann", score=4, reason="Good: named staff per route", who="Ann")


def test_bid_validation_and_explanation(db):
    tender_id = new_tender(db)
    with pytest.raises(ScenarioError, match="price £0.00 must be above £0"):
        tender_records.save_bid(db, tender_id, {"bidder": "Zero Ltd", "price": 0, "scores": {"insurance": "pass", "safeguarding": "pass"}}, who="Officer")
    assert tender_records.get_tender(db, tender_id).bidders == ["Alpha Trust", "Beta CIC"]
    tender_records.record_explanation(db, tender_id, "Alpha Trust", "Premises donated by the parish", who="Officer")
    bid = tender_records.get_tender(db, tender_id).setup["bids"][0]
    assert bid["low_price_explanation"] == "Premises donated by the parish"


def test_import_round_trip_and_duplicate_name(db):
    tender_id = tender_records.import_scenario(db, EXAMPLE, who="Officer")
    body = tender_records.scenario_body(db, tender_id)
    assert tender.result_json(tender.evaluate(tender.parse_scenario(body))) == tender.result_json(tender.evaluate(tender.parse_scenario(EXAMPLE)))
    with pytest.raises(ScenarioError, match="already exists"):
        tender_records.import_scenario(db, EXAMPLE, who="Officer")
    assert len(tender_records.list_tenders(db)) == 1  # the failed import left nothing behind


def test_tender_still_being_scored_round_trips(db):
    tender_id = new_tender(db, "Part scored")
    tender_records.record_score(db, tender_id, "Alpha Trust", "quality", evaluator="Ann", score=3, reason="Clear staffing plan", who="Ann")
    saved = tender_records.scenario_body(db, tender_id)
    with pytest.raises(ScenarioError, match="not been moderated"):
        tender.parse_scenario(saved)  # cannot be evaluated yet...
    copy_id = tender_records.import_scenario(db, saved, who="Officer", name="Part scored (copy)")  # ...but loads
    copy = tender_records.evaluator_scores(db, copy_id)
    assert copy[["bidder", "criterion", "evaluator", "score", "reason"]].values.tolist() == [["Alpha Trust", "quality", "Ann", 3.0, "Clear staffing plan"]]
    assert tender_records.moderations(db, copy_id).empty
    assert tender_records.get_tender(db, copy_id).locked


def test_stale_saves_are_refused_saying_what_changed(db):
    from models import policy
    from models.errors import StaleEdit

    tender_id = new_tender(db)
    opened = tender_records.get_tender(db, tender_id)
    assert opened.version == 1 and opened.bid_versions == {"Alpha Trust": 1, "Beta CIC": 1}
    chair, officer = policy.local_actor("Chair"), policy.local_actor("Officer")
    tender_records.record_moderation(db, tender_id, "Alpha Trust", "quality", score=3, reason="Agreed", actor=chair, expected_version=0)
    with pytest.raises(StaleEdit, match="was saved by Chair at .* Nothing was saved.*score is now 3.0") as refused:
        tender_records.record_moderation(db, tender_id, "Alpha Trust", "quality", score=4, reason="Mine", actor=officer, expected_version=0)
    assert refused.value.current["score"] == 3.0 and refused.value.current["version"] == 1
    tender_records.record_moderation(db, tender_id, "Alpha Trust", "quality", score=4, reason="Mine", actor=officer, expected_version=1)
    assert tender_records.moderations(db, tender_id)["version"].tolist() == [2]

    tender_records.save_bid(db, tender_id, {"bidder": "Alpha Trust", "price": 95_000, "scores": {"insurance": "pass", "safeguarding": "pass"}},
                            actor=officer, expected_version=1)
    with pytest.raises(StaleEdit, match="The bid from Alpha Trust was changed by Officer"):
        tender_records.save_bid(db, tender_id, {"bidder": "Alpha Trust", "price": 97_000, "scores": {"insurance": "pass", "safeguarding": "pass"}},
                                actor=chair, expected_version=1)
    assert tender_records.get_tender(db, tender_id).setup["bids"][0]["price"] == 95_000

    criteria = tender.template_criteria("Quality 50 / price 40 / social value 10")
    tender_records.update_criteria(db, tender_id, criteria, actor=officer, reason="typo", expected_version=1)
    with pytest.raises(StaleEdit, match="set-up of tender 'Day services 2027' was changed by Officer"):
        tender_records.update_criteria(db, tender_id, tender.template_criteria("Quality 60 / price 30 / social value 10"),
                                       actor=chair, reason="mine", expected_version=1)


def test_bids_move_out_of_the_set_up_document(empty_database, monkeypatch):
    """Migration 060 turns each bid of a tender stored the old way (inside its set-up
    JSON) into a row, its explanation into another, and keeps every other field."""
    from models import migrations, store

    every = store.migration_files
    monkeypatch.setattr(store, "migration_files", lambda dialect="sqlite": [f for f in every(dialect) if f.name < "060"])
    with store.opened(empty_database) as database:
        migrations.migrate(database)
        setup = {"name": "Old tender", "criteria": tender.template_criteria("Quality 60 / price 30 / social value 10"),
                 "bids": [{"bidder": "Alpha Trust", "price": 100_000, "scores": {"insurance": "pass", "safeguarding": "pass"},
                           "low_price_explanation": "Donated premises"},
                          {"bidder": "Beta CIC", "price": 120_000, "scores": {"insurance": "pass", "safeguarding": "fail"}}]}
        database["tenders"].insert({"name": "Old tender", "setup_json": json.dumps(setup), "created_at": "2026-01-01T00:00:00+00:00",
                                    "created_by": "Officer", "updated_at": "2026-01-02T00:00:00+00:00"})
        monkeypatch.undo()
        assert "060_tender_rows.sql" in migrations.migrate(database)
        record = tender_records.list_tenders(database)[0]
        assert record.setup == setup and record.version == 1
        assert record.bid_versions == {"Alpha Trust": 1, "Beta CIC": 1} and record.explanation_versions == {"Alpha Trust": 1}
        assert "bids" not in json.loads(database.execute("SELECT setup_json FROM tenders").fetchone()[0])
