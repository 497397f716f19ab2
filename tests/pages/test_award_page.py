"""The tender page's Award tab through Streamlit's AppTest: refused while a low price is
unexplained, then issue the pack, download a bidder's summary, publish the notice and see the
standstill; a contract entered inside the standstill is refused."""

from __future__ import annotations

import json

from models import award_records, store, tender_records
from tests.conftest import ROOT
from tests.pages.conftest import run_page

EXAMPLE = json.loads((ROOT / "data" / "examples" / "tender_example.json").read_text())
NORTHWAY = "Northway Logistics Ltd (fictional)"


def shown(app) -> str:
    parts = [m.value for m in app.markdown] + [t.value for t in app.text] + [e.value for e in app.success]
    parts += [e.value for e in app.info] + [e.value for e in app.warning] + [e.value for e in app.error]
    return "\n".join(str(p) for p in parts)


def test_award_tab_issue_notice_and_standstill(db_path):
    with store.opened(db_path) as db:
        tender_id = tender_records.import_scenario(db, EXAMPLE, who="Test")
    app = run_page("tender.py", {"tender.name": EXAMPLE["name"], "tender.tab": "Award"})
    assert not app.exception, app.exception
    assert "19.4% below the mean of the other bids" in shown(app)
    assert app.button(key="award.issue").disabled
    with store.opened(db_path) as db:
        tender_records.record_explanation(db, tender_id, NORTHWAY, "Vehicles owned outright.", who="Test")
    app = run_page("tender.py", {"tender.name": EXAMPLE["name"], "tender.tab": "Award"})
    app.text_input(key="auth.name").input("Sam Patel")
    app.button(key="award.issue").click()
    app.run()
    assert not app.exception, app.exception
    assert "Issued" in shown(app) and "Weaver Valley Community Transport (fictional) at £180,000.00" in shown(app)
    assert app.selectbox(key="award.bidder").options[0] == "Weaver Valley Community Transport (fictional)"
    app.button(key="FormSubmitter:award.notice_form-Record the notice and start the standstill").click()
    app.run()
    assert not app.exception, app.exception
    with store.opened(db_path) as db:
        state = award_records.award_state(db, tender_id)
    assert state.notice_published_on == award_records.today()
    assert state.standstill.summary in shown(app)
    assert "Standstill ends at the end of" in shown(app)
    app.button(key="FormSubmitter:award.contract_form-Record the contract as entered into").click()
    app.run()
    assert "the standstill period runs to the end of" in shown(app)
    with store.opened(db_path) as db:
        assert award_records.award_state(db, tender_id).contract_entered_on is None


def test_clarification_is_added_to_the_log(db_path):
    with store.opened(db_path) as db:
        tender_id = tender_records.import_scenario(db, EXAMPLE, who="Test")
    app = run_page("tender.py", {"tender.name": EXAMPLE["name"], "tender.tab": "Award"})
    app.text_input(key="auth.name").input("Sam Patel")
    app.text_area(key="award.question").input("Are volunteer drivers' expenses in the price?")
    app.button(key="FormSubmitter:award.question_form-Add to the log").click()
    app.run()
    assert not app.exception, app.exception
    with store.opened(db_path) as db:
        [question] = award_records.clarifications(db, tender_id)
    assert question.number == 1 and question.answer == ""
    app.text_area(key="award.reply").input("Yes: include them in the price.")
    app.button(key="FormSubmitter:award.answer_form-Save the answer").click()
    app.run()
    assert not app.exception, app.exception
    with store.opened(db_path) as db:
        [question] = award_records.clarifications(db, tender_id)
    assert question.answer == "Yes: include them in the price."


def test_on_a_phone_the_sections_are_a_wrapping_choice_kept_in_the_address(db_path, monkeypatch):
    """Seven tabs scroll sideways on a 390 px phone (Award and Audit off screen): a phone gets
    a choice of section instead, bound to the same address, and only that section runs."""
    import ui.tender

    monkeypatch.setattr(ui.tender, "narrow_screen", lambda: True)
    with store.opened(db_path) as db:
        tender_records.import_scenario(db, EXAMPLE, who="Test")
    app = run_page("tender.py", {"tender.name": EXAMPLE["name"], "tender.tab": "Award"})
    assert not app.exception, app.exception
    assert not app.tabs
    section = app.radio(key="tender.tab")
    assert section.label == "Section" and section.value == "Award"
    assert list(section.options) == ["Set up", "Evaluators", "Score", "Moderate", "Results", "Award", "Audit"]
    assert "Issue the award pack" in " ".join(m.value for m in app.markdown)
    section.set_value("Audit").run()
    assert not app.exception, app.exception
    assert app.radio(key="tender.tab").value == "Audit"
    assert "Issue the award pack" not in " ".join(m.value for m in app.markdown)
