"""The one way a page shows a domain error, and the one way text from data or a user is
put into Markdown (``plain``)."""

from __future__ import annotations

import re

import streamlit as st

from models.errors import DomainError

MOST_PROBLEMS_SHOWN = 20

# Characters that start Markdown (or Streamlit's own) formatting anywhere in a line: code,
# emphasis, links and images, HTML, headings, tables, strikethrough, LaTeX, and backslash.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$])")
# ... and at the start of a line: lists ("- ", "+ ", "1. ") and quotes are escaped there too.
_LINE_START = re.compile(r"^(\s*)([-+]|\d+\.)", re.MULTILINE)


def plain(text) -> str:
    """Text from data or a user, escaped so Markdown shows it exactly as written."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(text if text is not None else ""))
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def show_problems(error: DomainError, heading: str | None = None) -> None:
    """Show a ``DomainError`` (bad input, a refused or stale save) in one ``st.error``: the
    ``heading`` if given (what the person was doing, e.g. "Fix the impact map to see
    results."), the error's message, then, when there are several, every problem on its own
    line (the first 20) so all can be fixed in one go. Never a traceback; text is escaped."""
    text = plain(f"{heading} {error}" if heading else str(error))
    problems = [p for p in error.problems if p not in str(error)]  # each problem once
    if problems:
        text += "\n\n" + "\n".join(f"- {plain(p)}" for p in problems[:MOST_PROBLEMS_SHOWN])
        if len(problems) > MOST_PROBLEMS_SHOWN:
            text += f"\n- and {len(problems) - MOST_PROBLEMS_SHOWN:,} more"
    st.error(text, icon=":material/error:")
