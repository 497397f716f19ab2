"""The app's database connection and cached readers.

The database is created and seeded once per process (``database_path``). Reads go through
``reader``: ``st.cache_data`` around a models function ``f(db, *args)``, called as
``f(db_path, version, *args)`` and keyed by the database's path and a data version that
changes after every write (``data_changed``, and the database's own change marker, so a
write made by another app server or the command line shows too), so a write is visible at
once everywhere and each reader reads the database it is given."""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path
from typing import Iterator

import streamlit as st

from models import store
from models.database import change_marker, init_database

CACHE_TTL_SECONDS = 600
CACHE_ENTRIES = 64


@st.cache_resource(show_spinner="Preparing the database (first run only)…")
def _initialised(path: str) -> str:
    init_database(path)
    return path


def database_path() -> str:
    """The database this app uses (``$DASHBOARD_DB``: a SQLite file, or a ``postgresql://``
    URL), created and seeded on first use."""
    return _initialised(str(store.location()))


@contextlib.contextmanager
def database() -> Iterator[store.Database]:
    """A connection for one read or write, closed afterwards."""
    with store.opened(database_path()) as db:
        yield db


def data_version() -> int:
    """Changes after every write (part of every cache key): one made through this app at
    once (``data_changed``), one made elsewhere — another app server on the same
    PostgreSQL, the command line — when the database's change marker moves (two ``stat``
    calls on SQLite, one small query on a pooled PostgreSQL connection)."""
    where = database_path()
    return hash((st.session_state.setdefault("_data_version", 0) + _global_version(), change_marker(where)))


@st.cache_resource
def _version_box() -> dict:
    return {"version": 0}


def _global_version() -> int:
    return _version_box()["version"]


def data_changed() -> None:
    """Call after a write: clears cached reads for every session."""
    _version_box()["version"] += 1
    st.cache_data.clear()


def reader(function):
    """The one cached-reader mechanism: ``reader(f)`` for a function ``f(db, *args)`` (a models
    function, or one written in ui/ with ``@reader``) is ``f(db_path, version, *args)``, run
    on a connection to ``db_path`` of its own and cached by ``st.cache_data`` on every
    argument. ``version`` is ``data_version()``, which changes after every write."""

    @functools.wraps(function)  # the cache is keyed by f's module and name: one cache per f
    def read(db_path: str, version: int, *args):
        with store.opened(db_path) as db:
            return function(db, *args)

    return cached(read)


def cached(read):
    """The cache of every reader: ``st.cache_data`` on every argument of ``read(db_path,
    version, ...)``, kept CACHE_TTL_SECONDS, at most CACHE_ENTRIES results."""
    return st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=CACHE_ENTRIES, show_spinner=False)(read)


def project_path(*parts: str) -> Path:
    return store.PROJECT_ROOT.joinpath(*parts)
