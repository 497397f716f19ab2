"""The SROI engine: the guide's examples, hand-calculated cases for each convention,
switching values that really give 1:1, the Monte Carlo, validation, and properties."""

from __future__ import annotations

import copy
import json
import math
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from models import sroi
from models.errors import ScenarioError
from tests.conftest import ROOT

EXAMPLE = ROOT / "data" / "examples" / "sroi_example.json"


def scenario_body(**outcome_fields) -> dict:
    """One outcome of 100 a year (1 x £100, no adjustments) unless told otherwise."""
    outcome = {"name": "Outcome A", "stakeholder": "Residents", "quantity": 1, "proxy_value": 100, "proxy_source": "test"}
    outcome.update(outcome_fields)
    return {"name": "Test", "investment": 100, "discount_rate": 0.035, "outcomes": [outcome]}


def calculate(body: dict) -> sroi.Result:
    return sroi.calculate(sroi.parse_scenario(body))


# --- the guide's drop-off example and the conventions -----------------------------------

def test_drop_off_example_from_the_guide():
    """The SROI guide: 100 with 10% drop-off is 90 in year 2 and 81 in year 3."""
    result = calculate(scenario_body(drop_off=0.1, duration_years=3))
    assert [round(v, 10) for v in result.outcomes[0].values_by_year] == [100, 90, 81]
    assert [round(y.value, 10) for y in result.years] == [100, 90, 81]


def test_guide_convention_discounts_year_one():
    result = calculate(scenario_body(drop_off=0.1, duration_years=3))
    # by hand: 100/1.035 + 90/1.035^2 + 81/1.035^3 = 96.6184 + 84.0160 + 73.0573
    expected = 100 / 1.035 + 90 / 1.071225 + 81 / 1.108717875
    assert result.present_value == pytest.approx(expected, abs=1e-9)
    assert result.present_value == pytest.approx(253.6917, abs=1e-4)
    assert result.net_present_value == pytest.approx(expected - 100, abs=1e-9)
    assert result.sroi_ratio == pytest.approx(expected / 100)
    assert result.net_sroi_ratio == pytest.approx((expected - 100) / 100)
    assert result.convention.describe() == "SROI guide convention: year 1 discounted, drop-off from year 2"


def test_year_one_undiscounted_convention():
    body = scenario_body(drop_off=0.1, duration_years=3)
    body["convention"] = {"year_one_discounted": False}
    result = calculate(body)
    expected = 100 + 90 / 1.035 + 81 / 1.071225   # = 100 + 86.9565 + 75.6144
    assert result.present_value == pytest.approx(expected, abs=1e-9)
    assert result.present_value == pytest.approx(262.5709, abs=1e-4)
    assert "year 1 not discounted" in result.convention.describe()


def test_drop_off_from_year_one_convention():
    body = scenario_body(drop_off=0.1, duration_years=3)
    body["convention"] = {"drop_off_from_year_one": True}
    result = calculate(body)
    assert [round(v, 10) for v in result.outcomes[0].values_by_year] == [90, 81, 72.9]
    expected = 90 / 1.035 + 81 / 1.071225 + 72.9 / 1.108717875
    assert result.present_value == pytest.approx(expected, abs=1e-9)
    assert result.present_value == pytest.approx(228.3225, abs=1e-4)
    assert result.payback_months == pytest.approx(100 / (90 / 12))   # year-1 value under this convention
    assert "drop-off from year 1" in result.convention.describe()


def test_both_alternative_conventions_together():
    body = scenario_body(drop_off=0.1, duration_years=3)
    body["convention"] = {"year_one_discounted": False, "drop_off_from_year_one": True}
    expected = 90 + 81 / 1.035 + 72.9 / 1.071225
    assert calculate(body).present_value == pytest.approx(expected, abs=1e-9)


def test_impact_formula_and_payback():
    body = scenario_body(quantity=40, proxy_value=3249, deadweight=0.2, attribution=0.1, displacement=0.05, duration_years=1)
    body["investment"] = 50000
    result = calculate(body)
    impact = 40 * 3249 * 0.8 * 0.95 * 0.9   # = 129,960 x 0.684 = 88,892.64
    assert result.outcomes[0].impact == pytest.approx(88892.64)
    assert result.present_value == pytest.approx(impact / 1.035)
    assert result.payback_months == pytest.approx(50000 / (impact / 12))   # 6.75 months
    assert result.payback_months == pytest.approx(6.7498, abs=1e-4)


def test_waterfall_parts_reconcile_to_present_value():
    result = calculate(scenario_body(quantity=10, proxy_value=500, deadweight=0.3, displacement=0.1, attribution=0.25, drop_off=0.2, duration_years=4))
    o = result.outcomes[0]
    removed = o.removed_by_deadweight + o.removed_by_displacement + o.removed_by_attribution + o.removed_by_drop_off + o.removed_by_discounting
    assert o.gross_value_all_years == pytest.approx(10 * 500 * 4)
    assert o.removed_by_deadweight == pytest.approx(20000 * 0.3)
    assert o.gross_value_all_years - removed == pytest.approx(o.present_value)


def test_zero_discount_rate_sums_values():
    body = scenario_body(drop_off=0.1, duration_years=3)
    body["discount_rate"] = 0
    assert calculate(body).present_value == pytest.approx(271)


def test_several_investment_lines_add_up():
    body = scenario_body()
    body["investment"] = [{"name": "Grant", "amount": 60}, {"name": "Volunteer time", "amount": 40}]
    assert calculate(body).investment == 100


def test_closed_form_matches_year_by_year():
    for convention in (sroi.Convention(), sroi.Convention(False, False), sroi.Convention(True, True), sroi.Convention(False, True)):
        for drop_off, duration, rate in ((0.1, 3, 0.035), (0.0, 5, 0.0), (0.5, 1, 0.1), (1.0, 4, 0.035)):
            body = scenario_body(drop_off=drop_off, duration_years=duration)
            body["discount_rate"] = rate
            body["convention"] = {"year_one_discounted": convention.year_one_discounted, "drop_off_from_year_one": convention.drop_off_from_year_one}
            expected = calculate(body).present_value
            assert 100 * float(sroi.present_value_factor(drop_off, duration, rate, convention)) == pytest.approx(expected, rel=1e-12)


# --- validation ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "change, message",
    [
        ({"deadweight": 1.2}, "Outcome 1 'Outcome A': deadweight must be between 0 and 1"),
        ({"attribution": -0.1}, "Outcome 1 'Outcome A': attribution must be between 0 and 1"),
        ({"drop_off": "lots"}, "Outcome 1 'Outcome A': drop_off: 'lots' is not a number"),
        ({"quantity": -3}, "Outcome 1 'Outcome A': quantity must not be negative"),
        ({"proxy_value": None}, "Outcome 1 'Outcome A' is only partly filled: give its financial proxy, or delete the row"),
        ({"duration_years": 2.5}, "Outcome 1 'Outcome A': duration_years must be a whole number"),
        ({"ranges": {"proxy_value": [120, 150]}}, "Outcome 1 'Outcome A': ranges.proxy_value must run from low to high"),
    ],
)
def test_bad_outcome_fields_name_outcome_and_field(change, message):
    with pytest.raises(ScenarioError) as error:
        calculate(scenario_body(**change))
    assert message in str(error.value)


def test_zero_investment_is_an_error():
    body = scenario_body()
    body["investment"] = 0
    with pytest.raises(ScenarioError, match="investment must be more than £0"):
        calculate(body)


def test_every_problem_is_listed():
    body = scenario_body(deadweight=2, quantity=-1)
    body["investment"] = 0
    with pytest.raises(ScenarioError) as error:
        calculate(body)
    assert len(error.value.problems) == 3


def test_missing_adjustments_default_to_zero_and_are_flagged():
    body = {"investment": 1000, "outcomes": [{"name": "Plain", "quantity": 2, "proxy_value": 100}]}
    scenario = sroi.parse_scenario(body)
    outcome = scenario.outcomes[0]
    assert (outcome.deadweight, outcome.displacement, outcome.attribution, outcome.drop_off) == (0, 0, 0, 0)
    assert scenario.discount_rate == 0.035
    warnings = sroi.honesty_warnings(scenario)
    assert any("no deadweight or attribution" in w for w in warnings)
    assert any("no source" in w for w in warnings)


def test_honesty_warnings_for_duration_and_high_ratio():
    body = scenario_body(deadweight=0.2, attribution=0.2, duration_years=8, quantity=100)
    warnings = sroi.honesty_warnings(sroi.parse_scenario(body))
    assert any("8 years" in w for w in warnings)
    assert any("above £10.00 : £1" in w for w in warnings)
    quiet = sroi.honesty_warnings(sroi.parse_scenario(scenario_body(deadweight=0.2, attribution=0.2, duration_years=3)))
    assert quiet == []


def test_scenario_round_trips_through_dict():
    scenario = sroi.parse_scenario(json.loads(EXAMPLE.read_text()))
    assert sroi.parse_scenario(sroi.scenario_to_dict(scenario)) == scenario


# --- sensitivity and switching values ----------------------------------------------------

def two_outcome_scenario() -> sroi.Scenario:
    body = {
        "investment": 20000,
        "outcomes": [
            {"name": "Jobs", "stakeholder": "Participants", "quantity": 10, "proxy_value": 2000, "deadweight": 0.3,
             "attribution": 0.2, "drop_off": 0.25, "duration_years": 3, "proxy_source": "test"},
            {"name": "Wellbeing", "stakeholder": "Participants", "quantity": 20, "proxy_value": 500, "deadweight": 0.1,
             "attribution": 0.1, "displacement": 0.1, "drop_off": 0.5, "duration_years": 2, "proxy_source": "test"},
        ],
    }
    return sroi.parse_scenario(body)


def test_switching_values_really_bring_the_ratio_to_one():
    scenario = two_outcome_scenario()
    assert sroi.calculate(scenario).sroi_ratio > 1
    by_label = {e.label(scenario): e for e in sroi.estimates(scenario)}
    solved = [v for v in sroi.switching_values(scenario) if v.value is not None]
    fields = {v.field for v in solved}
    assert {"quantity", "proxy_value", "deadweight", "attribution", "displacement", "investment", "discount_rate"} <= fields
    for value in solved:
        ratio = sroi.ratio_with(scenario, by_label[value.label], value.value)
        assert ratio == pytest.approx(1.0, abs=1e-9), value


def test_switching_value_by_hand_for_investment_and_quantity():
    scenario = sroi.parse_scenario(scenario_body(duration_years=1))   # PV = 100/1.035 = 96.62 < 100
    values = {v.field: v for v in sroi.switching_values(scenario)}
    assert values["investment"].value == pytest.approx(100 / 1.035)
    assert values["quantity"].value == pytest.approx(1.035)    # 1.035 units give PV 100
    assert values["quantity"].change == pytest.approx(0.035)
    assert values["deadweight"].value is None                  # even 0% keeps it below 1:1


def test_switching_value_for_drop_off_is_found_by_bisection():
    body = scenario_body(duration_years=5, drop_off=0.1)
    body["investment"] = 300                            # PV about 378: ratio above 1
    scenario = sroi.parse_scenario(body)
    value = {v.field: v for v in sroi.switching_values(scenario)}["drop_off"]
    assert 0.1 < value.value < 1
    estimate = [e for e in sroi.estimates(scenario) if e.field == "drop_off"][0]
    assert sroi.ratio_with(scenario, estimate, value.value) == pytest.approx(1, abs=1e-9)
    body["investment"] = 500                            # PV at 0% drop-off is 451.5: below 1 anyway
    value = {v.field: v for v in sroi.switching_values(sroi.parse_scenario(body))}["drop_off"]
    assert value.value is None and "even at 0%" in value.note


def test_tornado_sorted_by_swing_and_uses_ranges():
    scenario = sroi.parse_scenario(json.loads(EXAMPLE.read_text()))
    rows = sroi.tornado(scenario)
    swings = [r.swing for r in rows]
    assert swings == sorted(swings, reverse=True)
    proxy = [r for r in rows if r.label == "Less lonely older people: financial proxy"][0]
    assert (proxy.low, proxy.high) == (2600, 3900)     # the outcome's own range
    base = sroi.calculate(scenario).sroi_ratio
    assert proxy.ratio_at_low < base < proxy.ratio_at_high


# --- Monte Carlo -------------------------------------------------------------------------

def test_monte_carlo_is_repeatable_and_sensible():
    scenario = sroi.parse_scenario(json.loads(EXAMPLE.read_text()))
    first = sroi.monte_carlo(scenario, 5000)
    again = sroi.monte_carlo(scenario, 5000)
    assert first == again
    assert first.p10 < first.p50 < first.p90
    assert sum(first.histogram_counts) == 5000
    assert first.p10 < sroi.calculate(scenario).sroi_ratio < first.p90
    other_seed = sroi.monte_carlo(scenario, 5000, seed=1)
    assert other_seed.p50 != first.p50


def test_monte_carlo_without_spread_gives_the_exact_ratio():
    scenario = two_outcome_scenario()
    fixed = sroi.DefaultSpread(relative=0, fraction_points=0, duration_years=0)
    uncertainty = sroi.monte_carlo(scenario, 100, spread=fixed)
    assert uncertainty.p10 == pytest.approx(sroi.calculate(scenario).sroi_ratio, rel=1e-12)
    assert uncertainty.p90 == pytest.approx(uncertainty.p10, rel=1e-12)


def test_monte_carlo_probability_below_one():
    scenario = sroi.parse_scenario(scenario_body(duration_years=1))   # ratio 0.966 whatever the draw's middle
    wide = sroi.monte_carlo(scenario, 20000, spread=sroi.DefaultSpread(relative=0.5, fraction_points=0, duration_years=0))
    assert 0.45 < wide.probability_below_one < 0.75


# --- rounding to the penny ----------------------------------------------------------------

def test_json_reconciles_to_the_penny_and_has_the_issue_keys():
    scenario = sroi.parse_scenario(json.loads(EXAMPLE.read_text()))
    body = sroi.results_json(sroi.calculate(scenario))
    assert {"present_value", "net_present_value", "sroi_ratio", "net_sroi_ratio", "payback_months", "outcomes", "years"} <= set(body)
    total = Decimal(str(body["present_value"]))
    assert sum(Decimal(str(o["present_value"])) for o in body["outcomes"]) == total
    assert sum(Decimal(str(y["present_value"])) for y in body["years"]) == total
    assert body["net_present_value"] == float(total - Decimal("50000"))


@given(st.lists(st.floats(min_value=0, max_value=1e7, allow_nan=False), min_size=1, max_size=30))
def test_rounded_parts_always_add_up(parts):
    total = sroi.penny(math.fsum(parts))
    rounded = sroi.rounded_parts(parts, total)
    assert sum(rounded, Decimal(0)) == total
    assert all(abs(r - Decimal(repr(p))) < Decimal("0.02") for r, p in zip(rounded, parts))


# --- properties ----------------------------------------------------------------------------

fraction = st.floats(min_value=0, max_value=1, allow_nan=False)
conventions = st.sampled_from([sroi.Convention(a, b) for a in (True, False) for b in (True, False)])


@settings(max_examples=150, deadline=None)
@given(fraction, fraction, fraction, fraction, st.integers(1, 15), st.floats(0, 0.5), conventions)
def test_more_deadweight_never_raises_the_ratio(low, high, attribution, drop_off, duration, rate, convention):
    low, high = sorted((low, high))
    scenario = two_outcome_scenario()
    scenario = sroi.Scenario(scenario.name, scenario.investment_lines, scenario.outcomes, rate, convention)
    estimate = [e for e in sroi.estimates(scenario) if e.outcome_index == 0 and e.field == "deadweight"][0]
    shaped = sroi.with_estimate(scenario, [e for e in sroi.estimates(scenario) if e.outcome_index == 0 and e.field == "duration_years"][0], duration)
    shaped = sroi.with_estimate(shaped, [e for e in sroi.estimates(scenario) if e.outcome_index == 0 and e.field == "drop_off"][0], drop_off)
    shaped = sroi.with_estimate(shaped, [e for e in sroi.estimates(scenario) if e.outcome_index == 0 and e.field == "attribution"][0], attribution)
    assert sroi.ratio_with(shaped, estimate, high) <= sroi.ratio_with(shaped, estimate, low) + 1e-12


@settings(max_examples=150, deadline=None)
@given(st.floats(0, 0.99), st.floats(0, 0.99), fraction, st.integers(1, 20), conventions)
def test_higher_discount_rate_never_raises_present_value(rate_a, rate_b, drop_off, duration, convention):
    low, high = sorted((rate_a, rate_b))
    body = scenario_body(drop_off=drop_off, duration_years=duration)
    body["convention"] = {"year_one_discounted": convention.year_one_discounted, "drop_off_from_year_one": convention.drop_off_from_year_one}
    at_low, at_high = copy.deepcopy(body), copy.deepcopy(body)
    at_low["discount_rate"], at_high["discount_rate"] = low, high
    assert calculate(at_high).present_value <= calculate(at_low).present_value + 1e-9


@settings(max_examples=100, deadline=None)
@example(1000.0, 50.0, 0.0, 0.0, 0.0, 1e-10, 30, 1e-10, sroi.Convention())  # q = 1 - 2e-10: cancellation
@example(1000.0, 50.0, 0.0, 0.0, 0.0, 1.0, 5, 0.035, sroi.Convention())  # all gone after year 1
@example(1.0, 5e-324, 0.0, 0.0, 0.0, 0.0, 1, 0.0, sroi.Convention())  # year 1's value / 12 underflows to 0
@given(st.floats(0, 1e6), st.floats(0, 1e5), fraction, fraction, fraction, fraction, st.integers(1, 30), st.floats(0, 0.5), conventions)
def test_closed_form_agrees_with_year_by_year(quantity, proxy, deadweight, displacement, attribution, drop_off, duration, rate, convention):
    outcome = sroi.Outcome("X", "Y", quantity, proxy, deadweight, displacement, attribution, drop_off, duration)
    scenario = sroi.Scenario("P", (sroi.InvestmentLine("Investment", 1000.0),), (outcome,), rate, convention)
    expected = sroi.calculate(scenario).present_value
    closed = outcome.impact * float(sroi.present_value_factor(drop_off, duration, rate, convention))
    assert closed == pytest.approx(expected, rel=1e-9, abs=1e-6)


# --- the command line ----------------------------------------------------------------------

def test_cli_json_matches_the_engine(run_cli):
    result = run_cli("sroi", "--format", "json", "--simulations", "2000", str(EXAMPLE))
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    engine = sroi.calculate(sroi.parse_scenario(json.loads(EXAMPLE.read_text())))
    assert body["present_value"] == round(engine.present_value, 2) == 258304.07
    assert body["sroi_ratio"] == round(engine.sroi_ratio, 4) == 5.1661
    assert body["net_sroi_ratio"] == 4.1661
    assert body["payback_months"] == 5.67
    assert [o["name"] for o in body["outcomes"]] == ["Less lonely older people", "Volunteers' wellbeing", "Fewer GP appointments"]
    assert [y["year"] for y in body["years"]] == [1, 2, 3]
    assert body["convention"].startswith("SROI guide convention")
    assert body["uncertainty"]["simulations"] == 2000


def test_cli_table_shows_convention_and_ratio(run_cli):
    result = run_cli("sroi", EXAMPLE)
    assert result.exit_code == 0, result.stderr
    assert "FICTIONAL DEMONSTRATION DATA" in result.stdout
    assert "SROI guide convention: year 1 discounted, drop-off from year 2" in result.stdout
    assert "£5.17 : £1" in result.stdout
    assert "£258,304.07" in result.stdout


def test_cli_bad_scenario_names_outcome_and_field(tmp_path, run_cli):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(scenario_body(deadweight=1.5)))
    result = run_cli("sroi", bad)
    assert result.exit_code == 1
    assert "Outcome 1 'Outcome A': deadweight must be between 0 and 1" in result.stderr
    missing = run_cli("sroi", tmp_path / "nope.json")
    assert missing.exit_code == 1 and "cannot read" in missing.stderr
    not_json = tmp_path / "x.json"
    not_json.write_text("{oops")
    assert "not valid JSON" in run_cli("sroi", not_json).stderr


# --- a partly filled row is named, never left out of the ratio ------------------------------


def test_partly_filled_rows_are_named_each_with_what_is_missing():
    """Issue 14: rows typed in part were silently left out of the ratio. Three rows: one
    complete, one with only a name and quantity, one with only a stakeholder and proxy."""
    grid = sroi.impact_map_frame({"outcomes": [
        {"stakeholder": "Older people", "name": "Less lonely", "quantity": 10, "proxy_value": 2000},
        {"name": "Wellbeing", "quantity": 5},
        {"stakeholder": "Carers", "proxy_value": 300},
    ]})
    body = {"investment": 10000, "outcomes": sroi.outcomes_from_impact_map(grid)}
    with pytest.raises(ScenarioError) as error:
        sroi.parse_scenario(body)
    assert error.value.problems == [
        "Outcome 2 'Wellbeing' is only partly filled: give its financial proxy, or delete the row; "
        "no ratio is worked out until every outcome is complete",
        "Outcome 3 (for 'Carers') is only partly filled: give its outcome name and quantity, or delete the row; "
        "no ratio is worked out until every outcome is complete",
    ]


def test_a_wholly_empty_row_is_not_an_outcome():
    grid = sroi.impact_map_frame({"outcomes": [{"name": "Less lonely", "quantity": 10, "proxy_value": 2000}]})
    grid.loc[1] = [None] * len(grid.columns)  # a row added in the grid and left untouched
    assert len(sroi.outcomes_from_impact_map(grid)) == 1


def test_outcome_problems_checks_one_row_by_the_scenario_rules():
    """The one-row form checks as you type with the same rules as the whole scenario."""
    assert sroi.outcome_problems({"name": "Less lonely", "quantity": 10, "proxy_value": 2000}) == []
    assert sroi.outcome_problems({"name": "Less lonely", "quantity": 10}, position=4) == [
        "Outcome 4 'Less lonely' is only partly filled: give its financial proxy, or delete the row; "
        "no ratio is worked out until every outcome is complete"]
    assert sroi.outcome_problems({"name": "Less lonely", "quantity": 10, "proxy_value": 2000, "deadweight": 1.5}) == [
        "Outcome 1 'Less lonely': deadweight must be between 0 and 1 (0% to 100%); got 1.5 (150%)"]
