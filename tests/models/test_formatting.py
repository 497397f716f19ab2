"""Plural agreement and London time in what pages and the command line print."""

from models.formatting import count_of, uk_datetime


def test_count_of_agrees_in_number():
    assert count_of(1, "administering authority", "administering authorities") == "1 administering authority"
    assert count_of(3, "administering authority", "administering authorities") == "3 administering authorities"
    assert count_of(1204, "grant") == "1,204 grants"
    assert count_of(0, "grant") == "0 grants"


def test_times_are_shown_in_london_time():
    # Stored in UTC. 14:30 UTC in July is 15:30 British Summer Time; in January it is GMT.
    assert uk_datetime("2026-07-01T14:30:00+00:00") == "01/07/2026 15:30"
    assert uk_datetime("2026-01-15T14:30:00+00:00") == "15/01/2026 14:30"
    # The clocks go back at 02:00 BST on 25 October 2026 (01:00 UTC).
    assert uk_datetime("2026-10-25T00:30:00+00:00") == "25/10/2026 01:30"
    assert uk_datetime("2026-10-25T01:30:00+00:00") == "25/10/2026 01:30"
    assert uk_datetime("2026-10-25T00:30:00") == "25/10/2026 01:30"  # no zone: taken as UTC


def test_a_stored_payment_date_is_written_as_people_in_england_write_it():
    from models.formatting import uk_stored_date

    assert uk_stored_date("2014-09-30") == "30/09/2014"
    # a month the file gave without a day (Stockport's 'Sep 2014'), and a period of months
    assert uk_stored_date("2014-09") == "September 2014"
    assert uk_stored_date("2010-07/2010-09") == "July 2010 to September 2010"
    assert uk_stored_date(None) == "" and uk_stored_date("") == ""
