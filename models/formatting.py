"""How money, percentages and dates are written for people in England.

Used by the command line and, through ui/, by the pages, so both say the same thing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo
from decimal import ROUND_HALF_UP, Decimal

from .checks import parse_number

PENCE_PER_POUND = 100


def pounds_to_pence(value: str | int | float | Decimal) -> int:
    """Pounds (a number, or text such as '£1,617,718.94' or '(250.00)', read by the one rule
    in ``models.checks.parse_number``) to integer pence, rounding half up. Raises ValueError
    for text that is not an amount."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value * PENCE_PER_POUND
    try:
        amount = parse_number(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an amount of money") from None
    return int((amount * PENCE_PER_POUND).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def pence_to_pounds(pence: int) -> Decimal:
    """Integer pence to an exact Decimal of pounds (two places)."""
    return (Decimal(int(pence)) / PENCE_PER_POUND).quantize(Decimal("0.01"))


def money(pence: int | None, *, whole_pounds: bool = False) -> str:
    """'£1,617,718.94' from pence; '-£5.00' for credits; '' for missing."""
    if pence is None:
        return ""
    pounds = pence_to_pounds(pence)
    sign = "-" if pounds < 0 else ""
    if whole_pounds:
        return f"{sign}£{abs(pounds):,.0f}"
    return f"{sign}£{abs(pounds):,.2f}"


def money_short(pence: int | None) -> str:
    """A short label for a chart bar: '£145', '£70.4k', '£1.62m' (3 significant figures
    above £1,000); '' for missing. Tables keep the exact amount."""
    if pence is None:
        return ""
    pounds = abs(int(pence)) / 100
    sign = "-" if pence < 0 else ""
    for size, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if pounds >= size:
            scaled = pounds / size
            places = 2 if scaled < 10 else 1 if scaled < 100 else 0
            return f"{sign}£{scaled:,.{places}f}{suffix}"
    return f"{sign}£{pounds:,.0f}"


def money_from_pounds(pounds: float | Decimal | None, *, whole_pounds: bool = False) -> str:
    """'£1,234.56' from an amount in pounds (engines that work in pounds use this)."""
    if pounds is None:
        return ""
    return money(pounds_to_pence(Decimal(str(pounds))), whole_pounds=whole_pounds)


def percent(fraction: float | None, places: int = 1) -> str:
    """'12.5%' from 0.125; '' for missing."""
    if fraction is None:
        return ""
    return f"{fraction * 100:,.{places}f}%"


def uk_date(value: str | dt.date | dt.datetime | None) -> str:
    """'24 November 2026' from an ISO date or date-time; '' for missing."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day} {value:%B %Y}"


def uk_short_date(value: str | dt.date | dt.datetime | None) -> str:
    """'24/11/2026' from an ISO date or date-time; '' for missing."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value:%d/%m/%Y}"


LONDON = ZoneInfo("Europe/London")


def uk_stored_date(value: str | None) -> str:
    """A payment's date as stored, as people in England write it: a day '30/09/2014'; a month
    the file gave without a day ('2014-09', ISO 8601's reduced precision) 'September 2014'; a
    period of months ('2010-07/2010-09') 'July 2010 to September 2010'; '' for missing."""
    if value in (None, ""):
        return ""
    text = str(value)
    if "/" in text:
        return " to ".join(uk_stored_date(part) for part in text.split("/", 1))
    if len(text) == 7:
        return f"{dt.date.fromisoformat(text + '-01'):%B %Y}"
    return uk_short_date(text)


def uk_datetime(value: str | None) -> str:
    """'24/11/2026 22:08' in Europe/London time (GMT or BST) from an ISO date-time as
    stored (UTC; a time without a zone is taken as UTC); '' for missing."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return f"{moment.astimezone(LONDON):%d/%m/%Y %H:%M}"


def count_of(number: int, singular: str, plural: str | None = None) -> str:
    """'1 administering authority', '3 administering authorities', '1,204 grants'."""
    word = singular if number == 1 else (plural or singular + "s")
    return f"{number:,} {word}"


def financial_year_of(day: dt.date) -> str:
    """The UK public-sector financial year (April to March) a date falls in: '2008/09'."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"
