"""The framework's Inform / Consult / Involve / Devolve proposals as an action plan.

Every proposal in the four tables ('the Council will' and 'the sector will') is one action,
with the need it answers and what it is trying to achieve, linked to the outcomes it serves
(``data/seed/action_plan.csv``). Officers keep each action's owner, due date, status and
notes up to date; every change is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from . import policy, store, versioned
from .audit import audit_frame
from .errors import DomainError
from .formatting import uk_short_date
from .outcomes import SEED_DIR, insert_missing, parse_date, read_csv_rows, require_choice

SEED_FILE = SEED_DIR / "action_plan.csv"
STREAMS = ("Inform", "Consult", "Involve", "Devolve")
SIDES = ("Council", "Sector")
SIDE_LABELS = {"Council": "The Council will", "Sector": "The sector will"}
STATUSES = ("Not started", "In progress", "Done", "On hold", "Dropped")
EDITABLE = ("owner", "due_date", "status", "notes")
MAX_TEXT = 2000


@dataclass(frozen=True)
class ActionFilter:
    """Which actions to show; empty tuples mean all."""

    streams: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()


def read_seed() -> list[dict]:
    """The transcribed proposals, checked; a DomainError names the row and column."""
    rows = []
    for line, row in read_csv_rows(SEED_FILE):
        where = f"{SEED_FILE.name}, row {line}"
        for column, choices in (("stream", STREAMS), ("side", SIDES), ("status", STATUSES)):
            require_choice(row, column, choices, where)
        if not row["outcomes"].strip():
            raise DomainError(f"{where}, column 'outcomes': link the action to at least one outcome")
        if row["due_date"]:
            parse_date(row["due_date"], where=f"{where}, column 'due_date'")
        rows.append({**row, "position": line - 1})
    return rows


def seed(db: store.Database) -> int:
    """Load the proposals (idempotent: actions already present keep officers' edits)."""
    actions, links = [], []
    for row in read_seed():
        outcome_ids = [o.strip() for o in row.pop("outcomes").split(";") if o.strip()]
        actions.append({**row, "due_date": row["due_date"] or None})
        links.extend({"action_id": row["action_id"], "outcome_id": outcome_id} for outcome_id in outcome_ids)
    with store.transaction(db):
        held = {row[0] for row in db.execute("SELECT action_id FROM actions").fetchall()}
        inserted = insert_missing(db, "actions", "action_id", actions)
        new_links = [link for link in links if link["action_id"] not in held]
        if new_links:
            db["action_outcomes"].insert_all(new_links)
    return inserted


def list_actions(db: store.Database, action_filter: ActionFilter = ActionFilter()) -> pd.DataFrame:
    """Actions in the document's order, with the outcomes each serves ('O1; O4') and
    each one's version (what ``save_changes`` expects back)."""
    clauses, params = [], {}
    for column, name, values in (("a.stream", "streams", action_filter.streams), ("a.side", "sides", action_filter.sides),
                                 ("a.status", "statuses", action_filter.statuses)):
        if values:
            clauses.append(f"{column} IN :{name}")
            params[name] = list(values)
    if action_filter.outcomes:
        clauses.append("a.action_id IN (SELECT action_id FROM action_outcomes WHERE outcome_id IN :outcomes)")
        params["outcomes"] = list(action_filter.outcomes)
    where = " AND ".join(clauses) or "1 = 1"
    sql = ("SELECT a.action_id, a.stream, a.side, a.need, a.proposal, a.achieve, a.owner, a.due_date, a.status, "
           f"a.notes, a.source, a.version FROM actions a WHERE {where} ORDER BY a.position, a.action_id")
    columns = ["action_id", "stream", "side", "need", "proposal", "achieve", "outcomes", "owner", "due_date",
               "status", "notes", "source", "version"]
    rows = list(db.query(sql, params))
    served = outcomes_served(db)
    for row in rows:
        row["outcomes"] = served.get(row["action_id"])
    return pd.DataFrame(rows, columns=columns)


def outcomes_served(db: store.Database) -> dict[str, str]:
    """{action_id: 'O1; O4'}: the outcomes each action serves, in id order."""
    served: dict[str, list[str]] = {}
    for action_id, outcome_id in db.execute(
            "SELECT action_id, outcome_id FROM action_outcomes ORDER BY action_id, outcome_id").fetchall():
        served.setdefault(action_id, []).append(outcome_id)
    return {action_id: "; ".join(ids) for action_id, ids in served.items()}


def _clean_change(action_id: str, change: dict) -> dict:
    """One action's editable fields, checked; DomainError names the action and field."""
    where = f"Action {action_id}"
    cleaned = {}
    for field in EDITABLE:
        if field not in change:
            continue
        value = change[field]
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
            value = ""
        if field == "due_date":
            cleaned[field] = parse_date(value, where=f"{where}, field 'due date'").isoformat() if str(value).strip() else None
        elif field == "status":
            if value not in STATUSES:
                raise DomainError(f"{where}, field 'status': '{value}' should be one of {', '.join(STATUSES)}.")
            cleaned[field] = value
        else:
            text = str(value).strip()
            if len(text) > MAX_TEXT:
                raise DomainError(f"{where}, field '{field}': keep it under {MAX_TEXT:,} characters.")
            cleaned[field] = text
    return cleaned


def change_problems(action_id: str, change: dict) -> list[str]:
    """What is wrong with one action's edited fields (``save_changes``'s own check), for a
    form that checks as the person types: empty when the change can be saved."""
    try:
        _clean_change(action_id, change)
    except DomainError as error:
        return [str(error)]
    return []


def save_changes(db: store.Database, changes: dict[str, dict], *, who: str | None = None,
                 actor: policy.Actor | None = None, expected_versions: dict[str, int] | None = None) -> list[str]:
    """Apply edits {action_id: {owner, due_date, status, notes}} all-or-nothing, after
    checking every one; each changed action is audited with its "before" read in the same
    transaction. Returns the ids changed. ``expected_versions``: {action_id: the version
    the person opened}; if any action they change was changed by someone else since,
    ``StaleEdit`` names it and nothing is saved."""
    actor = policy.actor_or_name(actor, who)
    if not (actor.signed_in or actor.name.strip()):
        raise DomainError("Say who is saving the changes (your name).")
    policy.require(actor, "action_plan.edit")
    cleaned = {}
    problems = []
    for action_id, change in changes.items():
        try:
            cleaned[action_id] = _clean_change(action_id, change)
        except DomainError as error:
            problems.append(str(error))
    if problems:
        raise DomainError("Nothing was saved. " + " ".join(problems), problems=problems)
    changed = []
    with store.transaction(db):
        for action_id, after in cleaned.items():
            expected = None if expected_versions is None else expected_versions.get(action_id)
            row = db.execute("SELECT version FROM actions WHERE action_id = :action_id", {"action_id": action_id}).fetchone()
            if row is None:
                raise DomainError(f"Action {action_id} does not exist. Nothing was saved.")
            saved = versioned.update_versioned(
                db, "actions", {"action_id": action_id}, expected, after, entity="action", who=actor.label,
                action="edit action", label=f"Action {action_id}", changed_by=("updated_by", "updated_at"),
                stamp={"updated_by": actor.label, "updated_at": store.now_iso()})
            if saved["version"] != row[0]:
                changed.append(action_id)
    return changed


def progress_by_stream(db: store.Database) -> pd.DataFrame:
    """Per stream: actions by status, total, done and percentage done (of actions not
    dropped)."""
    rows = db.execute("SELECT stream, status, COUNT(*) FROM actions GROUP BY stream, status").fetchall()
    frame = pd.DataFrame(rows, columns=["Stream", "Status", "Actions"])
    table = frame.pivot_table(index="Stream", columns="Status", values="Actions", aggfunc="sum", fill_value=0)
    table = table.reindex(index=list(STREAMS), columns=list(STATUSES), fill_value=0).astype(int)
    table.columns.name = None
    table["Total"] = table.sum(axis=1)
    live = table["Total"] - table["Dropped"]
    table["% done"] = (table["Done"] / live.where(live > 0) * 100).round(1).fillna(0.0)
    return table.reset_index()


def status_long(progress: pd.DataFrame) -> pd.DataFrame:
    """The progress table as (Stream, Status, Actions) rows for a stacked bar chart."""
    return progress.melt(id_vars=["Stream"], value_vars=list(STATUSES), var_name="Status", value_name="Actions")


def audit_trail(db: store.Database) -> pd.DataFrame:
    """Changes to actions, newest first, in words ("status: Not started → In progress")."""
    return audit_frame(versioned.audit_entries(db, "action"), record_label="Action")


def due_date_value(text) -> dt.date | None:
    """A stored ISO due date as a date for the editor (None when not set)."""
    return dt.date.fromisoformat(text) if isinstance(text, str) and text else None


EDITOR_COLUMNS = {
    "action_id": "Action", "stream": "Stream", "side": "Who acts", "proposal": "Proposal",
    "outcomes": "Outcomes", "owner": "Owner", "due_date": "Due date", "status": "Status", "notes": "Notes",
    "need": "Need", "achieve": "What we are trying to achieve",
}
EDITOR_ORDER = ["Action", "Proposal", "Status", "Owner", "Due date", "Notes", "Outcomes", "Stream", "Who acts", "Need",
                "What we are trying to achieve"]
READ_ONLY_COLUMNS = ["Action", "Stream", "Who acts", "Proposal", "Outcomes", "Need", "What we are trying to achieve"]


def editor_table(actions: pd.DataFrame) -> pd.DataFrame:
    """The actions as the page's editable grid: users' column names, due dates as dates,
    'What we are trying to achieve' on one line."""
    table = actions[list(EDITOR_COLUMNS)].rename(columns=EDITOR_COLUMNS)
    table["Who acts"] = table["Who acts"].map(SIDE_LABELS)
    # datetime64 with NaT for "no date", so the grid shows an empty cell, never "None"
    table["Due date"] = pd.to_datetime(pd.Series([due_date_value(d) for d in actions["due_date"]], index=table.index, dtype=object))
    table["What we are trying to achieve"] = table["What we are trying to achieve"].str.replace("\n", " / ")
    for column in ("Owner", "Notes"):
        table[column] = table[column].fillna("")
    return table


def changes_from_editor(edited: pd.DataFrame, shown: pd.DataFrame | None = None) -> dict[str, dict]:
    """The editable fields of each row of the edited grid, for ``save_changes``; with
    ``shown`` (the grid as drawn), only the rows the person changed, so a row someone
    else changed meanwhile is not written back as it was."""
    def fields(row: dict) -> dict:
        return {"owner": row["Owner"], "due_date": row["Due date"], "status": row["Status"], "notes": row["Notes"]}

    changes = {row["Action"]: fields(row) for row in edited.to_dict(orient="records")}
    if shown is None:
        return changes
    before = {row["Action"]: fields(row) for row in shown.to_dict(orient="records")}
    return {k: v for k, v in changes.items() if _differs(v, before.get(k))}


def _differs(after: dict, before: dict | None) -> bool:
    if before is None:
        return True
    def same(a, b) -> bool:
        blank = lambda v: v is None or v is pd.NaT or (isinstance(v, float) and pd.isna(v)) or v == ""  # noqa: E731
        return (blank(a) and blank(b)) or a == b
    return not all(same(after[k], before[k]) for k in after)


def export_table(actions: pd.DataFrame) -> pd.DataFrame:
    """The actions for download, with users' column names and UK dates."""
    table = actions.rename(columns={**EDITOR_COLUMNS, "source": "Source"})
    table["Who acts"] = table["Who acts"].map(SIDE_LABELS)
    table["Due date"] = [uk_short_date(d) if isinstance(d, str) else "" for d in actions["due_date"]]
    return table
