"""The 360Giving Data Standard's rules (1.4.3, ``schemas/360-giving-schema.json``) as a flat
column sees them: each leaf field of a grant as a ``FieldRule`` (its type, enum, pattern,
format, minimum, and ``oneOf`` of a date pattern and a date-time as "either"), keyed by its
normalised column title, with the function that checks a cell against it and the one that
repairs what publishers commonly write another way; the fields every grant needs; and the
header score that tells a 360Giving file. Both of ``threesixtygiving``'s readers check
through them (the JSON path through jsonschema with the same ``format_checker``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from . import repair

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
DATE_PATTERN = re.compile(r"^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$")
# Stricter than the schema on purpose: '1e400' is a JSON number but no grant, and it would
# not fit the spend table's integer pence.
LARGEST_AMOUNT = 1e13
NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$")  # JSON number grammar
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
# Values a rule plainly accepts, matched a whole column at a time (pyarrow's compute, in
# C++): only the others go through the rule's own check, one distinct value at a time.
# A number: not negative, under 10^12 (so below LARGEST_AMOUNT); a date: a day that every
# month has.
PLAIN_NUMBER = r"(0|[1-9][0-9]{0,11})(\.[0-9]+)?"
PLAIN_DATE = r"[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|1[0-9]|2[0-8])"


@lru_cache(maxsize=1)
def grant_schema() -> dict:
    return json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text(encoding="utf-8"))


def is_uri(text: str) -> bool:
    """A web address or other URI: a scheme, a colon and no spaces."""
    return bool(URI.match(text))


def is_date_time(text: str) -> bool:
    """An RFC 3339 date-time ('2024-04-01T09:30:00Z'), as jsonschema checks 'date-time'."""
    from rfc3339_validator import validate_rfc3339

    return validate_rfc3339(text)


@lru_cache(maxsize=1)
def format_checker():
    """jsonschema's format checker, with 'uri' checked the same way as the flat path."""
    from jsonschema import FormatChecker

    checker = FormatChecker()
    checker.checks("uri")(lambda value: not isinstance(value, str) or is_uri(value))
    return checker


@dataclass(frozen=True)
class FieldRule:
    """The schema's rule for one field, as a flat column sees it."""

    path: str  # 'recipientOrganization.id' (array levels dropped)
    title: str  # 'Recipient Org:Identifier'
    types: tuple[str, ...]
    enum: frozenset | None = None
    minimum: float | None = None
    format: str | None = None
    pattern: str | None = None
    alternatives: tuple[tuple[str, str], ...] = ()  # oneOf branches: ('format', 'date-time') / ('pattern', ...)

    def repairer(self) -> tuple[Callable[[str], str | None], str] | None:
        """(repair function, why in words) for this field's values, or None. A value the
        field's rule accepts is never repaired."""
        found = self._repairer()
        check = self.checker()
        if found is None or check is None:
            return found
        fix, why = found

        def repaired(text: str) -> str | None:
            return fix(text) if check(text) is not None else None

        repaired.plain = getattr(check, "plain", None)  # a value the rule plainly accepts is never repaired
        return repaired, why

    def _repairer(self) -> tuple[Callable[[str], str | None], str] | None:
        if "number" in self.types or "integer" in self.types:
            months = "duration" in self.path.lower()
            return (lambda text: repair.repair_number(text, months=months)), (
                "a number of months" if months else "an amount written with £, commas or brackets")
        if self.enum is not None and self.enum == frozenset({"Yes", "No"}):
            return repair.repair_yes_no, "a yes/no field"
        if self.alternatives:
            return (lambda text: repair.repair_date(text) or repair.repair_date_time(text)), "a date written another way"
        if self.format == "date-time":
            return repair.repair_date_time, "a date-time needs one; midnight UTC when only the day is given"
        if self.format == "uri":
            return repair.repair_uri, "a web address needs its http://"
        return None

    def checker(self) -> Callable[[str], str | None] | None:
        """A function from cell text to a problem in words (None when it is fine), or
        None when the field accepts any text."""
        if "number" in self.types or "integer" in self.types:
            minimum = self.minimum

            def check_number(text: str) -> str | None:
                if not NUMBER.match(text):
                    return f"'{text}' is not a number: write it as a plain number such as 1234.56, without £ or commas"
                if not abs(float(text)) < LARGEST_AMOUNT:
                    return f"'{text}' is too large to be a real amount (£{LARGEST_AMOUNT:,.0f} or more): check the cell"
                if minimum is not None and float(text) < minimum:
                    return f"'{text}' is less than {minimum:g}, the least this field allows"
                return None

            if minimum is None or minimum <= 0:
                check_number.plain = PLAIN_NUMBER
            return check_number
        if self.enum is not None:
            allowed = self.enum
            if "GBP" in allowed:
                hint = "a three-letter ISO 4217 currency code such as GBP"
            elif "GB" in allowed:
                hint = "a two-letter ISO country code such as GB"
            else:
                hint = "one of " + ", ".join(sorted(allowed))
            return lambda text: None if text in allowed else f"'{text}' should be {hint}"
        if self.alternatives:
            patterns = [re.compile(arg) for kind, arg in self.alternatives if kind == "pattern"]
            allows_date_time = ("format", "date-time") in self.alternatives
            allows_month = any(p.pattern.startswith("^[0-9]{4}(-") for p in patterns)

            def check_date(text: str) -> str | None:
                if DATE_PATTERN.match(text):
                    return None if _real_date(text) else f"'{text}' is not a real date"
                if any(p.match(text) for p in patterns) or (allows_date_time and is_date_time(text)):
                    return None
                shapes = "YYYY-MM-DD (for example 2024-04-01)" + (", YYYY-MM or YYYY" if allows_month else "")
                return f"'{text}' is not a date{month_hint(text)}: write {shapes}, or a full date-time such as 2024-04-01T09:30:00Z"

            check_date.plain = PLAIN_DATE
            return check_date
        if self.format == "date-time":
            return lambda text: None if is_date_time(text) else (
                f"'{text}' is not a date-time: write it like 2024-04-01T09:30:00Z"
            )
        if self.format == "uri":
            return lambda text: None if is_uri(text) else f"'{text}' is not a web address (it should start with https://)"
        if self.pattern:
            compiled = re.compile(self.pattern)
            return lambda text: None if compiled.search(text) else f"'{text}' is not in the form this field needs"
        return None  # any text will do


def _real_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text[:10])
    except ValueError:
        return False
    return True


def resolve(node: dict) -> dict:
    ref = node.get("$ref")
    if ref and ref.startswith("#/$defs/"):
        merged = dict(grant_schema()["$defs"][ref.split("/")[-1]])
        merged.update({k: v for k, v in node.items() if k != "$ref"})
        return merged
    return node


def _walk(node: dict, path: list[str], titles: list[str], rules: list[FieldRule]) -> None:
    node = resolve(node)
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        items = resolve(node["items"])
        if "properties" in items:
            _walk(items, path, titles, rules)
            return
        node = {**items, "title": node.get("title")}
    if "properties" in node:
        for key, child in node["properties"].items():
            child_resolved = resolve(child)
            title = child.get("title") or child_resolved.get("title") or key[:1].upper() + key[1:]
            _walk(child, path + [key], titles + [title], rules)
        return
    types = node.get("type", "string")
    types = tuple(types) if isinstance(types, list) else (types,)
    alternatives = tuple(
        ("format", branch["format"]) if "format" in branch else ("pattern", branch["pattern"])
        for branch in node.get("oneOf", [])
        if "format" in branch or "pattern" in branch
    )
    rules.append(
        FieldRule(
            path=".".join(path),
            title=":".join(titles),
            types=types,
            enum=frozenset(node["enum"]) if "enum" in node else None,
            minimum=node.get("minimum"),
            format=node.get("format"),
            pattern=node.get("pattern"),
            alternatives=alternatives,
        )
    )


@lru_cache(maxsize=1)
def field_rules() -> dict[str, FieldRule]:
    """Every leaf field of a grant, keyed by its normalised flat column title."""
    rules: list[FieldRule] = []
    _walk(grant_schema(), [], [], rules)
    return {normalise_title(rule.title): rule for rule in rules}


@lru_cache(maxsize=1)
def required_paths() -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(fields every grant needs, recipient alternatives as (id path, name path)) from the
    schema's top-level ``oneOf`` of required lists and each organisation's required list."""
    schema = grant_schema()
    branches = [set(branch["required"]) for branch in schema["oneOf"]]
    common = set.intersection(*branches)
    alternatives = [sorted(b - common)[0] for b in branches]
    paths: list[str] = []
    for name in sorted(common, key=list(schema["properties"]).index):
        target = resolve(schema["properties"][name])
        target = resolve(target["items"]) if target.get("type") == "array" else target
        if "required" in target:
            paths += [f"{name}.{field}" for field in target["required"]]
        else:
            paths.append(name)
    recipients = []
    for name in alternatives:
        target = resolve(schema["properties"][name])
        target = resolve(target["items"]) if target.get("type") == "array" else target
        recipients.append((f"{name}.{target['required'][0]}", f"{name}.{target['required'][1]}"))
    return tuple(paths), tuple(recipients)


def header_score(header: list[str]) -> int:
    """How many standard 360Giving titles a header row has (0 without 'Identifier' and at
    least four others): format detection and the header row search."""
    titles = {normalise_title(h) for h in header}
    standard = titles & set(field_rules())
    return len(standard) + 1 if "identifier" in titles and len(standard) >= 4 else 0


def normalise_title(title: str) -> str:
    """Column titles as publishers vary them, made comparable: case, spaces around ':'
    and repeated-item indexes ('Beneficiary Location:0:Name') ignored."""
    text = re.sub(r"\s*:\s*", ":", title.strip().lower())
    text = re.sub(r":\d+(?=:|$)", "", text)
    return re.sub(r"\s+", " ", text)


def month_hint(text) -> str:
    """Words for a month without a day ('08/2013'): no day can be chosen for it."""
    if not isinstance(text, str):
        return ""
    if repair.month_only(text):
        return " (it names a month, and no day can be chosen for it)"
    if repair.period(text):
        return " (it names a period, and no day can be chosen for it)"
    return ""
