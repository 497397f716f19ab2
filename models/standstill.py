"""The standstill period before a contract is entered into (Procurement Act 2023, s.51).

The mandatory standstill period is eight working days beginning with the day the contract
award notice is published: the day of publication counts if it is a working day; weekends
and bank holidays in any part of the United Kingdom (``models.working_days.ANY_PART_OF_UK``,
from the ``holidays`` library) are skipped. That is the Act's UK-wide reading of a working
day as we read it, and the cautious one: a Scottish or Northern Irish bank holiday can only
make the period longer, never let a contract be entered into early. The contract must not be entered into before the period ends, so
the first day it may be entered into is the day after the eighth working day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import DomainError
from .formatting import uk_date
from .working_days import ANY_PART_OF_UK, bank_holiday_name, is_working_day, working_days_beginning_with

STANDSTILL_WORKING_DAYS = 8


@dataclass(frozen=True)
class Standstill:
    """One standstill period. ``ends`` is the eighth working day (the period runs to the
    end of that day); ``contract_from`` is the first day the contract may be entered into."""

    published: dt.date
    ends: dt.date
    working_days: tuple[dt.date, ...]
    skipped: tuple[tuple[dt.date, str], ...]  # (day, why it does not count) within the period

    @property
    def contract_from(self) -> dt.date:
        return self.ends + dt.timedelta(days=1)

    def has_passed(self, today: dt.date) -> bool:
        """True once the period is over on ``today`` (the day after its last day, or later)."""
        return today > self.ends

    @property
    def summary(self) -> str:
        """'Standstill: 8 working days from Monday 21 December 2026 (the notice's publication)
        to the end of Monday 4 January 2027; the contract may be entered into from
        Tuesday 5 January 2027.'"""
        return (
            f"Standstill: {STANDSTILL_WORKING_DAYS} working days beginning with {_day(self.published)} "
            f"(the day the contract award notice was published) and ending at the end of {_day(self.ends)}. "
            f"The contract may be entered into from {_day(self.contract_from)}."
        )


def _day(day: dt.date) -> str:
    return f"{day:%A} {uk_date(day)}"


def standstill(published: dt.date) -> Standstill:
    """The standstill period for a contract award notice published on ``published``."""
    if not isinstance(published, dt.date):
        raise DomainError(f"The contract award notice's publication date must be a date, not {published!r}")
    ends = working_days_beginning_with(published, STANDSTILL_WORKING_DAYS, ANY_PART_OF_UK)
    days = [published + dt.timedelta(days=n) for n in range((ends - published).days + 1)]
    return Standstill(
        published=published,
        ends=ends,
        working_days=tuple(d for d in days if is_working_day(d, ANY_PART_OF_UK)),
        skipped=tuple((d, bank_holiday_name(d, ANY_PART_OF_UK) or f"{d:%A}")
                      for d in days if not is_working_day(d, ANY_PART_OF_UK)),
    )


def check_contract_entry(published: dt.date | None, entered_on: dt.date) -> Standstill:
    """Refuse (DomainError) to record the contract as entered into on ``entered_on``
    unless a contract award notice was published and its standstill has passed."""
    if published is None:
        raise DomainError(
            "The contract cannot be entered into yet: publish the contract award notice first; "
            f"the standstill period of {STANDSTILL_WORKING_DAYS} working days starts the day it is published."
        )
    period = standstill(published)
    if entered_on < published:
        raise DomainError(
            f"The contract cannot be entered into on {uk_date(entered_on)}, before the contract award notice "
            f"was published ({uk_date(published)})."
        )
    if not period.has_passed(entered_on):
        raise DomainError(
            f"The contract cannot be entered into on {uk_date(entered_on)}: the standstill period runs to the end of "
            f"{_day(period.ends)}. It may be entered into from {_day(period.contract_from)}."
        )
    return period
