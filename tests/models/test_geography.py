"""Boundaries as reference data and spend on the map (models/geography.py,
models/importers/boundaries.py). Boundary files are the real ones in ../shared/data, read
in place. Expected figures are worked by hand from the grants written below and the
framework's 2008/09 table, never taken from the code's output."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from models import geography, spend, store
from models.importers import ImportOptions, Source, import_sources, remove_import
from tests.conftest import SHARED_DATA, copy_database, drop_database
from tests.helpers import GRANTS, GRANTS_HEADER

REFERENCE = ("real", "corpus", "reference")


def reference(shared_data, name):
    return shared_data.joinpath(*REFERENCE, name)


def import_files(db, *paths, **options):
    return import_sources(db, [Source.from_path(p) for p in paths], ImportOptions(**options))


def _shared():
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared sample data not found at {SHARED_DATA}: these tests need ../shared/data")
    return SHARED_DATA


@pytest.fixture(scope="module")
def boundaries_template(seeded_template, tmp_path_factory):
    """A database with the Cheshire East wards and England districts imported, made once
    for the module (the district file takes seconds); each test works on a copy. A file,
    or on PostgreSQL a template database's URL."""
    shared_data = _shared()
    where = copy_database(seeded_template, tmp_path_factory.mktemp("boundaries") / "template.db")
    with store.opened(where) as db:
        results = import_files(
            db,
            reference(shared_data, "cheshire_east_E06000049_wards.geojson"),
            reference(shared_data, "england_lad_topo.topojson"),
        )
    assert [r.status for r in results] == ["imported", "imported"], [r.report.summary_lines() for r in results]
    return where


@pytest.fixture
def copy_of(tmp_path, monkeypatch):
    """``copy_of(template)``: this test's own copy of a module's template database (also
    $DASHBOARD_DB); on PostgreSQL dropped after the test."""
    made = []

    def copy(template):
        where = copy_database(template, tmp_path / "dashboard.db")
        monkeypatch.setenv(store.DB_ENV_VAR, str(where))
        made.append(where)
        return where

    yield copy
    for where in made:
        if store.is_url(str(where)):
            drop_database(where)


@pytest.fixture
def with_boundaries(boundaries_template, copy_of):
    with store.opened(copy_of(boundaries_template)) as db:
        yield db


@pytest.fixture(scope="module")
def grants_template(boundaries_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("grants")
    lines = [GRANTS_HEADER] + [
        f"{gid},Grant {gid},A test grant,GBP,{amount},2024-06-01,GB-CHC-100000{n},Test charity {n},{based},{name},{code},"
        "GB-LAE-CHE,Cheshire East Council"
        for n, (gid, amount, based, name, code) in enumerate(GRANTS)
    ]
    grants = folder / "grants.csv"
    grants.write_text("\n".join(lines) + "\n", encoding="utf-8")
    where = copy_database(boundaries_template, folder / "template.db")
    with store.opened(where) as db:
        (result,) = import_files(db, grants)
    assert result.status == "imported", result.report.summary_lines()
    return where


@pytest.fixture
def grants_db_path(grants_template, copy_of):
    return copy_of(grants_template)


@pytest.fixture
def with_grants(grants_db_path):
    with store.opened(grants_db_path) as db:
        yield db


GRANT_YEAR = spend.SpendFilter(years=("2024/25",))


def figures(db, level, basis="benefit", spend_filter=GRANT_YEAR):
    table = geography.spend_by_area(db, level, spend_filter, basis)
    return {(row["kind"], row["name"]): int(row["amount_pence"]) for row in table.to_dict(orient="records") if row["amount_pence"]}


# ---------------------------------------------------------------- importing boundaries


def test_wards_import_with_former_boroughs_dissolved(with_boundaries, shared_data):
    db = with_boundaries
    rows = db.execute("SELECT level, COUNT(*) FROM boundary_areas GROUP BY level").fetchall()
    assert dict(rows) == {"ward": 52, "former_borough": 3, "local_authority": 326}
    boroughs = dict(db.execute("SELECT name, parent_code FROM boundary_areas WHERE level = 'former_borough'").fetchall())
    assert boroughs == {"Congleton": "E06000049", "Crewe and Nantwich": "E06000049", "Macclesfield": "E06000049"}
    wards = dict(db.execute("SELECT parent_code, COUNT(*) FROM boundary_areas WHERE level = 'ward' GROUP BY parent_code").fetchall())
    assert wards == {"E07000014": 11, "E07000015": 17, "E07000017": 24}
    # The three former boroughs cover the same ground as the 52 wards (and as the original file).
    original = json.loads(reference(shared_data, "cheshire_east_E06000049_wards.geojson").read_text())
    whole = shapely.union_all([shape(f["geometry"]) for f in original["features"]])
    dissolved = shapely.union_all([shape(json.loads(g)) for (g,) in db.execute(
        "SELECT geometry FROM boundary_areas WHERE level = 'former_borough'").fetchall()])
    assert dissolved.is_valid
    assert whole.symmetric_difference(dissolved).area / whole.area < 0.01
    credit = db.execute("SELECT DISTINCT source, licence FROM boundary_areas WHERE level = 'ward'").fetchall()
    assert credit == [("Boundary file cheshire_east_E06000049_wards.geojson", geography.ONS_LICENCE)]


def test_simplified_geometry_is_lighter_and_valid(with_boundaries, shared_data):
    db = with_boundaries
    original = json.loads(reference(shared_data, "cheshire_east_E06000049_wards.geojson").read_text())
    original_points = sum(shapely.get_num_coordinates(shape(f["geometry"])) for f in original["features"])
    kept = db.execute("SELECT SUM(points) FROM boundary_areas WHERE level = 'ward'").fetchone()[0]
    assert kept < original_points
    for (text,) in db.execute("SELECT geometry FROM boundary_areas").fetchall():
        outline = shape(json.loads(text))
        assert outline.geom_type in ("Polygon", "MultiPolygon") and not outline.is_empty
        # exterior rings clockwise, as the browser's projection expects
        for polygon in getattr(outline, "geoms", [outline]):
            assert not polygon.exterior.is_ccw


def test_topojson_districts_keep_their_codes(with_boundaries):
    row = with_boundaries.execute("SELECT name FROM boundary_areas WHERE area_key = 'local_authority:E06000049'").fetchone()
    assert row == ("Cheshire East",)
    assert with_boundaries.execute("SELECT name FROM boundary_areas WHERE code = 'E08000009'").fetchone() == ("Trafford",)


def test_geojson_without_codes_gets_codes_from_names(db, shared_data):
    (result,) = import_files(db, reference(shared_data, "england_lad_may2024_buc_names_only.geojson"))
    assert result.status == "imported", result.report.summary_lines()
    assert result.rows_added == 296
    assert any("codes were filled from their names" in note for note in result.report.notes)
    codes = dict(db.execute("SELECT name, code FROM boundary_areas").fetchall())
    assert codes["Cheshire East"] == "E06000049"
    assert codes["Herefordshire, County of"] == "E06000019"
    assert codes["North Yorkshire"] == "E06000065"


def test_reimport_changes_nothing_and_removal_takes_boundaries_out(with_boundaries, shared_data):
    db = with_boundaries
    (again,) = import_files(db, reference(shared_data, "cheshire_east_E06000049_wards.geojson"))
    assert again.status == "unchanged"
    import_id = db.execute("SELECT import_id FROM boundary_areas WHERE level = 'ward' LIMIT 1").fetchone()[0]
    assert remove_import(db, import_id, who="test") == 55
    assert db.execute("SELECT COUNT(*) FROM boundary_areas WHERE level IN ('ward', 'former_borough')").fetchone()[0] == 0


def _feature(properties, geometry=None):
    return {"type": "Feature", "properties": properties, "geometry": geometry or {
        "type": "Polygon", "coordinates": [[[-2.3, 53.1], [-2.2, 53.1], [-2.2, 53.2], [-2.3, 53.1]]]}}


@pytest.mark.parametrize("features, column, words", [
    ([_feature({"LAD24CD": "E06000049", "LAD24NM": ""})], "LAD24NM", "no name"),
    ([_feature({"LAD24CD": "E10000002", "LAD24NM": "Buckinghamshire"})], "LAD24CD", "neither a ward"),
    ([_feature({"LAD24CD": "CHE", "LAD24NM": "Cheshire East"})], "LAD24CD", "not an ONS GSS code"),
    ([_feature({"name": "Atlantis"})], "code", "not a local authority"),
    ([_feature({"LAD24CD": "E06000049", "LAD24NM": "Cheshire East"}, {"type": "Point", "coordinates": [-2.3, 53.1]})], "geometry", "Polygon or MultiPolygon"),
    ([_feature({"LAD24CD": "E06000049", "LAD24NM": "Cheshire East"}),
      _feature({"LAD24CD": "E06000049", "LAD24NM": "Cheshire East"})], "code", "more than once"),
    ([_feature({"LAD24CD": "E06000049", "LAD24NM": "Cheshire East"},
               {"type": "Polygon", "coordinates": [[[376000, 364000], [377000, 364000], [377000, 365000], [376000, 364000]]]})],
     "geometry", "British National Grid"),
])
def test_bad_boundary_files_are_refused_and_write_nothing(db, features, column, words):
    before = db.execute("SELECT COUNT(*) FROM boundary_areas").fetchone()[0]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    (result,) = import_sources(db, [Source.from_bytes("bad.geojson", data)], ImportOptions())
    assert result.status == "rejected"
    problems = [p for p in result.report.errors if words in p.message]
    assert problems and problems[0].column == column, result.report.summary_lines()
    assert db.execute("SELECT COUNT(*) FROM boundary_areas").fetchone()[0] == before


# ---------------------------------------------------------------- spend on the map


def test_seed_spend_by_former_borough_is_the_framework_table(db):
    # The framework's 2008/09 local government table: the three borough councils' spend,
    # and Cheshire County Council's as county-wide (not spread over the boroughs).
    shown = figures(db, "former_borough", spend_filter=spend.SpendFilter())
    assert shown == {
        ("area", "Congleton"): 26_186_000,
        ("area", "Crewe and Nantwich"): 29_046_700,
        ("area", "Macclesfield"): 30_987_000,
        ("county_wide", "Cheshire East-wide (county-wide)"): 224_128_994,
    }


def test_ward_map_places_grants_and_never_spreads(with_grants):
    assert figures(with_grants, "ward") == {
        ("area", "Alderley Edge"): 100_010,
        ("area", "Crewe Central"): 25_025,
        ("coarser", "Congleton (former borough as a whole, not by ward)"): 9_999,
        ("county_wide", "Cheshire East-wide (county-wide)"): 50_000,
        ("outside", "Outside Cheshire East"): 4_000,
    }
    assert figures(with_grants, "former_borough") == {
        ("area", "Macclesfield"): 100_010,
        ("area", "Crewe and Nantwich"): 25_025,
        ("area", "Congleton"): 9_999,
        ("county_wide", "Cheshire East-wide (county-wide)"): 50_000,
        ("outside", "Outside Cheshire East"): 4_000,
    }
    assert figures(with_grants, "local_authority") == {("area", "Cheshire East"): 185_034, ("area", "Trafford"): 4_000}


def test_where_the_recipient_is_based(with_grants):
    assert figures(with_grants, "ward", "recipient") == {
        ("area", "Crewe Central"): 125_035,
        ("not_placed", "Place not known"): 63_999,  # 99.99 + 500.00 + 40.00
    }


def test_per_head_uses_the_cited_population(with_grants):
    table = geography.spend_by_area(with_grants, "local_authority", GRANT_YEAR)
    cheshire_east = table[table["code"] == "E06000049"].iloc[0]
    assert cheshire_east["population"] == 386_667  # ONS mid-2020, via mySociety
    assert cheshire_east["per_head_pence"] == pytest.approx(185_034 / 386_667)


def _reference(name):
    with open(geography.REFERENCE_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_ward_population_table_covers_every_ward_and_adds_up_to_cheshire_east():
    wards = {r["ward_code"]: r["ward_name"] for r in _reference("ward_former_borough.csv")}
    people = _reference("ward_population.csv")
    assert {r["ward_code"]: r["ward_name"] for r in people} == wards  # the same 52 codes and names
    assert {(r["year"], r["licence"]) for r in people} == {("mid-2020", "Open Government Licence v3 (ONS)")}
    assert all("notifications-admin" in r["source"] and "SAPE23DT8a" in r["source"] for r in people)
    # The ONS ward estimates add up to the ONS mid-2020 estimate for the council as a whole.
    assert sum(int(r["population"]) for r in people) == 386_667


def test_former_borough_population_is_the_sum_of_its_wards():
    people = {r["ward_code"]: int(r["population"]) for r in _reference("ward_population.csv")}
    sums: dict[str, int] = {}
    for row in _reference("ward_former_borough.csv"):
        sums[row["former_borough_name"]] = sums.get(row["former_borough_name"], 0) + people[row["ward_code"]]
    assert sums == {"Congleton": 99_170, "Crewe and Nantwich": 128_645, "Macclesfield": 158_852}
    cited = geography.population()
    assert cited["E07000014"][0] == 99_170 and "sum of its wards" in cited["E07000014"][1]
    assert cited["E07000015"][0] == 128_645
    assert cited["E07000017"][0] == 158_852
    assert cited["E05008610"] == (4_997, geography.WARD_CITATION)  # Alderley Edge


def test_per_head_by_former_borough_and_by_ward(with_grants):
    boroughs = geography.spend_by_area(with_grants, "former_borough", GRANT_YEAR).set_index("name")
    # Macclesfield: £1,000.10 (the Alderley Edge grant) over 158,852 people.
    assert boroughs.loc["Macclesfield", "population"] == 158_852
    assert boroughs.loc["Macclesfield", "per_head_pence"] == pytest.approx(100_010 / 158_852)
    # Congleton: £99.99 known only by former borough, over 99,170 people.
    assert boroughs.loc["Congleton", "per_head_pence"] == pytest.approx(9_999 / 99_170)
    assert boroughs.loc["Crewe and Nantwich", "per_head_pence"] == pytest.approx(25_025 / 128_645)
    # County-wide spend has no population: never divided among areas.
    county = boroughs.loc["Cheshire East-wide (county-wide)"]
    assert pd.isna(county["population"]) and pd.isna(county["per_head_pence"])

    wards = geography.spend_by_area(with_grants, "ward", GRANT_YEAR).set_index("name")
    assert wards.loc["Alderley Edge", "population"] == 4_997
    assert wards.loc["Alderley Edge", "per_head_pence"] == pytest.approx(100_010 / 4_997)  # about 20p a head
    assert wards.loc["Crewe Central", "per_head_pence"] == pytest.approx(25_025 / 6_872)
    assert wards.loc["Wybunbury", "per_head_pence"] == 0  # no spend, population 5,760
    assert wards.loc[wards["kind"] == "area", "population"].notna().all()


@pytest.mark.parametrize("level", geography.LEVELS)
@pytest.mark.parametrize("basis", geography.BASES)
@pytest.mark.parametrize("spend_filter", [GRANT_YEAR, spend.SpendFilter(), spend.SpendFilter(body_types=())])
def test_every_map_reconciles_with_the_spend_table_to_the_penny(with_grants, level, basis, spend_filter):
    table = geography.spend_by_area(with_grants, level, spend_filter, basis)
    assert int(table["amount_pence"].sum()) == spend.headline(with_grants, spend_filter).total_pence
    assert int(table["records"].sum()) == spend.headline(with_grants, spend_filter).records


@pytest.mark.parametrize("level", geography.LEVELS)
def test_one_read_by_place_serves_the_map_the_records_and_the_differences(with_grants, level):
    """The app reads spend by place once (``place_totals``) and passes it to each: the same
    answers as each reading for itself."""
    totals = geography.place_totals(with_grants, GRANT_YEAR)
    for basis in geography.BASES:
        pd.testing.assert_frame_equal(geography.spend_by_area(with_grants, level, GRANT_YEAR, basis, totals=totals),
                                      geography.spend_by_area(with_grants, level, GRANT_YEAR, basis))
    alone, counts = geography.differences(with_grants, level, GRANT_YEAR)
    shared, shared_counts = geography.differences(with_grants, level, GRANT_YEAR, totals=totals)
    pd.testing.assert_frame_equal(shared, alone)
    assert shared_counts == counts
    assert sum(row[4] for row in totals) == spend.headline(with_grants, GRANT_YEAR).total_pence


def test_choosing_an_area_lists_the_spend_behind_its_figure(with_grants):
    for row in geography.spend_by_area(with_grants, "former_borough", spend.SpendFilter()).to_dict(orient="records"):
        records, count, pence = geography.area_records(with_grants, "former_borough", spend.SpendFilter(), "benefit", row["kind"], row["code"])
        assert pence == row["amount_pence"] and count == row["records"] == len(records)
        assert int(records["amount_pence"].sum()) == row["amount_pence"]
    records, count, pence = geography.area_records(with_grants, "ward", GRANT_YEAR, "benefit", "area", "E05008610")
    assert list(records["recipient"]) == ["Test charity 0"] and pence == 100_010


def test_differences_between_recipient_and_benefit(with_grants):
    gaps, counts = geography.differences(with_grants, "ward", GRANT_YEAR)
    assert gaps.to_dict(orient="records") == [{
        "recipient": "Test charity 0", "recipient_place": "Crewe Central", "benefit_place": "Alderley Edge",
        "amount_pence": 100_010, "records": 1,
    }]
    assert counts == {"both_rows": 2, "both_pence": 125_035, "differ_rows": 1, "differ_pence": 100_010,
                      "unknown_rows": 3, "unknown_pence": 63_999}
    gaps, counts = geography.differences(with_grants, "local_authority", GRANT_YEAR)
    assert gaps.empty and counts["differ_rows"] == 0


def test_differences_are_by_recipient_within_each_pair_of_places(with_grants):
    """Two more recipients based in Crewe Central whose grants land in Alderley Edge, one of
    them twice, and one based in Alderley Edge whose grant lands in Crewe Central: one row
    a recipient and pair of places, biggest first, each summed by hand."""
    def grant(uid, recipient, pence, based, lands):
        with_grants["spend"].insert({
            "uid": uid, "financial_year": "2024/25", "date": "2024-06-01", "body_type": "local_government",
            "authority": "Cheshire East Council", "district": "Cheshire East", "department": "", "funding_type": "grant",
            "amount_pence": pence, "recipient": recipient, "recipient_id": "GB-CHC-2000000", "third_sector": 1,
            "recipient_area_code": based, "beneficiary_code": lands, "source": "test", "loaded_at": "2026-12-02T07:40:00+00:00"})

    grant("extra|1", "Second charity", 30_000, "E05008620", "E05008610")
    grant("extra|2", "Second charity", 12_345, "E05008620", "E05008610")
    grant("extra|3", "Third charity", 7_000, "E05008620", "E05008610")
    grant("extra|4", "Fourth charity", 200_000, "E05008610", "E05008620")
    gaps, counts = geography.differences(with_grants, "ward", GRANT_YEAR)
    assert gaps.to_dict(orient="records") == [
        {"recipient": "Fourth charity", "recipient_place": "Alderley Edge", "benefit_place": "Crewe Central",
         "amount_pence": 200_000, "records": 1},
        {"recipient": "Test charity 0", "recipient_place": "Crewe Central", "benefit_place": "Alderley Edge",
         "amount_pence": 100_010, "records": 1},
        {"recipient": "Second charity", "recipient_place": "Crewe Central", "benefit_place": "Alderley Edge",
         "amount_pence": 42_345, "records": 2},
        {"recipient": "Third charity", "recipient_place": "Crewe Central", "benefit_place": "Alderley Edge",
         "amount_pence": 7_000, "records": 1},
    ]
    assert counts["differ_rows"] == 5 and counts["differ_pence"] == 100_010 + 42_345 + 7_000 + 200_000
    assert counts["both_rows"] == 6 and counts["both_pence"] == 125_035 + 249_345


def test_differences_across_hundreds_of_pairs_of_places(with_grants):
    """250 grants, each to a charity based in one English district for the benefit of the
    district before it (by GSS code): 250 pairs of places, more than one query's list of
    parameters held before. Amounts 1p x 100, 2 x 100 ... 250 x 100, so the differing
    spend grows by 100 x (250 x 251 / 2) = 3,137,500p, one row a charity."""
    with open(geography.REFERENCE_DIR / "local_authorities.csv", newline="", encoding="utf-8") as handle:
        english = sorted((row["gss_code"], row["name"]) for row in csv.DictReader(handle)
                         if row["nation"] == "England" and not row["end_date"])[:251]
    _, before = geography.differences(with_grants, "local_authority", GRANT_YEAR)
    with_grants["spend"].insert_all({
        "uid": f"pairs|{i}", "financial_year": "2024/25", "date": "2024-06-01", "body_type": "local_government",
        "authority": "Cheshire East Council", "district": "Cheshire East", "department": "", "funding_type": "grant",
        "amount_pence": 100 * (i + 1), "recipient": f"Charity {i:03d}", "third_sector": 1,
        "recipient_area_code": english[i + 1][0], "beneficiary_code": english[i][0], "source": "test",
        "loaded_at": "2026-12-03T07:00:00+00:00"} for i in range(250))
    gaps, counts = geography.differences(with_grants, "local_authority", GRANT_YEAR)
    assert counts["differ_rows"] - before["differ_rows"] == 250
    assert counts["differ_pence"] - before["differ_pence"] == 3_137_500
    mine = gaps[gaps["recipient"].str.startswith("Charity ")].sort_values("recipient")
    assert len(mine) == 250
    named = geography.Gazetteer.load(with_grants)  # the ONS boundaries' names ('Kingston upon Hull, City of')
    assert list(mine["recipient_place"]) == [named.find(code=code)[0].name for code, _ in english[1:]]
    assert list(mine["benefit_place"]) == [named.find(code=code)[0].name for code, _ in english[:250]]
    assert list(mine["amount_pence"]) == [100 * (i + 1) for i in range(250)]
    # and an area's own records: Hartlepool (E06000001) benefits from Charity 000's 100p alone
    records, count, pence = geography.area_records(with_grants, "local_authority", GRANT_YEAR, "benefit", "area", english[0][0])
    assert (count, pence, list(records["recipient"])) == (1, 100, ["Charity 000"])


def test_command_line_lists_the_differences_as_the_map_does(grants_db_path, run_cli):
    """The map's last table from the command line: the figures of
    test_differences_between_recipient_and_benefit, in pounds."""
    result = run_cli("spend", "--db", grants_db_path, "--by", "ward", "--year", "2024/25", "--differences", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "differences": [{"recipient": "Test charity 0", "based_in": "Crewe Central", "benefit_in": "Alderley Edge",
                         "amount": 1000.10, "records": 1}],
        "both_records": 2, "both_amount": 1250.35, "differ_records": 1, "differ_amount": 1000.10,
        "unknown_records": 3, "unknown_amount": 639.99,
    }
    table = run_cli("spend", "--db", grants_db_path, "--by", "ward", "--year", "2024/25", "--differences")
    assert table.exit_code == 0, table.stderr
    assert "Both places known: 2 records, £1,250.35; they differ for 1 record, £1,000.10." in table.stdout
    refused = run_cli("spend", "--db", grants_db_path, "--by", "authority", "--differences")
    assert refused.exit_code == 2 and "--differences needs --by ward" in refused.stderr


def test_command_line_gives_the_same_numbers(grants_db_path, run_cli):
    result = run_cli("spend", "--db", grants_db_path, "--by", "ward", "--year", "2024/25", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = {(r["kind"], r["area"]): r["amount"] for r in json.loads(result.stdout) if r["amount"]}
    assert rows == {
        ("area", "Alderley Edge"): 1000.10, ("area", "Crewe Central"): 250.25,
        ("coarser", "Congleton (former borough as a whole, not by ward)"): 99.99,
        ("county_wide", "Cheshire East-wide (county-wide)"): 500.00, ("outside", "Outside Cheshire East"): 40.00,
    }
    alderley = next(r for r in json.loads(result.stdout) if r["area"] == "Alderley Edge")
    assert (alderley["population"], alderley["per_head"]) == (4_997, 0.2)  # 100,010p / 4,997 = 20.01p
    boroughs = run_cli("spend", "--db", grants_db_path, "--by", "former_borough", "--year", "2024/25")
    assert boroughs.exit_code == 0, boroughs.stderr
    macclesfield = next(line for line in boroughs.stdout.splitlines() if line.strip().startswith("Macclesfield"))
    assert macclesfield.split()[-2:] == ["158,852", "£0.01"]  # £1,000.10 / 158,852 people = 0.63p
    table = run_cli("spend", "--db", grants_db_path, "--by", "local_authority", "--place", "recipient")
    assert table.exit_code == 0, table.stderr
    assert "Total: £3,105,377.28" in table.stdout  # £3,103,486.94 (2008/09) + £1,890.34 of grants
    csv_out = run_cli("spend", "--db", grants_db_path, "--by", "local_authority", "--year", "2024/25", "--format", "csv")
    assert "Cheshire East,E06000049,area,1850.34,4,386667,0.0" in csv_out.stdout  # £1,850.34 / 386,667 people rounds to £0.00


def test_command_knows_the_map_geographies_without_loading_them():
    from models.commands import spend as spend_command

    assert spend_command.AREA_LEVEL_NAMES == spend.AREA_LEVELS == tuple(geography.LEVELS)
