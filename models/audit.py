"""The audit log in people's words: "status: Not started → In progress", times in London.

The log itself is written by ``versioned.record_audit``; this module only reads it for pages,
downloads and the command line."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from .formatting import uk_datetime

WHEN = "When (London time)"


def _words(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _load(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def change_in_words(before_json: str | None, after_json: str | None) -> str:
    """Each field that changed as 'field: before → after', joined with '; '. A record added
    or removed lists its fields ('field: value'); anything that is not a record is shown as
    it was stored."""
    before, after = _load(before_json), _load(after_json)
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before if isinstance(before, dict) else {}, after if isinstance(after, dict) else {}
        fields = list(dict.fromkeys([*before, *after]))
        parts = []
        for field in fields:
            label = field.replace("_", " ")
            if field in before and field in after:
                if before[field] != after[field]:
                    parts.append(f"{label}: {_words(before[field])} → {_words(after[field])}")
            elif field in after:
                parts.append(f"{label}: {_words(after[field])}")
            else:
                parts.append(f"{label}: {_words(before[field])} (removed)")
        return "; ".join(parts)
    if before is None and after is None:
        return ""
    if before is None:
        return _words(after)
    return f"{_words(before)} → {_words(after)}"


def audit_frame(entries: list[dict], *, record_label: str) -> pd.DataFrame:
    """Audit entries (newest first) as a table for people: when (London time), who, the
    record, what was done, the change in words and the reason."""
    columns = [WHEN, "Who", record_label, "What", "Change", "Reason"]
    return pd.DataFrame([
        {WHEN: uk_datetime(e["at"]), "Who": e["who"], record_label: e["entity_id"], "What": e["action"],
         "Change": change_in_words(e.get("before_json"), e.get("after_json")), "Reason": e.get("reason") or ""}
        for e in entries
    ], columns=columns)
