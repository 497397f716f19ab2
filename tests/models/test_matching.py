"""Provider matching: hand-labelled specifications (precision at 5), an organisation that
fits ranked above ones that do not, fit-once caching, market depth and overlap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models import matching, organisations
from models.demo_directory import generate
from models.errors import DomainError
from tests.helpers import LABELLED_SPECIFICATIONS

@pytest.fixture(scope="module")
def demo_model():
    """The model fitted on the shipped demonstration directory, and each org's kind."""
    records = generate()
    frame = pd.DataFrame(records)
    frame["districts"] = [organisations._list(v) for v in frame["districts"]]
    frame["themes"] = [organisations._list(v) for v in frame["themes"]]
    frame["is_demo"] = 1
    kinds = dict(zip(frame["org_id"], frame["service_kind"]))
    return matching.fit(frame, "test"), kinds


def precision_at(model, kinds, k: int = 5) -> list[float]:
    """Precision at k for each labelled specification."""
    results = []
    for spec, relevant in LABELLED_SPECIFICATIONS:
        top = matching.match(model, spec, top=k)
        results.append(sum(kinds[o] in relevant for o in top["org_id"]) / k)
    return results


def test_precision_at_5_on_labelled_specifications(demo_model):
    model, kinds = demo_model
    assert len(LABELLED_SPECIFICATIONS) >= 20
    precision = precision_at(model, kinds)
    mean = sum(precision) / len(precision)
    print(f"\nPrecision at 5 over {len(precision)} labelled specifications: {mean:.3f}")
    for (spec, _), value in zip(LABELLED_SPECIFICATIONS, precision):
        print(f"  {value:.1f}  {spec[:70]}")
    assert mean >= 0.8, precision
    assert min(precision) >= 0.4, precision


def test_best_match_is_relevant_for_every_specification(demo_model):
    model, kinds = demo_model
    for spec, relevant in LABELLED_SPECIFICATIONS:
        top = matching.match(model, spec, top=1)
        assert kinds[top["org_id"].iloc[0]] in relevant, spec


def directory_of(rows) -> pd.DataFrame:
    """A directory frame from (org-id, name, description, districts) rows."""
    return pd.DataFrame(
        [{"id": i, "org_id": o, "name": n, "org_type": "charity", "districts": d, "themes": [], "description": t, "is_demo": 0}
         for i, (o, n, t, d) in enumerate(rows, start=1)]
    )


def hand_directory() -> pd.DataFrame:
    rows = [
        ("A1", "Riverside Stroke Club", "Exercise and rehabilitation classes after a stroke, and a carers' group.", ["Crewe and Nantwich"]),
        ("A2", "Hilltop Bowls Club", "Lawn bowls for members of all ages; the green is open in summer.", ["Crewe and Nantwich"]),
        ("A3", "Town Stroke Survivors", "Peer support and rehabilitation exercise for stroke survivors.", ["Macclesfield"]),
        ("A4", "Meadow Pre-school", "Pre-school playgroup for children aged two to four.", ["Congleton"]),
        ("A5", "Lakeside Foodbank", "Emergency food parcels for families in crisis.", ["Congleton"]),
        ("A6", "Canal Foodbank", "Emergency food parcels and a community pantry for families in crisis.", ["Congleton"]),
    ]
    return directory_of(rows)


def test_fitting_organisation_ranks_above_ones_that_do_not():
    model = matching.fit(hand_directory(), "hand")
    result = matching.match(model, "Rehabilitation exercise classes for people who have had a stroke", top=6)
    assert list(result["org_id"][:2]) == ["A1", "A3"] or list(result["org_id"][:2]) == ["A3", "A1"]
    assert "A2" not in set(result["org_id"]) and "A4" not in set(result["org_id"])  # nothing in common: left out
    assert "stroke" in " ".join(result["matched_terms"].iloc[0])
    in_crewe = matching.match(model, "stroke rehabilitation", district="Crewe and Nantwich")
    assert list(in_crewe["org_id"]) == ["A1"]
    assert (result["score"].diff().dropna() <= 0).all()
    with pytest.raises(DomainError, match="Service specification"):
        matching.match(model, "   ")
    with pytest.raises(DomainError, match="too long"):
        matching.match(model, "food " * 10_000)


def overlap_directory() -> pd.DataFrame:
    """Hand-made organisations where the right pairs are obvious: two namesakes doing
    different things, two differently named night shelters serving two districts in
    common, two foodbanks with no district in common, and a food share that overlaps one
    foodbank in part."""
    rows = [
        ("H1", "Elworth Housing Trust", "Elworth Housing Trust provides almshouse flats for older residents in Elworth.", ["Congleton"]),
        ("H2", "Elworth Housing Trust (East)", "Elworth Housing Trust (East) runs a toy library and stay-and-play sessions for toddlers in Elworth.", ["Congleton"]),
        ("H3", "Sandbach Night Shelter", "A night shelter and emergency accommodation for homeless people.", ["Congleton", "Crewe and Nantwich"]),
        ("H4", "Alsager Homeless Project", "We run a night shelter and emergency accommodation for homeless people in Alsager.", ["Congleton", "Crewe and Nantwich", "Macclesfield"]),
        ("H5", "Crewe Foodbank", "Emergency food parcels for families in crisis.", ["Crewe and Nantwich"]),
        ("H6", "Macclesfield Foodbank", "Emergency food parcels for families in crisis.", ["Macclesfield"]),
        ("H7", "Poynton Food Share", "Emergency food parcels and a community pantry with low-cost groceries.", ["Macclesfield"]),
    ]
    return directory_of(rows)


def test_overlap_matches_what_organisations_do_not_their_names():
    model = matching.fit(overlap_directory(), "hand")
    everything = matching.overlap(model, threshold=0.01)
    # Namesakes doing different things never pair, at any level; the same services under different names do.
    assert not {"H1", "H2"} & (set(everything["org_id_a"]) | set(everything["org_id_b"]))
    # A single word in common ("emergency" shelter, "emergency" food) is a weak overlap, ranked last.
    assert everything["shared_terms"].iloc[-1] == ["emergency"] and everything["score"].iloc[-1] < 0.1
    pairs = matching.overlap(model, threshold=0.2)
    found = list(zip(pairs["org_id_a"], pairs["org_id_b"]))
    # Each pair once, with every district both serve; none for organisations sharing no district.
    assert found == [("H3", "H4"), ("H6", "H7")]
    first = pairs.iloc[0]
    assert first["shared_districts"] == ["Congleton", "Crewe and Nantwich"]
    assert first["score"] == pytest.approx(1.0, abs=0.001)  # the same services, word for word (names, places gone)
    assert {"night shelter", "emergency accommodation"} <= set(first["shared_terms"])
    # Ranked by how much the services overlap: the food share shares only "emergency food parcels".
    second = pairs.iloc[1]
    assert 0.2 <= second["score"] < first["score"]
    assert "emergency food" in second["shared_terms"] and "pantry" not in second["shared_terms"]
    assert second["shared_districts"] == ["Macclesfield"]
    assert list(pairs["cluster"]) == [1, 2]
    # A district narrows to pairs serving it; a high bar leaves only the identical pair.
    assert list(matching.overlap(model, district="Crewe and Nantwich", threshold=0.2)["org_id_a"]) == ["H3"]
    assert list(matching.overlap(model, threshold=0.99)["org_id_a"]) == ["H3"]
    with pytest.raises(DomainError, match="threshold"):
        matching.overlap(model, threshold=0)


def test_services_text_leaves_out_names_and_places():
    texts = matching.services_text(overlap_directory())
    assert "Elworth" not in texts[1] and "Housing Trust" not in texts[1] and "toy library" in texts[1]
    assert "Alsager" not in texts[3]
    assert matching.service_terms("Payroll, DBS checking and a night shelter") == [
        "payroll", "dbs", "checking", "dbs checking", "night", "shelter", "night shelter"]


def test_overlap_in_demo_directory_pairs_once_by_services(demo_model):
    """The seeded demonstration directory: before this change the finder listed 353 rows at
    0.45 (309 distinct pairs, a pair once per district it shared) with name words
    ("elworth housing", "housing trust") as the top reasons. Now each pair once, every
    pair's organisations of the same service kind."""
    model, kinds = demo_model
    pairs = matching.overlap(model, max_pairs=10_000)
    assert len(pairs) == len(set(zip(pairs["org_id_a"], pairs["org_id_b"])))
    assert (pairs["score"] >= matching.DEFAULT_OVERLAP_THRESHOLD).all() and (pairs["score"].diff().dropna() <= 0).all()
    assert all(kinds[a] == kinds[b] for a, b in zip(pairs["org_id_a"], pairs["org_id_b"]))
    rows = model.organisations.set_index("org_id")
    for a, b, shared in zip(pairs["org_id_a"], pairs["org_id_b"], pairs["shared_districts"]):
        assert shared and set(shared) == set(rows.loc[a, "districts"]) & set(rows.loc[b, "districts"])
    names = " ".join(term for terms in pairs["shared_terms"] for term in terms)
    assert "elworth" not in names and "trust" not in names and "congleton" not in names
    print(f"\nDemo directory: {len(pairs)} pairs at {matching.DEFAULT_OVERLAP_THRESHOLD}, "
          f"{pairs['cluster'].nunique()} groups")
    groups = matching.clusters(pairs)
    assert groups["size"].min() >= 2 and groups["size"].sum() >= pairs["cluster"].nunique() * 2
    looser = matching.overlap(model, threshold=0.3, max_pairs=10_000)
    assert len(looser) > len(pairs)


def test_overlap_compares_every_pair_however_few_rows_a_chunk_holds(demo_model, monkeypatch):
    """A chunk of one row at a time finds the same pairs as one chunk for the whole block;
    and the most alike are the first, the same as every pair computed by hand (dense)."""
    model, _ = demo_model
    whole = matching.overlap(model, max_pairs=10_000)
    monkeypatch.setattr(matching, "PAIR_CHUNK_ENTRIES", 1)
    assert matching.overlap(model, max_pairs=10_000).equals(whole)
    top = matching.overlap(model, max_pairs=7)
    assert top.equals(whole.head(7).assign(cluster=top["cluster"])) and top.attrs["total_pairs"] == len(whole)
    dense = (model.services @ model.services.T).toarray()
    index = {org_id: row for row, org_id in enumerate(model.organisations["org_id"])}
    for a, b, score in zip(whole["org_id_a"], whole["org_id_b"], whole["score"]):
        assert round(float(dense[index[a], index[b]]), 3) == score


def test_ranked_pairs_count_a_pair_once_and_break_ties_by_rows():
    """Pairs worked by hand: (3, 1) found twice (two districts), a tie at 0.7 ordered by rows."""
    lefts, rights = np.array([3, 1, 5, 2, 4]), np.array([1, 3, 6, 9, 0])
    values = np.array([0.9, 0.9, 0.7, 0.7, 0.5])
    total, ranked = matching._ranked_pairs(lefts, rights, values, 2)
    assert total == 4 and ranked == [((1, 3), 0.9), ((2, 9), 0.7)]
    assert matching._ranked_pairs(lefts[:0], rights[:0], values[:0], 2) == (0, [])


def test_market_depth_counts_likely_bidders(demo_model):
    model, kinds = demo_model
    spec = LABELLED_SPECIFICATIONS[0][0]
    depth = matching.market_depth(model, spec, threshold=0.12)
    totals = depth[depth.theme == "All themes"].set_index("district")["providers"]
    similarity = matching.scores(model, model.vectorizer.transform([spec]))
    for district in organisations.DISTRICTS:
        rows = model.district_rows[district]
        assert totals[district] == int((similarity[rows] >= 0.12).sum())
    assert totals.sum() > 0
    assert (matching.market_depth(model, spec, threshold=1.0)["providers"] == 0).all()


def test_model_follows_the_directory_version(db):
    first = matching.model_for(db)
    assert first.version == organisations.directory_version(db)
    organisations.add(db, {
        "name": "Brand New Llama Trekking", "org_type": "charity", "districts": ["Congleton"], "themes": ["Animals"],
        "description": "Llama trekking for people recovering from illness.",
    }, who="t")
    second = matching.model_for(db)
    assert second.version != first.version and second.size == first.size + 1
    assert matching.match(second, "llama trekking", top=1)["name"].iloc[0] == "Brand New Llama Trekking"
    organisations.set_demo_shown(db, False, who="t")
    third = matching.model_for(db)
    assert third.size == 1 and not third.organisations["is_demo"].any()
