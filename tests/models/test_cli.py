"""The command line: init is idempotent; spend reconciles to the penny in every format;
every command keeps its options; user errors exit 1 with one message; one real process."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

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


def test_runs_as_a_process_and_help_loads_no_heavy_library():
    """The one command-line test that starts Python: ``python -m models --help`` really runs,
    and starts without pandas, numpy, scikit-learn or scipy (``-X importtime`` lists every import)."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "models", "--help"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Usage: python -m models" in result.stdout and "tender" in result.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "models.commands.tender" in imported
    assert not imported & {"pandas", "numpy", "sklearn", "scipy", "sqlite_utils"}
