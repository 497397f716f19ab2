"""The command line: init is idempotent; spend reconciles to the penny in every format;
every command keeps its options; user errors exit 1 with one message; one real process."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import click
import click.testing
import pytest

from models.__main__ import cli
from tests.conftest import ROOT


def dump(path) -> list[str]:
    """Every statement that rebuilds the database (schema and rows), in order."""
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def test_init_twice_changes_nothing(tmp_path, run_cli):
    path = tmp_path / "cli.db"
    first = run_cli("init", "--db", path)
    assert first.exit_code == 0, first.stderr
    assert f"Database ready: {path}" in first.stdout
    dump_one = dump(path)
    assert any(line.startswith('INSERT INTO "spend"') for line in dump_one)
    second = run_cli("init", "--db", path)
    assert second.exit_code == 0, second.stderr
    assert dump(path) == dump_one


def test_spend_json_reconciles(tmp_path, run_cli):
    result = run_cli("spend", "--db", tmp_path / "x.db", "--by", "authority,funding_type", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert set(rows[0]) == {"authority", "funding_type", "amount"}
    assert round(sum(r["amount"] for r in rows), 2) == 3103486.94
    contract = [r for r in rows if r["funding_type"] == "contract"]
    assert round(sum(r["amount"] for r in contract), 2) == 2064893.44


def test_spend_csv_and_table(tmp_path, run_cli):
    db = tmp_path / "x.db"
    csv_out = run_cli("spend", "--db", db, "--by", "body_type", "--body-type", "all", "--format", "csv")
    assert csv_out.stdout.splitlines() == ["body_type,amount", "health,1096680.98", "local_government,3103486.94"]
    table = run_cli("spend", "--db", db, "--by", "department", "--year", "2008/09")
    assert "Total: £3,103,486.94" in table.stdout


def test_spend_bad_field_exits_non_zero(tmp_path, run_cli):
    result = run_cli("spend", "--db", tmp_path / "x.db", "--by", "colour")
    assert result.exit_code == 1
    assert "Error: Cannot group by colour" in result.stderr


def test_bad_option_value_is_a_usage_error(run_cli):
    result = run_cli("tender", "--simulations", "-1", "x.json")
    assert result.exit_code == 2 and "--simulations" in result.stderr


@pytest.mark.parametrize(
    ("command", "options"),
    [
        (["init"], ["--db"]),
        (["spend"], ["--db", "--by", "--year", "--body-type", "--all-suppliers", "--format"]),
        (["import"], ["--db", "--format", "--dry-run", "--skip-invalid", "--local-authority", "--publisher",
                      "--encoding", "--json"]),
        (["organisations", "search"], ["--db", "--district", "--theme", "--type", "--limit", "--format"]),
        (["organisations", "match"], ["--db", "--district", "--theme", "--top", "--format", "--spec-file"]),
        (["outcomes"], ["--db", "--format"]),
        (["tender"], ["--format", "--simulations", "--report"]),
        (["sroi"], ["--format", "--simulations"]),
        (["fcr"], ["--format"]),
        (["consultations", "list"], ["--db", "--department", "--today", "--format"]),
        (["consultations", "add"], ["--db", "--subject", "--department", "--start", "--end", "--method", "--invite",
                                    "--invite-group", "--took-part", "--took-part-group", "--responses", "--tender",
                                    "--tender-notice", "--action", "--feedback-on", "--feedback-text", "--planned",
                                    "--who"]),
        (["consultations", "update"], ["--db", "--version", "--who"]),
        (["consultations", "compact"], ["--db", "--by", "--today", "--format"]),
        (["consultations", "plan"], ["--today", "--start", "--format"]),
        (["consultations", "standards"], ["--format"]),
        (["retention"], ["--db", "--years", "--apply", "--as", "--format"]),
        (["copy"], ["--from", "--to", "--replace", "--format"]),
        (["backup"], ["--db", "--to"]),
    ],
)
def test_every_command_keeps_its_options_and_the_readme_names_them(command, options, run_cli):
    result = run_cli(*command, "--help")
    assert result.exit_code == 0, result.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"python -m models {' '.join(command)}" in readme
    for option in options:
        assert option in result.stdout
        assert option in readme, f"README does not document {' '.join(command)} {option}"


def test_help_texts_agree_with_the_engines():
    """The names the light command modules write out (so --help starts fast) are the engines' own."""
    from models import importers, spend, sroi, store, tender
    from models.commands import _common, import_data
    from models.commands import spend as spend_command
    from models.commands import tender as tender_command

    assert _common.DB_ENV_VAR == store.DB_ENV_VAR
    assert spend_command.GROUP_FIELD_NAMES == tuple(spend.GROUP_FIELDS)
    assert import_data.FILE_FORMATS == importers.FORMATS
    assert tender_command.DEFAULT_SIMULATIONS == tender.DEFAULT_SIMULATIONS
    assert sroi.DEFAULT_SIMULATIONS > 0
    assert sorted(cli.commands) == ["agreements", "backup", "consultations", "copy", "fcr", "import", "init", "monitoring",
                                    "organisations", "outcomes", "retention", "spend", "sroi", "tender", "users"]
    from models import consultations
    from models.commands import consultations as consultations_command

    assert consultations_command.METHODS == consultations.METHODS
    assert consultations_command.DECISION_KINDS == consultations.DECISION_KINDS[1:]


def run_importing(*args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """``python -X importtime -m models ARGS`` as a real process: its result and the modules
    it imported (``-X importtime`` lists every import on stderr)."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "models", *args],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result, {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}


HEAVY = {"pandas", "numpy", "sklearn", "scipy", "sqlite_utils", "sqlalchemy", "shapely", "pyarrow"}


@pytest.mark.parametrize("command", [[], ["spend"], ["import"], ["organisations", "search"], ["tender"]])
def test_runs_as_a_process_and_help_loads_no_heavy_library(command):
    """``python -m models [COMMAND] --help`` really runs, and starts without pandas, numpy,
    scikit-learn, scipy or SQLAlchemy."""
    result, imported = run_importing(*command, "--help")
    assert f"Usage: python -m models {' '.join(command)}".strip() in result.stdout
    assert "models.commands.tender" in imported
    assert not imported & HEAVY


def test_spend_report_loads_no_heavy_library(tmp_path, run_cli):
    """A whole ``spend`` answer from a SQLite file (table, CSV or JSON) reads the summary
    tables with plain sqlite3 and prints plain rows: no pandas, no SQLAlchemy."""
    path = tmp_path / "ready.db"
    assert run_cli("init", "--db", path).exit_code == 0
    for output_format in ("table", "csv", "json"):
        result, imported = run_importing("spend", "--db", str(path), "--by", "authority", "--format", output_format)
        assert "models.spend" in imported
        assert not imported & HEAVY, output_format
    assert "Total: £3,103,486.94" in result.stdout or json.loads(result.stdout)


def test_spend_report_neither_writes_nor_waits_for_the_write_lock(tmp_path, run_cli):
    """On a database already made, ``spend`` only reads: it answers while another connection
    holds the write lock (an import publishing), and leaves the file as it was."""
    path = tmp_path / "ready.db"
    assert run_cli("init", "--db", path).exit_code == 0
    before = dump(path)
    writer = sqlite3.connect(path)
    try:
        writer.execute("BEGIN IMMEDIATE")
        result = run_cli("spend", "--db", path, "--by", "body_type", "--body-type", "all", "--format", "csv")
    finally:
        writer.rollback()
        writer.close()
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["body_type,amount", "health,1096680.98", "local_government,3103486.94"]
    assert dump(path) == before


def test_spend_on_a_new_database_makes_it_first(tmp_path, run_cli):
    path = tmp_path / "new" / "x.db"
    result = run_cli("spend", "--db", path, "--by", "funding_type", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    # The framework's local government table: contracts £2,064,893.44, grants £1,038,593.50.
    assert result.stdout.splitlines() == ["funding_type,amount", "contract,2064893.44", "grant,1038593.50"]


def test_spend_prints_awkward_names_safely_in_every_format(db_path, db, run_cli):
    """Names from imported files: a formula-looking name is neutralised in CSV, a comma or
    a quote is quoted, a tab or line break is shown escaped in the table; a credit (a
    negative amount) stays a number in CSV; the total is the sum to the penny."""
    from models import store
    from tests.helpers import row

    with store.transaction(db):
        db["spend"].insert_all([
            row("t|1", 1234, authority="=HYPERLINK(1)"),
            row("t|2", -500, authority='Smith, "Jones"\tand Co'),
            row("t|3", 10, authority="Line\nbreak"),
        ])
    args = ("spend", "--db", db_path, "--by", "authority", "--year", "2009/10")
    csv_out = run_cli(*args, "--format", "csv")
    assert csv_out.exit_code == 0, csv_out.stderr
    assert csv_out.stdout == ("authority,amount\n'=HYPERLINK(1),12.34\n"
                              '"Line\nbreak",0.10\n"Smith, ""Jones""\tand Co",-5.00\n')
    table = run_cli(*args).stdout.splitlines()
    assert table == ["             authority amount",
                     "         =HYPERLINK(1) £12.34",
                     "           Line\\nbreak  £0.10",
                     'Smith, "Jones"\\tand Co -£5.00',
                     "",
                     "Total: £7.44"]
    assert json.loads(run_cli(*args, "--format", "json").stdout) == [
        {"authority": "=HYPERLINK(1)", "amount": 12.34},
        {"authority": "Line\nbreak", "amount": 0.1},
        {"authority": 'Smith, "Jones"\tand Co', "amount": -5.0},
    ]


def test_plain_rows_print_as_the_dataframe_would():
    """``print_rows`` and ``csv_text_of_rows`` (no pandas) give what ``print_table`` and
    ``csv_text`` give for the same DataFrame of text."""
    import pandas as pd

    from models.commands._common import print_rows, print_table
    from models.export import csv_text, csv_text_of_rows

    columns = ["a", "longer heading", "c"]
    rows = [("x", "", "£1.00"), ("Crewe\tand\rNantwich", "é中文", "@sum"), (" lead", "trail ", "-£1,234.56"),
            ("=1+2", 'say "hi", then', "\n")]
    frame = pd.DataFrame(rows, columns=columns)
    runner = click.testing.CliRunner()
    assert (runner.invoke(click.command()(lambda: print_rows(columns, rows))).stdout
            == runner.invoke(click.command()(lambda: print_table(frame))).stdout)
    assert csv_text_of_rows(columns, rows) == csv_text(frame)
    assert runner.invoke(click.command()(lambda: print_rows(columns, []))).stdout == "(no rows)\n"


def test_spend_on_a_file_that_is_no_database_says_so(tmp_path, run_cli):
    path = tmp_path / "notes.db"
    path.write_text("minutes of the meeting, not a database " * 10)
    result = run_cli("spend", "--db", path)
    assert result.exit_code == 1
    assert f"Error: Cannot open the database at {path}: file is not a database" in result.stderr


def test_spend_by_area_csv_neutralises_names_from_boundary_files(db_path, run_cli, monkeypatch):
    """Area names come from imported boundary files: a formula-looking one is neutralised in
    the CSV; a credit stays a number."""
    import pandas as pd

    from models import spend

    def by_area(_db, level, _filter, basis):
        assert (level, basis) == ("local_authority", "benefit")
        return pd.DataFrame({"kind": ["area", "not_placed"], "code": ["E99999999", ""], "name": ["=1+2", "Place not known"],
                             "amount_pence": [-500, 1234], "records": [1, 2],
                             "population": pd.array([100, None], dtype="Int64"), "per_head_pence": [-5.0, None]})

    monkeypatch.setattr(spend, "spend_by_area", by_area)
    result = run_cli("spend", "--db", db_path, "--by", "local_authority", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["area,code,kind,amount,records,population,per_head",
                                          "'=1+2,E99999999,area,-5.00,1,100,-0.05",
                                          "Place not known,,not_placed,12.34,2,,"]


def test_json_writes_a_missing_number_as_null(db, db_path, run_cli):
    """NaN is not JSON (JavaScript's JSON.parse refuses it): a missing number is null."""

    def strict(result) -> dict:
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))

    db["organisations"].insert({"org_id": "GB-CHC-1999998", "name": "Quokka Kite Makers", "districts": '["Congleton"]',
                                "description": "Quokka kites built in weekend workshops", "source": "test",
                                "updated_at": "2026-01-01"})  # no type, staff, volunteers or income
    matched = strict(run_cli("organisations", "match", "--db", db_path, "--top", "1", "--format", "json", "quokka kites"))
    assert (matched["matches"][0]["org_id"], matched["matches"][0]["org_type"]) == ("GB-CHC-1999998", None)
    found = strict(run_cli("organisations", "search", "--db", db_path, "--format", "json", "quokka"))["organisations"]
    assert [(o["org_id"], o["staff"], o["volunteers"], o["latest_income"]) for o in found] == [
        ("GB-CHC-1999998", None, None, None)]
    # data/seed/indicators.csv: I2 (NI 6) has no target and no figure, so no gap.
    indicators = strict(run_cli("agreements", "outcomes", "--db", db_path, "--format", "json"))["indicators"]
    assert next(i for i in indicators if i["indicator_id"] == "I2")["gap"] is None
