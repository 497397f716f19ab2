"""Imports are staged outside the database and published in short steps (issue 11): a
large spend import builds a new copy of the table in chunks and swaps it in at once (on
PostgreSQL: one transaction, COPY then upsert, that takes the write lock only at its end).
It ends with the same rows, indexes and links as a one-transaction import would; a file
that fails leaves the database byte-for-byte as it was; a crash midway leaves nothing
visible, and the next import clears what it left."""

from __future__ import annotations

import multiprocessing
import os
import re
from pathlib import Path

import pytest

from bench.bench_import import write_grants_csv
from models import store, versioned
from models.importers import ImportOptions, Source, import_log, import_sources, remove_import, staging, table_swap
from tests.conftest import database_contents, database_fingerprint

ROWS = 6_000


@pytest.fixture
def swap_small(monkeypatch):
    """Swap from 1,000 rows (instead of 20,000), in small chunks, without pauses."""
    monkeypatch.setattr(staging, "SWAP_MIN_ROWS", 1_000)
    monkeypatch.setattr(table_swap, "FIRST_CHUNK_ROWS", 700)
    monkeypatch.setattr(table_swap, "MAX_PAUSE_SECONDS", 0)
    monkeypatch.setattr(table_swap, "CHUNK_SECONDS", 0.001)  # many chunks


def index_definitions(db) -> list[str]:
    """Each spend index's definition without its name (the copy's names alternate)."""
    if db.dialect == "postgresql":
        rows = db.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'spend'").fetchall()
    else:
        rows = db.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'spend' AND sql IS NOT NULL").fetchall()
    return sorted(re.sub(r'(?i)^CREATE (UNIQUE )?INDEX (IF NOT EXISTS )?\S+ ON (public\.)?"?spend"? ?', "", r[0]) for r in rows)


def triggers(db) -> list[tuple]:
    if db.dialect == "postgresql":
        return db.execute("SELECT tgname, tgrelid::regclass::text, tgenabled FROM pg_trigger WHERE NOT tgisinternal "
                          "ORDER BY tgname").fetchall()
    return db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()


def leftover_tables(db) -> list[str]:
    """Copies of tables an import made and left ('spend__next', 'spend_totals__old')."""
    return [name for name in db.table_names() if "__" in name]


def spend_count(db) -> int:
    return db.execute("SELECT COUNT(*) FROM spend").fetchone()[0]


@pytest.mark.parametrize("indexes_after", [True, False], ids=["indexed-after-filling", "indexed-while-filling"])
def test_large_import_swaps_in_a_complete_copy(db, tmp_path, swap_small, monkeypatch, indexes_after):
    monkeypatch.setattr(table_swap, "INDEXES_AFTER_MAX_ROWS", 1_000_000 if indexes_after else 0)
    before_indexes, seeded = index_definitions(db), spend_count(db)
    seeded_ids = db.execute("SELECT id, uid FROM spend ORDER BY id").fetchall()
    sqlite = db.dialect == "sqlite"
    if sqlite:
        references = db.execute("SELECT sql FROM sqlite_master WHERE sql LIKE '%REFERENCES spend%'").fetchall()
    path = tmp_path / "grants.csv"
    write_grants_csv(path, ROWS)
    (result,) = import_sources(db, [Source.from_path(path)], ImportOptions())
    assert result.status == "imported" and result.rows_added == ROWS
    assert spend_count(db) == seeded + ROWS
    assert db.execute("SELECT id, uid FROM spend WHERE import_id IS NULL ORDER BY id").fetchall() == seeded_ids  # ids kept
    assert index_definitions(db) == before_indexes
    if sqlite:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        # other tables' references still name spend
        assert db.execute("SELECT sql FROM sqlite_master WHERE sql LIKE '%REFERENCES spend%'").fetchall() == references
    assert leftover_tables(db) == []  # no copy is left behind
    assert db.execute("SELECT COUNT(*) FROM spend WHERE import_id = :id", {"id": result.import_id}).fetchone()[0] == ROWS
    assert import_log(db)["status"].tolist()[0] == "imported"
    # a re-import changes nothing; removing it (also by a swap) takes its rows out again
    (again,) = import_sources(db, [Source.from_path(path)], ImportOptions())
    assert again.status == "unchanged"
    assert remove_import(db, result.import_id, who="Officer") == ROWS
    assert spend_count(db) == seeded and index_definitions(db) == before_indexes
    with pytest.raises(Exception, match="removed already"):
        remove_import(db, result.import_id, who="Officer")


def test_changed_rows_move_to_the_new_import(db, tmp_path, swap_small):
    path = tmp_path / "grants.csv"
    write_grants_csv(path, ROWS)
    (first,) = import_sources(db, [Source.from_path(path)], ImportOptions())
    lines = path.read_text().splitlines(keepends=True)
    lines[1] = re.sub(r",GBP,([0-9.]*),([0-9.]+),", r",GBP,\1,1\2,", lines[1], count=1)  # one amount awarded changed
    path.write_text("".join(lines))
    (second,) = import_sources(db, [Source.from_path(path)], ImportOptions())
    assert (second.rows_added, second.rows_updated, second.rows_unchanged) == (0, 1, ROWS - 1)
    owners = dict(db.execute("SELECT import_id, COUNT(*) FROM spend WHERE import_id IS NOT NULL GROUP BY import_id").fetchall())
    assert owners == {first.import_id: ROWS - 1, second.import_id: 1}


@pytest.mark.parametrize("damage", ["text in an amount", "invalid UTF-8"])
def test_large_import_failing_late_changes_nothing(db_path, tmp_path, swap_small, damage, monkeypatch):
    rows = 12_000
    path = tmp_path / "grants.csv"
    write_grants_csv(path, rows)
    lines = path.read_bytes().splitlines(keepends=True)
    bad = rows - 500
    if damage == "text in an amount":
        lines[bad] = re.sub(rb",GBP,[0-9.]+,", b",GBP,lots,", lines[bad], count=1)
    else:
        lines[bad] = lines[bad].replace(b"Grant", b"Gr\xffnt", 1)
    path.write_bytes(b"".join(lines))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(staging, "_folder", lambda _db: str(scratch))  # where the staging files go
    started = []
    start = staging.TableSwap.start
    monkeypatch.setattr(staging.TableSwap, "start", lambda swap: (started.append(swap.new), start(swap))[1])
    before, before_log = database_contents(db_path), database_fingerprint(db_path)
    with store.opened(db_path) as db:
        # A file said to be UTF-8 must be UTF-8 (left to detect, it would be read as Windows-1252).
        (result,) = import_sources(db, [Source.from_path(path)], ImportOptions(encoding="utf-8"))
        assert result.status == "rejected"
    # The rows before the bad one were being written into a new copy of the table as they
    # were read (SQLite); it is gone, and every row and definition stored is as it was.
    assert started == (["spend__next"] if store.location(db_path) == Path(db_path) else [])
    assert database_contents(db_path) == before
    if not started:
        assert database_fingerprint(db_path) == before_log  # PostgreSQL: not a row written
    assert not list(scratch.iterdir())  # the staging files are gone


def _import_then_die(db_path, path) -> None:
    """In a child process: import, and die (no clean-up at all) just before publishing
    (SQLite: with the copy built, before the swap; PostgreSQL: with every row written, in
    the transaction's last step)."""
    for engine in store._engines.values():  # the parent's pooled connections are not this process's
        engine.dispose(close=False)
    store._engines.clear()
    staging.SWAP_MIN_ROWS, table_swap.FIRST_CHUNK_ROWS, table_swap.MAX_PAUSE_SECONDS = 1_000, 700, 0
    table_swap._rename_into_place = lambda *args, **kwargs: os._exit(3)
    versioned.record_audit = lambda *args, **kwargs: os._exit(3)
    with store.opened(db_path) as db:
        import_sources(db, [Source.from_path(path)], ImportOptions())


def test_a_publish_that_stopped_midway_is_invisible_and_cleared(db_path, db, tmp_path, swap_small):
    seeded = spend_count(db)
    path = tmp_path / "grants.csv"
    write_grants_csv(path, ROWS)
    child = multiprocessing.get_context("fork").Process(target=_import_then_die, args=(db_path, path))
    child.start()
    child.join(timeout=120)
    assert child.exitcode == 3
    assert spend_count(db) == seeded  # nothing shown
    if db.dialect == "sqlite":
        assert db.execute("SELECT COUNT(*) FROM spend__next").fetchone()[0] == seeded + ROWS  # built, never swapped in
        assert [r[0] for r in db.execute("SELECT status FROM import_log")] == ["publishing"]
    else:  # the server rolled the whole transaction back
        assert db.execute("SELECT status FROM import_log").fetchall() == []
    assert import_log(db).empty  # not listed as an import
    (result,) = import_sources(db, [Source.from_path(path)], ImportOptions())
    assert result.status == "imported" and spend_count(db) == seeded + ROWS
    assert [r[0] for r in db.execute("SELECT status FROM import_log")] == ["imported"]
    assert leftover_tables(db) == []


def test_a_streamed_import_whose_later_rows_change_stored_ones_keeps_the_summaries_exact(db, tmp_path, swap_small):
    """A big import starts writing the table's new copy while it reads, summing as it goes;
    when rows further down the file change stored rows, the summaries are summed afresh
    (what was summed already would count the old amounts): they equal a fresh sum."""
    from tests.helpers import assert_summaries_exact

    first_file, second_file = tmp_path / "first.csv", tmp_path / "second.csv"
    write_grants_csv(first_file, ROWS)
    (first,) = import_sources(db, [Source.from_path(first_file)], ImportOptions())
    header, *rows = first_file.read_text().splitlines(keepends=True)
    write_grants_csv(tmp_path / "more.csv", ROWS + 2_000)
    new = [line.replace("360G-bench-", "360G-bench-new-", 1) for line in
           (tmp_path / "more.csv").read_text().splitlines(keepends=True)[1 + ROWS:]]
    changed = [re.sub(r",GBP,([0-9.]*),([0-9.]+),", r",GBP,\1,1\2,", line, count=1) for line in rows[ROWS // 2:]]
    second_file.write_text(header + "".join(new + rows[: ROWS // 2] + changed))
    started = []
    # SQLite starts the table's new copy; PostgreSQL begins the import's one transaction
    begins = "_start_streaming" if db.dialect == "sqlite" else "_start_copying"
    start = getattr(staging.Stage, begins)
    setattr(staging.Stage, begins, lambda stage: (started.append(stage.rows), start(stage))[1])
    try:
        (second,) = import_sources(db, [Source.from_path(second_file)], ImportOptions())
    finally:
        setattr(staging.Stage, begins, start)
    assert started and started[0] <= 2_000  # it began with new rows only, before the changed ones
    assert (second.rows_added, second.rows_updated, second.rows_unchanged) == (2_000, ROWS // 2, ROWS // 2)
    owners = dict(db.execute("SELECT import_id, COUNT(*) FROM spend WHERE import_id IS NOT NULL GROUP BY import_id").fetchall())
    assert owners == {first.import_id: ROWS // 2, second.import_id: 2_000 + ROWS // 2}
    assert_summaries_exact(db)
    assert leftover_tables(db) == []


def test_a_swapped_import_and_its_removal_keep_the_spend_summaries_exact(db, tmp_path, swap_small, table_owner):
    """The spend explorer's summary tables (migration 100) are swapped with the spend
    table (SQLite), or kept by GROUP BYs with their triggers off (PostgreSQL, a role that
    owns spend): after a large import and its removal, each equals a fresh sum, and every
    trigger is as it was, switched on."""
    from models import spend
    from tests.helpers import assert_summaries_exact

    before = triggers(db)
    path = tmp_path / "grants.csv"
    write_grants_csv(path, ROWS)
    (result,) = import_sources(db, [Source.from_path(path)], ImportOptions())
    assert result.status == "imported"
    assert_summaries_exact(db)
    assert triggers(db) == before
    assert spend.headline(db, spend.SpendFilter(body_types=(), third_sector_only=False)).records == spend_count(db)
    assert remove_import(db, result.import_id, who="test") == ROWS
    assert_summaries_exact(db)
    assert triggers(db) == before
    assert leftover_tables(db) == []
    # and the triggers still keep them: one more row by hand
    db["spend"].insert({"uid": "after|1", "financial_year": "2030/31", "body_type": "health", "authority": "A",
                        "district": "D", "department": "", "funding_type": "grant", "amount_pence": 5,
                        "source": "test", "loaded_at": "2026-01-01T00:00:00+00:00"})
    assert_summaries_exact(db)


def test_an_import_written_while_read_keeps_file_order_and_exact_summaries(db, tmp_path, swap_small, monkeypatch, table_owner):
    """A big import writes while its file is read (SQLite: into the table's new copy;
    PostgreSQL: in its one transaction, new chunks by COPY straight into spend), in
    chunks of 700 rows: the first 3,000 grants are new, then 3,000 stored ones of which
    one changed. New rows get ids in file order, the changed row moves to the new import,
    the same ones stay with the first, and the summaries equal a fresh sum."""
    from models.importers import columns
    from tests.helpers import assert_summaries_exact

    monkeypatch.setattr(columns, "CHUNK_ROWS", 700)
    path = tmp_path / "grants.csv"
    write_grants_csv(path, ROWS)
    lines = path.read_text().splitlines(keepends=True)
    later = tmp_path / "later.csv"
    later.write_text("".join([lines[0], *lines[3_001:]]))  # grants 3000-5999
    (first,) = import_sources(db, [Source.from_path(later)], ImportOptions())
    assert first.rows_added == 3_000
    changed = 5_000
    lines[changed + 1] = re.sub(r",GBP,([0-9.]*),([0-9.]+),", r",GBP,\1,1\2,", lines[changed + 1], count=1)
    path.write_text("".join(lines))
    (second,) = import_sources(db, [Source.from_path(path)], ImportOptions())
    assert (second.rows_added, second.rows_updated, second.rows_unchanged) == (3_000, 1, 2_999)
    uids = [r[0] for r in db.execute("SELECT uid FROM spend WHERE import_id = :id ORDER BY id", {"id": second.import_id})]
    # the changed row keeps its id (from the first import); the new ones follow in file order
    assert uids == [f"360g:360G-bench-{i:07d}" for i in (changed, *range(3_000))]
    owners = dict(db.execute("SELECT import_id, COUNT(*) FROM spend WHERE import_id IS NOT NULL GROUP BY import_id").fetchall())
    assert owners == {first.import_id: 2_999, second.import_id: 3_001}
    assert [r[0] for r in db.execute("SELECT status FROM import_log ORDER BY id")] == ["imported", "imported"]
    assert_summaries_exact(db)
    assert leftover_tables(db) == []


def test_while_a_big_import_is_written_others_read_and_save(db_path, db, tmp_path, swap_small, monkeypatch):
    """Once a big import has written its rows (SQLite: the table's new copy; PostgreSQL:
    its open transaction, spend's summary triggers off) and before it publishes, another
    connection reads spend and the summaries (the import not yet in them), saves (the
    write lock) and links a payment to an agreement (a reference to spend) without
    waiting: on PostgreSQL any lock wait over 2 s would fail it."""
    seeded = spend_count(db)
    seeded_ids = [r[0] for r in db.execute("SELECT id FROM spend ORDER BY id")]
    seen = {}
    publish = staging.Stage.publish

    def look_first(self, *args, **kwargs):
        assert self.rows == ROWS
        with store.opened(db_path) as other:
            if other.dialect == "postgresql":
                other.execute("SET lock_timeout = '2s'")
            seen["spend"] = spend_count(other)
            seen["summed"] = other.execute("SELECT SUM(records) FROM spend_totals").fetchone()[0]
            with store.transaction(other):
                versioned.record_audit(other, entity="test", entity_id=1, action="save", who="Evaluator")
            with store.transaction(other):  # a payment linked to an agreement: a reference to a spend row
                agreement = other["agreements"].insert({
                    "reference": "AG-9999", "title": "Day services", "agreement_type": "grant", "provider_org_id": "GB-CHC-1",
                    "provider_name": "Alpha Trust", "body": "Cheshire East Council", "start_date": "2026-04-01",
                    "end_date": "2027-03-31", "award_route": "grant_round", "reporting": "annual", "origin": "spend",
                    "created_at": "2026-12-02T07:00:00+00:00", "created_by": "Officer",
                    "updated_at": "2026-12-02T07:00:00+00:00"}).last_pk
                other["agreement_spend"].insert({"spend_id": seeded_ids[0], "agreement_id": agreement})
        return publish(self, *args, **kwargs)

    monkeypatch.setattr(staging.Stage, "publish", look_first)
    path = tmp_path / "grants.csv"
    write_grants_csv(path, ROWS)
    (result,) = import_sources(db, [Source.from_path(path)], ImportOptions())
    assert result.status == "imported"
    assert seen == {"spend": seeded, "summed": seeded}
    assert spend_count(db) == seeded + ROWS
    assert db.execute("SELECT COUNT(*) FROM audit_log WHERE entity = 'test'").fetchone()[0] == 1
    assert db.execute("SELECT spend_id FROM agreement_spend").fetchall() == [(seeded_ids[0],)]


def test_a_row_stored_between_staging_and_publishing_is_updated_not_doubled(db):
    """Rows staged as new, one of which another import stores before this one publishes
    (on PostgreSQL the straight COPY then meets the unique key and the transaction is
    done again by the upsert): that row is updated and moves to this import, the others
    are inserted in order, once each, and the summaries stay exact."""
    from tests.helpers import assert_summaries_exact, row

    rows = [row(f"race|{i}", 100 + i) for i in range(5)]
    columns = list(rows[0])
    log = {"file_name": "race.csv", "sha256": "0" * 64, "format": "test", "imported_at": "2026-12-02T07:00:00+00:00",
           "imported_by": "test"}
    with staging.Stage(db, "spend", "uid") as stage:
        assert stage.add(columns, [r["uid"] for r in rows], [tuple(r.values()) for r in rows]) == (5, 0, 0)
        db["spend"].insert(row("race|2", 999))  # meanwhile, elsewhere
        import_id = stage.publish(log, {"file": "race.csv"}, who="test")
    stored = db.execute("SELECT uid, amount_pence, import_id FROM spend WHERE uid LIKE 'race|%' ORDER BY id").fetchall()
    assert [tuple(r) for r in stored] == [("race|2", 102, import_id)] + [
        (f"race|{i}", 100 + i, import_id) for i in (0, 1, 3, 4)]
    assert_summaries_exact(db)


@pytest.fixture(params=[True, False], ids=["owner", "not-owner"])
def table_owner(request, monkeypatch):
    """On PostgreSQL, an importing or removing role that owns spend switches its summary
    triggers off for the import or removal; one that does not pauses them
    (spend_totals_pause) or leaves them on. SQLite: the same."""
    monkeypatch.setattr(staging, "owns_table", lambda db, table: request.param)


def test_rows_moved_to_other_groups_leave_the_summaries_exact(db, table_owner):
    """A re-import that moves every row of a group elsewhere (another district, another
    funding type), changes amounts and leaves some rows alone: the summaries equal a fresh
    sum, with no group left holding no rows (on PostgreSQL the changed rows are taken out of
    the summaries and added back by GROUP BYs, not by the per-row triggers)."""
    from tests.helpers import assert_summaries_exact, row

    def publish(rows, name):
        log = {"file_name": name, "sha256": name * 64, "format": "test", "imported_at": "2026-12-02T07:00:00+00:00",
               "imported_by": "test"}
        with staging.Stage(db, "spend", "uid") as stage:
            stage.add(list(rows[0]), [r["uid"] for r in rows], [tuple(r.values()) for r in rows])
            return stage.publish(log, {"file": name}, who="test")

    first = [row(f"move|{i}", 100 + i, district="Nowhere Green", funding_type="contract", department="Gone" if i < 4 else "Kept")
             for i in range(6)]
    publish(first, "a")
    assert_summaries_exact(db)
    second = [row(f"move|{i}", 100 + i, district="Elsewhere") for i in range(4)] + first[4:5] + [row("move|5", 7)]
    second_id = publish(second, "b")
    assert_summaries_exact(db)
    assert db.execute("SELECT department FROM spend_totals WHERE district = 'Nowhere Green'").fetchall() == [("Kept",)]
    assert db.execute("SELECT COUNT(*) FROM spend WHERE import_id = :id", {"id": second_id}).fetchone()[0] == 5


@pytest.mark.parametrize("apart", [False, True], ids=["in-process", "reader-process"])
def test_a_file_read_in_a_process_of_its_own_imports_the_same(db, tmp_path, monkeypatch, apart):
    """A large file is read and checked in a forked process while this one stages its
    rows: the rows, the counts and every problem (with its row) are as if read here."""
    from models.importers import runner

    started = []
    elsewhere = runner._read_elsewhere
    monkeypatch.setattr(runner, "PARALLEL_MIN_BYTES", 0 if apart else 1 << 60)
    monkeypatch.setattr(runner, "_may_fork", lambda: True)  # whatever threads the test run has
    monkeypatch.setattr(runner, "_read_elsewhere", lambda *a: started.append(1) or elsewhere(*a))
    path = tmp_path / "grants.csv"
    write_grants_csv(path, 3_000)
    lines = path.read_text().splitlines(keepends=True)
    lines[2000] = re.sub(r",GBP,[0-9.]+,", ",GBP,lots,", lines[2000], count=1)  # file row 2001
    lines[2500] = lines[2500].replace("360G-bench-0002499", "360G-bench-0000009", 1)  # row 2501 repeats row 11's id
    path.write_text("".join(lines))
    seeded = spend_count(db)

    (strict,) = import_sources(db, [Source.from_path(path)], ImportOptions())
    assert strict.status == "rejected" and spend_count(db) == seeded
    (result,) = import_sources(db, [Source.from_path(path)], ImportOptions(skip_invalid=True))
    assert started == ([1, 1] if apart else [])
    assert (result.status, result.rows_read, result.rows_added, result.rows_skipped) == ("imported", 2_999, 2_998, 2)
    assert spend_count(db) == seeded + 2_998
    problems = [(p.where, p.message) for p in result.report.errors]
    assert problems[0][0] == "row 2001" and "'lots' is not a number" in problems[0][1]
    assert problems[1] == ("row 2501", "'360G-bench-0000009' appears more than once in this file (first at row 11); "
                                       "identifiers must be unique")
    assert result.publisher and result.report.notes == strict.report.notes


def test_a_file_rejected_by_the_reader_process_is_rejected(db, tmp_path, monkeypatch):
    from models.importers import runner

    monkeypatch.setattr(runner, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(runner, "_may_fork", lambda: True)
    path = tmp_path / "grants.csv"
    write_grants_csv(path, 50)
    lines = path.read_text().splitlines(keepends=True)
    lines[0] = lines[0].replace("Amount Awarded", "Amount")
    path.write_text("".join(lines))
    (result,) = import_sources(db, [Source.from_path(path)], ImportOptions(format="360giving"))
    assert result.status == "rejected"
    assert "required columns are missing: Amount Awarded" in result.report.errors[0].message


def test_a_publish_steps_aside_only_for_a_save_waiting_for_the_lock(db_path):
    """Publishing writes in short transactions and, between two, lets in whoever is waiting
    for the write lock (store.writer_waiting; SQLite polls rather than queues, so without
    being told a waiting save could miss every gap); with nobody waiting it goes straight
    on. PostgreSQL's lock queues, and there is nothing to tell."""
    import threading

    with store.opened(db_path) as publisher, store.opened(db_path) as saver:
        assert store.writer_waiting(publisher) is False
        if publisher.dialect == "postgresql":
            assert store.waiting_file(publisher) is None
            return
        saved = threading.Event()

        def save() -> None:
            with store.transaction(saver):
                saver.execute("UPDATE import_log SET imported_by = 'Saver' WHERE 1 = 0")
            saved.set()

        with store.transaction(publisher):
            thread = threading.Thread(target=save)
            thread.start()
            for _ in range(400):  # the saver finds the lock held, and says it is waiting
                if store.writer_waiting(publisher):
                    break
                threading.Event().wait(0.005)
            assert store.writer_waiting(publisher) and not saved.is_set()
        table_swap._pause(publisher)  # returns once the saver has the lock
        assert not store.writer_waiting(publisher)
        with store.transaction(publisher):  # waits for the save to commit
            pass
        thread.join(10)
        assert saved.is_set() and not store.writer_waiting(publisher)
