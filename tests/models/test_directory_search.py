"""Directory search at scale (issue 15): the count covers every match, ranking is bounded
to the first RANKED matches, and filters give the same answer as checking each match."""

from __future__ import annotations

import pytest

from models import directory_search, organisations


def bare_matches(db, words: str) -> list[int]:
    """The ids the engine's own full-text index finds for ``words``, in id order."""
    if getattr(db, "dialect", "sqlite") == "postgresql":
        sql = f"SELECT id FROM organisations WHERE search_document @@ {directory_search.TS_QUERY} ORDER BY id"
        query = directory_search.tsquery_text(words)
    else:
        sql = "SELECT rowid FROM organisations_fts WHERE organisations_fts MATCH :query ORDER BY rowid"
        query = directory_search.fts_expression(words)
    return [r[0] for r in db.execute(sql, {"query": query})]


def test_total_counts_every_match_and_ranking_is_bounded(db, monkeypatch):
    everyone = bare_matches(db, "community")
    assert len(everyone) > 20  # the demonstration directory: a common word
    monkeypatch.setattr(directory_search, "RANKED", 5)
    result = directory_search.search(db, directory_search.DirectoryFilter(query="community"), limit=3)
    assert result.total == len(everyone)
    first_five = {org_id for org_id, id_ in db.execute("SELECT org_id, id FROM organisations").fetchall() if id_ in everyone[:5]}
    assert len(result.rows) == 3 and set(result.rows["org_id"]) <= first_five


@pytest.mark.parametrize("demo_shown", [True, False])
def test_filters_match_checking_each_organisation(db, demo_shown):
    if not demo_shown:  # the demonstration directory hidden: the words alone find nothing
        organisations.set_demo_shown(db, False, who="test")
        assert directory_search.search(db, directory_search.DirectoryFilter(query="support")).total == 0
        return
    chosen = directory_search.DirectoryFilter(query="support", districts=("Macclesfield",),
                                              roles=(organisations.ROLES[0],), public_services_only=True)
    result = directory_search.search(db, chosen, limit=1000)
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


# Without words a page is found one of three ways (directory_search.SORT_US): forced here by
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
        monkeypatch.setattr(directory_search, name, value)
    chosen = directory_search.DirectoryFilter(districts=("Congleton",), themes=("Environment",), roles=(organisations.ROLES[0],))
    expected = sorted(
        (name, org_id) for org_id, name, districts, themes, infrastructure in db.execute(
            "SELECT org_id, name, districts, themes, is_infrastructure FROM organisations").fetchall()
        if "Congleton" in json.loads(districts) and "Environment" in json.loads(themes) and infrastructure == 0)
    result = directory_search.search(db, chosen, limit=5)
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
        result = directory_search.search(db, directory_search.DirectoryFilter(query=query), limit=1000)
        assert expected and set(result.rows["org_id"]) == expected and result.total == len(expected), query
    # As you type: a first word cut short finds the same as the whole word.
    assert directory_search.search(db, directory_search.DirectoryFilter(query="befr old")).total == \
        directory_search.search(db, directory_search.DirectoryFilter(query="befriending older")).total > 0


FILTERS = [  # every kind of filter, one value and several (any of them), with and without words
    {"districts": ("Congleton", "Macclesfield"), "org_types": ("charity", "CIO")},
    {"themes": ("Environment",), "size_bands": ("Small (£10,000 to £100,000)", "Income not known")},
    {"roles": ("Infrastructure (support)",), "public_services_only": True},
    {"districts": ("Crewe and Nantwich",), "themes": ("Healthier communities and older people", "Environment"),
     "roles": ("Front line", "Infrastructure (support)")},
]


@pytest.mark.parametrize("demo_visible", [True, False])
@pytest.mark.parametrize("query", ["", "support"])
@pytest.mark.parametrize("chosen", range(len(FILTERS)))
def test_every_filter_finds_what_each_organisation_says_in_name_order(db, chosen, query, demo_visible):
    """Both engines (SQLite's FTS5 facet terms, PostgreSQL's facet keys, migration 130) find
    the organisations whose own columns pass every filter chosen (any of its values),
    checked in Python row by row; without words, in name order (then id), the same on each
    engine; demonstration rows left out when hidden."""
    import json

    add_organisation(db, "REAL-1", "Real Support Group", "support for carers", districts='["Congleton"]',
                     themes='["Environment"]', org_type="charity", latest_income_pence=2_000_000)
    add_organisation(db, "REAL-2", "Another Real Group", "support for groups", districts='["Crewe and Nantwich"]',
                     themes='["Environment"]', org_type="CIO", is_infrastructure=1, delivers_public_services=1)
    if not demo_visible:
        organisations.set_demo_shown(db, False, who="test")
    wanted = directory_search.DirectoryFilter(query=query, **FILTERS[chosen])
    bands = lambda income: organisations.size_band(income)  # noqa: E731
    expected = []
    for id_, org_id, name, districts, themes, org_type, income, infrastructure, public, demo, description in db.execute(
            "SELECT id, org_id, name, districts, themes, org_type, latest_income_pence, is_infrastructure, "
            "delivers_public_services, is_demo, description FROM organisations").fetchall():
        passes = [
            not wanted.districts or set(wanted.districts) & set(json.loads(districts)),
            not wanted.themes or set(wanted.themes) & set(json.loads(themes)),
            not wanted.org_types or org_type in wanted.org_types,
            not wanted.size_bands or bands(income) in wanted.size_bands,
            len(set(wanted.roles)) != 1 or organisations.ROLES[infrastructure] == wanted.roles[0],
            not wanted.public_services_only or public == 1,
            demo_visible or demo == 0,
            not query or any(w.startswith(query) for w in words_of(name, themes, description)),
        ]
        if all(passes):
            expected.append((name, id_, org_id))
    result = directory_search.search(db, wanted, limit=1000)
    assert result.total == len(expected) and expected
    if query:
        assert set(result.rows["org_id"]) == {org_id for _, _, org_id in expected}
    else:
        assert list(result.rows["org_id"]) == [org_id for _, _, org_id in sorted(expected)]


def add_organisation(db, org_id, name, description, **columns):
    with organisations.store.transaction(db):
        db["organisations"].insert({"org_id": org_id, "name": name, "description": description, "source": "test",
                                    "updated_at": "2026-12-02T00:00:00+00:00", **columns})


@pytest.mark.parametrize("way", sorted(WAYS))
def test_size_bands_and_odd_district_names_filter_alike(db, monkeypatch, way):
    """The index's facet terms (SQLite) and the row's columns (PostgreSQL) agree at every
    band's edge (the NCVO bands, in pence) and for a district or theme of any text."""
    for name, value in WAYS[way].items():
        monkeypatch.setattr(directory_search, name, value)
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
            found = directory_search.search(db, directory_search.DirectoryFilter(
                query=query, size_bands=(band,), districts=("Ynys Môn",)), limit=100)
            assert set(found.rows["org_id"]) == org_ids and found.total == len(org_ids), (band, query)
    for districts, themes in ((("Côte \"Quoted\"",), ()), ((), ("Arts & Crafts: ünïcode",))):
        found = directory_search.search(db, directory_search.DirectoryFilter(districts=districts, themes=themes), limit=100)
        assert set(found.rows["org_id"]) == set(incomes)
    assert directory_search.search(db, directory_search.DirectoryFilter(districts=("Ynys",))).total == 0


@pytest.mark.parametrize("query", ["qq", "q", "qqd", "Qq", "quokka"])
def test_words_never_match_the_filters_terms(db, query):
    """Words beginning as the index's facet terms do ('qq...') find only organisations
    whose name, description or themes have such a word: checked in Python."""
    add_organisation(db, "QQ-1", "Quokka Quest", "quizzes for everyone", districts='["Congleton"]')
    rows = db.execute("SELECT org_id, name, themes, description FROM organisations").fetchall()
    expected = {org_id for org_id, name, themes, description in rows
                if any(w.startswith(query.lower()) for w in words_of(name, themes, description))}
    result = directory_search.search(db, directory_search.DirectoryFilter(query=query), limit=1000)
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
    assert directory_search.search(db, directory_search.DirectoryFilter(query="many statement")).total == 3
