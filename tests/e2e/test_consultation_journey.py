"""A service manager plans a consultation with the Compact toolkit, later records when it
ran, its responses and its feedback in the consultation log, and a strategy officer sees the
Compact dashboard change. axe runs after each step; the dashboard is also checked at 390 px.
This module has its own server and database (app_server is per module), so the figures are exact."""

from __future__ import annotations

from tests.e2e.conftest import assert_accessible, click_option, metric_value, open_page, type_name, wait_until_idle


def open_ready(page, app_server, path: str, ready_text: str) -> None:
    """Open the home page first (a fresh server can answer a deep link before it has
    registered its pages), then ``path``, and wait for ``ready_text``."""
    open_page(page, app_server)
    open_page(page, app_server, path)
    page.get_by_text(ready_text).first.wait_for(timeout=60_000)
    wait_until_idle(page)


def pick(page, label: str, option: str | None = None) -> None:
    """Choose ``option`` (the first option if None) in the Streamlit multiselect labelled ``label``."""
    box = page.locator('[data-testid="stMultiSelect"]', has_text=label).first
    wanted = page.get_by_role("option", name=option).first if option else page.get_by_role("option").first
    click_option(page, box, wanted)
    page.keyboard.press("Escape")
    wait_until_idle(page)


def test_plan_record_and_see_the_dashboard_change(page, app_server):
    # 1. Plan with the toolkit: the timeline from today, invitees from the directory.
    open_ready(page, app_server, "compact-toolkit", "5. Feedback template")
    assert page.get_by_role("heading", name="Compact toolkit: plan a consultation").is_visible()
    page.get_by_label("Subject").fill("Day opportunities for older people")
    page.get_by_label("Department").fill("Adult Social Care")
    page.get_by_label("Department").press("Tab")
    wait_until_idle(page)
    pick(page, "District", "Crewe and Nantwich")
    page.get_by_text("organisations match").first.wait_for()
    wait_until_idle(page)
    pick(page, "Invite these organisations")
    page.get_by_label("Groups to invite that are not in the directory (one a line)").fill("Carers at the Crewe day centre")
    type_name(page, "Journey manager")
    assert_accessible(page)
    page.get_by_role("button", name="Save the planned consultation").click()
    wait_until_idle(page)
    page.get_by_text("as planned consultation 1").wait_for()
    wait_until_idle(page)
    assert_accessible(page)

    # 2. The dashboard before it runs: 60 working days planned (meets), feedback not yet due.
    open_ready(page, app_server, "compact", "Funding for the funding checks")
    assert metric_value(page, "Consultation length") == "100.0%"
    assert metric_value(page, "Feedback published") == "Not yet due"
    assert_accessible(page)

    # 3. It ran from 5 January to 10 April 2026 (68 working days); record who took part,
    #    23 responses and the feedback published on 1 May 2026.
    open_ready(page, app_server, "consultations?consultation=1", "Changes made here")
    type_name(page, "Journey manager")  # a new visit is a new session
    form = page.locator('[data-testid="stForm"]').filter(has_text="Edit consultation 1")
    form.get_by_label("Start date (DD/MM/YYYY)").fill("05/01/2026")
    form.get_by_label("End date (DD/MM/YYYY)").fill("10/04/2026")
    form.get_by_label("Groups that took part, not in the directory (one a line)").fill("Carers at the Crewe day centre")
    form.get_by_label("Number of responses").fill("23")
    form.get_by_label("Feedback ('you said, we did') published on (DD/MM/YYYY)").fill("01/05/2026")
    form.get_by_label("Feedback text ('you said, we did')").fill(
        "You said: sessions end too early. We did: two evening sessions a week from June.")
    form.get_by_role("button", name="Save changes").click()
    wait_until_idle(page)
    page.get_by_text("Saved consultation 1 (now version 2).").wait_for()
    wait_until_idle(page)
    assert metric_value(page, "Responses") == "23"
    assert metric_value(page, "Status") == "Closed, feedback published"
    assert_accessible(page)

    # 4. A feedback date before the consultation ends is refused; nothing changes.
    form = page.locator('[data-testid="stForm"]').filter(has_text="Edit consultation 1")
    form.get_by_label("Feedback ('you said, we did') published on (DD/MM/YYYY)").fill("01/04/2026")
    form.get_by_role("button", name="Save changes").click()
    wait_until_idle(page)
    page.get_by_text("is before the consultation ends (10 April 2026)").wait_for()
    wait_until_idle(page)
    assert metric_value(page, "Version") == "2"
    assert_accessible(page)

    # 5. The dashboard has changed: feedback published 15 working days after closing (met).
    open_ready(page, app_server, "compact", "Funding for the funding checks")
    assert metric_value(page, "Consultation length") == "100.0%"
    assert metric_value(page, "Feedback published") == "100.0%"
    assert_accessible(page)

    # 6. The same on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    open_ready(page, app_server, "compact", "Funding for the funding checks")
    assert metric_value(page, "Feedback published") == "100.0%"
    assert_accessible(page)
