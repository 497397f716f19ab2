"""Small helpers for SQL that runs unchanged on SQLite and PostgreSQL (issue 20)."""

from __future__ import annotations


def listed(name: str, values, params: dict) -> str:
    """Named placeholders ':name_0, :name_1, ...' for an IN list (write ``IN ({...})``),
    their values added to ``params``: the same text on both engines."""
    names = [f"{name}_{number}" for number in range(len(values))]
    params.update(zip(names, values))
    return ", ".join(f":{n}" for n in names)
