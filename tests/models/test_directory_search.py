"""Directory search at scale (issue 15): the count covers every match, ranking is bounded
to the first RANKED matches, and filters give the same answer as checking each match."""

from __future__ import annotations

import pytest

from models import organisations


def bare_matches(db, words: str) -> list[int]:
    """The ids the engine's own full-text index finds for ``words``, in id order."""
    if getattr(db, "dialect", "sqlite") == "postgresql":
        sql = f"SELECT id FROM organisations WHERE search_document @@ {organisations.TS_QUERY} ORDER BY id"
        query = organisations.tsquery_text(words)
    else:
        sql = "SELECT rowid FROM organisations_fts WHERE organisations_fts MATCH :query ORDER BY rowid"
        query = organisations.fts_expression(words)
    return [r[0] for r in db.execute(sql, {"query": query})]


def test_total_counts_every_match_and_ranking_is_bounded(db, monkeypatch):
    everyone = bare_matches(db, "community")
    assert len(everyone) > 20  # the demonstration directory: a common word
    monkeypatch.setattr(organisations, "RANKED", 5)
    result = organisations.search(db, organisations.DirectoryFilter(query="community"), limit=3)
    assert result.total == len(everyone)
    first_five = {org_id for org_id, id_ in db.execute("SELECT org_id, id FROM organisations").fetchall() if id_ in everyone[:5]}
    assert len(result.rows) == 3 and set(result.rows["org_id"]) <= first_five


@pytest.mark.parametrize("demo_shown", [True, False])
def test_filters_match_checking_each_organisation(db, demo_shown):
    if not demo_shown:  # the demonstration directory hidden: the words alone find nothing
        organisations.set_demo_shown(db, False, who="test")
        assert organisations.search(db, organisations.DirectoryFilter(query="support")).total == 0
        return
    chosen = organisations.DirectoryFilter(query="support", districts=("Macclesfield",),
                                           roles=(organisations.ROLES[0],), public_services_only=True)
    result = organisations.search(db, chosen, limit=1000)
    expected = 0
    for rowid in bare_matches(db, "support"):
        row = db.execute("SELECT districts, is_infrastructure, delivers_public_services FROM organisations WHERE id = :id",
                         {"id": rowid}).fetchone()
        if "Macclesfield" in row[0] and row[1] == 0 and row[2] == 1:
            expected += 1
    assert expected > 0 and result.total == expected == len(result.rows)


def words_of(*texts) -> list[str]:
    import re

    return re.findall(r"\w+", " ".join(t or "" for t in texts).lower())


# Without words a page is found one of three ways (organisations.SORT_US): forced here by
# making the other two dear.
WAYS = {
    "sort": {"SET_US": 1e9, "PROBE_WALK_US": 1e9},
    "set": {"SORT_US": 1e9, "PROBE_WALK_US": 1e9},
    "probe": {"SORT_US": 1e9, "SET_US": 1e9},
}


@pytest.mark.parametrize("way", sorted(WAYS))
def test_list_filters_match_checking_each_organisation(db, monkeypatch, way):
    """Without words: a district, a theme and a role together, against each organisation's
    own lists read in Python; rows in name order, the total over every match; the same
    whichever way the page is found."""
    import json

    for name, value in WAYS[way].items():
        monkeypatch.setattr(organisations, name, value)
    chosen = organisations.DirectoryFilter(districts=("Congleton",), themes=("Environment",), roles=(organisations.ROLES[0],))
    expected = sorted(
        (name, org_id) for org_id, name, districts, themes, infrastructure in db.execute(
            "SELECT org_id, name, districts, themes, is_infrastructure FROM organisations").fetchall()
        if "Congleton" in json.loads(districts) and "Environment" in json.loads(themes) and infrastructure == 0)
    result = organisations.search(db, chosen, limit=5)
    assert result.total == len(expected) > 5
    assert list(result.rows["org_id"]) == [org_id for _, org_id in expected[:5]]


def test_every_word_is_a_prefix_and_the_hits_are_the_same_on_every_engine(db):
    """The matching rule both engines follow (FTS5 on SQLite, tsvector on PostgreSQL): every
    word must begin a word of the name, themes or description. Checked against the seeded
    directory read in Python, with words that stemming leaves alone."""
    rows = db.execute("SELECT org_id, name, themes, description FROM organisations").fetchall()
    for query in ("foodbank", "befriend", "youth club", "debt", "mental health", "transport"):
        wanted = query.split()
        expected = {org_id for org_id, name, themes, description in rows
                    if all(any(w.startswith(word) for w in words_of(name, themes, description)) for word in wanted)}
        result = organisations.search(db, organisations.DirectoryFilter(query=query), limit=1000)
        assert expected and set(result.rows["org_id"]) == expected and result.total == len(expected), query
    # As you type: a first word cut short finds the same as the whole word.
    assert organisations.search(db, organisations.DirectoryFilter(query="befr old")).total == \
        organisations.search(db, organisations.DirectoryFilter(query="befriending older")).total > 0


def add_organisation(db, org_id, name, description, **columns):
    with organisations.store.transaction(db):
        db["organisations"].insert({"org_id": org_id, "name": name, "description": description, "source": "test",
                                    "updated_at": "2026-12-02T00:00:00+00:00", **columns})


@pytest.mark.parametrize("way", sorted(WAYS))
def test_size_bands_and_odd_district_names_filter_alike(db, monkeypatch, way):
    """The index's facet terms (SQLite) and the row's columns (PostgreSQL) agree at every
    band's edge (the NCVO bands, in pence) and for a district or theme of any text."""
    for name, value in WAYS[way].items():
        monkeypatch.setattr(organisations, name, value)
    incomes = {"EDGE-0": 0, "EDGE-1": 999_999, "EDGE-2": 1_000_000, "EDGE-3": 9_999_999, "EDGE-4": 10_000_000,
               "EDGE-5": 99_999_999, "EDGE-6": 100_000_000, "EDGE-7": 999_999_999, "EDGE-8": 1_000_000_000,
               "EDGE-9": None, "EDGE-10": -1}
    for org_id, income in incomes.items():
        add_organisation(db, org_id, f"Edgeworth {org_id}", "an edge case", latest_income_pence=income,
                         districts='["Ynys Môn", " Côte \\"Quoted\\" "]', themes='["Arts & Crafts: ünïcode"]')
    bands = list(organisations.SIZE_BANDS) + [organisations.UNKNOWN_SIZE]
    expected = {  # worked by hand from the bands' limits (lower limit in, upper limit out)
        bands[0]: {"EDGE-0", "EDGE-1"}, bands[1]: {"EDGE-2", "EDGE-3"}, bands[2]: {"EDGE-4", "EDGE-5"},
        bands[3]: {"EDGE-6", "EDGE-7"}, bands[4]: {"EDGE-8"}, bands[5]: {"EDGE-9"},
    }
    for band, org_ids in expected.items():
        for query in ("", "edgeworth"):
            found = organisations.search(db, organisations.DirectoryFilter(
                query=query, size_bands=(band,), districts=("Ynys Môn",)), limit=100)
            assert set(found.rows["org_id"]) == org_ids and found.total == len(org_ids), (band, query)
    for districts, themes in ((("Côte \"Quoted\"",), ()), ((), ("Arts & Crafts: ünïcode",))):
        found = organisations.search(db, organisations.DirectoryFilter(districts=districts, themes=themes), limit=100)
        assert set(found.rows["org_id"]) == set(incomes)
    assert organisations.search(db, organisations.DirectoryFilter(districts=("Ynys",))).total == 0


@pytest.mark.parametrize("query", ["qq", "q", "qqd", "Qq", "quokka"])
def test_words_never_match_the_filters_terms(db, query):
    """Words beginning as the index's facet terms do ('qq...') find only organisations
    whose name, description or themes have such a word: checked in Python."""
    add_organisation(db, "QQ-1", "Quokka Quest", "quizzes for everyone", districts='["Congleton"]')
    rows = db.execute("SELECT org_id, name, themes, description FROM organisations").fetchall()
    expected = {org_id for org_id, name, themes, description in rows
                if any(w.startswith(query.lower()) for w in words_of(name, themes, description))}
    result = organisations.search(db, organisations.DirectoryFilter(query=query), limit=1000)
    assert set(result.rows["org_id"]) == expected and result.total == len(expected)
    if query.lower().startswith("qq"):
        assert expected == set()
    else:
        assert "QQ-1" in expected


def test_the_version_moves_once_a_row_written_in_one_statement_or_many(db):
    """The directory's version (the matching model's cache key) moves by the rows each
    statement writes, on both engines (PostgreSQL counts them once a statement, migration
    125), and not at all for a statement that writes none."""
    version = lambda: db.execute("SELECT version FROM directory_version WHERE id = 1").fetchone()[0]  # noqa: E731
    before = version()
    with organisations.store.transaction(db):
        db["organisations"].insert_all([
            {"org_id": f"MANY-{n}", "name": f"Many {n}", "description": "one statement", "source": "test",
             "updated_at": "2026-12-02T00:00:00+00:00"} for n in range(5)])
    assert version() == before + 5
    with organisations.store.transaction(db):
        db.execute("UPDATE organisations SET staff = 3 WHERE org_id LIKE 'MANY-%'")
        db.execute("UPDATE organisations SET staff = 4 WHERE org_id = 'NOBODY'")
        db.execute("DELETE FROM organisations WHERE org_id IN :ids", {"ids": ["MANY-0", "MANY-1"]})
    assert version() == before + 5 + 5 + 0 + 2
    assert organisations.search(db, organisations.DirectoryFilter(query="many statement")).total == 3
