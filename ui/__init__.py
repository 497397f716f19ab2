"""Streamlit pieces the pages share: cached readers, charts, formatting, downloads, and
``ui.show_problems``, the one way a page shows a domain error."""

from ui.problems import plain, show_problems  # noqa: F401 (ui.show_problems, ui.plain)
