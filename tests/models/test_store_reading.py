"""``store.reading``: a read-only connection (plain sqlite3 on a SQLite file, no SQLAlchemy)
that answers the same SQL, named parameters and IN-lists as ``store.opened``."""

from __future__ import annotations

import sqlite3

import pytest

from models import spend, store
from models.errors import DomainError
from models.database import init_database

QUESTIONS = [
    ("SELECT authority, SUM(amount_pence) FROM spend WHERE financial_year IN :years AND body_type = :body "
     "GROUP BY authority ORDER BY authority", {"years": ["2008/09"], "body": "health"}),
    ("SELECT COUNT(*) FROM spend WHERE district IN :districts", {"districts": ("Macclesfield", "Congleton")}),
    ("SELECT COUNT(*) FROM spend WHERE id IN :none", {"none": []}),        # an empty IN-list: nothing
    ("SELECT COUNT(*) FROM spend WHERE id NOT IN :none", {"none": []}),    # ... NOT IN it: everything
    ("SELECT :district_x, COUNT(*) FROM spend WHERE district IN :district", {"district": ["Crewe"], "district_x": "x"}),
]


@pytest.mark.parametrize(("sql", "params"), QUESTIONS)
def test_reading_answers_as_the_store_does(db_path, sql, params):
    with store.opened(db_path) as database:
        expected = database.execute(sql, params).fetchall()
    with store.reading(db_path) as reader:
        assert [tuple(r) for r in reader.execute(sql, params).fetchall()] == expected
        assert list(reader.query(sql, params)) and store.schema_current(reader)


def test_spend_reads_the_same_through_either(db_path):
    """The page (store.opened) and the command line (store.reading) get the same groups."""
    chosen = spend.SpendFilter(years=("2008/09",), body_types=())
    with store.opened(db_path) as database:
        expected = spend.spend_rows(database, ["authority", "department", "funding_type"], chosen)
        frame = spend.spend_by(database, ["authority", "department", "funding_type"], chosen)
    with store.reading(db_path) as reader:
        assert spend.spend_rows(reader, ["authority", "department", "funding_type"], chosen) == expected
    assert [tuple(r) for r in frame.itertuples(index=False)] == expected
    assert str(frame["amount_pence"].dtype) == "int64" and str(frame["rows"].dtype) == "int64"
    # The framework's local government and PCT tables together: £3,103,486.94 + £1,096,680.98.
    assert sum(r[-2] for r in expected) == 310348694 + 109668098
    # Two of the framework's lines give no department: shown as '(no department)', never ''.
    departments = {r[1] for r in expected}
    assert spend.NO_DEPARTMENT in departments and "" not in departments


def test_a_sqlite_reader_writes_nothing_and_needs_the_file(tmp_path):
    path = init_database(tmp_path / "x.db")
    with store.reading(path) as reader:
        assert isinstance(reader, store.Reader) and store.table_exists(reader, "spend")
        assert not store.table_exists(reader, "no_such_table")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.execute("DELETE FROM spend")
    with pytest.raises(DomainError, match="Cannot open"):
        with store.reading(tmp_path / "absent.db"):
            pass
    assert not (tmp_path / "absent.db").exists()
    (tmp_path / "notes.db").write_text("not a database, only some words " * 10)
    with pytest.raises(DomainError, match="Cannot open the database at .*notes.db: file is not a database"):
        with store.reading(tmp_path / "notes.db"):
            pass


def test_an_empty_in_list_matches_nothing_whatever_the_column_type(db_path):
    """On either engine an empty list matches no row and NOT IN it matches every row, for a
    TEXT column as for an INTEGER one (PostgreSQL refused text = integer before)."""
    with store.opened(db_path) as database:
        everything = database.execute("SELECT COUNT(*) FROM spend").fetchone()[0]
        assert everything > 0
        for column in ("district", "id"):
            assert database.execute(f"SELECT COUNT(*) FROM spend WHERE {column} IN :none", {"none": []}).fetchone()[0] == 0
            assert database.execute(f"SELECT COUNT(*) FROM spend WHERE {column} NOT IN :none",
                                    {"none": ()}).fetchone()[0] == everything
        # An empty list beside a full one, and beside a plain parameter.
        assert database.execute(
            "SELECT COUNT(*) FROM spend WHERE district IN :none OR (district IN :some AND body_type = :body)",
            {"none": [], "some": ["Macclesfield"], "body": "no such body"}).fetchone()[0] == 0
