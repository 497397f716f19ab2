"""Organisation identifiers (org-id.guide), charity and company numbers, postcodes, and
the name normalisation used to recognise the same organisation across sources."""

from __future__ import annotations

import re
import unicodedata

# Prefixes the 360Giving quality checks and the directory accept (org-id.guide). Not
# exhaustive of the world's registers, but of those a Cheshire East dataset will meet.
KNOWN_PREFIXES = {
    "GB-CHC": "Charity Commission for England and Wales",
    "GB-COH": "Companies House",
    "GB-SC": "Office of the Scottish Charity Regulator",
    "GB-NIC": "Charity Commission for Northern Ireland",
    "GB-MPR": "Mutuals Public Register",
    "GB-EDU": "Register of schools (England)",
    "GB-LAE": "Local authorities in England",
    "GB-LAS": "Local authorities in Scotland",
    "GB-PLA": "Local authorities in Wales",
    "GB-GOR": "UK government organisations",
    "GB-NHS": "NHS organisations",
    "GB-UKPRN": "UK Register of Learning Providers",
    "GB-REV": "HMRC charities (exempt and excepted)",
    "GB-SHPE": "Social housing providers (England)",
    "XI-GRID": "Global Research Identifier Database",
    "XI-ROR": "Research Organization Registry",
    "XI-PB": "Public bodies",
    "360G": "360Giving internal identifier (no register)",
}

CHARITY_NUMBER = re.compile(r"^\d{6,7}$")
COMPANY_NUMBER = re.compile(r"^\w{8}$")
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$", re.IGNORECASE)


def org_id_prefix(org_id: str) -> str | None:
    """The register prefix of an org-id ('GB-CHC' of 'GB-CHC-1164883'), or None if the
    id does not start with a known prefix."""
    for prefix in sorted(KNOWN_PREFIXES, key=len, reverse=True):
        if org_id.upper().startswith(prefix + "-"):
            return prefix
    return None


def clean_charity_number(value: str) -> str | None:
    """A charity number as the register writes it (6 or 7 digits), or None if it is not
    one. A leading two-letter prefix (e.g. 'GB') and spaces are dropped."""
    text = re.sub(r"\s", "", str(value or ""))
    if len(text) > 2 and text[:2].isalpha():
        text = text[2:]
    return text if CHARITY_NUMBER.match(text) else None


def clean_company_number(value: str) -> str | None:
    """A Companies House number (8 characters, leading zeros kept; 'SC', 'NI', 'OC'
    prefixes allowed), or None. Short all-digit numbers are padded with zeros."""
    text = re.sub(r"\s", "", str(value or "")).upper()
    if text.isdigit() and len(text) < 8:
        text = text.zfill(8)
    return text if COMPANY_NUMBER.match(text) else None


def clean_postcode(value: str) -> str | None:
    """A UK postcode in upper case with one space ('CW1 2BJ'), or None if not valid."""
    text = re.sub(r"\s+", "", str(value or "")).upper()
    if not POSTCODE.match(text):
        return None
    return f"{text[:-3]} {text[-3:]}"


def validate_org_id(org_id: str) -> list[str]:
    """Problems with an org-id, in words (empty list when it is fine)."""
    text = str(org_id or "").strip()
    if not text:
        return ["the organisation identifier is empty"]
    prefix = org_id_prefix(text)
    if prefix is None:
        return [f"'{text}' does not start with a recognised org-id prefix such as GB-CHC- or GB-COH-"]
    local = text[len(prefix) + 1 :]
    if prefix == "GB-CHC" and not CHARITY_NUMBER.match(local):
        return [f"'{text}': a charity number is 6 or 7 digits"]
    if prefix == "GB-COH" and not COMPANY_NUMBER.match(local):
        return [f"'{text}': a company number is exactly 8 characters (keep leading zeros)"]
    if prefix == "GB-SC" and not re.match(r"^SC\d{6}$", local, re.IGNORECASE):
        return [f"'{text}': a Scottish charity number is SC followed by 6 digits"]
    if prefix == "GB-NIC" and not re.match(r"^\d{6}$", local):
        return [f"'{text}': a Northern Ireland charity number is 6 digits"]
    if not local:
        return [f"'{text}' has a prefix but no identifier after it"]
    return []


_LEGAL_SUFFIXES = re.compile(
    r"\b(limited|ltd|cio|cic|plc|llp|incorporated|inc|the|trust company|co)\b\.?", re.IGNORECASE
)


def normalise_name(name: str) -> str:
    """A key for recognising an organisation's name across sources: lower case, accents
    and punctuation removed, '&' as 'and', legal suffixes (Ltd, CIO, CIC...) and 'the'
    dropped, spaces collapsed. 'The Crewe Foodbank Ltd.' -> 'crewe foodbank'."""
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    text = _LEGAL_SUFFIXES.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()
