"""From award to delivery: the worked example tender is awarded; the award becomes an
agreement; a KPI is added; two periods of delivery are recorded, one KPI missed; social
value promised against delivered shows in pounds; and the supplier's delivery record then
shows in a new tender's evaluation view. axe checks each step; 1280 px and 390 px."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, choose, click, click_option, fill, open_page, wait_until_idle

WINNER = "Weaver Valley Community Transport (fictional)"
PROVIDER = "Weaver Valley Community Transport"
SIDEBAR_NAME = "Your name (recorded in the audit log)"  # sign-in off: the name the audit log shows


def pick_many(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stMultiSelect"]', has_text=label).first.get_by_role("combobox")
    wanted = page.get_by_role("option", name=option, exact=True)
    click_option(page, box, wanted, typed=option)  # typed: long lists render only the options in view
    page.keyboard.press("Escape")


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_until_idle(page)


def metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True)).get_by_test_id("stMetricValue")


def record_return(page, measure: str, period: str, delivered: str) -> None:
    choose(page, "Measure", measure)
    choose(page, "Period", period)
    fill(page, "Delivered in the period", delivered)
    fill(page, "Evidence (report, register, link or document name; no personal data)", f"Monitoring report, {period}")
    click(page, "Record the return")
    expect(page.get_by_text(f"Recorded the return for {period.split(':')[0].lower()}.")).to_be_visible()


def test_award_to_agreement_to_delivery_record(page, app_server):
    # The winner is in the directory.
    open_page(page, app_server, "directory")
    page.get_by_text("Add an organisation").click()
    fill(page, "Name", PROVIDER)
    type_box = page.get_by_placeholder("Choose a type")  # the filters above have a "Type" too
    charity = page.get_by_role("option", name="charity", exact=True)
    click_option(page, type_box, charity, typed="charity")  # the Name field's Tab may still be rerunning
    pick_many(page, "Districts served", "Crewe and Nantwich")
    pick_many(page, "Themes (Local Area Agreement themes and Charity Commission classifications)",
              "Healthier communities and older people")
    fill(page, "Description of services", "Door-to-door community transport for older and disabled people")
    fill(page, SIDEBAR_NAME, "Olu Officer")
    click(page, "Add organisation")
    expect(page.get_by_text(f"Added {PROVIDER} as")).to_be_visible()

    # The tender is evaluated and awarded (the low price explained, the award pack issued).
    open_page(page, app_server, "tender")
    fill(page, SIDEBAR_NAME, "Sam Commissioner")
    click(page, "Open the fictional worked example")
    open_tab(page, "Results")
    expect(page.get_by_text(f"Most advantageous tender: {WINNER}")).to_be_visible()
    fill(page, "Northway Logistics Ltd (fictional)'s explanation of the price",
         "Vehicles already owned; confirmed at clarification")
    click(page, "Record the explanation")
    open_tab(page, "Award")
    click(page, "Issue the award pack")
    expect(page.get_by_text("Award pack issued: download the documents below")).to_be_visible()
    wait_until_idle(page)
    assert_accessible(page)

    # The award becomes an agreement.
    open_page(page, app_server, "agreements?agreements.tab=Add+an+agreement")
    fill(page, SIDEBAR_NAME, "Sam Commissioner")
    expect(page.get_by_text("Awarded to: awarded (award pack issued")).to_be_visible()
    fill(page, "Start date (DD/MM/YYYY)", "01/04/2024")
    fill(page, "End date (DD/MM/YYYY)", "31/03/2026")
    click(page, "Prepare the agreement from this award")
    expect(page.get_by_text("3 social-value commitment(s) with the tender's proxies")).to_be_visible()
    assert_accessible(page)
    click(page, "Save the agreement")
    expect(page.get_by_text("Saved AG-0001.")).to_be_visible()

    open_page(page, app_server, "agreements?agreements.ref=AG-0001")
    expect(metric(page, "Agreed value")).to_have_text("£180,000.00")
    expect(page.get_by_text(f"Provider: {PROVIDER}")).to_be_visible()
    assert_accessible(page)

    # A KPI, then two periods of delivery: 950 then 600 journeys against 900 (600 is 66.7%: missed).
    open_page(page, app_server, "monitoring?monitoring.agreement=AG-0001")
    fill(page, SIDEBAR_NAME, "Olu Officer")
    fill(page, "Name", "Journeys provided")
    fill(page, "Unit", "journeys")
    fill(page, "Target per period", "900")
    click(page, "Add")
    expect(page.get_by_text("Added the measure to AG-0001.")).to_be_visible()
    record_return(page, "Journeys provided (target 900 journeys a period)", "Period 1: 1 April 2024 to 30 September 2024", "950")
    record_return(page, "Journeys provided (target 900 journeys a period)", "Period 2: 1 October 2024 to 31 March 2025", "600")
    record_return(page, "volunteer hours (target 500 volunteer hours a period)", "Period 1: 1 April 2024 to 30 September 2024", "800")
    expect(metric(page, "Missed")).to_have_text("1")
    expect(metric(page, "Met")).to_have_text("2")
    # 800 volunteer hours x £14 = £11,200 delivered. Promised for the 2 periods reported, a quarter of each
    # commitment a period: 2 x (0.75 x £24,000 + 500 x £14 + 13 x £250) = 2 x £28,250 = £56,500.
    expect(metric(page, "Delivered")).to_have_text("£11,200.00")
    expect(metric(page, "Promised for periods reported")).to_have_text("£56,500.00")
    expect(metric(page, "Promised over the agreement")).to_have_text("£113,000.00")
    # Realised SROI: £11,200 / 1.035 on the £90,000 of periods 1 and 2 = 0.120; promised: £56,500 / 1.035 / £90,000.
    expect(metric(page, "Realised SROI")).to_have_text("£0.12 : £1")
    expect(metric(page, "Promised SROI, same periods")).to_have_text("£0.61 : £1")
    assert_accessible(page)

    # A new tender: the supplier bids again, and its record shows in the evaluation view.
    open_page(page, app_server, "tender")
    choose(page, "Tender", "Start a new tender")
    fill(page, SIDEBAR_NAME, "Sam Commissioner")
    fill(page, "Name of the tender", "Community transport 2027")
    click(page, "Create tender")
    fill(page, "Bidder", WINNER)
    fill(page, "Price (£)", "175000")
    click(page, "Save bid")
    open_tab(page, "Results")
    expect(page.get_by_text("Bidders' delivery record on past agreements")).to_be_visible()
    expect(page.get_by_text("section 23", exact=False)).to_be_visible()
    expect(page.get_by_text("Targets missed, partly met or late")).to_be_visible()
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 900})
    wait_until_idle(page)
    expect(page.get_by_text("Bidders' delivery record on past agreements")).to_be_visible()
    assert_accessible(page)
    open_page(page, app_server, "monitoring?monitoring.agreement=AG-0001")
    expect(metric(page, "Missed")).to_have_text("1")
    assert_accessible(page)
