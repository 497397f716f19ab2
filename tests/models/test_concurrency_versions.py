"""Versions on what people edit (issue 11): a save based on a version someone else has
since replaced is refused with what changed, by whom and when; nothing is written."""

from __future__ import annotations

import pytest

from models import action_plan, organisations, outcomes, policy, scenarios, store
from models import self_assessment as sa
from models.errors import DomainError, StaleEdit

ANN, RAJ = policy.local_actor("Ann"), policy.local_actor("Raj")


def test_organisation_edit_on_an_old_version_is_refused(db):
    opened = organisations.get(db, "DEMO-0001")
    form = {**organisations.form_values(opened), "districts": opened["districts"], "themes": opened["themes"]}
    organisations.update(db, "DEMO-0001", {**form, "website": "https://ann.example.org"}, actor=ANN,
                         expected_version=opened["version"])
    with pytest.raises(StaleEdit, match=r"Organisation DEMO-0001 was changed by Ann at .* \(your version 1, now version 2\)"
                       r".*Nothing was saved.*website is now 'https://ann.example.org'") as refused:
        organisations.update(db, "DEMO-0001", {**form, "postcode": "CW1 2BJ"}, actor=RAJ, expected_version=opened["version"])
    assert refused.value.current["website"] == "https://ann.example.org"
    now = organisations.get(db, "DEMO-0001")
    assert now["postcode"] == opened["postcode"] and now["version"] == 2
    assert [e["who"] for e in organisations.changes(db, "DEMO-0001")] == ["Ann"]


def test_action_plan_saves_only_what_the_person_changed(db):
    shown = action_plan.editor_table(action_plan.list_actions(db))
    edited = shown.copy()
    edited.loc[edited["Action"] == "INF-C2", "Owner"] = "Ann"
    assert list(action_plan.changes_from_editor(edited, shown)) == ["INF-C2"]
    action_plan.save_changes(db, {"INF-C1": {"owner": "Raj"}}, actor=RAJ, expected_versions={"INF-C1": 1})
    # Ann's grid still shows INF-C1 as it was, but she did not change it: her save goes through
    # and does not put Raj's change back.
    assert action_plan.save_changes(db, action_plan.changes_from_editor(edited, shown), actor=ANN,
                                    expected_versions={"INF-C2": 1}) == ["INF-C2"]
    rows = action_plan.list_actions(db).set_index("action_id")
    assert rows.loc["INF-C1", "owner"] == "Raj" and rows.loc["INF-C2", "owner"] == "Ann"
    with pytest.raises(StaleEdit, match="Action INF-C1 was changed by Raj"):
        action_plan.save_changes(db, {"INF-C1": {"owner": "Ann"}}, actor=ANN, expected_versions={"INF-C1": 1})


def test_target_and_observation(db):
    indicator = outcomes.list_indicators(db)[0]
    outcomes.edit_target(db, indicator.indicator_id, target_value="45", target_date="31/03/2030", illustrative=True,
                         actor=ANN, expected_version=indicator.version)
    with pytest.raises(StaleEdit, match="target_value is now 45.0"):
        outcomes.edit_target(db, indicator.indicator_id, target_value="50", target_date="31/03/2030", illustrative=True,
                             actor=RAJ, expected_version=indicator.version)
    outcomes.add_observation(db, indicator.indicator_id, observed_on="31/03/2011", value="40", source="Survey", actor=ANN)
    with pytest.raises(DomainError, match=r"already an observation on 31 March 2011 \(added by Ann"):
        outcomes.add_observation(db, indicator.indicator_id, observed_on="31/03/2011", value="41", source="Survey", actor=RAJ)


def test_self_assessment_saved_meanwhile_is_not_replaced(db):
    answers = [sa.Answer("P1", "", 2, "")]
    sa.save_assessment(db, name="Children", assessed_on="01/04/2026", answers=answers, actor=ANN, expected_version=0)
    with pytest.raises(StaleEdit, match="The assessment 'Children' for 1 April 2026 was saved by Ann"):
        sa.save_assessment(db, name="Children", assessed_on="01/04/2026", answers=[sa.Answer("P1", "", 4, "")],
                           actor=RAJ, expected_version=0)
    sa.save_assessment(db, name="Children", assessed_on="01/04/2026", answers=[sa.Answer("P1", "", 3, "")],
                       actor=RAJ, expected_version=1)
    assert sa.list_assessments(db)["version"].tolist() == [2]


def test_scenario_saved_meanwhile(db):
    scenarios.save(db, "sroi", "Befriending", {"investment": 1}, actor=ANN, expected_version=0)
    with pytest.raises(StaleEdit, match="Scenario 'Befriending' was saved as version 1 by Ann"):
        scenarios.save(db, "sroi", "Befriending", {"investment": 2}, actor=RAJ, expected_version=0)
    assert scenarios.save(db, "sroi", "Befriending", {"investment": 2}, actor=RAJ, expected_version=1).version == 2


def test_a_role_without_the_action_is_refused(db):
    viewer = policy.Actor(subject="x", name="Viewer", roles=frozenset({policy.VIEWER}), signed_in=True)
    with pytest.raises(policy.PermissionRefused):
        action_plan.save_changes(db, {"INF-C1": {"owner": "V"}}, actor=viewer)
    assert action_plan.list_actions(db).set_index("action_id").loc["INF-C1", "version"] == 1


def test_busy_database_gives_a_friendly_error(db_path, monkeypatch):
    """Someone holds the write lock past the short wait (SQLite's busy timeout, PostgreSQL's
    lock_timeout on the advisory write lock): a save is refused with a message (errors.Busy,
    a DomainError), never the engine's own 'database is locked' or 'lock timeout'."""
    from models.errors import Busy

    monkeypatch.setattr(store, "BUSY_ATTEMPTS", 1)  # one wait, not two: the test is quicker
    with store.opened(db_path) as holder, store.opened(db_path) as other:
        with store.transaction(holder):
            with pytest.raises(Busy, match="busy with another change.*Nothing was saved"):
                action_plan.save_changes(other, {"INF-C1": {"owner": "Ann"}}, actor=ANN)
        assert action_plan.list_actions(other).set_index("action_id").loc["INF-C1", "version"] == 1
