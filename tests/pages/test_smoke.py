"""Every page runs without an exception (Streamlit's AppTest, no browser)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

PAGES = sorted(p.name for p in (ROOT / "app_pages").glob("*.py"))


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


@pytest.mark.parametrize("page", PAGES)
def test_page_runs(page, db_path):
    app = run_page(page)
    assert not app.exception, f"{page}: {app.exception}"


def test_spend_page_shows_reconciled_total(db_path):
    app = run_page("spend.py")
    assert not app.exception
    shown = metrics(app)
    assert shown["Total spend"] == "£3,103,486.94"
    assert shown["Contracts"] == "£2,064,893.44"
    assert shown["Grants"] == "£1,038,593.50"
