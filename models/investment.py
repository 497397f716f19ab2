"""Investment linked to outcomes: the money behind each of the framework's outcomes and
indicators (from the agreements that serve them), and the Devolve measures computed from
stored data rather than typed in, each labelled with its source.

All money in pence, summed exactly; shares are fractions of the stated denominator.
An agreement serving two outcomes counts in full under each (the total row counts it once).
"""

from __future__ import annotations

import json

import pandas as pd

from . import agreements, outcomes, spend, store
from .errors import DomainError
from .organisations import DISTRICTS

LOCAL_RULE = ("based locally: the directory lists the provider in " + ", ".join(DISTRICTS)
              + " (providers with no district recorded count as not local)")


def _values(db: store.Database, years: tuple[str, ...]) -> pd.DataFrame:
    """One row per agreement with its value in ``years`` (all years if empty), type,
    dates, provider districts and costing link."""
    frame = agreements.list_frame(db, agreements.AgreementFilter(years=years))
    if frame.empty:
        return frame.assign(local=[])
    districts = dict(db.execute(
        "SELECT org_id, districts FROM organisations WHERE org_id IN (SELECT provider_org_id FROM agreements)").fetchall())
    frame["local"] = [bool(set(json.loads(districts.get(o) or "[]")) & set(DISTRICTS)) for o in frame["provider_org_id"]]
    return frame


def devolve_shares(db: store.Database, years: tuple[str, ...] = ()) -> pd.DataFrame:
    """The Devolve measures from the agreements stored: share of value by agreement type,
    in multi-year agreements, funded at full cost (a linked costing whose full cost the
    agreement pays in full) and going to organisations based locally. Columns: measure,
    numerator_pence, denominator_pence, share (None with no agreements), source."""
    frame = _values(db, years)
    total = int(frame["value_pence"].sum()) if not frame.empty else 0
    scope = f"financial year{'s' if len(years) != 1 else ''} {', '.join(years)}" if years else "all years"
    source = f"Agreements in this app: {len(frame)} agreement{'s' if len(frame) != 1 else ''}, value in {scope}"
    rows = []

    def add(measure: str, mask, note: str = "") -> None:
        part = int(frame.loc[mask, "value_pence"].sum()) if not frame.empty else 0
        rows.append({"measure": measure, "numerator_pence": part, "denominator_pence": total,
                     "share": part / total if total else None, "source": source + (f"; {note}" if note else "")})

    for kind, label in agreements.TYPES.items():
        add(f"Share as {label.lower()}" if kind != "capacity" else "Share as investment in the sector's capacity",
            frame["agreement_type"] == kind if not frame.empty else [])
    add("Share in multi-year agreements", frame["multi_year"].astype(bool) if not frame.empty else [],
        "multi-year: runs for more than twelve months")
    full_cost = []
    for row in frame.itertuples(index=False):
        share = agreements.full_cost_share(db, agreements.get(db, row.id)) if row.costing_name else None
        full_cost.append(bool(share and share["share"] is not None and share["share"] >= 1))
    add("Share funded at full cost", full_cost,
        "funded at full cost: linked to a saved full cost recovery costing and paying all of its project's full cost")
    add("Share to organisations based locally", frame["local"] if not frame.empty else [], LOCAL_RULE)
    return pd.DataFrame(rows, columns=["measure", "numerator_pence", "denominator_pence", "share", "source"])


def computed_indicators(db: store.Database) -> pd.DataFrame:
    """Outcome indicators that can be computed from stored data, per financial year, each
    labelled with its source, beside the indicator's latest stored value:
    I3 (share of council third-sector funding given as contracts) from the spend table;
    I7 (share of grant funding to organisations based locally) from grant agreements."""
    indicators = {i.indicator_id: i for i in outcomes.list_indicators(db)}
    latest = {s.indicator.indicator_id: s.latest for s in outcomes.assess_all(db)}
    rows = []
    if "I3" in indicators:
        for year in spend.filter_options(db)["years"]:
            figures = spend.headline(db, spend.SpendFilter(years=(year,)))
            if figures.total_pence:
                rows.append(_computed(indicators["I3"], latest, year, figures.contract_share, figures.contract_pence,
                                      figures.total_pence, f"Spend table: {figures.records:,} local government "
                                      f"third-sector spend records, {year}"))
    if "I7" in indicators:
        for year in sorted({y for (y,) in db.execute("SELECT DISTINCT financial_year FROM agreement_values").fetchall()}):
            year_frame = _values(db, (year,))
            year_grants = year_frame[year_frame["agreement_type"] == "grant"] if not year_frame.empty else year_frame
            total = int(year_grants["value_pence"].sum()) if not year_grants.empty else 0
            if total:
                local = int(year_grants.loc[year_grants["local"], "value_pence"].sum())
                rows.append(_computed(indicators["I7"], latest, year, local / total, local, total,
                                      f"Grant agreements in this app: {len(year_grants)} in {year}; {LOCAL_RULE}"))
    return pd.DataFrame(rows, columns=["indicator_id", "indicator", "financial_year", "computed_percent",
                                       "numerator_pence", "denominator_pence", "stored_latest", "source"])


def _computed(indicator, latest, year, share, numerator, denominator, source) -> dict:
    stored = latest.get(indicator.indicator_id)
    return {"indicator_id": indicator.indicator_id, "indicator": indicator.name, "financial_year": year,
            "computed_percent": round(share * 100, 2), "numerator_pence": int(numerator),
            "denominator_pence": int(denominator),
            "stored_latest": "" if stored is None else f"{stored.value:g}% on {stored.observed_on}"
            + (" (illustrative)" if stored.illustrative else ""), "source": source}


def outcome_investment(db: store.Database, years: tuple[str, ...] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The money behind each outcome and indicator, with the gap.

    Returns (per outcome, per indicator). Per outcome: outcome_id, title, status,
    agreements, agreed_pence (value in ``years`` of the agreements serving it, as a whole
    or through one of its indicators), paid_pence (imported payments grouped into those
    agreements). Per indicator: outcome_id, indicator_id, indicator, status, latest,
    target, gap, unit, agreements, agreed_pence (agreements naming that indicator)."""
    frame = agreements.list_frame(db, agreements.AgreementFilter(years=years))
    value = dict(zip(frame["id"], frame["value_pence"])) if not frame.empty else {}
    links = db.execute("SELECT agreement_id, outcome_id, indicator_id FROM agreement_outcomes").fetchall()
    paid = dict(db.execute(
        "SELECT l.agreement_id, SUM(s.amount_pence) FROM agreement_spend l JOIN spend s ON s.id = l.spend_id "
        f"WHERE {'s.financial_year IN :years' if years else '1 = 1'} GROUP BY l.agreement_id",
        {"years": list(years)} if years else {}).fetchall())
    summaries = outcomes.outcome_summaries(db)
    outcome_rows, indicator_rows = [], []
    for summary in summaries:
        outcome_id = summary.outcome.outcome_id
        serving = sorted({a for a, o, _ in links if o == outcome_id and a in value})
        outcome_rows.append({
            "outcome_id": outcome_id, "title": summary.outcome.title, "status": summary.status,
            "agreements": len(serving), "agreed_pence": int(sum(value[a] for a in serving)),
            "paid_pence": int(sum(paid.get(a, 0) for a in serving)),
        })
        for status in summary.indicators:
            indicator = status.indicator
            naming = sorted({a for a, o, i in links if i == indicator.indicator_id and a in value})
            indicator_rows.append({
                "outcome_id": outcome_id, "indicator_id": indicator.indicator_id, "indicator": indicator.name,
                "status": status.status, "latest": None if status.latest is None else status.latest.value,
                "target": indicator.target_value, "gap": status.gap, "unit": indicator.unit,
                "agreements": len(naming), "agreed_pence": int(sum(value[a] for a in naming)),
            })
    per_outcome = pd.DataFrame(outcome_rows, columns=["outcome_id", "title", "status", "agreements", "agreed_pence",
                                                      "paid_pence"])
    unlinked = [a for a in value if a not in {l[0] for l in links}]
    per_outcome.attrs["unlinked_pence"] = int(sum(value[a] for a in unlinked))
    per_outcome.attrs["total_pence"] = int(sum(value.values()))
    per_indicator = pd.DataFrame(indicator_rows, columns=["outcome_id", "indicator_id", "indicator", "status", "latest",
                                                          "target", "gap", "unit", "agreements", "agreed_pence"])
    return per_outcome, per_indicator


def check_years(db: store.Database, years: tuple[str, ...]) -> tuple[str, ...]:
    """The years asked for, refusing any that is not a financial year like 2027/28."""
    for year in years:
        if len(year) != 7 or year[4] != "/" or not (year[:4] + year[5:]).isdigit():
            raise DomainError(f"'{year}' is not a financial year; write it as 2027/28")
    return years
