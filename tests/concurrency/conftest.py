"""Fixtures of the concurrency suite."""

from __future__ import annotations

import os

import pytest

from tests.conftest import ON_POSTGRESQL, _admin, drop_database


@pytest.fixture
def empty_database(request, tmp_path):
    """A new database with no tables yet, on the engine under test: a SQLite file (not yet
    created), or a new empty PostgreSQL database on the test server (dropped afterwards)."""
    if not ON_POSTGRESQL:
        yield tmp_path / "fresh.db"
        return
    server = request.getfixturevalue("pg_url")
    name = f"empty_{os.getpid()}_{request.node.name[:30].lower()}"
    _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(server, f'CREATE DATABASE "{name}"')
    url = server.rsplit("/", 1)[0] + "/" + name
    yield url
    drop_database(url)
