"""Shared fixtures and helpers: a fresh seeded database per test (a copy of one seeded
template made once per run), the command line in process, where the shared sample data is,
and a fingerprint to prove a database unchanged.

The engine: SQLite files by default; with ``DASHBOARD_TEST_ENGINE=postgresql`` every ``db`` /
``db_path`` is a new PostgreSQL database cloned from a seeded template database on a
throwaway cluster (``$DASHBOARD_TEST_PG_URL``, else one started for the run by
``tests/pg_cluster.py``). ``db_path`` is then the database's URL rather than a file path."""

from __future__ import annotations

import hashlib
import itertools
import os
import queue
import shutil
import sqlite3
import sys
import threading
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hypothesis import settings  # noqa: E402

from models import store  # noqa: E402
from models.database import init_database  # noqa: E402

# In CI the property tests draw the same examples every run (derandomised), so a run's
# verdict does not depend on luck; locally they explore new examples each time.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

SHARED_DATA = ROOT.parent / "shared" / "data"
SHARED_SEED = ROOT.parent / "shared" / "seed"
BROKEN = ROOT / "tests" / "fixtures" / "broken"


ENGINE = os.environ.get("DASHBOARD_TEST_ENGINE", "sqlite")
if ENGINE not in ("sqlite", "postgresql"):
    raise SystemExit(f"DASHBOARD_TEST_ENGINE must be sqlite or postgresql, not {ENGINE!r}")
ON_POSTGRESQL = ENGINE == "postgresql"
_clone_numbers = itertools.count(1)
_session_databases: list[str] = []


def database_fingerprint(where) -> str:
    """SHA-256 of everything stored: the SQLite file and any write-ahead log beside it; on
    PostgreSQL, every row of every table."""
    if store.is_url(str(where)):
        return database_contents(where)
    path = Path(where)
    digest = hashlib.sha256(path.read_bytes())
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        digest.update(wal.read_bytes())
    return digest.hexdigest()


def database_contents(where) -> str:
    """SHA-256 of what is stored, whatever the file's bytes: every row of every table, and
    on SQLite the schema (each table's, index's, view's and trigger's definition)."""
    digest = hashlib.sha256()
    with store.opened(str(where)) as db:
        if db.dialect == "sqlite":
            schema = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
            digest.update(repr(schema).encode())
        for table in db.table_names():
            rows = sorted(repr(row) for row in db.execute(f'SELECT * FROM "{table}"').fetchall())
            digest.update(f"{table}:{len(rows)}:".encode() + "\n".join(rows).encode())
    return digest.hexdigest()


def _server_of(url: str) -> str:
    """The cluster's maintenance database URL for a database URL on it."""
    return url.rsplit("/", 1)[0] + "/postgres"


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_server_of(url), autocommit=True) as admin:
        admin.execute(sql)


def drop_database(url: str) -> None:
    """Drop a PostgreSQL database made by ``copy_database`` (its pooled connections first)."""
    store.dispose(url)
    _admin(url, f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def _clone(template: str) -> str:
    """A new database cloned from ``template`` (CREATE DATABASE ... TEMPLATE); its URL."""
    name = f"test_{os.getpid()}_{next(_clone_numbers)}"
    _admin(template, f'CREATE DATABASE "{name}" TEMPLATE "{template.rsplit("/", 1)[1]}"')
    return template.rsplit("/", 1)[0] + "/" + name


class _ClonePool:
    """Clones of the seeded template made a few tests ahead by a background thread, so the
    server copies the next test's database while this test runs (a clone costs the server
    0.3-1 s; the test's own work is Python in this process)."""

    def __init__(self, template: str, ahead: int = 2):
        self.template = template
        self.ready: queue.Queue = queue.Queue(maxsize=ahead)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._fill, name="clone-pool", daemon=True)
        self.thread.start()

    def _fill(self) -> None:
        while not self.stopping.is_set():
            try:
                made = _clone(self.template)
            except Exception as error:  # handed to the test that takes it
                made = error
            while not self.stopping.is_set():
                try:
                    self.ready.put(made, timeout=0.2)
                    break
                except queue.Full:
                    continue
            else:
                if isinstance(made, str):
                    drop_database(made)

    def take(self) -> str:
        made = self.ready.get()
        if isinstance(made, Exception):
            raise made
        return made

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)
        while not self.ready.empty():
            made = self.ready.get_nowait()
            if isinstance(made, str):
                drop_database(made)


_clone_pools: dict[str, _ClonePool] = {}


def copy_database(source, target: Path):
    """A copy of a closed database. SQLite: a byte copy of the file (its write-ahead log
    folded in first) at ``target``. PostgreSQL (``source`` a URL): a new database cloned from
    ``source`` as a template, its URL returned (``target`` is not used); dropped at the end
    of the run unless the caller drops it sooner (``drop_database``)."""
    if store.is_url(str(source)):
        source = str(source)
        store.dispose(source)
        pool = _clone_pools.get(source)
        url = pool.take() if pool is not None else _clone(source)
        _session_databases.append(url)
        return url
    connection = sqlite3.connect(source)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    shutil.copyfile(source, target)
    return target


@pytest.fixture(scope="session")
def pg_url(tmp_path_factory):
    """A PostgreSQL server (its maintenance database's URL): ``$DASHBOARD_TEST_PG_URL``
    (CI starts one), else a throwaway cluster started for this run. Never skipped: without
    PostgreSQL installed, the tests that need it fail saying how to install it."""
    from tests import pg_cluster

    url = os.environ.get("DASHBOARD_TEST_PG_URL")
    if url:
        yield url
        return
    if not pg_cluster.binaries_present():
        pytest.fail(f"PostgreSQL is needed and is not installed: {pg_cluster.INSTALL}")
    place = tmp_path_factory.mktemp("pg")
    url = pg_cluster.start(place)
    try:
        yield url
    finally:
        store.dispose()
        pg_cluster.stop(place)


def _postgresql_template(pg_url: str) -> str:
    name = f"template_{os.getpid()}"
    _admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(pg_url, f'CREATE DATABASE "{name}"')
    url = pg_url.rsplit("/", 1)[0] + "/" + name
    init_database(url)
    store.dispose(url)
    _session_databases.append(url)
    return url


@pytest.fixture(scope="session")
def seeded_template(request, tmp_path_factory):
    """One database migrated and seeded by ``init_database``, made once per test run; tests
    get copies (``db_path``), never this one. A file, or on PostgreSQL a template database's URL."""
    if ON_POSTGRESQL:
        url = _postgresql_template(request.getfixturevalue("pg_url"))
        _clone_pools[url] = _ClonePool(url)
        yield url
        _clone_pools.pop(url).close()
        store.dispose()
        for database in reversed(_session_databases):
            drop_database(database)
        return
    path = init_database(tmp_path_factory.mktemp("template") / "template.db")
    yield copy_database(path, path.with_name("seeded.db"))


def empty_postgresql(server: str):
    """A new PostgreSQL database with no tables on ``server`` (its URL), dropped afterwards."""
    name = f"empty_{uuid.uuid4().hex[:12]}"
    _admin(server, f'CREATE DATABASE "{name}"')
    url = server.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture
def empty_database(request, tmp_path):
    """A database with no tables yet, on the engine under test: a SQLite file not made yet,
    or a new, empty PostgreSQL database on the test server (dropped afterwards)."""
    if not ON_POSTGRESQL:
        yield tmp_path / "fresh.db"
        return
    yield from empty_postgresql(request.getfixturevalue("pg_url"))


@pytest.fixture
def new_postgresql(pg_url):
    """A new, empty PostgreSQL database whatever engine the run is on."""
    yield from empty_postgresql(pg_url)


@pytest.fixture
def db_path(tmp_path, monkeypatch, seeded_template):
    """A new, seeded database of this test's own (a copy of the session's seeded template:
    what ``init_database`` makes, in milliseconds); also the default for code that reads
    $DASHBOARD_DB. A file ``Path`` on SQLite, a URL on PostgreSQL."""
    where = copy_database(seeded_template, tmp_path / "dashboard.db")
    monkeypatch.setenv(store.DB_ENV_VAR, str(where))
    yield where
    if ON_POSTGRESQL:
        _session_databases.remove(where)
        drop_database(where)


@pytest.fixture
def db(db_path):
    with store.opened(db_path) as database:
        yield database


@pytest.fixture
def run_cli():
    """``run_cli("spend", "--db", path, ...)``: ``python -m models ...`` in this process (click's
    ``CliRunner``); returns a ``click.testing.Result`` with ``exit_code``, ``stdout`` and ``stderr``.
    Unexpected exceptions propagate, so a crash fails the test with its traceback."""
    from click.testing import CliRunner

    from models.__main__ import cli

    runner = CliRunner()

    def run(*args) -> "Result":  # noqa: F821
        return runner.invoke(cli, [str(a) for a in args], prog_name="python -m models", catch_exceptions=False)

    return run


@pytest.fixture
def shared_data() -> Path:
    """The read-only sample files in ../shared/data. Tests that need them are skipped,
    saying so, when the folder is absent (CI fails on skips, so it must be present there)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared sample data not found at {SHARED_DATA}: these tests need ../shared/data")
    return SHARED_DATA
