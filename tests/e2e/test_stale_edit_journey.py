"""Two officers edit one organisation at once (issue 11): the second save is refused with
what changed and by whom, the second officer's input is kept, and saving again applies it.
Checked at 1280 px (Ann) and 390 px (Raj) wide, with axe after each step."""

from __future__ import annotations

import os

from tests.e2e.conftest import assert_accessible, click, fill, open_page, two_people, wait_until_idle

SCREENSHOTS = os.environ.get("STALE_SCREENSHOTS")  # a folder to save screenshots in, when looking


def open_editor(page, app_server, who: str, website: str) -> None:
    open_page(page, app_server, "organisation?org=DEMO-0001")
    if page.get_by_label("Your name (recorded in the audit log)", exact=True).count() == 0:
        page.get_by_role("button", name="Open sidebar").or_(page.get_by_test_id("stExpandSidebarButton")).first.click()
    fill(page, "Your name (recorded in the audit log)", who)
    wait_until_idle(page)
    page.get_by_text("Edit this organisation").click()
    fill(page, "Website", website)


def test_second_save_on_an_old_version_is_refused_and_input_kept(browser, app_server):
    with two_people(browser) as (ann, raj):
        open_editor(ann, app_server, "Ann", "https://ann.example.org")
        open_editor(raj, app_server, "Raj", "https://raj.example.org")
        assert_accessible(raj)

        click(ann, "Save changes")
        ann.get_by_text("Saved. The change is in the change log.").wait_for()
        assert_accessible(ann)

        click(raj, "Save changes")
        refused = raj.get_by_text("was changed by Ann", exact=False)
        refused.wait_for()
        assert "Nothing was saved" in refused.inner_text()
        assert raj.get_by_label("Website", exact=True).input_value() == "https://raj.example.org"  # kept
        if SCREENSHOTS:
            raj.screenshot(path=os.path.join(SCREENSHOTS, "stale-390.png"), full_page=True)
        assert_accessible(raj)

        click(raj, "Save changes")  # seen now: saving again applies Raj's change
        raj.get_by_text("Saved. The change is in the change log.").wait_for()
        open_page(ann, app_server, "organisation?org=DEMO-0001")
        wait_until_idle(ann)
        assert ann.get_by_text("raj.example.org").count() >= 1
        if SCREENSHOTS:
            ann.screenshot(path=os.path.join(SCREENSHOTS, "after-1280.png"), full_page=True)
        assert_accessible(ann)
