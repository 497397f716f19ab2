"""Outcomes and indicators: each status rule, the projection (including too few points),
the seeded figures, and the validated, audited forms."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from models import outcomes, spend, store, versioned
from models.database import init_database
from models.errors import DomainError
from tests.conftest import SHARED_SEED

DOCUMENT = SHARED_SEED / "000_f5eb6f90384de5b3.txt"


def indicator(**overrides) -> outcomes.Indicator:
    values = dict(
        indicator_id="T1", outcome_id="O1", position=1, name="Test indicator", definition="", unit="%",
        direction="higher", baseline_value=40.0, baseline_date="2020-01-01", target_value=60.0,
        target_date="2030-01-01", target_illustrative=False, target_note="", owner="", comparator="",
        note="", source="test",
    )
    values.update(overrides)
    return outcomes.Indicator(**values)


def obs(day: str, value: float | None, illustrative: bool = False) -> outcomes.Observation:
    return outcomes.Observation("T1", day, value, illustrative, "test", "")


def judge(ind: outcomes.Indicator, observations: list, today: dt.date | None = None) -> outcomes.IndicatorStatus:
    """Assess as of ``today``; by default a month after the latest observation, so the
    trend rules are tested on figures that are not out of date."""
    if today is None:
        days = [dt.date.fromisoformat(o.observed_on) for o in observations] or [dt.date(2021, 1, 1)]
        today = max(days) + dt.timedelta(days=30)
    return outcomes.assess(ind, observations, today=today)


# --------------------------------------------------------------------------- status rules


def test_no_observations_is_no_data():
    result = judge(indicator(), [])
    assert result.status == outcomes.NO_DATA
    assert result.projection is None
    assert result.projection_message == outcomes.TOO_FEW_POINTS


def test_missing_values_are_no_data():
    result = judge(indicator(), [obs("2021-01-01", None)])
    assert result.status == outcomes.NO_DATA


def test_no_target_is_no_data():
    result = judge(indicator(target_value=None, target_date=None), [obs("2021-01-01", 45)])
    assert result.status == outcomes.NO_DATA
    assert "No target" in result.reason


def test_latest_value_reaching_target_is_on_track():
    result = judge(indicator(), [obs("2021-01-01", 50), obs("2022-01-01", 45), obs("2023-01-01", 61)])
    assert result.status == outcomes.ON_TRACK
    assert result.gap == pytest.approx(-1)
    assert "has reached the target" in result.reason


def test_trend_reaching_target_by_date_is_on_track():
    # +5 a year from 40 in 2020: 60 by 2024, well before the 2030 target date.
    result = judge(indicator(), [obs("2020-01-01", 40), obs("2021-01-01", 45)])
    assert result.status == outcomes.ON_TRACK
    assert result.projected_value > 60
    assert result.gap == pytest.approx(15)
    assert result.gap_percent == pytest.approx(25)


def test_trend_short_within_tolerance_is_at_risk():
    # Baseline 40, target 60 on 1 Jan 2030: distance 20. Trend +1.8 a year from 40 gives
    # 40 + 1.8 * 10 = 58 (to the day, near enough): short by about 2, i.e. 10% of 20.
    ind = indicator()
    result = judge(ind, [obs("2020-01-01", 40), obs("2025-01-01", 49)])
    assert result.status == outcomes.AT_RISK
    assert 57.9 < result.projected_value < 58.1
    assert "10% of the distance" in result.reason


def test_trend_short_beyond_tolerance_is_off_track():
    # Trend +1 a year: 50 by 2030, short by 10 = 50% of the distance.
    result = judge(indicator(), [obs("2020-01-01", 40), obs("2025-01-01", 45)])
    assert result.status == outcomes.OFF_TRACK


def test_tolerance_boundary():
    # Short by exactly a quarter of the distance (5 of 20) is still at risk.
    day = dt.date(2030, 1, 1)
    years = (day - dt.date(2020, 1, 1)).days / outcomes.DAYS_PER_YEAR
    slope = 15 / years
    second = dt.date(2021, 1, 1)
    value = 40 + slope * (second - dt.date(2020, 1, 1)).days / outcomes.DAYS_PER_YEAR
    result = judge(indicator(), [obs("2020-01-01", 40), obs(second.isoformat(), value)])
    assert result.projected_value == pytest.approx(55)
    assert result.status == outcomes.AT_RISK
    result = judge(indicator(), [obs("2020-01-01", 40), obs(second.isoformat(), value - 0.01)])
    assert result.status == outcomes.OFF_TRACK


def test_one_point_short_of_target_is_at_risk_with_too_few_points():
    result = judge(indicator(), [obs("2021-01-01", 45)])
    assert result.status == outcomes.AT_RISK
    assert result.projection is None
    assert result.projection_message.startswith("Too few points to project")
    assert "Too few points" in result.reason


def test_passed_target_judged_on_the_figure_for_its_date():
    # Target 60 by 1 Jan 2022, judged in 2026. The figure for the date is the latest on or
    # before it within 12 months (1 Jun 2021: 58, short), not the later 61.
    today = dt.date(2026, 12, 1)
    ind = indicator(target_date="2022-01-01")
    result = judge(ind, [obs("2020-06-01", 41), obs("2021-06-01", 58), obs("2023-01-01", 61)], today)
    assert result.status == outcomes.MISSED
    assert "58.0% on 1 June 2021, fell short of 60.0%" in result.reason
    met = judge(ind, [obs("2021-06-01", 60.5)], today)
    assert met.status == outcomes.MET


def test_passed_target_with_only_a_later_figure_within_the_cycle():
    # Nothing on or before 1 Jan 2022 within 12 months; 1 Jan 2023 is exactly 12 months
    # after, so it is the figure for the date (59: missed). A day later, it would not be.
    ind = indicator(target_date="2022-01-01")
    today = dt.date(2026, 12, 1)
    assert judge(ind, [obs("2020-06-01", 41), obs("2023-01-01", 59)], today).status == outcomes.MISSED
    late = judge(ind, [obs("2020-06-01", 41), obs("2023-01-02", 59)], today)
    assert late.status == outcomes.OUT_OF_DATE
    assert "41.0% on 1 June 2020" in late.reason


def test_passed_target_with_no_figure_near_it_is_out_of_date_not_on_track():
    # The finding in issue 14: a 2006 trend "reaching 50% by 2011" is not "on track" in 2026.
    ind = indicator(baseline_value=36.0, baseline_date="2004-03-31", target_value=50.0, target_date="2011-03-31")
    result = judge(ind, [obs("2004-03-31", 36), obs("2006-03-31", 42)], dt.date(2026, 12, 1))
    assert result.status == outcomes.OUT_OF_DATE
    assert "no figure is held within 12 months" in result.reason


def test_latest_figure_older_than_the_reporting_cycle_is_out_of_date():
    ind = indicator()  # target 60 by 1 Jan 2030
    fresh = [obs("2024-01-01", 40), obs("2025-01-01", 45)]
    assert judge(ind, fresh, dt.date(2025, 12, 31)).status == outcomes.ON_TRACK
    stale = judge(ind, fresh, dt.date(2026, 1, 2))
    assert stale.status == outcomes.OUT_OF_DATE
    assert "older than the indicator's reporting cycle (12 months)" in stale.reason
    quarterly = indicator(reporting_cycle_months=3)
    assert judge(quarterly, fresh, dt.date(2025, 4, 2)).status == outcomes.OUT_OF_DATE
    assert judge(quarterly, fresh, dt.date(2025, 3, 31)).status == outcomes.ON_TRACK


def test_lower_is_better_direction():
    ind = indicator(direction="lower", baseline_value=60.0, target_value=40.0)
    assert judge(ind, [obs("2021-01-01", 39)]).status == outcomes.ON_TRACK
    falling = judge(ind, [obs("2020-01-01", 60), obs("2021-01-01", 55)])
    assert falling.status == outcomes.ON_TRACK
    rising = judge(ind, [obs("2020-01-01", 60), obs("2021-01-01", 61)])
    assert rising.status == outcomes.OFF_TRACK
    assert rising.gap == pytest.approx(21)


def test_outcome_takes_worst_status_with_data():
    on = judge(indicator(), [obs("2021-01-01", 61)])
    off = judge(indicator(), [obs("2020-01-01", 40), obs("2025-01-01", 41)])
    none = judge(indicator(), [])
    assert outcomes.outcome_status([on, none])[0] == outcomes.ON_TRACK
    assert outcomes.outcome_status([on, off, none])[0] == outcomes.OFF_TRACK
    assert outcomes.outcome_status([none])[0] == outcomes.NO_DATA


def test_rule_is_stated_in_words():
    for status in outcomes.STATUSES:
        assert status.capitalize() in outcomes.STATUS_RULE
    assert "25%" in outcomes.STATUS_RULE


# --------------------------------------------------------------------------- projection


def test_projection_of_a_straight_line_is_exact_without_interval():
    points = [(dt.date(2020, 1, 1), 10.0), (dt.date(2022, 1, 1), 20.0)]
    trend = outcomes.project(points)
    assert trend.points == 2 and not trend.interval
    value, lower, upper = trend.predict(dt.date(2024, 1, 1))
    span = (dt.date(2022, 1, 1) - dt.date(2020, 1, 1)).days
    assert value == pytest.approx(10.0 + 10.0 * (dt.date(2024, 1, 1) - dt.date(2020, 1, 1)).days / span)
    assert trend.slope_per_year == pytest.approx(10.0 / (span / 365.25))
    assert lower is None and upper is None


def test_too_few_points_to_project():
    assert outcomes.project([]) is None
    assert outcomes.project([(dt.date(2020, 1, 1), 10.0)]) is None
    # Two observations on the same date cannot show a trend either.
    assert outcomes.project([(dt.date(2020, 1, 1), 10.0), (dt.date(2020, 1, 1), 12.0)]) is None


def test_projection_interval_matches_textbook_formula():
    days = [dt.date(2020, 1, 1), dt.date(2021, 1, 1), dt.date(2022, 1, 1), dt.date(2023, 1, 1)]
    values = [10.0, 13.0, 14.0, 19.0]
    trend = outcomes.project(list(zip(days, values)))
    assert trend.interval and trend.points == 4
    x = np.array([(d - days[0]).days / 365.25 for d in days])
    slope, intercept = np.polyfit(x, values, 1)
    assert trend.slope_per_year == pytest.approx(slope)
    x0 = (dt.date(2026, 1, 1) - days[0]).days / 365.25
    residual = np.array(values) - (intercept + slope * x)
    s = np.sqrt((residual**2).sum() / 2)
    half = 4.302652729911275 * s * np.sqrt(1 + 1 / 4 + (x0 - x.mean()) ** 2 / ((x - x.mean()) ** 2).sum())
    value, lower, upper = trend.predict(dt.date(2026, 1, 1))
    assert value == pytest.approx(intercept + slope * x0)
    assert lower == pytest.approx(value - half)
    assert upper == pytest.approx(value + half)
    # Further from the data, the interval is wider.
    _, far_lower, far_upper = trend.predict(dt.date(2030, 1, 1))
    assert far_upper - far_lower > upper - lower


def test_chart_series_has_observations_target_and_trend_band():
    result = judge(indicator(), [obs("2020-01-01", 40), obs("2021-01-01", 43, True), obs("2022-01-01", 47)])
    series = outcomes.chart_series(result)
    assert set(series["series"]) == {"Observed", "Observed (illustrative)", "Target", "Trend"}
    trend = series[series["series"] == "Trend"]
    assert trend["date"].max() == "2030-01-01"
    assert (trend["lower"] < trend["value"]).all() and (trend["upper"] > trend["value"]).all()


# --------------------------------------------------------------------------- seeded data


def summaries_by_id(db):
    return {s.outcome.outcome_id: s for s in outcomes.outcome_summaries(db)}


def test_six_outcomes_each_with_an_indicator(db):
    summaries = summaries_by_id(db)
    assert list(summaries) == ["O1", "O2", "O3", "O4", "O5", "O6"]
    assert all(s.indicators for s in summaries.values())


def test_seeded_statuses_as_of_today(db):
    # Every seeded target date (2011-2012) has passed. Worked by hand from data/seed:
    # O1: I1's latest figure before 31/03/2011 is 2006, over 12 months before: out of date.
    # O2: I3 is 64% on 31/03/2011, within 12 months of its 75% target on 31/03/2012: missed.
    # O4: I5's latest figure is 31/10/2009, 24 months before its target date: out of date.
    # O6: I7 is 83% on 31/03/2011 against 85% by 31/03/2012: missed. O3, O5: no data.
    summaries = summaries_by_id(db)
    statuses = {k: s.status for k, s in summaries.items()}
    assert statuses == {
        "O1": outcomes.OUT_OF_DATE, "O2": outcomes.MISSED, "O3": outcomes.NO_DATA,
        "O4": outcomes.OUT_OF_DATE, "O5": outcomes.NO_DATA, "O6": outcomes.MISSED,
    }
    assert {k for k, s in summaries.items() if s.illustrative} == {"O1", "O2", "O4", "O6"}
    counts = outcomes.status_counts(db)
    assert (counts[outcomes.MISSED], counts[outcomes.OUT_OF_DATE], counts[outcomes.NO_DATA]) == (2, 2, 2)
    headline = {c.group: (c.real, c.illustrative) for c in outcomes.headline_counts(list(summaries.values()))}
    assert headline == {"met or on track": (0, 0), "at risk or off track": (0, 0),
                        "target missed": (0, 2), "out of date or no data": (2, 2)}


def test_framework_volunteering_figures_and_national_indicators(db):
    by_id = {i.indicator_id: i for i in outcomes.list_indicators(db)}
    volunteering = outcomes.list_observations(db, "I1")
    assert [(o.observed_on[:4], o.value, o.illustrative) for o in volunteering] == [("2004", 36, False), ("2006", 42, False)]
    assert "Cheshire Community Survey" in by_id["I1"].source
    assert by_id["I1"].target_illustrative  # the framework sets no target
    assert "NI 6" in by_id["I2"].name and "England 23%" in by_id["I2"].comparator
    assert "Place Survey 2008" in by_id["I2"].comparator
    assert "NI 7" in by_id["I6"].name and "England 16%" in by_id["I6"].comparator
    # Local figures that are not known are stored as missing, with a note, never invented.
    for indicator_id in ("I2", "I6"):
        held = outcomes.list_observations(db, indicator_id)
        assert held and all(o.value is None and "not held" in o.note for o in held)


def test_contract_share_reconciles_with_the_spend_table(db):
    headline = spend.headline(db)
    seeded = outcomes.list_observations(db, "I3")[0]
    assert not seeded.illustrative
    assert seeded.value == pytest.approx(round(headline.contract_share * 100, 2))


def test_every_non_document_value_is_illustrative(db):
    for observation in outcomes.list_observations(db):
        if observation.value is not None and observation.source == "Illustrative":
            assert observation.illustrative
    assert all(o.illustrative for o in outcomes.list_observations(db, "I7"))


def test_outcome_titles_and_descriptions_are_the_documents(db):
    if not DOCUMENT.exists():
        pytest.skip(f"framework document not found at {DOCUMENT}: this test needs ../shared/seed")
    text = " ".join(DOCUMENT.read_text(encoding="utf-8").split())
    for outcome in outcomes.list_outcomes(db):
        assert outcome.title in text
        for point in outcome.bullet_points:
            assert point in text, point


def test_gap_table_sorted_by_size(db):
    table = outcomes.gap_table(outcomes.assess_all(db))
    gaps = list(table["Gap (% of target)"])
    assert gaps == sorted(gaps, reverse=True)
    assert set(table["Illustrative"]) == {"illustrative"}


# --------------------------------------------------------------------------- forms


def test_add_observation_changes_status_and_is_audited(db):
    assert summaries_by_id(db)["O4"].status == outcomes.OUT_OF_DATE
    # 230 on 31/10/2010 is within 12 months of I5's target (200 by 31/10/2011): met.
    outcomes.add_observation(db, "I5", observed_on="31/10/2010", value="230", source="Consultation log", who="Tester")
    assert summaries_by_id(db)["O4"].status == outcomes.MET
    entry = versioned.audit_entries(db, "indicator", "I5")[0]
    assert entry["action"] == "add observation" and entry["who"] == "Tester"
    assert json.loads(entry["after_json"])["value"] == 230


@pytest.mark.parametrize(
    "indicator_id, values, message",
    [
        ("I1", {"observed_on": "31/02/2010", "value": "40"}, "is not a date"),
        ("I1", {"observed_on": "2999-01-01", "value": "40"}, "in the future"),
        ("I1", {"observed_on": "01/01/2010", "value": "140"}, "between 0 and 100"),
        ("I1", {"observed_on": "01/01/2010", "value": "forty"}, "not a number"),
        ("I5", {"observed_on": "01/01/2010", "value": "-3"}, "cannot be negative"),
        ("I1", {"observed_on": "31/03/2006", "value": "44"}, "already an observation"),
        ("I1", {"observed_on": "01/01/2010", "value": "40", "source": "  "}, "field 'source'"),
        ("XX", {"observed_on": "01/01/2010", "value": "40"}, "does not exist"),
    ],
)
def test_add_observation_rejects_bad_input_and_writes_nothing(db, indicator_id, values, message):
    before = db["observations"].count
    audit_before = db["audit_log"].count
    arguments = {"source": "Survey", "who": "Tester", **values}
    with pytest.raises(DomainError, match=message):
        outcomes.add_observation(db, indicator_id, **arguments)
    assert db["observations"].count == before
    assert db["audit_log"].count == audit_before


def test_edit_target_validates_and_audits(db):
    with pytest.raises(DomainError, match="not after the baseline date"):
        outcomes.edit_target(db, "I1", target_value="55", target_date="01/01/2003", illustrative=True, who="T")
    with pytest.raises(DomainError, match="between 0 and 100"):
        outcomes.edit_target(db, "I1", target_value="155", target_date="01/01/2012", illustrative=True, who="T")
    updated = outcomes.edit_target(db, "I1", target_value="70", target_date="31/03/2011", illustrative=True,
                                   who="Officer", reason="Stretch target")
    assert updated.target_value == 70
    # The target date has passed with no figure within 12 months of it: still out of date.
    assert summaries_by_id(db)["O1"].status == outcomes.OUT_OF_DATE
    entry = versioned.audit_entries(db, "indicator", "I1")[0]
    assert json.loads(entry["before_json"])["target_value"] == 50
    assert json.loads(entry["after_json"])["target_value"] == 70
    assert entry["reason"] == "Stretch target"
    assert len(outcomes.audit_trail(db)) == 1


def test_seed_is_idempotent_and_keeps_edits(db_path):
    with store.opened(db_path) as db:
        outcomes.edit_target(db, "I5", target_value="300", target_date="31/10/2012", illustrative=True, who="T")
        counts = (db["outcomes"].count, db["indicators"].count, db["observations"].count)
    init_database(db_path)
    with store.opened(db_path) as db:
        assert (db["outcomes"].count, db["indicators"].count, db["observations"].count) == counts
        assert outcomes.get_indicator(db, "I5").target_value == 300


def test_command_line_json_and_table(db_path, run_cli):
    result = run_cli("outcomes", "--db", db_path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    o4 = {o["outcome_id"]: o for o in data["outcomes"]}["O4"]
    assert (o4["status"], o4["illustrative"]) == ("out of date", True)
    assert data["as_of"] >= "2026-12-01"
    assert len(data["indicators"]) == 7
    table = run_cli("outcomes", "--db", db_path).stdout
    assert "illustrative" in table and "Status rule:" in table and "target missed (illustrative figures)" in table


def test_bad_seed_file_names_file_row_and_column(tmp_path, monkeypatch):
    bad = tmp_path / "indicators.csv"
    text = outcomes.INDICATORS_FILE.read_text(encoding="utf-8").replace(",%,higher,36,", ",percent,higher,36,", 1)
    bad.write_text(text, encoding="utf-8")
    monkeypatch.setattr(outcomes, "INDICATORS_FILE", bad)
    with pytest.raises(DomainError, match=r"indicators.csv, row 2, column 'unit': 'percent'"):
        outcomes.read_seed()
