"""Searching the organisation directory, on both engines, with one results contract.

``search(db, DirectoryFilter(...), limit)`` returns the first page of organisations that
match the words (names, descriptions, themes; every word, each as a prefix, stemmed) and
the filters (district, theme, type, size band, role, public services), best match first
when there are words, else by name, and how many match in all.

SQLite: one FTS5 MATCH (``organisations_fts``, migrations 020 and 125) of the words and
the filters' facet tokens (``facet_token``). PostgreSQL: the ``search_document`` tsvector
and its GIN index. Without words the first page by name is found the cheapest way for the
number of matches (the cost model below, measured at 170,000 organisations). The
directory's records (adding, editing, profiles, the demonstration directory) live in
``models/organisations.py``."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import store
from .errors import DomainError
from .organisations import ROLES, SIZE_BANDS, UNKNOWN_SIZE, _list, demo_shown, size_band


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

    def list_probes(self, params: dict) -> list[str]:
        """For each district or theme filter, a condition that the organisation ``o`` is on
        its list (one index probe a row: for walking organisations in name order)."""
        return [f"EXISTS (SELECT 1 FROM {table} m WHERE m.{column} IN :{column} AND m.org_rowid = o.id)"
                for table, column in self._lists(params)]

    def facet_groups(self) -> list[list[str]]:
        """The filters as facet tokens (migrations 125 and 130): one list a filter chosen,
        any of whose tokens will do; every list must be met. [] when nothing is filtered."""
        self.check()
        chosen = [
            [facet_token("d", v) for v in self.districts],
            [facet_token("t", v) for v in self.themes],
            [facet_token("y", v) for v in self.org_types],
            [facet_token("s", SIZE_CODES[b]) for b in self.size_bands],
            [facet_token("r", ROLES.index(self.roles[0]))] if len(set(self.roles)) == 1 else [],
            [facet_token("p", 1)] if self.public_services_only else [],
        ]
        return [sorted(set(tokens)) for tokens in chosen if tokens]

    def facet_expression(self) -> str:
        """SQLite: the filters as terms of the FTS5 index's ``facets`` column (migration
        125): one term a filter, its chosen values OR-ed. '' when nothing is filtered."""
        return " AND ".join("facets : (" + " OR ".join(f'"{t}"' for t in tokens) + ")" for tokens in self.facet_groups())

    def facet_key_conditions(self, demo_visible: bool, params: dict, alias: str = "k") -> list[str]:
        """PostgreSQL: the filters as conditions on ``organisation_facet_keys`` (migration
        130; its GIN index answers them in one lookup): the tokens of every filter with one
        value (and, when demonstration rows are hidden, the not-demonstration token) all
        present, and any of each other filter's. Their tokens go to ``params`` (named). []
        when nothing is filtered and every row is visible."""
        groups = self.facet_groups()
        every = [tokens[0] for tokens in groups if len(tokens) == 1] + ([] if demo_visible else [facet_token("x", 0)])
        anyof = [tokens for tokens in groups if len(tokens) > 1]

        def keys(tokens: list[str]) -> str:
            names = []
            for token in tokens:
                names.append(f"facet_{len(params)}")
                params[names[-1]] = token
            return "ARRAY[" + ", ".join(f"organisation_facet_key(:{name})" for name in names) + "]"

        return ([f"{alias}.keys @> {keys(every)}"] if every else []) + [f"{alias}.keys && {keys(t)}" for t in anyof]

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
    written as their UTF-8 bytes in hex, upper case (any text one token, as SQLite's
    ``hex()``; PostgreSQL's ``organisation_facets`` writes the same, migration 130); role
    (r, 0 front line or 1 infrastructure), public services (p), demonstration (x) and size
    band (s, ``SIZE_CODES``) are codes as they are."""
    return f"qq{kind}{str(value).encode('utf-8').hex().upper() if kind in 'dty' else value}"


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
    PostgreSQL: the ``search_document`` tsvector (GIN index), and the filters' facet keys
    (``organisation_facet_keys``' GIN index, migration 130) joined by id."""
    params["ranked"] = RANKED
    if _dialect(db) == "postgresql":
        params["query"] = tsquery_text(directory_filter.query)
        keys = directory_filter.facet_key_conditions(True, params) if directory_filter.facet_groups() else []
        # Hidden demonstration rows: a few hundred ids, read once (never the visible many).
        hidden = [] if demo_visible else ["o.id NOT IN (SELECT id FROM organisations WHERE is_demo = 1)"]
        joined = " JOIN organisation_facet_keys k ON k.org_rowid = o.id" if keys else ""
        hits = f"SELECT o.id FROM organisations o{joined} WHERE {' AND '.join([f'o.search_document @@ {TS_QUERY}'] + keys + hidden)}"
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
    filter, one statement: one lookup in ``organisation_facet_keys``' GIN index (migration
    130), its matching rows (id and name: a narrow table) counted and the first ``:limit``
    by name joined to the organisations (count query None: it is the last column). Without,
    the rows walk the name index and stop at ``:limit``, and the count reads an index."""
    if directory_filter.facet_groups():
        keys = " AND ".join(directory_filter.facet_key_conditions(demo_visible, params))
        return (f"WITH hits AS MATERIALIZED (SELECT k.org_rowid AS id, k.name FROM organisation_facet_keys k WHERE {keys}) "
                f"SELECT {SEARCH_COLUMNS}, (SELECT COUNT(*) FROM hits) AS total "
                "FROM (SELECT id, name FROM hits ORDER BY name, id LIMIT :limit) h JOIN organisations o ON o.id = h.id "
                "ORDER BY h.name, h.id"), None
    conditions = "1 = 1" if demo_visible else "o.is_demo = 0"
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
