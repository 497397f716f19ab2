"""Run imports: detect each file's standard, validate it while streaming its rows into a
staging file (``staging.Stage``: never the database, never holding its write lock), and
publish them only when the file is good (or, with skip_invalid, its good rows), with an
import_log entry and an audit row, all or nothing and visible together, in steps short
enough that people's saves never wait long (see ``staging``). A dry run, a rejected file
or a re-import that changes nothing writes nothing, so the database file is left exactly
as it was.

Rows are upserted on the standard's own identifier (spend ``uid``, organisation
``org_id``): a re-import of the same file adds and updates nothing. A row that a later
import changes moves to that import, so removing an import removes what it last wrote."""

from __future__ import annotations

import hashlib
import multiprocessing
import operator
import queue
import threading
import traceback
from dataclasses import dataclass, field
from typing import Callable, Iterator

import pandas as pd

from .. import policy, store, versioned
from ..formatting import uk_short_date
from . import boundaries, charity_commission, council_spend, ocds, staging, table_swap, threesixtygiving
from .authorities import publisher_words
from .base import Context, DirectoryIndex, Record, Rows
from .detect import FORMAT_NAMES, detect_format
from .report import FileRejected, ValidationReport
from .sources import Source

IMPORTERS = {
    "360giving": threesixtygiving,
    "spend": council_spend,
    "charity-commission": charity_commission,
    "ocds": ocds,
    "boundaries": boundaries,
}
FORMATS = tuple(IMPORTERS)
KEY_COLUMN = {"spend": "uid", "organisations": "org_id", "boundary_areas": "area_key"}
STAMP_COLUMNS = staging.STAMP_COLUMNS
KEY_TITLE = {
    "360giving": "Identifier",
    "spend": "TransactionNumber",
    "charity-commission": "registered_charity_number",
    "ocds": "awards.id",
    "boundaries": "code",
}
Progress = Callable[[str, float, int], None]  # (file name, fraction of bytes read, rows read)


@dataclass
class ImportOptions:
    """How to import: the format ('auto' to detect), whether to write, whether bad rows
    may be skipped, and what the files cannot say themselves."""

    format: str = "auto"
    dry_run: bool = False
    skip_invalid: bool = False
    local_authority: str = "Cheshire East"
    publisher: str | None = None
    encoding: str = "auto"  # UTF-8, else Windows-1252 (with a note); or a named encoding
    imported_by: str = "command line"


@dataclass
class ImportResult:
    """What happened to one file (or one set of register tables imported together)."""

    file_name: str
    format: str | None
    report: ValidationReport
    sha256: str = ""
    publisher: str | None = None
    status: str = "rejected"  # imported | checked (dry run) | unchanged | nothing (to import) | rejected
    rows_read: int = 0
    rows_added: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_skipped: int = 0
    import_id: int | None = None
    table: str | None = None
    previous_import: str | None = None

    @property
    def ok(self) -> bool:
        """True when the file was (or, in a dry run, would be) imported."""
        return self.status in ("imported", "checked", "unchanged")

    @property
    def format_label(self) -> str:
        return FORMAT_NAMES.get(self.format or "", "unknown")

    def headline(self) -> str:
        """One line an officer reads first."""
        what = "organisation" if self.table == "organisations" else "row"
        counts = (
            f"{self.rows_added:,} {what}{'' if self.rows_added == 1 else 's'} added, {self.rows_updated:,} updated, "
            f"{self.rows_unchanged:,} unchanged, {self.rows_skipped:,} skipped"
        )
        if self.status == "imported":
            return f"{self.file_name}: imported as {self.format_label} — {counts}"
        if self.status == "checked":
            return f"{self.file_name}: checked, nothing written (dry run) — would be {counts}"
        if self.status == "nothing":
            if self.report.error_count:
                return f"{self.file_name}: nothing to import — every row has a problem ({self.report.error_count:,} found); nothing written"
            return f"{self.file_name}: nothing to import — the file holds no {what}s; nothing written"
        if self.status == "unchanged":
            return f"{self.file_name}: already imported{self.previous_import and ' on ' + self.previous_import or ''}; nothing changed ({counts})"
        errors = self.report.error_count
        return f"{self.file_name}: rejected, nothing written — {errors:,} problem{'s' if errors != 1 else ''} found"

    def as_dict(self) -> dict:
        return {
            "file": self.file_name, "format": self.format, "status": self.status, "sha256": self.sha256,
            "publisher": self.publisher, "rows_read": self.rows_read, "rows_added": self.rows_added,
            "rows_updated": self.rows_updated, "rows_unchanged": self.rows_unchanged,
            "rows_skipped": self.rows_skipped, "import_id": self.import_id,
            "table": self.table, "previous_import": self.previous_import, "report": self.report.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ImportResult":
        """The result ``as_dict`` described (a check run in another process)."""
        from .sandbox import report_from_dict

        fields = {k: data.get(k) for k in ("format", "sha256", "publisher", "status", "import_id", "table", "previous_import")}
        counts = {k: data.get(k) or 0 for k in ("rows_read", "rows_added", "rows_updated", "rows_unchanged", "rows_skipped")}
        return cls(file_name=data["file"], report=report_from_dict(data["report"]), **fields, **counts)


@dataclass
class _Job:
    format: str | None
    sources: list[Source]
    report: ValidationReport
    counter: dict = field(default_factory=lambda: {"read": 0})

    @property
    def name(self) -> str:
        return " + ".join(s.name for s in self.sources)


def import_sources(
    db: store.Database, sources: list[Source], options: ImportOptions | None = None, progress: Progress | None = None,
    *, actor: policy.Actor | None = None,
) -> list[ImportResult]:
    """Import each file (register tables given together are one import); one result each.
    Writing (not a dry run) needs ``data.import`` (``actor``, or else the local actor
    named ``options.imported_by``)."""
    options = options or ImportOptions()
    if options.format != "auto" and options.format not in IMPORTERS:
        raise ValueError(f"unknown format '{options.format}': choose auto or one of {', '.join(FORMATS)}")
    if not options.dry_run:
        policy.require(policy.actor_or_name(actor, options.imported_by), "data.import")
    return [_run(db, job, options, progress) for job in plan(sources, options)]


def plan(sources: list[Source], options: ImportOptions) -> list[_Job]:
    """Detect each file's format; gather Charity Commission tables into one job."""
    jobs: list[_Job] = []
    register: _Job | None = None
    for source in sources:
        report = ValidationReport(source.name)
        kind = options.format
        if kind == "auto":
            try:
                kind = detect_format(source, report, options.encoding)
            except FileRejected:
                jobs.append(_Job(None, [source], report))
                continue
        if kind == "charity-commission":
            if register is None:
                register = _Job(kind, [source], report)
                jobs.append(register)
            else:
                register.sources.append(source)
            continue
        jobs.append(_Job(kind, [source], report))
    if register is not None:
        register.report.file = register.name
        # the charity table first: it names the import
        register.sources.sort(key=lambda s: 0 if "charity." in s.name or s.name.endswith("charity.zip") else 1)
        # and the register before spend files, so their payments can be matched to it
        jobs.remove(register)
        jobs.insert(0, register)
    return jobs


def _run(db, job: _Job, options: ImportOptions, progress: Progress | None) -> ImportResult:
    result = ImportResult(file_name=job.name, format=job.format, report=job.report)
    if job.format is None:
        return result
    module = IMPORTERS[job.format]
    result.table = module.TABLE
    result.sha256 = _sha256(job.sources)
    tracked = [_tracked(s, job, progress) for s in job.sources]
    context = Context(
        file_name=job.name,
        loaded_at=store.now_iso(),
        encoding=options.encoding,
        publisher=options.publisher,
        local_authority=options.local_authority,
        directory=DirectoryIndex.load(db) if module in (council_spend, ocds) else None,
        extra_sources=tracked[1:],
    )
    # The log entry's fields known before reading (a big import into the spend table
    # starts writing its new copy while it reads: staging.Stage).
    logged = {"file_name": job.name, "sha256": result.sha256, "format": job.format,
              "imported_at": context.loaded_at, "imported_by": options.imported_by}
    try:
        with staging.Stage(db, module.TABLE, KEY_COLUMN[module.TABLE], stream_log=None if options.dry_run else logged) as stage:
            _stage_rows(db, stage, module, tracked[0], job, context, result, options, progress)
            result.rows_skipped = job.report.rows_with_errors
            if not job.report.ok and not options.skip_invalid:
                result.status = "rejected"
                return result
            if result.rows_added + result.rows_updated + result.rows_unchanged == 0:
                result.status = "nothing"  # a header-only file, no awards, or nothing valid: no log entry
                return result
            if options.dry_run:
                result.status = "checked"
                return result
            earlier = db.execute(
                "SELECT imported_at FROM import_log WHERE sha256 = :sha256 AND status = 'imported' ORDER BY id LIMIT 1",
                {"sha256": result.sha256},
            ).fetchone()
            if earlier and result.rows_added == 0 and result.rows_updated == 0:
                result.status = "unchanged"
                result.previous_import = uk_short_date(earlier[0])
                return result
            log = {**logged, "publisher": result.publisher, "rows_added": result.rows_added,
                   "rows_updated": result.rows_updated, "rows_skipped": result.rows_skipped}
            audit = {"file": job.name, "format": job.format, "sha256": result.sha256, "added": result.rows_added,
                     "updated": result.rows_updated, "skipped": result.rows_skipped}
            result.import_id = stage.publish(log, audit, who=options.imported_by)
            result.status = "imported"
    except FileRejected:
        result.status = "rejected"
    return result


def _stage_rows(db, stage: "staging.Stage", module, source, job, context, result, options, progress) -> None:
    """Stage the checked rows (``_checked_chunks``: read, validated, identifiers checked
    unique) in the staging file (not the database), noting, against the rows stored now,
    which are new, which change a stored row and which are the same (those are not
    staged). A large file is read and checked in a process of its own
    (``_read_elsewhere``) while this one stages, so the two run on two cores."""
    publishers: dict[str, None] = {}
    total = max(sum(s.size for s in job.sources), 1)
    reading = _checked_chunks(module, source, job, context, options, publishers, _folder(db))
    if total >= PARALLEL_MIN_BYTES and _may_fork():
        reading = _read_elsewhere(reading, job.report, publishers)
    for chunk in reading:
        result.rows_read += chunk.read
        if progress is not None:
            progress(job.name, min(chunk.bytes_read / total, 1.0), result.rows_read)
        if not chunk.rows or not chunk.ok:
            continue  # nothing new, or a file with errors (checked on, not written)
        added, updated, unchanged = stage.add(chunk.columns, chunk.keys, chunk.rows, write=not options.dry_run)
        result.rows_added += added
        result.rows_updated += updated
        result.rows_unchanged += unchanged
    result.publisher = job.report.publisher or publisher_words(list(publishers))
    if progress is not None:
        progress(job.name, 1.0, result.rows_read)


# Files from this size are read and checked in a process of their own (forked: it shares
# what this one has loaded, such as the directory), beside the one that writes, when the
# process may fork (``_may_fork``: the command line, not the app's server).
PARALLEL_MIN_BYTES = 8 * 1024 * 1024
RECEIVED_AHEAD = 2  # chunks read ahead of the writer (each about 10 MB of rows)


def _may_fork() -> bool:
    """Whether this process may fork a reader: a daemon may not start processes, and a
    process with other threads (the Streamlit server) is not forked, since a lock another
    thread holds would stay held in the child for ever. The command line may."""
    return ("fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon
            and threading.active_count() == 1)


@dataclass
class _Chunk:
    """One chunk of checked rows: how many rows were read, how far into the files, and
    the rows whose identifiers are new in the file, as value tuples in ``columns`` order."""

    read: int
    bytes_read: int
    columns: list[str]
    keys: list[str]
    rows: list[tuple]
    ok: bool  # no error so far (or bad rows may be skipped): the rows may be written


def _checked_chunks(module, source, job: _Job, context, options: ImportOptions, publishers: dict,
                    folder: str | None) -> Iterator[_Chunk]:
    """The importer's records in chunks, checked (the importer's own checks, then
    identifiers unique in the file), as value tuples: what the writer stages."""
    report = job.report
    with staging.scratch_file(folder, "seen") as (_path, seen):
        seen.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, place TEXT NOT NULL)")
        columns: list[str] = []
        values = None
        for records in module.read(source, report, context):
            if isinstance(records, Rows):  # built column-wise: no record objects
                yield _checked_rows(seen, records, report, job, options, publishers)
                continue
            fresh = _first_sightings(seen, records, report, job.format)
            if fresh and values is None:
                columns = list(fresh[0].values)
                values = operator.itemgetter(*columns) if len(columns) > 1 else (lambda v: (v[columns[0]],))
            if len(publishers) < 2:
                for record in fresh:
                    name = record.values.get("authority") or (
                        record.values.get("source") if module.TABLE == "organisations" else None)
                    if name:
                        publishers.setdefault(name)
            ok = report.ok or options.skip_invalid
            rows = [values(r.values) for r in fresh] if ok and fresh else []
            yield _Chunk(len(records), job.counter["read"], columns, [r.key for r in fresh] if rows else [], rows, ok)


def _checked_rows(seen, chunk: Rows, report: ValidationReport, job: _Job, options: ImportOptions,
                  publishers: dict) -> _Chunk:
    """``_checked_chunks`` for a chunk an importer built column-wise (``Rows``)."""
    fresh = _fresh_positions(seen, chunk.keys, chunk.where, report, job.format)
    keys, rows = chunk.keys, chunk.rows
    if fresh is not None:
        keys, rows = [keys[p] for p in fresh], [rows[p] for p in fresh]
    if len(publishers) < 2 and rows and "authority" in chunk.columns:
        at = chunk.columns.index("authority")
        for name in dict.fromkeys(row[at] for row in rows):
            if name:
                publishers.setdefault(name)
    ok = report.ok or options.skip_invalid
    if not (ok and rows):
        keys, rows = [], []
    return _Chunk(len(chunk), job.counter["read"], list(chunk.columns), keys, rows, ok)


def _read_elsewhere(reading: Iterator[_Chunk], report: ValidationReport, publishers: dict) -> Iterator[_Chunk]:
    """``reading``'s chunks, produced in a forked process and passed through a pipe (this
    process meanwhile stages them). The child's report (errors, warnings, notes) and the
    publishers it saw are copied back here at the end; a file it rejects is rejected
    here; if it fails, this fails. Stopping early stops the child."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)

    def work() -> None:
        receiving.close()
        try:
            for chunk in reading:
                sending.send(("chunk", chunk, None))
            sending.send(("done", _report_state(report), dict(publishers)))
        except FileRejected:
            sending.send(("rejected", _report_state(report), dict(publishers)))
        except BaseException:  # noqa: BLE001 - any failure is passed to the writer, which raises it
            sending.send(("failed", traceback.format_exc(), None))
        finally:
            sending.close()

    child = context.Process(target=work, name="import-reader", daemon=True)
    child.start()
    sending.close()
    # A thread takes the chunks off the pipe as they come, a few ahead (RECEIVED_AHEAD),
    # so the reader goes on reading while this process writes (the pipe itself holds
    # less than one chunk).
    received: queue.Queue = queue.Queue(maxsize=RECEIVED_AHEAD)
    stop = threading.Event()

    def receive() -> None:
        while not stop.is_set():
            try:
                message = receiving.recv()
            except (EOFError, OSError):
                message = ("stopped", None, None)
            while not stop.is_set():
                try:
                    received.put(message, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if message[0] != "chunk":
                return

    receiver = threading.Thread(target=receive, name="import-receiver", daemon=True)
    receiver.start()
    try:
        while True:
            kind, payload, seen = received.get()
            if kind == "stopped":
                raise RuntimeError(f"the process reading {report.file} stopped unexpectedly "
                                   f"(exit code {child.join(5) or child.exitcode})")
            if kind == "chunk":
                yield payload
                continue
            if kind == "failed":
                raise RuntimeError(f"reading {report.file} failed:\n{payload}")
            vars(report).update(payload)
            publishers.update(seen)
            if kind == "rejected":
                raise FileRejected(report)
            return
    finally:
        stop.set()
        if child.is_alive():
            child.terminate()
        child.join()
        receiver.join()
        receiving.close()


def _report_state(report: ValidationReport) -> dict:
    """What a report holds, to send to another process (its lock stays behind)."""
    return {name: value for name, value in vars(report).items() if name != "_lock"}


def _folder(db) -> str | None:
    return staging._folder(db)


def _first_sightings(seen, chunk: list[Record], report: ValidationReport, kind: str) -> list[Record]:
    """The records whose identifier has not appeared earlier in this file; a repeat is an
    error naming both places (the standard's identifiers must be unique in a file)."""
    fresh = _fresh_positions(seen, [r.key for r in chunk], [r.where for r in chunk], report, kind)
    return chunk if fresh is None else [chunk[p] for p in fresh]


def _fresh_positions(seen, keys: list[str], wheres: list[str], report: ValidationReport, kind: str) -> list[int] | None:
    """The positions of the identifiers in ``keys`` not seen earlier in this file (None:
    all of them); a repeat is an error naming both places.

    Insert-first: the chunk's identifiers go into the scratch file's ``seen`` table
    skipping those already there; only when some were skipped (a repeat) are the earlier
    places read."""
    firsts: dict[str, int] = {}
    for position, key in enumerate(keys):
        firsts.setdefault(key, position)
    pairs = zip(keys, wheres) if len(firsts) == len(keys) else ((k, wheres[p]) for k, p in firsts.items())
    added = staging.insert_new(seen, "seen", ["key", "place"], pairs, "key")
    if added == len(keys):
        return None
    distinct = list(firsts)
    places: dict[str, str] = {}
    for start in range(0, len(distinct), 900):
        part = {f"k{i}": key for i, key in enumerate(distinct[start : start + 900])}
        places.update(seen.execute(f"SELECT key, place FROM seen WHERE key IN ({', '.join(':' + k for k in part)})", part))
    fresh = []
    for position, key in enumerate(keys):
        first = places[key]
        if firsts[key] == position and first == wheres[position]:
            fresh.append(position)
        else:
            shown = key.split(":", 1)[1] if kind == "360giving" else key
            report.error(wheres[position], KEY_TITLE[kind], f"'{shown}' appears more than once in this file (first at {first}); identifiers must be unique")
    return fresh


def _sha256(sources: list[Source]) -> str:
    if len(sources) == 1:
        return sources[0].sha256()
    combined = hashlib.sha256()
    for digest in sorted(s.sha256() for s in sources):
        combined.update(digest.encode())
    return combined.hexdigest()


class _CountingReader:
    """A file wrapper that notes how far into the file reading has got (for progress)."""

    def __init__(self, handle, counter: dict):
        self._handle, self._counter = handle, counter

    def _note(self) -> None:
        try:
            self._counter["read"] = max(self._counter["read"], self._handle.tell())
        except (OSError, ValueError):
            pass

    def read(self, *args):
        data = self._handle.read(*args)
        self._note()
        return data

    def readline(self, *args):
        data = self._handle.readline(*args)
        self._note()
        return data

    def __iter__(self):
        for line in self._handle:
            self._note()
            yield line

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()


def _tracked(source: Source, job: _Job, progress) -> Source:
    if progress is None:
        return source
    return Source(name=source.name, open=lambda: _CountingReader(source.open(), job.counter), size=source.size)


# ---------------------------------------------------------------- the import log


def import_log(db: store.Database) -> pd.DataFrame:
    """Every import, newest first, with how many of its rows are in the database now."""
    return pd.DataFrame(
        db.execute(
            """
            SELECT l.id, l.file_name, l.format, l.publisher, l.rows_added, l.rows_updated, l.rows_skipped,
                   l.imported_at, l.imported_by, l.status, l.sha256,
                   (SELECT COUNT(*) FROM spend s WHERE s.import_id = l.id)
                 + (SELECT COUNT(*) FROM organisations o WHERE o.import_id = l.id)
                 + (SELECT COUNT(*) FROM boundary_areas b WHERE b.import_id = l.id) AS rows_now
            FROM import_log l WHERE l.status IN ('imported', 'removed') ORDER BY l.id DESC
            """
        ).fetchall(),
        columns=["id", "file_name", "format", "publisher", "rows_added", "rows_updated", "rows_skipped",
                 "imported_at", "imported_by", "status", "sha256", "rows_now"],
    )


def remove_import(db: store.Database, import_id: int, who: str | None = None, reason: str | None = None, *,
                  actor: policy.Actor | None = None) -> int:
    """Take out the rows an import wrote (spend, organisations or boundaries), all at
    once; the log keeps the entry, marked 'removed'. Returns the number of rows removed.

    Whether it exists and is not removed already is checked inside the transaction that
    removes it (two people pressing Remove at once remove it once). It waits for an
    import being published (they take turns). A large spend import is removed like a
    large import is published: a copy of the table without its rows is built in short
    steps and swapped in, so saves are never held up."""
    from ..errors import DomainError

    actor = policy.actor_or_name(actor, who)
    policy.require(actor, "data.remove_import", {"import_id": import_id})

    def check() -> tuple:
        row = db.execute("SELECT file_name, status FROM import_log WHERE id = :id", {"id": import_id}).fetchone()
        if row is None or row[1] not in ("imported", "removed"):
            raise DomainError(f"There is no import number {import_id} in the import log.")
        if row[1] == "removed":
            raise DomainError(f"The import of {row[0]} (number {import_id}) was removed already.")
        return row

    def mark_removed(row: tuple, removed: int) -> None:
        db.execute("UPDATE import_log SET status = 'removed' WHERE id = :id", {"id": import_id})
        versioned.record_audit(db, entity="import", entity_id=import_id, action="remove", who=actor.label,
                           before={"file": row[0], "rows": removed}, reason=reason)

    def remove_at_once() -> int:
        row = check()
        removed = 0
        for table in ("spend", "organisations", "boundary_areas"):
            if db.dialect == "postgresql":
                removed += staging.delete_import_postgresql(db, table, import_id)
            else:
                removed += db.execute(f"DELETE FROM {table} WHERE import_id = :id", {"id": import_id}).rowcount
        mark_removed(row, removed)
        return removed

    with staging.publish_lock(db, staging.REMOVE_LOCK_WAIT_SECONDS):
        if db.dialect == "postgresql":
            # One transaction, invisible until it commits; the write lock only at its end.
            with staging.transaction_locked_at_end(db):
                return remove_at_once()
        with staging.big_cache(db):
            table_swap.clear_leftovers(db)
            spend_rows = db.execute("SELECT COUNT(*) FROM spend WHERE import_id = :id", {"id": import_id}).fetchone()[0]
            if spend_rows >= staging.SWAP_MIN_ROWS:
                check()
                removed = {"rows": 0}

                def finish() -> None:
                    row = check()
                    removed["rows"] = spend_rows
                    mark_removed(row, spend_rows)

                table_swap.swap_table(db, "spend", keep="import_id IS DISTINCT FROM :import_id",
                                   keep_params={"import_id": import_id}, finish=finish)
                return removed["rows"]
            with store.transaction(db):
                return remove_at_once()
