"""The tender engine against hand calculations, property tests and a brute-force sweep."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from models import tender
from models.errors import ScenarioError
from tests.conftest import ROOT

EXAMPLE = ROOT / "data" / "examples" / "tender_example.json"


def scenario(criteria, bids, **extra) -> dict:
    return {"name": "Test tender", "criteria": criteria, "bids": bids, **extra}


# The worked example (data/examples/tender_example.json) by hand, for its winner, Weaver Valley.
# Gritstone fails the safeguarding gate, so the lowest qualifying price is Northway's £139,000.
#   quality       50 x 4/5                                   = 40.00
#   partnership   10 x 4/5                                   =  8.00
#   price         30 x 139,000 / 180,000 (lowest price ratio) = 23.17 (23.1667)
#   social value  10 x 113,000 / 113,000                     = 10.00
#     (Weaver 3 x £24,000 + 2,000 x £14 + 52 x £250 = £113,000, the highest;
#      Dane Ride £97,000, Northway £30,500)
#   total                                                     = 81.17 (81.1667)
EXAMPLE_WINNER_POINTS = {"quality": 50 * 4 / 5, "partnership": 10 * 4 / 5, "price": 30 * 139_000 / 180_000, "social_value": 10.0}
EXAMPLE_WINNER_TOTAL = sum(EXAMPLE_WINNER_POINTS.values())


QUALITY_PRICE = [
    {"id": "quality", "name": "Quality", "type": "quality", "weight": 60},
    {"id": "price", "name": "Price", "type": "price", "weight": 40, "method": "lowest_price_ratio"},
]


def evaluate(body) -> tender.Evaluation:
    return tender.evaluate(tender.parse_scenario(body))


def points(evaluation, bidder) -> dict:
    return {r.bidder: r for r in evaluation.results}[bidder]


# ---------------------------------------------------------------- hand calculations


def test_lowest_price_ratio_by_hand():
    body = scenario(QUALITY_PRICE, [
        {"bidder": "A", "price": 100_000, "scores": {"quality": 3}},
        {"bidder": "B", "price": 125_000, "scores": {"quality": 5}},
    ])
    result = evaluate(body)
    # A: quality 60 x 3/5 = 36, price 40 x 100/100 = 40 -> 76. B: 60 + 40 x 100/125 = 32 -> 92.
    assert points(result, "A").points == pytest.approx({"quality": 36.0, "price": 40.0})
    assert points(result, "B").points == pytest.approx({"quality": 60.0, "price": 32.0})
    assert points(result, "B").total == pytest.approx(92.0)
    assert result.winner == "B"
    assert [r.rank for r in result.results] == [1, 2]


def test_linear_deduction_by_hand():
    criteria = [dict(QUALITY_PRICE[0]), {**QUALITY_PRICE[1], "method": "linear_deduction"}]
    body = scenario(criteria, [
        {"bidder": "A", "price": 100_000, "scores": {"quality": 5}},
        {"bidder": "B", "price": 125_000, "scores": {"quality": 5}},
        {"bidder": "C", "price": 250_000, "scores": {"quality": 5}},
    ])
    result = evaluate(body)
    # B: 40 x (1 - 25,000/100,000) = 30; C is 150% above the lowest: 1 - 1.5 < 0 -> 0 points.
    assert points(result, "A").points["price"] == pytest.approx(40.0)
    assert points(result, "B").points["price"] == pytest.approx(30.0)
    assert points(result, "C").points["price"] == 0.0


def test_budget_linear_by_hand_ignores_other_bids():
    criteria = [dict(QUALITY_PRICE[0]), {**QUALITY_PRICE[1], "method": "budget_linear", "floor_price": 100_000, "budget": 200_000}]
    bids = [
        {"bidder": "Floor", "price": 90_000, "scores": {"quality": 1}},
        {"bidder": "Half", "price": 150_000, "scores": {"quality": 1}},
        {"bidder": "Over", "price": 210_000, "scores": {"quality": 1}},
    ]
    result = evaluate(scenario(criteria, bids))
    assert points(result, "Floor").points["price"] == pytest.approx(40.0)
    assert points(result, "Half").points["price"] == pytest.approx(20.0)  # (200 - 150) / (200 - 100) = 0.5
    assert points(result, "Over").points["price"] == 0.0
    alone = evaluate(scenario(criteria, [bids[1]]))
    assert points(alone, "Half").points["price"] == pytest.approx(20.0)


def test_weights_are_normalised_to_100():
    criteria = [{**QUALITY_PRICE[0], "weight": 3}, {**QUALITY_PRICE[1], "weight": 2}]
    result = evaluate(scenario(criteria, [{"bidder": "A", "price": 10, "scores": {"quality": 5}}]))
    assert points(result, "A").points == pytest.approx({"quality": 60.0, "price": 40.0})
    assert points(result, "A").total == pytest.approx(100.0)


def test_min_score_disqualifies_and_is_left_out_of_price_comparison():
    criteria = [{**QUALITY_PRICE[0], "min_score": 2}, QUALITY_PRICE[1]]
    result = evaluate(scenario(criteria, [
        {"bidder": "Cheap but poor", "price": 50_000, "scores": {"quality": 1}},
        {"bidder": "At the minimum", "price": 100_000, "scores": {"quality": 2}},
    ]))
    poor = points(result, "Cheap but poor")
    assert poor.rank is None and "below the minimum of 2" in poor.disqualified
    # The lowest qualifying price is 100,000, so the remaining bid earns full price points.
    assert points(result, "At the minimum").points["price"] == pytest.approx(40.0)
    assert result.winner == "At the minimum"


def test_failed_gate_disqualifies():
    criteria = QUALITY_PRICE + [{"id": "safeguarding", "name": "Safeguarding", "type": "pass_fail"}]
    result = evaluate(scenario(criteria, [
        {"bidder": "A", "price": 100, "scores": {"quality": 5, "safeguarding": "fail"}},
        {"bidder": "B", "price": 200, "scores": {"quality": 1, "safeguarding": "pass"}},
    ]))
    assert points(result, "A").disqualified == "failed the pass/fail gate 'Safeguarding'"
    assert result.winner == "B"
    assert tender.result_json(result)["disqualified"] == [{"bidder": "A", "reason": "failed the pass/fail gate 'Safeguarding'"}]


def test_abnormally_low_price_flag_uses_mean_of_other_bids():
    def flagged(prices):
        bids = [{"bidder": f"B{i}", "price": p, "scores": {"quality": 3}} for i, p in enumerate(prices)]
        return [f["bidder"] for f in evaluate(scenario(QUALITY_PRICE, bids)).flags if f["kind"] == "abnormally_low_price"]

    assert flagged([100, 100, 84.99]) == ["B2"]   # more than 15% below 100
    assert flagged([100, 100, 85]) == []          # exactly 15% below is not flagged
    assert flagged([100, 100, 86]) == []
    # The flagged bid's own price is not in the mean: 70 vs mean(100, 100) = 100.
    assert flagged([100, 100, 70]) == ["B2"]


def test_abnormally_low_flag_asks_for_explanation_until_recorded():
    bids = [{"bidder": "A", "price": 100, "scores": {"quality": 3}}, {"bidder": "B", "price": 50, "scores": {"quality": 3}}]
    flag = evaluate(scenario(QUALITY_PRICE, bids)).flags[0]
    assert flag["needs_action"] and "record the explanation" in flag["message"]
    bids[1]["low_price_explanation"] = "Volunteer drivers and donated vehicles; costs checked."
    flag = evaluate(scenario(QUALITY_PRICE, bids)).flags[0]
    assert not flag["needs_action"] and flag["explanation"].startswith("Volunteer drivers")


def test_social_value_under_ten_percent_flag():
    social = {"id": "sv", "name": "Social value", "type": "social_value", "weight": 9}
    criteria = [{**QUALITY_PRICE[0], "weight": 51}, QUALITY_PRICE[1], social]
    bids = [{"bidder": "A", "price": 100, "scores": {"quality": 3, "sv": 3}}]
    kinds = [f["kind"] for f in evaluate(scenario(criteria, bids)).flags]
    assert "social_value_under_10_percent" in kinds
    criteria[2] = {**social, "weight": 10}
    criteria[0]["weight"] = 50
    assert "social_value_under_10_percent" not in [f["kind"] for f in evaluate(scenario(criteria, bids)).flags]


def test_social_value_with_proxies_pro_rata_to_highest():
    criteria = [QUALITY_PRICE[0], {"id": "sv", "name": "Social value", "type": "social_value", "weight": 20,
                                   "proxies": {"jobs": 20_000, "volunteer hours": 15}}]
    result = evaluate(scenario(criteria, [
        {"bidder": "A", "scores": {"quality": 5, "sv": {"quantities": {"jobs": 2, "volunteer hours": 1000}}}},  # £55,000
        {"bidder": "B", "scores": {"quality": 5, "sv": {"quantities": {"jobs": 1, "volunteer hours": 0}}}},     # £20,000
    ]))
    # shares: quality 60/80 = 75%, social value 25%
    assert points(result, "A").points["sv"] == pytest.approx(25.0)
    assert points(result, "B").points["sv"] == pytest.approx(25.0 * 20_000 / 55_000)


def test_moderated_score_counts_not_the_evaluators():
    body = scenario(QUALITY_PRICE, [{"bidder": "A", "price": 100, "scores": {"quality": {
        "evaluators": {"Ann": 2, "Raj": {"score": 4, "reason": "Strong plan"}}, "moderated": 3, "reason": "Agreed after discussion"}}}])
    result = evaluate(body)
    assert points(result, "A").points["quality"] == pytest.approx(36.0)
    score = result.scenario.bids[0].scores["quality"]
    assert score.evaluators == {"Ann": (2.0, ""), "Raj": (4.0, "Strong plan")}


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda b: b["bids"][0].update(colour="red"), "Bid 'A': unknown field 'colour'"),
        (lambda b: b["criteria"][0].update(colour="red"), "Criterion 'quality': unknown field 'colour'"),
        (lambda b: b["criteria"][0].update(weight=-5), "Criterion 'quality': weight -5 is below 0"),
        (lambda b: b["bids"][0]["scores"].update(quality=6), "Bid 'A', criterion 'quality': score 6 is outside 0 to 5"),
        (lambda b: b["bids"][0]["scores"].pop("quality"), "Bid 'A', criterion 'quality': the score is missing"),
        (lambda b: b["bids"][0].update(price=0), "Bid 'A': price £0.00 must be above £0"),
        (lambda b: b["bids"][0].update(price=-10), "Bid 'A': price -£10.00 must be above £0"),
        (lambda b: b["bids"][0]["scores"].update(quality={"evaluators": {"Ann": 3}}), "Bid 'A', criterion 'quality': the evaluators' scores have not been moderated"),
        (lambda b: b["bids"][0]["scores"].update(extra=1), "Bid 'A', criterion 'extra': no such criterion"),
        (lambda b: b["criteria"][1].update(method="cheapest"), "Criterion 'price': price method 'cheapest' is not one of"),
        (lambda b: b["criteria"][1].update(method="budget_linear"), "needs both 'floor_price' and 'budget'"),
        (lambda b: b["criteria"][1].update(method="budget_linear", floor_price=200, budget=100), "floor_price £200.00 must be below budget £100.00"),
        (lambda b: b["bids"].append(dict(b["bids"][0])), "Bid 'A': the bidder appears twice"),
    ],
)
def test_errors_name_the_bid_and_criterion(change, message):
    body = scenario([dict(c) for c in QUALITY_PRICE], [{"bidder": "A", "price": 100, "scores": {"quality": 3}}])
    change(body)
    with pytest.raises(ScenarioError) as raised:
        tender.parse_scenario(body)
    assert any(message in p for p in raised.value.problems), raised.value.problems
    assert str(raised.value).startswith("The tender scenario cannot be used")


def test_price_fraction_refuses_zero_price():
    with pytest.raises(ScenarioError):
        tender.price_fraction("lowest_price_ratio", 0.0, 100.0)


# ---------------------------------------------------------------- properties


@st.composite
def random_scenarios(draw, min_bids=1):
    n_quality = draw(st.integers(1, 3))
    method = draw(st.sampled_from(tender.PRICE_METHODS))
    criteria = [{"id": f"q{i}", "name": f"Q{i}", "type": "quality", "weight": draw(st.integers(0, 100))} for i in range(n_quality)]
    criteria.append({"id": "price", "name": "Price", "type": "price", "method": method,
                     "weight": draw(st.integers(1, 100)), "floor_price": 50_000, "budget": 150_000})
    n_bids = draw(st.integers(min_bids, 6))
    bids = [
        {"bidder": f"Bidder {b}", "price": draw(st.integers(10_000, 200_000)),
         "scores": {f"q{i}": draw(st.integers(0, 5)) for i in range(n_quality)}}
        for b in range(n_bids)
    ]
    return scenario(criteria, bids)


@settings(max_examples=150, deadline=None)
@given(random_scenarios(), st.data())
def test_lower_price_never_lowers_price_score(body, data):
    index = data.draw(st.integers(0, len(body["bids"]) - 1))
    before = points(evaluate(body), body["bids"][index]["bidder"]).points["price"]
    body["bids"][index]["price"] = data.draw(st.integers(1, body["bids"][index]["price"]))
    after = points(evaluate(body), body["bids"][index]["bidder"]).points["price"]
    assert after >= before - 1e-9


@settings(max_examples=150, deadline=None)
@given(random_scenarios(), st.data())
def test_higher_quality_never_lowers_total(body, data):
    index = data.draw(st.integers(0, len(body["bids"]) - 1))
    bid = body["bids"][index]
    criterion = data.draw(st.sampled_from(sorted(bid["scores"])))
    before = points(evaluate(body), bid["bidder"]).total
    bid["scores"][criterion] = data.draw(st.integers(bid["scores"][criterion], 5))
    assert points(evaluate(body), bid["bidder"]).total >= before - 1e-9


@settings(max_examples=150, deadline=None)
@given(random_scenarios())
def test_totals_within_0_and_100(body):
    for result in evaluate(body).results:
        assert -1e-9 <= result.total <= 100 + 1e-9
        assert sum(result.points.values()) == pytest.approx(result.total)


@settings(max_examples=100, deadline=None)
@given(random_scenarios(), st.floats(0.01, 1000))
def test_scaling_all_weights_changes_nothing(body, factor):
    before = evaluate(body)
    for criterion in body["criteria"]:
        criterion["weight"] = criterion["weight"] * factor
    after = evaluate(body)
    assert after.winner == before.winner
    assert [r.total for r in after.results] == pytest.approx([r.total for r in before.results])


# ---------------------------------------------------------------- sensitivity


def brute_force_winner(evaluation, criterion_id, share):
    """Re-evaluate from scratch with the criterion at ``share`` and the others rescaled;
    None where the leaders tie (then either answer is right)."""
    scen = evaluation.scenario
    shares = dict(zip((c.id for c in scen.weighted), scen.shares()))
    current = shares[criterion_id]
    weights = {cid: (share if cid == criterion_id else s * (1 - share) / (1 - current)) for cid, s in shares.items()}
    result = tender.evaluate(scen.with_weights(weights))
    return None if any(f["kind"] == "tie_for_first" for f in result.flags) else result.winner


def envelope_winner(point, share):
    for start, end, winner in point.segments:
        if start / 100 - 1e-12 <= share <= end / 100 + 1e-12:
            return winner
    raise AssertionError(f"no segment covers {share}")


@settings(max_examples=30, deadline=None)
@given(random_scenarios(min_bids=2))
def test_tipping_points_match_brute_force_sweep(body):
    evaluation = evaluate(body)
    if len(evaluation.qualifying) < 2:
        return
    for point in tender.tipping_points(evaluation):
        if point.current_weight >= 100 - 1e-9:
            continue
        crossings = [s / 100 for s, _, _ in point.segments[1:]]
        for share in np.linspace(0, 1, 101):
            if any(abs(share - c) < 1e-6 for c in crossings):
                continue  # at a crossing the bids tie: either is right
            expected = brute_force_winner(evaluation, point.criterion_id, share)
            assert expected in (None, envelope_winner(point, share))
        for crossing, (_, _, after) in zip(crossings, point.segments[1:]):
            # just past each tipping weight the new winner wins, just before it does not
            assert brute_force_winner(evaluation, point.criterion_id, min(1.0, crossing + 1e-7)) in (None, after)
            assert brute_force_winner(evaluation, point.criterion_id, max(0.0, crossing - 1e-7)) != after


def test_tipping_point_by_hand():
    # A: quality 5, price 200 -> price fraction 0.5. B: quality 3, price 100 -> 1.
    # With quality share w: A = 100(5/5 w + 0.5 (1 - w)) = 50 + 50w; B = 100(0.6 w + 1 - w) = 100 - 40w.
    # They cross at 50 + 50w = 100 - 40w -> w = 5/9 = 55.56%.
    body = scenario(QUALITY_PRICE, [
        {"bidder": "A", "price": 200, "scores": {"quality": 5}},
        {"bidder": "B", "price": 100, "scores": {"quality": 3}},
    ])
    evaluation = evaluate(body)
    assert evaluation.winner == "A"  # 50 + 30 = 80 vs 100 - 24 = 76
    quality = tender.tipping_point(evaluation, "quality")
    assert quality.lower == (pytest.approx(500 / 9), "B")
    assert quality.upper is None
    price = tender.tipping_point(evaluation, "price")
    assert price.upper == (pytest.approx(100 - 500 / 9), "B")
    assert tender.result_json(evaluation)["tipping_points"][0]["lower"] == {"weight": 55.5556, "winner": "B"}


def test_no_change_over_the_whole_range():
    body = scenario(QUALITY_PRICE, [
        {"bidder": "A", "price": 100, "scores": {"quality": 5}},
        {"bidder": "B", "price": 200, "scores": {"quality": 3}},
    ])
    point = tender.tipping_point(evaluate(body), "quality")
    assert point.summary == "No change over 0-100%" and point.segments == ((0.0, 100.0, "A"),)


def test_win_probabilities_are_reproducible_and_vectorised():
    evaluation = evaluate(json.loads(EXAMPLE.read_text()))
    first = tender.win_probabilities(evaluation, draws=5000, spread=0.5)
    assert first == tender.win_probabilities(evaluation, draws=5000, spread=0.5)
    assert sum(first.values()) == pytest.approx(1.0)
    assert 0 < first["Dane Ride CIC (fictional)"] < 1
    assert tender.win_probabilities(evaluation, draws=100, spread=0.0) == {
        b.bidder: (1.0 if b.bidder == evaluation.winner else 0.0) for b in evaluation.qualifying
    }
    draws = tender.weight_draws(evaluation.scenario.shares(), 0.3, 1000, 1)
    assert draws.shape == (1000, 4) and np.allclose(draws.sum(axis=1), 1)


def test_price_method_comparison_has_each_method():
    table = tender.price_method_comparison(tender.parse_scenario(json.loads(EXAMPLE.read_text())))
    assert [c for c in table.columns if c.endswith(": rank")] == [f"{tender.PRICE_METHOD_LABELS[m]}: rank" for m in tender.PRICE_METHODS]
    assert table.iloc[0]["Lowest price ÷ bid price: total"] == pytest.approx(EXAMPLE_WINNER_TOTAL, abs=0.005)


# ---------------------------------------------------------------- moderation and checks


@pytest.mark.parametrize("reason, weak", [
    ("Good", True), ("good.", True), ("Score 4 - good", True), ("", True), ("Minor reservations", True),
    ("Good: named drivers for every rural route", False), ("Clear winter plan", False),
])
def test_reason_that_only_repeats_the_descriptor_is_flagged(reason, weak):
    assert tender.reason_repeats_descriptor(reason, tender.DEFAULT_DESCRIPTORS) is weak


def test_moderation_spread_highlights_two_points():
    import pandas as pd

    scores = pd.DataFrame([
        ("A", "quality", "Ann", 2), ("A", "quality", "Raj", 4),
        ("A", "social", "Ann", 3), ("A", "social", "Raj", 4),
    ], columns=["bidder", "criterion", "evaluator", "score"])
    spread = tender.moderation_spread(scores)
    assert spread["spread"].tolist() == [2, 1]
    assert spread["disagreement"].tolist() == [True, False]


def test_publication_check():
    checks = tender.publication_check(tender.parse_scenario(scenario(
        [{**QUALITY_PRICE[0], "weight": 70}, QUALITY_PRICE[1]], [{"bidder": "A", "price": 1, "scores": {"quality": 1}}])))
    by_name = {c["check"]: c for c in checks}
    assert not by_name["Weights add up to 100"]["ok"] and "110" in by_name["Weights add up to 100"]["detail"]
    assert not by_name["Social value is at least 10% of the weight"]["ok"]
    assert by_name["Price has a stated scoring method"]["ok"]


def test_assessment_summary_and_markdown():
    evaluation = evaluate(json.loads(EXAMPLE.read_text()))
    summary = tender.assessment_summary(evaluation)
    weaver = summary[summary["Bidder"] == "Weaver Valley Community Transport (fictional)"]
    total = weaver[weaver["Criterion"] == "Total"].iloc[0]
    assert total["Points"] == pytest.approx(weaver[weaver["Criterion"] != "Total"]["Points"].sum(), abs=0.02)
    assert weaver[weaver["Criterion"] == "Quality of service"].iloc[0]["Reason"].startswith("Agreed 4")
    text = tender.assessment_markdown(evaluation)
    assert "FICTIONAL" in text and "## Dane Ride CIC (fictional)" in text and "£180,000.00" in text


# ---------------------------------------------------------------- command line


def test_cli_json_output(tmp_path, run_cli):
    report = tmp_path / "summary.xlsx"
    done = run_cli("tender", EXAMPLE, "--format", "json", "--simulations", "2000", "--report", str(report))
    assert done.exit_code == 0, done.stderr
    output = json.loads(done.stdout)
    assert set(output) >= {"ranking", "disqualified", "winner", "flags", "tipping_points"}
    assert output["winner"] == "Weaver Valley Community Transport (fictional)"
    assert output["ranking"][0] == {
        "bidder": "Weaver Valley Community Transport (fictional)", "rank": 1, "total": round(EXAMPLE_WINNER_TOTAL, 2),
        "points": {k: round(v, 2) for k, v in EXAMPLE_WINNER_POINTS.items()},
    }
    assert output["disqualified"] == [{"bidder": "Gritstone Care Partnership (fictional)", "reason": "failed the pass/fail gate 'Safeguarding'"}]
    assert [f["kind"] for f in output["flags"]] == ["abnormally_low_price"]
    book = load_workbook(report)
    assert "Assessment summary" in book.sheetnames
    assert "FICTIONAL" in book["About"]["A3"].value


def test_cli_table_and_errors(tmp_path, run_cli):
    done = run_cli("tender", EXAMPLE, "--simulations", "0")
    assert done.exit_code == 0 and "Winner: Weaver Valley" in done.stdout and "Tipping points" in done.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(scenario(QUALITY_PRICE, [{"bidder": "A", "price": 100, "scores": {"quality": 9}}])))
    done = run_cli("tender", bad)
    assert done.exit_code == 1 and "Bid 'A', criterion 'quality': score 9 is outside 0 to 5" in done.stderr
    done = run_cli("tender", tmp_path / "missing.json")
    assert done.exit_code == 1 and "cannot read" in done.stderr


def test_tipping_points_match_brute_force_on_seeded_scenarios():
    """Non-degenerate scenarios (decimal scores, distinct prices) with many crossings."""
    rng = np.random.default_rng(7)
    crossings_checked = 0
    for _ in range(12):
        criteria = [{"id": f"q{i}", "name": f"Q{i}", "type": "quality", "weight": float(rng.uniform(1, 50))} for i in range(3)]
        criteria.append({"id": "price", "name": "Price", "type": "price", "weight": float(rng.uniform(1, 50)), "method": "linear_deduction"})
        bids = [{"bidder": f"B{b}", "price": float(rng.uniform(80_000, 160_000)),
                 "scores": {f"q{i}": round(float(rng.uniform(0, 5)), 3) for i in range(3)}} for b in range(6)]
        evaluation = evaluate(scenario(criteria, bids))
        for point in tender.tipping_points(evaluation):
            crossings = [s / 100 for s, _, _ in point.segments[1:]]
            for share in np.linspace(0.0025, 0.9975, 200):
                if not any(abs(share - c) < 1e-6 for c in crossings):
                    assert brute_force_winner(evaluation, point.criterion_id, share) == envelope_winner(point, share)
            for crossing, (_, _, after) in zip(crossings, point.segments[1:]):
                assert brute_force_winner(evaluation, point.criterion_id, crossing + 1e-7) == after
                crossings_checked += 1
    assert crossings_checked > 10


def test_criteria_round_trip_through_the_editable_table():
    scen = tender.parse_scenario(json.loads(EXAMPLE.read_text()))
    rows = tender.criteria_rows(scen)
    rows[0]["weight"] = 45.0
    rows[2]["max_score"] = None  # price: not applicable, left blank
    rows.append({"id": "local", "name": "Local presence", "type": "quality", "weight": 5, "max_score": 5,
                 "min_score": float("nan"), "method": None, "floor_price": None, "budget": float("nan")})
    criteria = tender.criteria_from_rows(rows, scen)
    assert criteria[0] == {"id": "quality", "name": "Quality of service", "type": "quality", "weight": 45.0, "max_score": 5.0, "min_score": 2.0}
    assert criteria[2] == {"id": "price", "name": "Price", "type": "price", "weight": 30.0, "method": "lowest_price_ratio",
                           "floor_price": 150000.0, "budget": 220000.0}
    assert criteria[3]["proxies"] == {"local jobs created": 24000, "volunteer hours": 14, "apprenticeship weeks": 250}
    assert criteria[-1] == {"id": "local", "name": "Local presence", "type": "quality", "weight": 5.0, "max_score": 5.0}
    assert tender.parse_scenario({"criteria": criteria, "bids": []}, setup_only=True).criteria[-1].id == "local"


def test_proxies_from_csv():
    assert tender.proxies_from_csv(b"Measure,Value\nLocal jobs,\"\xc2\xa324,000.00\"\nVolunteer hours,14\n") == {"Local jobs": 24000.0, "Volunteer hours": 14.0}
    with pytest.raises(ScenarioError, match="row 3, column 'value': 'lots' is not an amount"):
        tender.proxies_from_csv(b"measure,value\nJobs,1\nHours,lots\n", source="proxies.csv")
    with pytest.raises(ScenarioError, match="needs a 'measure' column"):
        tender.proxies_from_csv(b"a,b\n1,2\n")
