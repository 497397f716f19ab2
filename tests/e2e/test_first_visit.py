"""A member opening a shared link on a freshly started server gets the whole app (menu,
data banner), not a bare page: the first visit must go through app.py's router."""

from __future__ import annotations

from tests.e2e.conftest import _need_browser, streamlit_server, wait_until_idle


def test_first_visit_to_a_shared_link(browser, tmp_path):
    _need_browser()
    with streamlit_server(tmp_path / "dashboard.db") as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page = context.new_page()
        page.goto(f"{url}/spend?spend.body=Health")
        wait_until_idle(page)
        sidebar = page.get_by_test_id("stSidebar")
        assert sidebar.get_by_text("Data in use").is_visible()
        assert sidebar.get_by_role("link", name="Spend explorer").is_visible()
        metric = page.locator('[data-testid="stMetric"]', has_text="Total spend").first
        assert metric.locator('[data-testid="stMetricValue"]').inner_text() == "£1,096,680.98"
        context.close()
