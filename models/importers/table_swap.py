"""SQLite's way to publish a big change to a table without holding the write lock for long
(issue 11): a new copy of the table (``table__next``, with its summaries' copies) is built
inside the database in steps, each its own short transaction of about CHUNK_SECONDS, and
swapped in by one short transaction of renames; nobody reads the copy meanwhile.

- ``TableSwap``: start (make the copies, copy the stored rows to keep), add (a step of new
  rows, summed into the widest summary's copy as it goes, when asked), finish (indexes if
  the copy was filled bare, summaries, the swap, the old copy emptied), abandon. A copy of
  up to INDEXES_AFTER_MAX_ROWS rows in all is filled bare and then indexed, each index by
  one sort; a bigger one, or one whose size is not known, keeps its indexes up as it fills.
  Row ids are copied, so links to rows (``agreement_spend``) still hold; the swap runs with
  ``legacy_alter_table`` on and foreign keys off for its one transaction, so other tables'
  references keep naming the table. Summary tables kept by triggers on it
  (models.spend.SUMMARIES) are swapped with it and their triggers made again.
- ``in_chunks`` sizes each step to hold the lock about CHUNK_SECONDS; between two steps
  ``_pause`` lets in anyone waiting for the write lock (``store.writer_waiting``), and
  otherwise goes straight on.
- ``clear_leftovers``: what a publish that stopped midway left (a half-built copy, an old
  copy not yet emptied) is removed by the next one.
The caller (an import, models.importers.staging; a removal, runner.remove_import) holds the
publish lock (staging.publish_lock)."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time
from typing import Callable, Iterator

import sqlalchemy

from .. import store
from ..store import quoted

SWAP_TABLES = ("spend",)  # tables a big change publishes by a swap
CHUNK_SECONDS = 0.25  # how long one chunk of publishing aims to hold the write lock
# Between chunks, while someone waits for the write lock: up to this long, looking every
# PAUSE_STEP_SECONDS whether they have it yet (SQLite's busy handler tries every 0.1 s at most).
MAX_PAUSE_SECONDS = 1.0
PAUSE_STEP_SECONDS = 0.005
FIRST_CHUNK_ROWS = 2_000
# Copies of up to this many rows are filled bare and indexed afterwards (each index one sort,
# one transaction: about 0.1 s a 100,000 rows on an idle machine); bigger ones keep their
# indexes up as they fill, chunk by chunk, since one sort of a million rows would hold the
# write lock for seconds on a busy machine (measured: saves waited up to 7 s at load 17).
INDEXES_AFTER_MAX_ROWS = 100_000


def swap_table(db: store.Database, table: str, *, keep: str = "1 = 1", keep_params: dict | None = None,
               extra: Callable[[int, int], int] | None = None, extra_rows: int = 0,
               finish: Callable[[], None] | None = None) -> None:
    """Replace ``table`` by a new copy built in chunks (see the module's docstring): the
    stored rows matching ``keep`` (SQL on the stored row), then ``extra(first, count)``
    for ``extra_rows`` more (staged rows), then one short transaction that renames the
    copy into place and runs ``finish``. The caller holds ``publish_lock``."""
    swap = TableSwap(db, table, keep=keep, keep_params=keep_params, expected_rows=extra_rows)
    try:
        swap.start()
        if extra is not None:
            with timed("add staged rows"):
                in_chunks(db, extra, total=extra_rows)
        swap.finish(finish)
    except BaseException:
        swap.abandon()
        raise


class TableSwap:
    """A new copy of ``table`` (``table__next``, with its summaries' copies) built in
    steps and swapped in: ``start()`` makes the copies and copies the stored rows matching
    ``keep``; more rows are written into ``self.new`` by the caller (``in_chunks``, or
    ``add`` a step at a time as they arrive); ``finish(finish)`` builds what is left and
    swaps; ``abandon()`` removes the copies. The caller holds ``publish_lock``.

    ``expected_rows``: how many rows are to be added, when known (None: rows arrive as a
    file is read). A copy of up to INDEXES_AFTER_MAX_ROWS rows in all is filled bare and
    indexed at the end; a bigger one, or one whose size is not known, has its indexes
    from the start. With ``sum_as_added``, each step's rows are added to the widest
    summary's copy in the step's own transaction (rows arriving while the file is read
    are then summed meanwhile, not after); a step that changed rows already in the copy
    turns that off, and the summary is summed afresh at the end."""

    def __init__(self, db: store.Database, table: str, *, keep: str = "1 = 1", keep_params: dict | None = None,
                 expected_rows: int | None = 0, sum_as_added: bool = False):
        self.db, self.table = db, table
        self.new, self.old = next_name(table), old_name(table)
        self.keep, self.keep_params = keep, keep_params or {}
        self.summaries = summaries_of(db, table)
        self.indexes = _indexes(db, table)
        self.widest, self.narrower = _widest_summary(self.summaries)
        self.columns = ", ".join(map(quoted, table_columns(db, table)))
        self.built_after = expected_rows is not None and (
            db.execute(f"SELECT COUNT(*) FROM {quoted(table)}").fetchone()[0] + expected_rows <= INDEXES_AFTER_MAX_ROWS)
        self.sum_as_added = sum_as_added and bool(self.summaries)
        self.copied = 0  # the last stored row's id copied
        self.summed = 0  # the copy's rows summed into the widest summary's copy: ids up to this

    def start(self) -> None:
        db = self.db
        with store.transaction(db):
            db.execute(_renamed_table_sql(_schema_sql(db, "table", self.table), self.new))
            if not self.built_after:
                for name, sql in self.indexes:
                    db.execute(_renamed_index_sql(sql, _other_name(name), self.new))
            for summary in self.summaries:
                db.execute(_renamed_table_sql(_schema_sql(db, "table", summary), next_name(summary)))
        with timed("copy stored rows"):
            in_chunks(db, self._copy)
        if self.sum_as_added:
            with timed("summaries"):
                in_chunks(db, self._summarise)

    def add(self, write: Callable[[], bool]) -> None:
        """``write()`` (more rows into ``self.new``; True if it changed rows already there)
        in a transaction of its own, with the new rows summed if summing as added; then a
        pause if a save is waiting."""
        with store.transaction(self.db):
            changed = write()
            if changed:
                self.sum_as_added = False
            elif self.sum_as_added:
                self._summarise(0, None)
        _pause(self.db)

    def finish(self, finish: Callable[[], None] | None = None) -> None:
        """The copy's indexes (if filled bare) and summaries, then the swap; the old copy
        is emptied afterwards."""
        db = self.db
        # The copy's own indexes, each built once its rows are in (a sort, many times
        # cheaper than keeping it up row by row), each in a transaction of its own.
        with timed("indexes"):
            for name, sql in self.indexes if self.built_after else ():
                with store.transaction(db):
                    db.execute(_renamed_index_sql(sql, _other_name(name), self.new))
                _pause(db)
        if self.summaries:
            with timed("summaries" if not self.sum_as_added else "summaries (the rest)"):
                if not self.sum_as_added:
                    self._summarise_all()
                with store.transaction(db):
                    self._summarise_the_rest()
        with timed("swap"):
            _rename_into_place(db, self.table, self.new, self.old, tail=self._tail_and_summaries, finish=finish,
                               summaries=self.summaries)
        with timed("empty the old copy"):
            for leftover in (self.old, *map(old_name, self.summaries)):
                drop_in_chunks(db, leftover)

    def abandon(self) -> None:
        for leftover in (self.new, *map(next_name, self.summaries)):
            drop_in_chunks(self.db, leftover)

    def _copy(self, _first: int, count: int) -> int:
        """The next ``count`` stored rows (by id) kept into the copy (``count`` -1: all the
        rest)."""
        db = self.db
        done = db.execute(
            f"INSERT INTO {quoted(self.new)} ({self.columns}) SELECT {self.columns} FROM {quoted(self.table)} "
            f"WHERE id > :last AND ({self.keep}) ORDER BY id LIMIT :count",
            {**self.keep_params, "last": self.copied, "count": count}).rowcount
        if done:
            self.copied = db.execute(f"SELECT MAX(id) FROM {quoted(self.new)}").fetchone()[0]
        return done

    def _summarise(self, _first: int, count: int | None) -> int:
        """Add the copy's next ``count`` rows (by id; None: all the rest) to the widest
        summary's copy."""
        db = self.db
        if count is None:
            upto = db.execute(f"SELECT MAX(id) FROM {quoted(self.new)}").fetchone()[0]
        else:
            upto = db.execute(f"SELECT MAX(id) FROM (SELECT id FROM {quoted(self.new)} WHERE id > :last ORDER BY id LIMIT :count)",
                              {"last": self.summed, "count": count}).fetchone()[0]
        if upto is None or upto <= self.summed:
            return 0
        from ..spend import summarise_rows

        summarise_rows(db, self.new, "__next", self.summed, upto, tables=self.widest)
        self.summed = upto
        return 1

    def _summarise_all(self) -> None:
        """The widest summary's copy summed afresh from the whole copy, in chunks."""
        db = self.db
        for summary in self.widest:
            with store.transaction(db):
                db.execute(f"DELETE FROM {quoted(next_name(summary))}")
        self.summed = 0
        order = _grouping_index(db, self.new, dict(summary_fields(self.summaries))[self.widest[0]]) if len(self.widest) == 1 else None
        if order:  # read in the index's order: no sort, each group written once
            self.summed = db.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted(self.new)}").fetchone()[0]
            in_chunks(db, _summarise_in_index_order(db, self.new, next_name(self.widest[0]), order))
        else:
            in_chunks(db, self._summarise)

    def _summarise_the_rest(self) -> None:
        """The narrower summaries' copies, summed from the widest one's (thousands of
        rows, not millions)."""
        for summary, columns in self.narrower:
            held = ", ".join(sorted(columns))
            self.db.execute(f"INSERT INTO {quoted(next_name(summary))} ({held}, amount_pence, records) "
                            f"SELECT {held}, SUM(amount_pence), SUM(records) FROM {quoted(next_name(self.widest[0]))} GROUP BY {held}")

    def _tail_and_summaries(self) -> None:
        """In the swap's transaction: rows added to the table meanwhile, into the copy and
        into every summary's copy."""
        last = self.summed
        self._copy(0, -1)
        if self.summaries:
            from ..spend import summarise_rows

            summarise_rows(self.db, self.new, "__next", last, None)


# Seconds (wall, this process's CPU) of each step of the last publish in this process, for
# the benchmarks (bench/bench_import.py prints them).
TIMINGS: dict[str, tuple[float, float]] = {}


@contextlib.contextmanager
def timed(step: str, *, accumulate: bool = False) -> Iterator[None]:
    """Note how long ``step`` takes in TIMINGS (``accumulate``: added to what it took
    before, for a step run many times)."""
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        before = TIMINGS.get(step, (0.0, 0.0)) if accumulate else (0.0, 0.0)
        TIMINGS[step] = (before[0] + time.perf_counter() - wall, before[1] + time.process_time() - cpu)


def _rename_into_place(db, table: str, new: str, old: str, *, tail: Callable[[], object],
                       finish: Callable[[], None] | None, summaries: tuple[str, ...] = ()) -> None:
    """The one short transaction that publishes: rows added meanwhile (the seed) copied
    too, ``table`` renamed to ``old`` and ``new`` to ``table``, and so for each summary
    table; the table's triggers are made again on the table swapped in (those on the old
    copy are dropped first, so emptying it later touches no live summary). Foreign keys
    off and legacy renaming on for it, so other tables' references keep naming ``table``."""
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("PRAGMA legacy_alter_table = ON")
    try:
        with store.transaction(db):
            tail()
            triggers = _triggers(db, table)
            for name, _sql in triggers:
                db.execute(f"DROP TRIGGER {quoted(name)}")
            for live in (table, *summaries):
                db.execute(f"ALTER TABLE {quoted(live)} RENAME TO {quoted(old_name(live))}")
                db.execute(f"ALTER TABLE {quoted(next_name(live))} RENAME TO {quoted(live)}")
            for _name, sql in triggers:
                db.execute(sql)
            if finish is not None:
                finish()
    finally:
        db.execute("PRAGMA legacy_alter_table = OFF")
        db.execute("PRAGMA foreign_keys = ON")


def in_chunks(db: store.Database, step: Callable[[int, int], int], *, total: int | None = None) -> None:
    """Run ``step(first, count)`` in short transactions until it is done: with
    ``total``, over ``first`` = 0, count, 2 x count ... below total; without, until a
    step returns 0. Each chunk is sized to hold the write lock about CHUNK_SECONDS, and a
    pause follows it so that saves waiting for the lock get it in between."""
    rows, first = FIRST_CHUNK_ROWS, 0
    while total is None or first < total:
        started = time.perf_counter()
        with store.transaction(db):
            done = step(first, rows)
        if total is None and not done:
            return
        first += rows
        elapsed = time.perf_counter() - started
        rows = max(200, min(200_000, int(rows * CHUNK_SECONDS / max(elapsed, 1e-3))))
        _pause(db)


def _pause(db) -> None:
    """Between two steps of publishing: the write-ahead log is copied into the database
    file, without the write lock (saves go on), so that a save's own commit never has a
    large checkpoint to do; then, if anyone is waiting for the write lock
    (``store.writer_waiting``), time for them to take it, up to MAX_PAUSE_SECONDS. Nobody
    waiting: no pause."""
    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    deadline = time.perf_counter() + MAX_PAUSE_SECONDS
    while store.writer_waiting(db) and time.perf_counter() < deadline:
        time.sleep(PAUSE_STEP_SECONDS)


def drop_in_chunks(db: store.Database, table: str) -> None:
    """Remove ``table`` (a copy nobody reads) without holding the lock long: its indexes
    one at a time, its rows in chunks, then the empty table."""
    if not _exists(db, table):
        return
    for name, _sql in _indexes(db, table):
        with store.transaction(db):
            db.execute(f"DROP INDEX IF EXISTS {quoted(name)}")

    def delete(_first: int, count: int) -> int:
        return db.execute(
            f"DELETE FROM {quoted(table)} WHERE rowid IN (SELECT rowid FROM {quoted(table)} LIMIT :count)",
            {"count": count}).rowcount

    if _has_rowid(db, table):  # a summary (WITHOUT ROWID) is small: dropped at once
        in_chunks(db, delete)
    with store.transaction(db):
        db.execute(f"DROP TABLE IF EXISTS {quoted(table)}")


def clear_leftovers(db: store.Database) -> None:
    """Copies left by a publish that stopped midway (a crash): removed. Called with the
    publish lock held, so no publish is running."""
    for table in SWAP_TABLES:
        for swapped in (table, *summaries_of(db, table)):
            for leftover in (next_name(swapped), old_name(swapped)):
                drop_in_chunks(db, leftover)
    if db.execute("SELECT 1 FROM import_log WHERE status = 'publishing' LIMIT 1").fetchone():
        with store.transaction(db):
            db.execute("DELETE FROM import_log WHERE status = 'publishing'")


def next_name(table: str) -> str:
    return f"{table}__next"


def old_name(table: str) -> str:
    return f"{table}__old"


def _other_name(index: str) -> str:
    """The copy's name for an index: indexes of the live table and of its copy alternate
    between ``name`` and ``name__n`` (SQLite cannot rename an index)."""
    return index[: -len("__n")] if index.endswith("__n") else index + "__n"


def _exists(db, table: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name", {"name": table}).fetchone() is not None


def table_columns(db, table: str) -> list[str]:
    return [column[0] for column in db.execute(f"SELECT * FROM {quoted(table)} LIMIT 0").description]


def _schema_sql(db, kind: str, name: str) -> str:
    return db.execute("SELECT sql FROM sqlite_master WHERE type = :kind AND name = :name", {"kind": kind, "name": name}).fetchone()[0]


def _indexes(db, table: str) -> list[tuple[str, str]]:
    """The table's own indexes (not those SQLite makes for UNIQUE and PRIMARY KEY)."""
    return db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table AND sql IS NOT NULL ORDER BY name",
        {"table": table}).fetchall()


def _has_rowid(db, table: str) -> bool:
    try:
        db.execute(f"SELECT rowid FROM {quoted(table)} LIMIT 0")
    except (sqlite3.OperationalError, sqlalchemy.exc.OperationalError):
        return False
    return True


def _triggers(db, table: str) -> list[tuple[str, str]]:
    return db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table ORDER BY name",
                      {"table": table}).fetchall()


def summary_fields(summaries: tuple[str, ...]) -> list[tuple[str, set]]:
    """[(summary, the fields it holds)] for these summaries."""
    if not summaries:
        return []
    from ..spend import SUMMARIES

    return [(name, columns) for name, columns in SUMMARIES if name in summaries]


def _grouping_index(db, table: str, held: set[str]) -> list[str] | None:
    """The columns, in the index's order, of an index on ``table`` that begins with exactly
    the ``held`` columns (a GROUP BY of them then reads the index in order: no sort), or
    None."""
    for name, _sql in _indexes(db, table):
        columns = [row[2] for row in sorted(db.execute(f"PRAGMA index_info({quoted(name)})").fetchall())]
        if set(columns[: len(held)]) == held and None not in columns:
            return columns[: len(held)]
    return None


def _summarise_in_index_order(db, table: str, summary: str, order: list[str]) -> Callable[[int, int], int]:
    """A step for ``in_chunks`` that sums ``table`` into the (empty) ``summary`` by the
    columns ``order``, a range of the index's first three columns' values at a time (the
    more the longer the chunk may be: ``count`` // 1,000 of them)."""
    lead = order[:3]
    listed = ", ".join(map(quoted, lead))
    keys = db.execute(f"SELECT DISTINCT {listed} FROM {quoted(table)} ORDER BY {listed}").fetchall()
    grouped = ", ".join(map(quoted, order))
    sql = (f"INSERT INTO {quoted(summary)} ({grouped}, amount_pence, records) "
           f"SELECT {grouped}, SUM(amount_pence), COUNT(*) FROM {quoted(table)} "
           f"WHERE ({listed}) >= (:a0, :a1, :a2) AND ({listed}) <= (:b0, :b1, :b2) GROUP BY {grouped}")
    position = {"next": 0}

    def step(_first: int, count: int) -> int:
        start = position["next"]
        if start >= len(keys):
            return 0
        end = min(len(keys), start + max(1, count // 1_000)) - 1
        db.execute(sql, {**{f"a{i}": v for i, v in enumerate(keys[start])}, **{f"b{i}": v for i, v in enumerate(keys[end])}})
        position["next"] = end + 1
        return 1

    return step


def _widest_summary(summaries: tuple[str, ...]) -> tuple[tuple[str, ...], list[tuple[str, set]]]:
    """((the summary holding every field the others hold,), [(each other, its fields)]):
    only the widest is summed from the table's rows, the rest from it. With no such
    summary, every one is summed from the rows."""
    if not summaries:
        return (), []
    from ..spend import SUMMARIES

    held = {name: columns for name, columns in SUMMARIES if name in summaries}
    for name, columns in held.items():
        if all(other <= columns for other in held.values()):
            return (name,), [(other, held[other]) for other in summaries if other != name]
    return tuple(summaries), []


def summaries_of(db, table: str) -> tuple[str, ...]:
    """The summary tables kept by triggers on ``table`` that exist in this database."""
    if table != "spend":
        return ()
    from ..spend import SUMMARIES

    return tuple(name for name, _ in SUMMARIES if store.table_exists(db, name))


_CREATE_TABLE = re.compile(r'(?is)^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:"(?:[^"]|"")+"|\S+?)\s*\((.*)$')
_CREATE_INDEX = re.compile(
    r'(?is)^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:"(?:[^"]|"")+"|\S+?)\s+ON\s+'
    r'(?:"(?:[^"]|"")+"|[^\s(]+)\s*\((.*)$')


def _renamed_table_sql(sql: str, new: str) -> str:
    match = _CREATE_TABLE.match(sql)
    if match is None:
        raise RuntimeError(f"cannot read the table definition to copy: {sql[:80]}")
    return f"CREATE TABLE {quoted(new)} ({match.group(1)}"


def _renamed_index_sql(sql: str, name: str, table: str) -> str:
    match = _CREATE_INDEX.match(sql)
    if match is None:
        raise RuntimeError(f"cannot read the index definition to copy: {sql[:80]}")
    return f"CREATE {match.group(1) or ''}INDEX {quoted(name)} ON {quoted(table)} ({match.group(2)}"
