"""Helpers for the page tests: run a page through app.py in Streamlit's AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def run_page(page: str, query_params: dict | None = None) -> AppTest:
    """Run the app (router and frame included) and switch to ``app_pages/<page>``."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    app.run()
    app.switch_page(f"app_pages/{page}")
    for name, value in (query_params or {}).items():
        app.query_params[name] = value
    app.run()
    return app


def metrics(app: AppTest) -> dict[str, str]:
    """The page's metrics as {label: value shown}."""
    return {m.label: m.value for m in app.metric}
