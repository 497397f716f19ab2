"""Monitoring: what each agreement delivered, period by period, against its KPIs and
social-value commitments; which returns are due or late; the Procurement Act 2023's
three-KPI rule; social value promised against delivered in pounds with the tender's own
proxies; and a realised SROI from the delivered quantities with the SROI engine
(``models.sroi``: the same formula, conventions and Green Book discount rate).

Statuses, per measure and period (the rule is ``STATUS_RULE``): *not yet due* until the
period has ended; then *due* until the return's due date and *late* after it, while no
return is recorded; once recorded, *met* at or beyond target, *partly met* from the
agreement's tier threshold (proportionate to value, ``agreements.TIERS``), else *missed*.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from . import agreements, policy, sroi, store, versioned
from .cost_recovery import allocate_pence
from .errors import DomainError
from .formatting import pence_to_pounds
from .identifiers import normalise_name

ENTITY = "monitoring return"
MET, PARTLY_MET, MISSED, NOT_YET_DUE, DUE, LATE = "met", "partly met", "missed", "not yet due", "due", "late"
STATUSES = (MET, PARTLY_MET, MISSED, DUE, LATE, NOT_YET_DUE)
STATUS_RULE = (
    "A measure's status for a period is 'not yet due' until the period ends; then 'due' until its return's due "
    "date and 'late' after it, while nothing is recorded. Once recorded: 'met' at or beyond the target (at or "
    "below it where lower is better), 'partly met' from the agreement's tier threshold, otherwise 'missed'. "
    + agreements.TIER_RULE
)
ACT_RULES = (
    "How a delivery record may be used (Procurement Act 2023). Award criteria must relate to the subject matter "
    "of the contract being awarded (section 23), so a supplier's record on other agreements is not scored and "
    "adds or removes no points. Past performance counts only at exclusion: a supplier is excludable for breach "
    "of contract or poor performance (Schedule 7) where it was told of the poor performance, given a proper "
    "opportunity to improve and did not, or a breach led to termination, damages or a settlement, evidenced for "
    "example by a published contract performance notice (section 71). The supplier must be able to make "
    "representations, and the authority considers whether the circumstances are likely to happen again. Use "
    "this record to check for that evidence and to plan contract management, not to mark a bid."
)


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


# --------------------------------------------------------------------------- recording


def _delivered(value: Any) -> float:
    problems: list[str] = []
    number = agreements.non_negative(value, "Delivered", problems, missing="enter the quantity delivered in the period")
    if problems:
        raise DomainError(problems[0], problems=problems)
    return number


def record_return(db: store.Database, measure_id: int, period_id: int, *, delivered: Any, evidence: str,
                  actor: policy.Actor, expected_version: int | None = None, today: dt.date | None = None) -> dict:
    """Record what was delivered against one measure in one period, with the evidence.
    A first return is a new row; a correction is a versioned save (``expected_version``:
    the version the person opened; a stale one raises ``StaleEdit``). Refused for a period
    that has not ended. Returns the stored return."""
    quantity = _delivered(delivered)
    evidence = str(evidence or "").strip()
    if not evidence:
        raise DomainError("Evidence: say what shows this was delivered (a report, register, link or document name)")
    with store.transaction(db):
        row = db.execute(
            "SELECT m.agreement_id, m.name, p.agreement_id, p.number, p.end_date FROM monitoring_measures m, "
            "monitoring_periods p WHERE m.id = :measure_id AND p.id = :period_id",
            {"measure_id": measure_id, "period_id": period_id}).fetchone()
        if row is None or row[0] != row[2]:
            raise DomainError("That measure and period are not of the same agreement; reload the page")
        agreement = agreements.get(db, row[0])
        policy.require(actor, "monitoring.record", agreement)
        end = dt.date.fromisoformat(row[4])
        if end >= _today(today):
            raise DomainError(f"Period {row[3]} of {agreement['reference']} ends on {end:%d/%m/%Y}: delivered figures "
                              "can be recorded once the period has ended; nothing was saved")
        existing = db.execute("SELECT id, version FROM monitoring_returns "
                              "WHERE measure_id = :measure_id AND period_id = :period_id",
                              {"measure_id": measure_id, "period_id": period_id}).fetchone()
        if existing is None:
            if expected_version not in (None, 0):
                raise DomainError("The return you were correcting has been removed; reload the page")
            return_id = db["monitoring_returns"].insert(
                {"measure_id": measure_id, "period_id": period_id, "delivered": quantity, "evidence": evidence,
                 "recorded_at": store.now_iso(), "recorded_by": actor.label}).last_pk
            versioned.record_audit(db, entity=agreements.ENTITY, entity_id=row[0], action="return recorded",
                               who=actor.label, after={"measure": row[1], "period": row[3], "delivered": quantity,
                                                       "evidence": evidence})
        else:
            return_id = existing[0]
            if expected_version is None:
                raise DomainError(f"Period {row[3]}, '{row[1]}': a return is already recorded (version {existing[1]}). "
                                  "To correct it, open it and save from there (command line: --version "
                                  f"{existing[1]}); nothing was saved")
            versioned.update_versioned(
                db, "monitoring_returns", {"id": return_id}, expected_version,
                {"delivered": quantity, "evidence": evidence, "recorded_at": store.now_iso(), "recorded_by": actor.label},
                entity=ENTITY, who=actor.label, action="return corrected")
        return dict(next(iter(db.query("SELECT * FROM monitoring_returns WHERE id = :id", {"id": return_id}))))


# --------------------------------------------------------------------------- status


def achieved(target: float, delivered: float, direction: str = "higher") -> float:
    """How much of the target was achieved, as a share (1.0 = exactly on target). Where
    lower is better the share is target / delivered (delivering nothing meets it)."""
    if direction == "lower":
        return 1.0 if delivered <= target else (target / delivered)
    return 1.0 if target == 0 else delivered / target


def status_of(target: float, delivered: float | None, direction: str, period_end: dt.date, due: dt.date,
              tier: agreements.Tier, today: dt.date) -> str:
    """The status of one measure in one period (see ``STATUS_RULE``)."""
    if delivered is None:
        if period_end >= today:
            return NOT_YET_DUE
        return DUE if today <= due else LATE
    share = achieved(target, delivered, direction)
    if share >= 1 - 1e-9:
        return MET
    return PARTLY_MET if share >= tier.partly_met_from - 1e-9 else MISSED


STATUS_COLUMNS = ["agreement_id", "reference", "measure_id", "measure", "kind", "unit", "direction", "period_id",
                  "period", "start_date", "end_date", "due_date", "target", "delivered", "achieved", "status",
                  "evidence", "recorded_by", "recorded_at", "return_version"]


def status_frame(db: store.Database, agreement_id: int, today: dt.date | None = None, *,
                 record: dict | None = None) -> pd.DataFrame:
    """Every measure in every period of one agreement: target, delivered, share achieved,
    status, evidence and who recorded it. Columns as ``STATUS_COLUMNS``. ``record``: the
    agreement as ``agreements.get`` returns it, when the caller has just read it (not read again)."""
    record = record or agreements.get(db, agreement_id)
    today = _today(today)
    returns = {(r["measure_id"], r["period_id"]): r for r in db.query(
        "SELECT r.* FROM monitoring_returns r JOIN monitoring_measures m ON m.id = r.measure_id "
        "WHERE m.agreement_id = :id", {"id": agreement_id})}
    rows = []
    for measure in record["measures"]:
        for period in record["periods"]:
            entry = returns.get((measure["id"], period["id"]))
            delivered = None if entry is None else entry["delivered"]
            end, due = dt.date.fromisoformat(period["end_date"]), dt.date.fromisoformat(period["due_date"])
            rows.append({
                "agreement_id": agreement_id, "reference": record["reference"], "measure_id": measure["id"],
                "measure": measure["name"], "kind": measure["kind"], "unit": measure["unit"],
                "direction": measure["direction"], "period_id": period["id"], "period": period["number"],
                "start_date": period["start_date"], "end_date": period["end_date"], "due_date": period["due_date"],
                "target": measure["target_per_period"], "delivered": delivered,
                "achieved": None if delivered is None else achieved(measure["target_per_period"], delivered, measure["direction"]),
                "status": status_of(measure["target_per_period"], delivered, measure["direction"], end, due,
                                    record["tier"], today),
                "evidence": "" if entry is None else entry["evidence"],
                "recorded_by": "" if entry is None else entry["recorded_by"],
                "recorded_at": "" if entry is None else entry["recorded_at"],
                "return_version": 0 if entry is None else entry["version"],
            })
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def status_counts(frame: pd.DataFrame) -> dict[str, int]:
    """How many measure-periods have each status."""
    counts = frame["status"].value_counts() if not frame.empty else {}
    return {status: int(counts.get(status, 0)) for status in STATUSES}


def returns_due(db: store.Database, today: dt.date | None = None,
                agreement_filter: agreements.AgreementFilter = agreements.AgreementFilter()) -> pd.DataFrame:
    """Returns that are due or late across agreements: one row per agreement and period
    with measures still unrecorded, the due date and working-day status, latest due first."""
    today = _today(today)
    where, params = agreement_filter.where()
    # Counted per period over ids only, then joined to the agreement's words: grouping the
    # joined rows with their text columns made PostgreSQL sort them on disk.
    rows = db.query(
        "SELECT a.id AS agreement_id, a.reference, a.title, a.provider_name, p.number AS period, p.start_date, "
        "p.end_date, p.due_date, c.measures, c.recorded FROM (SELECT q.id AS period_id, COUNT(m.id) AS measures, "
        "COUNT(r.id) AS recorded FROM monitoring_periods q JOIN monitoring_measures m ON m.agreement_id = q.agreement_id "
        "LEFT JOIN monitoring_returns r ON r.measure_id = m.id AND r.period_id = q.id WHERE q.end_date < :today "
        "GROUP BY q.id HAVING COUNT(r.id) < COUNT(m.id)) c JOIN monitoring_periods p ON p.id = c.period_id "
        f"JOIN agreements a ON a.id = p.agreement_id WHERE {where} ORDER BY p.due_date, a.reference, p.number",
        {**params, "today": today.isoformat()})
    frame = pd.DataFrame(list(rows), columns=["agreement_id", "reference", "title", "provider_name", "period",
                                              "start_date", "end_date", "due_date", "measures", "recorded"])
    frame["outstanding"] = frame["measures"] - frame["recorded"]
    frame["status"] = [DUE if today <= dt.date.fromisoformat(d) else LATE for d in frame["due_date"]]
    return frame


def kpi_rule(record: dict) -> dict:
    """The Procurement Act 2023's rule (section 52): a contract worth more than £5 million
    must have at least three KPIs. {'applies', 'kpis', 'ok', 'message'}."""
    kpis = sum(1 for m in record["measures"] if m["kind"] == "kpi")
    applies = record["agreement_type"] == "contract" and record["total_pence"] > agreements.KPI_RULE_THRESHOLD_PENCE
    ok = not applies or kpis >= agreements.KPI_RULE_MINIMUM
    if not applies:
        message = "The three-KPI rule (Procurement Act 2023, section 52) applies to contracts over £5 million; not to this one."
    elif ok:
        message = f"This contract is over £5 million and has {kpis} KPIs: the Act's minimum of three is met."
    else:
        message = (f"This contract is over £5 million and has {kpis} KPI{'s' if kpis != 1 else ''}: the Procurement Act "
                   "2023 (section 52) requires at least three, set and published before the contract is entered into "
                   "(unless performance cannot appropriately be assessed by KPIs). Add "
                   f"{agreements.KPI_RULE_MINIMUM - kpis} more.")
    return {"applies": applies, "kpis": kpis, "ok": ok, "message": message}


# --------------------------------------------------------------------------- promised against delivered


def period_values(record: dict) -> list[int]:
    """The agreement's value for each reporting period, in pence: each financial year's
    value shared across the periods in it by days (largest remainder, so the periods add
    up exactly to the agreement's value)."""
    shares = [0] * len(record["periods"])
    for year, pence in record["values"].items():
        year_start, year_end = dt.date(int(year[:4]), 4, 1), dt.date(int(year[:4]) + 1, 3, 31)
        days = []
        for period in record["periods"]:
            first = max(year_start, dt.date.fromisoformat(period["start_date"]))
            last = min(year_end, dt.date.fromisoformat(period["end_date"]))
            days.append(max(0, (last - first).days + 1))
        if sum(days) and pence:
            for index, part in enumerate(allocate_pence(pence, days)):
                shares[index] += part
    return shares


def _pence(quantity: float, proxy_pence: int) -> int:
    """Quantity x proxy (pence a unit) in whole pence, half up, worked in decimals."""
    return int((Decimal(repr(float(quantity))) * proxy_pence).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def reported_periods(db: store.Database, record: dict) -> list[int]:
    """Numbers of the periods with at least one return recorded."""
    return [r[0] for r in db.execute(
        "SELECT DISTINCT p.number FROM monitoring_periods p JOIN monitoring_returns r ON r.period_id = p.id "
        "WHERE p.agreement_id = :id ORDER BY p.number", {"id": record["id"]}).fetchall()]


def _delivered_by_measure(db: store.Database, agreement_id: int) -> dict[int, float]:
    """{measure id: quantity delivered over every return} for one agreement's measures."""
    return dict(db.execute(
        "SELECT r.measure_id, SUM(r.delivered) FROM monitoring_returns r JOIN monitoring_measures m "
        "ON m.id = r.measure_id WHERE m.agreement_id = :id GROUP BY r.measure_id", {"id": agreement_id}).fetchall())


def promised_against_delivered(db: store.Database, agreement_id: int, *, record: dict | None = None) -> pd.DataFrame:
    """Each social-value commitment: the proxy (£ a unit), the quantity promised over the
    whole agreement and its value, the quantity promised for the periods reported so far,
    what was delivered in them, and both in pounds with the same proxy (pence), and the
    difference. A period reported for some measures counts as delivering 0 of the others."""
    record = record or agreements.get(db, agreement_id)
    reported = reported_periods(db, record)
    delivered = _delivered_by_measure(db, agreement_id)
    rows = []
    for measure in (m for m in record["measures"] if m["kind"] == "social_value"):
        proxy = measure["proxy_pence"]
        whole = measure["target_per_period"] * len(record["periods"])
        to_date = measure["target_per_period"] * len(reported)
        done = float(delivered.get(measure["id"], 0.0))
        rows.append({
            "measure": measure["name"], "unit": measure["unit"], "proxy_pence": proxy,
            "promised_quantity": whole, "promised_pence": _pence(whole, proxy),
            "promised_to_date_quantity": to_date, "promised_to_date_pence": _pence(to_date, proxy),
            "delivered_quantity": done, "delivered_pence": _pence(done, proxy),
        })
    frame = pd.DataFrame(rows, columns=["measure", "unit", "proxy_pence", "promised_quantity", "promised_pence",
                                        "promised_to_date_quantity", "promised_to_date_pence", "delivered_quantity",
                                        "delivered_pence"])
    frame["difference_pence"] = frame["delivered_pence"] - frame["promised_to_date_pence"]
    return frame


def _sroi_body(record: dict, quantities: dict[int, float], investment_pence: int, label: str) -> dict:
    return {
        "name": f"{record['reference']} {record['title']}: {label}",
        "investment": float(pence_to_pounds(investment_pence)),
        "outcomes": [
            {"name": m["name"], "stakeholder": "Community (social-value commitment)", "quantity": quantities[m["id"]],
             "proxy_value": float(pence_to_pounds(m["proxy_pence"])), "deadweight": m["deadweight"],
             "displacement": m["displacement"], "attribution": m["attribution"], "drop_off": 0, "duration_years": 1,
             "proxy_source": m["proxy_source"] or m["source"], "indicator": m["unit"]}
            for m in record["measures"] if m["kind"] == "social_value"
        ],
    }


def realised_sroi(db: store.Database, agreement_id: int, *, record: dict | None = None) -> dict | None:
    """SROI of what was delivered in the periods reported so far, beside the SROI promised
    for the same periods, both from ``sroi.calculate`` with its default (SROI guide)
    convention and the Green Book discount rate. The investment is the agreement's value
    for those periods (``period_values``). None until a period is reported or when the
    agreement has no social-value commitments."""
    record = record or agreements.get(db, agreement_id)
    measures = [m for m in record["measures"] if m["kind"] == "social_value"]
    reported = reported_periods(db, record)
    if not measures or not reported:
        return None
    values = period_values(record)
    investment = sum(values[n - 1] for n in reported)
    if investment <= 0:
        return None
    delivered = _delivered_by_measure(db, agreement_id)
    realised_body = _sroi_body(record, {m["id"]: float(delivered.get(m["id"], 0.0)) for m in measures}, investment,
                               "realised")
    promised_body = _sroi_body(record, {m["id"]: m["target_per_period"] * len(reported) for m in measures},
                               investment, "promised for the same periods")
    realised = sroi.calculate(sroi.parse_scenario(realised_body))
    promised = sroi.calculate(sroi.parse_scenario(promised_body))
    return {"periods": reported, "investment_pence": investment, "realised": realised, "promised": promised,
            "realised_scenario": realised_body, "convention": realised.convention.describe(),
            "discount_rate": realised.scenario.discount_rate,
            "warnings": sroi.honesty_warnings(realised.scenario, realised)}


def sroi_json(result: dict | None) -> dict | None:
    """The realised SROI as the command line's JSON (pounds, rounded to the penny)."""
    if result is None:
        return None
    return {
        "periods_reported": result["periods"], "investment": float(pence_to_pounds(result["investment_pence"])),
        "realised_present_value": round(result["realised"].present_value, 2),
        "realised_ratio": round(result["realised"].sroi_ratio, 4),
        "promised_present_value": round(result["promised"].present_value, 2),
        "promised_ratio": round(result["promised"].sroi_ratio, 4),
        "convention": result["convention"], "discount_rate": result["discount_rate"], "warnings": result["warnings"],
    }


# --------------------------------------------------------------------------- delivery record


RECORD_COLUMNS = ["reference", "title", "provider_name", "start_date", "end_date", "periods_reported", "met",
                  "partly met", "missed", "late", "promised_to_date_pence", "delivered_pence", "realised_ratio"]


def provider_ids_for(db: store.Database, name: str) -> list[str]:
    """The org-ids of providers with agreements whose org-id is ``name`` or whose name (as
    agreed, in the directory, or as it bid in an earlier tender) normalises to ``name``'s:
    how a tender's bidder is matched to its past agreements."""
    key = normalise_name(name)
    rows = db.execute("SELECT DISTINCT a.provider_org_id, a.provider_name, o.name, a.tender_bidder FROM agreements a "
                      "LEFT JOIN organisations o ON o.org_id = a.provider_org_id").fetchall()
    return sorted({org_id for org_id, *names in rows
                   if org_id == name.strip() or (key and key in {normalise_name(n or "") for n in names})})


def delivery_record(db: store.Database, provider_org_id: str, today: dt.date | None = None) -> dict:
    """A provider's delivery record across its agreements: per agreement the periods
    reported, how many measure-periods were met, partly met, missed or late, social value
    promised to date against delivered (pence) and the realised SROI ratio; and every
    missed or partly met KPI or commitment with its evidence."""
    ids = [r[0] for r in db.execute("SELECT id FROM agreements WHERE provider_org_id = :org_id ORDER BY start_date, id",
                                    {"org_id": provider_org_id}).fetchall()]
    summary, shortfalls = [], []
    for agreement_id in ids:
        record = agreements.get(db, agreement_id)
        statuses = status_frame(db, agreement_id, today, record=record)
        counts = status_counts(statuses)
        money = promised_against_delivered(db, agreement_id, record=record)
        realised = realised_sroi(db, agreement_id, record=record)
        summary.append({
            "reference": record["reference"], "title": record["title"], "provider_name": record["provider_name"],
            "start_date": record["start_date"], "end_date": record["end_date"],
            "periods_reported": len(reported_periods(db, record)), "met": counts[MET], "partly met": counts[PARTLY_MET],
            "missed": counts[MISSED], "late": counts[LATE],
            "promised_to_date_pence": int(money["promised_to_date_pence"].sum()),
            "delivered_pence": int(money["delivered_pence"].sum()),
            "realised_ratio": None if realised is None else realised["realised"].sroi_ratio,
        })
        short = statuses[statuses["status"].isin([MISSED, PARTLY_MET, LATE])]
        shortfalls += short.assign(title=record["title"])[
            ["reference", "title", "measure", "kind", "period", "end_date", "target", "delivered", "status",
             "evidence"]].to_dict("records")
    return {"agreements": pd.DataFrame(summary, columns=RECORD_COLUMNS),
            "shortfalls": pd.DataFrame(shortfalls, columns=["reference", "title", "measure", "kind", "period",
                                                            "end_date", "target", "delivered", "status", "evidence"])}
