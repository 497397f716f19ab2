"""Working days: weekends and bank holidays skipped.

Bank holidays come from the ``holidays`` library, including substitute days ("Boxing Day
(observed)"), never from a hand-written list. Two readings are offered:

* ``ENGLAND_AND_WALES`` (the default): England's list, which England and Wales share. Used for
  the Compact's consultation periods, which concern bodies in England.
* ``ANY_PART_OF_UK``: a day that is a bank holiday in any part of the United Kingdom
  (England and Wales, Scotland or Northern Ireland). Statutes that count "working days" for
  UK-wide regimes commonly define a working day this way; for the Procurement Act 2023
  standstill it is also the cautious reading, since it can only make the period longer, so a
  contract is never entered into a day too early (see docs/award.md).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

ENGLAND_AND_WALES = ("ENG",)
ANY_PART_OF_UK = ("ENG", "SCT", "NIR")
_REGION_NAMES = {"ENG": "England and Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}


@lru_cache(maxsize=128)
def _bank_holidays(year: int, regions: tuple[str, ...]) -> dict[dt.date, str]:
    """Day -> name for ``year``; a holiday only some regions keep is named with them."""
    by_day: dict[dt.date, dict[str, str]] = {}
    for region in regions:
        for day, name in holidays.country_holidays("GB", subdiv=region, years=[year]).items():
            by_day.setdefault(day, {})[region] = name
    named = {}
    for day, names in by_day.items():
        name = next(iter(dict.fromkeys(names.values())))
        if len(regions) > 1 and len(names) < len(regions):
            name += " (" + ", ".join(_REGION_NAMES[r] for r in names) + ")"
        named[day] = name
    return named


def bank_holiday_name(day: dt.date, regions: tuple[str, ...] = ENGLAND_AND_WALES) -> str | None:
    """The bank holiday's name if ``day`` is one in ``regions``, else None."""
    return _bank_holidays(day.year, regions).get(day)


def is_working_day(day: dt.date, regions: tuple[str, ...] = ENGLAND_AND_WALES) -> bool:
    """Monday to Friday and not a bank holiday in ``regions``."""
    return day.weekday() < 5 and bank_holiday_name(day, regions) is None


def working_days_beginning_with(start: dt.date, count: int, regions: tuple[str, ...] = ENGLAND_AND_WALES) -> dt.date:
    """The last of ``count`` working days counted *beginning with* ``start`` (the day
    itself counts if it is a working day): the rule the Procurement Act 2023 uses for
    standstill ("eight working days beginning with the day ... published")."""
    if count < 1:
        raise ValueError("count must be at least 1")
    day, seen = start, 0
    while True:
        if is_working_day(day, regions):
            seen += 1
            if seen == count:
                return day
        day += dt.timedelta(days=1)


def add_working_days(start: dt.date, count: int, regions: tuple[str, ...] = ENGLAND_AND_WALES) -> dt.date:
    """The working day ``count`` working days *after* ``start`` (``start`` not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day, seen = start, 0
    while seen < count:
        day += dt.timedelta(days=1)
        if is_working_day(day, regions):
            seen += 1
    return day


def working_days_between(start: dt.date, end: dt.date, regions: tuple[str, ...] = ENGLAND_AND_WALES) -> int:
    """Working days from ``start`` to ``end``, both included (0 if end is before start)."""
    if end < start:
        return 0
    return sum(1 for n in range((end - start).days + 1) if is_working_day(start + dt.timedelta(days=n), regions))
