"""Full cost recovery engine: allocation by each driver against hand calculations, exact
reconciliation to the penny, the multi-year plan, the funding gap and the error cases."""

from __future__ import annotations

import copy
import io
import json
from fractions import Fraction

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import cost_recovery as fcr
from models.errors import ScenarioError
from models.export import xlsx_bytes
from tests.conftest import ROOT

EXAMPLE = ROOT / "data" / "examples" / "fcr_example.json"


@pytest.fixture
def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def simple(**changes) -> dict:
    """Two projects, two pools: the shape of the issue's example."""
    body = {
        "name": "Two projects",
        "projects": [
            {"name": "A", "direct_costs": 200000, "drivers": {"headcount": 4, "staff_time": 50}},
            {"name": "B", "direct_costs": 100000, "drivers": {"headcount": 2, "staff_time": 50}},
        ],
        "overheads": [
            {"name": "Premises", "amount": 36000, "driver": "headcount"},
            {"name": "Governance", "amount": 18000, "driver": "direct_costs"},
        ],
    }
    body.update(changes)
    return body


def by_name(result: fcr.CostingResult, year: int = 1) -> dict[str, fcr.ProjectCost]:
    return {p.name: p for p in result.years[year - 1].projects}


# --- allocation ------------------------------------------------------------------------

def test_largest_remainder_gives_the_odd_penny_to_the_largest_fraction():
    assert fcr.allocate_pence(100, [Fraction(1)] * 3) == [34, 33, 33]  # tie: the earlier one
    assert fcr.allocate_pence(10, [Fraction(1), Fraction(2)]) == [3, 7]  # 3.33 / 6.67
    assert fcr.allocate_pence(0, [Fraction(1), Fraction(1)]) == [0, 0]
    assert fcr.allocate_pence(5, [Fraction(0), Fraction(3)]) == [0, 5]
    with pytest.raises(ValueError):
        fcr.allocate_pence(5, [Fraction(0), Fraction(0)])


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.fractions(min_value=0, max_value=10**6, max_denominator=100), min_size=1, max_size=40).filter(
        lambda w: sum(w) > 0
    ),
)
def test_allocation_always_sums_to_the_pool_to_the_penny(total, weights):
    shares = fcr.allocate_pence(total, weights)
    assert sum(shares) == total
    exact = [Fraction(total) * w / sum(weights) for w in weights]
    assert all(abs(s - e) < 1 for s, e in zip(shares, exact))  # nobody is off by a whole penny
    assert all(s >= 0 for s in shares)


def test_example_year_one_by_every_driver_matches_hand_calculation(example):
    result = fcr.calculate(example)
    projects = by_name(result)
    youth, debt, befriend = projects["Youth club"], projects["Debt advice"], projects["Befriending older people"]
    # Premises £36,000 by floor area 180 : 90 : 30 (300 m²).
    assert [youth.overheads_by_pool["Premises"], debt.overheads_by_pool["Premises"], befriend.overheads_by_pool["Premises"]] == [
        2_160_000, 1_080_000, 360_000]
    # Finance £42,000 by headcount 4 : 5 : 2 -> 15,272.7272 / 19,090.9090 / 7,636.3636: the
    # two spare pence go to the largest fractions (.909 then .727).
    pool = "Finance, HR and IT"
    assert [youth.overheads_by_pool[pool], debt.overheads_by_pool[pool], befriend.overheads_by_pool[pool]] == [
        1_527_273, 1_909_091, 763_636]
    # Governance £18,000 by direct costs 110,000 : 128,000 : 53,000 -> 6,804.1237 /
    # 7,917.5257(7) / 3,278.3505: one spare penny, to Debt advice (.58 of a penny).
    pool = "Governance and strategic development"
    assert [youth.overheads_by_pool[pool], debt.overheads_by_pool[pool], befriend.overheads_by_pool[pool]] == [
        680_412, 791_753, 327_835]
    # Fundraising £12,000 by staff time 40 : 45 : 15.
    assert [youth.overheads_by_pool["Fundraising"], debt.overheads_by_pool["Fundraising"],
            befriend.overheads_by_pool["Fundraising"]] == [480_000, 540_000, 180_000]
    assert youth.direct_pence == 11_000_000
    assert youth.full_cost_pence == 11_000_000 + 2_160_000 + 1_527_273 + 680_412 + 480_000
    assert youth.overhead_rate == pytest.approx(4_847_685 / 11_000_000)


def test_fixed_shares_charge_a_pool_directly():
    body = simple(overheads=[{"name": "Chief executive", "amount": 1000.01, "shares": {"A": 70, "B": 30}}])
    projects = by_name(fcr.calculate(body))
    # 100,001 pence x 70% = 70,000.7 -> 70,001; x 30% = 30,000.3 -> 30,000.
    assert projects["A"].overheads_by_pool["Chief executive"] == 70_001
    assert projects["B"].overheads_by_pool["Chief executive"] == 30_000
    body = simple(overheads=[{"name": "Van", "amount": 500, "driver": "fixed_shares", "shares": {"B": 100}}])
    projects = by_name(fcr.calculate(body))
    assert (projects["A"].overheads_pence, projects["B"].overheads_pence) == (0, 50_000)


def test_named_driver_and_missing_quantity_counts_as_zero():
    body = simple()
    body["projects"][0]["drivers"]["minibus_miles"] = 300
    body["overheads"].append({"name": "Minibus", "amount": 900, "driver": "minibus_miles"})
    projects = by_name(fcr.calculate(body))
    assert projects["A"].overheads_by_pool["Minibus"] == 90_000
    assert projects["B"].overheads_by_pool["Minibus"] == 0


def test_issue_example_and_output_shape():
    result = fcr.calculate(simple())
    out = fcr.to_json(result)
    assert out["total_overheads"] == 54000.0
    assert out["total_full_cost"] == 354000.0
    a = out["projects"][0]
    assert a == {
        "name": "A", "direct_costs": 200000.0, "overheads": 36000.0, "full_cost": 236000.0,
        "overhead_rate": 0.18, "by_pool": {"Premises": 24000.0, "Governance": 12000.0},
    }


# --- reconciliation ----------------------------------------------------------------------

def assert_reconciles(result: fcr.CostingResult) -> None:
    for year in result.years:
        for pool, pence in year.pools.items():
            assert sum(p.overheads_by_pool[pool] for p in year.projects) == pence, pool
        assert year.total_overheads_pence == sum(year.pools.values())
        assert year.total_full_cost_pence == year.total_direct_pence + sum(year.pools.values())


def test_example_reconciles_every_year(example):
    result = fcr.calculate(example)
    assert_reconciles(result)
    summary = fcr.summary_frame(result)
    total = summary[summary["Project"] == "Total"].iloc[0]
    assert total["Full cost (£)"] == 399000.00
    assert round(summary["Full cost (£)"][:-1].sum(), 2) == 399000.00
    assert summary["Share of total"][:-1].sum() == pytest.approx(1.0)


amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(
    directs=st.lists(amounts, min_size=1, max_size=12),
    pools=st.lists(st.tuples(amounts, st.sampled_from(["headcount", "direct_costs", "floor_area"])), min_size=1, max_size=6),
    seed=st.integers(min_value=1, max_value=97),
    years=st.integers(min_value=1, max_value=5),
)
def test_any_costing_loses_and_doubles_nothing(directs, pools, seed, years):
    if sum(directs) == 0:
        directs[0] += 1
    body = {
        "projects": [
            {"name": f"P{i}", "direct_costs": str(d), "drivers": {"headcount": (i * seed) % 7 + 1, "floor_area": (i * seed) % 13 + 0.5},
             "activity_change": ((i * seed) % 5) / 20}
            for i, d in enumerate(directs)
        ],
        "overheads": [{"name": f"Pool {j}", "amount": str(a), "driver": driver, "kind": "pay" if j % 2 else "non_pay"}
                      for j, (a, driver) in enumerate(pools)],
        "plan": {"years": years, "pay_inflation": 0.037, "non_pay_inflation": 0.021},
    }
    result = fcr.calculate(body)
    assert_reconciles(result)
    assert result.first_year.total_overheads_pence == sum(int(a * 100) for a, _ in pools)


# --- multi-year ----------------------------------------------------------------------------

def test_multi_year_inflation_and_activity_by_hand():
    body = {
        "projects": [
            {"name": "A", "drivers": {"headcount": 1}, "activity_change": [0.1, 0],
             "direct_costs": [{"category": "Salaries with on-costs", "amount": 1000, "kind": "pay"},
                              {"category": "Materials", "amount": 500, "kind": "non_pay"}]},
            {"name": "B", "drivers": {"headcount": 1}, "direct_costs": 1000},
        ],
        "overheads": [{"name": "Rent", "amount": 100, "driver": "headcount"},
                      {"name": "Finance", "amount": 200, "driver": "direct_costs", "kind": "pay"}],
        "plan": {"years": 3, "pay_inflation": 0.03, "non_pay_inflation": 0.02},
    }
    result = fcr.calculate(body)
    year2, year3 = by_name(result, 2), by_name(result, 3)
    # Year 2: A = 1000 x 1.03 x 1.1 + 500 x 1.02 x 1.1 = 1133 + 561; B (a plain number is pay) = 1030.
    assert year2["A"].direct_by_category == {"Salaries with on-costs": 113_300, "Materials": 56_100}
    assert year2["B"].direct_pence == 103_000
    # Year 3: A = 1000 x 1.03² x 1.1 = 1166.99, 500 x 1.02² x 1.1 = 572.22; B = 1060.90.
    assert year3["A"].direct_pence == 116_699 + 57_222
    assert year3["B"].direct_pence == 106_090
    # Pools: rent is non-pay (2%), finance is pay (3%); activity does not grow a pool.
    assert result.years[2].pools == {"Rent": 10_404, "Finance": 21_218}
    # Headcount grows with activity: A's 1.1 against B's 1 shares year-2 rent of £102.
    assert year2["A"].overheads_by_pool["Rent"] == 5_343  # 10,200 x 1.1 / 2.1 = 5,342.86
    assert_reconciles(result)
    plan = fcr.multi_year_frame(result)
    total = plan[(plan["Year"] == "All years") & (plan["Project"] == "All projects")].iloc[0]
    assert total["Full cost (£)"] == pytest.approx(sum(y.total_full_cost_pence for y in result.years) / 100)


# --- funding gap --------------------------------------------------------------------------

def test_funding_gap_against_an_offer_and_unrestricted_income():
    body = simple(funding={"basis": "offer"})
    body["projects"][0]["offer"] = 220000  # full cost 236,000 -> shortfall 16,000
    body["projects"][1]["offer"] = 120000  # full cost 118,000 -> surplus 2,000, which cannot cover A
    result = fcr.calculate(body)
    gaps = {g.project: g for g in result.gaps}
    assert gaps["A"].shortfall_pence == 1_600_000 and gaps["A"].surplus_pence == 0
    assert gaps["B"].shortfall_pence == 0 and gaps["B"].surplus_pence == 200_000
    assert fcr.unrestricted_income_needed(list(result.gaps)) == {1: 1_600_000}


def test_funding_gap_against_an_overhead_cap_each_year():
    body = simple(funding={"basis": "cap", "cap": 0.1}, plan={"years": 2, "pay_inflation": 0.05})
    result = fcr.calculate(body)
    gaps = {(g.project, g.year): g for g in result.gaps}
    # Year 1: A's overheads 36,000 against 10% of 200,000 = 20,000.
    assert gaps[("A", 1)].funded_pence == 22_000_000
    assert gaps[("A", 1)].shortfall_pence == 1_600_000
    assert gaps[("B", 1)].shortfall_pence == 1_800_000 - 1_000_000
    # Year 2: direct costs (pay) up 5%: A 210,000 funded 231,000; pools are non-pay (0%).
    assert gaps[("A", 2)].funded_pence == 23_100_000
    a2 = by_name(result, 2)["A"]
    assert gaps[("A", 2)].shortfall_pence == a2.full_cost_pence - 23_100_000
    frame = fcr.unrestricted_frame(result)
    assert frame.iloc[-1]["Unrestricted income needed (£)"] == pytest.approx(sum(g.shortfall_pence for g in result.gaps) / 100)


def test_offer_given_per_year_and_projects_without_an_offer_are_left_out():
    body = simple(funding={"basis": "offer"}, plan={"years": 2})
    body["projects"][0]["offer"] = [230000, 240000]
    result = fcr.calculate(body)
    assert [(g.project, g.year, g.funded_pence) for g in result.gaps] == [("A", 1, 23_000_000), ("A", 2, 24_000_000)]


# --- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "change, message",
    [
        (lambda b: b["overheads"].append({"name": "Vans", "amount": 10, "driver": "vehicles"}),
         "Overhead pool 'Vans': driver 'vehicles' is not given for any project"),
        (lambda b: [p["drivers"].update(floor_area=0) for p in b["projects"]] and b["overheads"].append(
            {"name": "Rent", "amount": 10, "driver": "floor_area"}),
         "Overhead pool 'Rent': driver 'floor_area' adds up to zero"),
        (lambda b: [p.update(direct_costs=0) for p in b["projects"]], "Overhead pool 'Governance': shared by direct costs"),
        (lambda b: b["projects"][1].update(direct_costs=-5), "Project 'B': direct costs: -£5.00 is negative"),
        (lambda b: b["overheads"][0].update(amount=-36000), "Overhead pool 'Premises': amount: -£36,000.00 is negative"),
        (lambda b: b["projects"][0]["drivers"].update(headcount=-1), "Project 'A', driver 'headcount': -1 is negative"),
        (lambda b: b["projects"][0].update(direct_costs=[{"category": "Travel", "amount": -1}]),
         "Project 'A', direct cost line 1 (Travel): -£1.00 is negative"),
        (lambda b: b["overheads"].append({"name": "CEO", "amount": 10, "shares": {"A": 60, "B": 30}}),
         "Overhead pool 'CEO': fixed shares add up to 90%"),
        (lambda b: b["overheads"].append({"name": "CEO", "amount": 10, "shares": {"Z": 100}}),
         "Overhead pool 'CEO': fixed share for 'Z', which is not one of the projects"),
        (lambda b: b["projects"][1].update(name="A"), "Project 'A': the name is used twice"),
        (lambda b: b.update(plan={"years": 6}), "Plan: number of years: 6 must be a whole number from 1 to 5"),
        (lambda b: b.update(plan={"pay_inflation": 3}), "Plan: pay inflation: 300.0% is outside"),
        (lambda b: b.update(funding={"basis": "cap"}), "Funding: give the funder's overhead cap"),
        (lambda b: b.update(funding={"basis": "offer"}, plan={"years": 2}) or b["projects"][0].update(offer=[1, 2, 3]),
         "Project 'A': the funder's offer lists 3 years"),
        (lambda b: b["projects"][0]["drivers"].update(direct_costs=5), "Project 'A': 'direct_costs' is worked out"),
        (lambda b: b["overheads"][0].pop("driver"), "Overhead pool 'Premises': say how it is shared"),
        (lambda b: b["projects"][0].update(direct_costs="lots"), "Project 'A': direct costs: 'lots' is not a number"),
        (lambda b: b.update(projects=[]), "Add at least one project"),
    ],
)
def test_errors_name_the_pool_or_project(change, message):
    body = simple()
    change(body)
    with pytest.raises(ScenarioError) as error:
        fcr.calculate(body)
    assert any(message in problem for problem in error.value.problems), error.value.problems
    assert str(error.value).startswith("The costing has")


def test_every_problem_is_listed_at_once():
    body = simple()
    body["projects"][0]["direct_costs"] = -1
    body["overheads"][0]["amount"] = -1
    with pytest.raises(ScenarioError) as error:
        fcr.parse_costing(body)
    assert len(error.value.problems) == 2


# --- grids, workbook, SROI hook, command line --------------------------------------------------

def test_grids_round_trip_gives_the_same_costing(example):
    grids = fcr.grids_from_body(example)
    body = fcr.body_from_grids(
        grids["projects"], grids["lines"], grids["pools"], name=example["name"], years=3,
        pay_inflation_percent=3, non_pay_inflation_percent=2, funding_basis="cap", overhead_cap_percent=10, fictional=True,
    )
    assert fcr.to_json(fcr.calculate(body)) == fcr.to_json(fcr.calculate(example))
    assert fcr.multi_year_frame(fcr.calculate(body)).equals(fcr.multi_year_frame(fcr.calculate(example)))


def test_grids_keep_a_different_offer_and_activity_change_each_year(example):
    example["projects"][0]["offer"] = [100000, 80000, 60000.5]  # a tapering grant
    example["projects"][2]["activity_change"] = [0.1, 0]
    example["funding"] = {"basis": "offer"}
    grids = fcr.grids_from_body(example)
    assert list(grids["projects"][fcr.OFFER_COLUMN]) == ["100000; 80000; 60000.5", "140000", ""]
    assert list(grids["projects"][fcr.ACTIVITY_COLUMN]) == ["5", "0", "10; 0"]
    body = fcr.body_from_grids(grids["projects"], grids["lines"], grids["pools"], years=3,
                               pay_inflation_percent=3, non_pay_inflation_percent=2, funding_basis="offer")
    assert body["projects"][0]["offer"] == [100000, 80000, 60000.5]
    assert fcr.funding_gap_frame(fcr.calculate(body)).equals(fcr.funding_gap_frame(fcr.calculate(example)))
    assert fcr.multi_year_frame(fcr.calculate(body)).equals(fcr.multi_year_frame(fcr.calculate(example)))
    projects = grids["projects"].copy()
    projects.loc[1, fcr.OFFER_COLUMN] = "£140,000; lots"
    with pytest.raises(ScenarioError, match="Projects grid, row 2, funder's offer: 'lots' is not a number"):
        fcr.body_from_grids(projects, grids["lines"], grids["pools"], years=3)


def test_grids_with_fixed_shares_and_bad_rows():
    body = simple(overheads=[{"name": "CEO", "amount": 100, "shares": {"A": 25, "B": 75}}])
    grids = fcr.grids_from_body(body)
    assert grids["pools"].iloc[0]["Fixed shares"] == "A: 25%, B: 75%"
    rebuilt = fcr.body_from_grids(grids["projects"], grids["lines"], grids["pools"])
    assert rebuilt["overheads"][0]["shares"] == {"A": 25.0, "B": 75.0}
    lines = grids["lines"].copy()
    lines.loc[len(lines)] = ["Nobody", "Travel", 5, "Non-pay"]
    with pytest.raises(ScenarioError, match="Direct costs grid, row 3: project 'Nobody' is not in the projects grid"):
        fcr.body_from_grids(grids["projects"], lines, grids["pools"])


def test_project_full_costs_for_sroi(example):
    costs = fcr.project_full_costs(example)
    assert costs == {"Youth club": 158476.85, "Debt advice": 171208.44, "Befriending older people": 69314.71}
    assert round(sum(costs.values()), 2) == 399000.00


def test_workbook_has_every_sheet_and_reconciles(example):
    result = fcr.calculate(example)
    sheets, money_columns = fcr.workbook_sheets(result)
    data = xlsx_bytes(sheets, notes=fcr.workbook_notes(result), money_columns=money_columns)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["About", "Summary", "Allocation by pool", "Multi-year", "Funding gap", "Assumptions"]
    assert "FICTIONAL" in " ".join(str(c.value) for c in book["About"]["A"])
    summary = list(book["Summary"].values)
    assert summary[0] == ("Project", "Direct costs (£)", "Overheads (£)", "Full cost (£)", "Overhead rate (%)", "Share of total (%)")
    assert summary[-1][0] == "Total" and summary[-1][3] == 399000 and summary[-1][4] == 37.11
    assert summary[1][4] == 44.07  # Youth club: 48,476.85 / 110,000
    allocation = list(book["Allocation by pool"].values)
    assert allocation[-1][2] == 108000
    gap = list(book["Funding gap"].values)
    assert gap[-1][1] == "Unrestricted income needed" and gap[-1][4] == pytest.approx(239415.22)
    assert book["Summary"]["B2"].number_format == '"£"#,##0.00'


def test_cli_json_and_table(run_cli):
    done = run_cli("fcr", "--format", "json", EXAMPLE)
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"projects", "total_overheads", "total_full_cost"}
    assert set(result["projects"][0]) == {"name", "direct_costs", "overheads", "full_cost", "overhead_rate", "by_pool"}
    assert result["total_full_cost"] == 399000.0
    assert round(sum(p["full_cost"] for p in result["projects"]), 2) == result["total_full_cost"]
    done = run_cli("fcr", EXAMPLE)
    assert done.exit_code == 0
    assert "FICTIONAL" in done.stdout and "£399,000.00" in done.stdout and "£239,415.22" in done.stdout


def test_cli_error_names_the_problem(tmp_path, run_cli):
    bad = copy.deepcopy(simple())
    bad["overheads"][0]["driver"] = "floor"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    done = run_cli("fcr", path)
    assert done.exit_code == 1
    assert "Overhead pool 'Premises': driver 'floor' is not given for any project" in done.stderr
    done = run_cli("fcr", tmp_path / "none.json")
    assert done.exit_code == 1 and "cannot read" in done.stderr
    path.write_text("[1, 2]")
    done = run_cli("fcr", path)
    assert done.exit_code == 1 and "a scenario is a JSON object" in done.stderr


# --- incomplete input is refused or flagged, never a confident £0 -------------------------


def test_an_empty_direct_costs_grid_is_refused_naming_each_project():
    """Issue 14: a new costing with projects and pools but nothing in the direct costs grid
    used to calculate 'Full cost £0.00'. Now each project without lines is named."""
    projects = fcr.grids_from_body({"projects": [
        {"name": "Lunch club", "drivers": {"headcount": 3}}, {"name": "Advice line", "drivers": {"headcount": 1}}]})["projects"]
    empty_lines = fcr.grids_from_body({}, blank_rows=2)["lines"]
    pools = fcr.grids_from_body({"overheads": [{"name": "Premises", "amount": 12000, "driver": "headcount"}]})["pools"]
    body = fcr.body_from_grids(projects, empty_lines, pools)
    with pytest.raises(ScenarioError) as error:
        fcr.calculate(body)
    problems = error.value.problems
    assert [p.split(":")[0] for p in problems] == ["Project 'Lunch club'", "Project 'Advice line'"]
    assert all("no direct costs entered" in p for p in problems)


def test_a_project_and_no_pools_is_refused_not_costed_at_nothing():
    """The issue's exact case: one project, empty direct costs, no pools: never '£0.00'."""
    with pytest.raises(ScenarioError, match="Project 'Youth club': no direct costs entered"):
        fcr.calculate({"projects": [{"name": "Youth club", "direct_costs": []}], "overheads": []})


def test_a_direct_cost_line_without_an_amount_names_the_line():
    body = simple()
    body["projects"][1]["direct_costs"] = [{"category": "Travel", "amount": None}]
    with pytest.raises(ScenarioError) as error:
        fcr.calculate(body)
    assert error.value.problems == ["Project 'B', direct cost line 1 (Travel): missing; give a number"]


def test_what_a_costing_leaves_out_is_flagged_by_name():
    """Direct costs of £0.00 on a project, no overhead pools, and a project with no offer
    when comparing with offers: the costing calculates, and each gap is named."""
    body = {
        "projects": [
            {"name": "A", "direct_costs": 1000, "offer": 1200},
            {"name": "B", "direct_costs": [{"category": "Travel", "amount": 0}]},
        ],
        "overheads": [],
        "funding": {"basis": "offer"},
    }
    result = fcr.calculate(body)
    # By hand: A costs £1,000.00 (no pools), offered £1,200.00: no shortfall; B is left out.
    assert [(g.project, g.full_cost_pence, g.funded_pence) for g in result.gaps] == [("A", 100000, 120000)]
    warnings = fcr.costing_warnings(result)
    assert len(warnings) == 3
    assert warnings[0].startswith("Project 'B': its direct costs add up to £0.00")
    assert warnings[1].startswith("No overhead pools entered: each full cost shown is the direct costs alone")
    assert warnings[2].startswith("Project 'B' has no funder's offer, so it is left out of the funding gap")


def test_a_complete_costing_has_no_warnings():
    assert fcr.costing_warnings(fcr.calculate(simple())) == []
