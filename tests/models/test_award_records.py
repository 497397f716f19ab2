"""Stored award state: issuing the pack, the contract award notice, standstill blocking
the contract's entry, lots, the clarification log and who may do what."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from models import award_records, policy, tender_records
from models.errors import DomainError, StaleEdit
from tests.conftest import ROOT

EXAMPLE = ROOT / "data" / "examples" / "tender_example.json"
COMMISSIONER = policy.local_actor("Sam Patel")
VIEWER = policy.Actor(subject="local:viewer", name="Val", roles=frozenset({policy.VIEWER}))
NORTHWAY = "Northway Logistics Ltd (fictional)"
WEAVER = "Weaver Valley Community Transport (fictional)"


@pytest.fixture
def tender_id(db) -> int:
    return tender_records.import_scenario(db, json.loads(EXAMPLE.read_text()), who="Sam Patel")


def explain(db, tender_id):
    tender_records.record_explanation(db, tender_id, NORTHWAY, "Two vehicles already owned outright; costed.", who="Sam Patel")


def test_issue_is_refused_until_the_low_price_is_explained(db, tender_id):
    with pytest.raises(DomainError, match="Northway Logistics Ltd \\(fictional\\)'s price £139,000.00 is 19.4% below"):
        award_records.issue_pack(db, tender_id, actor=COMMISSIONER)
    assert award_records.award_state(db, tender_id) is None
    explain(db, tender_id)
    state = award_records.issue_pack(db, tender_id, actor=COMMISSIONER)
    assert (state.winner, state.value_pence, state.value) == (WEAVER, 18_000_000, "£180,000.00")
    assert state.notice_published_on is None and state.standstill is None
    actions = [e["action"] for e in tender_records.audit(db, tender_id)]
    assert actions[0] == "award pack issued"


def test_viewer_may_not_issue_or_clarify(db, tender_id):
    explain(db, tender_id)
    with pytest.raises(policy.PermissionRefused):
        award_records.issue_pack(db, tender_id, actor=VIEWER)
    with pytest.raises(policy.PermissionRefused):
        award_records.add_clarification(db, tender_id, question="When?", asked_on=dt.date(2026, 10, 1), actor=VIEWER)
    assert award_records.award_state(db, tender_id) is None


def test_standstill_blocks_the_contract_until_it_has_passed(db, tender_id, monkeypatch):
    explain(db, tender_id)
    state = award_records.issue_pack(db, tender_id, actor=COMMISSIONER)
    with pytest.raises(DomainError, match="publish the contract award notice first"):
        award_records.enter_contract(db, tender_id, entered_on=award_records.today(), expected_version=state.version,
                                     actor=COMMISSIONER)
    published = award_records.today()
    issued = state
    state = award_records.publish_notice(db, tender_id, published_on=published, expected_version=issued.version,
                                         actor=COMMISSIONER)
    with pytest.raises(StaleEdit):  # a second person working from the version they opened
        award_records.publish_notice(db, tender_id, published_on=published, expected_version=issued.version, actor=COMMISSIONER)
    assert state.standstill.published == published and len(state.standstill.working_days) == 8
    with pytest.raises(DomainError, match="the standstill period runs to the end of"):
        award_records.enter_contract(db, tender_id, entered_on=published, expected_version=state.version, actor=COMMISSIONER)
    # Time passes: on the day after the standstill ends the contract may be entered into.
    later = state.standstill.contract_from
    monkeypatch.setattr(award_records, "today", lambda: later)
    with pytest.raises(DomainError, match="runs to the end of"):
        award_records.enter_contract(db, tender_id, entered_on=state.standstill.ends, expected_version=state.version,
                                     actor=COMMISSIONER)
    entered = award_records.enter_contract(db, tender_id, entered_on=later, expected_version=state.version, actor=COMMISSIONER)
    assert entered.contract_entered_on == later
    with pytest.raises(DomainError, match="the notice date cannot change now"):
        award_records.publish_notice(db, tender_id, published_on=published, expected_version=entered.version, actor=COMMISSIONER)


def test_pack_from_the_stored_tender_with_lot_and_clarifications(db, tender_id):
    explain(db, tender_id)
    award_records.set_lot(db, tender_id, procurement="Community transport 2027", lot_number=2, title="Lot 2: rural routes",
                          reference="CE-17", actor=COMMISSIONER)
    number = award_records.add_clarification(db, tender_id, question="Is the winter plan scored?",
                                             asked_on=dt.date(2026, 10, 1), actor=COMMISSIONER)
    versions = award_records.clarification_versions(db, tender_id)
    award_records.answer_clarification(db, tender_id, number, answer="Yes, under quality of service.",
                                       answered_on=dt.date(2026, 10, 2), expected_version=versions[number], actor=COMMISSIONER)
    with pytest.raises(StaleEdit):
        award_records.answer_clarification(db, tender_id, number, answer="No.", answered_on=dt.date(2026, 10, 2),
                                           expected_version=versions[number], actor=COMMISSIONER)
    award_records.issue_pack(db, tender_id, actor=COMMISSIONER)
    files = award_records.pack_files(db, tender_id, draws=200, prepared_on=dt.date(2026, 12, 18))
    folder = "lot-2-lot-2-rural-routes/"
    assert f"{folder}assessment-summary-dane-ride-cic-fictional.pdf" in files
    assert f"{folder}clarification-log.csv" in files
    assert "Is the winter plan scored?" in files[f"{folder}clarification-log.csv"].decode("utf-8-sig")
    release = json.loads(files["award-notice-ocds.json"])["releases"][0]
    assert release["ocid"] == "ocds-local-CE-17"
    assert release["awards"][0]["relatedLots"] == ["lot-2"] and release["awards"][0]["value"]["amount"] == 180000
    with pytest.raises(DomainError, match="cannot change"):
        award_records.set_lot(db, tender_id, procurement="Other", lot_number=1, title="Lot 1", actor=COMMISSIONER)


def test_lot_numbers_are_unique_in_a_procurement(db, tender_id):
    body = json.loads(EXAMPLE.read_text())
    other = tender_records.import_scenario(db, body, who="Sam Patel", name="Second lot")
    award_records.set_lot(db, tender_id, procurement="P", lot_number=1, title="Lot 1: north", actor=COMMISSIONER)
    with pytest.raises(DomainError, match="Lot 1 of 'P' is already the tender"):
        award_records.set_lot(db, other, procurement="P", lot_number=1, title="Lot 1: south", actor=COMMISSIONER)
    award_records.set_lot(db, other, procurement="P", lot_number=2, title="Lot 2: south", actor=COMMISSIONER)
    lots = award_records.lots_in_procurement(db, award_records.lot_of(db, other).procurement_id)
    assert lots["Title"].tolist() == ["Lot 1: north", "Lot 2: south"]


def test_unmoderated_scores_block_the_pack(db):
    body = json.loads(EXAMPLE.read_text())
    quality = body["bids"][0]["scores"]["quality"]
    quality.pop("moderated"), quality.pop("reason")
    tender_id = tender_records.import_scenario(db, body, who="Sam Patel")
    with pytest.raises(DomainError, match="not moderated yet"):
        award_records.issue_pack(db, tender_id, actor=COMMISSIONER)


def test_command_line_writes_the_pack(db_path, tmp_path, run_cli):
    from models import store

    with store.opened(db_path) as db:
        tender_id = tender_records.import_scenario(db, json.loads(EXAMPLE.read_text()), who="Sam Patel")
    refused = run_cli("tender", "award-pack", tender_id, "--out", tmp_path / "pack", "--db", db_path)
    assert refused.exit_code == 1 and "Error: The award pack cannot be issued yet" in refused.stderr
    with store.opened(db_path) as db:
        explain(db, tender_id)
    result = run_cli("tender", "award-pack", tender_id, "--out", tmp_path / "pack", "--db", db_path, "--simulations", 100)
    assert result.exit_code == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "pack").iterdir())
    # 4 bidders x (PDF, DOCX) + decision report (PDF, DOCX) + workbook + clarification log + OCDS = 13
    assert len(written) == 13 and "award-decision.pdf" in written and "award-notice-ocds.json" in written
    assert "Not issued yet" in result.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m models tender award-pack" in readme
    for option in ("--out", "--db", "--simulations"):
        assert option in run_cli("tender", "award-pack", "--help").stdout
