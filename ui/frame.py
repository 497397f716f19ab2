"""The sidebar frame every page shares: which data the app is showing."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from models import overview

from .data import data_version, database_path, reader


data_summary = reader(overview.data_summary)


def data_banner() -> None:
    """Sidebar note saying where the figures come from and what is fictional."""
    summary = data_summary(database_path(), data_version())
    with st.sidebar:
        st.markdown("**Data in use**")
        st.caption("Spend 2008/09: transcribed from the framework document (real figures).")
        if summary.imported_spend_files:
            st.caption(f"Imported files in use: {summary.imported_spend_files:,}.")
        if summary.demo_organisations:
            st.caption(
                f"Directory: {summary.demo_organisations:,} **fictional** demonstration organisations"
                + (f" and {summary.real_organisations:,} real ones." if summary.real_organisations else ".")
            )
        elif summary.real_organisations:
            st.caption(f"Directory: {summary.real_organisations:,} organisations from your data.")


def pages_for(sections: dict[str, list], actor, page_actions: dict[str, str]) -> dict[str, list]:
    """The sections and pages ``actor`` may open: a page listed in ``page_actions``
    (url path -> policy action) is left out unless the policy allows that action, so it is
    neither in the menu nor reachable by its address."""
    from models import policy

    allowed, left_out = {}, set()
    for section, pages in sections.items():
        kept = [p for p in pages if p.url_path not in page_actions or policy.decide(actor, page_actions[p.url_path])]
        left_out |= {_file_name(p) for p in pages if p not in kept}
        if kept:
            allowed[section] = kept
    st.session_state[_LEFT_OUT_KEY] = left_out
    return allowed


_LEFT_OUT_KEY = "frame.pages_left_out"


def _file_name(page) -> str:
    return Path(str(getattr(page, "_page", ""))).name


def page_open(path: str) -> bool:
    """Whether the page at ``path`` (``app_pages/x.py``) is open to the person using the
    app: links to pages they may not open are not drawn (Streamlit refuses them)."""
    return Path(path).name not in st.session_state.get(_LEFT_OUT_KEY, set())


def sidebar_navigation(sections: dict[str, list]) -> None:
    """The app's menu in the sidebar: a heading per section and a link per visible page."""
    with st.sidebar:
        for section, pages in sections.items():
            visible = [p for p in pages if getattr(p, "visibility", "visible") != "hidden"]
            if not visible:
                continue
            st.markdown(f"**{section}**")
            for page in visible:
                st.page_link(page, label=page.title, icon=page.icon)
        st.divider()
