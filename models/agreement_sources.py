"""Where an agreement comes from, besides a form filled in by hand: an awarded tender in
this app (the winner's price, social-value offer and the commissioner's KPIs), or imported
spend (a provider's payments grouped into an agreement, suggested by the app and confirmed
by an officer). Each function here returns a form for ``agreements.create`` to check and
store; nothing here writes."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

import pandas as pd

from . import agreements, store, tender, tender_records
from .cost_recovery import allocate_pence
from .errors import DomainError
from .formatting import pence_to_pounds, pounds_to_pence
from .identifiers import normalise_name
from .outcomes import parse_date

# --------------------------------------------------------------------------- tenders


def tender_award(db: store.Database, tender_id: int) -> tuple[str, int | None, str]:
    """Who the tender went to: (bidder, value in pence or None, how we know). The issued
    award (``award_records``) when there is one, else the evaluation's winner from the
    moderated scores."""
    from . import award_records

    state = award_records.award_state(db, tender_id)
    if state is not None:
        return state.winner, state.value_pence, f"awarded (award pack issued {state.pack_issued_at[:10]})"
    body = tender_records.scenario_body(db, tender_id)
    try:
        evaluation = tender.evaluate(tender.parse_scenario(body))
    except DomainError as error:
        raise DomainError(f"Tender '{body.get('name')}' has no result yet ({error}); finish moderation, or name "
                          "the bidder the contract was awarded to") from None
    if evaluation.winner is None:
        raise DomainError(f"Tender '{body.get('name')}' has no qualifying bid, so nothing was awarded")
    return evaluation.winner, None, "the evaluation's winner (no award pack issued yet)"


def values_by_days(total_pence: int, start: dt.date, end: dt.date) -> dict[str, int]:
    """A total shared across the financial years from ``start`` to ``end`` in proportion to
    the days in each, in whole pence (largest remainder: the parts add up exactly)."""
    years = agreements.financial_years(start, end)
    days = []
    for year in years:
        first = max(start, dt.date(int(year[:4]), 4, 1))
        last = min(end, dt.date(int(year[:4]) + 1, 3, 31))
        days.append((last - first).days + 1)
    return dict(zip(years, allocate_pence(total_pence, days)))


def form_from_tender(db: store.Database, tender_id: int, *, provider: str, body: str, start: Any, end: Any,
                     bidder: str | None = None, department: str = "", kpis: list[Mapping] | tuple = (),
                     values: Mapping[str, Any] | None = None, reporting: str | None = None,
                     outcomes: Any = None) -> dict:
    """An agreement form from an awarded tender: the award's value (or the winner's or
    ``bidder``'s price) as
    the value (shared across financial years by days unless ``values`` are given), each
    social-value measure it committed to as a commitment with the tender's own proxy and a
    target per period (the committed quantity shared equally across the periods), and the
    commissioner's ``kpis``."""
    record = tender_records.get_tender(db, tender_id)
    awarded_to, awarded_value, _ = tender_award(db, tender_id) if bidder is None else (bidder, None, "")
    bidder = bidder or awarded_to
    bid = next((b for b in record.setup.get("bids") or [] if b["bidder"] == bidder), None)
    if bid is None:
        raise DomainError(f"No bid from '{bidder}' in tender '{record.name}'")
    first, last = parse_date(start, where="Start date"), parse_date(end, where="End date")
    if last < first:
        raise DomainError(f"End date: {last:%d/%m/%Y} is before the start date {first:%d/%m/%Y}")
    price_pence = awarded_value or (pounds_to_pence(str(bid["price"])) if bid.get("price") else None)
    if values is None:
        if not price_pence:
            raise DomainError(f"{bidder}'s bid has no price; enter the value per financial year")
        values = {y: f"{pence_to_pounds(p)}" for y, p in values_by_days(price_pence, first, last).items()}
    year_pence = [pounds_to_pence(str(v)) for v in values.values() if v not in (None, "")]
    reporting = reporting or agreements.tier_for(max(year_pence, default=0)).reporting
    periods = len(agreements.reporting_periods(first, last, reporting))
    measures = []
    for criterion in record.criteria:
        if criterion.type != "social_value" or not criterion.proxies:
            continue
        committed = ((bid.get("scores") or {}).get(criterion.id) or {}).get("quantities") or {}
        for measure, quantity in committed.items():
            if not quantity:
                continue
            measures.append({
                "kind": "social_value", "name": measure, "unit": measure, "target_per_period": quantity / periods,
                "proxy": criterion.proxies[measure],
                "proxy_source": f"tender '{record.name}', criterion '{criterion.name}'",
                "source": f"social-value offer in tender '{record.name}': {quantity:g} over the agreement",
            })
    measures += [dict(k, kind="kpi") for k in kpis]
    return {
        "title": record.name, "type": "contract", "provider": provider, "body": body, "department": department,
        "start": first.isoformat(), "end": last.isoformat(), "values": dict(values), "award_route": "tender",
        "award_detail": f"Awarded to {bidder}", "tender_id": tender_id, "tender_name": record.name,
        "tender_bidder": bidder, "reporting": reporting, "outcomes": outcomes, "measures": measures,
    }


def provider_candidates(db: store.Database, name: str, limit: int = 5) -> list[tuple[str, str]]:
    """Directory organisations a bidder's or recipient's name may be: (org-id, name), the
    exact match of the normalised name first, then by how many of its words they share."""
    key = normalise_name(name)
    words = {w for w in key.split() if len(w) >= 4} or set(key.split())
    if not words:
        return []
    patterns = {f"word{n}": f"%{w}%" for n, w in enumerate(sorted(words))}
    clause = " OR ".join(f"lower(name) LIKE lower(:{key})" for key in patterns)
    rows = db.execute(f"SELECT org_id, name FROM organisations WHERE org_id IS NOT NULL AND ({clause}) "
                      "ORDER BY org_id LIMIT 2000", patterns).fetchall()
    shared = {(o, n): len(words & set(normalise_name(n).split())) for o, n in rows}
    ranked = sorted(shared, key=lambda row: (normalise_name(row[1]) != key, -shared[row], row[1]))
    return [row for row in ranked if shared[row]][:limit]


# --------------------------------------------------------------------------- imported spend

SUGGESTION_COLUMNS = ["key", "provider_org_id", "provider_name", "recipient", "authority", "department",
                      "funding_type", "payments", "first_year", "last_year", "total_pence"]
# Imported third-sector payments to a named recipient that are in no agreement yet.
_UNLINKED = ("FROM spend s LEFT JOIN agreement_spend l ON l.spend_id = s.id "
             "WHERE l.spend_id IS NULL AND s.third_sector = 1 AND s.recipient IS NOT NULL AND s.recipient <> ''")
# A provider's payments from one body and department by one funding type form a suggestion.
_PROVIDER_GROUP = ["provider_org_id", "provider_name", "authority", "department", "funding_type"]


def _providers(db: store.Database, recipients: set[tuple[str, str | None]]) -> dict[tuple[str, str | None], tuple[str, str]]:
    """The directory organisation (org-id, name) each (recipient, recipient_id) as paid is:
    by identifier, then by normalised name; recipients that are no directory organisation
    are left out."""
    names = {normalise_name(n): (o, n) for o, n in db.execute(
        "SELECT org_id, name FROM organisations WHERE org_id IS NOT NULL ORDER BY org_id").fetchall()}
    by_id = {o: n for o, n in names.values()}
    providers = {}
    for recipient, recipient_id in recipients:
        if recipient_id and recipient_id in by_id:
            providers[(recipient, recipient_id)] = (recipient_id, by_id[recipient_id])
        elif (match := names.get(normalise_name(recipient))) is not None:
            providers[(recipient, recipient_id)] = match
    return providers


def _payment_groups(db: store.Database) -> list[tuple]:
    """The unlinked payments grouped in SQL by recipient as paid (name and identifier), body,
    department and funding type, in order of each group's first payment (id): (recipient,
    recipient_id, authority, department, funding_type, payments, first year, last year, total
    in pence, first id, provider's org-id, provider's name). Groups paid to no directory
    organisation are left out."""
    rows = db.execute(
        "SELECT s.recipient, s.recipient_id, s.authority, s.department, s.funding_type, COUNT(*), "
        "MIN(s.financial_year), MAX(s.financial_year), SUM(s.amount_pence), MIN(s.id) " + _UNLINKED
        + " GROUP BY s.recipient, s.recipient_id, s.authority, s.department, s.funding_type").fetchall()
    providers = _providers(db, {row[:2] for row in rows})
    return sorted((row + providers[row[:2]] for row in rows if row[:2] in providers), key=lambda row: row[9])


def spend_suggestions(db: store.Database) -> pd.DataFrame:
    """Suggested agreements from imported third-sector payments not yet in one: a
    provider's payments from one body and department by one funding type, grouped. Columns
    as ``SUGGESTION_COLUMNS``; ``key`` identifies the group for ``form_from_spend``."""
    groups = pd.DataFrame(_payment_groups(db), columns=[
        "recipient", "recipient_id", "authority", "department", "funding_type", "payments", "first_year",
        "last_year", "total_pence", "first_id", "provider_org_id", "provider_name"])
    if groups.empty:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    # Groups in order of first payment: a provider's recipient is the one its first payment went to.
    grouped = groups.groupby(_PROVIDER_GROUP, as_index=False, dropna=False).agg(
        recipient=("recipient", "first"), payments=("payments", "sum"), first_year=("first_year", "min"),
        last_year=("last_year", "max"), total_pence=("total_pence", "sum"))
    grouped = grouped[grouped["total_pence"] > 0]
    grouped["key"] = [_key(r.provider_org_id, r.authority, r.department, r.funding_type)
                      for r in grouped.itertuples(index=False)]
    return grouped.sort_values(["total_pence", "key"], ascending=[False, True])[SUGGESTION_COLUMNS].reset_index(drop=True)


def _key(org_id: str, authority: str, department: str, funding_type: str) -> str:
    return " | ".join([org_id, authority, department or "", funding_type])


def _grouped_payments(db: store.Database, key: str) -> pd.DataFrame:
    """The unlinked payments in the suggestion ``key`` (in id order), each with its provider."""
    # (recipient, recipient_id, authority, department, funding_type) -> (org-id, name)
    providers = {group[:5]: group[10:] for group in _payment_groups(db)
                 if _key(group[10], group[2], group[3], group[4]) == key}
    rows = [] if not providers else db.execute(
        "SELECT s.id, s.financial_year, s.amount_pence, s.recipient, s.recipient_id, s.authority, s.department, "
        "s.funding_type " + _UNLINKED + " AND s.recipient IN :recipients AND s.authority IN :authorities "
        "ORDER BY s.id", {"recipients": sorted({g[0] for g in providers}),
                          "authorities": sorted({g[2] for g in providers})}).fetchall()
    payments = [row + providers[row[3:]] for row in rows if row[3:] in providers]
    return pd.DataFrame(payments, columns=["id", "financial_year", "amount_pence", "recipient", "recipient_id",
                                           "authority", "department", "funding_type", "provider_org_id",
                                           "provider_name"])


def form_from_spend(db: store.Database, key: str) -> tuple[dict, list[int]]:
    """The form for a suggested grouping (for the officer to check and confirm) and the ids
    of the payments it groups. Dates are the financial years the payments fall in; the
    value per year is what was paid."""
    payments = _grouped_payments(db, key)
    if payments.empty:
        raise DomainError("That grouping of payments is no longer available: they may already be in an agreement. "
                          "Reload the suggestions.")
    years = sorted(payments["financial_year"].unique())
    values = {y: f"{pence_to_pounds(int(p))}" for y, p in payments.groupby("financial_year")["amount_pence"].sum().items()}
    first = payments.iloc[0]
    kind = first["funding_type"]
    form = {
        "title": f"{first['provider_name']}: {first['department'] or first['authority']} {kind} {years[0]}"
                 + (f" to {years[-1]}" if len(years) > 1 else ""),
        "type": kind, "provider": first["provider_org_id"], "body": first["authority"],
        "department": first["department"] or "", "start": f"{years[0][:4]}-04-01",
        "end": f"{int(years[-1][:4]) + 1}-03-31", "values": values,
        "award_route": "grant_round" if kind == "grant" else "direct_award",
        "award_detail": "Grouped from imported spend: confirm how it was awarded",
        "notes": f"Grouped from {len(payments)} imported payments to '{first['recipient']}'.",
    }
    return form, [int(i) for i in payments["id"]]

