"""Shared fixtures and helpers: a fresh seeded database per test (a copy of one seeded
template made once per run), the command line in process, where the shared sample data is,
and a fingerprint to prove a database unchanged."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import sys
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


def database_fingerprint(path: Path) -> str:
    """SHA-256 of the database file and of any write-ahead log beside it."""
    digest = hashlib.sha256(path.read_bytes())
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        digest.update(wal.read_bytes())
    return digest.hexdigest()


def copy_database(source: Path, target: Path) -> Path:
    """A byte copy of a closed SQLite database (its write-ahead log folded in first)."""
    connection = sqlite3.connect(source)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    shutil.copyfile(source, target)
    return target


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    """One database migrated and seeded by ``init_database``, made once per test run; tests
    get copies (``db_path``), never this file."""
    path = init_database(tmp_path_factory.mktemp("template") / "template.db")
    return copy_database(path, path.with_name("seeded.db"))


@pytest.fixture
def db_path(tmp_path, monkeypatch, seeded_template) -> Path:
    """A new, seeded database file of this test's own (a copy of the session's seeded
    template: what ``init_database`` makes, in milliseconds); also the default for code that
    reads $DASHBOARD_DB."""
    path = copy_database(seeded_template, tmp_path / "dashboard.db")
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    return path


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
