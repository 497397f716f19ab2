"""Who the money came from: UK local authorities recognised from the authoritative list in
``data/reference/local_authority_identifiers.csv`` (mySociety's UK local authority names and codes
and the GOV.UK local-authority register; see data/reference/README.md), and every funder or
buyer sorted into local government, health or other funders.

A body is local government when its org-id is a local-authority org-id (GB-LAE, GB-LAS,
GB-PLA, GB-LANI), its identifier is a council's GSS code or old ONS (SNAC) code or
statistics.data.gov.uk URI, or, when it has no identifier from another register, when its
name IS a council's name ('Trafford Metropolitan Borough Council', 'London Borough of
Barnet', 'Leeds City Council'). A name merely containing 'Council' is never enough: the
Nursing and Midwifery Council is a regulator, 'Leeds Council for Voluntary Service' a
charity."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..identifiers import org_id_prefix

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference" / "local_authority_identifiers.csv"
LOCAL_GOVERNMENT_PREFIXES = ("GB-LAE", "GB-LAS", "GB-PLA", "GB-LANI")
HEALTH_PREFIXES = ("GB-NHS",)
# Registers of bodies that are not councils: an identifier from one of these settles it,
# whatever the name says.
OTHER_REGISTERS = ("GB-CHC", "GB-COH", "GB-SC", "GB-NIC", "GB-MPR", "GB-EDU", "GB-GOR", "GB-UKPRN", "GB-REV",
                   "GB-SHPE", "XI-GRID", "XI-ROR", "XI-PB")
GSS_CODE = re.compile(r"^[ENSW]\d{8}$", re.IGNORECASE)
SNAC_CODE = re.compile(r"^\d{2}[A-Z]{0,2}$", re.IGNORECASE)
URI_CODE = re.compile(r"statistics\.data\.gov\.uk/(?:doc|id)/(?:local-authority|statistical-geography)/([A-Za-z0-9]+)", re.IGNORECASE)
HEALTH_NAME = re.compile(
    r"\bNHS\b|\bclinical commissioning group\b|\bCCG\b|\bintegrated care board\b|\bICB\b|\bprimary care trust\b|"
    r"\bhealth board\b|\bhealth and social care trust\b|\bambulance service\b|\bhospitals?\b.*\btrust\b|"
    r"\bfoundation trust\b|\bcommissioning support unit\b",
    re.IGNORECASE,
)
# The ways a council's name is written around its place name.
_PREFIXES = re.compile(
    r"^(the\s+)?((royal\s+)?(london\s+)?borough\s+of\s+|city\s+(and\s+county\s+)?of\s+|county\s+(borough\s+)?of\s+|"
    r"council\s+of\s+(the\s+)?(city\s+of\s+)?|borough\s+council\s+of\s+|metropolitan\s+borough\s+of\s+|district\s+of\s+)",
    re.IGNORECASE,
)
_SUFFIXES = re.compile(
    r"\s+((royal\s+|metropolitan\s+|london\s+)?(borough|district|county|city|town|unitary|county\s+borough|"
    r"metropolitan\s+district|metropolitan\s+borough|city\s+and\s+district|islands)\s+)*"
    r"(council|authority|corporation|combined\s+authority|mbc|mdc|bc|dc|cc)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LocalAuthority:
    """One council (or combined authority) from the reference list."""

    register_code: str
    org_id: str
    name: str  # 'Trafford', as people say it
    official_name: str  # 'Trafford Metropolitan Borough Council'
    gss_code: str
    nation: str
    type_name: str
    end_date: str


def _key(text: str) -> str:
    text = re.sub(r"&", " and ", str(text or "").lower().replace("'", "").replace("\u2019", ""))
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _place(name: str) -> str:
    """A council's place name without the words around it ('Leeds City Council' -> 'leeds')."""
    text = re.sub(r"\s+", " ", str(name or "")).strip()
    text = _PREFIXES.sub("", text)
    for _ in range(2):
        text = _SUFFIXES.sub("", text).strip()
    return _key(text)


@dataclass
class _Index:
    by_org_id: dict
    by_code: dict  # GSS codes (current and former), SNAC codes, register codes -> authority
    by_full_name: dict  # official names and alternative names, as keys
    by_place: dict  # place names -> authority (current authorities first)


@lru_cache(maxsize=1)
def _index() -> _Index:
    by_org_id, by_code, by_full_name, by_place = {}, {}, {}, {}
    with open(REFERENCE, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows.sort(key=lambda r: (bool(r["end_date"]), r["type"] == "COMB"))  # current councils win a shared name
    for row in rows:
        authority = LocalAuthority(
            register_code=row["register_code"], org_id=row["org_id"], name=row["name"], official_name=row["official_name"],
            gss_code=row["gss_code"], nation=row["nation"], type_name=row["type_name"], end_date=row["end_date"],
        )
        by_org_id.setdefault(row["org_id"].upper(), authority)
        for code in [row["gss_code"], row["snac"], *row["former_gss_codes"].split(";")]:
            if code:
                by_code.setdefault(code.upper(), authority)
        for name in [row["official_name"], *row["alt_names"].split("|")]:
            if name:
                by_full_name.setdefault(_key(name), authority)
        for name in [row["name"], row["official_name"]]:
            if name:
                by_place.setdefault(_place(name), authority)
    return _Index(by_org_id, by_code, by_full_name, by_place)


def all_authorities() -> list[LocalAuthority]:
    """Every authority in the reference list (current and ended)."""
    return sorted(set(_index().by_org_id.values()), key=lambda a: a.register_code)


def by_identifier(identifier: str | None) -> LocalAuthority | None:
    """The authority an identifier names: a local-authority org-id ('GB-LAE-TRF'), a GSS
    code ('E08000009', current or former), an old ONS code ('00DA') or a
    statistics.data.gov.uk URI ending in either."""
    text = str(identifier or "").strip()
    if not text:
        return None
    index = _index()
    found = index.by_org_id.get(text.upper())
    if found:
        return found
    uri = URI_CODE.search(text)
    if uri:
        return index.by_code.get(uri.group(1).upper())
    if GSS_CODE.match(text) or SNAC_CODE.match(text):
        return index.by_code.get(text.upper())
    return None


def by_name(name: str | None) -> LocalAuthority | None:
    """The authority whose name this is: an official or alternative name, or a place name
    with only council words around it ('Trafford Council', 'London Borough of Barnet',
    'Leeds City Council'). A name that merely contains 'Council' is not enough."""
    key = _key(name or "")
    if not key:
        return None
    index = _index()
    found = index.by_full_name.get(key)
    if found:
        return found
    place = _place(name or "")
    if place and place != key:  # council words were taken off: what is left must be a council's place
        return index.by_place.get(place)
    return None


def classify(org_id: str | None, name: str | None) -> tuple[str, LocalAuthority | None]:
    """('local_government' | 'health' | 'other_funder', the authority when it is one).

    The identifier decides when it comes from a register; a name decides only for bodies
    identified by nothing better (no id, a self-assigned 360G- id, a Contracts Finder
    GB-CFS- id)."""
    identifier = str(org_id or "").strip()
    authority = by_identifier(identifier)
    if authority is not None:
        return "local_government", authority
    prefix = org_id_prefix(identifier) if identifier else None
    upper = identifier.upper()
    if prefix in LOCAL_GOVERNMENT_PREFIXES or upper.startswith("GB-LANI-"):
        return "local_government", None  # a council's org-id not in the list (new or misspelt)
    if prefix in HEALTH_PREFIXES:
        return "health", None
    if prefix in OTHER_REGISTERS:
        return "other_funder", None
    authority = by_name(name)
    if authority is not None:
        return "local_government", authority
    if name and HEALTH_NAME.search(name):
        return "health", None
    return "other_funder", None


@lru_cache(maxsize=8192)
def classify_cached(org_id: str | None, name: str | None) -> tuple[str, LocalAuthority | None]:
    return classify(org_id, name)


def publisher_words(publishers: list[str]) -> str | None:
    """What the import log says published a file: the one name, or 'several funders'."""
    names = list(dict.fromkeys(p for p in publishers if p))
    if not names:
        return None
    return names[0] if len(names) == 1 else "several funders"
