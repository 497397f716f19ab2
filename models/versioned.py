"""What people change: versioned records, saved only if nobody else saved first, and the
audit log every change appends to (who, when, from what to what).

A record a person edits carries a ``version``; a save names the version the person opened
and is refused (``StaleEdit``, naming who changed what and when) if the record has moved on,
so two people saving at once never lose a change. Each save runs inside the caller's
``store.transaction`` and writes its audit entry in the same transaction."""

from __future__ import annotations

import json
from typing import Any, Callable

from . import store
from .errors import DomainError, StaleEdit
from .formatting import uk_datetime


def record_audit(
    db: store.Database,
    *,
    entity: str,
    entity_id: Any,
    action: str,
    who: str,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
    actor: Any = None,
) -> None:
    """Append one entry to the audit log: who changed what, when, from what to what.

    ``who`` is the label shown. Pass ``who=actor.label`` (or ``actor=actor``): the label
    carries the identity behind it, so the entry also records the signed-in subject and
    email (``local:<name>`` and no email when sign-in is off)."""
    if actor is not None:
        who = actor.label
    db["audit_log"].insert(
        {
            "at": store.now_iso(),
            "who": str(who or "unknown"),
            "subject": getattr(who, "subject", None),
            "email": getattr(who, "email", None),
            "entity": entity,
            "entity_id": str(entity_id),
            "action": action,
            "before_json": None if before is None else json.dumps(before, default=str, sort_keys=True),
            "after_json": None if after is None else json.dumps(after, default=str, sort_keys=True),
            "reason": reason,
        }
    )


def audit_entries(db: store.Database, entity: str | None = None, entity_id: Any = None) -> list[dict]:
    """The audit log, newest first, optionally for one entity (and one record of it)."""
    where, params = [], {}
    if entity is not None:
        where.append("entity = :entity")
        params["entity"] = entity
    if entity_id is not None:
        where.append("entity_id = :entity_id")
        params["entity_id"] = str(entity_id)
    sql = "SELECT * FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC"
    return list(db.query(sql, params))


def update_versioned(
    db: store.Database,
    table: str,
    key: dict[str, Any],
    expected_version: int | None,
    changes: dict[str, Any],
    *,
    entity: str,
    who: str,
    reason: str | None = None,
    action: str = "edit",
    entity_id: Any = None,
    **options: Any,
) -> dict:
    """Optimistic concurrency for a record a person edits: apply ``changes`` to the row
    of ``table`` found by ``key`` only if its ``version`` is still ``expected_version``
    (the version the person opened), then bump the version and audit the change with the
    "before" values read in the same transaction. Returns the row as saved.

    Must run inside ``transaction(db)``. A stale save raises ``StaleEdit`` naming the
    fields that changed and who changed them when; nothing is written. ``entity_id`` is
    the audit log's id for the record (default: the key's values joined by "/");
    ``options`` are ``save_versioned``'s (label, changed_by, stamp, audit_view)."""
    row = _locked_row(db, table, key)
    entity_id = _entity_id(key, entity_id)
    if row is None:
        label = options.get("label") or f"{entity} {entity_id}"
        raise DomainError(f"{label} no longer exists: someone may have removed it. Reload the page.")
    return save_versioned(db, table, key, expected_version, changes, entity=entity, entity_id=entity_id, who=who,
                          reason=reason, action=action, _row=row, **options)


_MISSING = object()


def save_versioned(
    db: store.Database,
    table: str,
    key: dict[str, Any],
    expected_version: int | None,
    values: dict[str, Any],
    *,
    entity: str,
    who: str,
    entity_id: Any = None,
    reason: str | None = None,
    action: str = "edit",
    added_action: str = "added",
    stamp: dict[str, Any] | None = None,
    changed_by: tuple[str, str] | None = None,
    audit_view: Callable[[dict | None], Any] | None = None,
    label: str | None = None,
    _row: Any = _MISSING,
) -> dict:
    """Insert or update one versioned record, refusing a stale save: the general form of
    ``update_versioned`` for records that may not exist yet (a bid, a score, an agreed
    score). Must run inside ``transaction(db)``; every read happens in it.

    ``expected_version`` is the version the person opened: 0 when they saw no record
    (they are adding one), None for a deliberate overwrite that checks nothing (loading a
    whole scenario file), still atomic and audited. ``values`` are the columns the person
    set; ``stamp`` columns (who/when) are written with them but not compared. When
    ``values`` equal what is stored nothing is written and the version stays. The audit
    entry holds the changed columns before and after, or ``audit_view(row)`` of the row
    before and after when given. ``changed_by`` names the row's (who, when) columns for
    the stale-save message (default: the record's last audit entry), and ``label`` what
    the message calls the record (default: entity and id). Returns the row as stored now."""
    if not db.in_transaction():
        raise RuntimeError("save_versioned needs an open transaction (use store.transaction)")
    row = _locked_row(db, table, key) if _row is _MISSING else _row
    entity_id = _entity_id(key, entity_id)
    seen = 0 if row is None else row["version"]
    if expected_version is not None and expected_version != seen:
        raise StaleEdit(_stale_message(db, entity, entity_id, expected_version, row, values, changed_by, label),
                        current=row)
    stamp = stamp or {}
    if row is None:
        db[table].insert({**key, **values, **stamp})
        saved = _locked_row(db, table, key)
        after = audit_view(saved) if audit_view else values
        record_audit(db, entity=entity, entity_id=entity_id, action=added_action, who=who, after=after, reason=reason)
        return saved
    changed = {c: values[c] for c in values if row.get(c) != values[c]}
    if not changed:
        return row
    columns = {**changed, **stamp}
    assignments = ", ".join(f"{store.quoted(c)} = :set_{i}" for i, c in enumerate(columns))
    where, params = store.key_clause(key)
    params.update({f"set_{i}": v for i, v in enumerate(columns.values())}, seen_version=row["version"])
    db.execute(
        f"UPDATE {store.quoted(table)} SET {assignments}, version = version + 1 WHERE {where} AND version = :seen_version",
        params,
    )
    saved = _locked_row(db, table, key)
    if audit_view:
        before, after = audit_view(row), audit_view(saved)
    else:
        before, after = {c: row[c] for c in changed}, changed
    record_audit(db, entity=entity, entity_id=entity_id, action=action, who=who, before=before, after=after, reason=reason)
    return saved


def check_version(db: store.Database, table: str, key: dict[str, Any], expected_version: int | None,
                  values: dict[str, Any], *, entity: str, entity_id: Any = None,
                  changed_by: tuple[str, str] | None = None, label: str | None = None) -> dict | None:
    """The row of ``table`` at ``key`` (None if absent), read inside the caller's
    transaction; ``StaleEdit`` if its version is not ``expected_version`` (0 = the
    person saw no record; None = no check). For writes that build the new row
    themselves (a tender's set-up document) before ``UPDATE ... version = version + 1``."""
    if not db.in_transaction():
        raise RuntimeError("check_version needs an open transaction (use store.transaction)")
    row = _locked_row(db, table, key)
    seen = 0 if row is None else row["version"]
    if expected_version is not None and expected_version != seen:
        raise StaleEdit(_stale_message(db, entity, _entity_id(key, entity_id), expected_version, row, values,
                                       changed_by, label), current=row)
    return row


def _entity_id(key: dict[str, Any], entity_id: Any) -> str:
    return str(entity_id) if entity_id is not None else "/".join(str(v) for v in key.values())


def _locked_row(db: store.Database, table: str, key: dict[str, Any]) -> dict | None:
    where, params = store.key_clause(key)
    return store.fetch_one(db, f"SELECT * FROM {store.quoted(table)} WHERE {where}", params)


def _stale_message(db, entity: str, entity_id: str, expected: int, row: dict | None, values: dict,
                   changed_by: tuple[str, str] | None, label: str | None = None) -> str:
    """What a person whose save was refused needs to know: what changed, by whom, when."""
    label = label or f"{entity} {entity_id}"
    if row is None:
        return (f"{label} was removed after you opened it. Nothing was saved; your input is kept. "
                "Reload the page to see what is there now.")
    who = at = None
    if changed_by and row.get(changed_by[0]):
        who, at = row.get(changed_by[0]), row.get(changed_by[1])
    else:
        last = store.fetch_one(db, "SELECT who, at FROM audit_log WHERE entity = :entity AND entity_id = :entity_id "
                          "ORDER BY id DESC LIMIT 1", {"entity": entity, "entity_id": entity_id})
        if last:
            who, at = last["who"], last["at"]
    by = (f" by {who}" if who else "") + (f" at {uk_datetime(at)} (London time)" if at else "")
    if expected == 0:
        opening = f"{label} was saved{by} while you were entering yours"
    else:
        opening = f"{label} was changed{by} after you opened it (your version {expected}, now version {row['version']})"
    now = "; ".join(f"{c} is now {_short(row.get(c))}" for c in values if c in row and row.get(c) != values[c])
    return (f"{opening}. Nothing was saved. Your input is kept: {now or 'the values you set are the same as now'}. "
            "Check the current values and save again if your change still applies.")


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."
