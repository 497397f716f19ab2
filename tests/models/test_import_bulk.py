"""Bulk mode: a large import drops the spend table's secondary indexes inside its
transaction and builds them again before COMMIT. A good import ends with the same
indexes (same SQL) and a sound database; a large import that fails midway, after the
indexes were dropped, leaves the database file byte-for-byte as it was."""

from __future__ import annotations

import contextlib
import re

import pytest

from bench.bench_import import write_grants_csv
from models import store
from models.importers import ImportOptions, Source, import_sources, runner
from tests.conftest import database_fingerprint

ROWS = 12_000  # three chunks of 5,000: bulk mode starts at the second (after 1,000 rows)


def spend_indexes(db) -> list[tuple[str, str | None]]:
    return db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'spend' ORDER BY name"
    ).fetchall()


@pytest.fixture
def bulk_entered(monkeypatch) -> list[list[str]]:
    """Bulk mode after 1,000 rows (instead of 50,000), noting the indexes it drops."""
    monkeypatch.setattr(runner, "_bulk_threshold", lambda db, table: 1_000 if table == "spend" else float("inf"))
    dropped: list[list[str]] = []
    original = store.without_secondary_indexes

    @contextlib.contextmanager
    def noting(db, table):
        with original(db, table) as names:
            dropped.append(names)
            yield names

    monkeypatch.setattr(store, "without_secondary_indexes", noting)
    return dropped


def test_large_import_rebuilds_the_same_indexes(db, tmp_path, bulk_entered):
    before = spend_indexes(db)
    seeded = db.execute("SELECT COUNT(*) FROM spend").fetchone()[0]
    path = tmp_path / "grants.csv"
    write_grants_csv(path, ROWS)
    (result,) = import_sources(db, [Source.from_path(path)], ImportOptions())
    assert result.status == "imported" and result.rows_added == ROWS
    assert len(bulk_entered) == 1
    assert "idx_spend_cube" in bulk_entered[0] and not any(n.startswith("sqlite_autoindex") for n in bulk_entered[0])
    assert spend_indexes(db) == before
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT COUNT(*) FROM spend").fetchone()[0] == seeded + ROWS
    # the rebuilt index answers like the table
    by_index = db.execute(
        "SELECT COUNT(*) FROM spend INDEXED BY idx_spend_import WHERE import_id = ?", [result.import_id]
    ).fetchone()[0]
    assert by_index == ROWS
    # and a re-import (now into a table as large as the file) changes nothing
    (again,) = import_sources(db, [Source.from_path(path)], ImportOptions())
    assert again.status == "unchanged"


@pytest.mark.parametrize("damage", ["text in an amount", "invalid UTF-8"])
def test_large_import_failing_midway_changes_nothing(db_path, tmp_path, bulk_entered, damage):
    # Validation runs up to three chunks ahead of the writer, so the bad row is in the
    # sixth chunk: by the time it is found, the indexes were dropped (at the second).
    rows = 30_000
    path = tmp_path / "grants.csv"
    write_grants_csv(path, rows)
    lines = path.read_bytes().splitlines(keepends=True)
    bad = rows - 500
    if damage == "text in an amount":
        lines[bad] = re.sub(rb",GBP,[0-9.]+,", b",GBP,lots,", lines[bad], count=1)
    else:
        lines[bad] = lines[bad].replace(b"Grant", b"Gr\xffnt", 1)
    path.write_bytes(b"".join(lines))
    with store.opened(db_path) as db:
        indexes, rows = spend_indexes(db), db.execute("SELECT COUNT(*) FROM spend").fetchone()[0]
    before = database_fingerprint(db_path)
    with store.opened(db_path) as db:
        # A file said to be UTF-8 must be UTF-8 (left to detect, it would be read as Windows-1252).
        (result,) = import_sources(db, [Source.from_path(path)], ImportOptions(encoding="utf-8"))
        assert result.status == "rejected"
        assert bulk_entered, "the test must fail after bulk mode began"
        assert spend_indexes(db) == indexes
        assert db.execute("SELECT COUNT(*) FROM spend").fetchone()[0] == rows
    assert database_fingerprint(db_path) == before


def test_small_imports_keep_their_indexes(db, tmp_path, monkeypatch):
    entered = []
    monkeypatch.setattr(store, "without_secondary_indexes", lambda *a: entered.append(a))
    path = tmp_path / "grants.csv"
    write_grants_csv(path, 6_000)
    (result,) = import_sources(db, [Source.from_path(path)], ImportOptions())
    assert result.status == "imported" and entered == []


def test_without_secondary_indexes_needs_a_transaction_and_undoes_itself(db):
    with pytest.raises(RuntimeError, match="open transaction"):
        with store.without_secondary_indexes(db, "spend"):
            pass
    before = spend_indexes(db)
    rows = db.execute("SELECT COUNT(*) FROM spend").fetchone()[0]
    with pytest.raises(ZeroDivisionError):
        with store.transaction(db):
            with store.without_secondary_indexes(db, "spend") as dropped:
                db.execute("DELETE FROM spend")
                assert {n for n, _ in spend_indexes(db)} == {n for n, _ in before} - set(dropped)
                1 / 0
    assert spend_indexes(db) == before
    assert db.execute("SELECT COUNT(*) FROM spend").fetchone()[0] == rows
