"""Importing indicator figures from CSV (the template and an LG Inform download), and
linking indicators to the actions that serve them."""

from __future__ import annotations

import datetime as dt

import pytest

from models import observation_import as oi
from models import outcomes, policy, versioned
from models.errors import DomainError
from models.policy import PermissionRefused

OFFICER = policy.local_actor("Officer Test")
TODAY = dt.date(2026, 12, 1)


def held(db, indicator_id):
    return [(o.observed_on, o.value, o.illustrative) for o in outcomes.list_observations(db, indicator_id)]


def test_template_rows_are_added_and_audited(db):
    data = (b"indicator_id,observed_on,value,source,note,illustrative\n"
            b"I1,31/03/2026,41.5,Residents' survey 2026,all adults,no\n"
            b"I5,2026-10-31,212,Consultation log,,yes\n")
    assert oi.import_observations(db, data, "figures.csv", actor=OFFICER, today=TODAY) == 2
    assert ("2026-03-31", 41.5, False) in held(db, "I1")
    assert ("2026-10-31", 212.0, True) in held(db, "I5")
    entry = versioned.audit_entries(db, "indicator", "I5")[0]
    assert (entry["action"], entry["who"]) == ("import observation", "Officer Test")


def test_the_template_download_imports_as_it_is(db):
    assert oi.import_observations(db, oi.template_csv(), "template.csv", actor=OFFICER, today=TODAY) == 1


def test_any_bad_row_writes_nothing_and_names_row_and_column(db):
    before = (db["observations"].count, db["audit_log"].count)
    data = (b"indicator_id,observed_on,value,source\n"
            b"I1,31/03/2026,41.5,Survey\n"
            b"I1,31/02/2026,40,Survey\n"
            b"I9,31/03/2026,40,Survey\n"
            b"I1,31/03/2025,140,Survey\n"
            b"I1,31/03/2027,40,Survey\n"
            b"I1,31/03/2024,40,\n")
    with pytest.raises(DomainError) as caught:
        oi.import_observations(db, data, "bad.csv", actor=OFFICER, today=TODAY)
    problems = caught.value.problems
    assert "bad.csv, row 3, column 'observed_on': '31/02/2026' is not a date" in problems[0]
    assert problems[1].startswith("bad.csv, row 4, column 'indicator_id': unknown indicator 'I9'")
    assert "bad.csv, row 5, column 'value': 140 is not a percentage" in problems[2]
    assert "row 6, column 'observed_on': 31 March 2027 is in the future" in problems[3]
    assert "row 7, column 'source'" in problems[4]
    assert (db["observations"].count, db["audit_log"].count) == before


def test_a_figure_already_held_is_refused(db):
    data = b"indicator_id,observed_on,value,source\nI1,31/03/2006,44,Survey\n"
    with pytest.raises(DomainError, match="already held") as caught:
        oi.import_observations(db, data, "again.csv", actor=OFFICER, today=TODAY)
    assert "row 2: I1 already has a figure on 31 March 2006" in caught.value.problems[0]


def test_duplicate_columns_and_unknown_layouts_are_refused(db):
    with pytest.raises(DomainError, match="appear more than once"):
        oi.import_observations(db, b"indicator_id,observed_on,value,value,source\nI1,31/03/2026,1,2,S\n",
                               "dup.csv", actor=OFFICER, today=TODAY)
    with pytest.raises(DomainError, match="neither the template's"):
        oi.import_observations(db, b"a,b\n1,2\n", "odd.csv", actor=OFFICER, today=TODAY)
    with pytest.raises(DomainError, match="nothing to import"):
        oi.import_observations(db, b"indicator_id,observed_on,value,source\n", "empty.csv", actor=OFFICER, today=TODAY)


LG_INFORM = (
    "Area code,Area,Period,Value\n"
    "E06000049,Cheshire East,2019/20,24.1\n"
    "E06000050,Cheshire West and Chester,2019/20,22.0\n"
    "E06000049,Cheshire East,2020/21,26.5\n"
    "E92000001,England,2020/21,23.0\n"
).encode("cp1252")


def test_lg_inform_download_takes_the_chosen_area_dated_at_year_end(db):
    added = oi.import_observations(db, LG_INFORM, "lginform.csv", actor=OFFICER, indicator_id="I2",
                                   area="E06000049", source="LG Inform, NI 6", today=TODAY)
    assert added == 2
    values = [(d, v) for d, v, _ in held(db, "I2") if v is not None]
    assert values == [("2020-03-31", 24.1), ("2021-03-31", 26.5)]


def test_lg_inform_download_needs_indicator_area_and_source(db):
    with pytest.raises(DomainError, match="Choose the indicator"):
        oi.import_observations(db, LG_INFORM, "lginform.csv", actor=OFFICER, today=TODAY)
    with pytest.raises(DomainError, match="choose the area"):
        oi.import_observations(db, LG_INFORM, "lginform.csv", actor=OFFICER, indicator_id="I2", today=TODAY)
    with pytest.raises(DomainError, match="no rows for area 'Nowhere'"):
        oi.import_observations(db, LG_INFORM, "lginform.csv", actor=OFFICER, indicator_id="I2", area="Nowhere",
                               source="LG Inform", today=TODAY)


@pytest.mark.parametrize("period, day", [
    ("2019/20", dt.date(2020, 3, 31)), ("2019/2020", dt.date(2020, 3, 31)),
    ("Q1 2019/20", dt.date(2019, 6, 30)), ("Q4 2019/20", dt.date(2020, 3, 31)),
    ("2019", dt.date(2019, 12, 31)), ("2020-02", dt.date(2020, 2, 29)), ("Jun 2019", dt.date(2019, 6, 30)),
    ("31/01/2020", dt.date(2020, 1, 31)),
])
def test_periods_are_dated_on_their_last_day(period, day):
    assert oi.period_end(period) == day


def test_linking_actions_to_indicators(db):
    assert oi.link_action(db, "I5", "CON-C1", actor=OFFICER) is True
    assert oi.link_action(db, "I5", "CON-C1", actor=OFFICER) is False
    linked = oi.actions_serving(db)
    assert [(r["outcome_id"], r["indicator_id"], r["action_id"]) for r in linked] == [("O4", "I5", "CON-C1")]
    with pytest.raises(DomainError, match="Action 'XX-1' does not exist"):
        oi.link_action(db, "I5", "XX-1", actor=OFFICER)
    assert oi.unlink_action(db, "I5", "CON-C1", actor=OFFICER) is True
    assert oi.actions_serving(db) == []
    assert [e["action"] for e in versioned.audit_entries(db, "indicator", "I5")][:2] == ["unlink action", "link action"]


def test_a_viewer_cannot_import_or_link(db):
    viewer = policy.Actor(subject="s", name="Viewer", roles=frozenset({policy.VIEWER}), signed_in=True)
    with pytest.raises(PermissionRefused):
        oi.import_observations(db, oi.template_csv(), "t.csv", actor=viewer, today=TODAY)
    with pytest.raises(PermissionRefused):
        oi.link_action(db, "I5", "CON-C1", actor=viewer)
