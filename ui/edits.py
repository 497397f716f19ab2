"""Saving what a person edited when others may be editing the same record.

Streamlit runs the page again when a form is submitted, so the record read in that run
is already the newest: the version the person actually *saw* is the one remembered when
the form was last drawn (``opened_version``). A save sends that version; if someone
saved in between, ``models`` refuses it with ``errors.StaleEdit`` and ``show_error``
shows what changed beside the person's input, which the form still holds (forms that
may be refused do not clear on submit), so they can save again."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from models.errors import DomainError, StaleEdit

from .data import data_changed
from .problems import show_problems


def opened_version(key: str, current: Any) -> Any:
    """The version (or {id: version}) drawn on the previous run of this page under
    ``key``, or ``current`` on the first; remembers ``current`` for the next run."""
    seen = st.session_state.get(f"_opened.{key}", current)
    st.session_state[f"_opened.{key}"] = current
    return seen


def saw(key: str, current: Any) -> None:
    """Note that the person has now seen ``current`` under ``key`` (their own save, when
    the page does not run again after it)."""
    st.session_state[f"_opened.{key}"] = current


def show_error(error: DomainError, mine: dict[str, Any] | None = None, key: str = "edits.stale_table") -> None:
    """Show a refused save: the message and, for a stale save, the record as it stands
    now beside what the person entered (as text, never Markdown)."""
    if isinstance(error, StaleEdit):
        data_changed()  # the next run reads the record as it stands now, even from a cache
    show_problems(error)
    if isinstance(error, StaleEdit) and error.current:
        shown = [c for c in (mine or error.current) if c in error.current and c not in ("version",)]
        table = pd.DataFrame({
            "Field": shown,
            "Saved now": [_text(error.current.get(c)) for c in shown],
            **({"Your input": [_text(mine.get(c)) for c in shown]} if mine else {}),
        })
        st.dataframe(table, hide_index=True, width="stretch", key=key)


def _text(value: Any) -> str:
    return "" if value is None else str(value)
