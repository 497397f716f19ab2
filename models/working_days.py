"""Working days in England and Wales: weekends and bank holidays skipped.

Bank holidays come from the ``holidays`` library (England's list, which England and Wales
share), including substitute days ("Boxing Day (observed)"), never from a hand-written list.
Used for the Procurement Act 2023 standstill period and the Compact's consultation periods.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=[year]).items())


def bank_holiday_name(day: dt.date) -> str | None:
    """The bank holiday's name if ``day`` is one in England and Wales, else None."""
    return _bank_holidays(day.year).get(day)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and bank_holiday_name(day) is None


def working_days_beginning_with(start: dt.date, count: int) -> dt.date:
    """The last of ``count`` working days counted *beginning with* ``start`` (the day
    itself counts if it is a working day): the rule the Procurement Act 2023 uses for
    standstill ("eight working days beginning with the day ... published")."""
    if count < 1:
        raise ValueError("count must be at least 1")
    day, seen = start, 0
    while True:
        if is_working_day(day):
            seen += 1
            if seen == count:
                return day
        day += dt.timedelta(days=1)


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The working day ``count`` working days *after* ``start`` (``start`` not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day, seen = start, 0
    while seen < count:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            seen += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days from ``start`` to ``end``, both included (0 if end is before start)."""
    if end < start:
        return 0
    return sum(1 for n in range((end - start).days + 1) if is_working_day(start + dt.timedelta(days=n)))
