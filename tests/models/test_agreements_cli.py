"""python -m models agreements / monitoring: the same operations as the pages, with JSON
output; bad input exits 1 with a message and changes nothing."""

from __future__ import annotations

import json

import click
import pytest

from models import tender_records
from tests.conftest import ROOT, database_fingerprint

EXAMPLE = json.loads((ROOT / "data" / "examples" / "tender_example.json").read_text())
BIDDER = "Weaver Valley Community Transport (fictional)"


@pytest.fixture
def tender_db(db, db_path):
    db["organisations"].insert({"org_id": "GB-CHC-1000001", "name": "Weaver Valley Community Transport",
                                "districts": '["Crewe and Nantwich"]', "source": "test", "updated_at": "2024-01-01"})
    tender_records.import_scenario(db, EXAMPLE, who="Test")
    return db_path


def _json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_award_to_agreement_to_returns_to_value(tender_db, run_cli, tmp_path):
    kpis = tmp_path / "kpis.json"
    kpis.write_text(json.dumps([{"name": "Journeys provided", "unit": "journeys", "target_per_period": 900}]))
    made = run_cli("agreements", "from-tender", "1", "--db", tender_db, "--who", "Cli Tester", "--bidder", BIDDER,
                   "--provider", "GB-CHC-1000001", "--start", "01/04/2024", "--end", "31/03/2026", "--kpis", kpis)
    assert made.exit_code == 0, made.stderr
    assert made.stdout.strip() == "AG-0001"
    shown = _json(run_cli("agreements", "show", "AG-0001", "--db", tender_db, "--format", "json"))
    # The bid's price, £180,000, shared by days: 2024/25 has 365 days, 2025/26 365: £90,000 each.
    assert shown["values"] == {"2024/25": 90000.0, "2025/26": 90000.0}
    assert [m["name"] for m in shown["measures"]] == ["Journeys provided", "local jobs created", "volunteer hours",
                                                      "apprenticeship weeks"]
    for period, hours in ((1, 800), (2, 700)):
        recorded = run_cli("monitoring", "record", "AG-0001", "--db", tender_db, "--who", "Cli Tester",
                           "--measure", "volunteer hours", "--period", period, "--delivered", hours, "--evidence", "Register")
        assert recorded.exit_code == 0, recorded.stderr
    value = _json(run_cli("monitoring", "value", "AG-0001", "--db", tender_db, "--format", "json"))
    # 1,500 hours x £14 = £21,000 delivered; promised for 2 of 4 periods: 1,000 hours = £14,000.
    assert value["totals"]["delivered"] == 21000.0
    hours = next(c for c in value["commitments"] if c["measure"] == "volunteer hours")
    assert hours["promised_to_date"] == 14000.0 and hours["promised"] == 28000.0
    # Realised: £21,000 / 1.035 on £90,000 (the value of periods 1 and 2).
    assert value["realised_sroi"]["realised_ratio"] == pytest.approx(21000 / 1.035 / 90000, abs=1e-4)
    status = _json(run_cli("monitoring", "status", "AG-0001", "--db", tender_db, "--format", "json"))
    assert status["counts"]["met"] == 2 and status["kpi_rule"]["applies"] is False
    due = _json(run_cli("monitoring", "due", "--db", tender_db, "--format", "json"))
    assert {r["period"] for r in due["returns"]} == {1, 2, 3, 4}
    record = _json(run_cli("monitoring", "record-of", "Weaver Valley Community Transport", "--db", tender_db,
                           "--format", "json"))
    assert "section 23" in record["rules"] and list(record["providers"]) == ["GB-CHC-1000001"]
    shares = _json(run_cli("agreements", "shares", "--db", tender_db, "--format", "json"))
    contract = next(m for m in shares["measures"] if m["measure"] == "Share as contract")
    assert contract["share"] == 1.0 and contract["numerator"] == 180000.0


def test_bad_input_exits_with_a_message_and_changes_nothing(tender_db, run_cli, tmp_path):
    form = tmp_path / "grant.json"
    form.write_text(json.dumps({"title": "Grant", "type": "grant", "provider": "GB-CHC-1000001",
                                "body": "Cheshire East Council", "start": "2099-04-01", "end": "2100-03-31",
                                "values": {"2099/00": 1000}, "award_route": "grant_round",
                                "measures": [{"name": "Visits", "target_per_period": 4}]}))
    assert run_cli("agreements", "add", form, "--db", tender_db, "--who", "Cli").exit_code == 0
    before = database_fingerprint(tender_db)
    future = run_cli("monitoring", "record", "AG-0001", "--db", tender_db, "--who", "Cli", "--measure", "Visits",
                     "--period", "1", "--delivered", "3", "--evidence", "x")
    assert future.exit_code == 1 and "once the period has ended" in future.stderr
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**json.loads(form.read_text()), "end": "2098-01-01", "values": {"2099/00": -5}}))
    refused = run_cli("agreements", "add", bad, "--db", tender_db, "--who", "Cli")
    assert refused.exit_code == 1 and "before the start date" in refused.stderr and "negative" in refused.stderr
    stale = run_cli("agreements", "edit", "AG-0001", form, "--db", tender_db, "--who", "Cli", "--version", "7")
    assert stale.exit_code == 1 and "Nothing was saved" in stale.stderr
    assert database_fingerprint(tender_db) == before


def test_the_readme_names_every_command_and_option(run_cli):
    from models.commands.agreements import agreements
    from models.commands.monitoring import monitoring

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for group in (agreements, monitoring):
        for name, command in group.commands.items():
            assert f"python -m models {group.name} {name}" in readme
            for parameter in command.params:
                if isinstance(parameter, click.Option):
                    assert parameter.opts[0] in readme, f"README does not document {group.name} {name} {parameter.opts[0]}"

