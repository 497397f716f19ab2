"""The app's database connection and cached readers.

The database is created and seeded once per process (``ensure_database``). Reads go
through ``st.cache_data`` wrappers keyed by the database's path and a data version that
changes after every write (``data_changed``), so a write is visible at once everywhere."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

import streamlit as st
import sqlite_utils

from models import store
from models.database import init_database

CACHE_TTL_SECONDS = 600
CACHE_ENTRIES = 64


@st.cache_resource(show_spinner="Preparing the database (first run only)…")
def _initialised(path: str) -> str:
    init_database(path)
    return path


def database_path() -> str:
    """The database this app uses, created and seeded on first use."""
    return _initialised(str(store.default_db_path()))


@contextlib.contextmanager
def database() -> Iterator[sqlite_utils.Database]:
    """A connection for one read or write, closed afterwards."""
    with store.opened(database_path()) as db:
        yield db


def data_version() -> int:
    """Changes after every write made through this app (part of every cache key)."""
    return st.session_state.setdefault("_data_version", 0) + _global_version()


@st.cache_resource
def _version_box() -> dict:
    return {"version": 0}


def _global_version() -> int:
    return _version_box()["version"]


def data_changed() -> None:
    """Call after a write: clears cached reads for every session."""
    _version_box()["version"] += 1
    st.cache_data.clear()


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=CACHE_ENTRIES * 8, show_spinner=False)
def _read(db_path: str, version: int, module: str, name: str, args: tuple):
    """One cache for every plain reader: the models function ``module.name(db, *args)``
    on a connection of its own. ``version`` changes after every write (see data_changed)."""
    import importlib

    function = getattr(importlib.import_module(module), name)
    with store.opened(db_path) as db:
        return function(db, *args)


def reader(function):
    """A cached reader for the models function ``function(db, *args)``, called as
    ``reader(function)(db_path, version, *args)`` like every reader in ui/."""
    module, name = function.__module__, function.__qualname__

    def read(db_path: str, version: int, *args):
        return _read(db_path, version, module, name, args)

    read.__doc__ = f"Cached {module}.{name}(db, ...)."
    return read


def cached(func):
    """``st.cache_data`` for a reader ``func(db_path, version, ...)`` with the house limits."""
    return st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=CACHE_ENTRIES, show_spinner=False)(func)


def project_path(*parts: str) -> Path:
    return store.PROJECT_ROOT.joinpath(*parts)
