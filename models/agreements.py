"""Agreements: the grants, contracts and investments in the sector's capacity that the
council's money goes through, each with its provider, dates, value per financial year,
how it was awarded, its full cost link, the outcomes it serves, and its KPIs and
social-value commitments (the measures monitored each period, see ``models.monitoring``).

An agreement is written from a form: a dict in the same shape as the command line's JSON
(``docs/agreements.md``). Money in the form is in pounds; it is stored as integer pence.
Every write takes an ``actor`` and asks ``policy.require`` first; edits are versioned
(``versioned.update_versioned``) and audited; a form with any problem writes nothing and the
error lists every problem, naming the field.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Mapping

import pandas as pd

from . import checks, policy, store, versioned, working_days
from .errors import DomainError
from .formatting import financial_year_of, money, pounds_to_pence
from .outcomes import parse_date

ENTITY = "agreement"
MEASURE_ENTITY = "monitoring measure"
TYPES = {"grant": "Grant", "contract": "Contract", "capacity": "Investment in capacity"}
ROUTES = {"tender": "Tender in this app", "grant_round": "Grant round", "direct_award": "Direct award"}
ORIGINS = {"tender": "from an awarded tender", "spend": "from imported spend", "hand": "entered by hand"}
MEASURE_KINDS = {"kpi": "KPI", "social_value": "Social value commitment"}
REPORTING_MONTHS = {"quarterly": 3, "six-monthly": 6, "annual": 12}
RETURN_DUE_WORKING_DAYS = 20  # a period's return is due 20 working days after it ends


@dataclass(frozen=True)
class Tier:
    """Monitoring proportionate to value: an agreement's largest value in any one
    financial year sets how often it reports and how close to target counts as 'partly met'."""

    name: str
    up_to_pence: int | None      # the tier's ceiling per year (None: no ceiling)
    reporting: str
    partly_met_from: float       # share of the target at or above which a shortfall is 'partly met'


TIERS = (
    Tier("light", 2_500_000, "annual", 0.5),
    Tier("standard", 25_000_000, "six-monthly", 0.75),
    Tier("enhanced", None, "quarterly", 0.9),
)
TIER_RULE = (
    "Monitoring is proportionate to value. Up to £25,000 a year (light): one return a year, a shortfall "
    "counts as partly met from 50% of target. Up to £250,000 a year (standard): six-monthly returns, partly "
    "met from 75%. Above £250,000 a year (enhanced): quarterly returns, partly met from 90%. Below that a "
    f"target is missed. Each return is due {RETURN_DUE_WORKING_DAYS} working days (England and Wales) after its period ends."
)
KPI_RULE_THRESHOLD_PENCE = 500_000_000  # Procurement Act 2023, s.52: contracts over £5 million
KPI_RULE_MINIMUM = 3


def tier_for(annual_pence: int) -> Tier:
    """The monitoring tier for an agreement whose largest yearly value is ``annual_pence``."""
    for tier in TIERS:
        if tier.up_to_pence is None or annual_pence <= tier.up_to_pence:
            return tier
    return TIERS[-1]


# --------------------------------------------------------------------------- the form


def _problem(problems: list[str], field: str, message: str) -> None:
    problems.append(f"{field}: {message}")


def _text(form: Mapping, key: str, field: str, problems: list[str], *, required: bool = True) -> str:
    value = str(form.get(key) or "").strip()
    if required and not value:
        _problem(problems, field, "this is needed")
    return value


def _date(form: Mapping, key: str, field: str, problems: list[str]) -> dt.date | None:
    try:
        return parse_date(form.get(key), where=field)
    except DomainError as error:
        problems.append(str(error))
        return None


def financial_years(start: dt.date, end: dt.date) -> list[str]:
    """Every financial year ('2027/28') from the one ``start`` falls in to ``end``'s."""
    years, day = [], start
    while day <= end:
        years.append(financial_year_of(day))
        day = dt.date(int(years[-1][:4]) + 1, 4, 1)
    return years


def _values(raw: Any, start: dt.date | None, end: dt.date | None, problems: list[str]) -> dict[str, int]:
    """Value per financial year: {'2027/28': pounds}; every amount 0 or more, every year
    inside the agreement's dates, more than £0 in all."""
    field = "Value per financial year"
    if not isinstance(raw, Mapping) or not raw:
        _problem(problems, field, "give the value for each financial year, e.g. {'2027/28': 90000}")
        return {}
    allowed = financial_years(start, end) if start and end and end >= start else None
    values = {}
    for year, amount in raw.items():
        year = str(year).strip()
        where = f"{field} {year}"
        if allowed is not None and year not in allowed:
            _problem(problems, where, f"is outside the agreement's dates (its years are {', '.join(allowed)})")
            continue
        if amount in (None, ""):
            continue
        try:
            pence = pounds_to_pence(amount)
        except ValueError:
            _problem(problems, where, f"{amount!r} is not an amount in pounds")
            continue
        if pence < 0:
            _problem(problems, where, f"{money(pence)} is negative; a value must be £0 or more")
            continue
        values[year] = pence
    if values and sum(values.values()) <= 0:
        _problem(problems, field, "the total is £0; enter what the agreement is worth")
    return values


def _links(raw: Any, problems: list[str]) -> list[str]:
    if raw in (None, ""):
        return []
    items = raw.split() if isinstance(raw, str) else list(raw)
    links = []
    for item in items:
        link = str(item).strip()
        if not link:
            continue
        if not link.lower().startswith(("https://", "http://")):
            _problem(problems, "Documents", f"'{link}' is not a web link (https://...); documents are links only, no uploads")
            continue
        links.append(link)
    return links


def _outcomes(db: store.Database, raw: Any, problems: list[str]) -> list[tuple[str, str]]:
    """Outcomes served: 'O2' (the outcome as a whole) or 'O2:I3' (one of its indicators)."""
    if raw in (None, ""):
        return []
    items = [i.strip() for i in raw.split(",")] if isinstance(raw, str) else [str(i).strip() for i in raw]
    indicators = dict(db.execute("SELECT indicator_id, outcome_id FROM indicators").fetchall())
    outcomes = {row[0] for row in db.execute("SELECT outcome_id FROM outcomes").fetchall()}
    chosen = []
    for item in filter(None, items):
        outcome_id, _, indicator_id = item.partition(":")
        if outcome_id not in outcomes:
            _problem(problems, "Outcomes served", f"'{outcome_id}' is not one of the outcomes ({', '.join(sorted(outcomes))})")
        elif indicator_id and indicators.get(indicator_id) != outcome_id:
            _problem(problems, "Outcomes served", f"'{indicator_id}' is not an indicator of outcome {outcome_id}")
        elif (outcome_id, indicator_id) not in chosen:
            chosen.append((outcome_id, indicator_id))
    return chosen


def _costing(db: store.Database, raw: Any, problems: list[str]) -> tuple[str | None, str | None]:
    if not raw:
        return None, None
    name, project = str(raw.get("name") or "").strip(), str(raw.get("project") or "").strip()
    if not name:
        return None, None
    from . import cost_recovery, scenarios

    try:
        saved = scenarios.load(db, "cost_recovery", name)
        projects = [p.name for p in cost_recovery.parse_costing(saved.body).projects]
    except DomainError as error:
        _problem(problems, "Full cost recovery costing", str(error))
        return None, None
    if project not in projects:
        _problem(problems, "Full cost recovery project", f"choose one of the costing's projects ({', '.join(projects)})")
        return None, None
    return name, project


def parse_values_text(text: str) -> dict[str, str]:
    """Values typed one a line, '2027/28: 90,000' (or '=' for ':'), as the form's
    {'2027/28': '90,000'}; a line without a year and an amount is refused, naming it."""
    values, problems = {}, []
    for number, line in enumerate(str(text or "").splitlines(), start=1):
        if not line.strip():
            continue
        year, separator, amount = line.replace("=", ":").partition(":")
        if not separator or not year.strip() or not amount.strip():
            problems.append(f"Value per financial year, line {number}: write it as '2027/28: 90,000', not '{line.strip()}'")
            continue
        values[year.strip()] = amount.strip()
    if problems:
        raise DomainError("; ".join(problems), problems=problems)
    return values


def values_text(values: Mapping[str, int]) -> str:
    """Values in pence as the form's text, one year a line."""
    return "\n".join(f"{year}: {pence / 100:,.2f}" for year, pence in values.items())


def validate(db: store.Database, form: Mapping[str, Any]) -> dict:
    """A checked agreement from a form, ready to store: every problem is collected and
    raised together as one ``DomainError`` naming each field."""
    problems: list[str] = []
    title = _text(form, "title", "Title", problems)
    kind = str(form.get("type") or "").strip()
    if kind not in TYPES:
        _problem(problems, "Type", f"choose grant, contract or capacity (investment in the sector's capacity), not {kind!r}")
    provider_id = _text(form, "provider", "Provider", problems)
    provider = None
    if provider_id:
        provider = db.execute("SELECT org_id, name FROM organisations WHERE org_id = :org_id", {"org_id": provider_id}).fetchone()
        if provider is None:
            _problem(problems, "Provider", f"'{provider_id}' is not in the organisation directory; add it there first")
    body = _text(form, "body", "Commissioning body", problems)
    start = _date(form, "start", "Start date", problems)
    end = _date(form, "end", "End date", problems)
    if start and end and end < start:
        _problem(problems, "End date", f"{end:%d/%m/%Y} is before the start date {start:%d/%m/%Y}")
    values = _values(form.get("values"), start, end, problems)
    route = str(form.get("award_route") or "").strip()
    if route not in ROUTES:
        _problem(problems, "How it was awarded", f"choose tender, grant_round or direct_award, not {route!r}")
    tender_id = form.get("tender_id")
    if route == "tender" and tender_id in (None, ""):
        _problem(problems, "Tender", "an agreement awarded by tender names the tender it came from")
    reporting = form.get("reporting") or None
    if reporting is not None and reporting not in REPORTING_MONTHS:
        _problem(problems, "Reporting", f"choose quarterly, six-monthly or annual, not {reporting!r}")
    links = _links(form.get("links"), problems)
    outcomes = _outcomes(db, form.get("outcomes"), problems)
    costing_name, costing_project = _costing(db, form.get("costing"), problems)
    if problems:
        raise DomainError("The agreement cannot be saved: " + "; ".join(problems), problems=problems)
    return {
        "record": {
            "title": title, "agreement_type": kind, "provider_org_id": provider[0], "provider_name": provider[1],
            "body": body, "department": str(form.get("department") or "").strip(),
            "start_date": start.isoformat(), "end_date": end.isoformat(), "award_route": route,
            "award_detail": str(form.get("award_detail") or "").strip(),
            "tender_id": None if tender_id in (None, "") else int(tender_id),
            "tender_name": form.get("tender_name") or None, "tender_bidder": form.get("tender_bidder") or None,
            "costing_name": costing_name, "costing_project": costing_project,
            "reporting": reporting or tier_for(max(values.values())).reporting,
            "notes": str(form.get("notes") or "").strip(), "links_json": json.dumps(links),
        },
        "values": values,
        "outcomes": outcomes,
    }


def validate_measure(raw: Mapping[str, Any], where: str = "Measure") -> dict:
    """A checked KPI or social-value commitment: a name, a target per period (a number, 0
    or more: a KPI with no target is refused) and, for social value, the proxy in pounds
    per unit (the tender's own proxy). Raises ``DomainError`` naming the field."""
    problems: list[str] = []
    name = str(raw.get("name") or "").strip()
    where = f"{where} '{name}'" if name else where
    if not name:
        _problem(problems, where, "give the measure a name")
    kind = raw.get("kind") or "kpi"
    if kind not in MEASURE_KINDS:
        _problem(problems, where, f"kind must be kpi or social_value, not {kind!r}")
    target = non_negative(raw.get("target_per_period"), f"{where}: target per period", problems,
                           missing="a measure needs a target for each period; enter one")
    proxy_pence = None
    if kind == "social_value":
        proxy = non_negative(raw.get("proxy"), f"{where}: proxy (£ per unit)", problems,
                              missing="a social-value commitment needs its proxy value in pounds per unit")
        proxy_pence = None if proxy is None else pounds_to_pence(str(proxy))
    fractions = {}
    for key in ("deadweight", "displacement", "attribution"):
        value = non_negative(raw.get(key, 0) or 0, f"{where}: {key}", problems)
        if value is not None and value > 1:
            _problem(problems, where, f"{key} is a share from 0 to 1 (0.2 for 20%), not {value:g}")
        fractions[key] = value
    direction = raw.get("direction") or "higher"
    if direction not in ("higher", "lower"):
        _problem(problems, where, f"direction must be higher or lower (which is better), not {direction!r}")
    if problems:
        raise DomainError("; ".join(problems), problems=problems)
    return {"kind": kind, "name": name, "unit": str(raw.get("unit") or "").strip(), "direction": direction,
            "target_per_period": target, "proxy_pence": proxy_pence,
            "proxy_source": str(raw.get("proxy_source") or "").strip(),
            "source": str(raw.get("source") or ("commissioner's KPI" if kind == "kpi" else "social-value commitment")),
            **fractions}


def non_negative(value: Any, where: str, problems: list[str], *, missing: str = "a number is needed") -> float | None:
    """A number of 0 or more from a form field; on a problem, append it (naming ``where``) and return None."""
    try:
        number = float(checks.parse_number(value))   # the one rule: "£1,200" is 1200, "(1,200)" is -1200
    except checks.Missing:
        problems.append(f"{where}: {missing}")
        return None
    except ValueError:
        problems.append(f"{where}: {value!r} is not a number")
        return None
    if number < 0:
        problems.append(f"{where}: {number:g} is negative; it must be 0 or more")
        return None
    return number


# --------------------------------------------------------------------------- periods


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reporting_periods(start: dt.date, end: dt.date, reporting: str) -> list[dict]:
    """The agreement's reporting periods from its start: each ``reporting`` long (the last
    cut at the end date), with the day its return is due."""
    periods, number, begin = [], 1, start
    while begin <= end:
        finish = min(end, _add_months(start, REPORTING_MONTHS[reporting] * number) - dt.timedelta(days=1))
        due = working_days.add_working_days(finish, RETURN_DUE_WORKING_DAYS)
        periods.append({"number": number, "start_date": begin.isoformat(), "end_date": finish.isoformat(),
                        "due_date": due.isoformat()})
        number, begin = number + 1, finish + dt.timedelta(days=1)
    return periods


# --------------------------------------------------------------------------- writes


def _next_reference(db: store.Database) -> str:
    (highest,) = db.execute("SELECT COALESCE(MAX(id), 0) FROM agreements").fetchone()
    return f"AG-{highest + 1:04d}"


def create(db: store.Database, form: Mapping[str, Any], *, actor: policy.Actor, origin: str = "hand",
           spend_ids: list[int] | tuple[int, ...] = ()) -> int:
    """Store a new agreement with its values, outcomes, reporting periods and measures
    (``form['measures']``), and link the imported payments ``spend_ids`` to it. All or
    nothing; audited. Returns the agreement's id."""
    if origin not in ORIGINS:
        raise DomainError(f"Origin must be one of {', '.join(ORIGINS)}")
    measures = [validate_measure(m, f"Measure {n}") for n, m in enumerate(form.get("measures") or [], start=1)]
    with store.transaction(db):
        clean = validate(db, form)
        policy.require(actor, "agreement.create", clean["record"])
        stamp = store.now_iso()
        record = {**clean["record"], "reference": _next_reference(db), "origin": origin,
                  "created_at": stamp, "created_by": actor.label, "updated_at": stamp}
        agreement_id = db["agreements"].insert(record).last_pk
        _write_children(db, agreement_id, clean)
        _write_periods(db, agreement_id, record)
        for measure in measures:
            _insert_measure(db, agreement_id, measure, actor)
        for spend_id in spend_ids:
            taken = db.execute("SELECT agreement_id FROM agreement_spend WHERE spend_id = :spend_id",
                               {"spend_id": spend_id}).fetchone()
            if taken:
                raise DomainError(f"Payment {spend_id} is already part of agreement {taken[0]}; nothing was saved")
            db["agreement_spend"].insert({"spend_id": spend_id, "agreement_id": agreement_id})
        versioned.record_audit(db, entity=ENTITY, entity_id=agreement_id, action=f"created {ORIGINS[origin]}",
                           who=actor.label, after=_audit_view(record, clean, measures, spend_ids))
    return agreement_id


def _audit_view(record: dict, clean: dict, measures=(), spend_ids=()) -> dict:
    view = {k: v for k, v in record.items() if k not in ("created_at", "updated_at", "links_json")}
    view["links"] = json.loads(record.get("links_json") or "[]")
    view["values"] = {year: money(pence) for year, pence in clean["values"].items()}
    view["outcomes"] = [f"{o}:{i}" if i else o for o, i in clean["outcomes"]]
    if measures:
        view["measures"] = [m["name"] for m in measures]
    if spend_ids:
        view["payments"] = len(spend_ids)
    return view


def _write_children(db: store.Database, agreement_id: int, clean: dict) -> None:
    db.execute("DELETE FROM agreement_values WHERE agreement_id = :id", {"id": agreement_id})
    db.execute("DELETE FROM agreement_outcomes WHERE agreement_id = :id", {"id": agreement_id})
    db["agreement_values"].insert_all(
        [{"agreement_id": agreement_id, "financial_year": y, "amount_pence": p} for y, p in clean["values"].items()])
    db["agreement_outcomes"].insert_all(
        [{"agreement_id": agreement_id, "outcome_id": o, "indicator_id": i} for o, i in clean["outcomes"]])


def _write_periods(db: store.Database, agreement_id: int, record: Mapping) -> None:
    start, end = dt.date.fromisoformat(record["start_date"]), dt.date.fromisoformat(record["end_date"])
    db.execute("DELETE FROM monitoring_periods WHERE agreement_id = :id", {"id": agreement_id})
    db["monitoring_periods"].insert_all(
        [{"agreement_id": agreement_id, **p} for p in reporting_periods(start, end, record["reporting"])])


def _insert_measure(db: store.Database, agreement_id: int, measure: dict, actor: policy.Actor) -> int:
    if db.execute("SELECT 1 FROM monitoring_measures WHERE agreement_id = :id AND name = :name",
                  {"id": agreement_id, "name": measure["name"]}).fetchone():
        raise DomainError(f"Measure '{measure['name']}': the agreement already has a measure of that name")
    return db["monitoring_measures"].insert(
        {**measure, "agreement_id": agreement_id, "created_at": store.now_iso(), "created_by": actor.label}).last_pk


def add_measure(db: store.Database, agreement_id: int, raw: Mapping[str, Any], *, actor: policy.Actor) -> int:
    """Add a KPI or social-value commitment to an agreement (audited). Returns its id."""
    measure = validate_measure(raw)
    with store.transaction(db):
        agreement = get(db, agreement_id)
        policy.require(actor, "agreement.edit", agreement)
        measure_id = _insert_measure(db, agreement_id, measure, actor)
        versioned.record_audit(db, entity=ENTITY, entity_id=agreement_id, action="measure added", who=actor.label,
                           after={k: v for k, v in measure.items() if v not in (None, "")})
    return measure_id


def update(db: store.Database, agreement_id: int, expected_version: int, form: Mapping[str, Any], *,
           actor: policy.Actor, reason: str | None = None) -> dict:
    """Save an edited agreement if nobody has changed it since ``expected_version`` was
    read (else ``StaleEdit``). Dates and reporting may change only while no return has
    been recorded (the periods are redrawn). Returns the saved row."""
    with store.transaction(db):
        clean = validate(db, form)
        current = get(db, agreement_id)
        policy.require(actor, "agreement.edit", current)
        changes = {k: v for k, v in clean["record"].items() if current.get(k) != v}
        if any(k in changes for k in ("start_date", "end_date", "reporting")):
            (returns,) = db.execute(
                "SELECT COUNT(*) FROM monitoring_returns r JOIN monitoring_periods p ON p.id = r.period_id "
                "WHERE p.agreement_id = :id", {"id": agreement_id}).fetchone()
            if returns:
                raise DomainError(f"Agreement {current['reference']}: {returns} returns are recorded against its "
                                  "periods, so its dates and reporting cannot change; nothing was saved")
        children_before = {"values": {y: money(p) for y, p in current["values"].items()},
                           "outcomes": [f"{o}:{i}" if i else o for o, i in current["outcomes"]]}
        children_after = {"values": {y: money(p) for y, p in clean["values"].items()},
                          "outcomes": [f"{o}:{i}" if i else o for o, i in clean["outcomes"]]}
        saved = versioned.update_versioned(db, "agreements", {"id": agreement_id}, expected_version,
                                       {**changes, "updated_at": store.now_iso()}, entity=ENTITY,
                                       who=actor.label, reason=reason)
        if children_before != children_after:
            _write_children(db, agreement_id, clean)
            changed = [k for k in children_after if children_before[k] != children_after[k]]
            versioned.record_audit(db, entity=ENTITY, entity_id=agreement_id, action="edit", who=actor.label,
                               before={k: children_before[k] for k in changed},
                               after={k: children_after[k] for k in changed}, reason=reason)
        if any(k in changes for k in ("start_date", "end_date", "reporting")):
            _write_periods(db, agreement_id, saved)
    return saved


# --------------------------------------------------------------------------- reads


def get(db: store.Database, agreement_id: int) -> dict:
    """One agreement with its values ({year: pence}), outcomes, links, measures and periods."""
    key = {"id": agreement_id}
    rows = list(db.query("SELECT * FROM agreements WHERE id = :id", key))
    if not rows:
        raise DomainError(f"No agreement with id {agreement_id}")
    record = rows[0]
    record["values"] = dict(db.execute(
        "SELECT financial_year, amount_pence FROM agreement_values WHERE agreement_id = :id ORDER BY financial_year",
        key).fetchall())
    record["total_pence"] = sum(record["values"].values())
    record["outcomes"] = [tuple(r) for r in db.execute(
        "SELECT outcome_id, indicator_id FROM agreement_outcomes WHERE agreement_id = :id "
        "ORDER BY outcome_id, indicator_id", key).fetchall()]
    record["links"] = json.loads(record["links_json"] or "[]")
    record["measures"] = list(db.query("SELECT * FROM monitoring_measures WHERE agreement_id = :id ORDER BY kind, id",
                                       key))
    record["periods"] = list(db.query("SELECT * FROM monitoring_periods WHERE agreement_id = :id ORDER BY number, id",
                                      key))
    record["tier"] = tier_for(max(record["values"].values(), default=0))
    return record


def by_reference(db: store.Database, reference: str) -> int:
    """The id of the agreement with ``reference`` (e.g. AG-0001) or, if a number, that id."""
    row = db.execute("SELECT id FROM agreements WHERE reference = :reference OR CAST(id AS TEXT) = :text "
                     "ORDER BY id", {"reference": str(reference).strip().upper(), "text": str(reference).strip()}).fetchone()
    if row is None:
        raise DomainError(f"No agreement '{reference}'")
    return row[0]


def form_of(record: Mapping) -> dict:
    """An agreement as the edit form's starting values (the inverse of ``validate``)."""
    return {
        "title": record["title"], "type": record["agreement_type"], "provider": record["provider_org_id"],
        "body": record["body"], "department": record["department"], "start": record["start_date"],
        "end": record["end_date"], "values": {y: f"{p / 100:.2f}" for y, p in record["values"].items()},
        "award_route": record["award_route"], "award_detail": record["award_detail"],
        "tender_id": record["tender_id"], "tender_name": record["tender_name"], "tender_bidder": record["tender_bidder"],
        "costing": {"name": record["costing_name"], "project": record["costing_project"]} if record["costing_name"] else None,
        "reporting": record["reporting"], "notes": record["notes"], "links": record["links"],
        "outcomes": [f"{o}:{i}" if i else o for o, i in record["outcomes"]],
    }


def merge_edit(opened: Mapping[str, Any], mine: Mapping[str, Any], current: Mapping[str, Any]) -> dict:
    """The form to save after someone else saved first: ``current`` (the agreement as it
    now stands) with only the fields the person changed (``mine`` against ``opened``, the
    form as they first saw it) applied, so their save never reverts a field they did not touch."""
    return {**current, **{k: v for k, v in mine.items() if opened.get(k) != v}}


@dataclass(frozen=True)
class AgreementFilter:
    """Which agreements a list shows; empty means all."""

    types: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    provider: str = ""
    outcome: str = ""

    def where(self) -> tuple[str, dict]:
        """SQL WHERE clause (without the keyword) over agreements ``a``, and its named parameters."""
        clauses, params = ["1 = 1"], {}
        if self.types:
            clauses.append("a.agreement_type IN :types")
            params["types"] = list(self.types)
        if self.provider:
            clauses.append("(a.provider_org_id = :provider OR lower(a.provider_name) LIKE lower(:provider_like))")
            params.update(provider=self.provider, provider_like=f"%{self.provider}%")
        if self.outcome:
            clauses.append("a.id IN (SELECT agreement_id FROM agreement_outcomes WHERE outcome_id = :outcome)")
            params["outcome"] = self.outcome
        if self.years:
            clauses.append("a.id IN (SELECT agreement_id FROM agreement_values WHERE financial_year IN :years)")
            params["years"] = list(self.years)
        return " AND ".join(clauses), params

    def year_clause(self) -> str:
        """' AND v.financial_year IN :years' when the filter names years (values ``v``), else ''."""
        return " AND v.financial_year IN :years" if self.years else ""


def list_frame(db: store.Database, agreement_filter: AgreementFilter = AgreementFilter()) -> pd.DataFrame:
    """One row per agreement: reference, title, type, provider, body, department, dates,
    value (pence, in the chosen years if any), route, origin, multi-year, full cost link."""
    where, params = agreement_filter.where()
    year_clause = agreement_filter.year_clause()
    sql = (
        "SELECT a.id, a.reference, a.title, a.agreement_type, a.provider_org_id, a.provider_name, a.body, "
        "a.department, a.start_date, a.end_date, a.award_route, a.origin, a.costing_name, a.costing_project, "
        "a.reporting, a.version, (SELECT COALESCE(SUM(v.amount_pence), 0) FROM agreement_values v "
        f"WHERE v.agreement_id = a.id{year_clause}) AS value_pence, "
        "(SELECT COUNT(*) FROM agreement_values v WHERE v.agreement_id = a.id AND v.amount_pence > 0) AS funded_years "
        f"FROM agreements a WHERE {where} ORDER BY a.reference"
    )
    frame = pd.DataFrame(list(db.query(sql, params)))
    columns = ["id", "reference", "title", "agreement_type", "provider_org_id", "provider_name", "body", "department",
               "start_date", "end_date", "award_route", "origin", "costing_name", "costing_project", "reporting",
               "version", "value_pence", "funded_years", "multi_year"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame["multi_year"] = [is_multi_year(s, e) for s, e in zip(frame["start_date"], frame["end_date"])]
    return frame[columns]


def value_by_year_and_type(db: store.Database,
                           agreement_filter: AgreementFilter = AgreementFilter()) -> pd.DataFrame:
    """Agreed value (pence) per financial year and agreement type, summed in SQL, for the
    agreements ``agreement_filter`` picks (and only its years, if it names any)."""
    where, params = agreement_filter.where()
    rows = db.execute(
        "SELECT v.financial_year, a.agreement_type, SUM(v.amount_pence) FROM agreement_values v "
        f"JOIN agreements a ON a.id = v.agreement_id WHERE {where}{agreement_filter.year_clause()} "
        "GROUP BY v.financial_year, a.agreement_type ORDER BY v.financial_year, a.agreement_type",
        params).fetchall()
    return pd.DataFrame(rows, columns=["financial_year", "agreement_type", "value_pence"])


def years_used(db: store.Database) -> list[str]:
    """The financial years any agreement has a value in, in order."""
    return [r[0] for r in db.execute("SELECT DISTINCT financial_year FROM agreement_values ORDER BY 1").fetchall()]


def is_multi_year(start: str, end: str) -> bool:
    """A multi-year agreement runs for more than twelve months."""
    return dt.date.fromisoformat(end) >= _add_months(dt.date.fromisoformat(start), 12)


def audit(db: store.Database, agreement_id: int) -> list[dict]:
    """The agreement's change log, newest first, its measures' edits included."""
    measure_ids = [str(r[0]) for r in db.execute("SELECT id FROM monitoring_measures WHERE agreement_id = :id",
                                                   {"id": agreement_id}).fetchall()]
    entries = versioned.audit_entries(db, ENTITY, agreement_id)
    for measure_id in measure_ids:
        entries += versioned.audit_entries(db, MEASURE_ENTITY, measure_id)
    return sorted(entries, key=lambda e: e["id"], reverse=True)


def full_cost_share(db: store.Database, record: Mapping) -> dict | None:
    """The share of its project's full cost the agreement pays, year by year over the
    years both cover (agreement year 1 against costing year 1, ...): {'share', 'value_pence',
    'full_cost_pence', 'years', 'costing'}; None when no costing is linked."""
    if not record.get("costing_name"):
        return None
    from . import cost_recovery, scenarios

    saved = scenarios.load(db, "cost_recovery", record["costing_name"])
    result = cost_recovery.calculate(saved.body)
    full_costs = [next(p.full_cost_pence for p in year.projects if p.name == record["costing_project"])
                  for year in result.years]
    values = list(record["values"].values())
    years = min(len(values), len(full_costs))
    value, full_cost = sum(values[:years]), sum(full_costs[:years])
    return {"share": value / full_cost if full_cost else None, "value_pence": value, "full_cost_pence": full_cost,
            "years": years, "costing": f"{record['costing_name']} (version {saved.version}), project "
                                       f"'{record['costing_project']}'"}
