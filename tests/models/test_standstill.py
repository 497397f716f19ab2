"""The standstill rule (Procurement Act 2023 s.51): eight working days beginning with the day
the contract award notice is published, bank holidays in any part of the United Kingdom
skipped (the cautious reading: never a day too early). Every expected date below was counted
by hand on a calendar; the count is written beside it."""

from __future__ import annotations

import datetime as dt

import pytest

from models.errors import DomainError
from models.standstill import check_contract_entry, standstill

D = dt.date


@pytest.mark.parametrize("published, ends, counted", [
    # An ordinary fortnight: Mon 2 Nov 2026 (1) .. Fri 6 (5), Mon 9 (6), Tue 10 (7), Wed 11 (8).
    (D(2026, 11, 2), D(2026, 11, 11), "no holidays"),
    # Published on a Saturday: the day does not count. Mon 7 Dec (1) .. Fri 11 (5),
    # Mon 14 (6), Tue 15 (7), Wed 16 (8).
    (D(2026, 12, 5), D(2026, 12, 16), "weekend publication"),
    # Christmas 2026: Mon 21 (1), Tue 22 (2), Wed 23 (3), Thu 24 (4); Fri 25 Christmas Day;
    # Sat 26, Sun 27; Mon 28 Boxing Day (substitute); Tue 29 (5), Wed 30 (6), Thu 31 (7);
    # Fri 1 Jan New Year's Day; Sat 2, Sun 3; Mon 4 Jan Scotland's 2 January holiday
    # (substitute); Tue 5 Jan 2027 (8). In England and Wales alone it would be Mon 4 Jan.
    (D(2026, 12, 21), D(2027, 1, 5), "Christmas 2026"),
    # Christmas 2027: Christmas Day and Boxing Day fall at the weekend, so Mon 27 and Tue 28 are
    # the substitute days; New Year's Day (Sat 1 Jan 2028) moves to Mon 3 Jan, and Scotland's
    # 2 January (a Sunday) to Tue 4 Jan. Wed 22 (1), Thu 23 (2), Fri 24 (3), Wed 29 (4),
    # Thu 30 (5), Fri 31 (6), Wed 5 Jan (7), Thu 6 Jan 2028 (8).
    (D(2027, 12, 22), D(2028, 1, 6), "Christmas 2027 with substitute days"),
    # St Andrew's Day (Scotland), Mon 30 Nov 2026: Fri 27 Nov (1); Tue 1 Dec (2) .. Fri 4 (5);
    # Mon 7 (6), Tue 8 (7), Wed 9 Dec (8).
    (D(2026, 11, 27), D(2026, 12, 9), "a Scottish bank holiday"),
    # Battle of the Boyne (Northern Ireland) on Sun 12 July 2026, kept on Mon 13: published
    # that day, Tue 14 (1) .. Fri 17 (4), Mon 20 (5) .. Thu 23 July (8).
    (D(2026, 7, 13), D(2026, 7, 23), "a Northern Irish bank holiday"),
    # Easter 2026: Thu 2 Apr (1); Good Friday 3; Sat 4, Sun 5; Easter Monday 6; Tue 7 (2),
    # Wed 8 (3), Thu 9 (4), Fri 10 (5), Mon 13 (6), Tue 14 (7), Wed 15 (8).
    (D(2026, 4, 2), D(2026, 4, 15), "Easter 2026"),
    # Easter 2027: Tue 23 Mar (1), Wed 24 (2), Thu 25 (3); Good Friday 26; Sat 27, Sun 28;
    # Easter Monday 29; Tue 30 (4), Wed 31 (5), Thu 1 Apr (6), Fri 2 (7), Mon 5 Apr (8).
    (D(2027, 3, 23), D(2027, 4, 5), "Easter 2027"),
    # Published on Good Friday 2027 itself: Tue 30 Mar (1) .. Fri 2 Apr (4), Mon 5 (5) .. Wed 7 (7), Thu 8 Apr (8).
    (D(2027, 3, 26), D(2027, 4, 8), "published on a bank holiday"),
])
def test_standstill_ends_on_the_eighth_working_day(published, ends, counted):
    period = standstill(published)
    assert period.ends == ends, counted
    assert len(period.working_days) == 8
    assert period.contract_from == ends + dt.timedelta(days=1)


def test_the_days_skipped_are_named():
    period = standstill(D(2026, 12, 21))
    skipped = dict(period.skipped)
    assert skipped[D(2026, 12, 25)] == "Christmas Day"
    assert skipped[D(2026, 12, 28)] == "Boxing Day (observed)"
    assert skipped[D(2027, 1, 1)] == "New Year's Day"
    assert skipped[D(2027, 1, 2)] == "New Year Holiday (Scotland)"  # a Saturday too
    assert skipped[D(2027, 1, 3)] == "Sunday"
    assert skipped[D(2027, 1, 4)] == "New Year Holiday (observed) (Scotland)"
    assert period.working_days[0] == D(2026, 12, 21) and period.working_days[-1] == D(2027, 1, 5)
    assert "Tuesday 5 January 2027" in period.summary and "from Wednesday 6 January 2027" in period.summary


def test_contract_entry_is_blocked_until_the_standstill_has_passed():
    published = D(2026, 12, 21)  # standstill ends at the end of Tue 5 Jan 2027
    with pytest.raises(DomainError, match="runs to the end of Tuesday 5 January 2027"):
        check_contract_entry(published, D(2027, 1, 5))
    with pytest.raises(DomainError, match="before the contract award notice"):
        check_contract_entry(published, D(2026, 12, 20))
    with pytest.raises(DomainError, match="publish the contract award notice first"):
        check_contract_entry(None, D(2027, 1, 6))
    assert check_contract_entry(published, D(2027, 1, 6)).ends == D(2027, 1, 5)
    assert not standstill(published).has_passed(D(2027, 1, 5))
    assert standstill(published).has_passed(D(2027, 1, 6))
