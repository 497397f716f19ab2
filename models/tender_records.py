"""Stored tenders: set-up, evaluators' scores with reasons, moderation, locking and the
audit trail. The scoring itself is ``models.tender`` (pure); this module only keeps the
record, so that every score change says who made it, when, and why.

A tender's set-up is the scenario JSON without the judged scores (criteria, and each bid's
price, pass/fail results and social value quantities). Once the first score is recorded
the criteria are locked: changing them afterwards needs a reason, kept in the audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlite_utils

from . import store, tender
from .errors import ScenarioError

ENTITY = "tender"
SETUP_FIELDS = ("name", "description", "fictional", "weight_spread", "seed", "criteria", "bids")


@dataclass(frozen=True)
class TenderRecord:
    id: int
    name: str
    setup: dict
    created_at: str
    created_by: str | None
    locked_at: str | None
    locked_by: str | None

    @property
    def locked(self) -> bool:
        return self.locked_at is not None

    @property
    def criteria(self) -> tuple[tender.Criterion, ...]:
        return tender.parse_scenario(self.setup, setup_only=True).criteria

    @property
    def judged_criteria(self) -> tuple[tender.Criterion, ...]:
        """The criteria evaluators score (quality, social value without proxies)."""
        return tuple(c for c in self.criteria if c.is_judged)

    @property
    def bidders(self) -> list[str]:
        return [b["bidder"] for b in self.setup.get("bids") or []]


def _clean_setup(body: dict) -> dict:
    """The set-up part of a scenario: judged scores removed from the bids."""
    setup = {k: body[k] for k in SETUP_FIELDS if k in body}
    judged = {c.id for c in tender.parse_scenario({**setup, "bids": []}, setup_only=True).criteria if c.is_judged}
    setup["bids"] = [
        {**bid, "scores": {k: v for k, v in (bid.get("scores") or {}).items() if k not in judged}}
        for bid in body.get("bids") or []
    ]
    return setup


def _check_setup(setup: dict) -> None:
    """Raise ScenarioError unless the set-up is valid (criteria, bids' prices and gates)."""
    tender.parse_scenario(setup, setup_only=True)


def _who(who: str | None) -> str:
    who = (who or "").strip()
    if not who:
        raise ScenarioError("Say who you are (your name) before changing a tender: the audit log records it")
    return who


def create_tender(db: sqlite_utils.Database, setup: dict, *, who: str) -> int:
    """Store a new tender from its set-up; returns its id. The name must be new."""
    who = _who(who)
    name = str(setup.get("name") or "").strip()
    if not name:
        raise ScenarioError("Give the tender a name")
    setup = {**_clean_setup(setup), "name": name}
    _check_setup(setup)
    if db.execute("SELECT 1 FROM tenders WHERE name = ?", [name]).fetchone():
        raise ScenarioError(f"A tender called '{name}' already exists; choose another name")
    with store.transaction(db):
        stamp = store.now_iso()
        table = db["tenders"]
        table.insert({"name": name, "setup_json": json.dumps(setup, ensure_ascii=False), "created_at": stamp,
                      "created_by": who, "updated_at": stamp, "locked_at": None, "locked_by": None})
        tender_id = table.last_pk
        store.record_audit(db, entity=ENTITY, entity_id=tender_id, action="created", who=who, after=setup)
    return tender_id


def import_scenario(db: sqlite_utils.Database, body: dict, *, who: str, name: str | None = None) -> int:
    """A new tender from a scenario (e.g. a saved file, finished or still being scored):
    the set-up, each evaluator's score and reason, and each agreed score. All or nothing."""
    who = _who(who)
    scenario = tender.parse_scenario(body, setup_only=True)
    with store.transaction(db):
        tender_id = create_tender(db, {**body, "name": name or body.get("name")}, who=who)
        for bid in scenario.bids:
            for criterion in scenario.criteria:
                score = bid.scores.get(criterion.id)
                if not criterion.is_judged or score is None:
                    continue
                for evaluator, (value, reason) in score.evaluators.items():
                    record_score(db, tender_id, bid.bidder, criterion.id, evaluator=evaluator, score=value,
                                 reason=reason or "(no reason given in the imported file)", who=who)
                if score.value is not None:
                    record_moderation(db, tender_id, bid.bidder, criterion.id, score=score.value,
                                      reason=score.reason or "(no reason given in the imported file)", who=who)
    return tender_id


def list_tenders(db: sqlite_utils.Database) -> list[TenderRecord]:
    """Every stored tender, newest first."""
    return [_record(row) for row in db.query("SELECT * FROM tenders ORDER BY created_at DESC, id DESC")]


def get_tender(db: sqlite_utils.Database, tender_id: int) -> TenderRecord:
    rows = list(db.query("SELECT * FROM tenders WHERE id = ?", [tender_id]))
    if not rows:
        raise ScenarioError(f"No tender with id {tender_id}")
    return _record(rows[0])


def _record(row: dict) -> TenderRecord:
    return TenderRecord(
        id=row["id"], name=row["name"], setup=json.loads(row["setup_json"]), created_at=row["created_at"],
        created_by=row["created_by"], locked_at=row["locked_at"], locked_by=row["locked_by"],
    )


def _write_setup(db, record: TenderRecord, setup: dict, *, who: str, action: str, reason: str | None) -> None:
    _check_setup(setup)
    with store.transaction(db):
        db["tenders"].update(record.id, {"setup_json": json.dumps(setup, ensure_ascii=False), "updated_at": store.now_iso()})
        store.record_audit(db, entity=ENTITY, entity_id=record.id, action=action, who=who,
                           before=record.setup, after=setup, reason=reason or None)


def update_criteria(db: sqlite_utils.Database, tender_id: int, criteria: list[dict], *, who: str, reason: str = "") -> None:
    """Replace the tender's criteria. After scoring has started the criteria are locked:
    a change needs a reason (kept in the audit log)."""
    who = _who(who)
    record = get_tender(db, tender_id)
    if criteria == record.setup.get("criteria"):
        return
    if record.locked and not (reason or "").strip():
        raise ScenarioError(
            f"Scoring started on {record.locked_at[:10]}, so the criteria are locked. Give a reason for "
            "changing them: it is kept in the audit log with your name."
        )
    _write_setup(db, record, {**record.setup, "criteria": criteria}, who=who,
                 action="criteria changed after scoring started" if record.locked else "criteria changed", reason=reason)


def save_bid(db: sqlite_utils.Database, tender_id: int, bid: dict, *, who: str, reason: str = "") -> None:
    """Add a bid, or replace the bid of the same bidder (price, pass/fail results, social
    value quantities). After scoring has started a change to an existing bid needs a reason."""
    who = _who(who)
    record = get_tender(db, tender_id)
    bidder = str(bid.get("bidder") or "").strip()
    if not bidder:
        raise ScenarioError("Give the bidder's name")
    bid = {**bid, "bidder": bidder}
    bids = list(record.setup.get("bids") or [])
    existing = [i for i, b in enumerate(bids) if b["bidder"] == bidder]
    if existing:
        if record.locked and not (reason or "").strip():
            raise ScenarioError(f"Scoring has started: give a reason for changing {bidder}'s bid")
        bids[existing[0]] = bid
    else:
        bids.append(bid)
    _write_setup(db, record, {**record.setup, "bids": bids}, who=who,
                 action="bid changed" if existing else "bid added", reason=reason)


def record_explanation(db: sqlite_utils.Database, tender_id: int, bidder: str, explanation: str, *, who: str) -> None:
    """Record the bidder's explanation of an abnormally low price."""
    who = _who(who)
    explanation = (explanation or "").strip()
    if not explanation:
        raise ScenarioError(f"Write {bidder}'s explanation of the price before saving it")
    record = get_tender(db, tender_id)
    bids = [dict(b, low_price_explanation=explanation) if b["bidder"] == bidder else b for b in record.setup.get("bids") or []]
    if bidder not in record.bidders:
        raise ScenarioError(f"No bid from '{bidder}' in this tender")
    _write_setup(db, record, {**record.setup, "bids": bids}, who=who, action="low price explanation recorded", reason=None)


def _judged(record: TenderRecord, bidder: str, criterion_id: str) -> tender.Criterion:
    if bidder not in record.bidders:
        raise ScenarioError(f"No bid from '{bidder}' in tender '{record.name}'")
    for criterion in record.judged_criteria:
        if criterion.id == criterion_id:
            return criterion
    raise ScenarioError(f"Criterion '{criterion_id}' is not scored by evaluators in tender '{record.name}'")


def _check_score(criterion: tender.Criterion, bidder: str, score: Any, reason: str) -> float:
    where = f"Bid '{bidder}', criterion '{criterion.id}'"
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 <= score <= criterion.max_score:
        raise ScenarioError(f"{where}: the score must be between 0 and {criterion.max_score:g}, not {score!r}")
    if not (reason or "").strip():
        raise ScenarioError(f"{where}: write the reason for the score; an unexplained score cannot be defended")
    return float(score)


def record_score(db: sqlite_utils.Database, tender_id: int, bidder: str, criterion_id: str, *,
                 evaluator: str, score: float, reason: str, who: str) -> bool:
    """Record (or change) one evaluator's score with its reason; locks the criteria on the
    first score. Returns True when the reason only repeats the descriptor (flag it)."""
    who, evaluator = _who(who), _who(evaluator)
    record = get_tender(db, tender_id)
    criterion = _judged(record, bidder, criterion_id)
    value = _check_score(criterion, bidder, score, reason)
    key = {"tender_id": tender_id, "bidder": bidder, "criterion_id": criterion_id, "evaluator": evaluator}
    before = _one(db, "tender_scores", key)
    after = {**key, "score": value, "reason": reason.strip()}
    if before and before["score"] == value and before["reason"] == after["reason"]:
        return tender.reason_repeats_descriptor(reason, criterion.descriptors)
    with store.transaction(db):
        db.execute(
            "INSERT INTO tender_scores (tender_id, bidder, criterion_id, evaluator, score, reason, scored_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tender_id, bidder, criterion_id, evaluator) "
            "DO UPDATE SET score = excluded.score, reason = excluded.reason, scored_at = excluded.scored_at",
            [tender_id, bidder, criterion_id, evaluator, value, after["reason"], store.now_iso()],
        )
        if not record.locked:
            db["tenders"].update(tender_id, {"locked_at": store.now_iso(), "locked_by": who})
            store.record_audit(db, entity=ENTITY, entity_id=tender_id, action="criteria locked (scoring started)", who=who)
        store.record_audit(db, entity=ENTITY, entity_id=tender_id, action="score changed" if before else "score recorded",
                           who=who, before=_shown(before), after=_shown(after))
    return tender.reason_repeats_descriptor(reason, criterion.descriptors)


def record_scores(db: sqlite_utils.Database, tender_id: int, bidder: str, entries: dict[str, tuple[Any, str]], *,
                  evaluator: str, who: str) -> list[str]:
    """One evaluator's scores for one bid, ``{criterion id: (score, reason)}``, all or
    nothing. Returns the names of criteria whose reason only repeats the descriptor."""
    record = get_tender(db, tender_id)
    names = {c.id: c.name for c in record.judged_criteria}
    weak = []
    with store.transaction(db):
        for criterion_id, (score, reason) in entries.items():
            if score is None:
                raise ScenarioError(f"Bid '{bidder}', criterion '{criterion_id}': choose a score for {names.get(criterion_id, criterion_id)}")
            if record_score(db, tender_id, bidder, criterion_id, evaluator=evaluator, score=score, reason=reason, who=who):
                weak.append(names[criterion_id])
    return weak


def record_moderation(db: sqlite_utils.Database, tender_id: int, bidder: str, criterion_id: str, *,
                      score: float, reason: str, who: str) -> bool:
    """Record (or change) the agreed score after moderation, with its reason. Returns True
    when the reason only repeats the descriptor."""
    who = _who(who)
    record = get_tender(db, tender_id)
    criterion = _judged(record, bidder, criterion_id)
    value = _check_score(criterion, bidder, score, reason)
    key = {"tender_id": tender_id, "bidder": bidder, "criterion_id": criterion_id}
    before = _one(db, "tender_moderations", key)
    after = {**key, "score": value, "reason": reason.strip()}
    if before and before["score"] == value and before["reason"] == after["reason"]:
        return tender.reason_repeats_descriptor(reason, criterion.descriptors)
    with store.transaction(db):
        db.execute(
            "INSERT INTO tender_moderations (tender_id, bidder, criterion_id, score, reason, moderated_by, moderated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tender_id, bidder, criterion_id) "
            "DO UPDATE SET score = excluded.score, reason = excluded.reason, moderated_by = excluded.moderated_by, "
            "moderated_at = excluded.moderated_at",
            [tender_id, bidder, criterion_id, value, after["reason"], who, store.now_iso()],
        )
        store.record_audit(db, entity=ENTITY, entity_id=tender_id, action="moderated score changed" if before else "moderated score agreed",
                           who=who, before=_shown(before), after=_shown(after))
    return tender.reason_repeats_descriptor(reason, criterion.descriptors)


def _one(db, table: str, key: dict) -> dict | None:
    where = " AND ".join(f"{k} = ?" for k in key)
    rows = list(db.query(f"SELECT * FROM {table} WHERE {where}", list(key.values())))
    return rows[0] if rows else None


def _shown(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {k: row[k] for k in ("bidder", "criterion_id", "evaluator", "score", "reason") if k in row}


def evaluator_scores(db: sqlite_utils.Database, tender_id: int) -> pd.DataFrame:
    """Every evaluator's score: bidder, criterion, evaluator, score, reason, scored_at."""
    rows = db.query(
        "SELECT bidder, criterion_id AS criterion, evaluator, score, reason, scored_at FROM tender_scores "
        "WHERE tender_id = ? ORDER BY id", [tender_id])
    return pd.DataFrame(list(rows), columns=["bidder", "criterion", "evaluator", "score", "reason", "scored_at"])


def moderations(db: sqlite_utils.Database, tender_id: int) -> pd.DataFrame:
    """The agreed scores: bidder, criterion, score, reason, moderated_by, moderated_at."""
    rows = db.query(
        "SELECT bidder, criterion_id AS criterion, score, reason, moderated_by, moderated_at FROM tender_moderations "
        "WHERE tender_id = ? ORDER BY id", [tender_id])
    return pd.DataFrame(list(rows), columns=["bidder", "criterion", "score", "reason", "moderated_by", "moderated_at"])


def moderation_table(db: sqlite_utils.Database, tender_id: int) -> pd.DataFrame:
    """For every bid and judged criterion: the evaluators' scores, their spread, whether
    they disagree by 2 points or more, and the agreed score and reason if recorded."""
    record = get_tender(db, tender_id)
    pairs = pd.DataFrame(
        [(b, c.id, c.name) for b in record.bidders for c in record.judged_criteria],
        columns=["bidder", "criterion", "criterion_name"],
    )
    scores = evaluator_scores(db, tender_id)
    spread = tender.moderation_spread(scores[["bidder", "criterion", "evaluator", "score"]])
    listed = (
        scores.assign(entry=scores["evaluator"] + ": " + scores["score"].map("{:g}".format))
        .groupby(["bidder", "criterion"])["entry"].agg("; ".join).rename("scores").reset_index()
        if not scores.empty else pd.DataFrame(columns=["bidder", "criterion", "scores"])
    )
    agreed = moderations(db, tender_id)[["bidder", "criterion", "score", "reason"]].rename(
        columns={"score": "agreed_score", "reason": "agreed_reason"})
    table = pairs.merge(listed, how="left").merge(spread, how="left").merge(agreed, how="left")
    table["evaluators"] = table["evaluators"].fillna(0).astype(int)
    table["disagreement"] = table["disagreement"].astype("boolean").fillna(False).astype(bool)
    return table


def unmoderated(db: sqlite_utils.Database, tender_id: int) -> list[tuple[str, str]]:
    """(bidder, criterion id) pairs still without an agreed score."""
    table = moderation_table(db, tender_id)
    return list(table.loc[table["agreed_score"].isna(), ["bidder", "criterion"]].itertuples(index=False, name=None))


def scenario_body(db: sqlite_utils.Database, tender_id: int) -> dict:
    """The complete scenario JSON of a stored tender: its set-up plus, for every judged
    score, the evaluators' scores and reasons and the moderated score and reason."""
    record = get_tender(db, tender_id)
    scores = evaluator_scores(db, tender_id)
    agreed = {(r.bidder, r.criterion): r for r in moderations(db, tender_id).itertuples(index=False)}
    bids = []
    for bid in record.setup.get("bids") or []:
        judged = {}
        for criterion in record.judged_criteria:
            mine = scores[(scores["bidder"] == bid["bidder"]) & (scores["criterion"] == criterion.id)]
            entry: dict[str, Any] = {"evaluators": {r.evaluator: {"score": r.score, "reason": r.reason} for r in mine.itertuples(index=False)}}
            moderated = agreed.get((bid["bidder"], criterion.id))
            if moderated is not None:
                entry.update(moderated=moderated.score, reason=moderated.reason)
            if moderated is not None or entry["evaluators"]:  # nothing yet: left out (the score is missing)
                judged[criterion.id] = entry
        bids.append({**bid, "scores": {**(bid.get("scores") or {}), **judged}})
    return {**record.setup, "bids": bids}


def audit(db: sqlite_utils.Database, tender_id: int) -> list[dict]:
    """The tender's audit log, newest first."""
    return store.audit_entries(db, ENTITY, tender_id)
