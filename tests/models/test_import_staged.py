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

import pytest

from bench.bench_import import write_grants_csv
from models import store
from models.importers import ImportOptions, Source, import_log, import_sources, remove_import, staging
from tests.conftest import database_fingerprint

ROWS = 6_000


@pytest.fixture
def swap_small(monkeypatch):
    """Swap from 1,000 rows (instead of 20,000), in small chunks, without pauses."""
    monkeypatch.setattr(staging, "SWAP_MIN_ROWS", 1_000)
    monkeypatch.setattr(staging, "FIRST_CHUNK_ROWS", 700)
    monkeypatch.setattr(staging, "PAUSE_SECONDS", 0)
    monkeypatch.setattr(staging, "CHUNK_SECONDS", 0.001)  # many chunks


def index_definitions(db) -> list[str]:
    """Each spend index's definition without its name (the copy's names alternate)."""
    if db.dialect == "postgresql":
        rows = db.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'spend'").fetchall()
    else:
        rows = db.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'spend' AND sql IS NOT NULL").fetchall()
    return sorted(re.sub(r'(?i)^CREATE (UNIQUE )?INDEX (IF NOT EXISTS )?\S+ ON (public\.)?"?spend"? ?', "", r[0]) for r in rows)


def triggers(db) -> list[tuple]:
    if db.dialect == "postgresql":
        return db.execute("SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname").fetchall()
    return db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()


def leftover_tables(db) -> list[str]:
    """Copies of tables an import made and left ('spend__next', 'spend_totals__old')."""
    return [name for name in db.table_names() if "__" in name]


def spend_count(db) -> int:
    return db.execute("SELECT COUNT(*) FROM spend").fetchone()[0]


@pytest.mark.parametrize("indexes_after", [True, False], ids=["indexed-after-filling", "indexed-while-filling"])
def test_large_import_swaps_in_a_complete_copy(db, tmp_path, swap_small, monkeypatch, indexes_after):
    monkeypatch.setattr(staging, "INDEXES_AFTER_MAX_ROWS", 1_000_000 if indexes_after else 0)
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
    before = database_fingerprint(db_path)
    with store.opened(db_path) as db:
        # A file said to be UTF-8 must be UTF-8 (left to detect, it would be read as Windows-1252).
        (result,) = import_sources(db, [Source.from_path(path)], ImportOptions(encoding="utf-8"))
        assert result.status == "rejected"
    assert database_fingerprint(db_path) == before
    assert not list(scratch.iterdir())  # the staging files are gone


def _import_then_die(db_path, path) -> None:
    """In a child process: import, and die (no clean-up at all) just before publishing
    (SQLite: with the copy built, before the swap; PostgreSQL: with every row written, in
    the transaction's last step)."""
    for engine in store._engines.values():  # the parent's pooled connections are not this process's
        engine.dispose(close=False)
    store._engines.clear()
    staging.SWAP_MIN_ROWS, staging.FIRST_CHUNK_ROWS, staging.PAUSE_SECONDS = 1_000, 700, 0
    staging._rename_into_place = lambda *args, **kwargs: os._exit(3)
    store.record_audit = lambda *args, **kwargs: os._exit(3)
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


def test_a_swapped_import_and_its_removal_keep_the_spend_summaries_exact(db, tmp_path, swap_small):
    """The spend explorer's summary tables (migration 100) are swapped with the spend
    table: after a large import, a re-import and the removal, each equals a fresh sum."""
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
    remove_import(db, result.import_id, who="test")
    assert_summaries_exact(db)
    assert leftover_tables(db) == []
    # and the triggers still keep them: one more row by hand
    db["spend"].insert({"uid": "after|1", "financial_year": "2030/31", "body_type": "health", "authority": "A",
                        "district": "D", "department": "", "funding_type": "grant", "amount_pence": 5,
                        "source": "test", "loaded_at": "2026-01-01T00:00:00+00:00"})
    assert_summaries_exact(db)


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
