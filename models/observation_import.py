"""Officers bring current indicator figures in from a CSV file, all or nothing.

Two layouts are read:

* **The template** (``template_csv()``): one row per figure, columns ``indicator_id``,
  ``observed_on`` (24/11/2026 or 2026-11-24), ``value``, ``source``, and optionally ``note``
  and ``illustrative`` (yes/no).
* **An LG Inform metric download**: one row per area and period, with columns such as
  ``Area code`` (a GSS code, e.g. E06000049), ``Area``, ``Period`` and ``Value``. The officer
  says which indicator the file is for and which area to take (by GSS code or name); other
  areas' rows are comparators and are left out. Periods are read as England's public bodies
  write them: a financial year ``2019/20`` (dated 31 March 2020, the end of the year), a
  quarter ``Q1 2019/20`` (30 June 2019), a calendar year ``2019`` (31 December 2019), a month
  ``2019-06`` or ``Jun 2019`` (its last day), or a date.

Every problem names the file, row and column; if any row has one, nothing is written.
Each figure added is audited like one added through the form.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass


from . import outcomes, policy, store, versioned
from .errors import DomainError
from .formatting import uk_date

TEMPLATE_COLUMNS = ("indicator_id", "observed_on", "value", "source", "note", "illustrative")
MAX_BYTES = 5_000_000
MAX_ROWS = 50_000
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}
LG_INFORM_HEADERS = {
    "area_code": ("area code", "area_code", "gss code", "areacode"),
    "area": ("area", "area name", "area_name", "areaname"),
    "period": ("period", "time period", "period label", "time"),
    "value": ("value", "data value", "datavalue", "metric value"),
}


@dataclass(frozen=True)
class ObservationRow:
    line: int
    indicator_id: str
    observed_on: dt.date
    value: float
    source: str
    note: str
    illustrative: bool


def template_csv() -> bytes:
    """The documented template, with one example row, as CSV bytes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow(["I1", "31/03/2026", "41.5", "Residents' survey 2026", "Cheshire East, all adults", "no"])
    return out.getvalue().encode("utf-8")


def period_end(text: str) -> dt.date:
    """The date a period's figure is dated on (its last day); ValueError if not a period."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})\s*/\s*(\d{2}|\d{4})", text):
        start = int(m[1])
        return dt.date(start + 1, 3, 31)
    if m := re.fullmatch(r"Q([1-4])\s+(\d{4})\s*/\s*(\d{2}|\d{4})", text, re.IGNORECASE):
        quarter, start = int(m[1]), int(m[2])
        month, year = {1: (6, start), 2: (9, start), 3: (12, start), 4: (3, start + 1)}[quarter]
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    if re.fullmatch(r"\d{4}", text):
        return dt.date(int(text), 12, 31)
    for pattern in ("%Y-%m", "%b %Y", "%B %Y"):
        try:
            first = dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return outcomes.parse_date(text, where="period")  # a date; raises DomainError otherwise


def _decode(data: bytes, filename: str) -> list[list[str]]:
    if len(data) > MAX_BYTES:
        raise DomainError(f"{filename}: the file is {len(data):,} bytes; the limit is {MAX_BYTES:,}. Split it.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) > MAX_ROWS + 1:
        raise DomainError(f"{filename}: {len(rows) - 1:,} rows; the limit is {MAX_ROWS:,}. Split the file.")
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise DomainError(f"{filename}: nothing to import (no rows under the header). Nothing was written.")
    return rows


def _find(headers: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in headers]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def parse(data: bytes, filename: str, indicators: dict[str, outcomes.Indicator], *,
          indicator_id: str | None = None, area: str | None = None, source: str | None = None,
          today: dt.date | None = None) -> list[ObservationRow]:
    """Read and check every row; a DomainError lists each problem (file, row, column)."""
    today = today or outcomes.today_in_england()
    rows = _decode(data, filename)
    header = [h.strip() for h in rows[0]]
    lowered = [h.lower() for h in header]
    duplicates = sorted({h for h in lowered if h and lowered.count(h) > 1})
    if duplicates:
        raise DomainError(f"{filename}, row 1: the column(s) {', '.join(duplicates)} appear more than once. "
                          "Keep one of each and import again.")
    problems: list[str] = []
    parsed: list[ObservationRow] = []
    if {"indicator_id", "observed_on", "value"} <= set(lowered):
        layout = "template"
        col = {name: lowered.index(name) for name in TEMPLATE_COLUMNS if name in lowered}
    elif _find(header, LG_INFORM_HEADERS["period"]) is not None and _find(header, LG_INFORM_HEADERS["value"]) is not None:
        layout = "lg-inform"
        col = {key: _find(header, names) for key, names in LG_INFORM_HEADERS.items()}
        if indicator_id not in indicators:
            raise DomainError(f"{filename}: this looks like an LG Inform download (columns {', '.join(header)}). "
                              "Choose the indicator it is for, and the area to take, then import again.")
        if not (area or "").strip():
            raise DomainError(f"{filename}: choose the area to take from this LG Inform download "
                              "(a GSS code such as E06000049, or the area's name).")
        if not (source or "").strip():
            raise DomainError(f"{filename}: say where the figures come from (e.g. 'LG Inform, NI 6').")
    else:
        raise DomainError(
            f"{filename}, row 1: the columns ({', '.join(header) or 'none'}) are neither the template's "
            f"({', '.join(TEMPLATE_COLUMNS[:4])}, ...) nor an LG Inform download's (Area code, Area, Period, Value). "
            "Download the template and copy the figures into it.")
    seen: dict[tuple[str, dt.date], int] = {}
    for line, cells in enumerate(rows[1:], start=2):
        cells = cells + [""] * (len(header) - len(cells))
        cell = lambda key: (cells[col[key]].strip() if col.get(key) is not None else "")  # noqa: E731
        where = lambda column: f"{filename}, row {line}, column '{column}'"  # noqa: E731
        if layout == "lg-inform":
            wanted = area.strip().lower()
            if wanted not in (cell("area_code").lower(), cell("area").lower()):
                continue
            ind_id, raw_date, raw_value = indicator_id, cell("period"), cell("value")
            row_source, note, illustrative = source.strip(), f"LG Inform, area {cell('area') or cell('area_code')}", False
            date_column, value_column = header[col["period"]], header[col["value"]]
        else:
            ind_id, raw_date, raw_value = cell("indicator_id"), cell("observed_on"), cell("value")
            row_source, note = cell("source") or (source or "").strip(), cell("note")
            date_column, value_column = "observed_on", "value"
            flag = cell("illustrative").lower()
            if flag not in YES | NO:
                problems.append(f"{where('illustrative')}: '{flag}' should be yes or no.")
                continue
            illustrative = flag in YES
        indicator = indicators.get(ind_id)
        if indicator is None:
            problems.append(f"{where('indicator_id')}: unknown indicator '{ind_id}'. Use one of {', '.join(indicators)}.")
            continue
        try:
            day = period_end(raw_date) if layout == "lg-inform" else outcomes.parse_date(raw_date, where=where(date_column))
            if day > today:
                raise DomainError(f"{where(date_column)}: {uk_date(day)} is in the future.")
            if raw_value in ("", "-", ".", ":", "x", "..", "[x]", "[c]"):
                raise DomainError(f"{where(value_column)}: no value ('{raw_value}'). Remove the row or enter the figure.")
            value = outcomes.parse_value(raw_value, unit=indicator.unit, where=where(value_column))
        except (DomainError, ValueError) as error:
            problems.append(str(error) if isinstance(error, DomainError) else f"{where(date_column)}: '{raw_date}' is not a period or date.")
            continue
        if not row_source:
            problems.append(f"{where('source')}: say where the figure comes from.")
            continue
        if (ind_id, day) in seen:
            problems.append(f"{where(date_column)}: {ind_id} on {uk_date(day)} is also on row {seen[(ind_id, day)]}.")
            continue
        seen[(ind_id, day)] = line
        parsed.append(ObservationRow(line, ind_id, day, value, row_source, note, illustrative))
    if problems:
        raise DomainError(f"{filename}: {len(problems):,} problem(s); nothing was imported.", problems=problems)
    if not parsed:
        raise DomainError(f"{filename}: no rows for area '{area}'. Nothing was imported." if layout == "lg-inform"
                          else f"{filename}: nothing to import. Nothing was written.")
    return parsed


def import_observations(db: store.Database, data: bytes, filename: str, *, actor: policy.Actor,
                        indicator_id: str | None = None, area: str | None = None, source: str | None = None,
                        today: dt.date | None = None) -> int:
    """Check the file, then add every figure in one transaction (each audited); returns the
    number added. A figure already held for the same indicator and date is a problem."""
    policy.require(actor, "indicator.edit")
    with store.transaction(db):
        indicators = {i.indicator_id: i for i in outcomes.list_indicators(db)}
        rows = parse(data, filename, indicators, indicator_id=indicator_id, area=area, source=source, today=today)
        held = {(r["indicator_id"], r["observed_on"]) for r in db.query("SELECT indicator_id, observed_on FROM observations")}
        clashes = [f"{filename}, row {r.line}: {r.indicator_id} already has a figure on {uk_date(r.observed_on)}."
                   for r in rows if (r.indicator_id, r.observed_on.isoformat()) in held]
        if clashes:
            raise DomainError(f"{filename}: {len(clashes):,} figure(s) are already held; nothing was imported.",
                              problems=clashes)
        now = store.now_iso()
        for r in rows:
            record = {"indicator_id": r.indicator_id, "observed_on": r.observed_on.isoformat(), "value": r.value,
                      "illustrative": int(r.illustrative), "source": r.source, "note": r.note}
            db["observations"].insert({**record, "added_at": now, "added_by": actor.label})
            versioned.record_audit(db, entity="indicator", entity_id=r.indicator_id, action="import observation",
                               who=actor.label, after={**record, "file": filename, "row": r.line})
    return len(rows)


# --------------------------------------------------------------------------- actions


def link_action(db: store.Database, indicator_id: str, action_id: str, *, actor: policy.Actor) -> bool:
    """Record that an action-plan row serves an indicator (audited); False if already linked."""
    policy.require(actor, "indicator.edit")
    with store.transaction(db):
        outcomes.get_indicator(db, indicator_id)
        if db.execute("SELECT 1 FROM actions WHERE action_id = :action_id", {"action_id": action_id}).fetchone() is None:
            raise DomainError(f"Action '{action_id}' does not exist. Choose one from the action plan.")
        if db.execute("SELECT 1 FROM indicator_actions WHERE indicator_id = :indicator_id AND action_id = :action_id",
                      {"indicator_id": indicator_id, "action_id": action_id}).fetchone():
            return False
        db["indicator_actions"].insert({"indicator_id": indicator_id, "action_id": action_id,
                                        "linked_at": store.now_iso(), "linked_by": actor.label})
        versioned.record_audit(db, entity="indicator", entity_id=indicator_id, action="link action",
                           who=actor.label, after={"action_id": action_id})
    return True


def unlink_action(db: store.Database, indicator_id: str, action_id: str, *, actor: policy.Actor) -> bool:
    """Remove the link (audited); False if there was none."""
    policy.require(actor, "indicator.edit")
    with store.transaction(db):
        gone = db.execute("DELETE FROM indicator_actions WHERE indicator_id = :indicator_id AND action_id = :action_id",
                          {"indicator_id": indicator_id, "action_id": action_id}).rowcount
        if gone:
            versioned.record_audit(db, entity="indicator", entity_id=indicator_id, action="unlink action",
                               who=actor.label, before={"action_id": action_id})
    return bool(gone)


def actions_serving(db: store.Database) -> list[dict]:
    """Every action linked to an indicator: indicator, outcome, action, proposal, owner,
    due date and status, by outcome and action."""
    return list(db.query(
        "SELECT i.outcome_id, l.indicator_id, a.action_id, a.stream, a.proposal, a.owner, a.due_date, a.status "
        "FROM indicator_actions l JOIN indicators i USING (indicator_id) JOIN actions a USING (action_id) "
        "ORDER BY i.outcome_id, l.indicator_id, a.position"))
