"""The message a save leaves for the next run: a page writes, calls ``rerun_with_flash`` and,
at its top, ``show_flash`` shows the message once. Keyed by page (``<page>.flash``)."""

from __future__ import annotations

import streamlit as st

from .problems import plain

from .data import data_changed


def rerun_with_flash(page_key: str, message: str) -> None:
    """After a write: clear cached reads, keep ``message`` for the next run, rerun."""
    data_changed()
    st.session_state[f"{page_key}.flash"] = message
    st.rerun()


def show_flash(page_key: str) -> None:
    """Show (once) the message a form left before it reran the page."""
    if message := st.session_state.pop(f"{page_key}.flash", None):
        st.success(plain(message))  # messages carry names people typed
