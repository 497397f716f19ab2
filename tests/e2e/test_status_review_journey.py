"""A strategy officer reviews the outcomes as of today, imports current figures from a CSV
file and sees the status change; on a desktop and on a phone, with axe after each step.
Each width gets its own server and database, so the figures are exact."""

from __future__ import annotations

import pytest

from tests.conftest import copy_database
from tests.e2e.conftest import assert_accessible, open_page, streamlit_server, type_name, wait_until_idle

# The officer's file: I5 (O4, organisations taking part in consultation) was 190 on
# 31/10/2011, its target date; the (illustrative) target was 200, so O4 moves from "out of
# date" to "target missed". By hand: missed was O2 and O6, now also O4 (3); out of date or
# no data was O1 and O4 illustrative (2), now O1 only (1).
FIGURES = b"indicator_id,observed_on,value,source,note,illustrative\nI5,31/10/2011,190,Consultation log 2011,,no\n"


@pytest.mark.parametrize("width", [1280, 390])
def test_status_review_with_imported_figures(browser, seeded_template, tmp_path, width):
    path = copy_database(seeded_template, tmp_path / "dashboard.db")
    with streamlit_server(path) as url:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(30_000)
        open_page(page, url)
        open_page(page, url, "outcomes?outcomes.focus=O4+Third+Sector+organisations+that+are+well+networked+and+coordinated")
        page.get_by_text("Changes made here").first.wait_for(timeout=60_000)
        wait_until_idle(page)
        page.get_by_text("2 target missed; 2 out of date or no data.").wait_for()
        assert page.get_by_text("whether 200 was reached is not known").first.is_visible()
        assert_accessible(page)

        type_name(page, "Strategy officer")
        csv_file = tmp_path / "figures.csv"
        csv_file.write_bytes(FIGURES)
        form = page.locator('[data-testid="stForm"]').filter(has_text="Import figures")
        form.locator('input[type="file"]').set_input_files(str(csv_file))
        form.get_by_role("button", name="Import figures").click()
        wait_until_idle(page)
        page.get_by_text("Imported 1 figure from the file.").wait_for()
        page.get_by_text("3 target missed; 1 out of date or no data.").wait_for()
        assert page.get_by_text("the figure for it, 190 on 31 October 2011, fell short of 200").first.is_visible()
        assert_accessible(page)
        context.close()
