"""The command line's reports on a database already made only read it: each family of
read-only commands answers while another connection holds the write lock (an import
publishing, a save) and leaves every row as it was, and prints what the records say.

On a SQLite file they read through ``store.Reader`` (plain sqlite3, no SQLAlchemy, no
migrations or seeds: ``models.commands._common.reading_database``); on PostgreSQL through
the store's own connection, again without migrating or seeding. Expected values are worked
from the seed and demo files in data/ and from each test's own records."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys

import pytest

from models import store, tender_records
from tests.conftest import ROOT, database_fingerprint

EXAMPLE = json.loads((ROOT / "data" / "examples" / "tender_example.json").read_text(encoding="utf-8"))
WINNER = "Weaver Valley Community Transport (fictional)"
TODAY = ("--today", "2026-12-01")


def sign_in_off(monkeypatch, tmp_path) -> None:
    """No secrets file and no administrators from the environment: local mode."""
    from models import users

    monkeypatch.setenv(users.SECRETS_ENV_VAR, str(tmp_path / "no-secrets.toml"))
    monkeypatch.delenv(users.ADMINS_ENV_VAR, raising=False)


@contextlib.contextmanager
def write_lock_held(where):
    """Another connection holding the write lock: BEGIN IMMEDIATE on SQLite, the advisory
    write lock on PostgreSQL (``store.transaction``). A command that tried to write, or to
    migrate or seed, would wait and then fail with 'The database is busy'."""
    with store.opened(str(where)) as writer, store.transaction(writer):
        yield


def read(run_cli, where, *args):
    """``python -m models ARGS --db WHERE`` while the write lock is held elsewhere: it must
    succeed and leave the database as it was (the SQLite file and its write-ahead log byte
    for byte; on PostgreSQL every row)."""
    before = database_fingerprint(where)
    with write_lock_held(where):
        result = run_cli(*args, "--db", where)
    assert result.exit_code == 0, result.stderr
    assert database_fingerprint(where) == before
    return result


def read_json(run_cli, where, *args):
    return json.loads(read(run_cli, where, *args, "--format", "json").stdout)


def test_organisations_search_and_match_only_read(db, db_path, run_cli):
    # data/demo/organisations.csv: the organisations serving Congleton with a word beginning
    # 'foodbank' in their name, description or themes.
    found = read_json(run_cli, db_path, "organisations", "search", "--district", "Congleton", "foodbank")
    assert found["total"] == found["shown"] == 3
    assert {o["org_id"]: o["name"] for o in found["organisations"]} == {
        "DEMO-0013": "Holmes Chapel Foodbank", "DEMO-0050": "Sandbach Foodbank", "DEMO-0138": "Nantwich Foodbank"}
    holmes_chapel = next(o for o in found["organisations"] if o["org_id"] == "DEMO-0013")
    assert holmes_chapel["latest_income"] == 114000.0  # 11400000 pence
    assert holmes_chapel["districts"] == ["Congleton", "Crewe and Nantwich"]
    table = read(run_cli, db_path, "organisations", "search", "--district", "Congleton", "foodbank").stdout
    assert "* Holmes Chapel Foodbank" in table and "£114,000.00" in table
    assert "3 organisations match; 3 shown." in table and "fictional demonstration organisations" in table

    db["organisations"].insert({"org_id": "GB-CHC-1999999", "name": "Quokka Kite Makers", "org_type": "charity",
                                "districts": '["Congleton"]', "description": "Quokka kites built in weekend workshops",
                                "source": "test", "updated_at": "2026-01-01"})
    matched = read_json(run_cli, db_path, "organisations", "match", "--top", "1", "quokka kites")
    assert [(m["rank"], m["org_id"], m["is_demo"]) for m in matched["matches"]] == [(1, "GB-CHC-1999999", False)]
    assert any("quokka" in term for term in matched["matches"][0]["matched_terms"])
    elsewhere = read_json(run_cli, db_path, "organisations", "match", "--district", "Macclesfield", "quokka kites")
    assert "GB-CHC-1999999" not in [m["org_id"] for m in elsewhere["matches"]]


def test_outcomes_only_reads(db_path, run_cli):
    report = read_json(run_cli, db_path, "outcomes")
    # data/seed/observations.csv: each indicator's latest value with a figure.
    latest = {i["indicator_id"]: (i["latest_value"], i["latest_date"]) for i in report["indicators"]}
    assert latest == {"I1": (42.0, "2006-03-31"), "I2": (None, None), "I3": (64.0, "2011-03-31"), "I4": (None, None),
                      "I5": (165.0, "2009-10-31"), "I6": (None, None), "I7": (83.0, "2011-03-31")}
    statuses = {i["indicator_id"]: i["status"] for i in report["indicators"]}
    # I3: 64% against 75% by 31/03/2012; I7: 83% against 85% by 31/03/2012; both dates passed.
    assert (statuses["I3"], statuses["I7"]) == ("target missed", "target missed")
    assert statuses["I2"] == statuses["I4"] == statuses["I6"] == "no data"
    assert [o["outcome_id"] for o in report["outcomes"]] == ["O1", "O2", "O3", "O4", "O5", "O6"]
    table = read(run_cli, db_path, "outcomes").stdout
    assert "O3 Strong and coordinated infrastructure organisations that support front line organisations in the " \
           "sector: no data" in table
    assert "O6 Third sector organisations focussed on local needs: target missed (illustrative figures)" in table


def test_consultations_list_show_and_compact_only_read(db_path, run_cli):
    added = run_cli("consultations", "add", "--db", db_path, "--subject", "Libraries", "--department", "Communities",
                    "--start", "05/01/2026", "--end", "10/04/2026", "--method", "Survey", "--took-part", "DEMO-0001",
                    "--action", "CON-C5", "--responses", "12", "--feedback-on", "2026-05-01",
                    "--feedback-text", "You said; we did", "--who", "CLI test")
    assert added.exit_code == 0, added.stderr
    listed = read_json(run_cli, db_path, "consultations", "list", *TODAY)["consultations"]
    assert [(c["consultation_id"], c["subject"], c["status"], c["responses"], c["took_part"], c["actions"])
            for c in listed] == [(1, "Libraries", "Closed, feedback published", 12, 1, "CON-C5")]
    csv_lines = read(run_cli, db_path, "consultations", "list", *TODAY, "--format", "csv").stdout.splitlines()
    assert len(csv_lines) == 2 and ",Libraries," in csv_lines[1]
    shown = read_json(run_cli, db_path, "consultations", "show", "1")
    assert {k: shown[k] for k in ("subject", "department", "start_date", "end_date", "method", "responses",
                                  "feedback_published_on", "version")} == {
        "subject": "Libraries", "department": "Communities", "start_date": "2026-01-05", "end_date": "2026-04-10",
        "method": "Survey", "responses": 12, "feedback_published_on": "2026-05-01", "version": 1}
    assert "Subject: Libraries" in read(run_cli, db_path, "consultations", "show", "1").stdout
    compact = read_json(run_cli, db_path, "consultations", "compact", *TODAY)
    measured = {row["Check"]: row["% met"] for row in compact["measured"]}
    # 68 working days (5 January to 10 April 2026 less Good Friday and Easter Monday): meets
    # the Compact's 12 weeks; feedback published 1 May 2026.
    assert measured["Consultation length"] == 100.0 and measured["Feedback published"] == 100.0
    by_department = read_json(run_cli, db_path, "consultations", "compact", *TODAY, "--by", "department")
    assert {row["Department"] for row in by_department["measured"]} == {"Communities"}


@pytest.fixture
def agreement_db(db, db_path, run_cli):
    """The tender example awarded to its winner as AG-0001 (1 April 2024 to 31 March 2026,
    six-monthly returns), 800 volunteer hours returned for period 1, and three imported
    payments to a directory organisation not yet in any agreement."""
    for org_id, name, districts in (("GB-CHC-1000001", "Weaver Valley Community Transport", '["Crewe and Nantwich"]'),
                                    ("GB-CHC-1000002", "Far Away Trust", "[]")):
        db["organisations"].insert({"org_id": org_id, "name": name, "districts": districts, "source": "test",
                                    "updated_at": "2024-01-01"})
    tender_records.import_scenario(db, EXAMPLE, who="Test")
    for n, (year, pence) in enumerate([("2026/27", 400_000), ("2026/27", 350_000), ("2027/28", 500_000)]):
        db["spend"].insert({"uid": f"test-{n}", "financial_year": year, "body_type": "local_government",
                            "authority": "Cheshire East Council", "district": "Cheshire East-wide",
                            "department": "Communities", "funding_type": "grant", "amount_pence": pence,
                            "recipient": "FAR AWAY TRUST LTD", "source": "test", "loaded_at": "2027-01-01"})
    made = run_cli("agreements", "from-tender", "1", "--db", db_path, "--who", "Cli", "--bidder", WINNER,
                   "--provider", "GB-CHC-1000001", "--start", "01/04/2024", "--end", "31/03/2026")
    assert made.exit_code == 0, made.stderr
    recorded = run_cli("monitoring", "record", "AG-0001", "--db", db_path, "--who", "Cli", "--measure", "volunteer hours",
                       "--period", "1", "--delivered", "800", "--evidence", "Register")
    assert recorded.exit_code == 0, recorded.stderr
    return db_path


def test_agreements_list_show_suggest_shares_and_outcomes_only_read(agreement_db, run_cli):
    listed = read_json(run_cli, agreement_db, "agreements", "list")
    # The winning bid's price, £180,000, over two financial years.
    assert [(a["reference"], a["agreement_type"], a["provider_org_id"], a["value"], a["award_route"])
            for a in listed["agreements"]] == [("AG-0001", "contract", "GB-CHC-1000001", 180000.0, "tender")]
    assert listed["total_value"] == 180000.0
    assert read_json(run_cli, agreement_db, "agreements", "list", "--type", "grant")["agreements"] == []
    assert "AG-0001" in read(run_cli, agreement_db, "agreements", "list", "--format", "csv").stdout
    shown = read_json(run_cli, agreement_db, "agreements", "show", "AG-0001")
    assert shown["values"] == {"2024/25": 90000.0, "2025/26": 90000.0}  # 365 days each
    assert [m["name"] for m in shown["measures"]] == ["local jobs created", "volunteer hours", "apprenticeship weeks"]
    assert len(shown["periods"]) == 4 and shown["periods"][0]["end_date"] == "2024-09-30"
    assert "total_value: 180000.0" in read(run_cli, agreement_db, "agreements", "show", "1").stdout
    # Far Away Trust's three payments: £4,000 + £3,500 + £5,000.
    suggested = read_json(run_cli, agreement_db, "agreements", "suggest")["suggestions"]
    assert [(s["provider_org_id"], s["payments"], s["total"], s["first_year"], s["last_year"]) for s in suggested] == [
        ("GB-CHC-1000002", 3, 12500.0, "2026/27", "2027/28")]
    shares = {m["measure"]: m for m in read_json(run_cli, agreement_db, "agreements", "shares")["measures"]}
    assert (shares["Share as contract"]["share"], shares["Share as contract"]["numerator"]) == (1.0, 180000.0)
    assert shares["Share as grant"]["share"] == 0.0
    money = read_json(run_cli, agreement_db, "agreements", "outcomes")
    computed = {(c["indicator_id"], c["financial_year"]): c["computed_percent"] for c in money["computed_indicators"]}
    # I3 from the seeded spend: contracts £2,064,893.44 of £3,103,486.94 in 2008/09.
    assert computed[("I3", "2008/09")] == round(206_489_344 / 310_348_694 * 100, 2)
    assert "Share as contract" in read(run_cli, agreement_db, "agreements", "shares").stdout


def test_monitoring_status_due_value_and_record_only_read(agreement_db, run_cli):
    status = read_json(run_cli, agreement_db, "monitoring", "status", "AG-0001")
    # 3 commitments x 4 six-monthly periods, all ended and past their due dates; one returned
    # (800 volunteer hours against 500 a period).
    assert status["counts"]["met"] == 1 and status["counts"]["late"] == 11
    assert status["kpi_rule"]["applies"] is False
    due = read_json(run_cli, agreement_db, "monitoring", "due")["returns"]
    assert [(r["period"], r["outstanding"], r["status"]) for r in due] == [
        (1, 2, "late"), (2, 3, "late"), (3, 3, "late"), (4, 3, "late")]
    value = read_json(run_cli, agreement_db, "monitoring", "value", "AG-0001")
    hours = next(c for c in value["commitments"] if c["measure"] == "volunteer hours")
    # 800 hours x £14 delivered; promised 2,000 hours (£28,000), a quarter of it by period 1.
    assert (hours["delivered"], hours["promised"], hours["promised_to_date"]) == (11200.0, 28000.0, 7000.0)
    assert value["totals"]["delivered"] == 11200.0
    record = read_json(run_cli, agreement_db, "monitoring", "record-of", "Weaver Valley Community Transport")
    assert list(record["providers"]) == ["GB-CHC-1000001"]
    assert "Totals:" in read(run_cli, agreement_db, "monitoring", "value", "AG-0001").stdout


def test_award_pack_only_reads_the_database(db, db_path, run_cli, tmp_path):
    tender_id = tender_records.import_scenario(db, EXAMPLE, who="Sam Patel")
    tender_records.record_explanation(db, tender_id, "Northway Logistics Ltd (fictional)",
                                      "Two vehicles already owned outright; costed.", who="Sam Patel")
    result = read(run_cli, db_path, "tender", "award-pack", tender_id, "--out", tmp_path / "pack", "--simulations", "100")
    written = sorted(p.name for p in (tmp_path / "pack").iterdir())
    # 4 bidders x (PDF, DOCX) + the decision report (PDF, DOCX) + workbook + clarification log + OCDS.
    assert len(written) == 13 and "award-notice-ocds.json" in written
    assert "Not issued yet" in result.stdout


def test_retention_dry_run_only_reads(db, db_path, run_cli):
    db["audit_log"].insert({"at": "2001-05-01T10:00:00+00:00", "who": "Old hand", "entity": "organisation",
                            "entity_id": "DEMO-0001", "action": "edit"})
    plan = read_json(run_cli, db_path, "retention")
    assert (plan["retention_years"], plan["applied"], plan["audit_entries_to_remove"]) == (7, False, 1)
    assert "Dry run, nothing changed" in read(run_cli, db_path, "retention").stdout


def test_users_list_only_reads(db_path, run_cli, monkeypatch, tmp_path):
    sign_in_off(monkeypatch, tmp_path)
    added = run_cli("users", "add", "ann@council.gov.uk", "--name", "Ann", "--role", "evaluator", "--db", db_path)
    assert added.exit_code == 0, added.stderr
    listed = read_json(run_cli, db_path, "users", "list")
    assert listed["sign_in"] is False
    assert [(p["email"], p["name"], p["roles"]) for p in listed["people"]] == [("ann@council.gov.uk", "Ann", ["evaluator"])]


@pytest.mark.parametrize("command", [
    ["organisations", "search", "foodbank"], ["outcomes"], ["consultations", "list"], ["agreements", "list"],
    ["monitoring", "due"], ["retention"], ["users", "list"],
])
def test_reports_on_a_sqlite_file_load_no_sqlalchemy(command, tmp_path, run_cli, monkeypatch):
    """A read-only command on a SQLite file already made reads it with plain sqlite3: a real
    process that never imports SQLAlchemy (about 0.2 s of a command's start)."""
    sign_in_off(monkeypatch, tmp_path)
    path = tmp_path / "ready.db"
    assert run_cli("init", "--db", path).exit_code == 0
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "models", *command, "--db", str(path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "models.store" in imported and "sqlalchemy" not in imported
