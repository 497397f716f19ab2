"""Importing while twenty others save (issue 11): the import publishes in short steps,
so every save goes through (none refused as busy, none lost), the import arrives whole,
and the audit log has one row per stored change. Also: twenty processes starting on a
fresh database apply each migration once; two people removing one import remove it once."""

from __future__ import annotations

import time

import pytest

from bench.bench_import import write_grants_csv
from models import policy, store, tender, tender_records
from models.database import init_database
from models.importers import ImportOptions, Source, import_sources, remove_import, staging, table_swap
from tests.concurrency.harness import PROCESSES, at_once, audit_count, not_saved, unhandled

ROWS = 8_000


@pytest.fixture
def small_swaps(monkeypatch):
    """Publish by swapping from 2,000 rows, in many small chunks (inherited by the
    forked processes), so a few thousand rows exercise what a million would."""
    monkeypatch.setattr(staging, "SWAP_MIN_ROWS", 2_000)
    monkeypatch.setattr(table_swap, "FIRST_CHUNK_ROWS", 500)
    monkeypatch.setattr(table_swap, "CHUNK_SECONDS", 0.02)


def import_or_save(db, index, path, tender_id):
    """Process 0 imports; the others each save a score again and again until it is done."""
    done = path.with_suffix(".done")
    if index == 0:
        try:
            (result,) = import_sources(db, [Source.from_path(path)], ImportOptions(imported_by="Importer"))
        finally:
            done.touch()
        return result.status, result.rows_added, result.import_id
    evaluator, saves = f"Evaluator {index:02d}", 0
    deadline = time.monotonic() + 120
    while not done.exists() and time.monotonic() < deadline:
        tender_records.record_score(db, tender_id, "Alpha Trust", "quality", evaluator=evaluator, score=saves % 6,
                                    reason=f"{evaluator}, save {saves}", actor=policy.local_actor(evaluator))
        saves += 1
        time.sleep(0.1)
    return saves


def test_saves_go_through_while_a_large_import_publishes(db_path, db, tmp_path, small_swaps):
    setup = {"name": "Day services", "criteria": tender.template_criteria("Quality 60 / price 30 / social value 10"),
             "bids": [{"bidder": "Alpha Trust", "price": 100_000, "scores": {"insurance": "pass", "safeguarding": "pass"}}]}
    tender_id = tender_records.create_tender(db, setup, actor=policy.local_actor("Officer"))
    seeded = db.execute("SELECT COUNT(*) FROM spend").fetchone()[0]
    path = tmp_path / "grants.csv"
    write_grants_csv(path, ROWS)
    outcomes = at_once(db_path, import_or_save, [(i, path, tender_id) for i in range(PROCESSES + 1)])
    assert unhandled(outcomes) == []
    assert [o.status for o in outcomes] == ["saved"] * (PROCESSES + 1), [o.error for o in outcomes if o.error][:2]
    status, added, import_id = outcomes[0].value
    assert (status, added) == ("imported", ROWS)
    assert db.execute("SELECT COUNT(*) FROM spend").fetchone()[0] == seeded + ROWS
    assert db.execute("SELECT COUNT(*) FROM spend WHERE import_id = :import_id", {"import_id": import_id}).fetchone()[0] == ROWS
    saves = {f"Evaluator {o.index:02d}": o.value for o in outcomes[1:]}
    assert min(saves.values()) >= 2  # they really were saving while the import ran
    scores = tender_records.evaluator_scores(db, tender_id).set_index("evaluator")
    for evaluator, made in saves.items():  # no save lost: each one is the score's next version
        assert scores.loc[evaluator, "version"] == made
        assert scores.loc[evaluator, "reason"] == f"{evaluator}, save {made - 1}"
    assert audit_count(db, "tender", "score recorded", tender_id) == PROCESSES
    assert audit_count(db, "tender", "score changed", tender_id) == sum(saves.values()) - PROCESSES
    assert audit_count(db, "import", "import") == 1


def start_up(_db, path):
    init_database(path)
    return "started"


def test_twenty_processes_start_on_a_fresh_database(empty_database, db):
    """``db``: a database one ``init_database`` made, to compare with."""
    with store.opened(empty_database) as fresh:
        assert fresh.table_names() == []  # the database exists, with no tables yet
    outcomes = at_once(empty_database, start_up, [(empty_database,)] * PROCESSES)
    assert not_saved(outcomes) == []
    with store.opened(empty_database) as fresh:
        names = [r[0] for r in fresh.execute("SELECT name FROM schema_migrations ORDER BY name")]
        assert names == [f.name for f in store.migration_files(fresh.dialect)]
        for table in ("spend", "organisations", "actions", "indicators"):  # seeded once, whole
            assert fresh.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == db.execute(
                f"SELECT COUNT(*) FROM {table}").fetchone(), table
        if fresh.dialect == "sqlite":  # SQLite's own check of the file (PostgreSQL has no counterpart)
            assert fresh.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def remove(db, import_id, person):
    return remove_import(db, import_id, actor=policy.local_actor(person))


def test_two_people_remove_one_import(db_path, db, tmp_path):
    path = tmp_path / "grants.csv"
    write_grants_csv(path, 50)
    (result,) = import_sources(db, [Source.from_path(path)], ImportOptions())
    outcomes = at_once(db_path, remove, [(result.import_id, f"Officer {i}") for i in range(PROCESSES)])
    assert unhandled(outcomes) == []
    assert [o.value for o in outcomes if o.status == "saved"] == [50]
    assert all("removed already" in o.error for o in outcomes if o.status == "refused")
    assert audit_count(db, "import", "remove", result.import_id) == 1
