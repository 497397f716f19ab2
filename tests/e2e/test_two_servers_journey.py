"""Two app servers on one database (issue 20): what one person saves on server A, a second
person on server B sees when they reload, and the other way round, as behind a load
balancer with sticky sessions. On the PostgreSQL pass both servers share one PostgreSQL
database (a clone of the seeded template); on the SQLite pass they share one SQLite file.
Ann works at 1280 px, Raj at 390 px; axe after each step."""

from __future__ import annotations

import pytest

from tests.conftest import copy_database
from tests.e2e.conftest import (_need_browser, assert_accessible, click, fill, open_page, streamlit_server, two_people,
                                type_name, wait_until_idle)

ORGANISATION = "organisation?org=DEMO-0001"


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory, seeded_template):
    """Servers A and B (their URLs), both on one new copy of the seeded database."""
    _need_browser()
    where = copy_database(seeded_template, tmp_path_factory.mktemp("two_servers") / "dashboard.db")
    with streamlit_server(where) as server_a, streamlit_server(where) as server_b:
        yield server_a, server_b


def save_website(page, server: str, who: str, website: str) -> None:
    open_page(page, server, ORGANISATION)
    type_name(page, who)
    page.get_by_text("Edit this organisation").click()
    fill(page, "Website", website)
    click(page, "Save changes")
    page.get_by_text("Saved. The change is in the change log.").wait_for()


def website_row(page) -> str:
    """The Website line of the organisation's Details table."""
    return page.locator('[data-testid="stTable"] tr', has_text="Website").first.inner_text()


def test_a_change_saved_on_one_server_shows_on_the_other(browser, two_servers):
    server_a, server_b = two_servers
    with two_people(browser) as (ann, raj):
        # Raj has the organisation open on server B (its cache now holds the record)
        open_page(raj, server_b, ORGANISATION)
        assert "Not recorded" in website_row(raj)
        assert_accessible(raj)

        # Ann saves a new website on server A
        save_website(ann, server_a, "Ann", "https://ann-on-a.example.org")
        assert "https://ann-on-a.example.org" in website_row(ann)
        assert_accessible(ann)

        # Raj reloads on server B and sees Ann's change
        raj.reload()
        wait_until_idle(raj)
        raj.get_by_text("ann-on-a.example.org", exact=False).first.wait_for()
        assert_accessible(raj)

        # Raj saves on server B (his version is Ann's, so the save is accepted) ...
        save_website(raj, server_b, "Raj", "https://raj-on-b.example.org")
        assert_accessible(raj)

        # ... and Ann, reloading on server A, sees it in place of her own
        ann.reload()
        wait_until_idle(ann)
        ann.get_by_text("raj-on-b.example.org", exact=False).first.wait_for()
        assert "https://raj-on-b.example.org" in website_row(ann)
        assert_accessible(ann)
