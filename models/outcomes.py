"""The framework's six outcomes, their indicators, observations and status.

An indicator has a unit ('%' as 0-100, or 'number'), a direction (higher or lower is
better), a baseline and a target (value and date) and observations over time. Its status
follows ``STATUS_RULE`` (in words, shown on the page and printed by the command line);
the trend is a scikit-learn linear regression of value on time in years, with a 95%
prediction interval when there are at least three observations.

Values the framework or the national indicator set give are seeded from
``data/seed/``; values added only to demonstrate the tool are flagged illustrative.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from dateutil.relativedelta import relativedelta
import pandas as pd

from . import policy, store, versioned
from .audit import audit_frame
from .errors import DomainError
from .formatting import LONDON, uk_date, uk_datetime

SEED_DIR = store.PROJECT_ROOT / "data" / "seed"
OUTCOMES_FILE = SEED_DIR / "outcomes.csv"
INDICATORS_FILE = SEED_DIR / "indicators.csv"
OBSERVATIONS_FILE = SEED_DIR / "observations.csv"

ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "on track", "at risk", "off track", "no data"
MET, MISSED, OUT_OF_DATE = "target met", "target missed", "out of date"
STATUSES = (MET, ON_TRACK, AT_RISK, OFF_TRACK, MISSED, OUT_OF_DATE, NO_DATA)
# How far short of the target the trend may fall, as a share of the distance from the
# baseline to the target, and still count as 'at risk' rather than 'off track'.
AT_RISK_TOLERANCE = 0.25
MIN_POINTS_TO_PROJECT = 2
MIN_POINTS_FOR_INTERVAL = 3
INTERVAL_LEVEL = 0.95
DAYS_PER_YEAR = 365.25
DEFAULT_REPORTING_CYCLE_MONTHS = 12
UNITS = ("%", "number")
DIRECTIONS = ("higher", "lower")
ILLUSTRATIVE_LABEL = "illustrative"

STATUS_RULE_LINES = (
    "Every status is judged as of today.",
    "No data: the indicator has no observation with a value, or no target.",
    "Target met / Target missed: the target date has passed, and the figure for it (the latest "
    "observation on or before the target date, or failing that the first after it, within one "
    "reporting cycle of the date) had or had not reached the target.",
    "Out of date: the target date has passed with no figure within one reporting cycle of it, "
    "or the target date is still ahead but the latest figure is older than one reporting cycle "
    "(12 months unless the indicator says otherwise): add a current figure.",
    "On track: the target date is ahead, and the latest value has reached the target, or the "
    "straight-line trend of all observations (least squares) reaches it by the target date.",
    f"At risk: the trend falls short at the target date by no more than {AT_RISK_TOLERANCE:.0%} "
    "of the distance from the baseline to the target; or there is only one observation, so "
    "too few points to project, and the target is not yet reached.",
    "Off track: the trend falls short by more than that.",
    "An outcome takes the worst status of its indicators that have data (target missed, off "
    "track, out of date, at risk, on track, then target met); it has no data if none of them has.",
)
STATUS_RULE = " ".join(STATUS_RULE_LINES)
STATUS_ORDER = {MISSED: 0, OFF_TRACK: 1, OUT_OF_DATE: 2, AT_RISK: 3, ON_TRACK: 4, MET: 5, NO_DATA: 6}
TOO_FEW_POINTS = "Too few points to project: a trend needs at least two observations on different dates."


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Outcome:
    outcome_id: str
    position: int
    title: str
    description: str
    source: str

    @property
    def bullet_points(self) -> list[str]:
        return [line for line in self.description.splitlines() if line.strip()]


@dataclass(frozen=True)
class Indicator:
    indicator_id: str
    outcome_id: str
    position: int
    name: str
    definition: str
    unit: str
    direction: str
    baseline_value: float | None
    baseline_date: str | None
    target_value: float | None
    target_date: str | None
    target_illustrative: bool
    target_note: str
    owner: str
    comparator: str
    note: str
    source: str
    reporting_cycle_months: int = DEFAULT_REPORTING_CYCLE_MONTHS
    version: int = 1  # of the target: what ``edit_target`` expects back

    @property
    def reporting_cycle(self) -> relativedelta:
        return relativedelta(months=self.reporting_cycle_months or DEFAULT_REPORTING_CYCLE_MONTHS)

    @property
    def cycle_words(self) -> str:
        months = self.reporting_cycle_months or DEFAULT_REPORTING_CYCLE_MONTHS
        return f"{months} month{'s' if months != 1 else ''}"


INDICATOR_FIELDS = tuple(Indicator.__dataclass_fields__)


@dataclass(frozen=True)
class Observation:
    indicator_id: str
    observed_on: str
    value: float | None
    illustrative: bool
    source: str
    note: str


@dataclass(frozen=True)
class Projection:
    """A straight-line trend of value against time, fitted with scikit-learn.

    ``points`` observations were used; ``interval`` is False when there were too few for a
    prediction interval. Time is in years from ``origin`` (the first observation)."""

    origin: dt.date
    slope_per_year: float
    intercept: float
    points: int
    interval: bool
    residual_sd: float = 0.0
    mean_x: float = 0.0
    sum_sq_x: float = 0.0
    t_quantile: float = 0.0

    def years(self, day: dt.date) -> float:
        return (day - self.origin).days / DAYS_PER_YEAR

    def predict(self, day: dt.date) -> tuple[float, float | None, float | None]:
        """(value, lower, upper) on ``day``; lower/upper are None without an interval."""
        x = self.years(day)
        value = self.intercept + self.slope_per_year * x
        if not self.interval:
            return value, None, None
        spread = self.t_quantile * self.residual_sd * math.sqrt(
            1 + 1 / self.points + (x - self.mean_x) ** 2 / self.sum_sq_x
        )
        return value, value - spread, value + spread


@dataclass(frozen=True)
class IndicatorStatus:
    """An indicator's standing: latest value, gap to target, trend and status."""

    indicator: Indicator
    observations: tuple[Observation, ...]
    status: str
    reason: str
    latest: Observation | None = None
    gap: float | None = None  # still to go, in the unit (negative: beyond the target)
    gap_percent: float | None = None  # the gap as a percentage of the target
    projection: Projection | None = None
    projected_value: float | None = None
    projected_lower: float | None = None
    projected_upper: float | None = None
    projection_message: str = ""

    @property
    def illustrative(self) -> bool:
        """True when any value this status rests on is illustrative."""
        return self.indicator.target_illustrative or any(
            o.illustrative for o in self.observations if o.value is not None
        )


@dataclass(frozen=True)
class OutcomeSummary:
    outcome: Outcome
    status: str
    reason: str
    indicators: tuple[IndicatorStatus, ...] = field(default_factory=tuple)

    @property
    def illustrative(self) -> bool:
        """True when the status rests on illustrative figures: an indicator that sets it
        (one with the outcome's status) uses an illustrative target or value."""
        return any(s.illustrative for s in self.indicators if s.status == self.status and s.status != NO_DATA)


# --------------------------------------------------------------------------- parsing


def parse_date(value, *, where: str) -> dt.date:
    """A date from ISO ('2026-11-24'), UK ('24/11/2026') or a date object; a DomainError
    naming ``where`` otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        raise DomainError(f"{where}: a date is needed, as 24/11/2026.")
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise DomainError(f"{where}: '{text}' is not a date. Write it as 24/11/2026.")


def parse_value(value, *, unit: str, where: str) -> float:
    """A number in ``unit``: finite, 0-100 for '%', not negative for 'number'."""
    if isinstance(value, bool):
        raise DomainError(f"{where}: '{value}' is not a number.")
    text = str(value if value is not None else "").strip().replace(",", "")
    if unit == "%":
        text = text.rstrip("%").strip()
    try:
        number = float(text)
    except ValueError:
        raise DomainError(f"{where}: '{value}' is not a number. Enter digits only, e.g. 42.5.") from None
    if not math.isfinite(number):
        raise DomainError(f"{where}: '{value}' is not a number.")
    if unit == "%" and not 0 <= number <= 100:
        raise DomainError(f"{where}: {number:g} is not a percentage between 0 and 100.")
    if unit == "number" and number < 0:
        raise DomainError(f"{where}: {number:g} cannot be negative for a count.")
    return number


def _optional_float(text: str) -> float | None:
    return float(text) if str(text).strip() else None


# --------------------------------------------------------------------------- seed


def read_csv_rows(path: Path) -> list[tuple[int, dict]]:
    """(line number, row) for each data row of a seed CSV (the header is line 1)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(enumerate(csv.DictReader(handle), start=2))


def require_choice(row: dict, column: str, choices, where: str) -> None:
    """A DomainError naming the place and column unless ``row[column]`` is one of ``choices``."""
    if row[column] not in choices:
        raise DomainError(f"{where}, column '{column}': '{row[column]}' should be one of {', '.join(choices)}")


def read_seed() -> tuple[list[dict], list[dict], list[dict]]:
    """The seed outcomes, indicators and observations, checked; a DomainError names the
    file, row and column of any fault."""
    outcomes = [dict(r) for _, r in read_csv_rows(OUTCOMES_FILE)]
    outcome_ids = {o["outcome_id"] for o in outcomes}
    indicators = []
    for line, row in read_csv_rows(INDICATORS_FILE):
        where = f"{INDICATORS_FILE.name}, row {line}"
        if row["outcome_id"] not in outcome_ids:
            raise DomainError(f"{where}, column 'outcome_id': unknown outcome '{row['outcome_id']}'")
        require_choice(row, "unit", UNITS, where)
        require_choice(row, "direction", DIRECTIONS, where)
        for column in ("baseline_value", "target_value"):
            if row[column].strip():
                parse_value(row[column], unit=row["unit"], where=f"{where}, column '{column}'")
        for column in ("baseline_date", "target_date"):
            if row[column].strip():
                parse_date(row[column], where=f"{where}, column '{column}'")
        indicators.append(dict(row))
    units = {i["indicator_id"]: i["unit"] for i in indicators}
    observations = []
    for line, row in read_csv_rows(OBSERVATIONS_FILE):
        where = f"{OBSERVATIONS_FILE.name}, row {line}"
        if row["indicator_id"] not in units:
            raise DomainError(f"{where}, column 'indicator_id': unknown indicator '{row['indicator_id']}'")
        parse_date(row["observed_on"], where=f"{where}, column 'observed_on'")
        if row["value"].strip():
            parse_value(row["value"], unit=units[row["indicator_id"]], where=f"{where}, column 'value'")
        observations.append(dict(row))
    return outcomes, indicators, observations


def seed(db: store.Database) -> int:
    """Load the outcomes, indicators and observations (idempotent: rows already present,
    perhaps edited by officers since, are left as they are). Returns rows inserted."""
    outcomes, indicators, observations = read_seed()
    now = store.now_iso()
    indicator_rows = [{
        **row,
        "position": int(row["position"]),
        "baseline_value": _optional_float(row["baseline_value"]),
        "baseline_date": row["baseline_date"] or None,
        "target_value": _optional_float(row["target_value"]),
        "target_date": row["target_date"] or None,
        "target_illustrative": int(row["target_illustrative"] or 0),
    } for row in indicators]
    observation_rows = [{
        "indicator_id": row["indicator_id"],
        "observed_on": row["observed_on"],
        "value": _optional_float(row["value"]),
        "illustrative": int(row["illustrative"] or 0),
        "source": row["source"],
        "note": row["note"],
        "seed_key": f"seed:{row['indicator_id']}:{row['observed_on']}",
        "added_at": now,
        "added_by": "seed",
    } for row in observations]
    with store.transaction(db):
        return (insert_missing(db, "outcomes", "outcome_id", [{**row, "position": int(row["position"])} for row in outcomes])
                + insert_missing(db, "indicators", "indicator_id", indicator_rows)
                + insert_missing(db, "observations", "seed_key", observation_rows))


def insert_missing(db: store.Database, table: str, key: str, records: list[dict]) -> int:
    """Insert the ``records`` whose ``key`` no row of ``table`` has yet (rows already there,
    perhaps edited since, are left as they are); returns how many were inserted.

    Run it inside ``store.transaction``: the keys are read after the transaction has taken
    the write lock (BEGIN IMMEDIATE on SQLite, the advisory lock on PostgreSQL), so
    processes seeding at once each see the others' rows and nothing is inserted twice."""
    held = {row[0] for row in db.execute(f"SELECT {key} FROM {table}").fetchall()}
    missing = [record for record in records if record[key] not in held]
    if missing:
        db[table].insert_all(missing)
    return len(missing)


# --------------------------------------------------------------------------- reading


def list_outcomes(db: store.Database) -> list[Outcome]:
    """The six outcomes in the document's order."""
    return [Outcome(**row) for row in db.query("SELECT * FROM outcomes ORDER BY position, outcome_id")]


def list_indicators(db: store.Database) -> list[Indicator]:
    """Every indicator, by outcome and position."""
    rows = db.query(
        "SELECT i.* FROM indicators i JOIN outcomes o USING (outcome_id) ORDER BY o.position, i.position, i.indicator_id"
    )
    return [_indicator(row) for row in rows]


def get_indicator(db: store.Database, indicator_id: str) -> Indicator:
    row = next(db.query("SELECT * FROM indicators WHERE indicator_id = :indicator_id", {"indicator_id": indicator_id}), None)
    if row is None:
        raise DomainError(f"Indicator '{indicator_id}' does not exist. Choose one from the list.")
    return _indicator(row)


def _indicator(row: dict) -> Indicator:
    return Indicator(**{**{k: row[k] for k in INDICATOR_FIELDS if k in row}, "target_illustrative": bool(row["target_illustrative"])})


def list_observations(db: store.Database, indicator_id: str | None = None) -> list[Observation]:
    """Observations in date order, for one indicator or all."""
    sql = "SELECT indicator_id, observed_on, value, illustrative, source, note FROM observations"
    params: dict = {}
    if indicator_id is not None:
        sql += " WHERE indicator_id = :indicator_id"
        params["indicator_id"] = indicator_id
    sql += " ORDER BY indicator_id, observed_on, id"
    return [Observation(**{**row, "illustrative": bool(row["illustrative"])}) for row in db.query(sql, params)]


# --------------------------------------------------------------------------- engine


def project(points: list[tuple[dt.date, float]]) -> Projection | None:
    """A linear trend through ``points`` (date, value), or None when there are fewer than
    two distinct dates. With three or more points, a 95% prediction interval too."""
    import sklearn
    from sklearn.linear_model import LinearRegression

    if len({day for day, _ in points}) < MIN_POINTS_TO_PROJECT:
        return None
    origin = min(day for day, _ in points)
    x = np.array([(day - origin).days / DAYS_PER_YEAR for day, _ in points])
    y = np.array([value for _, value in points], dtype=float)
    # Values are checked on the way in, so skip scikit-learn's per-call input checks.
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        model = LinearRegression().fit(x.reshape(-1, 1), y)
    slope, intercept = float(model.coef_[0]), float(model.intercept_)
    n = len(points)
    if n < MIN_POINTS_FOR_INTERVAL:
        return Projection(origin, slope, intercept, n, interval=False)
    residuals = y - (intercept + slope * x)
    residual_sd = float(math.sqrt((residuals**2).sum() / (n - 2)))
    mean_x = float(x.mean())
    return Projection(
        origin,
        slope,
        intercept,
        n,
        interval=True,
        residual_sd=residual_sd,
        mean_x=mean_x,
        sum_sq_x=float(((x - mean_x) ** 2).sum()),
        t_quantile=_t_quantile(n - 2),
    )


@functools.lru_cache(maxsize=256)
def _t_quantile(degrees_of_freedom: int) -> float:
    """The two-sided Student t quantile for ``INTERVAL_LEVEL``."""
    from scipy import stats  # scikit-learn's own dependency

    return float(stats.t.ppf(0.5 + INTERVAL_LEVEL / 2, degrees_of_freedom))


def shortfall(indicator: Indicator, value: float) -> float:
    """How far ``value`` is from the target in the direction that matters, in the unit
    (positive: short of the target; zero or negative: reached)."""
    if indicator.direction == "higher":
        return indicator.target_value - value
    return value - indicator.target_value


def today_in_england() -> dt.date:
    """Today's date in Europe/London, the date every status is judged on."""
    return dt.datetime.now(LONDON).date()


def assess(indicator: Indicator, observations: list[Observation], today: dt.date | None = None) -> IndicatorStatus:
    """The indicator's status by ``STATUS_RULE`` as of ``today`` (default: today in
    England), its gap to target and its trend."""
    today = today or today_in_england()
    known = sorted((o for o in observations if o.value is not None), key=lambda o: o.observed_on)
    everything = tuple(sorted(observations, key=lambda o: o.observed_on))
    if not known:
        return IndicatorStatus(indicator, everything, NO_DATA, "No observation with a value is held.",
                               projection_message=TOO_FEW_POINTS)
    latest = known[-1]
    if indicator.target_value is None or not indicator.target_date:
        return IndicatorStatus(indicator, everything, NO_DATA, "No target is set.", latest=latest,
                               projection_message="No target date to project to.")
    gap = shortfall(indicator, latest.value)
    gap_percent = gap / abs(indicator.target_value) * 100 if indicator.target_value else None
    target_day = dt.date.fromisoformat(indicator.target_date)
    trend = project([(dt.date.fromisoformat(o.observed_on), o.value) for o in known])
    common = dict(indicator=indicator, observations=everything, latest=latest, gap=gap, gap_percent=gap_percent,
                  projection=trend)
    if trend is not None:
        value, lower, upper = trend.predict(target_day)
        common.update(projected_value=value, projected_lower=lower, projected_upper=upper,
                      projection_message=_projection_words(indicator, trend, value, lower, upper))
    else:
        common.update(projection_message=TOO_FEW_POINTS)
    if target_day < today:
        status, reason = _judged_at_target(indicator, known, target_day)
    else:
        status, reason = _status(indicator, latest, gap, trend, common.get("projected_value"), target_day, known, today)
    return IndicatorStatus(status=status, reason=reason, **common)


def figure_for_target(indicator: Indicator, known: list[Observation], target_day: dt.date) -> Observation | None:
    """The observation a passed target is judged on: the latest on or before the target
    date, or failing that the first after it, within one reporting cycle of the date."""
    earliest, last = target_day - indicator.reporting_cycle, target_day + indicator.reporting_cycle
    before = [o for o in known if earliest <= dt.date.fromisoformat(o.observed_on) <= target_day]
    if before:
        return before[-1]
    after = [o for o in known if target_day < dt.date.fromisoformat(o.observed_on) <= last]
    return after[0] if after else None


def _judged_at_target(indicator: Indicator, known: list[Observation], target_day: dt.date) -> tuple[str, str]:
    target = _value_words(indicator, indicator.target_value)
    figure = figure_for_target(indicator, known, target_day)
    if figure is None:
        before = [o for o in known if o.observed_on <= target_day.isoformat()]
        held = (f" The latest figure before it is {_value_words(indicator, before[-1].value)} on "
                f"{uk_date(before[-1].observed_on)}." if before else "")
        return OUT_OF_DATE, (
            f"The target date ({uk_date(target_day)}) has passed, and no figure is held within "
            f"{indicator.cycle_words} of it, so whether {target} was reached is not known.{held} "
            "Add the figure for the target date.")
    value = _value_words(indicator, figure.value)
    if shortfall(indicator, figure.value) <= 0:
        return MET, f"The target date ({uk_date(target_day)}) has passed; the figure for it, {value} on {uk_date(figure.observed_on)}, reached {target}."
    return MISSED, f"The target date ({uk_date(target_day)}) has passed; the figure for it, {value} on {uk_date(figure.observed_on)}, fell short of {target}."


def _status(indicator, latest, gap, trend, projected, target_day, known, today) -> tuple[str, str]:
    """The status of a target still ahead, and the reason for it, in words."""
    target = _value_words(indicator, indicator.target_value)
    latest_day = dt.date.fromisoformat(latest.observed_on)
    if latest_day + indicator.reporting_cycle < today:
        return OUT_OF_DATE, (
            f"The latest figure ({_value_words(indicator, latest.value)} on {uk_date(latest_day)}) is older "
            f"than the indicator's reporting cycle ({indicator.cycle_words}): add a current figure.")
    if gap <= 0:
        return ON_TRACK, f"The latest value ({_value_words(indicator, latest.value)}) has reached the target ({target})."
    if trend is None:
        return AT_RISK, "Too few points to project, and the target is not yet reached."
    projected_gap = shortfall(indicator, projected)
    if projected_gap <= 0:
        return ON_TRACK, f"The trend reaches {target} by {uk_date(target_day)}."
    start = indicator.baseline_value if indicator.baseline_value is not None else known[0].value
    distance = abs(indicator.target_value - start)
    share = projected_gap / distance if distance else math.inf
    words = f"The trend falls short by {_difference_words(indicator, projected_gap)} at {uk_date(target_day)}"
    if share <= AT_RISK_TOLERANCE:
        return AT_RISK, f"{words}, {share:.0%} of the distance from baseline to target."
    distance_words = f"{share:.0%} of the distance from baseline to target" if distance else "and baseline equals target"
    return OFF_TRACK, f"{words}, {distance_words}."


def _projection_words(indicator, trend: Projection, value, lower, upper) -> str:
    per_year = _difference_words(indicator, abs(trend.slope_per_year))
    direction = "rising" if trend.slope_per_year > 0 else "falling" if trend.slope_per_year < 0 else "flat"
    text = (f"Linear trend of {trend.points} observations, {direction} by {per_year} a year: "
            f"{_value_words(indicator, value)} by {uk_date(indicator.target_date)}")
    if lower is None:
        return text + " (too few points for an interval: it needs three)."
    return text + f" (95% prediction interval {_value_words(indicator, lower)} to {_value_words(indicator, upper)})."


def _value_words(indicator: Indicator, value: float | None) -> str:
    return format_value(value, indicator.unit)


def _difference_words(indicator: Indicator, difference: float) -> str:
    return format_difference(difference, indicator.unit)


def format_difference(difference: float | None, unit: str) -> str:
    """A difference in a unit, for people: '8.0 percentage points' or '35'."""
    if unit == "%" and difference is not None and not math.isnan(difference):
        return f"{difference:,.1f} percentage points"
    return format_value(difference, unit)


def format_value(value: float | None, unit: str) -> str:
    """'42.0%' or '1,234' or '' for missing: a value in its unit, for people."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if unit == "%":
        return f"{value:,.1f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def outcome_status(statuses: list[IndicatorStatus]) -> tuple[str, str]:
    """An outcome's status: the worst of its indicators that have data."""
    with_data = [s for s in statuses if s.status != NO_DATA]
    if not with_data:
        return NO_DATA, "None of its indicators has data and a target."
    worst = min(with_data, key=lambda s: STATUS_ORDER[s.status])
    return worst.status, f"Worst of its indicators: {worst.indicator.name} ({worst.status})."


def assess_all(db: store.Database) -> list[IndicatorStatus]:
    """Every indicator's status, by outcome and position."""
    by_indicator: dict[str, list[Observation]] = {}
    for observation in list_observations(db):
        by_indicator.setdefault(observation.indicator_id, []).append(observation)
    return [assess(i, by_indicator.get(i.indicator_id, [])) for i in list_indicators(db)]


def outcome_summaries(db: store.Database) -> list[OutcomeSummary]:
    """Each outcome with its status and its indicators' statuses."""
    statuses = assess_all(db)
    summaries = []
    for outcome in list_outcomes(db):
        own = [s for s in statuses if s.indicator.outcome_id == outcome.outcome_id]
        status, reason = outcome_status(own)
        summaries.append(OutcomeSummary(outcome, status, reason, tuple(own)))
    return summaries


# The headline groups: how the Home and Outcomes pages count outcomes in four figures.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "met or on track": (MET, ON_TRACK),
    "at risk or off track": (AT_RISK, OFF_TRACK),
    "target missed": (MISSED,),
    "out of date or no data": (OUT_OF_DATE, NO_DATA),
}


def status_counts(db: store.Database) -> dict[str, int]:
    """How many outcomes have each status (every status, zeros included)."""
    counts = {status: 0 for status in STATUSES}
    for summary in outcome_summaries(db):
        counts[summary.status] += 1
    return counts


@dataclass(frozen=True)
class GroupCount:
    """How many outcomes fall in a headline group, on real figures and on illustrative ones."""

    group: str
    real: int
    illustrative: int
    total_outcomes: int


def headline_counts(summaries: list[OutcomeSummary]) -> list[GroupCount]:
    """The four headline figures, each split into outcomes whose status rests on real
    figures and those that rest on illustrative ones (an outcome with no data counts as
    real: nothing illustrative decides it)."""
    counts = []
    for group, members in STATUS_GROUPS.items():
        chosen = [s for s in summaries if s.status in members]
        illustrative = sum(1 for s in chosen if s.illustrative)
        counts.append(GroupCount(group, len(chosen) - illustrative, illustrative, len(summaries)))
    return counts


# --------------------------------------------------------------------------- tables


def indicator_table(statuses: list[IndicatorStatus]) -> pd.DataFrame:
    """One row per indicator: latest value, target, gap and status, in users' words.
    Illustrative figures are labelled in the 'Illustrative' column."""
    rows = []
    for s in statuses:
        i = s.indicator
        rows.append({
            "Outcome": i.outcome_id,
            "Indicator": i.name,
            "Unit": i.unit,
            "Latest value": s.latest.value if s.latest else None,
            "Latest date": uk_date(s.latest.observed_on) if s.latest else "",
            "Target": i.target_value,
            "Target date": uk_date(i.target_date),
            "Gap (unit)": s.gap,
            "Gap (% of target)": s.gap_percent,
            "Projected at target date": s.projected_value,
            "Status": s.status,
            "Reason": s.reason,
            "Illustrative": ILLUSTRATIVE_LABEL if s.illustrative else "",
            "Owner": i.owner,
        })
    return pd.DataFrame(rows)


def gap_table(statuses: list[IndicatorStatus]) -> pd.DataFrame:
    """Indicators with a gap, largest gap (as % of target) first; rounded for reading."""
    frame = indicator_table(statuses)
    frame = frame[frame["Gap (unit)"].notna()].copy()
    frame = frame.sort_values("Gap (% of target)", ascending=False, key=lambda c: c.fillna(-math.inf))
    for column in ("Latest value", "Target", "Gap (unit)", "Gap (% of target)", "Projected at target date"):
        frame[column] = frame[column].astype(float).round(2)
    return frame.reset_index(drop=True)


def observation_frame(status: IndicatorStatus) -> pd.DataFrame:
    """The observations of one indicator for a table (dates as '24/11/2026')."""
    return pd.DataFrame([
        {
            "Date": uk_date(o.observed_on),
            "Value": o.value,
            "Illustrative": ILLUSTRATIVE_LABEL if o.illustrative else "",
            "Source": o.source,
            "Note": o.note,
        }
        for o in status.observations
    ], columns=["Date", "Value", "Illustrative", "Source", "Note"])


def chart_series(status: IndicatorStatus, steps: int = 12) -> pd.DataFrame:
    """Long table for the indicator chart: observations, the target and the projected
    trend (with lower and upper interval bounds where there is an interval).
    Columns: date (ISO), series, value, lower, upper, label."""
    rows = []
    for o in status.observations:
        if o.value is not None:
            label = "Observed (illustrative)" if o.illustrative else "Observed"
            rows.append({"date": o.observed_on, "series": label, "value": o.value, "lower": None, "upper": None})
    i = status.indicator
    if i.target_value is not None and i.target_date:
        target_label = "Target (illustrative)" if i.target_illustrative else "Target"
        rows.append({"date": i.target_date, "series": target_label, "value": i.target_value, "lower": None, "upper": None})
    if status.projection is not None and i.target_date:
        start = dt.date.fromisoformat(status.latest.observed_on)
        end = dt.date.fromisoformat(i.target_date)
        first = status.projection.origin
        span_start = min(first, start)
        for step in range(steps + 1):
            day = span_start + (max(end, start) - span_start) * step / steps
            value, lower, upper = status.projection.predict(day)
            rows.append({"date": day.isoformat(), "series": "Trend", "value": value, "lower": lower, "upper": upper})
    return pd.DataFrame(rows, columns=["date", "series", "value", "lower", "upper"])


def as_json(statuses: list[IndicatorStatus]) -> list[dict]:
    """Indicator standings for the command line's JSON output (ISO dates, raw numbers)."""
    records = []
    for s in statuses:
        i = s.indicator
        records.append({
            "outcome_id": i.outcome_id,
            "indicator_id": i.indicator_id,
            "indicator": i.name,
            "unit": i.unit,
            "direction": i.direction,
            "latest_value": s.latest.value if s.latest else None,
            "latest_date": s.latest.observed_on if s.latest else None,
            "target_value": i.target_value,
            "target_date": i.target_date,
            "gap": s.gap,
            "gap_percent_of_target": s.gap_percent,
            "projected_value": s.projected_value,
            "projected_interval": [s.projected_lower, s.projected_upper] if s.projected_lower is not None else None,
            "status": s.status,
            "reason": s.reason,
            "illustrative": s.illustrative,
        })
    return records


# --------------------------------------------------------------------------- writing


def add_observation(
    db: store.Database,
    indicator_id: str,
    *,
    observed_on,
    value,
    source: str,
    note: str = "",
    illustrative: bool = False,
    who: str | None = None,
    actor: policy.Actor | None = None,
    today: dt.date | None = None,
) -> Observation:
    """Record one observation after checking it (date not in the future, value in the
    indicator's unit, a source, none already on that date: checked inside the write, so
    two people adding the same date at once cannot both succeed); audited. Raises
    DomainError naming the field."""
    actor = policy.actor_or_name(actor, who)
    indicator = get_indicator(db, indicator_id)
    where = f"Indicator '{indicator.name}'"
    day = parse_date(observed_on, where=f"{where}, field 'date'")
    if day > (today or dt.date.today()):
        raise DomainError(f"{where}, field 'date': {uk_date(day)} is in the future. Enter the date the value was measured.")
    number = parse_value(value, unit=indicator.unit, where=f"{where}, field 'value'")
    if not str(source or "").strip():
        raise DomainError(f"{where}, field 'source': say where the value comes from (survey, report, data set).")
    if not (actor.signed_in or actor.name.strip()):
        raise DomainError(f"{where}: say who is adding the observation.")
    policy.require(actor, "indicator.edit", {"indicator_id": indicator_id})
    record = {
        "indicator_id": indicator_id,
        "observed_on": day.isoformat(),
        "value": number,
        "illustrative": int(bool(illustrative)),
        "source": source.strip(),
        "note": (note or "").strip(),
    }
    with store.transaction(db):
        clash = db.execute(
            "SELECT added_by, added_at FROM observations WHERE indicator_id = :indicator_id AND observed_on = :day",
            {"indicator_id": indicator_id, "day": day.isoformat()},
        ).fetchone()
        if clash:
            by = f" (added by {clash[0]}, {uk_datetime(clash[1])})" if clash[0] else ""
            raise DomainError(f"{where}, field 'date': there is already an observation on {uk_date(day)}{by}.")
        db["observations"].insert({**record, "added_at": store.now_iso(), "added_by": actor.label})
        versioned.record_audit(db, entity="indicator", entity_id=indicator_id, action="add observation",
                           who=actor.label, after=record)
    return Observation(**{**record, "illustrative": bool(illustrative)})


def edit_target(
    db: store.Database,
    indicator_id: str,
    *,
    target_value,
    target_date,
    illustrative: bool,
    note: str = "",
    who: str | None = None,
    reason: str = "",
    actor: policy.Actor | None = None,
    expected_version: int | None = None,
) -> Indicator:
    """Change an indicator's target (value in its unit, date after the baseline);
    audited with the before (read in the same transaction) and after. Raises DomainError
    naming the field; ``StaleEdit`` if the target changed since the person opened it
    (``expected_version``: ``Indicator.version`` then)."""
    actor = policy.actor_or_name(actor, who)
    indicator = get_indicator(db, indicator_id)
    where = f"Indicator '{indicator.name}'"
    number = parse_value(target_value, unit=indicator.unit, where=f"{where}, field 'target value'")
    day = parse_date(target_date, where=f"{where}, field 'target date'")
    if indicator.baseline_date and day <= dt.date.fromisoformat(indicator.baseline_date):
        raise DomainError(
            f"{where}, field 'target date': {uk_date(day)} is not after the baseline date "
            f"({uk_date(indicator.baseline_date)})."
        )
    if not (actor.signed_in or actor.name.strip()):
        raise DomainError(f"{where}: say who is changing the target.")
    policy.require(actor, "indicator.edit", {"indicator_id": indicator_id})
    after = {"target_value": number, "target_date": day.isoformat(), "target_illustrative": int(bool(illustrative)),
             "target_note": (note or "").strip()}
    with store.transaction(db):
        versioned.update_versioned(
            db, "indicators", {"indicator_id": indicator_id}, expected_version, after, entity="indicator",
            who=actor.label, reason=reason or None, action="edit target", label=f"The target of {where}",
            changed_by=("updated_by", "updated_at"), stamp={"updated_by": actor.label, "updated_at": store.now_iso()},
            audit_view=lambda row: {**{k: row[k] for k in after}, "target_illustrative": bool(row["target_illustrative"])},
        )
    return get_indicator(db, indicator_id)


def audit_trail(db: store.Database) -> pd.DataFrame:
    """Changes to indicators, newest first, in words, for the page."""
    return audit_frame(versioned.audit_entries(db, "indicator"), record_label="Indicator")