"""The two migration histories (models/sql/ for SQLite, models/sql/postgresql/ for
PostgreSQL) name the same files and build the same schema: the same tables and views, the
same columns in the same order with the same nullability, type family and default, the same
primary keys, unique constraints, foreign keys and indexes. And what the migrations do
behaves the same: the rows they insert, the directory's and the spend summaries' triggers,
the bids moved out of a tender's set-up document, and full-text search.

Both histories are applied from scratch here, each into a new database: the SQLite files
with sqlite3 (statements split by ``store.sql_statements``), the PostgreSQL files with
psycopg into a new database on a throwaway cluster ($DASHBOARD_TEST_PG_URL, else one this
module starts with tests/pg_cluster.py). Never skipped: without PostgreSQL it fails, saying
how to install it.
"""

from __future__ import annotations

import json
import random
import shutil
import re
import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest
import sqlalchemy

from models import store

SQL = Path(store.__file__).resolve().parent / "sql"
POSTGRES_SQL = SQL / "postgresql"

# What only one engine has, by design (models/sql/postgresql/020_directory.sql, 130): SQLite's
# FTS5 index (a virtual table and its shadow tables) is PostgreSQL's generated column and,
# for the filters' facet tokens, a table of their keys with a GIN index.
SQLITE_ONLY_TABLES = {"organisations_fts", "organisations_fts_data", "organisations_fts_idx",
                      "organisations_fts_docsize", "organisations_fts_config"}
POSTGRES_ONLY_TABLES = {"organisation_facet_keys"}
POSTGRES_ONLY_COLUMNS = {("organisations", "search_document")}
POSTGRES_ONLY_INDEXES = {("organisations", "organisations_search_idx")}


# -- the two databases ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def pg_server(pg_url):
    """A PostgreSQL server URL: the run's cluster (tests/conftest.py's ``pg_url``)."""
    return pg_url


def _create_database(server: str, template: str | None = None) -> tuple[str, str]:
    """(name, URL) of a new database on the server, empty or a copy of ``template``."""
    name = "migrations_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name, server.rsplit("/", 1)[0] + "/" + name


def _drop_database(server: str, name: str) -> None:
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def files(folder: Path, upto: str | None = None, after: str | None = None) -> list[Path]:
    """The migration files of one history in order, optionally only those up to or after a name."""
    return [path for path in sorted(folder.glob("*.sql"))
            if (upto is None or path.name <= upto) and (after is None or path.name > after)]


def _sqlite(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (each statement its own transaction unless BEGIN)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def apply_sqlite(connection: sqlite3.Connection, scripts: list[Path]) -> None:
    for script in scripts:
        connection.execute("BEGIN")  # one transaction a file, as migrations.migrate
        for statement in store.sql_statements(script.read_text(encoding="utf-8")):
            connection.execute(statement)
        connection.execute("COMMIT")


def apply_postgres(connection: psycopg.Connection, scripts: list[Path]) -> None:
    for script in scripts:
        with connection.transaction():
            for statement in store.sql_statements(script.read_text(encoding="utf-8")):
                try:
                    connection.execute(statement)
                except psycopg.Error as error:
                    raise AssertionError(f"{script.name}: {error}\n{statement[:400]}") from None


@pytest.fixture(scope="module")
def migrated_templates(pg_server, tmp_path_factory):
    """(SQLite file, PostgreSQL database name, its URL): each history applied from scratch,
    once per module; tests get copies."""
    name, url = _create_database(pg_server)
    with psycopg.connect(url, autocommit=True) as pg:
        apply_postgres(pg, files(POSTGRES_SQL))
    path = tmp_path_factory.mktemp("sqlite") / "migrated.db"
    lite = _sqlite(path)
    apply_sqlite(lite, files(SQL))
    lite.close()
    yield path, name, url
    _drop_database(pg_server, name)


@pytest.fixture
def both(tmp_path, pg_server):
    """(sqlite3 connection, psycopg connection) to two new, empty databases."""
    name, url = _create_database(pg_server)
    lite, pg = _sqlite(tmp_path / "migrations.db"), psycopg.connect(url, autocommit=True)
    yield lite, pg
    lite.close()
    pg.close()
    _drop_database(pg_server, name)


@pytest.fixture
def migrated(tmp_path, pg_server, migrated_templates):
    """(sqlite3 connection, psycopg connection) to copies of the migrated databases."""
    path, template, _ = migrated_templates
    shutil.copyfile(path, tmp_path / "migrated.db")
    name, url = _create_database(pg_server, template)
    lite, pg = _sqlite(tmp_path / "migrated.db"), psycopg.connect(url, autocommit=True)
    yield lite, pg
    lite.close()
    pg.close()
    _drop_database(pg_server, name)


def run_both(migrated, sql: str, params=()) -> None:
    """One statement in its own transaction on both engines (SQLite's ? becomes %s)."""
    lite, pg = migrated
    lite.execute(sql, params)
    pg.execute(sql.replace("?", "%s"), params)


def rows_both(migrated, sql: str) -> tuple[list, list]:
    lite, pg = migrated
    return [tuple(r) for r in lite.execute(sql).fetchall()], [tuple(r) for r in pg.execute(sql).fetchall()]


# -- the same files --------------------------------------------------------------------------

def test_every_migration_has_its_postgresql_twin():
    sqlite_names = [path.name for path in files(SQL)]
    postgres_names = [path.name for path in files(POSTGRES_SQL)]
    assert sqlite_names, "no migrations found"
    missing = sorted(set(sqlite_names) - set(postgres_names))
    extra = sorted(set(postgres_names) - set(sqlite_names))
    assert not missing, f"write models/sql/postgresql/ twins of: {missing} (see models/sql/postgresql/README.md)"
    assert not extra, f"PostgreSQL migrations without a SQLite file in models/sql/: {extra}"


def test_postgresql_files_use_no_sqlite_syntax():
    """Words that mean nothing (or something else) on PostgreSQL."""
    forbidden = ["AUTOINCREMENT", "WITHOUT ROWID", "INSERT OR", "VIRTUAL TABLE", "PRAGMA", "json_each(",
                 "json_extract", "IFNULL", " REAL", "INTEGER", "CREATE TRIGGER IF NOT EXISTS", "$$"]
    found = [(path.name, word) for path in files(POSTGRES_SQL)
             for word in forbidden if word.lower() in _code(path).lower()]
    assert found == []


def test_no_migration_text_reads_as_a_bind_parameter():
    """Migrations may run through SQLAlchemy's text(), which takes any ':word' (even in a
    comment or a string) for a parameter; '::type' casts are fine."""
    found = [(path.name, match) for path in files(SQL) + files(POSTGRES_SQL)
             for match in re.findall(r"(?<![:\w]):\w+", path.read_text(encoding="utf-8"))]
    assert found == []


def _code(path: Path) -> str:
    return "\n".join(line.split("--", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())


# -- the same schema -------------------------------------------------------------------------

def _family(column) -> str:
    if column["name"] == "search_document":
        return "tsvector"
    python = column["type"].python_type
    return {int: "integer", float: "float", str: "text"}.get(python, python.__name__)


def _default(value) -> str | None:
    """A column default as text, without PostgreSQL's casts ('[]'::text -> '[]')."""
    if value is None:
        return None
    return str(value).split("::", 1)[0].strip("()")


def _foreign_keys(engine, inspector, table: str) -> list[tuple]:
    """(columns, referred table, referred columns, ON DELETE) of each foreign key. On SQLite
    from PRAGMA foreign_key_list: SQLAlchemy's reflection misses an inline ON DELETE."""
    if engine.dialect.name == "sqlite":
        keys: dict[int, list] = {}
        with engine.connect() as connection:
            for row in connection.exec_driver_sql(f"PRAGMA foreign_key_list({table})"):
                key = keys.setdefault(row.id, [[], row.table, [], row.on_delete])
                key[0].append(row[3])
                key[2].append(row[4])
        return sorted((tuple(c), t, tuple(r), d) for c, t, r, d in keys.values())
    return sorted((tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]),
                   (f.get("options") or {}).get("ondelete", "NO ACTION").upper())
                  for f in inspector.get_foreign_keys(table))


def _schema(url: str) -> dict:
    engine = sqlalchemy.create_engine(url)
    try:
        inspector = sqlalchemy.inspect(engine)
        tables = {}
        for table in inspector.get_table_names():
            if table in SQLITE_ONLY_TABLES | POSTGRES_ONLY_TABLES:
                continue
            columns = [c for c in inspector.get_columns(table) if (table, c["name"]) not in POSTGRES_ONLY_COLUMNS]
            key = inspector.get_pk_constraint(table)["constrained_columns"]
            tables[table] = {
                # SQLite lets a TEXT primary key hold NULL (a legacy quirk nothing here relies
                # on); PostgreSQL's primary keys are NOT NULL: compare key columns as NOT NULL.
                "columns": [(c["name"], _family(c), bool(c["nullable"]) and c["name"] not in key,
                             _default(c.get("default"))) for c in columns],
                "primary key": key,
                "unique": sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)),
                "foreign keys": _foreign_keys(engine, inspector, table),
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in inspector.get_indexes(table)
                    if (table, i["name"]) not in POSTGRES_ONLY_INDEXES
                    # PostgreSQL reports UNIQUE constraints as indexes too; SQLite does not.
                    and not (i.get("duplicates_constraint") or "").endswith("_key")),
                "checks": len(inspector.get_check_constraints(table)),
            }
        return {"tables": tables, "views": sorted(inspector.get_view_names())}
    finally:
        engine.dispose()


def test_both_histories_build_the_same_schema(migrated_templates):
    path, _, url = migrated_templates
    sqlite_schema = _schema(f"sqlite:///{path}")
    postgres_schema = _schema(url.replace("postgresql://", "postgresql+psycopg://", 1))
    assert sorted(postgres_schema["tables"]) == sorted(sqlite_schema["tables"])
    assert postgres_schema["views"] == sqlite_schema["views"]
    for table, expected in sqlite_schema["tables"].items():
        actual = postgres_schema["tables"][table]
        for part in expected:
            assert actual[part] == expected[part], f"{table}: {part} differ"


def test_integer_columns_are_64_bit_on_postgresql(migrated):
    """Pence can pass 2^31: no 4-byte integers, no 4-byte floats."""
    _, pg = migrated
    narrow = pg.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND data_type IN ('integer', 'smallint', 'real', 'numeric') "
        "ORDER BY table_name, column_name").fetchall()
    assert narrow == []


# -- the same behaviour ----------------------------------------------------------------------

def test_rows_the_migrations_insert_are_the_same(migrated):
    lite, pg = migrated
    for table in _schema_tables(pg):
        sql = f"SELECT * FROM {table}"
        if table == "organisations":
            sql = "SELECT id FROM organisations"
        lite_rows, pg_rows = rows_both(migrated, sql)
        assert sorted(pg_rows) == sorted(lite_rows), table
    assert rows_both(migrated, "SELECT id, version FROM directory_version") == ([(1, 0)], [(1, 0)])


def _schema_tables(pg) -> list[str]:
    return [name for (name,) in pg.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")
        if name not in POSTGRES_ONLY_TABLES]


SPEND = ("INSERT INTO spend (id, uid, financial_year, body_type, authority, district, department, funding_type, "
         "amount_pence, third_sector, source, loaded_at, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 's', 't', 'd')")
SUMMARIES = {
    "spend_totals": "third_sector, body_type, financial_year, authority, department, funding_type, district",
    "spend_totals_by_funder": "third_sector, body_type, financial_year, authority, department, funding_type",
    "spend_totals_by_place": "third_sector, body_type, financial_year, district, funding_type",
}


def _summaries(connection) -> dict:
    return {table: sorted(tuple(r) for r in connection.execute(
        f"SELECT {keys}, amount_pence, records FROM {table}").fetchall()) for table, keys in SUMMARIES.items()}


def _recomputed(connection) -> dict:
    return {table: sorted(tuple(r) for r in connection.execute(
        f"SELECT {keys}, SUM(amount_pence), COUNT(*) FROM spend GROUP BY {keys}").fetchall())
        for table, keys in SUMMARIES.items()}


def test_spend_summaries_stay_exact_through_inserts_updates_and_deletes(migrated):
    lite, pg = migrated
    chooser = random.Random(20)
    years, authorities, districts = ["2008/09", "2009/10"], ["Cheshire East", "NHS"], ["Crewe", "Macclesfield"]
    big = 3_000_000_000  # over 2^31 pence: needs BIGINT
    ids = []
    for number in range(1, 41):
        run_both(migrated, SPEND, (number, f"u{number}", chooser.choice(years), chooser.choice(["local_government", "health"]),
                                   chooser.choice(authorities), chooser.choice(districts), chooser.choice(["", "Adults"]),
                                   chooser.choice(["grant", "contract"]), chooser.choice([100, 2_550, big]), chooser.choice([0, 1])))
        ids.append(number)
    for column, values in [("amount_pence", [1, 999, big]), ("district", districts), ("financial_year", years),
                           ("authority", authorities), ("department", ["", "Children"]), ("funding_type", ["grant", "contract"]),
                           ("body_type", ["health", "other_funder"]), ("third_sector", [0, 1])]:
        for spend_id in chooser.sample(ids, 6):
            run_both(migrated, f"UPDATE spend SET {column} = ? WHERE id = ?", (chooser.choice(values), spend_id))
    run_both(migrated, "UPDATE spend SET amount_pence = amount_pence + 5 WHERE financial_year = ?", ("2008/09",))
    run_both(migrated, "UPDATE spend SET description = 'not a summed field' WHERE id = ?", (ids[0],))
    for spend_id in chooser.sample(ids, 15):
        run_both(migrated, "DELETE FROM spend WHERE id = ?", (spend_id,))
    run_both(migrated, "DELETE FROM spend WHERE district = ?", ("Crewe",))
    assert _summaries(pg) == _recomputed(pg)
    assert _summaries(pg) == _summaries(lite)
    assert all(r[-1] > 0 for rows in _summaries(pg).values() for r in rows)  # no empty summary rows left


def test_paused_summaries_leave_new_rows_to_the_bulk_writer(migrated):
    """While spend_totals_pause has a row, inserts are not summed, nor updates or deletes of
    rows above `since` (models.spend.bulk_totals adds them by one GROUP BY)."""
    lite, pg = migrated
    run_both(migrated, SPEND, (1, "a", "2008/09", "health", "NHS", "Crewe", "", "grant", 100, 1))
    run_both(migrated, "INSERT INTO spend_totals_pause (since) VALUES (1)")
    run_both(migrated, SPEND, (2, "b", "2008/09", "health", "NHS", "Crewe", "", "grant", 50, 1))
    run_both(migrated, "UPDATE spend SET amount_pence = 70 WHERE id = 2")
    run_both(migrated, "UPDATE spend SET amount_pence = 120 WHERE id = 1")  # at or below since: summed now
    expected = [(1, "health", "2008/09", "NHS", "", "grant", "Crewe", 120, 1)]
    assert _summaries(pg)["spend_totals"] == expected
    run_both(migrated, "DELETE FROM spend WHERE id = 2")
    run_both(migrated, "DELETE FROM spend_totals_pause")
    assert _summaries(pg)["spend_totals"] == expected
    assert _summaries(pg) == _summaries(lite) == _recomputed(pg)


ORG = ("INSERT INTO organisations (id, name, districts, themes, description, source, updated_at) "
       "VALUES (?, ?, ?, ?, ?, 's', 't')")


def test_directory_lists_and_version_follow_every_write(migrated):
    lite, pg = migrated
    run_both(migrated, ORG, (1, "Zephyr Valley Foodbank", '["Crewe", " Macclesfield ", "", null, 5]',
                             '["Food", "Older people"]', "food parcels"))
    run_both(migrated, ORG, (2, "Not JSON", "Crewe, Macclesfield", "{broken", ""))
    run_both(migrated, ORG, (3, "Object and scalar", '{"a": "Congleton"}', '"Sport"', ""))
    run_both(migrated, "UPDATE organisations SET districts = ?, name = ? WHERE id = ?", ('["Congleton"]', "Renamed", 1))
    run_both(migrated, "UPDATE organisations SET description = ? WHERE id = ?", ("no list change", 3))
    run_both(migrated, "DELETE FROM organisations WHERE id = ?", (2,))
    for table in ("organisation_districts", "organisation_themes", "directory_version"):
        lite_rows, pg_rows = rows_both(migrated, f"SELECT * FROM {table}")
        assert sorted(pg_rows) == sorted(lite_rows), table
    assert rows_both(migrated, "SELECT version FROM directory_version")[1] == [(6,)]


FACET_ROWS = [  # (id, districts, themes, org_type, infrastructure, public services, demo, income in pence)
    (1, '["Crewe", " Macclesfield ", "", null, 5]', '["Food", "Older people"]', "charity", 0, 1, 0, 999_999),
    (2, "Crewe, Macclesfield", "{broken", None, 1, 0, 1, None),
    (3, '{"a": "Ynys Môn"}', '"Arts & Crafts: ünïcode"', "CIO", 0, 0, 0, -5),
    (4, "[]", "[]", "community interest company", 1, 1, 0, 1_000_000_000),
]


def _facets(connection, sql: str) -> dict:
    return {row[0]: row[1].split() for row in connection.execute(sql).fetchall()}


def test_facet_tokens_are_the_same_on_both_engines_and_follow_every_write(migrated):
    """Migration 130: the view organisation_search_rows gives each organisation the same
    facet tokens on both engines (SQLite's FTS5 index holds them; PostgreSQL's
    organisation_facet_keys their keys), through inserts, updates and deletes."""
    lite, pg = migrated
    for row in FACET_ROWS:
        run_both(migrated, "INSERT INTO organisations (id, name, districts, themes, org_type, is_infrastructure, "
                 "delivers_public_services, is_demo, latest_income_pence, description, source, updated_at) "
                 "VALUES (?, 'n', ?, ?, ?, ?, ?, ?, ?, '', 's', 't')", row)
    run_both(migrated, "UPDATE organisations SET districts = ?, latest_income_pence = ? WHERE id = ?", ('["Congleton"]', 10_000_000, 1))
    run_both(migrated, "DELETE FROM organisations WHERE id = ?", (4,))
    view = "SELECT id, facets FROM organisation_search_rows ORDER BY id"
    lite_facets, pg_facets = _facets(lite, view), _facets(pg, view)
    assert pg_facets == lite_facets
    # worked by hand: hex of the UTF-8 bytes, upper case; bands by the NCVO limits in pence
    assert lite_facets[1] == ["qqd" + "Congleton".encode().hex().upper(), "qqt" + "Food".encode().hex().upper(),
                              "qqt" + "Older people".encode().hex().upper(), "qqy" + "charity".encode().hex().upper(),
                              "qqr0", "qqp1", "qqx0", "qqs2"]
    assert lite_facets[2] == ["qqr1", "qqp0", "qqx1", "qqsn"]
    assert lite_facets[3] == ["qqd" + "Ynys Môn".encode().hex().upper(), "qqt" + "Arts & Crafts: ünïcode".encode().hex().upper(),
                              "qqy" + "CIO".encode().hex().upper(), "qqr0", "qqp0", "qqx0"]
    keys = {org: sorted(tokens) for org, tokens in pg.execute(
        "SELECT org_rowid, ARRAY(SELECT k FROM unnest(keys) k ORDER BY k) FROM organisation_facet_keys ORDER BY org_rowid")}
    hashed = lambda tokens: sorted(r[0] for r in pg.execute(  # noqa: E731
        "SELECT organisation_facet_key(t) FROM unnest(%s::text[]) t", [tokens]))
    assert keys == {org: hashed(tokens) for org, tokens in pg_facets.items()}
    for org, tokens in lite_facets.items():  # the index holds the tokens the view gives, and no others
        for token in tokens + ["qqd" + "Crewe".encode().hex().upper(), "qqs0", "qqy" + "community interest company".encode().hex()]:
            found = [r[0] for r in lite.execute("SELECT rowid FROM organisations_fts WHERE organisations_fts MATCH ?",
                                                 [f'facets : "{token}"'])]
            assert (org in found) == (token in tokens), (org, token)


def test_organisations_indexed_before_130_change_and_go_cleanly(both):
    """Rows indexed by 125's triggers are taken out of the index by 130's (the same tokens)."""
    lite, pg = both
    apply_sqlite(lite, files(SQL, upto="125_directory_facets.sql"))
    apply_postgres(pg, files(POSTGRES_SQL, upto="125_directory_facets.sql"))
    run_both((lite, pg), ORG, (7, "Early Otter Trust", '["Crewe"]', '["Wildlife"]', "rescues otters"))
    run_both((lite, pg), ORG, (8, "Early Badger Trust", '["Crewe"]', '["Wildlife"]', "rescues badgers"))
    apply_sqlite(lite, files(SQL, after="125_directory_facets.sql"))
    apply_postgres(pg, files(POSTGRES_SQL, after="125_directory_facets.sql"))
    run_both((lite, pg), "UPDATE organisations SET districts = ?, description = ? WHERE id = ?", ('["Congleton"]', "otters", 7))
    run_both((lite, pg), "DELETE FROM organisations WHERE id = ?", (8,))
    match = lambda expression: [r[0] for r in lite.execute(  # noqa: E731
        "SELECT rowid FROM organisations_fts WHERE organisations_fts MATCH ?", [expression])]
    assert match('facets : "qqd' + "Crewe".encode().hex() + '"') == []
    assert match('facets : "qqd' + "Congleton".encode().hex() + '"') == [7]
    assert match('"rescues"') == [] and match('"otters"') == [7]
    assert pg.execute("SELECT org_rowid, name FROM organisation_facet_keys").fetchall() == [(7, "Early Otter Trust")]
    assert pg.execute("SELECT org_rowid FROM organisation_facet_keys WHERE keys @> ARRAY[organisation_facet_key(%s)]",
                      ["qqd" + "Congleton".encode().hex().upper()]).fetchall() == [(7,)]


def test_bids_move_out_of_a_tender_set_up_as_on_sqlite(both):
    """060 moves the bids of tenders already saved; both engines move the same values."""
    lite, pg = both
    apply_sqlite(lite, files(SQL, upto="050_sroi_proxies.sql"))
    apply_postgres(pg, files(POSTGRES_SQL, upto="050_sroi_proxies.sql"))
    setups = [
        {"criteria": [{"id": "price"}], "bids": [{"bidder": "Acme", "price": 10.5, "low_price_explanation": "lean"},
                                                 {"bidder": "Beta", "price": 12}]},
        {"criteria": [], "bids": []},
        {"criteria": [{"id": "quality"}]},
    ]
    for number, setup in enumerate(setups, 1):
        sql = "INSERT INTO tenders (id, name, setup_json, created_at, created_by, updated_at) VALUES (?, ?, ?, 'c', ?, 'u')"
        run_both((lite, pg), sql, (number, f"T{number}", json.dumps(setup), None if number == 1 else "ann"))
    apply_sqlite(lite, files(SQL, after="050_sroi_proxies.sql"))
    apply_postgres(pg, files(POSTGRES_SQL, after="050_sroi_proxies.sql"))
    bids = "SELECT tender_id, bidder, position, bid_json, updated_by, updated_at FROM tender_bids ORDER BY tender_id, position"
    lite_bids, pg_bids = rows_both((lite, pg), bids)
    assert [(*r[:3], json.loads(r[3]), *r[4:]) for r in pg_bids] == [(*r[:3], json.loads(r[3]), *r[4:]) for r in lite_bids]
    assert pg_bids[0][:3] == (1, "Acme", 0) and json.loads(pg_bids[0][3]) == {"bidder": "Acme", "price": 10.5}
    explanations = "SELECT tender_id, bidder, explanation, updated_by FROM tender_explanations ORDER BY 1, 2"
    assert rows_both((lite, pg), explanations)[1] == rows_both((lite, pg), explanations)[0] == [(1, "Acme", "lean", "unknown")]
    lite_setups, pg_setups = rows_both((lite, pg), "SELECT id, setup_json FROM tenders ORDER BY id")
    assert [(i, json.loads(s)) for i, s in pg_setups] == [(i, json.loads(s)) for i, s in lite_setups]
    assert all("bids" not in json.loads(s) for _, s in pg_setups)


SEARCH_WORDS = ["paddle", "coach", "food", "parcels", "zeph", "cafe", "older", "the", "health", "swimming"]


def test_search_document_matches_what_fts5_matches(migrated):
    """Stemmed words, the last as a prefix, accents ignored: the same organisations match."""
    lite, pg = migrated
    organisations = [
        (1, "Quillon Canoe Club", '["Sport"]', "Paddling and coaching for all ages"),
        (2, "Zephyr Valley Foodbank", '["Food", "Older people"]', "Food parcels and the advice line"),
        (3, "Café Ünion", '["Health"]', "A community café"),
        (4, "Swim Together", '["Sport"]', "Lessons in the pool"),
    ]
    for org_id, name, themes, description in organisations:
        run_both(migrated, ORG, (org_id, name, "[]", themes, description))
    for word in SEARCH_WORDS:
        fts = sorted(r[0] for r in lite.execute(
            "SELECT rowid FROM organisations_fts WHERE organisations_fts MATCH ?", [f'"{word}"*']))
        tsv = sorted(r[0] for r in pg.execute(
            "SELECT id FROM organisations WHERE search_document @@ to_tsquery('dashboard_search', dashboard_fold(%s))",
            [f"'{word}':*"]))
        assert tsv == fts, word
    ranked = pg.execute(
        "SELECT id FROM organisations, to_tsquery('dashboard_search', 'food:*') q WHERE search_document @@ q "
        "ORDER BY ts_rank('{0, 0.1, 0.3, 1.0}', search_document, q) DESC, id").fetchall()
    assert ranked == [(2,)]


def test_organisations_saved_before_the_directory_migration_are_listed_and_searchable(both):
    lite, pg = both
    apply_sqlite(lite, files(SQL, upto="003_spend_explorer_index.sql"))
    apply_postgres(pg, files(POSTGRES_SQL, upto="003_spend_explorer_index.sql"))
    run_both((lite, pg), ORG, (7, "Early Otter Trust", '["Crewe", "Macclesfield"]', '["Wildlife"]', "rescues otters"))
    apply_sqlite(lite, files(SQL, after="003_spend_explorer_index.sql"))
    apply_postgres(pg, files(POSTGRES_SQL, after="003_spend_explorer_index.sql"))
    for table in ("organisation_districts", "organisation_themes", "directory_version"):
        lite_rows, pg_rows = rows_both((lite, pg), f"SELECT * FROM {table}")
        assert sorted(pg_rows) == sorted(lite_rows), table
    assert pg.execute("SELECT id FROM organisations WHERE search_document @@ "
                      "to_tsquery('dashboard_search', 'rescue & wildlife')").fetchall() == [(7,)]
