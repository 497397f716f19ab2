"""``python -m models copy`` between SQLite and PostgreSQL, and ``backup`` of the SQLite file.

These tests need PostgreSQL whatever DASHBOARD_TEST_ENGINE says (the ``pg_url`` fixture:
never skipped). Each PostgreSQL target is a new empty database made as the README says
(template0, LOCALE 'C'), dropped afterwards."""

from __future__ import annotations

import itertools
import json
import os
import shutil

import pytest

from models import directory_search, migrations, store, tender, tender_records, transfer, versioned
from models.database import init_database
from models.importers import ImportOptions, Source, import_sources
from tests.conftest import _admin, database_fingerprint, drop_database
from tests.helpers import GRANTS, GRANTS_HEADER

# The seed's spend (data/seed/spend_2008_09.csv, from the framework's 'Resources' tables),
# added up by hand, in pence:
#   Local Government - Cheshire East (19 lines): 1,617,718.94 + 162,028.00 + 117,394.50
#     + 290,309.00 + 40,373.00 + 13,466.50 + 10,000.00 + 194,310.00 + 21,530.00 + 2,840.00
#     + 33,180.00 + 214,257.00 + 76,210.00 + 148,530.00 + 70,150.00 + 29,650.00 + 145.00
#     + 5,000.00 + 56,395.00 = £3,103,486.94
#   Central and Eastern Cheshire PCT (2 lines): 331,360.70 + 765,320.28 = £1,096,680.98
#   together £4,200,167.92
SEED_SPEND_PENCE = 310_348_694 + 109_668_098
# The five test grants (tests/helpers.py GRANTS): 1,000.10 + 250.25 + 99.99 + 500.00 + 40.00 = £1,890.34
GRANTS_PENCE = 189_034
_names = itertools.count(1)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A SQLite database as a council would have it: the seed, one 360Giving import, and a
    tender with bids and evaluators' scores. Tests copy FROM it (never write to it)."""
    folder = tmp_path_factory.mktemp("copy_source")
    path = init_database(folder / "source.db")
    grants = folder / "grants.csv"
    grants.write_text("\n".join([GRANTS_HEADER] + [
        f"{gid},Grant {gid},A test grant,GBP,{amount},2024-06-01,GB-CHC-100000{n},Test charity {n},{based},{name},{code},"
        "GB-LAE-CHE,Cheshire East Council"
        for n, (gid, amount, based, name, code) in enumerate(GRANTS)]) + "\n", encoding="utf-8")
    with store.opened(path) as db:
        (result,) = import_sources(db, [Source.from_path(grants)], ImportOptions())
        assert result.status == "imported", result.report.summary_lines()
        setup = {"name": "Day services 2027", "criteria": tender.template_criteria("Quality 60 / price 30 / social value 10"),
                 "bids": []}
        tender_id = tender_records.create_tender(db, setup, who="Officer")
        for bidder, price in (("Alpha Trust", 100_000), ("Beta CIC", 120_000)):
            tender_records.save_bid(db, tender_id, {"bidder": bidder, "price": price,
                                                    "scores": {"insurance": "pass", "safeguarding": "pass"}}, who="Officer")
        for bidder, evaluator, score in (("Alpha Trust", "Ann", 4), ("Beta CIC", "Ann", 5), ("Alpha Trust", "Raj", 2)):
            tender_records.record_score(db, tender_id, bidder, "quality", evaluator=evaluator, score=score,
                                        reason=f"{evaluator} read the method statement", who=evaluator)
    store.dispose(path)
    return path


@pytest.fixture
def pg_target(pg_url):
    """A new, empty PostgreSQL database on the test server (its URL)."""
    name = f"copy_{os.getpid()}_{next(_names)}"
    _admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(pg_url, f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'")
    url = pg_url.rsplit("/", 1)[0] + "/" + name
    yield url
    drop_database(url)


def with_password(url: str, password: str) -> str:
    """The URL with a password in it (the test server trusts loopback, so any will do)."""
    scheme, rest = url.split("://", 1)
    user, host = rest.split("@", 1)
    return f"{scheme}://{user}:{password}@{host}"


def contents(where) -> dict[str, list[str]]:
    """Every table's rows (sorted), leaving out what only one engine has: SQLite's FTS5
    tables and PostgreSQL's generated search column and facet keys (migration 130)."""
    tables = {}
    with store.opened(where) as db:
        for table in db.table_names():
            if table.startswith("organisations_fts") or table == "organisation_facet_keys":
                continue
            result = db.execute(f'SELECT * FROM "{table}"')
            keep = [i for i, name in enumerate(result.keys()) if name != "search_document"]
            tables[table] = sorted(repr(tuple(row[i] for i in keep)) for row in result)
    return tables


def spend_pence(where) -> int:
    with store.opened(where) as db:
        return db.execute("SELECT SUM(amount_pence) FROM spend").fetchone()[0]


def found(where, words: str) -> list[str]:
    with store.opened(where) as db:
        return sorted(directory_search.search(db, directory_search.DirectoryFilter(query=words), limit=1000).rows["org_id"])


def schema_of(path) -> list[tuple]:
    with store.opened(path) as db:
        return db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()


def test_sqlite_to_postgresql_and_back_gives_the_same_database(source, pg_target, tmp_path, run_cli):
    secret = "do-not-print-me"
    there = run_cli("copy", "--from", source, "--to", with_password(pg_target, secret))
    assert there.exit_code == 0, there.output
    assert secret not in there.output
    assert "Checked: row counts and money totals are equal on both sides" in there.output
    assert "spend.amount_pence: £4,202,058.26" in there.output  # £4,200,167.92 seed + £1,890.34 grants
    assert spend_pence(pg_target) == SEED_SPEND_PENCE + GRANTS_PENCE == 420_205_826
    with store.opened(pg_target) as db:
        assert db.dialect == "postgresql"
        assert db.execute("SELECT COUNT(*) FROM tender_scores").fetchone()[0] == 3
        # the summaries were rebuilt, to the penny
        assert db.execute("SELECT SUM(amount_pence) FROM spend_totals_by_place").fetchone()[0] == 420_205_826
        # the search column is filled for every organisation
        assert db.execute("SELECT COUNT(*) FROM organisations WHERE search_document IS NULL").fetchone()[0] == 0
        # identity sequences start after the copied ids: a new audit entry takes the next id
        last = db.execute("SELECT MAX(id) FROM audit_log").fetchone()[0]
        with store.transaction(db):
            versioned.record_audit(db, entity="test", entity_id=1, action="note", who="Tester")
        assert db.execute("SELECT MAX(id) FROM audit_log").fetchone()[0] == last + 1
        db.execute("DELETE FROM audit_log WHERE entity = 'test'")

    back = tmp_path / "back.db"
    # small batches, so every table with more than 7 rows is read in several (keyset) pages
    report = transfer.copy_database(pg_target, back, batch_rows=7)
    assert report.rows == sum(t.rows for t in report.tables) and not report.replaced
    assert contents(back) == contents(source)
    # every table, index and trigger is there (the copy drops a SQLite target's indexes while
    # it fills and builds them again), exactly as the source, which its own migrations made
    assert schema_of(back) == schema_of(source)
    for words in ("food", "youth club", "carers"):
        assert found(back, words) == found(source, words)
    assert found(pg_target, "food") == found(source, "food")


def test_refuses_a_target_with_data_without_replace(source, db_path, run_cli):
    before = database_fingerprint(db_path)
    refused = run_cli("copy", "--from", source, "--to", db_path)
    assert refused.exit_code == 1
    assert "already holds data" in refused.stderr and "--replace" in refused.stderr
    assert "organisations (360 rows)" in refused.stderr
    assert database_fingerprint(db_path) == before


def test_replace_puts_the_source_rows_in_place_of_the_target_rows(source, db_path, run_cli):
    with store.opened(db_path) as db, store.transaction(db):
        versioned.record_audit(db, entity="test", entity_id=1, action="only in the target", who="Tester")
    replaced = run_cli("copy", "--from", source, "--to", db_path, "--replace", "--format", "json")
    assert replaced.exit_code == 0, replaced.output
    report = json.loads(replaced.stdout)
    assert report["replaced"] is True and report["checked"] is True
    assert {t["table"]: t["pence"] for t in report["tables"]}["spend"] == {"amount_pence": 420_205_826}
    assert contents(db_path) == contents(source)
    assert spend_pence(db_path) == 420_205_826


def _pounds_trigger(db) -> None:
    """A trigger someone left on the target: it multiplies every new spend amount by 100
    (pounds taken for pence). The copy's money check must catch it."""
    if db.dialect == "postgresql":
        db.execute("CREATE FUNCTION pounds_to_pence() RETURNS trigger LANGUAGE plpgsql AS "
                   "'BEGIN NEW.amount_pence := NEW.amount_pence * 100; RETURN NEW; END'")
        db.execute("CREATE TRIGGER pounds_to_pence BEFORE INSERT ON spend FOR EACH ROW EXECUTE FUNCTION pounds_to_pence()")
    else:
        db.execute("CREATE TRIGGER pounds_to_pence AFTER INSERT ON spend BEGIN "
                   "UPDATE spend SET amount_pence = amount_pence * 100 WHERE id = NEW.id; END")


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_money_mismatch_rolls_back_and_names_the_table(engine, source, tmp_path, request, run_cli):
    target = request.getfixturevalue("pg_target") if engine == "postgresql" else tmp_path / "target.db"
    with store.opened(target) as db:
        migrations.migrate(db)
        _pounds_trigger(db)
    before = contents(target)
    failed = run_cli("copy", "--from", source, "--to", target)
    assert failed.exit_code == 1
    assert "nothing was written to the target" in failed.stderr
    assert "spend.amount_pence: £4,202,058.26 in the source, £420,205,826.00 in the target" in failed.stderr
    assert contents(target) == before


def test_a_failed_replace_leaves_the_target_as_it_was(source, db_path, run_cli):
    with store.opened(db_path) as db:
        _pounds_trigger(db)
    before = contents(db_path)
    failed = run_cli("copy", "--from", source, "--to", db_path, "--replace")
    assert failed.exit_code == 1 and "spend.amount_pence" in failed.stderr
    assert contents(db_path) == before


def test_a_new_sqlite_target_is_removed_after_a_failure(source, tmp_path, monkeypatch):
    target = tmp_path / "new.db"

    def fail(*_):
        raise RuntimeError("the disk filled up")

    with pytest.raises(RuntimeError):
        transfer.copy_database(source, target, progress=fail)
    assert not target.exists() and not target.with_name("new.db-wal").exists()


def test_copy_refuses_what_it_cannot_do(source, tmp_path, run_cli):
    same = run_cli("copy", "--from", source, "--to", source)
    assert same.exit_code == 1 and "the same database" in same.stderr
    missing = run_cli("copy", "--from", tmp_path / "nowhere.db", "--to", tmp_path / "x.db")
    assert missing.exit_code == 1 and "no database file" in missing.stderr
    assert not (tmp_path / "x.db").exists()


def test_backup_of_the_sqlite_file(source, tmp_path, run_cli):
    working = tmp_path / "working.db"
    shutil.copyfile(source, working)
    with store.opened(working) as db:  # a connection open (and a write) while the backup runs
        db.execute("UPDATE settings SET value = value")
        result = run_cli("backup", "--db", working, "--to", tmp_path / "backups" / "monday.db")
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    assert contents(tmp_path / "backups" / "monday.db") == contents(source)
    again = run_cli("backup", "--db", working, "--to", tmp_path / "backups" / "monday.db")
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_backup_refuses_postgresql_and_points_to_pg_dump(pg_target, tmp_path, run_cli):
    refused = run_cli("backup", "--db", with_password(pg_target, "hidden"), "--to", tmp_path / "b.db")
    assert refused.exit_code == 1
    assert "pg_dump -Fc" in refused.stderr and "hidden" not in refused.stderr
    assert not (tmp_path / "b.db").exists()


def test_a_missing_postgresql_database_is_named_without_its_password(source, pg_url, run_cli):
    absent = with_password(pg_url.rsplit("/", 1)[0] + "/no_such_database", "never-shown-password")
    refused = run_cli("copy", "--from", source, "--to", absent)
    assert refused.exit_code == 1
    assert "Create the database first" in refused.stderr and "LOCALE 'C'" in refused.stderr
    assert "never-shown-password" not in refused.stderr + refused.stdout
