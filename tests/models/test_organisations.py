"""The organisation directory: search and filters on known organisations, the search
index kept in step with any writer, validated and audited add/edit, the demo switch,
funding history from the spend table, and the command line."""

from __future__ import annotations

import json

import pytest

from models import organisations as orgs
from models import store, versioned
from models.database import init_database
from models.directory_search import DirectoryFilter, search
from models.errors import DomainError
from models.identifiers import normalise_name

FOODBANK = {
    "name": "Zephyr Valley Foodbank",
    "charity_number": "1099123",
    "org_type": "charity",
    "districts": ["Crewe and Nantwich"],
    "themes": ["Safer and stronger communities", "The Prevention Or Relief Of Poverty"],
    "description": "Emergency food parcels and holiday hunger lunches for families in Crewe.",
    "latest_income": "45,000",
    "staff": "2",
    "volunteers": "40",
    "postcode": "cw1 2bj",
    "website": "https://example.org/zephyr",
}
CANOE = {
    "name": "Quillon Canoe Club",
    "org_type": "unincorporated community group",
    "districts": ["Macclesfield", "Congleton"],
    "themes": ["Culture, sport and leisure", "Amateur Sport"],
    "description": "Paddling sessions on the Macclesfield canal for juniors and adults, with coaching.",
    "latest_income": "4000",
}
SUPPORT = {
    "name": "Xylo Voluntary Action",
    "company_number": "4325234",
    "org_type": "company limited by guarantee",
    "districts": ["Congleton"],
    "themes": ["Safer and stronger communities", "Acts As An Umbrella Or Resource Body"],
    "description": "Development support, funding advice and trustee training for voluntary groups.",
    "latest_income": "350000",
    "is_infrastructure": True,
    "delivers_public_services": True,
}


@pytest.fixture
def known(db):
    """Three hand-made organisations added through the form, demo data switched off."""
    orgs.set_demo_shown(db, False, who="test")
    ids = [orgs.add(db, form, who="Test Officer") for form in (FOODBANK, CANOE, SUPPORT)]
    return ids


def names(result) -> list[str]:
    return list(result.rows["name"])


def test_demo_directory_loads_on_first_run(db):
    counts = orgs.counts(db)
    assert counts["demo"] == counts["total"] >= 300
    ids = [r[0] for r in db.execute("SELECT org_id FROM organisations WHERE is_demo = 1")]
    assert all(i.startswith("DEMO-") for i in ids)
    districts = {r[0] for r in db.execute("SELECT DISTINCT district FROM organisation_districts")}
    assert districts == set(orgs.DISTRICTS)
    # No real-looking register numbers in fictional rows.
    assert db.execute("SELECT COUNT(*) FROM organisations WHERE is_demo = 1 AND (charity_number IS NOT NULL OR company_number IS NOT NULL)").fetchone()[0] == 0


def test_seed_is_idempotent_and_respects_demo_off(db_path):
    with store.opened(db_path) as db:
        before = orgs.counts(db)["total"]
        version = orgs.directory_version(db)
    init_database(db_path)
    with store.opened(db_path) as db:
        assert orgs.counts(db)["total"] == before
        assert orgs.directory_version(db) == version  # nothing written
        orgs.set_demo_shown(db, False, who="officer")
        with store.transaction(db):
            db.execute("DELETE FROM organisations WHERE is_demo = 1")
    init_database(db_path)
    with store.opened(db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM organisations WHERE is_demo = 1").fetchone()[0] == 0
        assert orgs.set_demo_shown(db, True, who="officer") == before
        assert orgs.changes(db, "x") == []
        setting_log = versioned.audit_entries(db, "setting", orgs.DEMO_SETTING)
        assert [json.loads(e["after_json"]) for e in setting_log] == [{"demo_shown": True}, {"demo_shown": False}]


def test_demo_off_excludes_demo_rows_from_search_and_counts(db):
    assert search(db, DirectoryFilter(query="foodbank")).total > 0
    orgs.set_demo_shown(db, False, who="officer")
    assert search(db, DirectoryFilter(query="foodbank")).total == 0
    assert orgs.counts(db) == {"total": 0, "demo": 0, "real": 0}
    from models import overview

    assert overview.data_summary(db).demo_organisations == 0


def test_search_finds_known_organisations_by_words(known):
    db_ids = known
    assert db_ids[0] == "GB-CHC-1099123"
    assert db_ids[1].startswith(orgs.LOCAL_ID_PREFIX)
    assert db_ids[2] == "GB-COH-04325234"


def test_search_words_stemming_prefix_and_filters(db, known):
    assert names(search(db, DirectoryFilter(query="food parcels"))) == ["Zephyr Valley Foodbank"]
    assert names(search(db, DirectoryFilter(query="swimming"))) == []
    assert names(search(db, DirectoryFilter(query="paddle"))) == ["Quillon Canoe Club"]  # paddling, stemmed
    assert names(search(db, DirectoryFilter(query="coach"))) == ["Quillon Canoe Club"]  # coaching, stemmed
    assert names(search(db, DirectoryFilter(query="zeph"))) == ["Zephyr Valley Foodbank"]  # as you type
    assert names(search(db, DirectoryFilter(query='"; DROP TABLE organisations; --'))) == []
    everyone = search(db, DirectoryFilter())
    assert everyone.total == 3 and names(everyone) == sorted(names(everyone))
    by = lambda **kw: names(search(db, DirectoryFilter(**kw)))  # noqa: E731
    assert by(districts=("Congleton",)) == ["Quillon Canoe Club", "Xylo Voluntary Action"]
    assert by(districts=("Congleton",), query="training") == ["Xylo Voluntary Action"]
    assert by(themes=("Amateur Sport",)) == ["Quillon Canoe Club"]
    assert by(themes=("Safer and stronger communities",)) == ["Xylo Voluntary Action", "Zephyr Valley Foodbank"]
    assert by(org_types=("charity",)) == ["Zephyr Valley Foodbank"]
    assert by(size_bands=("Micro (under £10,000)",)) == ["Quillon Canoe Club"]
    assert by(size_bands=("Small (£10,000 to £100,000)", "Medium (£100,000 to £1 million)")) == [
        "Xylo Voluntary Action", "Zephyr Valley Foodbank"]
    assert by(roles=("Infrastructure (support)",)) == ["Xylo Voluntary Action"]
    assert by(roles=("Front line",)) == ["Quillon Canoe Club", "Zephyr Valley Foodbank"]
    assert by(roles=tuple(orgs.ROLES)) == ["Quillon Canoe Club", "Xylo Voluntary Action", "Zephyr Valley Foodbank"]
    assert by(public_services_only=True) == ["Xylo Voluntary Action"]
    row = search(db, DirectoryFilter(query="zephyr")).rows.iloc[0]
    assert row["size_band"] == "Small (£10,000 to £100,000)" and row["latest_income_pence"] == 4_500_000
    with pytest.raises(DomainError, match="Unknown filter value"):
        search(db, DirectoryFilter(size_bands=("Huge",)))


def test_name_matches_rank_above_description_matches(db, known):
    orgs.add(db, {**CANOE, "name": "Macclesfield Rowing Club", "description": "Rowing for all ages on the river; a canoe is also available."}, who="t")
    result = names(search(db, DirectoryFilter(query="canoe")))
    assert result[0] == "Quillon Canoe Club" and "Macclesfield Rowing Club" in result


def test_search_index_follows_any_writer(db, known):
    """An importer writing plain SQL (no call into this module) stays searchable."""
    with store.transaction(db):
        db.execute(
            "INSERT INTO organisations (org_id, name, districts, themes, description, is_demo, source, updated_at)"
            " VALUES ('GB-CHC-1234567', 'Imported Otter Trust', '[\"Macclesfield\"]', '[\"Animals\"]', 'Otter rescue', 0, 'ccew', 'now')"
        )
    assert names(search(db, DirectoryFilter(query="otter", districts=("Macclesfield",)))) == ["Imported Otter Trust"]
    db.execute(
        "UPDATE organisations SET description = 'Badger sett protection', districts = '[\"Crewe and Nantwich\"]'"
        " WHERE org_id = 'GB-CHC-1234567'"
    )
    assert names(search(db, DirectoryFilter(query="otter"))) == ["Imported Otter Trust"]  # the name still matches
    assert names(search(db, DirectoryFilter(query="rescue"))) == []
    assert names(search(db, DirectoryFilter(query="badger", districts=("Crewe and Nantwich",)))) == ["Imported Otter Trust"]
    assert names(search(db, DirectoryFilter(districts=("Macclesfield",), query="otter"))) == []
    with store.transaction(db):
        db.execute("DELETE FROM organisations WHERE org_id = 'GB-CHC-1234567'")
    assert names(search(db, DirectoryFilter(query="badger"))) == []
    # Bad JSON from a careless writer does not break the insert, it just lists nothing.
    db.execute("INSERT INTO organisations (org_id, name, districts, source, updated_at) VALUES ('X1', 'Odd', 'Crewe', 's', 'now')")
    assert db.execute("SELECT COUNT(*) FROM organisation_districts WHERE org_rowid = (SELECT id FROM organisations WHERE org_id = 'X1')").fetchone()[0] == 0


def test_names_of_org_ids_unknown_ones_name_themselves(db, known):
    assert orgs.names(db, ("GB-CHC-1234567", known[1])) == {"GB-CHC-1234567": "GB-CHC-1234567", known[1]: CANOE["name"]}
    assert orgs.names(db, ()) == {}


def test_directory_version_changes_on_every_write(db, known):
    first = orgs.directory_version(db)
    orgs.update(db, known[1], {**CANOE, "description": CANOE["description"] + " Kayaks too."}, who="t")
    second = orgs.directory_version(db)
    assert second != first
    orgs.set_demo_shown(db, True, who="t")
    assert orgs.directory_version(db) not in (first, second)


def test_validation_names_each_field(db):
    bad = {
        "name": "", "charity_number": "12AB", "company_number": "123456789", "other_ids": "XX-1234, GB-CHC-12",
        "org_type": "club", "districts": [], "themes": ["Knitting"], "description": "short",
        "latest_income": "lots", "staff": "-1", "volunteers": "two", "postcode": "CW1", "website": "example.org",
    }
    with pytest.raises(DomainError) as error:
        orgs.add(db, bad, who="t")
    fields = [p.split(":")[0] for p in error.value.problems]
    assert fields == [
        "Name", "Charity number", "Company number", "Other identifiers", "Other identifiers", "Type",
        "Districts served", "Themes", "Description of services", "Latest annual income", "Staff", "Volunteers",
        "Postcode", "Website",
    ]
    assert "6 or 7 digits" in error.value.problems[1]
    with pytest.raises(DomainError, match="Your name"):
        orgs.add(db, FOODBANK, who=" ")
    with pytest.raises(DomainError, match="Organisation identifier: .*different charity number"):
        orgs.add(db, {**FOODBANK, "org_id": "GB-CHC-1000000"}, who="t")
    assert search(db, DirectoryFilter(query="zephyr")).total == 0  # nothing half-written


def test_add_rejects_a_duplicate_identifier(db, known):
    with pytest.raises(DomainError, match="already in the directory"):
        orgs.add(db, {**FOODBANK, "name": "Another"}, who="t")


def test_add_and_edit_are_audited(db, known):
    added = orgs.changes(db, known[0])
    assert len(added) == 1 and added[0]["action"] == "add" and added[0]["who"] == "Test Officer"
    assert added[0]["after"]["latest_income"] == "£45,000.00"
    assert added[0]["after"]["postcode"] == "CW1 2BJ"
    values = orgs.form_values(orgs.get(db, known[0]))
    assert orgs.update(db, known[0], values, who="Editor") == {}  # unchanged form: no entry
    values["description"] = "Emergency food parcels, a community pantry and holiday lunches in Crewe."
    values["latest_income"] = "52000.50"
    changed = orgs.update(db, known[0], values, who="Editor", reason="annual return")
    assert set(changed) == {"description", "latest_income_pence"}
    entries = orgs.changes(db, known[0])
    assert [e["action"] for e in entries] == ["edit", "add"]
    assert entries[0]["before"]["latest_income"] == "£45,000.00"
    assert entries[0]["after"]["latest_income"] == "£52,000.50"
    assert entries[0]["reason"] == "annual return" and entries[0]["who"] == "Editor"
    assert names(search(db, DirectoryFilter(query="pantry"))) == ["Zephyr Valley Foodbank"]
    with pytest.raises(DomainError, match="Districts served"):
        orgs.update(db, known[0], {**values, "districts": []}, who="Editor")
    assert orgs.get(db, known[0])["districts"] == ["Crewe and Nantwich"]


def test_profile_and_funding_history_by_id_and_name(db, known):
    rows = [
        ("t1", "2008/09", "grant", 150000, "Zephyr Valley Foodbank Ltd", None),
        ("t2", "2009/10", "contract", 1234567, "Someone", "GB-CHC-1099123"),
        ("t3", "2009/10", "grant", 1, "ZEPHYR VALLEY FOODBANK", None),
        ("t4", "2009/10", "grant", 999, "Zephyr Valley Foodbank Trust Fund", None),  # a different name
    ]
    for uid, year, kind, pence, recipient, recipient_id in rows:
        db["spend"].insert({
            "uid": uid, "financial_year": year, "body_type": "local_government", "authority": "Crewe and Nantwich BC",
            "district": "Crewe and Nantwich", "funding_type": kind, "amount_pence": pence, "recipient": recipient,
            "recipient_id": recipient_id, "source": "test", "loaded_at": "now",
        })
    profile = orgs.get(db, "GB-CHC-1099123")
    assert profile["laa_themes"] == ["Safer and stronger communities"]
    assert profile["classifications"] == ["The Prevention Or Relief Of Poverty"]
    assert profile["size_band"] == "Small (£10,000 to £100,000)" and profile["role"] == "Front line"
    records = orgs.funding_records(db, profile)
    assert sorted(records["amount_pence"]) == [1, 150000, 1234567]
    assert set(records["matched_by"]) == {"identifier", "name"}
    by_year = orgs.funding_by_year(records)
    assert by_year.to_dict(orient="records") == [
        {"financial_year": "2008/09", "funding_type": "grant", "amount_pence": 150000, "records": 1},
        {"financial_year": "2009/10", "funding_type": "contract", "amount_pence": 1234567, "records": 1},
        {"financial_year": "2009/10", "funding_type": "grant", "amount_pence": 1, "records": 1},
    ]
    assert orgs.get(db, "GB-CHC-0000000") is None


def test_directory_depth_counts_each_theme_and_district(db, known):
    depth = orgs.directory_depth(db)
    cell = lambda t, d: int(depth[(depth.theme == t) & (depth.district == d)]["organisations"].iloc[0])  # noqa: E731
    assert cell("Culture, sport and leisure", "Macclesfield") == 1
    assert cell("Culture, sport and leisure", "Crewe and Nantwich") == 0
    assert cell("Safer and stronger communities", "Congleton") == 1
    assert len(depth) == len(orgs.LAA_THEMES) * len(orgs.DISTRICTS)


def test_cli_search_and_match(tmp_path, run_cli):
    db = str(tmp_path / "cli.db")
    table = run_cli("organisations", "search", "--db", db, "--district", "Congleton", "foodbank")
    assert table.exit_code == 0, table.stderr
    assert "fictional" in table.stdout and "Foodbank" in table.stdout
    found = json.loads(run_cli("organisations", "search", "--db", db, "--format", "json", "--theme", "Animals", "rescue").stdout)
    assert found["total"] >= 1 and all("Animals" in o["themes"] for o in found["organisations"])
    spec = tmp_path / "spec.txt"
    spec.write_text("Emergency food parcels for families in crisis, referred by GPs", encoding="utf-8")
    matched = json.loads(run_cli("organisations", "match", "--db", db, "--top", "3", "--format", "json", "--spec-file", str(spec)).stdout)
    assert len(matched["matches"]) == 3 and "food" in " ".join(matched["matches"][0]["matched_terms"])
    text = run_cli("organisations", "match", "--db", db, "--district", "Macclesfield", "befriending older people")
    assert text.exit_code == 0 and "befriending" in text.stdout
    missing = run_cli("organisations", "match", "--db", db, "--spec-file", str(tmp_path / "none.txt"))
    assert missing.exit_code == 1 and "no such file" in missing.stderr
    empty = run_cli("organisations", "match", "--db", db, "   ")
    assert empty.exit_code == 1 and "Service specification" in empty.stderr


def test_charity_commission_import_is_searchable_and_matchable(db, shared_data):
    """The importer (another module, plain SQL) writes; search, filters and matching see it."""
    from models import matching
    from models.importers import ImportOptions, Source, import_sources

    names = ["publicextract.charity.zip", "publicextract.charity_classification.zip", "publicextract.charity_area_of_operation.zip"]
    (result,) = import_sources(
        db, [Source.from_path(shared_data / "real" / "ccew_format" / n) for n in names], ImportOptions(local_authority="all")
    )
    assert result.status == "imported"
    orgs.set_demo_shown(db, False, who="t")
    row = db.execute("SELECT org_id, name, themes FROM organisations WHERE is_demo = 0 AND themes <> '[]' ORDER BY org_id LIMIT 1").fetchone()
    word = max(normalise_name(row[1]).split(), key=len)
    found = search(db, DirectoryFilter(query=word))
    assert row[0] in set(found.rows["org_id"]) and not found.rows["is_demo"].any()
    theme = json.loads(row[2])[0]
    assert row[0] in set(search(db, DirectoryFilter(themes=(theme,)), limit=10_000).rows["org_id"])
    model = matching.model_for(db)
    assert model.size == orgs.counts(db)["real"] and row[0] in set(matching.match(model, row[1], top=5)["org_id"])
