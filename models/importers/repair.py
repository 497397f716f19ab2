"""Repairs a person would make without asking, because the value has only one sensible
reading (the 360Giving Data Quality Tool's model): UK-style dates, dates with a stray
time, Excel serial dates, 'Y'/'N' in yes/no fields, web addresses without a scheme,
'£1,234.56' and '(1,234.56)' amounts, '12 months' in a number of months.

Each function takes the cell's text and returns the repaired text, or None when the text
needs no repair or cannot be understood (then the schema's check decides). The importers
report every repair as a warning naming the file, row, column, before and after; the
standard's rules still judge what is stored, after repair."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

# Dates outside this range are mistakes (9999-12-31 is a "no end" placeholder, 1900-01-00
# an empty Excel cell), not grants or payments.
EARLIEST_YEAR = 1900
LATEST_YEARS_AHEAD = 10

UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
SLASHED_ISO = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
NAMED_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s-]+([A-Za-z]{3,9})\.?[\s,-]+(\d{4}|\d{2})$")
STRAY_TIME = re.compile(
    r"^(?P<date>[^\sT]+)(?:[\sT]+(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?P<zone>Z|[+-]\d{2}:?\d{2}|[AaPp][Mm])?)$"
)
EXCEL_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)
YES = {"y", "yes", "true", "t", "1"}
NO = {"n", "no", "false", "f", "0"}
AMOUNT = re.compile(r"^\(?\s*-?\s*£?\s*-?\s*[\d,]*\.?\d+\s*\)?$")
THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+(\.\d+)?$")
DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(months?|mths?|mos?|years?|yrs?)\.?$", re.IGNORECASE)
HOST = re.compile(r"^(www\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(/\S*)?$")


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _two_digit_year(year: int) -> int:
    return year + (2000 if year < 70 else 1900) if year < 100 else year


def parse_day(text: str, *, month_first: bool = False) -> dt.date | None:
    """The day a cell names, read as a UK officer would: ISO '2014-03-17', UK '17/03/2014'
    or '17-03-14', '26-May-11', '3 February 2005', an Excel serial number (41715), each with
    or without a time. None when it is not a whole date (a month, a period, nonsense).
    ``month_first`` reads '11/17/2009' as 17 November (a file written US style, see
    ``numeric_date_order``)."""
    text = str(text or "").strip()
    if not text:
        return None
    timed = STRAY_TIME.match(text)
    if timed:
        text = timed.group("date")
    iso = ISO_DATE.match(text) or SLASHED_ISO.match(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        return _date(year, month, day)
    uk = UK_DATE.match(text)
    if uk:
        day, month, year = (int(g) for g in uk.groups())
        if month_first:
            day, month = month, day
        return _date(_two_digit_year(year), month, day)
    named = NAMED_MONTH.match(text)
    if named:
        day, month_name, year = named.groups()
        for shape in ("%b", "%B"):
            try:
                month = dt.datetime.strptime(month_name[:3] if shape == "%b" else month_name, shape).month
                return _date(_two_digit_year(int(year)), month, int(day))
            except ValueError:
                continue
        return None
    if EXCEL_SERIAL.match(text):
        serial = float(text)
        if 20000 <= serial <= 80000:  # 1954 to 2119: a date, not an amount or a code
            return EXCEL_EPOCH + dt.timedelta(days=int(serial))
    return None


MONTH_ONLY = re.compile(r"^(?:([A-Za-z]{3,9})\.?[\s-]+(\d{4}|\d{2})|(\d{1,2})[/.-](\d{4})|(\d{4})-(\d{1,2}))$")


def month_only(text: str) -> bool:
    """True for a month without a day ('Sep 2014', 'September 2014', '08/2013',
    '2013-08'): not a date, and no day can be chosen for it."""
    found = MONTH_ONLY.match(str(text or "").strip())
    if found is None:
        return False
    name, _year, month, _y2, _y3, iso_month = found.groups()
    if name:
        return any(_month_named(name, shape) for shape in ("%b", "%B"))
    return 1 <= int(month or iso_month) <= 12


PERIOD = re.compile(r"^(.+?)\s*(?:-|–|to)\s*(.+)$", re.IGNORECASE)


def period(text: str) -> bool:
    """True for a span of months ('July 2010-September 2010', 'Apr 2019 to Jun 2019'):
    a period, not a day."""
    found = PERIOD.match(str(text or "").strip())
    return found is not None and month_only(found.group(1)) and month_only(found.group(2))


def parse_month(text: str) -> tuple[int, int] | None:
    """(year, month) for a month without a day ('Sep 2014', 'September 2014', 'Sep-14',
    '08/2013', '2013-08'), else None."""
    found = MONTH_ONLY.match(str(text or "").strip())
    if found is None:
        return None
    name, year, month, year2, year3, iso_month = found.groups()
    if name:
        for shape in ("%b", "%B"):
            if _month_named(name, shape):
                number = dt.datetime.strptime(name[:3] if shape == "%b" else name, shape).month
                return _two_digit_year(int(year)), number
        return None
    number = int(month or iso_month)
    return (int(year2 or year3), number) if 1 <= number <= 12 else None


def parse_period(text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """((year, month), (year, month)) for a span of whole months ('July 2010-September
    2010'), first to last, else None (also when the last comes before the first)."""
    found = PERIOD.match(str(text or "").strip())
    if found is None:
        return None
    first, last = parse_month(found.group(1)), parse_month(found.group(2))
    return (first, last) if first and last and first <= last else None


def month_text(year: int, month: int) -> str:
    """A month as stored when a payment names its month but not its day: ISO 8601's
    reduced precision, '2014-09' (never a made-up day such as 2014-09-01)."""
    return f"{year:04d}-{month:02d}"


def period_text(first: tuple[int, int], last: tuple[int, int]) -> str:
    """A span of months as stored: an ISO 8601 interval of months, '2010-07/2010-09'."""
    return f"{month_text(*first)}/{month_text(*last)}"


NAMED_MONTH_YEAR = re.compile(r"(?<![A-Za-z])([A-Za-z]{3,9})[\s_.-]*((?:19|20)\d{2})(?!\d)")
ISO_MONTH_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_](\d{2})(?![-_]?\d)")


def month_in_name(name: str) -> tuple[int, int] | None:
    """The one month a file's name gives ('Tameside September 2014.csv', 'spend_2014-09.csv'),
    else None (no month, or more than one)."""
    stem = str(name or "").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    found = {parse_month(f"{m} {y}") for m, y in NAMED_MONTH_YEAR.findall(stem)}
    found |= {(int(y), int(m)) for y, m in ISO_MONTH_IN_NAME.findall(stem) if 1 <= int(m) <= 12}
    found.discard(None)
    return found.pop() if len(found) == 1 else None


def month_words(year: int, month: int) -> str:
    """'September 2014'."""
    return f"{dt.date(year, month, 1):%B %Y}"


def _month_named(name: str, shape: str) -> bool:
    try:
        dt.datetime.strptime(name[:3] if shape == "%b" else name, shape)
    except ValueError:
        return False
    return True


def numeric_date_order(texts) -> str | None:
    """'month first' when some of these dates can only be read month first ('11/17/2009')
    and none only day first ('17/11/2009'): a file written US style, where '10/7/2009' is
    then 7 October too; else None (read day first, as a UK officer would)."""
    day_first = month_first = 0
    for text in texts:
        timed = STRAY_TIME.match(str(text or "").strip())
        found = UK_DATE.match(timed.group("date") if timed else str(text or "").strip())
        if not found:
            continue
        first, second = int(found.group(1)), int(found.group(2))
        if first > 12 >= second >= 1:
            day_first += 1
        elif second > 12 >= first >= 1 and second <= 31:
            month_first += 1
    return "month first" if month_first and not day_first else None


def date_problem(day: dt.date, today: dt.date | None = None) -> str | None:
    """Why a date cannot be a real grant's or payment's date, or None."""
    today = today or dt.date.today()
    if day.year < EARLIEST_YEAR:
        return f"{day.isoformat()} is before {EARLIEST_YEAR}: check the date"
    if day.year > today.year + LATEST_YEARS_AHEAD:
        return f"{day.isoformat()} is more than {LATEST_YEARS_AHEAD} years ahead (a placeholder such as 9999-12-31?): give the real date"
    return None


def repair_date(text: str) -> str | None:
    """'YYYY-MM-DD' for a date written another way (or with a time of midnight), else None.
    A real time of day is kept as an RFC 3339 date-time by ``repair_date_time``."""
    text = str(text or "").strip()
    day = parse_day(text)
    if day is None:
        return None
    timed = STRAY_TIME.match(text)
    if timed and not re.fullmatch(r"0{1,2}:00(:00(\.0+)?)?", timed.group("time") or "") and timed.group("zone") is None:
        return None  # a real time: leave it for the date-time rule
    repaired = day.isoformat()
    return repaired if repaired != text else None


def repair_date_time(text: str) -> str | None:
    """An RFC 3339 date-time for a date (midnight, UTC) or a date with a plain time."""
    text = str(text or "").strip()
    day = parse_day(text)
    if day is None:
        return None
    timed = STRAY_TIME.match(text)
    clock = (timed.group("time") if timed else None) or "00:00:00"
    if timed and timed.group("zone") and timed.group("zone") not in ("Z",) and not re.match(r"[+-]", timed.group("zone")):
        return None  # am/pm: leave to a person
    parts = clock.split(":")
    clock = ":".join(p.zfill(2) for p in (parts + ["00"])[:3])
    zone = (timed.group("zone") if timed else None) or "Z"
    repaired = f"{day.isoformat()}T{clock}{zone}"
    return repaired if repaired != text else None


def repair_yes_no(text: str) -> str | None:
    """'Yes' or 'No' for Y/N, TRUE/FALSE, 1/0 in a yes/no field."""
    key = str(text or "").strip().lower()
    if key in YES:
        repaired = "Yes"
    elif key in NO:
        repaired = "No"
    else:
        return None
    return repaired if repaired != text else None


def repair_uri(text: str) -> str | None:
    """'http://' + a web address written without a scheme ('www.example.org')."""
    text = str(text or "").strip()
    if not text or ":" in text.split("/")[0].split(".")[0] or text.startswith(("http://", "https://")):
        return None
    if HOST.match(text) and " " not in text:
        return "http://" + text
    return None


def repair_amount(text: str) -> str | None:
    """A plain number for '£1,234.56', '1,234.56', '(1,234.56)', '1234.56 CR' or '1,234.56-'."""
    raw = str(text or "").strip()
    if not raw:
        return None
    negative = False
    body = raw
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip()
    if body.upper().endswith("CR"):
        negative, body = True, body[:-2].strip()
    if body.endswith("-") and not body.startswith("-"):  # '161,413.00-': a ledger's credit
        negative, body = True, body[:-1].strip()
    body = body.replace("£", "").replace(" ", "")
    if body.startswith("-"):
        negative, body = True, body[1:]
    if not THOUSANDS.match(body):
        return None
    try:
        value = Decimal(body.replace(",", ""))
    except InvalidOperation:
        return None
    repaired = format(-value if negative else value, "f")
    return repaired if repaired != raw else None


def repair_months(text: str) -> str | None:
    """A number of months for '12 months', '18 mths', '1 year', '2 years'."""
    match = DURATION.match(str(text or "").strip())
    if not match:
        return None
    number, unit = Decimal(match.group(1)), match.group(2).lower()
    months = number * 12 if unit.startswith(("y",)) else number
    return format(months.normalize(), "f")


def repair_number(text: str, *, months: bool = False) -> str | None:
    """An amount repair, or (in a number-of-months field) a duration repair."""
    return repair_amount(text) or (repair_months(text) if months else None)
