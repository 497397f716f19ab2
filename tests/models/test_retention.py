"""Retention: audit entries and bid records past the period are listed (dry run), then
removed or anonymised; the removal is audited without the personal data it removed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from models import organisations, policy, retention, store, tender, tender_access, tender_records, versioned
from models.errors import DomainError
from tests.conftest import database_fingerprint

TODAY = dt.date(2026, 12, 1)  # cut-off at 7 years: 1 December 2019
OLD = "2015-03-02T10:00:00+00:00"
ADMIN = policy.Actor(subject="sub-boss", name="Boss", email="boss@council.example", roles=frozenset({policy.ADMIN}),
                     signed_in=True)
ANN = policy.Actor(subject="sub-ann", name="Ann Evans", email="ann@council.example",
                   roles=frozenset({policy.OFFICER}), signed_in=True)


def scored_tender(db, name: str) -> int:
    """A tender with two bids, two evaluators (Ann Evans declares a conflict, managed), scores."""
    setup = {"name": name, "criteria": tender.template_criteria("Quality 60 / price 30 / social value 10"), "bids": []}
    officer = policy.local_actor("Officer Olu")
    tender_id = tender_records.create_tender(db, setup, actor=officer)
    for bidder, price in (("Alpha Trust", 100_000), ("Beta CIC", 120_000)):
        tender_records.save_bid(db, tender_id, {"bidder": bidder, "price": price,
                                                "scores": {"insurance": "pass", "safeguarding": "pass"}}, actor=officer)
    for evaluator in ("Raj Patel", "Ann Evans"):
        tender_access.assign(db, tender_id, evaluator, actor=officer)
    tender_access.declare(db, tender_id, has_conflict=True, details="My sister chairs Beta CIC",
                          actor=policy.local_actor("Ann Evans"))
    tender_access.manage_conflict(db, tender_id, "Ann Evans", "Ann Evans does not score Beta CIC", actor=officer)
    tender_access.declare(db, tender_id, has_conflict=False, details="", actor=policy.local_actor("Raj Patel"))
    for evaluator, bidder, score in (("Raj Patel", "Alpha Trust", 3), ("Raj Patel", "Beta CIC", 4), ("Ann Evans", "Alpha Trust", 5)):
        tender_records.record_score(db, tender_id, bidder, "quality", evaluator=evaluator, score=score,
                                    reason="Method statement read", actor=policy.local_actor(evaluator))
    return tender_id


def backdate(db, tender_id: int, when: str = OLD) -> None:
    """Make every time a tender's records carry ``when`` (as if they were written then)."""
    with store.transaction(db):
        for table, columns in retention.TENDER_TIMES:
            key = "id" if table == "tenders" else "tender_id"
            for column in columns:
                db.execute(f"UPDATE {table} SET {column} = :when WHERE {key} = :tender_id AND {column} IS NOT NULL",
                           {"when": when, "tender_id": tender_id})
        db.execute("UPDATE audit_log SET at = :when WHERE entity IN ('tender', 'tender conflict') "
                   "AND (entity_id = :tender_id OR entity_id LIKE :conflicts)",
                   {"when": when, "tender_id": str(tender_id), "conflicts": f"{tender_id}/%"})


@pytest.fixture
def two_tenders(db):
    """An old tender (every record from March 2015), a recent one, an organisation edited in
    2015 by a signed-in person (subject and email in the audit log) and one edited now."""
    old = scored_tender(db, "Day services 2015")
    backdate(db, old)
    recent = scored_tender(db, "Day services 2026")
    for org_id in ("DEMO-0001", "DEMO-0002"):
        versioned.record_audit(db, entity=organisations.AUDIT_ENTITY, entity_id=org_id, action="updated", who=ANN.label,
                           before={"staff": 2}, after={"staff": 3}, reason="new accounts")
    with store.transaction(db):
        db.execute("UPDATE audit_log SET at = :at WHERE entity_id = 'DEMO-0001'", {"at": OLD})
    return db, old, recent


def test_period_setting_and_cutoff(monkeypatch):
    monkeypatch.delenv(retention.RETENTION_ENV_VAR, raising=False)
    assert retention.retention_years() == 7
    monkeypatch.setenv(retention.RETENTION_ENV_VAR, "10")
    assert retention.retention_years() == 10
    assert retention.retention_years(3) == 3
    for bad in ("seven", "0", "101"):
        monkeypatch.setenv(retention.RETENTION_ENV_VAR, bad)
        with pytest.raises(DomainError, match="DASHBOARD_RETENTION_YEARS"):
            retention.retention_years()
    assert retention.cutoff(dt.date(2026, 12, 1), 7) == dt.date(2019, 12, 1)
    assert retention.cutoff(dt.date(2028, 2, 29), 7) == dt.date(2021, 2, 28)


def test_dry_run_lists_what_is_past_the_period_and_changes_nothing(two_tenders, db_path):
    db, old, recent = two_tenders
    before = database_fingerprint(db_path)
    found = retention.plan(db, years=7, today=TODAY)
    assert found.cutoff == dt.date(2019, 12, 1)
    assert [t["id"] for t in found.tenders] == [old]
    records = {(r["entity"], r["entity_id"]): r["entries"] for r in found.audit_records}
    # The old tender: created, 2 bids, 2 assignments, 2 declarations, 1 conflict managed (its own
    # entity), the criteria locked by the first score, 3 scores; the organisation: 1 edit.
    assert records[("organisation", "DEMO-0001")] == 1
    assert ("tender", str(recent)) not in records and ("organisation", "DEMO-0002") not in records
    assert found.audit_entries == sum(records.values())
    assert database_fingerprint(db_path) == before
    # 30 years: nothing is that old.
    assert retention.plan(db, years=30, today=TODAY).empty


def test_apply_anonymises_old_tenders_removes_old_audit_and_audits_itself(two_tenders):
    db, old, recent = two_tenders
    found = retention.plan(db, years=7, today=TODAY)
    with pytest.raises(policy.PermissionRefused):
        retention.apply(db, actor=ANN, years=7, today=TODAY)
    done = retention.apply(db, actor=ADMIN, years=7, today=TODAY)
    assert done.audit_entries == found.audit_entries and [t["id"] for t in done.tenders] == [old]

    # Evaluators numbered in name order (Ann Evans 1, Raj Patel 2) the same in every table.
    scores = {(r[0], r[1]) for r in db.execute("SELECT evaluator, bidder FROM tender_scores WHERE tender_id = :old", {"old": old})}
    assert scores == {("Evaluator 2", "Alpha Trust"), ("Evaluator 2", "Beta CIC"), ("Evaluator 1", "Alpha Trust")}
    assert {r[0] for r in db.execute("SELECT evaluator FROM tender_assignments WHERE tender_id = :old", {"old": old})} == {"Evaluator 1", "Evaluator 2"}
    declaration = db.execute("SELECT evaluator, details, managed_how, managed_by, declared_by FROM tender_declarations "
                             "WHERE tender_id = :old AND has_conflict = 1", {"old": old}).fetchone()
    assert declaration == ("Evaluator 1", "", "removed under the retention period", "anonymised", "anonymised")
    assert db.execute("SELECT created_by, updated_by FROM tenders WHERE id = :old", {"old": old}).fetchone() == ("anonymised", "anonymised")
    # Scores, reasons and prices are kept: the evaluation still gives the same figures.
    assert db.execute("SELECT COUNT(*) FROM tender_scores WHERE tender_id = :old AND reason = 'Method statement read'", {"old": old}).fetchone()[0] == 3
    assert db.execute("SELECT COUNT(*) FROM tender_bids WHERE tender_id = :old", {"old": old}).fetchone()[0] == 2

    # Nothing of the old records' personal data is left anywhere in the old tender or the log.
    old_rows = json.dumps([list(r) for table in retention.TENDER_PEOPLE
                           for r in db.execute(f"SELECT * FROM {table} WHERE {'id' if table == 'tenders' else 'tender_id'} = :old",
                                              {"old": old})])
    log = json.dumps([list(r) for r in db.execute("SELECT * FROM audit_log")])
    for personal in ("Ann Evans", "Raj Patel", "Officer Olu", "sister"):
        assert personal not in old_rows
    assert "ann@council.example" in log  # DEMO-0002's recent edit keeps its identity
    assert db.execute("SELECT COUNT(*) FROM audit_log WHERE entity_id = 'DEMO-0001'").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM audit_log WHERE entity = 'tender' AND entity_id = :old", {"old": str(old)}).fetchone()[0] == 0

    # The recent tender is untouched.
    assert {r[0] for r in db.execute("SELECT evaluator FROM tender_scores WHERE tender_id = :recent", {"recent": recent})} == {"Raj Patel", "Ann Evans"}

    # The removal is one audit entry, by the administrator, with counts and ids only.
    entry = versioned.audit_entries(db, retention.ENTITY)
    assert len(entry) == 1 and entry[0]["email"] == "boss@council.example"
    after = json.loads(entry[0]["after_json"]) if isinstance(entry[0]["after_json"], str) else entry[0]["after"]
    assert after["audit_entries_removed"] == found.audit_entries and after["tenders_anonymised"] == [old]
    assert after["last_changed_before"] == "2019-12-01"
    text = json.dumps(entry[0], default=str)
    for personal in ("Ann", "Raj", "Olu", "ann@council.example", "sister"):
        assert personal not in text

    # Done once: a second run finds nothing and writes nothing.
    assert retention.apply(db, actor=ADMIN, years=7, today=TODAY).empty
    assert len(versioned.audit_entries(db, retention.ENTITY)) == 1


def test_command_line_dry_run_then_apply(two_tenders, db_path, run_cli):
    db, old, recent = two_tenders
    db.close()
    before = database_fingerprint(db_path)
    listed = run_cli("retention", "--db", db_path, "--years", "7")
    assert listed.exit_code == 0, listed.stderr
    assert "Dry run, nothing changed" in listed.stdout and "Day services 2015" in listed.stdout
    assert "Day services 2026" not in listed.stdout
    assert database_fingerprint(db_path) == before
    as_json = json.loads(run_cli("retention", "--db", db_path, "--format", "json").stdout)
    assert as_json["applied"] is False and as_json["tenders_to_anonymise"] == 1
    applied = run_cli("retention", "--db", db_path, "--apply")
    assert applied.exit_code == 0, applied.stderr
    assert "Done: 1 tender anonymised" in applied.stdout
    again = run_cli("retention", "--db", db_path)
    assert "Nothing is past the retention period." in again.stdout
    bad = run_cli("retention", "--db", db_path, "--years", "0")
    assert bad.exit_code == 2
