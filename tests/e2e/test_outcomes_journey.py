"""A strategy officer checks the outcomes, adds an observation and sees the status change;
looks at the action plan; a service manager saves a self-assessment and reloads it. Every
page visited passes the axe check."""

from __future__ import annotations

import uuid

from tests.e2e.conftest import assert_accessible, click_option, metric_value, open_page, type_name, wait_until_idle


def open_strategy_page(page, app_server, path: str, ready_text: str = "Changes made here") -> None:
    """Open ``path`` and wait for ``ready_text`` (near the end of the page: the first run
    imports scikit-learn, which can outlast the idle check). On a server's very first
    session Streamlit can answer a deep link with 'Page not found' before the app has
    registered its pages, so the home page is opened first."""
    open_page(page, app_server)
    open_page(page, app_server, path)
    page.get_by_text(ready_text).first.wait_for(timeout=60_000)
    wait_until_idle(page)


def choose(page, label: str, option: str, within=None) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label`` (inside ``within``, a
    locator, if given; the list of options opens outside it, on the page)."""
    box = (within or page).locator('[data-testid="stSelectbox"]', has_text=label).first
    wanted = page.get_by_role("option", name=option).first
    click_option(page, box, wanted)


def submit_observation(page, *, date: str, value: str, source: str) -> None:
    form = page.locator('[data-testid="stForm"]').filter(has_text="Add observation")
    form.get_by_label("Date measured (DD/MM/YYYY)").fill(date)
    form.get_by_label("Value (a percentage from 0 to 100, or a number)").fill(value)
    form.get_by_label("Source (survey, report or data set)").fill(source)
    form.get_by_role("button", name="Add observation").click()
    wait_until_idle(page)


def test_add_observation_changes_status(page, app_server):
    open_strategy_page(page, app_server, "outcomes")
    type_name(page, "Journey test")
    assert page.get_by_role("heading", name="Outcomes and gaps").is_visible()
    # As of today every seeded target date has passed (see tests/pages/test_strategy_pages.py).
    assert metric_value(page, "Met or on track") == "0 of 6"
    assert metric_value(page, "Out of date or no data") == "2 of 6"
    assert page.get_by_text("2 target missed; 2 out of date or no data.").is_visible()
    assert page.get_by_text("Out of date: the target date has passed").first.is_visible()
    assert_accessible(page)

    form = page.locator('[data-testid="stForm"]').filter(has_text="Add observation")
    choose(page, "Indicator", "O4 – Third sector organisations and individuals taking part in Council consultation",
           within=form)
    submit_observation(page, date="31/10/2010", value="230", source="Consultation log 2010")
    page.get_by_text("Added the value 230").wait_for()
    # 230 on 31/10/2010 meets O4's illustrative target of 200 by 31/10/2011.
    page.get_by_text("1 met or on track; 2 target missed; 1 out of date or no data.").wait_for()
    assert page.get_by_text("Changes made here (audit trail)").is_visible()
    assert_accessible(page)


def test_bad_observation_is_refused(page, app_server):
    open_strategy_page(page, app_server, "outcomes?outcomes.focus=O1+Active+and+empowered+communities")
    submit_observation(page, date="31/03/2007", value="140", source="Survey")
    page.get_by_text("not a percentage between 0 and 100").wait_for()
    assert_accessible(page)


def test_action_plan(page, app_server):
    open_strategy_page(page, app_server, "action-plan")
    assert page.get_by_role("heading", name="Action plan").is_visible()
    assert page.get_by_text("32 of 32 actions shown").is_visible()
    assert_accessible(page)
    open_strategy_page(page, app_server, "action-plan?action_plan.stream=Devolve")
    assert page.get_by_text("8 of 32 actions shown").is_visible()


def test_action_plan_edit_and_save(page, app_server):
    owner = f"Journey owner {uuid.uuid4().hex[:6]}"
    open_strategy_page(page, app_server, "action-plan?action_plan.stream=Devolve&action_plan.side=Sector")
    type_name(page, "Journey test")  # the sidebar name is the one who acts: the page has no name box
    assert page.get_by_text("2 of 32 actions shown").is_visible()
    grid = page.locator('[data-testid="stDataFrameResizable"]').last  # the first is the chart's table
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = grid.bounding_box()
    # Columns: Action, Proposal, Status, Owner, ...; double-click the Owner cell of the first row.
    page.mouse.dblclick(box["x"] + 582, box["y"] + 53)
    editor = page.locator("textarea").first
    editor.fill(owner)
    editor.press("Enter")
    wait_until_idle(page)
    page.get_by_role("button", name="Save changes").click()
    wait_until_idle(page)
    page.get_by_text("Saved changes to 1 action: DEV-S1.").wait_for()
    audit = page.locator('[data-testid="stDataFrame"]').last
    assert "DEV-S1" in audit.inner_text() or page.get_by_text("DEV-S1").count()
    assert_accessible(page)


def test_self_assessment_saves_and_reloads(page, app_server):
    name = f"Journey assessment {uuid.uuid4().hex[:8]}"
    open_strategy_page(page, app_server, "self-assessment", "What the scores mean")
    assert page.get_by_role("heading", name="Commissioning self-assessment").is_visible()
    assert_accessible(page)
    page.get_by_label("Name of this assessment").fill(name)
    page.get_by_label("Date (DD/MM/YYYY)").fill("24/11/2026")
    choose(page, "Score (P1)", "3: Established")
    choose(page, "Score (Q15)", "1: Starting")
    page.get_by_label("Evidence (P1)").fill("Joint strategic needs assessment")
    page.locator('[data-testid="stForm"]').get_by_label("Your name").fill("Journey test")
    page.get_by_role("button", name="Save assessment").click()
    wait_until_idle(page)
    page.get_by_text(f"Saved '{name}'").wait_for()
    assert page.get_by_text("Mean score per principle").first.is_visible()
    assert_accessible(page)

    open_strategy_page(page, app_server, "self-assessment", "What the scores mean")
    choose(page, "Open a saved assessment", f"{name}, 24 November 2026")
    page.get_by_role("button", name="Load into the form").click()
    wait_until_idle(page)
    assert page.get_by_label("Name of this assessment").input_value() == name
    assert page.get_by_label("Evidence (P1)").input_value() == "Joint strategic needs assessment"
