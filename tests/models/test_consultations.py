"""The consultation log: validation (refused with nothing changed), versioned and audited
edits, links to tenders and action-plan rows, and the Compact dashboard's figures, worked
by hand from the records made here."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from models import compact, consultations, policy, self_assessment, tender_records, versioned
from models.errors import DomainError, StaleEdit

D = dt.date
TODAY = D(2026, 12, 1)
ACTOR = policy.local_actor("Test officer")


def form(**changes) -> dict:
    base = {
        "subject": "Day opportunities for older people", "service": "Older people", "department": "Adult Social Care",
        "start_date": "2026-01-05", "end_date": "2026-04-10", "method": "Online",
        "invited_orgs": ["DEMO-0001", "DEMO-0002"], "invited_groups": "Carers in Crewe",
        "took_part_orgs": ["DEMO-0001"], "took_part_groups": [],
    }
    return {**base, **changes}


def snapshot(db) -> str:
    tables = ["consultations", "consultation_participants", "consultation_tenders", "consultation_actions",
              "compact_funding", "audit_log"]
    return json.dumps({t: list(db.query(f"SELECT * FROM {t}")) for t in tables}, default=str, sort_keys=True)


def test_log_a_consultation_with_participants_and_links(db):
    cid = consultations.create(db, form(actions=["CON-C5"]), actor=ACTOR, today=TODAY)
    record = consultations.get(db, cid)
    assert record["invited_orgs"] == ["DEMO-0001", "DEMO-0002"]
    assert record["invited_groups"] == ["Carers in Crewe"]
    assert record["took_part_orgs"] == ["DEMO-0001"]
    assert record["actions"] == ["CON-C5"]
    assert record["version"] == 1
    row = consultations.list_consultations(db).iloc[0]
    assert (row["invited"], row["took_part"], row["providers_took_part"]) == (3, 1, 1)
    assert consultations.status(record, TODAY) == consultations.FEEDBACK_DUE
    assert consultations.status(record, D(2026, 1, 4)) == consultations.PLANNED
    assert consultations.status(record, D(2026, 4, 10)) == consultations.OPEN
    assert versioned.audit_entries(db, "consultation", cid)[0]["who"] == "Test officer"


@pytest.mark.parametrize("changes, message", [
    ({"end_date": "2026-01-04"}, "End date: 4 January 2026 is before the start date 5 January 2026"),
    ({"feedback_published_on": "2026-04-09", "feedback_text": "You said"},
     "Feedback published on: 9 April 2026 is before the consultation ends (10 April 2026)"),
    ({"end_date": "2026-03-26"}, "open 59 working days, shorter than the Compact.s 12 weeks"),
    ({"method": "Carrier pigeon"}, "Method: choose one of"),
    ({"invited_orgs": ["GB-CHC-0000000"]}, "GB-CHC-0000000 not in the directory"),
    ({"actions": ["CON-C99"]}, "no action CON-C99"),
    ({"responses": "-3"}, "Responses: '-3' should be a whole number"),
    ({"feedback_published_on": "2027-01-01", "feedback_text": "x"}, "is in the future"),
])
def test_bad_input_is_refused_and_changes_nothing(db, changes, message):
    before = snapshot(db)
    with pytest.raises(DomainError, match=message.replace("(", r"\(").replace(")", r"\)")):
        consultations.create(db, form(**changes), actor=ACTOR, today=TODAY)
    assert snapshot(db) == before


def test_bad_edit_is_refused_and_changes_nothing(db):
    cid = consultations.create(db, form(), actor=ACTOR, today=TODAY)
    before = snapshot(db)
    with pytest.raises(DomainError, match="before the consultation ends"):
        consultations.update(db, cid, {"feedback_published_on": "2026-03-01", "feedback_text": "We did"},
                             expected_version=1, actor=ACTOR, today=TODAY)
    with pytest.raises(DomainError, match="before the start date"):
        consultations.update(db, cid, {"end_date": "2025-12-01"}, expected_version=1, actor=ACTOR, today=TODAY)
    assert snapshot(db) == before


def test_edits_are_versioned_audited_and_stale_saves_refused(db):
    cid = consultations.create(db, form(), actor=ACTOR, today=TODAY)
    saved = consultations.update(db, cid, {"responses": 23, "feedback_published_on": "2026-05-01",
                                           "feedback_text": "You said more evening sessions; we added two.",
                                           "took_part_groups": ["Carers in Crewe"]},
                                 expected_version=1, actor=ACTOR, today=TODAY)
    assert saved["version"] == 2 and saved["responses"] == 23
    assert saved["took_part_groups"] == ["Carers in Crewe"]
    before = snapshot(db)
    other = policy.local_actor("Someone else")
    with pytest.raises(StaleEdit, match="your version 1, now version 2") as caught:
        consultations.update(db, cid, {"responses": 30}, expected_version=1, actor=other, today=TODAY)
    assert caught.value.current["responses"] == 23
    assert snapshot(db) == before
    trail = consultations.audit_trail(db, cid)
    assert "Responses: (empty) → 23" in trail["Change"].iloc[1] or "Responses: (empty) → 23" in " ".join(trail["Change"])
    assert "Groups that took part: (empty) → Carers in Crewe" in " ".join(trail["Change"])


def test_a_viewer_may_not_log_a_consultation(db):
    viewer = policy.Actor(subject="x", name="Viewer", roles=frozenset({policy.VIEWER}))
    before = snapshot(db)
    with pytest.raises(policy.PermissionRefused):
        consultations.create(db, form(), actor=viewer, today=TODAY)
    assert snapshot(db) == before


def _tender(db, name: str) -> int:
    setup = {"name": name, "fictional": True, "criteria": [
        {"id": "quality", "name": "Quality", "type": "quality", "weight": 60, "max_score": 5},
        {"id": "price", "name": "Price", "type": "price", "weight": 40, "method": "lowest_price_ratio"}], "bids": []}
    return tender_records.create_tender(db, setup, who="Test")


def test_dashboard_figures_worked_by_hand(db):
    # Two departments. Adult Social Care: consultation A 5 Jan-10 Apr 2026 (68 working days:
    # meets 60), feedback 1 May 2026 (within 60 working days of 10 Apr: meets), informs tender
    # T1 whose notice is Tue 12 May 2026 (working days after 10 Apr to 12 May: 13-17 Apr 5,
    # 20-24 Apr 10, 27 Apr-1 May 15, 5-8 May 19 (4 May holiday), 11-12 May 21 >= 20: met).
    # Children's Services: consultation B Mon 9 Feb-Fri 1 May 2026 (58 working days, shorter,
    # reason given: not met), no feedback by 1 Dec 2026 (due by 28 Jul 2026, the 60th working
    # day after 1 May with 4 and 25 May bank holidays skipped: late, not met).
    # Tender T2 has no consultation linked: not met.
    t1 = _tender(db, "Day opportunities")
    _tender(db, "Youth clubs")  # T2: no consultation linked
    a = consultations.create(db, form(tenders=[{"tender_id": t1, "tender_notice_on": "2026-05-12"}],
                                      decision_kind="Tender"), actor=ACTOR, today=TODAY)
    consultations.update(db, a, {"feedback_published_on": "2026-05-01", "feedback_text": "We did"},
                         expected_version=1, actor=ACTOR, today=TODAY)
    consultations.create(db, form(subject="Youth provision", department="Children's Services", start_date="2026-02-09",
                                  end_date="2026-05-01", shorter_reason="Grant deadline set by the funder"),
                         actor=ACTOR, today=TODAY)
    # Funding: £30,000 over 1 Apr 2026-31 Mar 2028 at full cost, ends 31 Mar 2028, notice
    # not yet due (by 31 Dec 2027); £10,000 for 1 Apr 2026-31 Mar 2027 not at full cost, cut
    # on 1 Oct 2026 with notice on 1 Aug 2026 (due by 1 Jul 2026: short notice).
    compact.save_funding(db, {"provider": "Crewe Carers", "department": "Adult Social Care", "start_date": "2026-04-01",
                              "end_date": "2028-03-31", "value": "30,000", "full_cost": True, "change": "ends",
                              "change_on": "2028-03-31"}, actor=ACTOR)
    compact.save_funding(db, {"provider": "Youth Hub", "department": "Children's Services", "start_date": "2026-04-01",
                              "end_date": "2027-03-31", "value": "£10,000.00", "full_cost": False, "change": "cut",
                              "change_on": "2026-10-01", "notice_given_on": "2026-08-01"}, actor=ACTOR)

    results = compact.assess(db, today=TODAY)
    overall = compact.overall(results).set_index("Check")
    assert overall.loc["Consultation length", ["Judged", "Met", "% met"]].tolist() == [2, 1, 50.0]
    assert overall.loc["Feedback published", ["Judged", "Met", "% met"]].tolist() == [2, 1, 50.0]
    assert overall.loc["Providers consulted before a tender notice", ["Judged", "Met", "% met"]].tolist() == [2, 1, 50.0]
    assert overall.loc["Notice before funding ends or is cut", ["Judged", "Met", "Not yet due", "% met"]].tolist() == [1, 0, 1, 0.0]
    assert overall.loc["Share of funding in multi-year agreements", "% met"] == 75.0
    assert overall.loc["Share of funding at full cost", "% met"] == 75.0

    by_department = compact.summarise(results, "department").set_index(["Check", "Department"])
    assert by_department.loc[("Consultation length", "Adult Social Care"), "% met"] == 100.0
    assert by_department.loc[("Consultation length", "Children's Services"), "% met"] == 0.0
    late = results[(results["check_id"] == "feedback_within") & (results["department"] == "Children's Services")]
    assert late["status"].iloc[0] == "Not published; was due by 28 July 2026"
    assert "Tender 2: Youth clubs" in set(results.loc[results["meets"] == False, "record"])  # noqa: E712

    # Self-assessed P2 at 50% of maximum (scores 2, 2 and 2 for P2, Q3, Q8), service named
    # as the department: the comparison puts the measured 100% beside it (+50 points).
    answers = [self_assessment.Answer(i, score=2) for i in ("P2", "Q3", "Q8")]
    self_assessment.save_assessment(db, name="ASC 2026", assessed_on="2026-06-30", answers=answers, who="Test",
                                    service="Adult Social Care")
    beside = compact.measured_beside_assessed(results, compact.self_assessed(db), "department").set_index(
        ["Check", "Department"])
    row = beside.loc[("Consultation length", "Adult Social Care")]
    assert (row["Measured (% met)"], row["Self-assessed (% of maximum)"], row["Difference (points)"]) == (100.0, 50.0, 50.0)
    over_time = compact.measured_beside_assessed(results, compact.self_assessed(db), "period").set_index(
        ["Check", "Financial year"])
    assert over_time.loc[("Consultation length", "2026/27"), "Self-assessed (% of maximum)"] == 50.0
