"""Every page runs without an exception (Streamlit's AppTest, no browser)."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.pages.conftest import metrics, run_page  # noqa: F401 (also imported from here by older tests)

PAGES = sorted(p.name for p in (ROOT / "app_pages").glob("*.py"))


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
