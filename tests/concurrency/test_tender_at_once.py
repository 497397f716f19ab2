"""Twenty sessions writing to one tender at the same moment (issue 11): no bid,
explanation, score or agreed score is lost, the audit log has one row per stored change,
a save based on what someone else has since replaced is refused, nothing raises."""

from __future__ import annotations

import json

from models import policy, tender, tender_records
from tests.concurrency.harness import PROCESSES, at_once, audit_count, not_saved, unhandled

GATES = {"insurance": "pass", "safeguarding": "pass"}


def _tender(db, bidders=("Alpha Trust", "Beta CIC")) -> int:
    setup = {"name": "Day services 2027", "criteria": tender.template_criteria("Quality 60 / price 30 / social value 10"),
             "bids": [{"bidder": b, "price": 100_000 + 1_000 * i, "scores": GATES} for i, b in enumerate(bidders)]}
    return tender_records.create_tender(db, setup, actor=policy.local_actor("Officer"))


def add_bid(db, tender_id, bidder):
    tender_records.save_bid(db, tender_id, {"bidder": bidder, "price": 90_000, "scores": GATES},
                            actor=policy.local_actor(f"Officer {bidder}"), expected_version=0)


def explain(db, tender_id, bidder):
    tender_records.record_explanation(db, tender_id, bidder, f"{bidder}: premises donated",
                                      actor=policy.local_actor("Officer"), expected_version=0)


def score(db, tender_id, evaluator):
    tender_records.record_score(db, tender_id, "Alpha Trust", "quality", evaluator=evaluator, score=3,
                                reason=f"{evaluator}: clear staffing plan", actor=policy.local_actor(evaluator),
                                expected_version=0)


def moderate(db, tender_id, person, value, expected):
    tender_records.record_moderation(db, tender_id, "Alpha Trust", "quality", score=value,
                                     reason=f"{person}: agreed at the meeting", actor=policy.local_actor(person),
                                     expected_version=expected)


def test_twenty_bids_added_at_once_are_all_kept(db_path, db):
    tender_id = _tender(db, bidders=())
    outcomes = at_once(db_path, add_bid, [(tender_id, f"Bidder {i:02d}") for i in range(PROCESSES)])
    assert unhandled(outcomes) == []
    assert [(o.status, o.kind, o.error) for o in outcomes] == [("saved", "", "")] * PROCESSES
    assert sorted(tender_records.get_tender(db, tender_id).bidders) == [f"Bidder {i:02d}" for i in range(PROCESSES)]
    assert audit_count(db, "tender", "bid added", tender_id) == PROCESSES


def test_same_new_bidder_twice_is_refused_not_overwritten(db_path, db):
    tender_id = _tender(db, bidders=())
    outcomes = at_once(db_path, add_bid, [(tender_id, "Gamma Ltd")] * PROCESSES)
    assert unhandled(outcomes) == []
    assert sum(o.status == "saved" for o in outcomes) == 1
    refused = [o for o in outcomes if o.status == "refused"]
    assert len(refused) == PROCESSES - 1 and {o.kind for o in refused} == {"StaleEdit"}
    assert "was saved by Officer Gamma Ltd" in refused[0].error and "Nothing was saved" in refused[0].error
    assert audit_count(db, "tender", "bid added", tender_id) == 1


def test_explanations_for_every_bidder_at_once(db_path, db):
    bidders = [f"Bidder {i:02d}" for i in range(PROCESSES)]
    tender_id = _tender(db, bidders=bidders)
    outcomes = at_once(db_path, explain, [(tender_id, b) for b in bidders])
    assert not_saved(outcomes) == []
    bids = tender_records.get_tender(db, tender_id).setup["bids"]
    assert [b["low_price_explanation"] for b in bids] == [f"{b}: premises donated" for b in bidders]
    assert audit_count(db, "tender", "low price explanation recorded", tender_id) == PROCESSES


def test_twenty_evaluators_score_one_cell_at_once(db_path, db):
    tender_id = _tender(db)
    outcomes = at_once(db_path, score, [(tender_id, f"Evaluator {i:02d}") for i in range(PROCESSES)])
    assert not_saved(outcomes) == []
    assert len(tender_records.evaluator_scores(db, tender_id)) == PROCESSES
    assert audit_count(db, "tender", "score recorded", tender_id) == PROCESSES
    assert audit_count(db, "tender", "criteria locked (scoring started)", tender_id) == 1


def test_twenty_people_moderating_one_cell(db_path, db):
    tender_id = _tender(db)
    # All twenty opened the cell before anyone agreed a score (version 0): one is saved,
    # nineteen are told someone agreed a score meanwhile; none is silently overwritten.
    outcomes = at_once(db_path, moderate, [(tender_id, f"Chair {i:02d}", i % 6, 0) for i in range(PROCESSES)])
    assert unhandled(outcomes) == []
    saved = [o for o in outcomes if o.status == "saved"]
    assert len(saved) == 1
    assert {o.kind for o in outcomes if o.status == "refused"} == {"StaleEdit"}
    stored = tender_records.moderations(db, tender_id).iloc[0]
    assert stored["score"] == saved[0].index % 6 and stored["version"] == 1
    assert audit_count(db, "tender", "moderated score agreed", tender_id) == 1
    assert audit_count(db, "tender", "moderated score changed", tender_id) == 0

    # Then all twenty change it from version 1 at once: again one wins, and the audit's
    # "before" is the score that was really replaced.
    first = int(stored["score"])
    outcomes = at_once(db_path, moderate, [(tender_id, f"Chair {i:02d}", (first + 1 + i % 5) % 6, 1) for i in range(PROCESSES)])
    assert unhandled(outcomes) == []
    assert sum(o.status == "saved" for o in outcomes) == 1
    changes = [e for e in tender_records.audit(db, tender_id) if e["action"] == "moderated score changed"]
    now = tender_records.moderations(db, tender_id).iloc[0]
    assert len(changes) == 1 and now["version"] == 2
    for entry in changes:
        assert json.loads(entry["before_json"])["score"] == stored["score"]
