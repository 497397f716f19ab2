"""Checks on what people type into forms and grids and what files hold: the one rule for
reading a number or an amount of money, used by every engine and importer.

The rule (``parse_number``):

* a JSON or spreadsheet number (int, float, Decimal) is taken as it is; ``True``/``False``,
  NaN and infinity are not numbers;
* text may carry a leading ``£``, thousands commas and spaces: ``"£1,200"`` and
  ``" 1 200 "`` are 1200;
* accounting brackets mean minus: ``"(1,200)"`` and ``"(£1,200.50)"`` are -1200 and
  -1200.50, as are ``"-1,200"`` and a trailing credit mark, ``"1,200 CR"``;
* empty text (or ``None``) is missing, and anything else is not a number.

Whether a minus, a fraction or zero is allowed is each field's own rule, checked after this.

A file a person uploads (a proxy table, a saved scenario) is read as text by ``uploaded_text``:
one size limit and one encoding rule (UTF-8, a byte-order mark dropped).
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import DomainError


class Missing(ValueError):
    """No value was given (``None`` or empty text)."""


def parse_number(value: Any) -> Decimal:
    """``value`` as an exact Decimal by the rule above. Raises ``Missing`` for no value and
    ``ValueError`` for one that is not a number."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Missing("no value given")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int):
        return Decimal(value)
    text = str(value).strip()
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    text = text.replace("£", "").replace(",", "").replace(" ", "")
    if text[-2:].upper() == "CR":
        negative, text = True, text[:-2]
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a number")
    return -number if negative else number


def exact_number(value: Any, where: str, problems: list[str]) -> Decimal | None:
    """``parse_number``, or None after adding a problem that names ``where`` (the record and
    field, e.g. "Project 'Youth club': direct costs") and says what to do."""
    try:
        return parse_number(value)
    except Missing:
        problems.append(f"{where}: missing; give a number")
    except ValueError:
        problems.append(f"{where}: {value!r} is not a number")
    return None


def number(value: Any, where: str, problems: list[str]) -> float | None:
    """``exact_number`` as a float, for engines that work in floats (tender, SROI)."""
    exact = exact_number(value, where, problems)
    return None if exact is None else float(exact)


def uploaded_text(data: bytes | str, source: str, *, max_bytes: int | None, too_large: str, not_text: str,
                  error: type[DomainError] = DomainError) -> str:
    """An uploaded file's text. Text passes through; bytes over ``max_bytes`` (None: no limit)
    or not UTF-8 raise ``error`` naming ``source`` and saying what to do (``too_large`` and
    ``not_text`` finish the sentence). A UTF-8 byte-order mark, as spreadsheets write, is dropped."""
    if isinstance(data, str):
        return data
    if max_bytes is not None and len(data) > max_bytes:
        raise error(f"{source}: the file is larger than {max_bytes // 1_000_000} MB; {too_large}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{source}: the file is not UTF-8 text; {not_text}") from None
