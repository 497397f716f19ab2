"""python -m models consultations: add, update (stale refused), list, compact and plan, in
process (click's CliRunner), with JSON output."""

from __future__ import annotations

import json

from models import store


def test_add_update_list_and_compact_in_json(run_cli, db_path):
    added = run_cli("consultations", "add", "--db", db_path, "--subject", "Libraries", "--department", "Communities",
                    "--start", "05/01/2026", "--end", "10/04/2026", "--method", "Survey", "--took-part", "DEMO-0001",
                    "--action", "CON-C5", "--who", "CLI test")
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout) == {"consultation_id": 1, "version": 1}
    updated = run_cli("consultations", "update", "1", "--db", db_path, "--version", "1", "--responses", "12",
                      "--feedback-on", "2026-05-01", "--feedback-text", "You said; we did", "--who", "CLI test")
    assert updated.exit_code == 0, updated.stderr
    assert json.loads(updated.stdout)["version"] == 2

    listed = json.loads(run_cli("consultations", "list", "--db", db_path, "--today", "2026-12-01",
                                "--format", "json").stdout)["consultations"]
    assert [(c["subject"], c["status"], c["responses"], c["actions"]) for c in listed] == [
        ("Libraries", "Closed, feedback published", 12, "CON-C5")]

    report = json.loads(run_cli("consultations", "compact", "--db", db_path, "--today", "2026-12-01",
                                "--format", "json").stdout)
    measured = {row["Check"]: row for row in report["measured"]}
    # 68 working days (5 Jan-10 Apr 2026 less Good Friday and Easter Monday): meets 12 weeks.
    assert measured["Consultation length"]["% met"] == 100.0
    assert measured["Feedback published"]["% met"] == 100.0
    assert measured["Providers consulted before a tender notice"]["% met"] is None
    assert any("commitment 2.4" in s["Source"] for s in report["standards"])


def test_stale_update_and_bad_dates_are_refused_with_nothing_changed(run_cli, db_path):
    run_cli("consultations", "add", "--db", db_path, "--subject", "Libraries", "--department", "Communities",
            "--start", "05/01/2026", "--end", "10/04/2026", "--method", "Survey", "--who", "CLI test")
    run_cli("consultations", "update", "1", "--db", db_path, "--version", "1", "--responses", "12", "--who", "A")
    with store.opened(db_path) as db:
        before = list(db.query("SELECT * FROM consultations")), db["audit_log"].count
    stale = run_cli("consultations", "update", "1", "--db", db_path, "--version", "1", "--responses", "30", "--who", "B")
    assert stale.exit_code == 1 and "your version 1, now version 2" in stale.stderr
    early = run_cli("consultations", "update", "1", "--db", db_path, "--version", "2", "--feedback-on", "2026-04-01",
                    "--feedback-text", "x", "--who", "B")
    assert early.exit_code == 1 and "before the consultation ends (10 April 2026)" in early.stderr
    backwards = run_cli("consultations", "add", "--db", db_path, "--subject", "X", "--department", "D",
                        "--start", "05/01/2026", "--end", "01/01/2026", "--method", "Survey", "--who", "B")
    assert backwards.exit_code == 1 and "before the start date" in backwards.stderr
    with store.opened(db_path) as db:
        assert (list(db.query("SELECT * FROM consultations")), db["audit_log"].count) == before


def test_plan_timeline_from_a_given_day(run_cli):
    result = run_cli("consultations", "plan", "--today", "2026-12-01", "--format", "json")
    dates = {row["Step"]: row["Date"] for row in json.loads(result.stdout)["timeline"]}
    assert dates["Consultation opens"] == "2026-12-15"
    assert dates["Consultation closes"] == "2027-03-11"


def test_list_tells_feedback_published_from_feedback_to_publish(run_cli, db_path):
    """Two closed consultations, only one with its feedback published: the other is listed
    as feedback to publish (its missing date is not taken for a published one)."""
    for subject, extra in (("Libraries", ["--feedback-on", "2026-05-01", "--feedback-text", "You said; we did"]),
                           ("Buses", [])):
        added = run_cli("consultations", "add", "--db", db_path, "--subject", subject, "--department", "Communities",
                        "--start", "05/01/2026", "--end", "10/04/2026", "--method", "Survey", *extra, "--who", "CLI test")
        assert added.exit_code == 0, added.stderr
    listed = json.loads(run_cli("consultations", "list", "--db", db_path, "--today", "2026-12-01",
                                "--format", "json").stdout)["consultations"]
    assert {c["subject"]: (c["status"], c["feedback_published_on"]) for c in listed} == {
        "Libraries": ("Closed, feedback published", "2026-05-01"), "Buses": ("Closed, feedback to publish", None)}
