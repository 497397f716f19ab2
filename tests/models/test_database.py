"""Creating and seeding a new database (``init_database``): every seed row once, officers'
edits kept on a second run, and several processes starting at once on a new database
seed it exactly once between them (each finds it seeded)."""

from __future__ import annotations

import csv

from models import action_plan, outcomes, self_assessment, store
from models.database import change_marker, init_database
from tests.concurrency.harness import at_once, unhandled

PROCESSES = 6


def csv_rows(path) -> int:
    with open(path, newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def links_in_seed() -> int:
    with open(action_plan.SEED_FILE, newline="", encoding="utf-8") as handle:
        return sum(len([o for o in row["outcomes"].split(";") if o.strip()]) for row in csv.DictReader(handle))


def seeded_counts(db) -> dict[str, int]:
    return {table: db[table].count for table in EXPECTED}


# What the seed files hold: the six outcomes of the framework, and one row a line of each file.
EXPECTED = {
    "outcomes": 6,
    "indicators": csv_rows(outcomes.INDICATORS_FILE),
    "observations": csv_rows(outcomes.OBSERVATIONS_FILE),
    "actions": csv_rows(action_plan.SEED_FILE),
    "action_outcomes": links_in_seed(),
    "assessment_items": csv_rows(self_assessment.SEED_FILE),
}


def test_a_new_database_is_seeded_once_and_a_second_run_changes_nothing(empty_database):
    init_database(empty_database)
    with store.opened(empty_database) as db:
        first = seeded_counts(db)
        assert first == EXPECTED
        assert outcomes.seed(db) == 0
        assert action_plan.seed(db) == 0
        assert self_assessment.seed(db) == 0
    init_database(empty_database)
    with store.opened(empty_database) as db:
        assert seeded_counts(db) == EXPECTED


def test_seeding_keeps_officers_edits_and_restores_a_removed_row(db):
    action_plan.save_changes(db, {"INF-C1": {"status": "Done", "owner": "Ann"}}, who="Ann")
    with store.transaction(db):
        db.execute("DELETE FROM observations WHERE seed_key = :key", {"key": "seed:I1:2004-03-31"})
    assert outcomes.seed(db) == 1
    assert action_plan.seed(db) == 0
    actions = action_plan.list_actions(db).set_index("action_id")
    assert (actions.loc["INF-C1", "status"], actions.loc["INF-C1", "owner"]) == ("Done", "Ann")
    assert seeded_counts(db) == EXPECTED


def columns_of(db, table: str) -> set[str]:
    return {d[0] for d in db.execute(f'SELECT * FROM "{table}" LIMIT 0').description}


def table_contents(db, columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Every row of each table (of the columns given), sorted."""
    return {table: sorted((tuple(row[c] for c in names) for row in db.query(f'SELECT * FROM "{table}"')), key=repr)
            for table, names in columns.items()}


def test_postgresql_is_seeded_exactly_as_sqlite(tmp_path, new_postgresql):
    lite_path = init_database(tmp_path / "seeded.db")
    init_database(new_postgresql)
    with store.opened(lite_path) as lite, store.opened(new_postgresql) as pg:
        # SQLite's FTS5 tables have no PostgreSQL twin (a search_document column instead).
        assert {t for t in lite.table_names() if t not in pg.table_names()} == {
            t for t in lite.table_names() if t.startswith("organisations_fts")}
        tables = (set(lite.table_names()) & set(pg.table_names())) - {"schema_migrations"}
        # Compared: the columns both engines have, less the times written while seeding.
        columns = {t: sorted(c for c in columns_of(lite, t) & columns_of(pg, t) if not c.endswith("_at"))
                   for t in tables}
        seeded = table_contents(lite, columns)
        assert seeded == table_contents(pg, columns)
        assert {t for t, rows in seeded.items() if rows} >= set(EXPECTED) | {"spend", "organisations"}


def _initialise(db, where) -> dict[str, int]:
    init_database(where)
    return seeded_counts(db)


def test_processes_starting_together_seed_a_new_database_once(empty_database):
    results = at_once(empty_database, _initialise, [(str(empty_database),)] * PROCESSES)
    assert unhandled(results) == []
    assert [r.status for r in results] == ["saved"] * PROCESSES, [r.error for r in results]
    assert all(r.value == EXPECTED for r in results)
    with store.opened(empty_database) as db:
        assert seeded_counts(db) == EXPECTED
        assert db.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == len(store.migration_files(db.dialect))


def read_a_page(where) -> None:
    with store.opened(where) as db:
        outcomes.list_observations(db)
        action_plan.list_actions(db)


ATTEMPTS = 20


def leaves_the_marker(where, look) -> bool:
    """Whether ``look()`` (which does something, then reads the marker) finds the change
    marker as it was before, in one of ``ATTEMPTS`` tries. On PostgreSQL the marker is the
    server's, and other databases' writes on a shared test cluster move it too: one quiet
    try shows that what ``look`` did is not a change."""
    for _ in range(ATTEMPTS):
        before = change_marker(where)
        if look() == before:
            return True
    return False


def test_the_change_marker_moves_on_a_write_from_another_connection_not_on_reads(db_path):
    def after_reading():
        read_a_page(db_path)
        return change_marker(db_path)

    def with_a_session_open():  # another session's connection: on SQLite it makes an empty log
        with store.opened(db_path) as session:
            outcomes.list_outcomes(session)
            read_a_page(db_path)
            return change_marker(db_path)

    assert leaves_the_marker(db_path, after_reading)
    assert leaves_the_marker(db_path, with_a_session_open)
    before = change_marker(db_path)
    with store.opened(db_path) as other:
        action_plan.save_changes(other, {"INF-C1": {"status": "Done"}}, who="Ann")
    assert change_marker(db_path) != before
    assert leaves_the_marker(db_path, after_reading)
