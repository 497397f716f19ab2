"""Sealed evaluation of a stored tender: who evaluates it, their declarations of interest
and how a declared conflict is managed (together the tender's conflicts record,
Procurement Act 2023 ss.81-83), when moderation opens, and what each person may see.

The rules themselves are in ``models.policy`` (pure); this module reads the tender's state
into the record the policy needs (``policy_record``), keeps the assignments and
declarations, and filters scores and audit entries to what the actor may see.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from . import policy, store, versioned
from .errors import DomainError
from .policy import Actor

ENTITY = "tender"


def _row(db: store.Database, sql: str, params: dict) -> dict | None:
    rows = list(db.query(sql, params))
    return rows[0] if rows else None


def stage(db: store.Database, tender_id: int) -> str:
    """setup -> scoring (first score) -> moderation (opened) -> awarded (award notice published)."""
    if _row(db, "SELECT 1 AS x FROM tender_awards WHERE tender_id = :tender_id AND notice_published_on IS NOT NULL",
                {"tender_id": tender_id}):
        return "awarded"
    if _row(db, "SELECT 1 AS x FROM tender_moderation_opened WHERE tender_id = :tender_id", {"tender_id": tender_id}):
        return "moderation"
    if _row(db, "SELECT 1 AS x FROM tenders WHERE id = :tender_id AND locked_at IS NOT NULL", {"tender_id": tender_id}):
        return "scoring"
    return "setup"


def policy_record(db: store.Database, tender_id: int, evaluator: str | None = None) -> dict[str, Any]:
    """The tender as ``policy.decide`` reads it (see models/policy.py), about ``evaluator``."""
    assigned = {r["evaluator"] for r in db.query("SELECT evaluator FROM tender_assignments WHERE tender_id = :tender_id",
                                                 {"tender_id": tender_id})}
    declarations = list(db.query("SELECT evaluator, has_conflict, managed_how FROM tender_declarations "
                                 "WHERE tender_id = :tender_id", {"tender_id": tender_id}))
    return {
        "tender_id": tender_id,
        "stage": stage(db, tender_id),
        "assigned": frozenset(assigned),
        "declared": frozenset(d["evaluator"] for d in declarations),
        "cleared": frozenset(d["evaluator"] for d in declarations if not d["has_conflict"] or d["managed_how"]),
        "evaluator": evaluator,
    }


# ------------------------------------------------------------------ writes

def assign(db: store.Database, tender_id: int, evaluator: str, *, actor: Actor) -> None:
    """Assign an evaluator (their key: email when sign-in is on) to the tender."""
    evaluator = (evaluator or "").strip().lower() if "@" in (evaluator or "") else (evaluator or "").strip()
    if not evaluator:
        raise DomainError("Choose the evaluator to assign.")
    with store.transaction(db):
        policy.require(actor, "tender.assign", policy_record(db, tender_id, evaluator))
        if _row(db, "SELECT 1 AS x FROM tender_assignments WHERE tender_id = :tender_id AND evaluator = :evaluator",
                    {"tender_id": tender_id, "evaluator": evaluator}):
            raise DomainError(f"{evaluator} is already assigned to this tender.")
        db["tender_assignments"].insert({"tender_id": tender_id, "evaluator": evaluator, "assigned_at": store.now_iso(),
                                         "assigned_by": str(actor.label)})
        versioned.record_audit(db, entity=ENTITY, entity_id=tender_id, action="evaluator assigned", who=actor.label,
                           after={"evaluator": evaluator})


def declare(db: store.Database, tender_id: int, *, has_conflict: bool, details: str, actor: Actor,
            evaluator: str | None = None) -> None:
    """The evaluator's own declaration of interests: none, or a conflict with its details.
    ``evaluator`` defaults to the actor (with sign-in off a typed name may declare for a name)."""
    evaluator = evaluator or actor.key
    details = (details or "").strip()
    if has_conflict and not details:
        raise DomainError("Say what the conflict of interest is (who or what, and how you are connected).")
    with store.transaction(db):
        policy.require(actor, "tender.declare", policy_record(db, tender_id, evaluator))
        values = {"has_conflict": int(bool(has_conflict)), "details": details if has_conflict else "",
                  "declared_at": store.now_iso(), "declared_by": str(actor.label),
                  "managed_how": None, "managed_at": None, "managed_by": None}
        current = _row(db, "SELECT * FROM tender_declarations WHERE tender_id = :tender_id AND evaluator = :evaluator",
                           {"tender_id": tender_id, "evaluator": evaluator})
        if current is None:
            db["tender_declarations"].insert({"tender_id": tender_id, "evaluator": evaluator, **values})
        else:
            db.execute("UPDATE tender_declarations SET has_conflict = :has_conflict, details = :details, "
                       "declared_at = :declared_at, declared_by = :declared_by, managed_how = NULL, managed_at = NULL, "
                       "managed_by = NULL, version = version + 1 WHERE tender_id = :tender_id AND evaluator = :evaluator",
                       {**values, "tender_id": tender_id, "evaluator": evaluator})
        versioned.record_audit(db, entity=ENTITY, entity_id=tender_id,
                           action="conflict of interest declared" if has_conflict else "no conflict of interest declared",
                           who=actor.label, after={"evaluator": evaluator, "details": values["details"]})


def manage_conflict(db: store.Database, tender_id: int, evaluator: str, how: str, *, actor: Actor,
                    expected_version: int | None = None) -> None:
    """A commissioner records how an evaluator's declared conflict is managed; the evaluator
    may then see and score the bids."""
    how = (how or "").strip()
    if not how:
        raise DomainError("Say how the conflict is managed (e.g. 'does not score Bidder X; second evaluator added').")
    with store.transaction(db):
        policy.require(actor, "tender.manage_conflict", policy_record(db, tender_id, evaluator))
        current = _row(db, "SELECT * FROM tender_declarations WHERE tender_id = :tender_id AND evaluator = :evaluator",
                           {"tender_id": tender_id, "evaluator": evaluator})
        if current is None or not current["has_conflict"]:
            raise DomainError(f"{evaluator} has not declared a conflict of interest for this tender.")
        versioned.update_versioned(
            db, "tender_declarations", {"tender_id": tender_id, "evaluator": evaluator},
            current["version"] if expected_version is None else expected_version,
            {"managed_how": how, "managed_at": store.now_iso(), "managed_by": str(actor.label)},
            entity="tender conflict", who=actor.label, action="conflict of interest managed")


def open_moderation(db: store.Database, tender_id: int, *, actor: Actor) -> None:
    """Open moderation: independent scoring closes and every evaluator's scores are unsealed."""
    with store.transaction(db):
        policy.require(actor, "tender.open_moderation", policy_record(db, tender_id))
        db["tender_moderation_opened"].insert({"tender_id": tender_id, "opened_at": store.now_iso(),
                                               "opened_by": str(actor.label)})
        versioned.record_audit(db, entity=ENTITY, entity_id=tender_id, action="moderation opened (scores unsealed)",
                           who=actor.label)


# ------------------------------------------------------------------ reading

def assignments(db: store.Database, tender_id: int) -> list[str]:
    return [r["evaluator"] for r in db.query(
        "SELECT evaluator FROM tender_assignments WHERE tender_id = :tender_id ORDER BY evaluator", {"tender_id": tender_id})]


def declaration(db: store.Database, tender_id: int, evaluator: str) -> dict | None:
    return _row(db, "SELECT * FROM tender_declarations WHERE tender_id = :tender_id AND evaluator = :evaluator",
                    {"tender_id": tender_id, "evaluator": evaluator})


CONFLICT_COLUMNS = ["Evaluator", "Assigned", "Declaration", "Details", "How it is managed", "Managed by", "Can score"]


def conflicts_record(db: store.Database, tender_id: int) -> pd.DataFrame:
    """The tender's conflicts record: each assigned evaluator, their declaration and how a
    declared conflict is managed."""
    rows = []
    for r in db.query(
            "SELECT a.evaluator, a.assigned_at, a.assigned_by, d.has_conflict, d.details, d.declared_at, d.managed_how, "
            "d.managed_by FROM tender_assignments a LEFT JOIN tender_declarations d "
            "ON d.tender_id = a.tender_id AND d.evaluator = a.evaluator WHERE a.tender_id = :tender_id ORDER BY a.evaluator",
            {"tender_id": tender_id}):
        declared = r["has_conflict"] is not None
        rows.append({
            "Evaluator": r["evaluator"],
            "Assigned": f"by {r['assigned_by']}",
            "Declaration": ("conflict declared" if r["has_conflict"] else "none declared") if declared else "not yet declared",
            "Details": r["details"] or "",
            "How it is managed": r["managed_how"] or ("" if not r["has_conflict"] else "not yet managed"),
            "Managed by": r["managed_by"] or "",
            "Can score": "yes" if declared and (not r["has_conflict"] or r["managed_how"]) else "no",
        })
    return pd.DataFrame(rows, columns=CONFLICT_COLUMNS)


def visible_tenders(db: store.Database, actor: Actor, tenders: list) -> list:
    """The tenders ``actor`` may open (an evaluator: only those assigned to them)."""
    return [t for t in tenders if policy.decide(actor, "tender.view", policy_record(db, t.id))]


def may_read_scores_of(actor: Actor, record: dict, evaluator: str) -> bool:
    return policy.decide(actor, "tender.read_scores", {**record, "evaluator": evaluator}).allowed


def visible_scores(actor: Actor, record: dict, scores: pd.DataFrame) -> pd.DataFrame:
    """Only the evaluators' scores ``actor`` may read: before moderation opens, their own."""
    if scores.empty:
        return scores
    keep = scores["evaluator"].map(lambda e: may_read_scores_of(actor, record, e))
    return scores[keep.astype(bool)]


def _entry_evaluator(entry: dict) -> str | None:
    for column in ("after_json", "before_json"):
        if entry.get(column):
            try:
                value = json.loads(entry[column])
            except ValueError:
                continue
            if isinstance(value, dict) and "evaluator" in value and "score" in value:
                return value["evaluator"]
    return None


def visible_audit(actor: Actor, record: dict, entries: list[dict]) -> list[dict]:
    """The tender's audit entries ``actor`` may read: another evaluator's score entries stay
    sealed until moderation opens (the entry is kept, its scores and reasons are not shown)."""
    shown = []
    for entry in entries:
        whose = _entry_evaluator(entry)
        if whose is not None and not may_read_scores_of(actor, record, whose):
            entry = {**entry, "before_json": None, "after_json": None,
                     "reason": "(sealed until moderation opens)"}
        shown.append(entry)
    return shown


def visible_body(actor: Actor, record: dict, body: dict) -> dict:
    """The tender's scenario (the saved-scenario export) with only the evaluators' scores
    ``actor`` may read: before moderation opens, another evaluator's are left out."""
    bids = []
    for bid in body.get("bids") or []:
        scores = {}
        for criterion, score in (bid.get("scores") or {}).items():
            if isinstance(score, dict) and isinstance(score.get("evaluators"), dict):
                score = {**score, "evaluators": {e: v for e, v in score["evaluators"].items()
                                                 if may_read_scores_of(actor, record, e)}}
            scores[criterion] = score
        bids.append({**bid, "scores": scores})
    return {**body, "bids": bids}


def score_counts(db: store.Database, tender_id: int) -> pd.DataFrame:
    """How many scores each evaluator has recorded (not what they are): the commissioner's
    view of progress while the scores are sealed."""
    rows = db.query("SELECT evaluator AS \"Evaluator\", COUNT(*) AS \"Scores recorded\" FROM tender_scores "
                    "WHERE tender_id = :tender_id GROUP BY evaluator ORDER BY evaluator", {"tender_id": tender_id})
    return pd.DataFrame(list(rows), columns=["Evaluator", "Scores recorded"])
