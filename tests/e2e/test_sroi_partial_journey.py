"""A commissioner types an SROI impact map one outcome at a time, on a desktop and on a
phone (where the form is the default). An outcome typed only in part is named by the
engine's own check ("Outcome 1 'Less lonely' is only partly filled") and cannot be added;
completed, it goes in, and the ratio matches the one worked by hand below (docs/sroi.md:
year 1 discounted, drop-off from year 2, 3.5%). axe runs after every step."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import (
    assert_accessible,
    metric_value,
    open_page,
    press,
    select_cell,
    type_cells,
    type_into,
    wait_until_idle,
)

OUTCOME_FORM = "div.st-key-sroi_outcome_form"


def type_investment(page, pounds: str) -> None:
    """The blank map's one investment line: select its Amount (£) cell, then type it."""
    editor = page.locator('[data-testid="stDataFrame"]').first
    select_cell(page, editor, row=0, from_right=40)
    type_cells(page, editor, [pounds])


def type_outcome(page, values: dict[str, str]):
    form = page.locator(OUTCOME_FORM)
    for label, value in values.items():
        type_into(page, form, label, value)
    return page.locator(OUTCOME_FORM)


def test_partly_filled_outcome_is_flagged_then_completed(screen, app_server):
    kind, page = screen
    open_page(page, app_server, "sroi")
    page.locator('[data-testid="stMetric"]', has_text="SROI ratio").wait_for(timeout=90_000)
    wait_until_idle(page)
    page.get_by_role("button", name="Start a blank impact map").click()
    wait_until_idle(page)
    if kind == "desktop":  # a desktop starts with the grid; a phone with the form
        page.get_by_role("radiogroup", name="Enter rows with").get_by_text("Form", exact=True).click()
        wait_until_idle(page)
    assert page.get_by_role("radio", name="Form").is_checked()
    page.get_by_text("No outcomes yet: add the first one below.").wait_for()
    assert_accessible(page)

    type_investment(page, "10000")
    page.get_by_text("Add the investment and at least one outcome").wait_for()
    assert_accessible(page)

    # Part of a row: a name, who it is for and how many, but no financial proxy yet.
    form = type_outcome(page, {"Stakeholder": "Older people", "Outcome": "Less lonely", "Quantity": "10"})
    flagged = form.get_by_text("Outcome 1 'Less lonely' is only partly filled: give its")
    flagged.wait_for()
    assert_accessible(page)
    press(page, form, "Add this outcome")
    page.locator(OUTCOME_FORM).get_by_text("The outcome was not saved: put right what is listed above.").wait_for()
    # Nothing half-added: still no outcome, so no ratio.
    assert page.get_by_text("No outcomes yet: add the first one below.").is_visible()
    expect(page.locator('[data-testid="stMetric"]', has_text="SROI ratio")).to_have_count(0)
    assert_accessible(page)

    # Completed: the proxy and its source, deadweight 20%, attribution 10%, one year.
    form = type_outcome(page, {"Financial proxy (£ a unit a year)": "2000", "Proxy source": "Journey test proxy",
                               "Deadweight (%)": "20", "Attribution (%)": "10", "Drop-off (%)": "0",
                               "Duration (years)": "1"})
    form.get_by_text("This outcome is complete.").wait_for()
    expect(form.get_by_text("is only partly filled")).to_have_count(0)
    assert_accessible(page)
    press(page, form, "Add this outcome")
    page.locator('[data-testid="stMetric"]', has_text="SROI ratio").wait_for()
    # By hand: 10 x £2,000 x (1 - 0.2) x (1 - 0.1) = £14,400 in year 1, discounted once at 3.5%.
    one = 14400 / 1.035
    assert metric_value(page, "Present value") == f"£{one:,.2f}" == "£13,913.04"
    assert metric_value(page, "SROI ratio") == f"£{one / 10000:,.2f} : £1" == "£1.39 : £1"
    assert_accessible(page)

    # A second outcome, lasting two years with half of it gone in year 2.
    form = type_outcome(page, {"Stakeholder": "Volunteers", "Outcome": "Wellbeing", "Quantity": "5",
                               "Financial proxy (£ a unit a year)": "1000", "Proxy source": "Journey test proxy",
                               "Deadweight (%)": "30", "Attribution (%)": "20", "Drop-off (%)": "50",
                               "Duration (years)": "2"})
    form.get_by_text("This outcome is complete.").wait_for()
    press(page, form, "Add this outcome")
    assert not page.locator('[data-testid="stAlertContentError"]').count()
    # By hand: 5 x £1,000 x 0.7 x 0.8 = £2,800 in year 1, then x (1 - 0.5) = £1,400 in year 2.
    present_value = 14400 / 1.035 + 2800 / 1.035 + 1400 / 1.035 ** 2
    expect(page.locator('[data-testid="stMetric"]', has_text="Present value").first.locator(
        '[data-testid="stMetricValue"]')).to_have_text(f"£{present_value:,.2f}")
    assert metric_value(page, "Present value") == "£17,925.27"
    assert metric_value(page, "SROI ratio") == f"£{present_value / 10000:,.2f} : £1" == "£1.79 : £1"
    # Payback: the investment over a month's year-1 value, (14,400 + 2,800) / 12.
    assert metric_value(page, "Payback") == f"{10000 / (17200 / 12):.1f} months" == "7.0 months"
    assert page.get_by_text("SROI guide convention: year 1 discounted, drop-off from year 2").is_visible()
    assert_accessible(page)
