"""The Compact checks, computed from records: consultation length, providers consulted
before a tender notice, feedback published and how soon, notice before funding ends or is
cut, and the shares of funding in multi-year agreements and at full cost.

The standards (periods, targets) and their citations are one table,
``data/reference/compact_standards.csv``; change a figure there and every check, page and
command follows. Weeks are counted as working weeks (five working days, England and Wales
bank holidays skipped, ``models.working_days``); months are calendar months.

Each check yields one row per record judged (a consultation, a tender, a funding
relationship) with its department, financial year, status in words and whether it meets
the standard (True, False, or None when not yet due). The dashboard aggregates those rows
per department and per year, beside the commissioning self-assessment's scores for the
principle each check measures."""

from __future__ import annotations

import datetime as dt
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from dateutil.relativedelta import relativedelta

from . import consultations, self_assessment, store, tender_records, versioned
from .errors import DomainError
from .formatting import financial_year_of, money, uk_date
from .outcomes import read_csv_rows
from .working_days import add_working_days, working_days_between

STANDARDS_FILE = store.PROJECT_ROOT / "data" / "reference" / "compact_standards.csv"
WORKING_DAYS_PER_WEEK = 5
UNITS = ("weeks", "months", "percent")
CHECK_ORDER = ("consultation_period", "providers_before_tender", "feedback_within", "funding_notice",
               "multi_year_share", "full_cost_share")
SHARE_CHECKS = ("multi_year_share", "full_cost_share")
NOT_KNOWN = "Not recorded"

MET, NOT_MET, NOT_YET_DUE = "Met", "Not met", "Not yet due"


@dataclass(frozen=True)
class Standard:
    """One configurable standard: the check it sets, its figure and unit, the principle
    it measures, the rule in words and where it comes from."""

    standard_id: str
    check: str
    value: float | None
    unit: str
    principle: str
    rule: str
    source: str
    local_choice: str = ""

    @property
    def label(self) -> str:
        """'12 weeks', '3 months', 'a target of 50%' or 'no target set'."""
        if self.value is None:
            return "no target set"
        number = f"{self.value:g}"
        if self.unit == "percent":
            return f"a target of {number}%"
        return f"{number} {self.unit[:-1] if self.value == 1 else self.unit}"

    @property
    def working_days(self) -> int:
        """A period in weeks as working days (weeks × 5)."""
        if self.unit != "weeks" or self.value is None:
            raise DomainError(f"Standard '{self.standard_id}' is not a number of weeks.")
        return int(round(self.value * WORKING_DAYS_PER_WEEK))


def load_standards(path: Path = STANDARDS_FILE) -> dict[str, Standard]:
    """The standards table, checked; a DomainError names the file, row and column."""
    standards = {}
    for line, row in read_csv_rows(path):
        where = f"{Path(path).name}, row {line}"
        if row["standard_id"] not in CHECK_ORDER:
            raise DomainError(f"{where}, column 'standard_id': '{row['standard_id']}' is not a check this app "
                              f"computes ({', '.join(CHECK_ORDER)}).")
        if row["unit"] not in UNITS:
            raise DomainError(f"{where}, column 'unit': '{row['unit']}' should be one of {', '.join(UNITS)}.")
        text = (row["value"] or "").strip()
        try:
            value = float(text) if text else None
        except ValueError:
            raise DomainError(f"{where}, column 'value': '{text}' is not a number.") from None
        if value is None and row["unit"] != "percent":
            raise DomainError(f"{where}, column 'value': a period is needed (only a share's target may be empty).")
        if value is not None and (value < 0 or (row["unit"] == "percent" and value > 100)):
            raise DomainError(f"{where}, column 'value': {text} is out of range.")
        if not row["source"].strip():
            raise DomainError(f"{where}, column 'source': every standard needs its citation.")
        standards[row["standard_id"]] = Standard(
            row["standard_id"], row["check"], value, row["unit"], row["principle"], row["rule"], row["source"],
            row.get("local_choice") or "")
    missing = [c for c in CHECK_ORDER if c not in standards]
    if missing:
        raise DomainError(f"{Path(path).name}: no row for {', '.join(missing)}; every check needs its standard.")
    return standards


def standards_table(standards: dict[str, Standard]) -> pd.DataFrame:
    """The standards as the page and downloads show them."""
    return pd.DataFrame([
        {"Check": s.check, "Standard": s.label, "Principle": s.principle, "Rule": s.rule, "Source": s.source,
         "Local choice": s.local_choice}
        for s in (standards[c] for c in CHECK_ORDER)
    ])


# --------------------------------------------------------------------------- the rules (pure)


def consultation_length(start: dt.date, end: dt.date, standards: dict[str, Standard]) -> dict:
    """How long a consultation is open (start and end days included): calendar days,
    working days, working weeks, and whether it meets the Compact's period."""
    standard = standards["consultation_period"]
    working = working_days_between(start, end)
    return {
        "calendar_days": (end - start).days + 1,
        "working_days": working,
        "working_weeks": working / WORKING_DAYS_PER_WEEK,
        "meets": working >= standard.working_days,
        "standard_label": f"{standard.label} ({standard.working_days} working days)",
    }


def length_status(length: dict, reason: str) -> tuple[str, bool]:
    """'Met', or 'Shorter, reason recorded' / 'Shorter, no reason recorded' (not met)."""
    if length["meets"]:
        return MET, True
    return ("Shorter, reason recorded" if (reason or "").strip() else "Shorter, no reason recorded"), False


def feedback_deadline(end: dt.date, standards: dict[str, Standard]) -> dt.date:
    """The last day feedback can be published and meet the standard: the standard's
    number of working days after the consultation closes."""
    return add_working_days(end, standards["feedback_within"].working_days)


def feedback_status(end: dt.date, published: dt.date | None, today: dt.date,
                    standards: dict[str, Standard]) -> tuple[str, bool | None, int | None]:
    """Status, whether it meets the standard (None: not yet due) and the working days
    from the close to publication (days after the end day, up to the day published)."""
    deadline = feedback_deadline(end, standards)
    if published is not None:
        taken = working_days_between(end + dt.timedelta(days=1), published)
        if published <= deadline:
            return f"Published {taken} working days after closing", True, taken
        return f"Published late: {taken} working days after closing", False, taken
    if today <= end:
        return "Not closed yet", None, None
    if today <= deadline:
        return f"Not yet due (due by {uk_date(deadline)})", None, None
    return f"Not published; was due by {uk_date(deadline)}", False, None


def provider_lead(end: dt.date, notice: dt.date, standards: dict[str, Standard]) -> tuple[int, bool]:
    """Working days from a consultation's close to the tender notice (days after the end
    day, up to and including the notice day) and whether that meets the standard."""
    gap = working_days_between(end + dt.timedelta(days=1), notice)
    return gap, gap >= standards["providers_before_tender"].working_days


def notice_deadline(change_on: dt.date, standards: dict[str, Standard]) -> dt.date:
    """The last day written notice can be given: the standard's calendar months before the
    day funding ends or is cut (the same day of the month; the month's last day if shorter)."""
    months = standards["funding_notice"].value or 0
    return change_on - relativedelta(months=int(months))


def notice_status(change_on: dt.date, notice_on: dt.date | None, today: dt.date,
                  standards: dict[str, Standard]) -> tuple[str, bool | None]:
    """Whether notice of funding ending or being cut was given in time."""
    deadline = notice_deadline(change_on, standards)
    if notice_on is not None:
        if notice_on <= deadline:
            return f"Notice given {uk_date(notice_on)}, on or before {uk_date(deadline)}", True
        return f"Short notice: given {uk_date(notice_on)}, after {uk_date(deadline)}", False
    if today <= deadline:
        return f"Notice not yet due (give it by {uk_date(deadline)})", None
    return f"No notice recorded; it was due by {uk_date(deadline)}", False


def is_multi_year(start: dt.date, end: dt.date) -> bool:
    """Longer than one year: the term runs past the day before the first anniversary of
    its start (1 April 2026 to 31 March 2027 is one year; to 1 April 2027 is longer)."""
    return end >= start + relativedelta(years=1)


# --------------------------------------------------------------------------- funding records


FUNDING_COLUMNS = ["source", "ref", "provider", "department", "start_date", "end_date", "value_pence", "full_cost",
                   "change", "change_on", "notice_given_on", "funding_id", "version"]


def agreements_available() -> bool:
    """Whether the agreements feature (``models.agreements``) is installed."""
    return importlib.util.find_spec("models.agreements") is not None


def entered_funding(db: store.Database) -> pd.DataFrame:
    """Funding relationships entered on the Compact page."""
    rows = [{**r, "source": "Entered on the Compact page", "ref": r["agreement_ref"] or f"F{r['funding_id']}",
             "full_cost": bool(r["full_cost"])}
            for r in db.query("SELECT * FROM compact_funding ORDER BY funding_id")]
    return pd.DataFrame(rows, columns=FUNDING_COLUMNS)


def funding_rows(db: store.Database) -> pd.DataFrame:
    """Every funding relationship the funding checks read. Where the agreements feature is
    installed, each agreement is one row ending on its end date; a row entered here that
    names the agreement's reference adds what the agreement does not hold (that it continues,
    ends or is cut, on which day, and when notice was given) and is not counted again.
    Without the feature, the rows entered here."""
    entered = entered_funding(db)
    agreed = _agreement_funding(db)
    if agreed.empty:
        return entered
    notes = entered[entered["ref"].isin(set(agreed["ref"]))].drop_duplicates("ref", keep="last").set_index("ref")
    for index, row in agreed.iterrows():
        if row["ref"] in notes.index:
            note = notes.loc[row["ref"]]
            agreed.loc[index, ["change", "notice_given_on", "funding_id", "version"]] = [
                note["change"], note["notice_given_on"], note["funding_id"], note["version"]]
            agreed.loc[index, "change_on"] = note["change_on"] or row["end_date"]
    rest = entered[~entered["ref"].isin(set(agreed["ref"]))]
    return pd.concat([agreed, rest], ignore_index=True)[FUNDING_COLUMNS] if not rest.empty else agreed[FUNDING_COLUMNS]


def _agreement_funding(db: store.Database) -> pd.DataFrame:
    """Agreements from the agreements feature (``agreements.list_frame``) as funding rows:
    value over the whole term, at full cost when a linked full cost recovery costing shows
    the agreement pays at least its full cost (no costing linked: not evidenced, so not at
    full cost), ending on the end date. Empty when the feature is absent."""
    if not agreements_available():
        return pd.DataFrame(columns=FUNDING_COLUMNS)
    from . import agreements  # optional feature, built alongside

    listed = agreements.list_frame(db)
    rows = []
    for agreement in listed.to_dict(orient="records"):
        full_cost = False
        if isinstance(agreement.get("costing_name"), str) and agreement["costing_name"]:
            share = agreements.full_cost_share(db, agreements.get(db, int(agreement["id"])))
            full_cost = bool(share and share.get("share") is not None and share["share"] >= 1)
        rows.append({
            "source": "Agreement", "ref": agreement["reference"],
            "provider": agreement.get("provider_name") or agreement.get("provider_org_id") or "",
            "department": agreement.get("department") or "", "start_date": agreement["start_date"],
            "end_date": agreement["end_date"], "value_pence": int(agreement.get("value_pence") or 0),
            "full_cost": full_cost, "change": "ends", "change_on": agreement["end_date"], "notice_given_on": None,
            "funding_id": None, "version": None,
        })
    return pd.DataFrame(rows, columns=FUNDING_COLUMNS)


def save_funding(db: store.Database, form: dict, *, actor, funding_id: int | None = None,
                 expected_version: int | None = None) -> int:
    """Add (``funding_id`` None) or edit a funding relationship entered here; versioned
    and audited. Returns its id."""
    from . import policy
    from .formatting import pounds_to_pence
    from .outcomes import parse_date

    problems: list[str] = []
    clean: dict = {}
    for field, label in (("provider", "Provider"), ("department", "Department")):
        clean[field] = str(form.get(field) or "").strip()
        if not clean[field]:
            problems.append(f"{label}: enter it.")
    dates = {}
    for field, label, required in (("start_date", "Start date", True), ("end_date", "End date", True),
                                   ("change_on", "Ends or is cut on", False),
                                   ("notice_given_on", "Notice given on", False)):
        value = form.get(field)
        if value in (None, ""):
            if required:
                problems.append(f"{label}: enter a date, as 24/11/2026.")
            dates[field] = None
            continue
        try:
            dates[field] = parse_date(value, where=label)
        except DomainError as error:
            problems.append(str(error))
            dates[field] = None
    if dates["start_date"] and dates["end_date"] and dates["end_date"] < dates["start_date"]:
        problems.append(f"End date: {uk_date(dates['end_date'])} is before the start date {uk_date(dates['start_date'])}.")
    change = str(form.get("change") or "continues")
    if change not in ("continues", "ends", "cut"):
        problems.append("Change: choose continues, ends or cut.")
    if change in ("ends", "cut") and dates["change_on"] is None:
        problems.append("Ends or is cut on: give the day the funding ends or is cut.")
    if dates["notice_given_on"] and dates["change_on"] and dates["notice_given_on"] > dates["change_on"]:
        problems.append("Notice given on: notice comes before the funding ends or is cut.")
    try:
        clean["value_pence"] = pounds_to_pence(form.get("value") if form.get("value") not in (None, "") else "x")
        if clean["value_pence"] < 0:
            problems.append("Value: it cannot be negative.")
    except (DomainError, ValueError, TypeError, ArithmeticError):
        problems.append(f"Value: '{form.get('value')}' is not an amount in pounds, e.g. 45000 or £45,000.00.")
    if problems:
        raise DomainError("Nothing was saved. " + " ".join(problems), problems=problems)
    clean.update({k: v.isoformat() if v else None for k, v in dates.items()})
    clean.update({"change": change, "full_cost": int(bool(form.get("full_cost"))),
                  "agreement_ref": str(form.get("agreement_ref") or "").strip()})
    policy.require(actor, "consultation.edit", clean)
    with store.transaction(db):
        if funding_id is None:
            funding_id = db["compact_funding"].insert(
                {**clean, "created_at": store.now_iso(), "created_by": actor.label, "version": 1}).last_pk
            versioned.record_audit(db, entity="compact_funding", entity_id=funding_id, action="added", who=actor.label,
                               after=clean)
        else:
            versioned.update_versioned(db, "compact_funding", {"funding_id": funding_id}, int(expected_version or 0), clean,
                                   entity="compact_funding", who=actor.label)
    return int(funding_id)


# --------------------------------------------------------------------------- the checks


RESULT_COLUMNS = ["check_id", "check", "principle", "department", "period", "record", "status", "meets", "weight",
                  "detail"]


def _row(standard: Standard, department: str, day: dt.date | None, record: str, status: str,
         meets: bool | None, detail: str, weight: float = 1.0) -> dict:
    return {"check_id": standard.standard_id, "check": standard.check, "principle": standard.principle,
            "department": department or NOT_KNOWN, "period": financial_year_of(day) if day else NOT_KNOWN,
            "record": record, "status": status, "meets": meets, "weight": weight, "detail": detail}


def _date(text) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if isinstance(text, str) and text else None


def assess(db: store.Database, today: dt.date | None = None,
           standards: dict[str, Standard] | None = None) -> pd.DataFrame:
    """One row per record judged by each check (columns ``RESULT_COLUMNS``). ``meets`` is
    True, False, or None (not yet due, or a share with no target); ``weight`` is 1 for
    counted checks and the value in pence for the shares."""
    today = today or dt.date.today()
    standards = standards or load_standards()
    rows: list[dict] = []
    log = consultations.list_consultations(db)
    for c in log.itertuples(index=False):
        start, end = _date(c.start_date), _date(c.end_date)
        label = f"Consultation {c.consultation_id}: {c.subject}"
        length = consultation_length(start, end, standards)
        status, meets = length_status(length, c.shorter_reason)
        rows.append(_row(standards["consultation_period"], c.department, end, label, status, meets,
                         f"{length['working_days']} working days ({length['calendar_days']} calendar days) "
                         f"against {length['standard_label']}"
                         + (f"; reason: {c.shorter_reason}" if not length["meets"] and c.shorter_reason else "")))
        status, meets, _taken = feedback_status(end, _date(c.feedback_published_on), today, standards)
        rows.append(_row(standards["feedback_within"], c.department, end, label, status, meets,
                         f"Closed {uk_date(end)}; standard: within {standards['feedback_within'].label} "
                         f"({standards['feedback_within'].working_days} working days)"))
    rows += _tender_rows(db, standards)
    funding = funding_rows(db)
    for f in funding.itertuples(index=False):
        record = f"{f.provider} ({f.ref}, {f.source.lower()})"
        if f.change in ("ends", "cut"):
            change_on = _date(f.change_on)
            status, meets = notice_status(change_on, _date(f.notice_given_on), today, standards)
            rows.append(_row(standards["funding_notice"], f.department, change_on, record, status, meets,
                             f"Funding {'ends' if f.change == 'ends' else 'is cut'} on {uk_date(change_on)}"))
        start, end = _date(f.start_date), _date(f.end_date)
        value = float(f.value_pence or 0)
        multi = is_multi_year(start, end)
        rows.append(_row(standards["multi_year_share"], f.department, start, record,
                         "Multi-year" if multi else "One year or less", multi,
                         f"{uk_date(start)} to {uk_date(end)}, {money(int(value))}", weight=value))
        if f.full_cost is not None and not pd.isna(f.full_cost):
            rows.append(_row(standards["full_cost_share"], f.department, start, record,
                             "At full cost" if f.full_cost else "Below full cost", bool(f.full_cost),
                             money(int(value)), weight=value))
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


def _tender_rows(db: store.Database, standards: dict[str, Standard]) -> list[dict]:
    """Per tender in the app: was a provider consulted, and did that consultation close
    the standard's working days before the tender notice?"""
    standard = standards["providers_before_tender"]
    links = consultations.tender_links(db)
    rows = []
    for record in tender_records.list_tenders(db):
        mine = links[links["tender_id"] == record.id]
        label = f"Tender {record.id}: {record.name}"
        if mine.empty:
            rows.append(_row(standard, NOT_KNOWN, _date(record.created_at), label, "No consultation linked", False,
                             "Link the consultation that informed this tender on the consultation log, if there was one."))
            continue
        department = mine["department"].iloc[0]
        notices = [d for d in (_date(t) for t in mine["tender_notice_on"]) if d]
        if not notices:
            rows.append(_row(standard, department, None, label, "Tender notice date not recorded", None,
                             "Give the tender notice date on the consultation's tender link."))
            continue
        notice = min(notices)
        best = None
        for link in mine.itertuples(index=False):
            if link.providers_took_part < 1:
                continue
            gap, meets = provider_lead(_date(link.end_date), notice, standards)
            if best is None or gap > best[0]:
                best = (gap, meets, link.consultation_id)
        if best is None:
            status, meets, detail = "No provider took part", False, "No directory organisation took part in a linked consultation."
        else:
            gap, meets, consultation_id = best
            status = (f"Met: closed {gap} working days before the notice" if meets
                      else f"Not met: closed {gap} working days before the notice")
            detail = (f"Consultation {consultation_id}; notice {uk_date(notice)}; standard {standard.label} "
                      f"({standard.working_days} working days)")
        rows.append(_row(standard, department, notice, label, status, meets, detail))
    return rows


# --------------------------------------------------------------------------- aggregates


def summarise(results: pd.DataFrame, by: str, standards: dict[str, Standard] | None = None) -> pd.DataFrame:
    """Per check and per ``by`` ('department' or 'period'): records judged, met, and the
    share met (a percentage; for the shares, of value). Records not yet due are counted
    apart. Columns: Check, <By>, % met, Judged, Met, Not yet due, Standard (the share first, so a
    phone shows it)."""
    standards = standards or load_standards()
    label = {"department": "Department", "period": "Financial year"}[by]
    columns = ["Check", label, "% met", "Judged", "Met", "Not yet due", "Standard"]
    if results.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for (check_id, key), group in results.groupby(["check_id", by], sort=False):
        judged = group[group["meets"].notna()]
        weight = judged["weight"].astype(float)
        met_weight = weight[judged["meets"].astype(bool)].sum()
        share = round(met_weight / weight.sum() * 100, 1) if weight.sum() > 0 else None
        standard = standards[check_id]
        rows.append({"Check": standard.check, label: key, "Judged": len(judged),
                     "Met": int(judged["meets"].astype(bool).sum()), "Not yet due": int(group["meets"].isna().sum()),
                     "% met": share, "Standard": standard.label, "_order": CHECK_ORDER.index(check_id)})
    frame = pd.DataFrame(rows).sort_values(["_order", label]).drop(columns="_order").reset_index(drop=True)
    frame.loc[frame["Check"].isin([standards[c].check for c in SHARE_CHECKS]), ["Met"]] = None
    return frame[columns]


def self_assessed(db: store.Database) -> pd.DataFrame:
    """Every saved self-assessment's score per principle as a % of the maximum: columns
    assessment_id, name, service, assessed_on, period, principle, percent."""
    items = self_assessment.list_items(db)
    rows = []
    for saved in self_assessment.list_assessments(db).itertuples(index=False):
        scores = self_assessment.results_by_principle(items, self_assessment.load_answers(db, saved.assessment_id))
        for score in scores.to_dict(orient="records"):
            rows.append({"assessment_id": saved.assessment_id, "name": saved.name, "service": saved.service,
                         "assessed_on": saved.assessed_on, "period": financial_year_of(_date(saved.assessed_on)),
                         "principle": score["Principle"], "percent": score["% of maximum"]})
    return pd.DataFrame(rows, columns=["assessment_id", "name", "service", "assessed_on", "period", "principle", "percent"])


def measured_beside_assessed(results: pd.DataFrame, assessed: pd.DataFrame, by: str | None,
                             standards: dict[str, Standard] | None = None) -> pd.DataFrame:
    """Each check's measured % met beside the latest self-assessed score (% of maximum)
    for the principle it measures. ``by`` None: council-wide, against the latest
    assessment; 'department': against the latest assessment whose service names the
    department; 'period': against the latest assessment in that financial year."""
    standards = standards or load_standards()
    key_label = {None: None, "department": "Department", "period": "Financial year"}[by]
    measured = summarise(results, by, standards) if by else _overall(results, standards)
    rows = []
    for row in measured.to_dict(orient="records"):
        check_id = next(c for c in CHECK_ORDER if standards[c].check == row["Check"])
        principle = standards[check_id].principle
        candidates = assessed[assessed["principle"] == principle]
        if by == "department":
            candidates = candidates[candidates["service"].str.strip().str.casefold() == str(row[key_label]).casefold()]
        elif by == "period":
            candidates = candidates[candidates["period"] == row[key_label]]
        latest = candidates.sort_values(["assessed_on", "assessment_id"]).tail(1)
        score = None if latest.empty or pd.isna(latest["percent"].iloc[0]) else float(latest["percent"].iloc[0])
        out = {"Check": row["Check"]}
        if key_label:
            out[key_label] = row[key_label]
        out.update({
            "Principle": principle,
            "Measured (% met)": row["% met"],
            "Self-assessed (% of maximum)": score,
            "Difference (points)": None if score is None or row["% met"] is None else round(row["% met"] - score, 1),
            "Self-assessment": "" if latest.empty else f"{latest['name'].iloc[0]}, {uk_date(latest['assessed_on'].iloc[0])}",
        })
        rows.append(out)
    columns = ["Check"] + ([key_label] if key_label else []) + ["Principle", "Measured (% met)",
                                                              "Self-assessed (% of maximum)", "Difference (points)",
                                                              "Self-assessment"]
    return pd.DataFrame(rows, columns=columns)


def _overall(results: pd.DataFrame, standards: dict[str, Standard]) -> pd.DataFrame:
    """Every check council-wide (each check listed even with no records)."""
    summary = summarise(results.assign(department="All"), "department", standards)
    present = set(summary["Check"])
    missing = [{"Check": standards[c].check, "Department": "All", "Judged": 0, "Met": None, "Not yet due": 0,
                "% met": None, "Standard": standards[c].label} for c in CHECK_ORDER if standards[c].check not in present]
    frame = pd.concat([summary, pd.DataFrame(missing)], ignore_index=True) if missing else summary
    order = {standards[c].check: i for i, c in enumerate(CHECK_ORDER)}
    return frame.sort_values("Check", key=lambda s: s.map(order)).reset_index(drop=True)


def overall(results: pd.DataFrame, standards: dict[str, Standard] | None = None) -> pd.DataFrame:
    """Council-wide: per check, records judged, met, not yet due and % met (every check listed)."""
    standards = standards or load_standards()
    return _overall(results, standards).drop(columns="Department")


def results_table(results: pd.DataFrame) -> pd.DataFrame:
    """The per-record results as the page and downloads show them."""
    shown = results.rename(columns={"check": "Check", "principle": "Principle", "department": "Department",
                                    "period": "Financial year", "record": "Record", "status": "Status",
                                    "detail": "Detail"})
    shown["Meets the standard"] = results["meets"].map({True: "Yes", False: "No"}).fillna("Not yet judged")
    return shown[["Check", "Department", "Financial year", "Record", "Status", "Meets the standard", "Detail",
                  "Principle"]]


# --------------------------------------------------------------------------- the managers' toolkit


EARLY_NOTICE_WORKING_DAYS = 10  # a local choice: two working weeks' notice before a consultation opens

CHECKLIST = (
    ("Decide what can still change", "Consult while the decision is open, on options that can change, not on a "
     "decision already made.", "The Compact (2010), section 2"),
    ("Give early notice", "Tell the sector when the consultation will run, so organisations can involve their "
     "users, members and volunteers.", "The Compact (2010), commitment 2.4"),
    ("Run it for the Compact's period", "Twelve weeks, counted here in working days so bank holidays lengthen it; "
     "record the reason if it must be shorter.", "The Compact (2010), commitment 2.4"),
    ("Invite providers and communities", "Invite potential providers well in advance of commissioning, and groups "
     "not in the directory (describe them in words).", "Framework, principle 2; Consult stream"),
    ("Use the sector's own networks", "Reach organisations through the Third Sector Assembly or network and the "
     "infrastructure hubs for each theme.", "Framework, Consult stream (CON-C1, CON-S1)"),
    ("Make it accessible and proportionate", "Choose methods people can use (online, workshop, Assembly or "
     "network, survey); keep the burden proportionate to the decision.", "Framework, Consult stream: 'inclusive, "
     "effective, timely and proportionate'"),
    ("Record responses", "Record the number of responses, who took part and a summary of what they said.",
     "Framework, principle 8"),
    ("Publish 'you said, we did'", "Publish feedback explaining how responses changed the decision, within "
     "12 weeks of closing.", "Cabinet Office Consultation Principles (2018); the Compact (2010), section 2"),
    ("Link the decision", "Link the consultation to the tender, agreement or action it informed, so the Compact "
     "checks can see it.", "This dashboard"),
)


def checklist_table() -> pd.DataFrame:
    """The toolkit's checklist: step, what to do, and where it comes from."""
    return pd.DataFrame(CHECKLIST, columns=["Step", "What to do", "Source"])


def plan_timeline(today: dt.date, start: dt.date | None = None,
                  standards: dict[str, Standard] | None = None) -> pd.DataFrame:
    """A consultation's timeline from ``today``: early notice now, opening after the early
    notice (or on ``start``), closing on the last of the Compact's working days, the earliest
    tender notice that meets the providers' standard, and the feedback deadline. Columns:
    Step, Date (ISO), Working days from today, Rule."""
    from .working_days import is_working_day, working_days_beginning_with

    standards = standards or load_standards()
    start = start or add_working_days(today, EARLY_NOTICE_WORKING_DAYS)
    while not is_working_day(start):
        start += dt.timedelta(days=1)
    period = standards["consultation_period"]
    end = working_days_beginning_with(start, period.working_days)
    tender = add_working_days(end, standards["providers_before_tender"].working_days)
    feedback = feedback_deadline(end, standards)
    steps = [
        ("Give early notice to the sector", today, f"Today: give notice before the consultation opens "
         f"({EARLY_NOTICE_WORKING_DAYS} working days is this toolkit's default)."),
        ("Consultation opens", start, "The first working day on or after the start chosen."),
        ("Consultation closes", end, f"The {period.working_days}th working day beginning with the opening day "
         f"({period.label}; weekends and bank holidays not counted)."),
        ("Earliest tender notice", tender, f"{standards['providers_before_tender'].working_days} working days "
         f"after closing ({standards['providers_before_tender'].label}), if the consultation informs a tender."),
        ("Publish feedback by", feedback, f"{standards['feedback_within'].working_days} working days after closing "
         f"({standards['feedback_within'].label})."),
    ]
    return pd.DataFrame(
        [{"Step": step, "Date": day.isoformat(), "Working days from today": working_days_between(
            today + dt.timedelta(days=1), day) if day > today else 0, "Rule": rule} for step, day, rule in steps])


def feedback_template(subject: str, end: dt.date | None, standards: dict[str, Standard] | None = None) -> str:
    """A plain-text 'you said, we did' template for a consultation."""
    standards = standards or load_standards()
    due = f" by {uk_date(feedback_deadline(end, standards))}" if end else ""
    return (
        f"Consultation: {subject or '[subject]'}\n"
        f"Closed: {uk_date(end) if end else '[closing date]'}. Feedback to publish{due}.\n\n"
        "Thank you to everyone who took part. [Number] people and organisations responded, including "
        "[organisations and groups].\n\n"
        "YOU SAID\n- [What respondents told us, in their words where possible]\n- [...]\n\n"
        "WE DID\n- [What we changed because of it, or why we could not, and what happens instead]\n- [...]\n\n"
        "WHAT HAPPENS NEXT\n[The decision, who makes it and when; how to stay involved.]\n\n"
        "Contact: [name, team, email]\n"
    )
