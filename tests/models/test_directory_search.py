"""Directory search at scale (issue 15): the count covers every match, ranking is bounded
to the first RANKED matches, and filters give the same answer as checking each match."""

from __future__ import annotations

from models import organisations


def bare_matches(db, words: str) -> list[int]:
    expression = organisations.fts_expression(words)
    return [r[0] for r in db.execute(
        "SELECT rowid FROM organisations_fts WHERE organisations_fts MATCH ? ORDER BY rowid", [expression])]


def test_total_counts_every_match_and_ranking_is_bounded(db, monkeypatch):
    everyone = bare_matches(db, "community")
    assert len(everyone) > 20  # the demonstration directory: a common word
    monkeypatch.setattr(organisations, "RANKED", 5)
    result = organisations.search(db, organisations.DirectoryFilter(query="community"), limit=3)
    assert result.total == len(everyone)
    first_five = {r[0] for r in db.execute("SELECT org_id FROM organisations WHERE id IN (%s)" % ",".join(map(str, everyone[:5])))}
    assert len(result.rows) == 3 and set(result.rows["org_id"]) <= first_five


def test_filters_match_checking_each_organisation(db):
    chosen = organisations.DirectoryFilter(query="support", districts=("Macclesfield",),
                                           roles=(organisations.ROLES[0],), public_services_only=True)
    result = organisations.search(db, chosen, limit=1000)
    expected = 0
    for rowid in bare_matches(db, "support"):
        row = db.execute("SELECT districts, is_infrastructure, delivers_public_services FROM organisations WHERE id = ?",
                         [rowid]).fetchone()
        if "Macclesfield" in row[0] and row[1] == 0 and row[2] == 1:
            expected += 1
    assert expected > 0 and result.total == expected == len(result.rows)
