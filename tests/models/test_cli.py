"""The command line: init is idempotent; spend reconciles to the penny in every format."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "models", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_init_twice_changes_nothing(tmp_path):
    path = tmp_path / "cli.db"
    first = run_cli("init", "--db", str(path))
    assert first.returncode == 0, first.stderr
    dump_one = subprocess.run(["sqlite3", str(path), ".dump"], capture_output=True, text=True).stdout if _has_sqlite3() else None
    second = run_cli("init", "--db", str(path))
    assert second.returncode == 0, second.stderr
    if dump_one is not None:
        assert subprocess.run(["sqlite3", str(path), ".dump"], capture_output=True, text=True).stdout == dump_one


def _has_sqlite3() -> bool:
    import shutil

    return shutil.which("sqlite3") is not None


def test_spend_json_reconciles(tmp_path):
    result = run_cli("spend", "--db", str(tmp_path / "x.db"), "--by", "authority,funding_type", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert set(rows[0]) == {"authority", "funding_type", "amount"}
    assert round(sum(r["amount"] for r in rows), 2) == 3103486.94
    contract = [r for r in rows if r["funding_type"] == "contract"]
    assert round(sum(r["amount"] for r in contract), 2) == 2064893.44


def test_spend_csv_and_table(tmp_path):
    db = str(tmp_path / "x.db")
    csv_out = run_cli("spend", "--db", db, "--by", "body_type", "--body-type", "all", "--format", "csv")
    assert csv_out.stdout.splitlines() == ["body_type,amount", "health,1096680.98", "local_government,3103486.94"]
    table = run_cli("spend", "--db", db, "--by", "department", "--year", "2008/09")
    assert "Total: £3,103,486.94" in table.stdout


def test_spend_bad_field_exits_non_zero(tmp_path):
    result = run_cli("spend", "--db", str(tmp_path / "x.db"), "--by", "colour")
    assert result.returncode == 1
    assert "Cannot group by colour" in result.stderr
