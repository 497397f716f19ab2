"""The real sample files in ../shared/data/real import cleanly, reconcile to the penny
with the files themselves, re-import without change, and show in the spend explorer's
queries without any change to them."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

from models import spend, store
from models.importers import ImportOptions, Source, import_log, import_sources, remove_import
from tests.conftest import database_fingerprint

GRANTS = "real/trafford_council_voluntary_sector_grants_360giving.csv"
SUPPLIERS = "real/trafford_supplier_spend_2026-27_first1000rows.csv"
OCDS = "real/ocds_1.1_fictional_example_award_release_package.json"
REGISTER = ["real/ccew_format/publicextract.charity.zip", "real/ccew_format/publicextract.charity_classification.zip",
            "real/ccew_format/publicextract.charity_area_of_operation.zip"]


def run_import(db, shared_data, *names, **options):
    return import_sources(db, [Source.from_path(shared_data / n) for n in names], ImportOptions(**options))


def pence_total(path, column) -> int:
    with open(path, encoding="utf-8", newline="") as handle:
        return int(sum(Decimal(r[column]) for r in csv.DictReader(handle)) * 100)


def test_trafford_grants_import_and_reconcile(db, shared_data):
    (result,) = run_import(db, shared_data, GRANTS)
    assert result.status == "imported", result.report.summary_lines()
    assert result.format == "360giving"
    assert (result.rows_added, result.rows_updated, result.rows_skipped) == (555, 0, 0)
    assert result.report.error_count == 0
    total = db.execute("SELECT SUM(amount_pence) FROM spend WHERE import_id = :id", {"id": result.import_id}).fetchone()[0]
    funders = db.execute("SELECT DISTINCT authority FROM spend WHERE import_id = :id", {"id": result.import_id}).fetchall()
    assert total == pence_total(shared_data / GRANTS, "Amount Awarded")
    assert funders == [("Trafford Metropolitan Borough Council",)]
    row = db.execute("SELECT * FROM spend WHERE uid = '360g:360G-traffordmbc-VSG1343'").fetchone()
    row = dict(zip([d[0] for d in db.execute("SELECT * FROM spend LIMIT 0").description], row))
    assert row["amount_pence"] == 302863
    assert row["financial_year"] == "2012/13" and row["date"] == "2013-01-18"
    assert row["body_type"] == "local_government" and row["authority_id"] == "GB-LAE-TRF"
    assert row["funding_type"] == "grant" and row["district"] == "Trafford"
    assert row["recipient"] == "Be Active" and row["programme"] == "Voluntary Sector Grants"
    assert row["department"] == "Partnerships and Communities"
    assert row["source_file"] == "trafford_council_voluntary_sector_grants_360giving.csv"


def test_reimport_changes_nothing(db_path, shared_data):
    with store.opened(db_path) as db:
        (first,) = run_import(db, shared_data, GRANTS)
    before = database_fingerprint(db_path)
    with store.opened(db_path) as db:
        (again,) = run_import(db, shared_data, GRANTS)
    assert again.status == "unchanged"
    assert (again.rows_added, again.rows_updated, again.rows_unchanged) == (0, 0, 555)
    assert database_fingerprint(db_path) == before


def test_changed_file_updates_only_changed_rows(db, shared_data, tmp_path):
    run_import(db, shared_data, GRANTS)
    text = (shared_data / GRANTS).read_text(encoding="utf-8").replace(",3028.63,", ",3100.00,", 1)
    changed = tmp_path / "trafford_v2.csv"
    changed.write_text(text, encoding="utf-8")
    (result,) = import_sources(db, [Source.from_path(changed)], ImportOptions())
    assert (result.rows_added, result.rows_updated, result.rows_unchanged) == (0, 1, 554)
    assert db.execute("SELECT amount_pence, import_id FROM spend WHERE uid = '360g:360G-traffordmbc-VSG1343'").fetchone() == (
        310000, result.import_id)


def test_explorer_shows_imported_grants(db, shared_data):
    run_import(db, shared_data, GRANTS)
    year = spend.SpendFilter(years=("2019/20",), body_types=("local_government",))
    by_authority = spend.spend_by(db, ["authority", "funding_type"], year)
    assert list(by_authority["authority"]) == ["Trafford Metropolitan Borough Council"]
    with open(shared_data / GRANTS, encoding="utf-8", newline="") as handle:
        expected = sum(
            int(Decimal(r["Amount Awarded"]) * 100) for r in csv.DictReader(handle)
            if "2019-04-01" <= r["Award Date"][:10] <= "2020-03-31"
        )
    assert int(by_authority["amount_pence"].sum()) == expected
    assert "2019/20" in spend.filter_options(db)["years"]
    # Seed figures are untouched: the framework's 2008/09 local government total still reconciles.
    assert spend.headline(db, spend.SpendFilter(years=("2008/09",))).total_pence == 310348694


def test_supplier_spend_imports_with_credits_and_no_false_third_sector(db, shared_data):
    (result,) = run_import(db, shared_data, SUPPLIERS)
    assert result.status == "imported", result.report.summary_lines()
    assert result.format == "spend" and result.rows_added == 1000
    assert result.report.unmapped_columns == []
    total, credits, third = db.execute(
        "SELECT SUM(amount_pence), SUM(CASE WHEN amount_pence < 0 THEN 1 ELSE 0 END), SUM(third_sector) FROM spend "
        "WHERE import_id = :id", {"id": result.import_id}
    ).fetchone()
    assert total == pence_total(shared_data / SUPPLIERS, "Amount")
    assert credits > 0  # credit notes kept as negative amounts
    assert third == 0  # the directory is empty here, so nothing is claimed as third-sector
    assert db.execute("SELECT DISTINCT funding_type, body_type, financial_year FROM spend WHERE import_id = :id",
                      {"id": result.import_id}).fetchall() == [("contract", "local_government", "2026/27")]
    default_view = spend.headline(db, spend.SpendFilter(years=("2026/27",)))
    assert default_view.records == 0
    everything = spend.headline(db, spend.SpendFilter(years=("2026/27",), third_sector_only=False))
    assert everything.records == 1000


def test_ocds_example_award(db, shared_data):
    (result,) = run_import(db, shared_data, OCDS)
    assert result.status == "imported", result.report.summary_lines()
    row = db.execute(
        "SELECT uid, amount_pence, authority, recipient, recipient_id, funding_type, body_type, financial_year FROM spend WHERE import_id = :id",
        {"id": result.import_id},
    ).fetchall()
    assert row == [("ocds:ocds-213czf-000-00001:ocds-213czf-000-00001-award-01", 1_100_000_000, "London Borough of Barnet",
                    "AnyCorp Cycle Provision", "GB-COH-11111111", "contract", "local_government", "2010/11")]
    # Barnet is a council: recognised from the list of local authorities by its name (the
    # example's buyer id 'GB-LAC-E09000003' is no local-authority org-id), filed under its own area.
    assert db.execute("SELECT authority_id, district FROM spend WHERE import_id = :id", {"id": result.import_id}).fetchone() == (
        "GB-LAC-E09000003", "Barnet")


def register_rows(shared_data, table):
    with zipfile.ZipFile(shared_data / f"real/ccew_format/publicextract.{table}.zip") as archive:
        text = archive.read(archive.namelist()[0]).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def test_register_extract_filtered_to_a_local_authority(db, shared_data):
    (result,) = run_import(db, shared_data, *REGISTER)
    assert result.status == "imported", result.report.summary_lines()
    areas = register_rows(shared_data, "charity_area_of_operation")
    working_here = {r["organisation_number"] for r in areas if r["geographic_area_description"] == "Cheshire East"}
    main = [r for r in register_rows(shared_data, "charity")
            if r["organisation_number"] in working_here and r["linked_charity_number"] == "0"
            and r["charity_registration_status"] == "Registered"]
    assert result.rows_added == len(main) >= 1
    org = db["organisations"].get(db.execute("SELECT id FROM organisations WHERE org_id = :org_id", {"org_id": f"GB-CHC-{main[0]['registered_charity_number']}"}).fetchone()[0])
    assert "Cheshire East" in org["districts"]
    assert org["latest_income_pence"] == int(main[0]["latest_income"]) * 100
    assert org["source"] == "Charity Commission register extract (7 September 2023)"
    assert org["is_demo"] == 0 and org["themes"].startswith('["')


def test_register_extract_for_every_area_and_removal(db, shared_data):
    (result,) = run_import(db, shared_data, *REGISTER, local_authority="all")
    main = [r for r in register_rows(shared_data, "charity")
            if r["linked_charity_number"] == "0" and r["charity_registration_status"] == "Registered"]
    assert result.rows_added == len(main)
    cios = db.execute("SELECT COUNT(*) FROM organisations WHERE org_type = 'CIO' AND is_demo = 0").fetchone()[0]
    assert cios == sum(1 for r in main if r["charity_is_cio"] == "True")
    log = import_log(db)
    assert log.iloc[0]["rows_now"] == len(main)
    assert remove_import(db, result.import_id, who="test") == len(main)
    assert db.execute("SELECT COUNT(*) FROM organisations WHERE import_id = :id", {"id": result.import_id}).fetchone()[0] == 0
    assert import_log(db).iloc[0]["status"] == "removed"


def test_spend_marks_directory_charities_as_third_sector(db, shared_data, tmp_path):
    run_import(db, shared_data, *REGISTER, local_authority="all")
    name = db.execute("SELECT name FROM organisations WHERE is_demo = 0 ORDER BY org_id LIMIT 1").fetchone()[0]
    rows = (shared_data / SUPPLIERS).read_text(encoding="utf-8").splitlines()
    header, first, second = rows[0], rows[1], rows[2]
    cells = next(csv.reader([first]))
    cells[4] = f"THE {name.upper()} LTD."  # same organisation, as a ledger spells it
    edited = io.StringIO()
    csv.writer(edited).writerows([next(csv.reader([header])), cells, next(csv.reader([second]))])
    path = tmp_path / "spend_with_charity.csv"
    path.write_text(edited.getvalue(), encoding="utf-8")
    (result,) = import_sources(db, [Source.from_path(path)], ImportOptions())
    marked = db.execute("SELECT recipient, third_sector, recipient_id FROM spend WHERE import_id = :id ORDER BY id", {"id": result.import_id}).fetchall()
    assert marked[0][1] == 1 and marked[0][2].startswith("GB-CHC-")
    assert marked[1][1] == 0
