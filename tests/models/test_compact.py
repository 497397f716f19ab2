"""The Compact checks' rules, with dates worked by hand on a calendar.

Bank holidays used here (England and Wales, from the holidays library in the code):
Good Friday 3 April 2026, Easter Monday 6 April 2026, early May 4 May 2026;
Christmas Day Friday 25 December 2026, Boxing Day (Saturday) observed Monday 28 December
2026, New Year's Day Friday 1 January 2027. The standards are the shipped table's:
12 weeks = 60 working days (consultation and feedback), 4 weeks = 20 working days
(providers before a tender notice), 3 calendar months' notice."""

from __future__ import annotations

import datetime as dt

import pytest

from models import compact, working_days
from models.errors import DomainError

D = dt.date


@pytest.fixture(scope="module")
def standards():
    return compact.load_standards()


def test_bank_holidays_used_are_the_ones_worked_by_hand():
    for day in (D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 12, 25), D(2026, 12, 28), D(2027, 1, 1)):
        assert not working_days.is_working_day(day), day


def test_standards_table_has_every_check_with_a_citation(standards):
    assert list(standards) == list(compact.CHECK_ORDER)
    assert standards["consultation_period"].label == "12 weeks"
    assert standards["consultation_period"].working_days == 60
    assert "2.4" in standards["consultation_period"].source
    assert "well in advance" in standards["providers_before_tender"].source
    assert standards["funding_notice"].label == "3 months"
    assert standards["multi_year_share"].label == "no target set"


def test_twelve_calendar_weeks_over_easter_fall_two_days_short(standards):
    # Mon 9 Feb to Fri 1 May 2026 is 12 weeks: 60 weekdays less Good Friday and Easter Monday.
    length = compact.consultation_length(D(2026, 2, 9), D(2026, 5, 1), standards)
    assert length["calendar_days"] == 82
    assert length["working_days"] == 58
    assert not length["meets"]
    assert compact.length_status(length, "") == ("Shorter, no reason recorded", False)
    assert compact.length_status(length, "Budget deadline") == ("Shorter, reason recorded", False)


def test_the_sixtieth_working_day_from_9_february_2026_is_6_may(standards):
    # Fri 1 May is the 58th; Mon 4 May is a bank holiday; Tue 5 May the 59th; Wed 6 May the 60th.
    assert compact.consultation_length(D(2026, 2, 9), D(2026, 5, 5), standards)["working_days"] == 59
    assert not compact.consultation_length(D(2026, 2, 9), D(2026, 5, 5), standards)["meets"]
    assert compact.consultation_length(D(2026, 2, 9), D(2026, 5, 6), standards)["meets"]
    assert working_days.working_days_beginning_with(D(2026, 2, 9), 60) == D(2026, 5, 6)


def test_feedback_deadline_over_christmas_is_17_march_2027(standards):
    # Closes Fri 18 Dec 2026. Working days after it: 21-24 Dec (4), 29-31 Dec (7), then
    # full weeks from 4 Jan to 8 Mar 2027 (10 weeks: 57), Mon 15 (58), Tue 16 (59), Wed 17 Mar (60).
    end = D(2026, 12, 18)
    assert compact.feedback_deadline(end, standards) == D(2027, 3, 17)
    assert compact.feedback_status(end, D(2027, 3, 17), D(2027, 4, 1), standards) == (
        "Published 60 working days after closing", True, 60)
    status, meets, taken = compact.feedback_status(end, D(2027, 3, 18), D(2027, 4, 1), standards)
    assert (meets, taken) == (False, 61)
    assert status.startswith("Published late")


def test_unpublished_feedback_is_not_yet_due_then_late(standards):
    end = D(2026, 12, 18)
    assert compact.feedback_status(end, None, D(2026, 12, 10), standards)[1] is None
    assert compact.feedback_status(end, None, D(2027, 3, 17), standards)[:2] == (
        "Not yet due (due by 17 March 2027)", None)
    assert compact.feedback_status(end, None, D(2027, 3, 18), standards)[:2] == (
        "Not published; was due by 17 March 2027", False)


def test_providers_consulted_four_working_weeks_before_notice_over_easter(standards):
    # Closed Fri 6 Mar 2026, notice Tue 7 Apr: weeks of 9, 16, 23 Mar (15), Mon 30 Mar to
    # Thu 2 Apr (19), Good Friday and Easter Monday skipped, Tue 7 Apr (20): just meets.
    assert compact.provider_lead(D(2026, 3, 6), D(2026, 4, 7), standards) == (20, True)
    # Closed Mon 9 Mar: one working day fewer.
    assert compact.provider_lead(D(2026, 3, 9), D(2026, 4, 7), standards) == (19, False)


def test_three_months_notice_is_counted_in_calendar_months(standards):
    assert compact.notice_deadline(D(2026, 6, 1), standards) == D(2026, 3, 1)
    # 31 May less three months: there is no 31 February, so the last day of February.
    assert compact.notice_deadline(D(2026, 5, 31), standards) == D(2026, 2, 28)
    assert compact.notice_status(D(2026, 5, 31), D(2026, 2, 28), D(2026, 6, 1), standards)[1] is True
    assert compact.notice_status(D(2026, 5, 31), D(2026, 3, 1), D(2026, 6, 1), standards)[1] is False
    assert compact.notice_status(D(2026, 5, 31), None, D(2026, 2, 1), standards)[1] is None
    assert compact.notice_status(D(2026, 5, 31), None, D(2026, 3, 2), standards) == (
        "No notice recorded; it was due by 28 February 2026", False)


def test_multi_year_means_longer_than_one_year():
    assert not compact.is_multi_year(D(2026, 4, 1), D(2027, 3, 31))
    assert compact.is_multi_year(D(2026, 4, 1), D(2027, 4, 1))
    assert compact.is_multi_year(D(2026, 4, 1), D(2029, 3, 31))


def test_a_standards_file_without_a_citation_is_refused(tmp_path):
    bad = tmp_path / "standards.csv"
    rows = compact.STANDARDS_FILE.read_text(encoding="utf-8").splitlines()
    header, first = rows[0], rows[1]
    bad.write_text("\n".join([header, first.replace("The Compact (Cabinet Office", "")[:0] + ",".join(
        ["consultation_period", "Consultation length", "12", "weeks", "P2", "rule", "", ""])] + rows[2:]) + "\n",
        encoding="utf-8")
    with pytest.raises(DomainError, match="row 2, column 'source'"):
        compact.load_standards(bad)


def test_a_standards_file_with_a_bad_period_is_refused(tmp_path):
    bad = tmp_path / "standards.csv"
    text = compact.STANDARDS_FILE.read_text(encoding="utf-8").replace(
        "consultation_period,Consultation length,12,", "consultation_period,Consultation length,twelve,")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DomainError, match="column 'value': 'twelve' is not a number"):
        compact.load_standards(bad)


def test_toolkit_timeline_from_1_december_2026_worked_by_hand(standards):
    # Ten working days after Tue 1 Dec 2026: 2-4 Dec (3), 7-11 (8), 14 (9), Tue 15 Dec (10).
    # The 60th working day beginning with 15 Dec: 15-18 (4), 21-24 (8), 29-31 Dec (11; 25 and
    # 28 Dec holidays), 4-8 Jan (16), eight full weeks to 5 Mar (56), 8-11 Mar: Thu 11 Mar 2027.
    # Tender notice 20 working days later: 12 Mar (1), 15-19 (6), 22-25 (10; Good Friday
    # 26 Mar and Easter Monday 29 Mar 2027 skipped), 30 Mar-2 Apr (14), 5-9 Apr (19), Mon 12 Apr.
    timeline = compact.plan_timeline(D(2026, 12, 1), standards=standards).set_index("Step")["Date"]
    assert timeline["Consultation opens"] == "2026-12-15"
    assert timeline["Consultation closes"] == "2027-03-11"
    assert timeline["Earliest tender notice"] == "2027-04-12"


def test_feedback_template_names_the_deadline(standards):
    text = compact.feedback_template("Youth clubs", D(2026, 12, 18), standards)
    assert "Feedback to publish by 17 March 2027" in text
    assert "YOU SAID" in text and "WE DID" in text


def test_agreements_are_read_from_the_agreements_feature(db):
    """Agreements (issue 16) become funding rows; a row entered here naming an agreement's
    reference adds its notice date and is not counted twice."""
    from models import agreements, policy, scenarios

    officer = policy.local_actor("Test")
    # A costing whose full cost is £10,000 (£8,000 direct, £2,000 overhead), as in test_agreements.
    scenarios.save(db, "cost_recovery", "Day centre costing", {
        "projects": [{"name": "Day centre", "direct_costs": [{"category": "Staff", "amount": 8000, "kind": "pay"}],
                      "drivers": {"headcount": 1}}],
        "overheads": [{"name": "Office", "amount": 2000, "driver": "headcount", "kind": "non_pay"}]})
    common = {"type": "grant", "body": "Cheshire East Council", "award_route": "grant_round", "start": "2026-04-01"}
    agreements.create(db, {**common, "title": "Day centre", "provider": "DEMO-0001", "department": "Adult Social Care",
                           "end": "2028-03-31", "values": {"2026/27": 15_000, "2027/28": 15_000},
                           "costing": {"name": "Day centre costing", "project": "Day centre"}}, actor=officer)
    youth = agreements.create(db, {**common, "title": "Youth club", "provider": "DEMO-0002",
                                   "department": "Children's Services", "end": "2027-03-31",
                                   "values": {"2026/27": 10_000}}, actor=officer)
    reference = agreements.get(db, youth)["reference"]
    compact.save_funding(db, {"provider": "Youth club", "department": "Children's Services", "start_date": "2026-04-01",
                              "end_date": "2027-03-31", "value": "10000", "change": "ends",
                              "notice_given_on": "2026-12-31", "change_on": "2027-03-31", "agreement_ref": reference},
                         actor=officer)
    rows = compact.funding_rows(db)
    assert len(rows) == 2 and set(rows["source"]) == {"Agreement"}
    assert rows.set_index("ref").loc[reference, "notice_given_on"] == "2026-12-31"
    overall = compact.overall(compact.assess(db, today=D(2026, 12, 1))).set_index("Check")
    # £30,000 over two years, paying 150% of its costing's first-year full cost: multi-year and
    # at full cost; £10,000 for one year with no costing linked: neither. 30 / 40 = 75%.
    assert overall.loc["Share of funding in multi-year agreements", "% met"] == 75.0
    assert overall.loc["Share of funding at full cost", "% met"] == 75.0
    # The youth club ends 31 Mar 2027: notice due by 31 Dec 2026, given then (met); the day
    # centre ends 31 Mar 2028: notice not yet due.
    assert overall.loc["Notice before funding ends or is cut", ["Judged", "Met", "Not yet due"]].tolist() == [1, 1, 1]
