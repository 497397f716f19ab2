"""The organisation directory: search and filters, profiles, funding history, adding and
editing by hand (validated and audited), and the fictional demonstration directory.

The search index (SQLite FTS5) and the district and theme lists are kept up to date by
triggers (``models/sql/020_directory.sql``), so rows written by any importer are
searchable at once. Money is integer pence."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import policy, store
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
            store.record_audit(
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
# Search


@dataclass(frozen=True)
class DirectoryFilter:
    """What a directory search asks for. Empty tuples mean 'any'."""

    query: str = ""
    org_types: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    size_bands: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    public_services_only: bool = False

    def check(self) -> None:
        """Refuse a size band or role the directory does not have."""
        unknown = [b for b in self.size_bands if b not in SIZE_BANDS and b != UNKNOWN_SIZE]
        unknown += [r for r in self.roles if r not in ROLES]
        if unknown:
            raise DomainError(f"Unknown filter value: {', '.join(unknown)}")

    def own_conditions(self, params: dict) -> list[str]:
        """Conditions on the organisation's own columns (alias ``o``); their values are
        added to ``params`` (named)."""
        clauses: list[str] = []
        self.check()
        if self.org_types:
            clauses.append("o.org_type IN :org_types")
            params["org_types"] = list(self.org_types)
        if self.size_bands:
            ranges = []
            for number, band in enumerate(self.size_bands):
                if band == UNKNOWN_SIZE:
                    ranges.append("o.latest_income_pence IS NULL")
                    continue
                low, high = SIZE_BANDS[band]
                params[f"low_{number}"] = low
                if high:
                    params[f"high_{number}"] = high
                ranges.append(f"(o.latest_income_pence >= :low_{number}"
                              + (f" AND o.latest_income_pence < :high_{number})" if high else ")"))
            clauses.append("(" + " OR ".join(ranges) + ")")
        if len(set(self.roles)) == 1:
            clauses.append("o.is_infrastructure = :infrastructure")
            params["infrastructure"] = 1 if self.roles[0] == ROLES[1] else 0
        if self.public_services_only:
            clauses.append("o.delivers_public_services = 1")
        return clauses

    def _lists(self, params: dict) -> list[tuple[str, str]]:
        """(table, column) of each district or theme filter chosen; its values go to
        ``params`` under the column's name."""
        chosen = []
        for table, column, values in (("organisation_districts", "district", self.districts),
                                      ("organisation_themes", "theme", self.themes)):
            if values:
                chosen.append((table, column))
                params[column] = list(values)
        return chosen

    def list_sets(self, params: dict) -> list[str]:
        """For each district or theme filter, the SQL of the set of organisation ids on
        its list (read once through its index: never a lookup per organisation)."""
        return [f"SELECT org_rowid FROM {table} WHERE {column} IN :{column}" for table, column in self._lists(params)]

    def list_probes(self, params: dict) -> list[str]:
        """For each district or theme filter, a condition that the organisation ``o`` is on
        its list (one index probe a row: for walking organisations in name order)."""
        return [f"EXISTS (SELECT 1 FROM {table} m WHERE m.{column} IN :{column} AND m.org_rowid = o.id)"
                for table, column in self._lists(params)]

    def facet_expression(self) -> str:
        """SQLite: the filters as terms of the FTS5 index's ``facets`` column (migration
        125): one term a filter, its chosen values OR-ed. '' when nothing is filtered."""
        self.check()
        chosen = [
            [facet_token("d", v) for v in self.districts],
            [facet_token("t", v) for v in self.themes],
            [facet_token("y", v) for v in self.org_types],
            [facet_token("s", SIZE_CODES[b]) for b in self.size_bands],
            [facet_token("r", ROLES.index(self.roles[0]))] if len(set(self.roles)) == 1 else [],
            [facet_token("p", 1)] if self.public_services_only else [],
        ]
        return " AND ".join("facets : (" + " OR ".join(f'"{t}"' for t in tokens) + ")" for tokens in chosen if tokens)

    def match_expression(self, demo_visible: bool) -> str:
        """SQLite: the whole FTS5 query, the words (``fts_expression``) and the filters'
        facet terms; hidden demonstration rows (a few hundred) taken out with NOT. '' when
        there are neither words nor filters."""
        match = " AND ".join(e for e in (fts_expression(self.query), self.facet_expression()) if e)
        return f'({match}) NOT facets : "{facet_token("x", 1)}"' if match and not demo_visible else match


# Size bands' codes in the facet tokens (migration 125 writes them from the income in pence).
SIZE_CODES = {**{band: str(number) for number, band in enumerate(SIZE_BANDS)}, UNKNOWN_SIZE: "n"}


def facet_token(kind: str, value: Any) -> str:
    """The FTS5 token migration 125's triggers write for one facet of an organisation:
    'qq', the kind and the value. District (d), theme (t) and type (y) values are text,
    written as their UTF-8 bytes in hex (any text one token, as SQLite's ``hex()``); role
    (r, 0 front line or 1 infrastructure), public services (p), demonstration (x) and size
    band (s, ``SIZE_CODES``) are codes as they are."""
    return f"qq{kind}{str(value).encode('utf-8').hex() if kind in 'dty' else value}"


def search_words(text: str) -> list[str]:
    """The words of a search as typed (letters and digits; at most 20)."""
    return re.findall(r"\w+", text or "")[:20]


def fts_expression(text: str) -> str:
    """SQLite's FTS5 query for what a person typed: every word must appear (stemmed), each
    as a prefix, so results come as you type, in the name, description or themes (never
    the facets). '' when there are no words. (PostgreSQL's is ``tsquery_text``: the same
    rule.)"""
    return " ".join(f'{WORD_COLUMNS}"{w}"*' if _may_begin_a_facet(w) else f'"{w}"*' for w in search_words(text))


# Words are looked for in these columns only when they might begin a facet token (a word
# beginning with 'q', or with anything but an ASCII letter or digit); otherwise a column
# filter would only cost time (it reads each match's positions: 2x the whole search).
WORD_COLUMNS = "{name description themes} : "


def _may_begin_a_facet(word: str) -> bool:
    """Whether a search word, folded as FTS5 folds it, could begin a facet token ('qq...')."""
    first = unicodedata.normalize("NFKD", word)[:1].lower()
    return not (first.isascii() and first.isalnum() and first != "q")


def tsquery_text(text: str) -> str:
    """PostgreSQL's ``to_tsquery('dashboard_search', ...)`` text for what a person typed: the same
    rule as ``fts_expression`` (every word, stemmed, as a prefix). Words are letters and
    digits only, so nothing typed can change the query's syntax."""
    return " & ".join(f"'{w}':*" for w in search_words(text))


@dataclass
class SearchResult:
    """A page of matching organisations (``rows``, best first) and how many match in all."""

    rows: pd.DataFrame
    total: int
    demo_included: bool = field(default=False)


RESULT_COLUMNS = [
    "org_id", "name", "org_type", "districts", "themes", "size_band", "role", "public_services",
    "latest_income_pence", "staff", "volunteers", "is_demo", "description",
]


SEARCH_COLUMNS = (
    "o.id, o.org_id, o.name, o.org_type, o.districts, o.themes, o.description, o.latest_income_pence, "
    "o.staff, o.volunteers, o.is_infrastructure, o.delivers_public_services, o.is_demo"
)


# Ranking costs far more per match than finding the matches: a word in 40,000 descriptions
# took 80-300 ms to rank in full, and three words' bm25 over 2,000 matches 30 ms. Searches with more matches than this rank only the first
# RANKED matches (in the order organisations were added) and list them best first; the
# total still counts every match.
RANKED = 1_000

# Ranking weights: a word in the name weighs most, then in the themes, then in the
# description. SQLite: bm25's column weights (name, description, themes, facets; lower is
# better; the facets never count). PostgreSQL: ts_rank's weights for the tsvector's labels
# {D, C, B, A} (description C, themes B, name A; higher is better), the same 1 : 3 : 10.
FTS5_RANK = "bm25(organisations_fts, 10.0, 1.0, 3.0, 0.0)"
TS_RANK_WEIGHTS = "'{0, 0.1, 0.3, 1.0}'"
# PostgreSQL's query: the configuration and accent folding its search_document is made with
# (migration 020's twin: Snowball English stemming, no stop words, like FTS5's porter).
TS_QUERY = "to_tsquery('dashboard_search', dashboard_fold(:query))"
# SQLite, filters without words: the first page by name is found the cheapest of three
# ways, by the number of matches (from the count) and of organisations: read every match
# and sort (CPU about SORT_US a match), walk the name index checking each row against the
# matches read once as a set (SET_US a match + SET_WALK_US a row walked), or walk it
# checking each row's own columns and lists (PROBE_WALK_US a row). A walk reads about
# limit x organisations / matches rows. Measured at 170,000 organisations (bench_directory).
SORT_US, SET_US, SET_WALK_US, PROBE_WALK_US = 1.7, 0.13, 0.35, 4.4


def _dialect(db) -> str:
    return getattr(db, "dialect", "sqlite")


def _word_search_sql(db, directory_filter: DirectoryFilter, demo_visible: bool, params: dict) -> str:
    """One statement for a search with words: the matches that pass the filters (counted
    in full), the first RANKED of them ranked, and the best ``:limit`` rows with the count
    on each. SQLite: one FTS5 MATCH of the words and the filters' facet terms (migration
    125), counted, its first RANKED ranked by the words alone (bm25 restricted to them: the
    ``+`` keeps SQLite from handing the set to FTS5 as rowids to look up one by one).
    PostgreSQL: the ``search_document`` tsvector (GIN index), filters as conditions."""
    params["ranked"] = RANKED
    if _dialect(db) == "postgresql":
        own = directory_filter.own_conditions(params)
        sets = directory_filter.list_sets(params)
        # Hidden demonstration rows: a few hundred ids, read once (never the visible many).
        hidden = [] if demo_visible else ["o.id NOT IN (SELECT id FROM organisations WHERE is_demo = 1)"]
        params["query"] = tsquery_text(directory_filter.query)
        conditions = [f"o.search_document @@ {TS_QUERY}"] + own + [f"o.id IN ({s})" for s in sets] + hidden
        hits = f"SELECT o.id FROM organisations o WHERE {' AND '.join(conditions)}"
        ranked = (f"SELECT f.id, -ts_rank({TS_RANK_WEIGHTS}, o.search_document, {TS_QUERY}) AS score "
                  "FROM first f JOIN organisations o ON o.id = f.id")
        return (f"WITH hits AS MATERIALIZED ({hits}), first AS (SELECT id FROM hits ORDER BY id LIMIT :ranked), "
                f"ranked AS ({ranked}) "
                f"SELECT {SEARCH_COLUMNS}, (SELECT COUNT(*) FROM hits) AS total FROM ranked r JOIN organisations o ON o.id = r.id "
                "ORDER BY r.score, o.name, o.id LIMIT :limit")
    params["words"] = fts_expression(directory_filter.query)
    params["match"] = directory_filter.match_expression(demo_visible)
    if directory_filter.facet_expression():
        # Ranked by the words alone: bm25 reads every match of each term of its MATCH once
        # (its idf), and a district's term can match most of the directory.
        first = ("first AS MATERIALIZED (SELECT rowid AS id FROM organisations_fts WHERE organisations_fts MATCH :match "
                 "LIMIT :ranked), "
                 f"ranked AS (SELECT f.rowid AS id, {FTS5_RANK} AS score FROM organisations_fts f "
                 "WHERE organisations_fts MATCH :words AND f.rowid <= (SELECT MAX(id) FROM first) "
                 "AND +f.rowid IN (SELECT id FROM first))")
    else:  # the first RANKED matches ranked as they are found: one pass
        first = (f"first AS MATERIALIZED (SELECT rowid AS id, {FTS5_RANK} AS score FROM organisations_fts "
                 "WHERE organisations_fts MATCH :match LIMIT :ranked), ranked AS (SELECT id, score FROM first)")
    # Fewer matches than RANKED: they are all in ``first``; else one more pass counts them.
    return (f"WITH {first} SELECT {SEARCH_COLUMNS}, CASE WHEN (SELECT COUNT(*) FROM first) < :ranked "
            "THEN (SELECT COUNT(*) FROM first) "
            "ELSE (SELECT COUNT(*) FROM organisations_fts WHERE organisations_fts MATCH :match) END "
            "AS total FROM ranked r JOIN organisations o ON o.id = r.id ORDER BY r.score, o.name, o.id LIMIT :limit")


def _list_sql(directory_filter: DirectoryFilter, demo_visible: bool, params: dict) -> tuple[str, str | None]:
    """PostgreSQL, without words: (the rows query by name, the count query). With a
    district or theme, one statement: the lists' ids intersected (read through their
    indexes), joined to the organisations for their own columns, the count and the first
    ``:limit`` by name (count query None: it is the last column). Without, the rows walk
    the name index and stop at ``:limit``, and the count reads the indexes."""
    own = directory_filter.own_conditions(params)
    sets = directory_filter.list_sets(params)
    if not demo_visible:
        own.append("o.is_demo = 0")
    if sets:
        where = " WHERE " + " AND ".join(own) if own else ""
        hits = f"SELECT o.id, o.name FROM ({' INTERSECT '.join(sets)}) s JOIN organisations o ON o.id = s.org_rowid{where}"
        return (f"WITH hits AS MATERIALIZED ({hits}) SELECT {SEARCH_COLUMNS}, (SELECT COUNT(*) FROM hits) AS total "
                "FROM (SELECT id, name FROM hits ORDER BY name, id LIMIT :limit) h JOIN organisations o ON o.id = h.id "
                "ORDER BY h.name, h.id"), None
    conditions = " AND ".join(own) or "1 = 1"
    rows = f"SELECT {SEARCH_COLUMNS} FROM organisations o WHERE {conditions} ORDER BY o.name, o.id LIMIT :limit"
    return rows, f"SELECT COUNT(*) FROM organisations o WHERE {conditions}"


def _sqlite_list(db, directory_filter: DirectoryFilter, demo_visible: bool, params: dict) -> tuple[list, int]:
    """SQLite, without words: (the first ``:limit`` rows by name, how many match). The
    count is one FTS5 MATCH of the filters' facet terms (or an index count when nothing is
    filtered); the rows come the cheapest way for that count (see SORT_US)."""
    match = directory_filter.match_expression(demo_visible)
    hidden = "" if demo_visible else "o.is_demo = 0"
    if match:
        params["match"] = match
        total = db.execute("SELECT COUNT(*) FROM organisations_fts WHERE organisations_fts MATCH :match", params).fetchone()[0]
    else:  # every organisation, less the hidden demonstration ones (a few hundred: their index)
        total = db.execute("SELECT COUNT(*) FROM organisations").fetchone()[0] - (db.execute(
            "SELECT COUNT(*) FROM organisations WHERE is_demo = 1").fetchone()[0] if hidden else 0)
    if not total:
        return [], 0
    walked = params["limit"] * db.execute("SELECT COALESCE(MAX(id), 0) FROM organisations").fetchone()[0] / total
    costs = {"probe": PROBE_WALK_US * walked}
    if match:
        costs.update(sort=SORT_US * total, set=SET_US * total + SET_WALK_US * walked)
    way = min(costs, key=costs.get)
    if way == "sort":
        sql = (f"SELECT {SEARCH_COLUMNS} FROM organisations_fts f CROSS JOIN organisations o ON o.id = f.rowid "
               "WHERE organisations_fts MATCH :match ORDER BY o.name, o.id LIMIT :limit")
    else:
        if way == "set":
            conditions = ["o.id IN (SELECT rowid FROM organisations_fts WHERE organisations_fts MATCH :match)"]
        else:
            conditions = directory_filter.own_conditions(params) + directory_filter.list_probes(params) + [hidden]
        where = " AND ".join(c for c in conditions if c) or "1 = 1"
        sql = f"SELECT {SEARCH_COLUMNS} FROM organisations o INDEXED BY idx_org_name WHERE {where} ORDER BY o.name, o.id LIMIT :limit"
    return db.execute(sql, params).fetchall(), total


def search(db: store.Database, directory_filter: DirectoryFilter = DirectoryFilter(), limit: int = 100) -> SearchResult:
    """Organisations matching the words (names, descriptions, themes; every word, each as
    a prefix, stemmed) and the filters: best match first when there are words, else by
    name. At most ``limit`` rows, and the total that match. The one search function for
    both engines (FTS5 on SQLite, tsvector on PostgreSQL), with one results contract."""
    params: dict = {"limit": int(limit)}
    demo_visible = demo_shown(db)
    try:
        if not search_words(directory_filter.query) and _dialect(db) == "sqlite":
            records, total = _sqlite_list(db, directory_filter, demo_visible, params)
        else:
            if search_words(directory_filter.query):
                rows_sql, count_sql = _word_search_sql(db, directory_filter, demo_visible, params), None
            else:
                rows_sql, count_sql = _list_sql(directory_filter, demo_visible, params)
            records = db.execute(rows_sql, params).fetchall()
            if count_sql is None:  # the count is each row's last column
                total = records[0][-1] if records else 0
                records = [record[:-1] for record in records]
            else:
                total = db.execute(count_sql, params).fetchone()[0]
    except DomainError:
        raise
    except Exception as error:  # a search problem we did not foresee
        raise DomainError(f"Could not search for '{directory_filter.query}': {error}") from None
    rows = _result_frame(records)
    return SearchResult(rows, int(total), demo_included=bool(rows["is_demo"].any()))


def _result_frame(records: list) -> pd.DataFrame:
    """Search rows (SEARCH_COLUMNS order) as RESULT_COLUMNS, lists parsed and derived
    columns added, built in one go (a column at a time costs pandas ms per column)."""
    names = [c.split(".")[1] for c in SEARCH_COLUMNS.split(", ")]
    by = dict(zip(names, zip(*records))) if records else {name: () for name in names}
    columns = {
        "org_id": by["org_id"], "name": by["name"], "org_type": by["org_type"],
        "districts": [_list(v) for v in by["districts"]],
        "themes": [_list(v) for v in by["themes"]],
        "size_band": [size_band(v) for v in by["latest_income_pence"]],
        "role": [ROLES[1] if v else ROLES[0] for v in by["is_infrastructure"]],
        "public_services": [bool(v) for v in by["delivers_public_services"]],
        "latest_income_pence": pd.Series(by["latest_income_pence"], dtype="float64" if not records else None),
        "staff": pd.Series(by["staff"], dtype="float64" if not records else None),
        "volunteers": pd.Series(by["volunteers"], dtype="float64" if not records else None),
        "is_demo": [bool(v) for v in by["is_demo"]],
        "description": by["description"],
    }
    return pd.DataFrame({name: list(values) if isinstance(values, tuple) else values for name, values in columns.items()},
                        columns=RESULT_COLUMNS)


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
    entries = store.audit_entries(db, AUDIT_ENTITY, org_id)
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
        store.record_audit(db, entity=AUDIT_ENTITY, entity_id=clean["org_id"], action="add", who=who, after=_audit_view(record))
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
        current = store.check_version(db, "organisations", {"org_id": org_id}, expected_version, clean,
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
        store.record_audit(
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
