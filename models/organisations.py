"""The organisation directory's records: profiles, funding history, the filters' values,
adding and editing by hand (validated and audited), and the fictional demonstration
directory. Searching it is ``models/directory_search.py``.

The search index (SQLite FTS5) and the district and theme lists are kept up to date by
triggers (``models/sql/020_directory.sql``, 125), so rows written by any importer are
searchable at once. Money is integer pence."""

from __future__ import annotations

import csv
import json
import re
from typing import Any

import pandas as pd

from . import policy, store, versioned
from .demo_directory import DEMO_CSV, DEMO_SOURCE
from .errors import DomainError
from .formatting import money, pounds_to_pence
from .identifiers import (
    clean_charity_number,
    clean_company_number,
    clean_postcode,
    normalise_name,
    validate_org_id,
)

DISTRICTS = ("Congleton", "Crewe and Nantwich", "Macclesfield")

ORG_TYPES = (
    "charity",
    "CIO",
    "company limited by guarantee",
    "community interest company",
    "co-operative",
    "mutual",
    "faith group",
    "unincorporated community group",
)

# Local Area Agreement themes. Assumption: the framework refers to "LAA themes" without
# listing them; these are the four LAA blocks of the 2004-08 guidance (children and young
# people; safer and stronger communities; healthier communities and older people;
# economic development and enterprise) plus the environment and culture, sport and
# leisure themes Cheshire's partnerships used. See docs/directory.md.
LAA_THEMES = (
    "Children and young people",
    "Healthier communities and older people",
    "Safer and stronger communities",
    "Economic development and enterprise",
    "Environment",
    "Culture, sport and leisure",
)

# Charity Commission register classifications, as the register extract spells them.
CC_WHAT = (
    "General Charitable Purposes", "Education/training", "The Advancement Of Health Or Saving Of Lives",
    "Disability", "The Prevention Or Relief Of Poverty", "Overseas Aid/famine Relief", "Accommodation/housing",
    "Religious Activities", "Arts/culture/heritage/science", "Amateur Sport", "Animals",
    "Environment/conservation/heritage", "Economic/community Development/employment",
    "Armed Forces/emergency Service Efficiency",
    "Human Rights/religious Or Racial Harmony/equality Or Diversity", "Recreation", "Other Charitable Purposes",
)
CC_WHO = (
    "Children/young People", "Elderly/old People", "People With Disabilities",
    "People Of A Particular Ethnic Or Racial Origin", "Other Charities Or Voluntary Bodies",
    "Other Defined Groups", "The General Public/mankind",
)
CC_HOW = (
    "Makes Grants To Individuals", "Makes Grants To Organisations", "Provides Other Finance",
    "Provides Human Resources", "Provides Buildings/facilities/open Space", "Provides Services",
    "Provides Advocacy/advice/information", "Sponsors Or Undertakes Research",
    "Acts As An Umbrella Or Resource Body", "Other Charitable Activities",
)
KNOWN_THEMES = LAA_THEMES + CC_WHAT + CC_WHO + CC_HOW

# Size bands by latest annual income (NCVO Civil Society Almanac bands), in pence.
SIZE_BANDS = {
    "Micro (under £10,000)": (0, 1_000_000),
    "Small (£10,000 to £100,000)": (1_000_000, 10_000_000),
    "Medium (£100,000 to £1 million)": (10_000_000, 100_000_000),
    "Large (£1 million to £10 million)": (100_000_000, 1_000_000_000),
    "Major (£10 million or more)": (1_000_000_000, None),
}
UNKNOWN_SIZE = "Income not known"
ROLES = ("Front line", "Infrastructure (support)")

DEMO_SETTING = "directory.show_demo"
MANUAL_SOURCE = "Added by hand in the directory"
LOCAL_ID_PREFIX = "360G-CHE-DIR-"
AUDIT_ENTITY = "organisation"

EDITABLE_FIELDS = (
    "name", "charity_number", "company_number", "other_ids", "org_type", "districts", "themes",
    "description", "latest_income_pence", "staff", "volunteers", "is_infrastructure",
    "delivers_public_services", "postcode", "website",
)
FIELD_LABELS = {
    "org_id": "Organisation identifier",
    "name": "Name",
    "charity_number": "Charity number",
    "company_number": "Company number",
    "other_ids": "Other identifiers",
    "org_type": "Type",
    "districts": "Districts served",
    "themes": "Themes",
    "description": "Description of services",
    "latest_income_pence": "Latest annual income",
    "staff": "Staff",
    "volunteers": "Volunteers",
    "is_infrastructure": "Infrastructure organisation",
    "delivers_public_services": "Delivers public services",
    "postcode": "Postcode",
    "website": "Website",
    "who": "Your name",
}


# ---------------------------------------------------------------------------
# Demonstration data and the show/hide setting


def demo_shown(db: store.Database) -> bool:
    """Whether fictional demonstration organisations are shown (the default) or switched off."""
    row = db.execute("SELECT value FROM settings WHERE key = :key", {"key": DEMO_SETTING}).fetchone()
    return row is None or row[0] != "0"


def set_demo_shown(db: store.Database, shown: bool, *, who: str | None = None,
                   actor: policy.Actor | None = None) -> int:
    """Switch the demonstration directory on or off (audited). Switching on loads it if
    it is not in the database. Returns how many demo organisations were loaded. The
    current setting is read inside the write, so the audit's "before" is true."""
    actor = policy.actor_or_name(actor, who)
    policy.require(actor, "organisation.edit", {"setting": DEMO_SETTING})
    with store.transaction(db):
        before = demo_shown(db)
        db["settings"].upsert({"key": DEMO_SETTING, "value": "1" if shown else "0"}, pk="key")
        if before != shown:
            versioned.record_audit(
                db, entity="setting", entity_id=DEMO_SETTING, action="change", who=actor.label,
                before={"demo_shown": before}, after={"demo_shown": shown},
            )
        return load_demo(db) if shown else 0


def read_demo_csv(path=DEMO_CSV) -> list[dict]:
    """The demonstration directory as rows ready to insert (fictional; see demo_directory)."""
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            record.pop("service_kind", None)
            for column in ("latest_income_pence", "staff", "volunteers", "is_infrastructure", "delivers_public_services"):
                record[column] = int(record[column]) if record[column] != "" else None
            rows.append(record)
    return rows


def load_demo(db: store.Database) -> int:
    """Insert the demonstration organisations not yet in the database (never overwrites
    an edited one). Idempotent; returns how many were inserted."""
    rows = read_demo_csv()
    stamp = store.now_iso()
    with store.transaction(db):  # the check and the insert in one write: two first runs cannot both insert
        present = {r[0] for r in db.execute("SELECT org_id FROM organisations WHERE is_demo = 1")}
        missing = [
            {**row, "is_demo": 1, "source": DEMO_SOURCE, "source_file": "data/demo/" + DEMO_CSV.name, "updated_at": stamp}
            for row in rows
            if row["org_id"] not in present
        ]
        if missing:
            db["organisations"].insert_all(missing)
    return len(missing)


def seed(db: store.Database) -> int:
    """Load the fictional demonstration directory on first run, unless an officer has
    switched demonstration data off. Idempotent."""
    if not demo_shown(db):
        return 0
    return load_demo(db)


def directory_version(db: store.Database) -> str:
    """A string that changes whenever the directory (or the demo setting) changes: the
    cache key for the fitted matching model and cached searches."""
    row = db.execute("SELECT version FROM directory_version WHERE id = 1").fetchone()
    return f"{row[0] if row else 0}-{'demo' if demo_shown(db) else 'nodemo'}"


def visible_clause(db: store.Database, alias: str = "o") -> str:
    """SQL condition selecting the organisations users see (no demo rows when switched off)."""
    return "1 = 1" if demo_shown(db) else f"{alias}.is_demo = 0"


# ---------------------------------------------------------------------------
# What the directory holds


def _list(value: Any) -> list[str]:
    """A JSON list column as a Python list ([] for anything else)."""
    if isinstance(value, list):
        return value
    try:
        parsed = json.loads(value or "[]")
    except (TypeError, ValueError):
        return [str(value)]
    return [str(v) for v in parsed] if isinstance(parsed, list) else [str(parsed)]


def size_band(income_pence: int | None) -> str:
    """The size band of an annual income in pence."""
    if income_pence is None or pd.isna(income_pence):
        return UNKNOWN_SIZE
    for band, (low, high) in SIZE_BANDS.items():
        if income_pence >= low and (high is None or income_pence < high):
            return band
    return UNKNOWN_SIZE


def filter_options(db: store.Database) -> dict[str, list[str]]:
    """The values each filter can take: types, districts and themes present (LAA themes
    first), size bands and roles."""
    visible = visible_clause(db)
    types = [r[0] for r in db.execute(
        f"SELECT DISTINCT org_type FROM organisations o WHERE org_type IS NOT NULL AND {visible}")]
    # With demo data shown every listed value is visible: read the lists' indexes alone.
    join = "" if demo_shown(db) else "JOIN organisations o ON o.id = m.org_rowid WHERE o.is_demo = 0"
    districts = [r[0] for r in db.execute(f"SELECT DISTINCT m.district FROM organisation_districts m {join}")]
    themes = [r[0] for r in db.execute(f"SELECT DISTINCT m.theme FROM organisation_themes m {join}")]
    known_types = [t for t in ORG_TYPES if t in types] + sorted(t for t in types if t not in ORG_TYPES)
    return {
        "org_types": known_types,
        "districts": [d for d in DISTRICTS if d in districts] + sorted(d for d in districts if d not in DISTRICTS),
        "themes": [t for t in LAA_THEMES if t in themes] + sorted(t for t in themes if t not in LAA_THEMES),
        "size_bands": list(SIZE_BANDS) + [UNKNOWN_SIZE],
        "roles": list(ROLES),
    }


def counts(db: store.Database) -> dict[str, int]:
    """How many organisations users see: 'total', 'demo', 'real'."""
    total, demo = db.execute(
        f"SELECT COUNT(*), COALESCE(SUM(is_demo), 0) FROM organisations o WHERE {visible_clause(db)}"
    ).fetchone()
    return {"total": int(total), "demo": int(demo), "real": int(total) - int(demo)}


def directory_depth(db: store.Database, themes: tuple[str, ...] = LAA_THEMES) -> pd.DataFrame:
    """How many organisations work on each theme in each district (columns theme,
    district, organisations); zero rows included, so gaps show."""
    visible = visible_clause(db)
    params = {"themes": list(themes)}
    rows = db.execute(
        f"""SELECT t.theme, d.district, COUNT(DISTINCT o.id)
            FROM organisation_themes t
            JOIN organisation_districts d ON d.org_rowid = t.org_rowid
            JOIN organisations o ON o.id = t.org_rowid
            WHERE t.theme IN :themes AND {visible}
            GROUP BY t.theme, d.district""",
        params,
    ).fetchall()
    found = {(theme, district): n for theme, district, n in rows}
    districts = list(DISTRICTS) + sorted({d for _, d in found} - set(DISTRICTS))
    return pd.DataFrame(
        [{"theme": t, "district": d, "organisations": int(found.get((t, d), 0))} for t in themes for d in districts]
    )


# ---------------------------------------------------------------------------
# Profiles and funding history


def get(db: store.Database, org_id: str) -> dict | None:
    """One organisation by its org-id, with lists parsed and size band and role added;
    None if there is none."""
    rows = list(db.query("SELECT * FROM organisations WHERE org_id = :org_id", {"org_id": org_id}))
    if not rows:
        return None
    record = rows[0]
    for column in ("districts", "themes", "other_ids"):
        record[column] = _list(record[column])
    record["size_band"] = size_band(record["latest_income_pence"])
    record["role"] = ROLES[1] if record["is_infrastructure"] else ROLES[0]
    record["laa_themes"] = [t for t in record["themes"] if t in LAA_THEMES]
    record["classifications"] = [t for t in record["themes"] if t not in LAA_THEMES]
    record["hidden"] = bool(record["is_demo"]) and not demo_shown(db)
    return record


def names(db: store.Database, org_ids: tuple[str, ...]) -> dict[str, str]:
    """{org_id: directory name} for the given org-ids; an id not in the directory names itself."""
    found = {r[0]: r[1] for r in db.execute(
        "SELECT org_id, name FROM organisations WHERE org_id IN :org_ids", {"org_ids": list(org_ids)})} if org_ids else {}
    return {o: found.get(o, o) for o in org_ids}


def funding_records(db: store.Database, organisation: dict) -> pd.DataFrame:
    """Grants and contracts paid to an organisation, from the spend table: rows whose
    recipient id is one of its identifiers, or whose recipient name normalises to its
    name. Columns: financial_year, date, authority, funding_type, amount_pence,
    recipient, description, source, matched_by."""
    ids = [organisation["org_id"]] + list(organisation.get("other_ids") or [])
    if organisation.get("charity_number"):
        ids.append(f"GB-CHC-{organisation['charity_number']}")
    if organisation.get("company_number"):
        ids.append(f"GB-COH-{organisation['company_number']}")
    ids = list(dict.fromkeys(i for i in ids if i))
    key = normalise_name(organisation["name"])
    longest = max(key.split(), key=len) if key else ""
    columns = "financial_year, date, authority, funding_type, amount_pence, recipient, recipient_id, description, source"
    params = {"longest": longest, "pattern": f"%{longest}%", "ids": ids}
    rows = db.execute(
        f"SELECT {columns} FROM spend WHERE recipient_id IN :ids "
        "OR (:longest <> '' AND lower(recipient) LIKE lower(:pattern)) ORDER BY financial_year, date, id",
        params,
    ).fetchall()
    records = []
    for year, date, authority, funding_type, amount, recipient, recipient_id, description, source in rows:
        if recipient_id in ids:
            matched_by = "identifier"
        elif key and normalise_name(recipient or "") == key:
            matched_by = "name"
        else:
            continue
        records.append((year, date, authority, funding_type, int(amount), recipient, description, source, matched_by))
    return pd.DataFrame.from_records(
        records,
        columns=["financial_year", "date", "authority", "funding_type", "amount_pence", "recipient", "description", "source", "matched_by"],
    )


def funding_by_year(records: pd.DataFrame) -> pd.DataFrame:
    """Funding records summed per financial year and funding type (pence)."""
    if records.empty:
        return pd.DataFrame(columns=["financial_year", "funding_type", "amount_pence", "records"])
    return (
        records.groupby(["financial_year", "funding_type"], as_index=False)
        .agg(amount_pence=("amount_pence", "sum"), records=("amount_pence", "size"))
        .astype({"amount_pence": "int64"})
    )


def changes(db: store.Database, org_id: str) -> list[dict]:
    """The audit log for one organisation, newest first (who, when, before, after)."""
    entries = versioned.audit_entries(db, AUDIT_ENTITY, org_id)
    for entry in entries:
        entry["before"] = json.loads(entry["before_json"]) if entry["before_json"] else None
        entry["after"] = json.loads(entry["after_json"]) if entry["after_json"] else None
    return entries


# ---------------------------------------------------------------------------
# Adding and editing by hand


def _split_ids(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = re.split(r"[\s,;]+", str(value or ""))
    return [i.strip() for i in items if i and i.strip()]


def _whole_number(value: Any, label: str, problems: list[str]) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).replace(",", "").strip())
    except ValueError:
        problems.append(f"{label}: '{value}' is not a whole number")
        return None
    if number < 0:
        problems.append(f"{label}: cannot be negative")
        return None
    return number


def _chosen(values, allowed, label: str, noun: str, problems: list[str]) -> str:
    """A list of choices from ``allowed`` (at least one) as JSON; problems name ``label``."""
    chosen = [v for v in (values or []) if v]
    unknown = [v for v in chosen if v not in allowed]
    if not chosen:
        problems.append(f"{label}: choose at least one {noun}")
    elif unknown:
        problems.append(f"{label}: unknown {noun} {', '.join(unknown)}")
    return json.dumps(chosen)


def validate(form: dict, *, adding: bool) -> dict:
    """Check a filled-in form (text as typed; lists for districts and themes; income in
    pounds as text or number under 'latest_income') and return clean column values.
    Raises DomainError whose ``problems`` each name the field and what to do."""
    problems: list[str] = []
    clean: dict[str, Any] = {}
    name = str(form.get("name") or "").strip()
    if not name:
        problems.append("Name: enter the organisation's name")
    elif len(name) > 200:
        problems.append("Name: keep it under 200 characters")
    clean["name"] = name

    charity = str(form.get("charity_number") or "").strip()
    clean["charity_number"] = clean_charity_number(charity) if charity else None
    if charity and clean["charity_number"] is None:
        problems.append(f"Charity number: '{charity}' is not a charity number (6 or 7 digits, e.g. 1164883)")
    company = str(form.get("company_number") or "").strip()
    clean["company_number"] = clean_company_number(company) if company else None
    if company and clean["company_number"] is None:
        problems.append(f"Company number: '{company}' is not a company number (8 characters, e.g. 04325234 or SC123456)")
    other_ids = _split_ids(form.get("other_ids"))
    for other in other_ids:
        for problem in validate_org_id(other):
            problems.append(f"Other identifiers: {problem}")
    clean["other_ids"] = json.dumps(other_ids)

    if adding:
        org_id = str(form.get("org_id") or "").strip()
        if org_id:
            problems += [f"Organisation identifier: {p}" for p in validate_org_id(org_id)]
        elif clean["charity_number"]:
            org_id = f"GB-CHC-{clean['charity_number']}"
        elif clean["company_number"]:
            org_id = f"GB-COH-{clean['company_number']}"
        if org_id.upper().startswith("GB-CHC-") and clean["charity_number"] and org_id[7:] != clean["charity_number"]:
            problems.append("Organisation identifier: it names a different charity number from the Charity number field")
        clean["org_id"] = org_id or None

    org_type = str(form.get("org_type") or "").strip()
    if org_type not in ORG_TYPES:
        problems.append(f"Type: choose one of {', '.join(ORG_TYPES)}")
    clean["org_type"] = org_type

    clean["districts"] = _chosen(form.get("districts"), DISTRICTS, "Districts served", "district", problems)
    clean["themes"] = _chosen(form.get("themes"), KNOWN_THEMES, "Themes", "theme", problems)

    description = str(form.get("description") or "").strip()
    if len(description) < 20:
        problems.append("Description of services: describe what the organisation does in at least 20 characters (it is what search and matching read)")
    elif len(description) > 5000:
        problems.append("Description of services: keep it under 5,000 characters")
    clean["description"] = description

    income = form.get("latest_income")
    clean["latest_income_pence"] = None
    if income not in (None, ""):
        try:
            clean["latest_income_pence"] = pounds_to_pence(income)
            if clean["latest_income_pence"] < 0:
                problems.append("Latest annual income: cannot be negative")
        except ValueError:
            problems.append(f"Latest annual income: '{income}' is not an amount in pounds (e.g. 125000 or £125,000.00)")
    clean["staff"] = _whole_number(form.get("staff"), "Staff", problems)
    clean["volunteers"] = _whole_number(form.get("volunteers"), "Volunteers", problems)
    clean["is_infrastructure"] = int(bool(form.get("is_infrastructure")))
    clean["delivers_public_services"] = int(bool(form.get("delivers_public_services")))

    postcode = str(form.get("postcode") or "").strip()
    clean["postcode"] = clean_postcode(postcode) if postcode else None
    if postcode and clean["postcode"] is None:
        problems.append(f"Postcode: '{postcode}' is not a UK postcode (e.g. CW1 2BJ)")
    website = str(form.get("website") or "").strip()
    if website and not re.match(r"^https?://[^\s/$.?#].[^\s]*$", website, re.IGNORECASE):
        problems.append(f"Website: '{website}' should be a full address starting https://")
    clean["website"] = website or None

    if problems:
        raise DomainError("Please correct: " + "; ".join(problems), problems=problems)
    return clean


def _next_local_id(db: store.Database) -> str:
    """A local org-id for a group with no register number (360Giving's '360G-' prefix:
    an identifier the council's directory assigns)."""
    held = db.execute(
        "SELECT org_id FROM organisations WHERE substr(org_id, 1, :length) = :prefix",
        {"length": len(LOCAL_ID_PREFIX), "prefix": LOCAL_ID_PREFIX},
    ).fetchall()
    numbers = [int(tail) for (org_id,) in held if (tail := org_id[len(LOCAL_ID_PREFIX):]).isdigit()]
    return f"{LOCAL_ID_PREFIX}{max(numbers, default=0) + 1:05d}"


def _checked(form: dict, actor: policy.Actor, *, adding: bool) -> tuple[dict, str]:
    """The form's clean values and the editor's label, or one DomainError listing every
    problem (the name included)."""
    who = actor.label if (actor.signed_in or actor.name.strip()) else ""
    problems = [] if who else ["Your name: enter your name for the change log"]
    try:
        clean = validate(form, adding=adding)
    except DomainError as error:
        problems = error.problems + problems
    if problems:
        raise DomainError("Please correct: " + "; ".join(problems), problems=problems)
    return clean, who


def add(db: store.Database, form: dict, *, who: str | None = None, actor: policy.Actor | None = None) -> str:
    """Add an organisation from a form (validated; audited). Returns its org-id. The
    identifier is checked to be new inside the transaction that adds it."""
    actor = policy.actor_or_name(actor, who)
    policy.require(actor, "organisation.edit")
    clean, who = _checked(form, actor, adding=True)
    with store.transaction(db):
        if clean["org_id"] is None:
            clean["org_id"] = _next_local_id(db)
        existing = db.execute("SELECT name FROM organisations WHERE org_id = :org_id", {"org_id": clean["org_id"]}).fetchone()
        if existing:
            problem = f"Organisation identifier: {clean['org_id']} is already in the directory ({existing[0]}); edit that entry instead"
            raise DomainError(problem, problems=[problem])
        record = {**clean, "is_demo": 0, "source": f"{MANUAL_SOURCE} by {who}", "updated_at": store.now_iso(),
                  "updated_by": who}
        db["organisations"].insert(record)
        versioned.record_audit(db, entity=AUDIT_ENTITY, entity_id=clean["org_id"], action="add", who=who, after=_audit_view(record))
    return clean["org_id"]


def update(db: store.Database, org_id: str, form: dict, *, who: str | None = None, reason: str | None = None,
           actor: policy.Actor | None = None, expected_version: int | None = None) -> dict:
    """Edit an organisation (validated; the fields that changed go in the audit log with
    their values before and after, read in the same transaction). Returns the changed
    fields' new values. ``expected_version``: the organisation's ``version`` when the
    person opened it; if someone (or an import) changed it since, ``StaleEdit`` says what
    and nothing is written."""
    actor = policy.actor_or_name(actor, who)
    clean, who = _checked(form, actor, adding=False)
    with store.transaction(db):
        current = versioned.check_version(db, "organisations", {"org_id": org_id}, expected_version, clean,
                                      entity=AUDIT_ENTITY, changed_by=("updated_by", "updated_at"),
                                      label=f"Organisation {org_id}")
        if current is None:
            raise DomainError(f"Organisation identifier: {org_id} is not in the directory")
        policy.require(actor, "organisation.edit", current)
        changed = {k: v for k, v in clean.items() if current.get(k) != v}
        if not changed:
            return {}
        db.execute(
            f"UPDATE organisations SET {', '.join(f'{k} = :{k}' for k in changed)}, updated_at = :updated_at, "
            "updated_by = :updated_by, version = version + 1 WHERE org_id = :org_id",
            {**changed, "updated_at": store.now_iso(), "updated_by": who, "org_id": org_id},
        )
        versioned.record_audit(
            db, entity=AUDIT_ENTITY, entity_id=org_id, action="edit", who=who,
            before=_audit_view({k: current[k] for k in changed}), after=_audit_view(changed), reason=reason,
        )
    return changed


def _audit_view(record: dict) -> dict:
    """Fields as a person reads them (lists as lists, income in pounds)."""
    view = {}
    for key, value in record.items():
        if key in ("districts", "themes", "other_ids"):
            view[key] = _list(value)
        elif key == "latest_income_pence":
            view["latest_income"] = money(value) if value is not None else None
        elif key in EDITABLE_FIELDS or key == "org_id":
            view[key] = value
    return view


def form_values(organisation: dict) -> dict:
    """An organisation as the edit form's starting values (the inverse of validate)."""
    income = organisation.get("latest_income_pence")
    return {
        **{k: organisation.get(k) for k in EDITABLE_FIELDS},
        "other_ids": ", ".join(organisation.get("other_ids") or []),
        "latest_income": "" if income is None else f"{income / 100:.2f}",
    }


def documents(db: store.Database) -> pd.DataFrame:
    """Every visible organisation's text for matching, in a stable order: id, org_id,
    name, org_type, districts (list), themes (list), description, is_demo."""
    rows = db.execute(
        "SELECT id, org_id, name, org_type, districts, themes, description, is_demo FROM organisations o "
        f"WHERE {visible_clause(db)} ORDER BY id"
    ).fetchall()
    frame = pd.DataFrame.from_records(
        rows, columns=["id", "org_id", "name", "org_type", "districts", "themes", "description", "is_demo"]
    )
    frame["districts"] = [_list(v) for v in frame["districts"]]
    frame["themes"] = [_list(v) for v in frame["themes"]]
    return frame
