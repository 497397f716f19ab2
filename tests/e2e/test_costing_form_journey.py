"""A third-sector manager costs two projects over three years, typing every row through the
one-row form (no grid), on a desktop and on a phone. The form checks as she types: a
negative amount is named before she can add it. Every figure below is worked by hand here.
axe runs after every step."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import (
    assert_accessible,
    metric_value,
    open_page,
    pick,
    press,
    type_into,
    wait_until_idle,
)

FORMS = {"Add or edit a project": "fcr_project_form", "Add or edit a direct cost line": "fcr_line_form",
         "Add or edit an overhead pool": "fcr_pool_form"}


def section(page, title: str):
    """The box holding one of the row forms."""
    wait_until_idle(page)
    return page.locator(f"div.st-key-{FORMS[title]}")


def test_two_projects_three_years_typed_through_the_form(screen, app_server):
    kind, page = screen
    open_page(page, app_server, "full-cost")
    page.get_by_role("button", name="Start a new costing (empty grids)").click()
    wait_until_idle(page)
    form_choice = page.get_by_role("radiogroup", name="Enter rows with").get_by_text("Form", exact=True)
    if kind == "desktop":  # a desktop starts with the grid; a phone with the form
        form_choice.click()
        wait_until_idle(page)
    assert page.get_by_role("radio", name="Form").is_checked()
    assert "fcr.entry=Form" in page.url or kind == "phone"
    assert_accessible(page)

    projects = section(page, "Add or edit a project")
    type_into(page, projects, "Project name", "Lunch club")
    type_into(page, projects, "Headcount", "4")
    assert_accessible(page)
    press(page, projects, "Add this project")
    projects = section(page, "Add or edit a project")
    type_into(page, projects, "Project name", "Advice line")
    type_into(page, projects, "Headcount", "2")
    press(page, projects, "Add this project")
    # Each project is flagged until it has direct costs.
    expect(page.get_by_text("No direct costs yet: add its direct cost lines below.")).to_have_count(2)
    assert_accessible(page)

    lines = section(page, "Add or edit a direct cost line")
    pick(page, lines, "Project", "Lunch club")
    pick(page, lines, "Category", "Salaries with on-costs")
    type_into(page, lines, "Amount in the first year (£)", "£20,000")
    pick(page, lines, "Pay or non-pay", "Pay")
    press(page, lines, "Add this direct cost line")
    lines = section(page, "Add or edit a direct cost line")
    pick(page, lines, "Project", "Advice line")
    pick(page, lines, "Category", "Materials")
    type_into(page, lines, "Amount in the first year (£)", "-500")
    # Checked as typed, before any save: the line is named with what is wrong.
    lines.get_by_text("Project 'Advice line', direct cost line 1 (Materials): -£500.00 is negative").wait_for()
    assert_accessible(page)
    type_into(page, lines, "Amount in the first year (£)", "10000")
    pick(page, lines, "Pay or non-pay", "Non-pay")
    lines.get_by_text("This direct cost line is complete.").wait_for()
    press(page, lines, "Add this direct cost line")
    expect(page.get_by_text("No direct costs yet: add its direct cost lines below.")).to_have_count(0)
    assert_accessible(page)

    pools = section(page, "Add or edit an overhead pool")
    type_into(page, pools, "Overhead pool (e.g. Premises)", "Premises")
    type_into(page, pools, "Amount in the first year (£)", "6000")
    pick(page, pools, "Shared by", "Headcount")
    pick(page, pools, "Pay or non-pay", "Non-pay")
    press(page, pools, "Add this overhead pool")
    assert_accessible(page)

    page.get_by_label("Years in the plan", exact=True).fill("3")
    page.keyboard.press("Tab")
    page.get_by_label("Pay inflation a year (%)", exact=True).fill("3")
    page.keyboard.press("Tab")
    page.get_by_label("Non-pay inflation a year (%)", exact=True).fill("2")
    page.keyboard.press("Tab")
    page.get_by_text("An overhead cap (% of direct costs)").click()
    page.get_by_label("Name of this costing", exact=True).fill(f"Two projects ({kind})")
    page.keyboard.press("Tab")
    wait_until_idle(page)
    page.get_by_role("button", name="Calculate").click()
    wait_until_idle(page)

    # By hand, year 1: Lunch club £20,000 pay + 4/6 of Premises £6,000 = £24,000;
    # Advice line £10,000 non-pay + 2/6 = £12,000; £36,000 in all, overheads £6,000 = 20.0%.
    assert metric_value(page, "Full cost of all projects") == "£36,000.00"
    assert metric_value(page, "Overheads shared out") == "£6,000.00"
    assert metric_value(page, "Overhead rate") == "20.0%"
    # Year 2: pay +3%, non-pay +2%: 20,600 + 10,200 + premises 6,120 (4,080 / 2,040).
    # Year 3: 21,218 + 10,404 + premises 6,242.40 (4,161.60 / 2,080.80).
    # A 10% cap funds direct costs x 1.1; shortfall each year = 10% of direct costs x ... worked out:
    #   year 1: (24,000 - 22,000) + (12,000 - 11,000)             = 3,000.00
    #   year 2: (24,680 - 22,660) + (12,240 - 11,220)             = 3,040.00
    #   year 3: (25,379.60 - 23,339.80) + (12,484.80 - 11,444.40) = 3,080.20
    assert metric_value(page, "Unrestricted income needed over 3 years") == "£9,120.20"
    # the chart's words agree in number: one pool, not "each of 1 overhead pools"
    assert page.get_by_text("full cost of 2 projects, £36,000.00 in all: each bar is the project's direct costs "
                            "followed by its share of the one overhead pool.").first.is_visible()
    assert not page.locator('[data-testid="stAlertContentError"]').count()
    assert_accessible(page)
