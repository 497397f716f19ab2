"""The consultation log, the Compact toolkit and the Compact dashboard through the app
(AppTest): plan and save, record responses and feedback, bad input refused, the dashboard's
figures and the standards' sources on the page."""

from __future__ import annotations

import datetime as dt

from models import compact, consultations, policy, store
from tests.pages.conftest import metrics, run_page

ACTOR = policy.local_actor("Page test")


def _button(app, label: str):
    return next(b for b in app.button if b.label == label)


def _log_one(db_path, **changes) -> int:
    form = {"subject": "Day opportunities", "department": "Adult Social Care", "start_date": "2026-01-05",
            "end_date": "2026-04-10", "method": "Online", "took_part_orgs": ["DEMO-0001"]}
    with store.opened(db_path) as db:
        return consultations.create(db, {**form, **changes}, actor=ACTOR)


def test_toolkit_plans_and_saves_a_consultation(db_path):
    app = run_page("consultation_toolkit.py", {"toolkit.district": "Crewe and Nantwich"})
    assert not app.exception
    timeline = app.table[0].value if len(app.table) else None  # a plain table (four rows)
    assert timeline is not None and list(timeline["Step"])[:2] == ["Give early notice to the sector", "Consultation opens"]
    app.text_input(key="toolkit.subject").input("Youth clubs in Crewe")
    app.text_input(key="toolkit.department").input("Children's Services")
    invite = app.multiselect(key="toolkit.invite")
    first_org = invite.options[0]
    invite.select(first_org)
    app.text_area(key="toolkit.groups").input("Young carers' group at the library")
    app.text_input(key="auth.name").input("Page test")
    app.run()
    app.button(key="toolkit.save").click()
    app.run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    assert any("Saved 'Youth clubs in Crewe' as planned consultation 1" in s.value for s in app.success)
    with store.opened(db_path) as db:
        record = consultations.get(db, 1)
    assert record["planned_with_toolkit"] == 1
    assert record["invited_groups"] == ["Young carers' group at the library"]
    assert len(record["invited_orgs"]) == 1
    expected = compact.plan_timeline(dt.date.today()).set_index("Step")["Date"]
    assert (record["start_date"], record["end_date"]) == (expected["Consultation opens"], expected["Consultation closes"])


def test_toolkit_refuses_a_plan_without_a_subject(db_path):
    app = run_page("consultation_toolkit.py")
    app.text_input(key="auth.name").input("Page test")
    app.button(key="toolkit.save").click()
    app.run()
    assert any("Subject: enter it" in e.value for e in app.error)
    with store.opened(db_path) as db:
        assert db["consultations"].count == 0


def test_log_records_responses_and_feedback(db_path):
    cid = _log_one(db_path)
    app = run_page("consultations.py", {"consultation": str(cid)})
    assert not app.exception
    assert metrics(app)["Status"] == consultations.FEEDBACK_DUE
    prefix = f"consultations.edit.{cid}"
    app.text_input(key="auth.name").input("Page test")
    app.text_input(key=f"{prefix}.responses").input("23")
    app.text_input(key=f"{prefix}.feedback_published_on").input("01/05/2026")
    app.text_area(key=f"{prefix}.feedback_text").input("You said: evening sessions. We did: added two.")
    _button(app, "Save changes").click()
    app.run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    assert any(f"Saved consultation {cid} (now version 2)" in s.value for s in app.success)
    assert metrics(app)["Responses"] == "23"
    assert metrics(app)["Status"] == consultations.CLOSED


def test_log_refuses_feedback_before_the_end_and_changes_nothing(db_path):
    cid = _log_one(db_path)
    app = run_page("consultations.py", {"consultation": str(cid)})
    prefix = f"consultations.edit.{cid}"
    app.text_input(key="auth.name").input("Page test")
    app.text_input(key=f"{prefix}.feedback_published_on").input("01/04/2026")
    app.text_area(key=f"{prefix}.feedback_text").input("Too early")
    _button(app, "Save changes").click()
    app.run()
    assert any("is before the consultation ends (10 April 2026)" in e.value for e in app.error)
    with store.opened(db_path) as db:
        assert consultations.get(db, cid)["version"] == 1


def test_log_refuses_an_end_before_the_start(db_path):
    app = run_page("consultations.py")
    prefix = "consultations.new"
    app.text_input(key="auth.name").input("Page test")
    app.text_input(key=f"{prefix}.subject").input("Libraries")
    app.text_input(key=f"{prefix}.department").input("Communities")
    app.text_input(key=f"{prefix}.start_date").input("02/03/2026")
    app.text_input(key=f"{prefix}.end_date").input("01/03/2026")
    _button(app, "Save the consultation").click()
    app.run()
    assert any("is before the start date 2 March 2026" in e.value for e in app.error)
    with store.opened(db_path) as db:
        assert db["consultations"].count == 0


def test_compact_dashboard_measures_the_log_and_states_rules_and_sources(db_path):
    _log_one(db_path)  # 68 working days: meets the 12 weeks; feedback not published, now late
    _log_one(db_path, subject="Short one", department="Children's Services", start_date="2026-02-09",
             end_date="2026-05-01", shorter_reason="Funder's deadline")
    app = run_page("compact.py")
    assert not app.exception
    shown = metrics(app)
    assert shown["Consultation length"] == "50.0%"
    assert shown["Feedback published"] == "0.0%"
    assert shown["Providers consulted before a tender notice"] == "No records"
    texts = " ".join(t.value for t in app.text)
    assert "commitment 2.4" in texts and "Consultation Principles (2018)" in texts and "well in advance" in texts
    assert any("Consultation length: 12 weeks (principle P2)" == e.label for e in app.expander)


def test_compact_dashboard_draws_the_chosen_tab_and_the_funding_form_once_opened(db_path):
    """Only the chosen tab (kept in the address) and an opened 'Enter funding' are drawn;
    funding entered there is saved and listed."""
    _log_one(db_path)
    app = run_page("compact.py")
    assert not app.exception, app.exception
    assert app.multiselect(key="compact.department") is not None
    assert "Beside the self-assessment made in the same financial year" not in " ".join(m.value for m in app.markdown)
    app.query_params["compact.tab"] = "Over time"
    app.run()
    assert "Beside the self-assessment made in the same financial year" in " ".join(m.value for m in app.markdown)
    assert not [w for w in app.text_input if w.key == "compact.funding.provider"]
    app.session_state["compact.funding_open"] = True
    app.run()
    app.text_input(key="auth.name").input("Sam Patel")
    app.text_input(key="compact.funding.provider").input("Crewe Carers")
    app.text_input(key="compact.funding.department").input("Adult Social Care")
    app.date_input(key="compact.funding.start").set_value(dt.date(2026, 4, 1))
    app.date_input(key="compact.funding.end").set_value(dt.date(2027, 3, 31))
    app.text_input(key="compact.funding.value").input("12,000")
    app.button(key="FormSubmitter:compact.funding_form-Save funding").click()
    app.run()
    assert not app.exception, app.exception
    with store.opened(db_path) as db:
        assert [(r["provider"], r["value_pence"]) for r in db.query("SELECT provider, value_pence FROM compact_funding")] == [
            ("Crewe Carers", 1_200_000)]
