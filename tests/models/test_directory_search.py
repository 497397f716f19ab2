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


@pytest.mark.parametrize("as_set_above", [20_000, 0])  # own columns read from each match's row, or as a set
def test_filters_match_checking_each_organisation(db, monkeypatch, as_set_above):
    monkeypatch.setattr(organisations, "OWN_COLUMNS_AS_SET_ABOVE", as_set_above)
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


def test_list_filters_match_checking_each_organisation(db):
    """Without words: a district, a theme and a role together, against each organisation's
    own lists read in Python; rows in name order, the total over every match."""
    import json

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
