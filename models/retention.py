"""Retention: how long audit entries and bid records are kept, and removing or anonymising
what is past it (``python -m models retention``).

The period is ``DASHBOARD_RETENTION_YEARS`` years (default 7, the usual period for
contract records) after a record's last change. Past it:

- **Audit entries** of a record (an organisation, an action, a tender, ...) whose latest
  entry is older than the cut-off are removed, all of that record's entries together.
- **Tenders** (the bid records) whose last change (set-up, bids, scores, moderation,
  declarations, award, clarifications or audit entry) is older than the cut-off are
  anonymised once: each evaluator becomes "Evaluator 1", "Evaluator 2", ... (the same
  number across that tender's scores, assignments and declarations), everyone else who
  acted on it "anonymised", and conflict-of-interest details and how a conflict was managed
  are removed. Bids, scores, their reasons and the award's figures are kept: the contract
  register and agreements rest on them.

Every run that removes or anonymises anything is itself one audit entry (entity
``retention``): the cut-off, counts and tender ids, never the names or emails removed."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field


from . import policy, store, versioned
from .errors import DomainError

RETENTION_ENV_VAR = "DASHBOARD_RETENTION_YEARS"
DEFAULT_RETENTION_YEARS = 7
MAX_RETENTION_YEARS = 100
ANONYMISED = "anonymised"
ENTITY = "retention"

# Where a tender's records say when they changed: (table, time columns).
TENDER_TIMES = (
    ("tenders", ("created_at", "updated_at", "locked_at")),
    ("tender_bids", ("updated_at",)),
    ("tender_explanations", ("updated_at",)),
    ("tender_scores", ("scored_at",)),
    ("tender_moderations", ("moderated_at",)),
    ("tender_assignments", ("assigned_at",)),
    ("tender_declarations", ("declared_at", "managed_at")),
    ("tender_moderation_opened", ("opened_at",)),
    ("tender_awards", ("pack_issued_at", "notice_published_on", "contract_entered_on")),
    ("tender_clarifications", ("recorded_at",)),
)
# Columns naming who acted on a tender (set to ANONYMISED), by table.
TENDER_PEOPLE = {
    "tenders": ("created_by", "updated_by", "locked_by"),
    "tender_bids": ("updated_by",),
    "tender_explanations": ("updated_by",),
    "tender_moderations": ("moderated_by",),
    "tender_assignments": ("assigned_by",),
    "tender_declarations": ("declared_by", "managed_by"),
    "tender_moderation_opened": ("opened_by",),
    "tender_awards": ("pack_issued_by",),
    "tender_clarifications": ("recorded_by",),
}
# Tables naming an evaluator (replaced by "Evaluator N").
EVALUATOR_TABLES = ("tender_scores", "tender_assignments", "tender_declarations")
TENDER_ENTITIES = ("tender", "tender conflict", "tender clarification")
_PLACEHOLDER = "\u2063retention#"  # an invisible separator no typed name starts with


def retention_years(value: str | int | None = None) -> int:
    """The retention period in whole years: ``value`` if given, else the environment
    variable ``DASHBOARD_RETENTION_YEARS``, else 7."""
    raw = os.environ.get(RETENTION_ENV_VAR, "") if value is None else value
    if raw in ("", None):
        return DEFAULT_RETENTION_YEARS
    try:
        years = int(str(raw).strip())
    except ValueError:
        years = -1
    if not 1 <= years <= MAX_RETENTION_YEARS:
        raise DomainError(f"Retention period {RETENTION_ENV_VAR}={raw!r}: give a whole number of years from 1 to "
                          f"{MAX_RETENTION_YEARS} (default {DEFAULT_RETENTION_YEARS}).")
    return years


def cutoff(today: dt.date, years: int) -> dt.date:
    """The day ``years`` years before ``today`` (29 February falls back to the 28th):
    a record last changed before this day is past retention."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


@dataclass
class RetentionPlan:
    """What is past retention on ``cutoff``: audit records (entity, record id, entries,
    last change) and tenders (id, name, last change) to anonymise."""

    years: int
    cutoff: dt.date
    audit_records: list[dict] = field(default_factory=list)
    tenders: list[dict] = field(default_factory=list)

    @property
    def audit_entries(self) -> int:
        return sum(r["entries"] for r in self.audit_records)

    @property
    def empty(self) -> bool:
        return not self.audit_records and not self.tenders

    def rows(self) -> list[dict]:
        """One row a record, for a table: what, which, last change, what happens."""
        return [
            {"what": "tender (bid record)", "record": f"{t['id']} {t['name']}", "last_change": t["last_change"][:10],
             "action": "anonymise"} for t in self.tenders
        ] + [
            {"what": f"audit entries: {r['entity']}", "record": r["entity_id"], "last_change": r["last_change"][:10],
             "action": f"remove {r['entries']}"} for r in self.audit_records
        ]


def _tender_last_changes(db: store.Database) -> dict[int, str]:
    """Each tender's last change (ISO text), from its tables and its audit entries (whose
    ids are "<tender id>" or "<tender id>/<evaluator or number>": read in Python, since
    casting such text to a number is an error on PostgreSQL)."""
    parts = [f"SELECT {'id' if table == 'tenders' else 'tender_id'} AS tender_id, {column} AS at FROM {table} WHERE {column} IS NOT NULL"
             for table, columns in TENDER_TIMES for column in columns]
    sql = f"SELECT tender_id, MAX(at) FROM ({' UNION ALL '.join(parts)}) AS changes GROUP BY tender_id"
    last = {int(tender_id): at for tender_id, at in db.execute(sql).fetchall()}
    for entity_id, at in db.execute(
            "SELECT entity_id, MAX(at) FROM audit_log WHERE entity IN :entities GROUP BY entity_id",
            {"entities": list(TENDER_ENTITIES)}).fetchall():
        tender_id = str(entity_id).split("/")[0]
        if tender_id.isdigit():
            last[int(tender_id)] = max(at, last.get(int(tender_id), at))
    return last


def plan(db: store.Database, *, years: int | None = None, today: dt.date | None = None) -> RetentionPlan:
    """What is past retention today (nothing is changed)."""
    years = retention_years(years)
    day = cutoff(today or dt.date.today(), years)
    limit = day.isoformat()
    tender_changes = _tender_last_changes(db)
    result = RetentionPlan(years=years, cutoff=day)
    names = dict(db.execute("SELECT id, name FROM tenders WHERE anonymised_at IS NULL").fetchall())
    result.tenders = [{"id": tender_id, "name": names[tender_id], "last_change": at}
                      for tender_id, at in sorted(tender_changes.items()) if tender_id in names and at < limit]
    for entity, entity_id, entries, last in db.execute(
        "SELECT entity, entity_id, COUNT(*), MAX(at) FROM audit_log WHERE entity != :retention GROUP BY entity, entity_id "
        "ORDER BY entity, entity_id", {"retention": ENTITY},
    ).fetchall():
        tender_id = entity_id.split("/")[0]  # a tender's conflict entries are "<tender id>/<evaluator>"
        if entity in TENDER_ENTITIES and tender_id.isdigit():
            last = max(last, tender_changes.get(int(tender_id), last))
        if last < limit:
            result.audit_records.append({"entity": entity, "entity_id": entity_id, "entries": entries, "last_change": last})
    # The log of retention runs is kept for the period too, counted from each run.
    for entity_id, entries, last in db.execute(
        "SELECT entity_id, COUNT(*), MAX(at) FROM audit_log WHERE entity = :retention GROUP BY entity_id", {"retention": ENTITY}
    ).fetchall():
        if last < limit:
            result.audit_records.append({"entity": ENTITY, "entity_id": entity_id, "entries": entries, "last_change": last})
    return result


def _anonymise_tender(db: store.Database, tender_id: int, stamp: str) -> None:
    evaluators = sorted({row[0] for table in EVALUATOR_TABLES
                         for row in db.execute(f"SELECT evaluator FROM {table} WHERE tender_id = :tender_id",
                                               {"tender_id": tender_id})})
    # Two steps, through names no evaluator has, so an evaluator once typed as "Evaluator 2"
    # never collides with the number another is given.
    for number, evaluator in enumerate(evaluators, start=1):
        for table in EVALUATOR_TABLES:
            db.execute(f"UPDATE {table} SET evaluator = :placeholder WHERE tender_id = :tender_id AND evaluator = :evaluator",
                       {"placeholder": f"{_PLACEHOLDER}{number}", "tender_id": tender_id, "evaluator": evaluator})
    for number in range(1, len(evaluators) + 1):
        for table in EVALUATOR_TABLES:
            db.execute(f"UPDATE {table} SET evaluator = :anonymous WHERE tender_id = :tender_id AND evaluator = :placeholder",
                       {"anonymous": f"Evaluator {number}", "tender_id": tender_id, "placeholder": f"{_PLACEHOLDER}{number}"})
    for table, columns in TENDER_PEOPLE.items():
        key = "id" if table == "tenders" else "tender_id"
        sets = ", ".join(f"{c} = CASE WHEN {c} IS NULL THEN NULL ELSE :anonymised END" for c in columns)
        db.execute(f"UPDATE {table} SET {sets} WHERE {key} = :tender_id", {"anonymised": ANONYMISED, "tender_id": tender_id})
    db.execute("UPDATE tender_declarations SET details = '', managed_how = CASE WHEN managed_how IS NULL THEN NULL "
               "ELSE 'removed under the retention period' END WHERE tender_id = :tender_id", {"tender_id": tender_id})
    db.execute("UPDATE tenders SET anonymised_at = :stamp WHERE id = :tender_id", {"stamp": stamp, "tender_id": tender_id})


def apply(db: store.Database, *, actor: policy.Actor, years: int | None = None,
          today: dt.date | None = None) -> RetentionPlan:
    """Remove the audit entries and anonymise the tenders past retention, in one
    transaction, and record the run in the audit log (counts and tender ids only).
    Returns what was done (an empty plan: nothing was past it, nothing written)."""
    policy.require(actor, "retention.apply")
    with store.transaction(db):
        done = plan(db, years=years, today=today)  # read inside the write: nothing slips in between
        if done.empty:
            return done
        stamp = store.now_iso()
        for tender in done.tenders:
            _anonymise_tender(db, tender["id"], stamp)
        by_kind: dict[str, int] = {}
        for record in done.audit_records:
            db.execute("DELETE FROM audit_log WHERE entity = :entity AND entity_id = :entity_id",
                       {"entity": record["entity"], "entity_id": record["entity_id"]})
            by_kind[record["entity"]] = by_kind.get(record["entity"], 0) + record["entries"]
        versioned.record_audit(
            db, entity=ENTITY, entity_id=done.cutoff.isoformat(), action="records past retention removed or anonymised",
            who=actor.label,
            after={"retention_years": done.years, "last_changed_before": done.cutoff.isoformat(),
                   "audit_entries_removed": done.audit_entries, "audit_entries_removed_by_kind": by_kind,
                   "audit_records": len(done.audit_records), "tenders_anonymised": [t["id"] for t in done.tenders]},
        )
    return done
