"""Twenty sessions editing one organisation, one action, one target at the same moment
(issue 11): every save based on the version all of them opened except the first is
refused with what changed; none is silently overwritten; the audit log has exactly one
row per stored change, its "before" the value really replaced."""

from __future__ import annotations

import json

from models import action_plan, organisations, outcomes, policy, scenarios
from tests.concurrency.harness import PROCESSES, at_once, audit_count, unhandled

ORG = "DEMO-0001"


def edit_organisation(db, index, expected):
    form = organisations.form_values(organisations.get(db, ORG))
    form = {**form, "districts": json.loads(form["districts"]) if isinstance(form["districts"], str) else form["districts"],
            "themes": json.loads(form["themes"]) if isinstance(form["themes"], str) else form["themes"],
            "description": f"Edited by officer {index:02d}"}
    organisations.update(db, ORG, form, actor=policy.local_actor(f"Officer {index:02d}"), expected_version=expected)


def save_action(db, index, expected):
    action_plan.save_changes(db, {"INF-C1": {"owner": f"Officer {index:02d}", "status": "In progress"}},
                             actor=policy.local_actor(f"Officer {index:02d}"), expected_versions={"INF-C1": expected})


def edit_target(db, indicator_id, index, expected):
    outcomes.edit_target(db, indicator_id, target_value=str(40 + index), target_date="31/03/2030", illustrative=True,
                         actor=policy.local_actor(f"Officer {index:02d}"), expected_version=expected)


def save_scenario(db, index, expected):
    scenarios.save(db, "sroi", "Befriending", {"investment": index}, actor=policy.local_actor(f"Analyst {index:02d}"),
                   expected_version=expected)


def one_saved_rest_refused(outcomes_):
    assert unhandled(outcomes_) == []
    saved = [o for o in outcomes_ if o.status == "saved"]
    assert len(saved) == 1, [o.error for o in outcomes_ if o.status != "saved"][:3]
    assert {o.kind for o in outcomes_ if o.status == "refused"} == {"StaleEdit"}
    return saved[0].index


def test_twenty_officers_edit_one_organisation(db_path, db):
    opened = organisations.get(db, ORG)
    winner = one_saved_rest_refused(at_once(db_path, edit_organisation, [(i, opened["version"]) for i in range(PROCESSES)]))
    now = organisations.get(db, ORG)
    assert now["description"] == f"Edited by officer {winner:02d}" and now["version"] == opened["version"] + 1
    entries = organisations.changes(db, ORG)
    assert len(entries) == 1 and entries[0]["who"] == f"Officer {winner:02d}"
    assert json.loads(entries[0]["before_json"])["description"] == opened["description"]


def test_twenty_officers_save_one_action(db_path, db):
    winner = one_saved_rest_refused(at_once(db_path, save_action, [(i, 1) for i in range(PROCESSES)]))
    row = action_plan.list_actions(db).set_index("action_id").loc["INF-C1"]
    assert row["owner"] == f"Officer {winner:02d}" and row["version"] == 2
    assert audit_count(db, "action", "edit action", "INF-C1") == 1


def test_twenty_officers_edit_one_target(db_path, db):
    indicator = outcomes.list_indicators(db)[0]
    winner = one_saved_rest_refused(at_once(db_path, edit_target, [(indicator.indicator_id, i, indicator.version)
                                                                   for i in range(PROCESSES)]))
    assert outcomes.get_indicator(db, indicator.indicator_id).target_value == 40 + winner
    assert audit_count(db, "indicator", "edit target", indicator.indicator_id) == 1


def test_twenty_analysts_save_one_scenario_name(db_path, db):
    winner = one_saved_rest_refused(at_once(db_path, save_scenario, [(i, 0) for i in range(PROCESSES)]))
    latest = scenarios.load(db, "sroi", "Befriending")
    assert latest.version == 1 and latest.body == {"investment": winner}
