"""The consultation log: the framework's Consult stream as records.

Each consultation has a subject, service and department, its dates and method, who was
invited and who took part (directory organisations, and groups described in words for
communities not in the directory), the number of responses and a summary, the decision it
informed (a tender, an agreement or an action-plan row) and its "you said, we did"
feedback. Records are created whole and edited with a version (a stale save is refused);
every change is audited. The Compact checks on these records are in ``models.compact``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from . import policy, store, versioned
from .errors import DomainError
from .formatting import uk_date
from .outcomes import parse_date

ENTITY = "consultation"
METHODS = ("Online", "Workshop", "Assembly or network", "Survey")
DECISION_KINDS = ("", "Tender", "Agreement", "Action")
ROLES = ("invited", "took part")
MAX_TEXT = 4000
MAX_SHORT = 200

PLANNED, OPEN, FEEDBACK_DUE, CLOSED = "Planned", "Open", "Closed, feedback to publish", "Closed, feedback published"
STATUSES = (PLANNED, OPEN, FEEDBACK_DUE, CLOSED)

FIELDS = ("subject", "service", "department", "start_date", "end_date", "method", "shorter_reason", "responses",
          "summary", "decision_kind", "decision", "agreement_ref", "feedback_published_on", "feedback_text")
LINK_FIELDS = ("invited_orgs", "invited_groups", "took_part_orgs", "took_part_groups", "tenders", "actions")
FIELD_LABELS = {
    "subject": "Subject", "service": "Service", "department": "Department", "start_date": "Start date",
    "end_date": "End date", "method": "Method", "shorter_reason": "Reason it is shorter", "responses": "Responses",
    "summary": "Summary of responses", "decision_kind": "Decision it informed", "decision": "Decision, in words",
    "agreement_ref": "Agreement", "feedback_published_on": "Feedback published on", "feedback_text": "Feedback text",
    "invited_orgs": "Organisations invited", "invited_groups": "Groups invited",
    "took_part_orgs": "Organisations that took part", "took_part_groups": "Groups that took part",
    "tenders": "Tenders informed", "actions": "Action-plan rows informed",
}


# --------------------------------------------------------------------------- checking


def _text(form: dict, field: str, problems: list[str], *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = str(form.get(field) or "").strip()
    if required and not text:
        problems.append(f"{FIELD_LABELS[field]}: enter it (it is required).")
    if len(text) > limit:
        problems.append(f"{FIELD_LABELS[field]}: keep it under {limit:,} characters.")
    return text


def _date(form: dict, field: str, problems: list[str], *, required: bool) -> dt.date | None:
    value = form.get(field)
    if value in (None, "") or (isinstance(value, float) and pd.isna(value)):
        if required:
            problems.append(f"{FIELD_LABELS[field]}: enter a date, as 24/11/2026.")
        return None
    try:
        return parse_date(value, where=FIELD_LABELS[field])
    except DomainError as error:
        problems.append(str(error))
        return None


def _lines(value: Any) -> list[str]:
    """A list from a list, or from text with one item a line (blank lines dropped)."""
    if value is None:
        return []
    items = value.splitlines() if isinstance(value, str) else list(value)
    seen: list[str] = []
    for item in items:
        text = str(item).strip()
        if text and text not in seen:
            seen.append(text)
    return seen


def validate(db: store.Database, form: dict, *, today: dt.date | None = None) -> dict:
    """The form's values checked and cleaned, or one DomainError listing every problem
    (each names the field and what to do). Dates are returned as ISO text."""
    from . import compact  # the standard period lives with the checks

    today = today or dt.date.today()
    problems: list[str] = []
    clean: dict[str, Any] = {
        "subject": _text(form, "subject", problems, required=True, limit=MAX_SHORT),
        "service": _text(form, "service", problems, limit=MAX_SHORT),
        "department": _text(form, "department", problems, required=True, limit=MAX_SHORT),
        "summary": _text(form, "summary", problems),
        "decision": _text(form, "decision", problems),
        "agreement_ref": _text(form, "agreement_ref", problems, limit=MAX_SHORT),
        "feedback_text": _text(form, "feedback_text", problems),
        "shorter_reason": _text(form, "shorter_reason", problems),
    }
    method = str(form.get("method") or "").strip()
    if method not in METHODS:
        problems.append(f"Method: choose one of {', '.join(METHODS)}.")
    clean["method"] = method
    kind = str(form.get("decision_kind") or "").strip()
    if kind not in DECISION_KINDS:
        problems.append("Decision it informed: choose a tender, an agreement or an action (or leave it empty).")
    clean["decision_kind"] = kind

    start = _date(form, "start_date", problems, required=True)
    end = _date(form, "end_date", problems, required=True)
    published = _date(form, "feedback_published_on", problems, required=False)
    if start and end and end < start:
        problems.append(f"End date: {uk_date(end)} is before the start date {uk_date(start)}; "
                        "a consultation must end on or after the day it starts.")
    if published and end and published < end:
        problems.append(f"Feedback published on: {uk_date(published)} is before the consultation ends "
                        f"({uk_date(end)}); feedback follows the consultation.")
    if published and published > today:
        problems.append(f"Feedback published on: {uk_date(published)} is in the future; record it once it is published.")
    if published and not clean["feedback_text"]:
        problems.append("Feedback text: give the 'you said, we did' text that was published.")
    if start and end and end >= start:
        length = compact.consultation_length(start, end, compact.load_standards())
        if not length["meets"] and not clean["shorter_reason"]:
            problems.append(
                f"Reason it is shorter: the consultation is open {length['working_days']} working days, shorter than "
                f"the Compact's {length['standard_label']}; record why (the Compact asks for a clear rationale)."
            )
    clean["start_date"] = start.isoformat() if start else None
    clean["end_date"] = end.isoformat() if end else None
    clean["feedback_published_on"] = published.isoformat() if published else None

    responses = form.get("responses")
    if responses in (None, "") or (isinstance(responses, float) and pd.isna(responses)):
        clean["responses"] = None
    else:
        try:
            number = float(str(responses).replace(",", "").strip())
            if not number.is_integer() or number < 0:
                raise ValueError
            clean["responses"] = int(number)
        except ValueError:
            problems.append(f"Responses: '{responses}' should be a whole number, 0 or more.")
            clean["responses"] = None

    clean.update(_check_links(db, form, problems))
    if problems:
        raise DomainError("Nothing was saved. " + " ".join(problems), problems=problems)
    return clean


def _check_links(db: store.Database, form: dict, problems: list[str]) -> dict:
    """Organisations, groups, tenders and action-plan rows, each checked to exist."""
    from . import tender_records

    links: dict[str, Any] = {}
    for field in ("invited_orgs", "took_part_orgs"):
        org_ids = _lines(form.get(field))
        known = {r[0] for r in db.execute(
            "SELECT org_id FROM organisations WHERE org_id IN :org_ids", {"org_ids": org_ids})} if org_ids else set()
        unknown = [o for o in org_ids if o not in known]
        if unknown:
            problems.append(f"{FIELD_LABELS[field]}: {', '.join(unknown)} not in the directory; "
                            "describe groups not in the directory in words instead.")
        links[field] = org_ids
    for field in ("invited_groups", "took_part_groups"):
        groups = _lines(form.get(field))
        if any(len(g) > MAX_SHORT for g in groups):
            problems.append(f"{FIELD_LABELS[field]}: keep each group's description under {MAX_SHORT} characters.")
        links[field] = groups
    tenders = []
    for entry in form.get("tenders") or []:
        tender_id, notice = (entry.get("tender_id"), entry.get("tender_notice_on")) if isinstance(entry, dict) else entry
        try:
            tender_records.get_tender(db, int(tender_id))
        except (DomainError, TypeError, ValueError):
            problems.append(f"{FIELD_LABELS['tenders']}: no tender with id {tender_id}.")
            continue
        notice_on = None
        if notice not in (None, ""):
            try:
                notice_on = parse_date(notice, where=f"Tender {tender_id}, tender notice date").isoformat()
            except DomainError as error:
                problems.append(str(error))
        tenders.append({"tender_id": int(tender_id), "tender_notice_on": notice_on})
    links["tenders"] = tenders
    action_ids = _lines(form.get("actions"))
    known_actions = {r[0] for r in db.execute("SELECT action_id FROM actions")}
    unknown_actions = [a for a in action_ids if a not in known_actions]
    if unknown_actions:
        problems.append(f"{FIELD_LABELS['actions']}: no action {', '.join(unknown_actions)} in the action plan.")
    links["actions"] = action_ids
    return links


# --------------------------------------------------------------------------- writing


def _write_links(db: store.Database, consultation_id: int, clean: dict) -> None:
    for table in ("consultation_participants", "consultation_tenders", "consultation_actions"):
        db.execute(f"DELETE FROM {table} WHERE consultation_id = :id", {"id": consultation_id})
    participants = (
        [{"role": "invited", "org_id": o, "group_description": ""} for o in clean["invited_orgs"]]
        + [{"role": "invited", "org_id": "", "group_description": g} for g in clean["invited_groups"]]
        + [{"role": "took part", "org_id": o, "group_description": ""} for o in clean["took_part_orgs"]]
        + [{"role": "took part", "org_id": "", "group_description": g} for g in clean["took_part_groups"]]
    )
    db["consultation_participants"].insert_all(
        [{"consultation_id": consultation_id, "entry_order": n, **p} for n, p in enumerate(participants, start=1)])
    db["consultation_tenders"].insert_all([{"consultation_id": consultation_id, **t} for t in clean["tenders"]])
    db["consultation_actions"].insert_all(
        [{"consultation_id": consultation_id, "action_id": a} for a in clean["actions"]])


def create(db: store.Database, form: dict, *, actor: policy.Actor, planned_with_toolkit: bool = False,
           today: dt.date | None = None) -> int:
    """Log a new consultation (all or nothing, audited); returns its id."""
    policy.require(actor, "consultation.edit")
    clean = validate(db, form, today=today)
    with store.transaction(db):
        consultation_id = db["consultations"].insert({
            **{f: clean[f] for f in FIELDS}, "planned_with_toolkit": int(planned_with_toolkit),
            "created_at": store.now_iso(), "created_by": actor.label, "version": 1,
        }).last_pk
        _write_links(db, consultation_id, clean)
        versioned.record_audit(db, entity=ENTITY, entity_id=consultation_id,
                           action="planned with the toolkit" if planned_with_toolkit else "logged",
                           who=actor.label, after=clean)
    return int(consultation_id)


def update(db: store.Database, consultation_id: int, changes: dict, *, expected_version: int,
           actor: policy.Actor, today: dt.date | None = None) -> dict:
    """Apply ``changes`` (any of the form's fields) to a consultation opened at
    ``expected_version``; every field is checked again as a whole record. A stale save
    raises ``StaleEdit``; a bad value raises ``DomainError``; either way nothing changes."""
    with store.transaction(db):
        current = get(db, consultation_id)
        policy.require(actor, "consultation.edit", current)
        form = {**form_values(current), **changes}
        clean = validate(db, form, today=today)
        before_links = {f: current[f] for f in LINK_FIELDS}
        changed_fields = {f: clean[f] for f in FIELDS if clean[f] != current[f]} or {"subject": clean["subject"]}
        versioned.update_versioned(db, "consultations", {"consultation_id": consultation_id}, expected_version,
                               changed_fields, entity=ENTITY, who=actor.label)
        after_links = {f: clean[f] for f in LINK_FIELDS}
        if after_links != before_links:
            _write_links(db, consultation_id, clean)
            changed = [f for f in LINK_FIELDS if after_links[f] != before_links[f]]
            versioned.record_audit(db, entity=ENTITY, entity_id=consultation_id, action="links changed", who=actor.label,
                               before={f: before_links[f] for f in changed}, after={f: after_links[f] for f in changed})
    return get(db, consultation_id)


# --------------------------------------------------------------------------- reading


def get(db: store.Database, consultation_id: int) -> dict:
    """One consultation with its participants and links, or a DomainError."""
    key = {"id": consultation_id}
    rows = list(db.query("SELECT * FROM consultations WHERE consultation_id = :id", key))
    if not rows:
        raise DomainError(f"Consultation {consultation_id} does not exist: someone may have removed it.")
    record = rows[0]
    people = list(db.query("SELECT * FROM consultation_participants WHERE consultation_id = :id ORDER BY entry_order",
                           key))
    for role, prefix in (("invited", "invited"), ("took part", "took_part")):
        record[f"{prefix}_orgs"] = [p["org_id"] for p in people if p["role"] == role and p["org_id"]]
        record[f"{prefix}_groups"] = [p["group_description"] for p in people if p["role"] == role and p["group_description"]]
    record["tenders"] = [
        {"tender_id": r["tender_id"], "tender_notice_on": r["tender_notice_on"]}
        for r in db.query("SELECT * FROM consultation_tenders WHERE consultation_id = :id ORDER BY tender_id", key)
    ]
    record["actions"] = [r[0] for r in db.execute(
        "SELECT action_id FROM consultation_actions WHERE consultation_id = :id ORDER BY action_id", key)]
    return record


def form_values(record: dict) -> dict:
    """A stored consultation as form values (the editable fields and links)."""
    return {f: record[f] for f in (*FIELDS, *LINK_FIELDS)}


def status(record: dict, today: dt.date) -> str:
    """Planned, open, closed with feedback to publish, or closed with feedback published."""
    start, end = dt.date.fromisoformat(record["start_date"]), dt.date.fromisoformat(record["end_date"])
    if today < start:
        return PLANNED
    if today <= end:
        return OPEN
    published = record.get("feedback_published_on")
    # A row of a DataFrame holds a missing date as NaN, which is truthy: not published.
    return CLOSED if published and published == published else FEEDBACK_DUE


LIST_COLUMNS = ["consultation_id", "subject", "service", "department", "start_date", "end_date", "method",
                "shorter_reason", "responses", "summary", "decision_kind", "decision", "agreement_ref",
                "feedback_published_on", "feedback_text", "planned_with_toolkit", "version", "invited",
                "took_part", "providers_took_part", "tenders", "actions"]


def list_consultations(db: store.Database) -> pd.DataFrame:
    """Every consultation, newest start first, with counts of who was invited and who took
    part (organisations and groups), how many directory organisations took part, and the
    tenders ('3; 5') and action-plan rows ('CON-C5') it informed."""
    sql = """
        SELECT c.*,
          (SELECT COUNT(*) FROM consultation_participants p WHERE p.consultation_id = c.consultation_id AND p.role = 'invited') AS invited,
          (SELECT COUNT(*) FROM consultation_participants p WHERE p.consultation_id = c.consultation_id AND p.role = 'took part') AS took_part,
          (SELECT COUNT(*) FROM consultation_participants p WHERE p.consultation_id = c.consultation_id AND p.role = 'took part' AND p.org_id <> '') AS providers_took_part
        FROM consultations c ORDER BY c.start_date DESC, c.consultation_id DESC
    """
    frame = pd.DataFrame(list(db.query(sql)))
    if frame.empty:
        return pd.DataFrame(columns=LIST_COLUMNS)
    for column, table in (("tenders", "consultation_tenders"), ("actions", "consultation_actions")):
        joined = _joined(db.execute(f"SELECT consultation_id, {column[:-1]}_id FROM {table} "
                                    f"ORDER BY consultation_id, {column[:-1]}_id").fetchall())
        frame[column] = [joined.get(i, "") for i in frame["consultation_id"]]
    return frame[LIST_COLUMNS]


def _joined(pairs) -> dict[Any, str]:
    """{key: 'value; value'} from (key, value) pairs, in their order."""
    joined: dict[Any, list[str]] = {}
    for key, value in pairs:
        joined.setdefault(key, []).append(str(value))
    return {key: "; ".join(values) for key, values in joined.items()}


def tender_links(db: store.Database) -> pd.DataFrame:
    """Every consultation-to-tender link: consultation, tender, tender notice date, the
    consultation's end date and how many directory organisations took part."""
    sql = """
        SELECT t.tender_id, t.consultation_id, t.tender_notice_on, c.subject, c.department, c.end_date,
          (SELECT COUNT(*) FROM consultation_participants p WHERE p.consultation_id = c.consultation_id
             AND p.role = 'took part' AND p.org_id <> '') AS providers_took_part
        FROM consultation_tenders t JOIN consultations c USING (consultation_id)
        ORDER BY t.tender_id, t.consultation_id
    """
    columns = ["tender_id", "consultation_id", "tender_notice_on", "subject", "department", "end_date",
               "providers_took_part"]
    return pd.DataFrame(list(db.query(sql)), columns=columns)


def departments(db: store.Database) -> list[str]:
    """Departments named in the consultation log and the funding entered here, sorted."""
    rows = db.execute("SELECT department FROM consultations UNION SELECT department FROM compact_funding ORDER BY 1")
    return [r[0] for r in rows]


def participants(db: store.Database, consultation_id: int) -> pd.DataFrame:
    """Who was invited and who took part, with directory names: Role, Organisation or group, Org-id."""
    sql = """
        SELECT p.role, COALESCE(o.name, p.group_description, p.org_id) AS who, p.org_id
        FROM consultation_participants p LEFT JOIN organisations o ON o.org_id = p.org_id AND p.org_id <> ''
        WHERE p.consultation_id = :id ORDER BY p.role, p.entry_order
    """
    rows = [{"Role": r["role"].capitalize(), "Organisation or group": r["who"] or "", "Org-id": r["org_id"] or "(not in the directory)"}
            for r in db.query(sql, {"id": consultation_id})]
    return pd.DataFrame(rows, columns=["Role", "Organisation or group", "Org-id"])


def audit_trail(db: store.Database, consultation_id: int | None = None) -> pd.DataFrame:
    """Changes to consultations, newest first, in words ('field: before → after')."""
    from .formatting import uk_datetime
    import json

    rows = []
    for entry in versioned.audit_entries(db, ENTITY, consultation_id):
        before = json.loads(entry["before_json"]) if entry["before_json"] else {}
        after = json.loads(entry["after_json"]) if entry["after_json"] else {}
        if entry["action"] in ("logged", "planned with the toolkit"):
            what = f"{entry['action']}: {after.get('subject', '')}"
        else:
            what = "; ".join(f"{FIELD_LABELS.get(k, k)}: {_shown(before.get(k))} → {_shown(after.get(k))}" for k in after)
        rows.append({"When (London time)": uk_datetime(entry["at"]), "Who": entry["who"],
                     "Consultation": entry["entity_id"], "Change": what})
    return pd.DataFrame(rows, columns=["When (London time)", "Who", "Consultation", "Change"])


def _shown(value: Any) -> str:
    if value in (None, "", []):
        return "(empty)"
    if isinstance(value, list):
        return ", ".join(str(v.get("tender_id")) if isinstance(v, dict) else str(v) for v in value)
    return str(value)
