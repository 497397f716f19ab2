"""Stored tenders: set-up, bids, evaluators' scores with reasons, moderation, locking and
the audit trail. The scoring itself is ``models.tender`` (pure); this module only keeps the
record, so that every change says who made it, when, and why.

Many people work on one tender at once, so each thing a person saves is a row of its
own with a version (migration 060):

- ``tenders``: the set-up document (name, criteria, weight spread: the scenario JSON
  without bids) and its ``version``;
- ``tender_bids``: one row a bid (price, pass/fail results, social value quantities);
- ``tender_explanations``: one row a bidder's explanation of an abnormally low price;
- ``tender_scores``: one row per evaluator, bid and judged criterion;
- ``tender_moderations``: one row per bid and judged criterion (the agreed score).

Every write runs in one ``store.transaction`` (BEGIN IMMEDIATE): the checks it depends on
(the bid exists, the criteria are locked, the current version) and the audit log's
"before" values are read inside it. Each write takes ``expected_version``, the version
the person opened (0 = they saw no record, e.g. a new bid or a first agreed score;
None = no check, for loading a whole scenario file); a stale save raises
``errors.StaleEdit`` saying what changed, by whom and when. ``TenderRecord`` carries the
versions a page needs (``version``, ``bid_versions``, ``explanation_versions``); scores and
agreed scores carry theirs in the ``version`` column of ``evaluator_scores`` and
``moderations``.

Once the first score is recorded the criteria are locked: changing them afterwards needs
a reason, kept in the audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import policy, store, tender, tender_access, versioned
from .errors import ScenarioError

ENTITY = "tender"
SETUP_FIELDS = ("name", "description", "fictional", "weight_spread", "seed", "criteria")


@dataclass(frozen=True)
class TenderRecord:
    id: int
    name: str
    setup: dict
    created_at: str
    created_by: str | None
    locked_at: str | None
    locked_by: str | None
    version: int = 1
    bid_versions: dict = field(default_factory=dict)  # bidder -> version of the bid row
    explanation_versions: dict = field(default_factory=dict)  # bidder -> version (absent: none yet)

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


def _actor(actor: policy.Actor | None, who: str | None) -> policy.Actor:
    """The actor; ``who`` (a typed name) is the older way to say it, kept for callers
    not yet passing an actor. Without sign-in a name is needed: the audit log records it."""
    if actor is None:
        actor = policy.local_actor(who or "")
    if not actor.signed_in and not actor.name.strip():
        raise ScenarioError("Say who you are (your name) before changing a tender: the audit log records it")
    return actor


def create_tender(db: store.Database, setup: dict, *, who: str | None = None,
                  actor: policy.Actor | None = None) -> int:
    """Store a new tender from its set-up (criteria, and any bids); returns its id. The
    name must be new (checked inside the transaction that stores it)."""
    actor = _actor(actor, who)
    policy.require(actor, "tender.create")
    name = str(setup.get("name") or "").strip()
    if not name:
        raise ScenarioError("Give the tender a name")
    setup = {**_clean_setup(setup), "name": name}
    _check_setup(setup)
    document = {k: v for k, v in setup.items() if k != "bids"}
    with store.transaction(db):
        if db.execute("SELECT 1 FROM tenders WHERE name = :name", {"name": name}).fetchone():
            raise ScenarioError(f"A tender called '{name}' already exists; choose another name")
        stamp = store.now_iso()
        table = db["tenders"]
        table.insert({"name": name, "setup_json": json.dumps(document, ensure_ascii=False), "created_at": stamp,
                      "created_by": actor.label, "updated_at": stamp, "updated_by": actor.label,
                      "locked_at": None, "locked_by": None})
        tender_id = table.last_pk
        for position, bid in enumerate(setup["bids"]):
            _insert_bid(db, tender_id, position, bid, actor.label, stamp)
        versioned.record_audit(db, entity=ENTITY, entity_id=tender_id, action="created", who=actor.label, after=setup)
    return tender_id


def _insert_bid(db, tender_id: int, position: int, bid: dict, who: str, stamp: str) -> None:
    db["tender_bids"].insert({"tender_id": tender_id, "bidder": bid["bidder"], "position": position,
                              "bid_json": _bid_json(bid), "updated_by": who, "updated_at": stamp})
    explanation = str(bid.get("low_price_explanation") or "").strip()
    if explanation:
        db["tender_explanations"].insert({"tender_id": tender_id, "bidder": bid["bidder"], "explanation": explanation,
                                          "updated_by": who, "updated_at": stamp})


def _bid_json(bid: dict) -> str:
    return json.dumps({k: v for k, v in bid.items() if k != "low_price_explanation"}, ensure_ascii=False)


def import_scenario(db: store.Database, body: dict, *, who: str | None = None, name: str | None = None,
                    actor: policy.Actor | None = None) -> int:
    """A new tender from a scenario (e.g. a saved file, finished or still being scored):
    the set-up, each evaluator's score and reason, and each agreed score. All or nothing."""
    actor = _actor(actor, who)
    scenario = tender.parse_scenario(body, setup_only=True)
    with store.transaction(db):
        tender_id = create_tender(db, {**body, "name": name or body.get("name")}, actor=actor)
        for bid in scenario.bids:
            for criterion in scenario.criteria:
                score = bid.scores.get(criterion.id)
                if not criterion.is_judged or score is None:
                    continue
                for evaluator, (value, reason) in score.evaluators.items():
                    record_score(db, tender_id, bid.bidder, criterion.id, evaluator=evaluator, score=value,
                                 reason=reason or "(no reason given in the imported file)", actor=actor)
                if score.value is not None:
                    record_moderation(db, tender_id, bid.bidder, criterion.id, score=score.value,
                                      reason=score.reason or "(no reason given in the imported file)", actor=actor)
    return tender_id


def list_tenders(db: store.Database) -> list[TenderRecord]:
    """Every stored tender, newest first."""
    rows = list(db.query("SELECT * FROM tenders ORDER BY created_at DESC, id DESC"))
    bids = _bids(db)
    return [_record(row, bids.get(row["id"], [])) for row in rows]


def get_tender(db: store.Database, tender_id: int) -> TenderRecord:
    """One tender with its bids (and their explanations). Inside a transaction this is
    the state the write will change."""
    rows = list(db.query("SELECT * FROM tenders WHERE id = :tender_id", {"tender_id": tender_id}))
    if not rows:
        raise ScenarioError(f"No tender with id {tender_id}")
    return _record(rows[0], _bids(db, tender_id).get(tender_id, []))


def _bids(db, tender_id: int | None = None) -> dict[int, list[dict]]:
    """{tender id: its bid rows in the order added}, each with its explanation if any."""
    sql = (
        "SELECT b.tender_id, b.bidder, b.bid_json, b.version, e.explanation, e.version AS explanation_version "
        "FROM tender_bids b LEFT JOIN tender_explanations e ON e.tender_id = b.tender_id AND e.bidder = b.bidder"
    )
    params: dict = {}
    if tender_id is not None:
        sql += " WHERE b.tender_id = :tender_id"
        params["tender_id"] = tender_id
    found: dict[int, list[dict]] = {}
    for row in db.query(sql + " ORDER BY b.tender_id, b.position, b.id", params):
        found.setdefault(row["tender_id"], []).append(row)
    return found


def _record(row: dict, bid_rows: list[dict]) -> TenderRecord:
    bids = []
    for bid in bid_rows:
        item = json.loads(bid["bid_json"])
        if bid["explanation"] is not None:
            item["low_price_explanation"] = bid["explanation"]
        bids.append(item)
    setup = {**json.loads(row["setup_json"]), "bids": bids}
    return TenderRecord(
        id=row["id"], name=row["name"], setup=setup, created_at=row["created_at"],
        created_by=row["created_by"], locked_at=row["locked_at"], locked_by=row["locked_by"],
        version=row["version"],
        bid_versions={b["bidder"]: b["version"] for b in bid_rows},
        explanation_versions={b["bidder"]: b["explanation_version"] for b in bid_rows if b["explanation_version"] is not None},
    )


def update_criteria(db: store.Database, tender_id: int, criteria: list[dict], *, who: str | None = None,
                    reason: str = "", actor: policy.Actor | None = None, expected_version: int | None = None) -> None:
    """Replace the tender's criteria. After scoring has started the criteria are locked:
    a change needs a reason (kept in the audit log). ``expected_version``: the tender's
    version when the person opened it (``TenderRecord.version``)."""
    actor = _actor(actor, who)
    with store.transaction(db):
        record = get_tender(db, tender_id)
        policy.require(actor, "tender.edit", {**tender_access.policy_record(db, tender_id), "locked": record.locked})
        versioned.check_version(db, "tenders", {"id": tender_id}, expected_version, {"criteria": criteria},
                            entity=ENTITY, label=f"The set-up of tender '{record.name}'", entity_id=tender_id,
                            changed_by=("updated_by", "updated_at"))
        if criteria == record.setup.get("criteria"):
            return
        if record.locked and not (reason or "").strip():
            raise ScenarioError(
                f"Scoring started on {record.locked_at[:10]}, so the criteria are locked. Give a reason for "
                "changing them: it is kept in the audit log with your name."
            )
        setup = {**record.setup, "criteria": criteria}
        _check_setup(setup)
        document = {k: v for k, v in setup.items() if k != "bids"}
        db.execute(
            "UPDATE tenders SET setup_json = :setup_json, updated_at = :updated_at, updated_by = :updated_by, "
            "version = version + 1 WHERE id = :tender_id",
            {"setup_json": json.dumps(document, ensure_ascii=False), "updated_at": store.now_iso(), "updated_by": actor.label,
             "tender_id": tender_id})
        versioned.record_audit(db, entity=ENTITY, entity_id=tender_id, who=actor.label, reason=(reason or "").strip() or None,
                           action="criteria changed after scoring started" if record.locked else "criteria changed",
                           before={k: v for k, v in record.setup.items() if k != "bids"}, after=document)


def save_bid(db: store.Database, tender_id: int, bid: dict, *, who: str | None = None, reason: str = "",
             actor: policy.Actor | None = None, expected_version: int | None = None) -> None:
    """Add a bid, or replace the bid of the same bidder (price, pass/fail results, social
    value quantities). After scoring has started a change to an existing bid needs a reason.
    ``expected_version``: the bid's version when the person opened it
    (``TenderRecord.bid_versions``), 0 for a new bid; a bid saved meanwhile by someone else
    under the same name is then refused, not overwritten."""
    actor = _actor(actor, who)
    bidder = str(bid.get("bidder") or "").strip()
    if not bidder:
        raise ScenarioError("Give the bidder's name")
    bid = {**bid, "bidder": bidder}
    explanation = bid.pop("low_price_explanation", None)
    with store.transaction(db):
        record = get_tender(db, tender_id)
        policy.require(actor, "tender.edit", {**tender_access.policy_record(db, tender_id), "locked": record.locked})
        bids = list(record.setup.get("bids") or [])
        existing = [i for i, b in enumerate(bids) if b["bidder"] == bidder]
        if existing and record.locked and not (reason or "").strip():
            versioned.check_version(db, "tender_bids", {"tender_id": tender_id, "bidder": bidder}, expected_version,
                                {"bid_json": _bid_json(bid)}, entity=ENTITY, label=f"The bid from {bidder}", entity_id=tender_id,
                                changed_by=("updated_by", "updated_at"))
            raise ScenarioError(f"Scoring has started: give a reason for changing {bidder}'s bid")
        if existing:
            bids[existing[0]] = bid
        else:
            bids.append(bid)
        _check_setup({**record.setup, "bids": bids})
        position = db.execute("SELECT COALESCE(MAX(position) + 1, 0) FROM tender_bids WHERE tender_id = :tender_id",
                              {"tender_id": tender_id}).fetchone()[0]
        versioned.save_versioned(
            db, "tender_bids", {"tender_id": tender_id, "bidder": bidder}, expected_version, {"bid_json": _bid_json(bid)},
            entity=ENTITY, label=f"The bid from {bidder}", entity_id=tender_id, who=actor.label, reason=(reason or "").strip() or None,
            action="bid changed", added_action="bid added", changed_by=("updated_by", "updated_at"),
            stamp={"updated_by": actor.label, "updated_at": store.now_iso(),
                   **({} if existing else {"position": position})},
            audit_view=_shown_bid,
        )
        if explanation and str(explanation).strip():
            record_explanation(db, tender_id, bidder, str(explanation), actor=actor)


def _shown_bid(row: dict | None) -> dict | None:
    return None if row is None else json.loads(row["bid_json"])


def record_explanation(db: store.Database, tender_id: int, bidder: str, explanation: str, *,
                       who: str | None = None, actor: policy.Actor | None = None,
                       expected_version: int | None = None) -> None:
    """Record the bidder's explanation of an abnormally low price. ``expected_version``:
    the explanation's version when the person opened it (``TenderRecord.explanation_versions``,
    0 when there was none)."""
    actor = _actor(actor, who)
    explanation = (explanation or "").strip()
    if not explanation:
        raise ScenarioError(f"Write {bidder}'s explanation of the price before saving it")
    with store.transaction(db):
        record = get_tender(db, tender_id)
        policy.require(actor, "tender.edit", {**tender_access.policy_record(db, tender_id), "locked": record.locked})
        if bidder not in record.bidders:
            raise ScenarioError(f"No bid from '{bidder}' in this tender")
        versioned.save_versioned(
            db, "tender_explanations", {"tender_id": tender_id, "bidder": bidder}, expected_version,
            {"explanation": explanation}, entity=ENTITY, label=f"{bidder}'s explanation of the price", entity_id=tender_id,
            who=actor.label, action="low price explanation changed", added_action="low price explanation recorded",
            changed_by=("updated_by", "updated_at"), stamp={"updated_by": actor.label, "updated_at": store.now_iso()},
            audit_view=lambda row: None if row is None else {"bidder": row["bidder"], "explanation": row["explanation"]},
        )


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


def record_score(db: store.Database, tender_id: int, bidder: str, criterion_id: str, *,
                 evaluator: str, score: float, reason: str, who: str | None = None,
                 actor: policy.Actor | None = None, expected_version: int | None = None) -> bool:
    """Record (or change) one evaluator's score with its reason; locks the criteria on the
    first score. Returns True when the reason only repeats the descriptor (flag it).
    ``expected_version``: the score's version when the evaluator opened it (the
    ``version`` column of ``evaluator_scores``), 0 when they had none."""
    actor = _actor(actor, who)
    evaluator = (evaluator or "").strip()
    if not evaluator:
        raise ScenarioError("Say who the evaluator is: every score is recorded with its evaluator's name")
    with store.transaction(db):
        record = get_tender(db, tender_id)
        policy.require(actor, "tender.score", tender_access.policy_record(db, tender_id, evaluator))
        criterion = _judged(record, bidder, criterion_id)
        value = _check_score(criterion, bidder, score, reason)
        key = {"tender_id": tender_id, "bidder": bidder, "criterion_id": criterion_id, "evaluator": evaluator}
        values = {"score": value, "reason": reason.strip()}
        where = f"{evaluator}'s score for {bidder}, {criterion.name},"
        versioned.check_version(db, "tender_scores", key, expected_version, values, entity=ENTITY, label=where, entity_id=tender_id,
                            changed_by=("evaluator", "scored_at"))
        stamp = store.now_iso()
        if db.execute("UPDATE tenders SET locked_at = :locked_at, locked_by = :locked_by WHERE id = :tender_id AND locked_at IS NULL",
                      {"locked_at": stamp, "locked_by": actor.label, "tender_id": tender_id}).rowcount:
            versioned.record_audit(db, entity=ENTITY, entity_id=tender_id, action="criteria locked (scoring started)", who=actor.label)
        versioned.save_versioned(
            db, "tender_scores", key, None, values, entity=ENTITY, label=where, entity_id=tender_id, who=actor.label,
            action="score changed", added_action="score recorded", stamp={"scored_at": stamp}, audit_view=_shown,
        )
    return tender.reason_repeats_descriptor(reason, criterion.descriptors)


def record_scores(db: store.Database, tender_id: int, bidder: str, entries: dict[str, tuple[Any, str]], *,
                  evaluator: str, who: str | None = None, actor: policy.Actor | None = None,
                  expected_versions: dict[str, int] | None = None) -> list[str]:
    """One evaluator's scores for one bid, ``{criterion id: (score, reason)}``, all or
    nothing. Returns the names of criteria whose reason only repeats the descriptor.
    ``expected_versions``: {criterion id: the score's version when opened (0: none)}."""
    actor = _actor(actor, who)
    weak = []
    with store.transaction(db):
        names = {c.id: c.name for c in get_tender(db, tender_id).judged_criteria}
        for criterion_id, (score, reason) in entries.items():
            if score is None:
                raise ScenarioError(f"Bid '{bidder}', criterion '{criterion_id}': choose a score for {names.get(criterion_id, criterion_id)}")
            expected = None if expected_versions is None else expected_versions.get(criterion_id, 0)
            if record_score(db, tender_id, bidder, criterion_id, evaluator=evaluator, score=score, reason=reason,
                            actor=actor, expected_version=expected):
                weak.append(names[criterion_id])
    return weak


def record_moderation(db: store.Database, tender_id: int, bidder: str, criterion_id: str, *,
                      score: float, reason: str, who: str | None = None, actor: policy.Actor | None = None,
                      expected_version: int | None = None) -> bool:
    """Record (or change) the agreed score after moderation, with its reason. Returns True
    when the reason only repeats the descriptor. ``expected_version``: the agreed score's
    version when the person opened it (the ``version`` column of ``moderations``), 0 when
    there was none yet: if someone agreed a score meanwhile, the save is refused."""
    actor = _actor(actor, who)
    with store.transaction(db):
        record = get_tender(db, tender_id)
        policy.require(actor, "tender.moderate", tender_access.policy_record(db, tender_id))
        criterion = _judged(record, bidder, criterion_id)
        value = _check_score(criterion, bidder, score, reason)
        versioned.save_versioned(
            db, "tender_moderations", {"tender_id": tender_id, "bidder": bidder, "criterion_id": criterion_id},
            expected_version, {"score": value, "reason": reason.strip()},
            entity=ENTITY, label=f"The agreed score for {bidder}, {criterion.name},", entity_id=tender_id, who=actor.label,
            action="moderated score changed", added_action="moderated score agreed",
            stamp={"moderated_by": actor.label, "moderated_at": store.now_iso()},
            changed_by=("moderated_by", "moderated_at"), audit_view=_shown,
        )
    return tender.reason_repeats_descriptor(reason, criterion.descriptors)


def _shown(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {k: row[k] for k in ("bidder", "criterion_id", "evaluator", "score", "reason") if k in row}


def evaluator_scores(db: store.Database, tender_id: int) -> pd.DataFrame:
    """Every evaluator's score: bidder, criterion, evaluator, score, reason, scored_at,
    version (what ``record_score`` expects back as ``expected_version``)."""
    rows = db.query(
        "SELECT bidder, criterion_id AS criterion, evaluator, score, reason, scored_at, version FROM tender_scores "
        "WHERE tender_id = :tender_id ORDER BY id", {"tender_id": tender_id})
    return pd.DataFrame(list(rows), columns=["bidder", "criterion", "evaluator", "score", "reason", "scored_at", "version"])


def moderations(db: store.Database, tender_id: int) -> pd.DataFrame:
    """The agreed scores: bidder, criterion, score, reason, moderated_by, moderated_at,
    version (what ``record_moderation`` expects back as ``expected_version``)."""
    rows = db.query(
        "SELECT bidder, criterion_id AS criterion, score, reason, moderated_by, moderated_at, version FROM tender_moderations "
        "WHERE tender_id = :tender_id ORDER BY id", {"tender_id": tender_id})
    return pd.DataFrame(list(rows), columns=["bidder", "criterion", "score", "reason", "moderated_by", "moderated_at", "version"])


def moderation_table(db: store.Database, tender_id: int) -> pd.DataFrame:
    """For every bid and judged criterion: the evaluators' scores, their spread, whether
    they disagree by 2 points or more, and the agreed score and reason if recorded
    (``agreed_version``: its version, for ``record_moderation``'s ``expected_version``)."""
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
    agreed = moderations(db, tender_id)[["bidder", "criterion", "score", "reason", "version"]].rename(
        columns={"score": "agreed_score", "reason": "agreed_reason", "version": "agreed_version"})
    table = pairs.merge(listed, how="left").merge(spread, how="left").merge(agreed, how="left")
    table["evaluators"] = table["evaluators"].fillna(0).astype(int)
    table["disagreement"] = table["disagreement"].astype("boolean").fillna(False).astype(bool)
    return table


def unmoderated(db: store.Database, tender_id: int) -> list[tuple[str, str]]:
    """(bidder, criterion id) pairs still without an agreed score."""
    table = moderation_table(db, tender_id)
    return list(table.loc[table["agreed_score"].isna(), ["bidder", "criterion"]].itertuples(index=False, name=None))


def scenario_body(db: store.Database, tender_id: int) -> dict:
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


def audit(db: store.Database, tender_id: int) -> list[dict]:
    """The tender's audit log, newest first."""
    return versioned.audit_entries(db, ENTITY, tender_id)
