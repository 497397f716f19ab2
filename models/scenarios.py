"""Saved scenarios for the engines (tender, SROI, full cost recovery): stored as the same
JSON the command line reads, versioned by name, so earlier versions are never lost."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


from . import checks, policy, store
from .errors import ScenarioError, StaleEdit
from .formatting import uk_datetime

MAX_SCENARIO_BYTES = 2_000_000


@dataclass(frozen=True)
class SavedScenario:
    id: int
    kind: str
    name: str
    version: int
    saved_at: str
    saved_by: str | None
    body: dict


def parse_json(text: str | bytes, *, source: str = "scenario file") -> dict:
    """A scenario from JSON text, with a clear error for anything that is not a JSON object."""
    text = checks.uploaded_text(text, source, max_bytes=MAX_SCENARIO_BYTES, too_large="is it really a scenario?",
                                not_text="save it as JSON (UTF-8) and try again", error=ScenarioError)
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioError(f"{source}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    if not isinstance(body, dict):
        raise ScenarioError(f"{source}: a scenario is a JSON object ({{...}}), not a {type(body).__name__}")
    return body


def save(db: store.Database, kind: str, name: str, body: dict[str, Any], *, who: str | None = None,
         actor: policy.Actor | None = None, expected_version: int | None = None) -> SavedScenario:
    """Store ``body`` as the next version of scenario ``name``; returns what was saved.
    ``expected_version``: the latest version of ``name`` the person had seen (0: none);
    if someone saved a newer one since, ``StaleEdit`` says who and when, and nothing is
    saved (None: no check). Earlier versions are always kept."""
    actor = policy.actor_or_name(actor, who)
    policy.require(actor, "scenario.save", {"kind": kind})
    name = (name or "").strip()
    if not name:
        raise ScenarioError("Give the scenario a name before saving it")
    with store.transaction(db):
        latest = next(db.query("SELECT version, saved_by, saved_at FROM scenarios WHERE kind = :kind AND name = :name "
                               "ORDER BY version DESC LIMIT 1", {"kind": kind, "name": name}), None)
        current = latest["version"] if latest else 0
        if expected_version is not None and expected_version != current:
            by = f" by {latest['saved_by']}" if latest["saved_by"] else ""
            raise StaleEdit(
                f"Scenario '{name}' was saved as version {current}{by} at {uk_datetime(latest['saved_at'])} (London time) "
                f"after you opened {'version ' + str(expected_version) if expected_version else 'the list'}. Nothing was "
                "saved and your scenario is kept on the page: load the newer version to see it, or save yours under "
                "another name.", current=latest)
        record = {
            "kind": kind,
            "name": name,
            "version": current + 1,
            "body_json": json.dumps(body, sort_keys=True, ensure_ascii=False),
            "saved_at": store.now_iso(),
            "saved_by": actor.label if (actor.signed_in or actor.name) else None,
        }
        table = db["scenarios"]
        table.insert(record)
        record["id"] = table.last_pk
    return _to_saved(record)


def list_saved(db: store.Database, kind: str) -> list[SavedScenario]:
    """The latest version of every saved scenario of ``kind``, newest first."""
    rows = db.query(
        "SELECT s.* FROM scenarios s JOIN (SELECT name, MAX(version) AS version FROM scenarios "
        "WHERE kind = :kind GROUP BY name) latest ON s.name = latest.name AND s.version = latest.version "
        "WHERE s.kind = :kind ORDER BY s.saved_at DESC, s.id DESC",
        {"kind": kind},
    )
    return [_to_saved(r) for r in rows]


def load(db: store.Database, kind: str, name: str, version: int | None = None) -> SavedScenario:
    """A saved scenario (its latest version unless ``version`` is given)."""
    sql = "SELECT * FROM scenarios WHERE kind = :kind AND name = :name"
    params: dict = {"kind": kind, "name": name}
    if version is not None:
        sql += " AND version = :version"
        params["version"] = version
    rows = list(db.query(sql + " ORDER BY version DESC LIMIT 1", params))
    if not rows:
        raise ScenarioError(f"No saved {kind} scenario called '{name}'")
    return _to_saved(rows[0])


def _to_saved(row: dict) -> SavedScenario:
    return SavedScenario(
        id=row["id"], kind=row["kind"], name=row["name"], version=row["version"],
        saved_at=row["saved_at"], saved_by=row.get("saved_by"), body=json.loads(row["body_json"]),
    )
