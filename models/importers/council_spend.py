"""Council spend over £500 (Local Government Transparency Code 2015): the LGA schema
(OrganisationLabel, BeneficiaryName, PaymentDate, Amount...), the older guidance's
headers (Body Name, Supplier Name, Date, Amount...) and the variants councils add.

Each payment lands in the spend table as local government spend, funding type
'contract' (a payment to a supplier, not a grant award; the files do not say which).
A payment is marked third-sector when its beneficiary is in the organisation directory
(by charity or company number, org-id, or normalised name); the rest are kept with
third_sector = 0, outside the third-sector view unless a user asks for all suppliers."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Iterator

from ..formatting import financial_year_of, pounds_to_pence
from .base import Context, Record, area_of, chunked
from .report import ValidationReport
from .sources import Source, looks_like_formula, read_table

FORMAT = "spend"
LABEL = "council spend over £500"
TABLE = "spend"
CHUNK_ROWS = 5000

# Field -> header synonyms, compared with case, spaces and punctuation removed.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "authority": ("OrganisationLabel", "Body Name", "Organisation Name", "Organisation", "Authority", "Council", "Local Authority"),
    "authority_uri": ("OrganisationURI", "Body", "Organisation URI", "Body ID", "Organisation Code"),
    "date": ("PaymentDate", "Payment Date", "Date", "Date Paid", "Transaction Date", "Paid Date", "Invoice Payment Date", "Pay Date"),
    "effective_date": ("EffectiveDate", "Effective Date", "Period", "Month"),
    "department": (
        "OrganisationalUnit", "Organisational Unit", "Expense Area", "Service Area", "Department", "Directorate",
        "Service", "Service Division", "Cost Centre Description", "Service Area Description",
    ),
    "beneficiary": ("BeneficiaryName", "Beneficiary Name", "Supplier Name", "Supplier", "Beneficiary", "Payee", "Payee Name", "Vendor Name", "Vendor", "Merchant Name", "Creditor Name"),
    "beneficiary_id": ("BeneficiaryOtherID", "Supplier ID", "Supplier Id", "Supplier Number", "Vendor ID", "Vendor Number", "Beneficiary ID", "Creditor Number"),
    "transaction": ("TransactionNumber", "Transaction Number", "Transaction No", "Transaction ID", "Transaction Reference", "Payment Reference", "Document Number", "Reference", "Ref"),
    "amount": ("Amount", "Net Amount", "Amount (£)", "Amount £", "Value", "Total", "Amount Excl VAT", "Net Value", "Amount Paid", "Payment Amount", "Gross Amount"),
    "vat": ("IrrecoverableVATAmount", "Irrecoverable VAT", "Irrecoverable VAT Amount", "VAT Irrecoverable"),
    "purpose": ("Purpose", "Expense Type", "Purpose of Expenditure", "Description", "Expenditure Description", "Narrative", "Expense Description", "Details"),
    "category": ("ProclassLabel", "Merchant Category", "Proclass", "Expense Category", "Category", "Expenditure Category", "Procurement Category"),
    "category_code": ("ProclassCode", "Expense Code", "Account Code", "Subjective Code", "Cost Centre"),
    "invoice": ("InvoiceNumber", "Invoice Number", "Invoice No", "Invoice Ref", "Invoice Reference"),
    "profit_centre": ("ProfitCentre", "Profit Centre"),
    "vat_number": ("VATRegistrationNumber", "VAT Registration Number", "VAT Number", "VAT Reg No"),
    "charity_number": ("Charity Number", "Supplier Charity Number", "Registered Charity Number", "Charity No"),
    "company_number": ("Company Number", "Supplier Company Number", "Company Registration Number", "Registered Company Number", "Company No"),
    "org_id": ("Supplier Org ID", "Beneficiary Org ID", "Org ID", "Organisation Identifier"),
}
REQUIRED = ("date", "amount", "beneficiary")
SIGNATURE_FIELDS = ("authority", "date", "department", "beneficiary", "transaction", "amount", "purpose")
UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
NAMED_MONTH_DATE = re.compile(r"^(\d{1,2})[\s-]([A-Za-z]{3,9})[\s-](\d{2}|\d{4})$")
REDACTED = {"redacted", "redacted personal data", "personal data", "withheld", "redacted - personal data"}


def header_key(title: str) -> str:
    return re.sub(r"[^a-z0-9£]", "", title.lower())


_LOOKUP = {header_key(synonym): field for field, synonyms in SYNONYMS.items() for synonym in synonyms}


def map_header(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Which column holds each field (first match wins) and the titles not recognised."""
    mapping: dict[str, int] = {}
    unmapped = []
    for index, title in enumerate(header):
        field = _LOOKUP.get(header_key(title))
        if field is None:
            if title:
                unmapped.append(title)
        elif field not in mapping:
            mapping[field] = index
    return mapping, unmapped


def header_score(header: list[str]) -> int:
    """How many of the spend fields a header row names (format detection)."""
    mapping, _ = map_header(header)
    return len(set(mapping) & set(SIGNATURE_FIELDS)) if all(f in mapping for f in ("amount",)) else 0


def parse_date(text: str) -> dt.date | None:
    """ISO (2026-05-29, with or without a time) or UK (29/05/2026, 29-May-2026) dates."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    match = UK_DATE.match(text.split(" ")[0])
    if match:
        day, month, year = (int(g) for g in match.groups())
        year += 2000 if year < 100 else 0
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    match = NAMED_MONTH_DATE.match(text)
    if match:
        for shape in ("%d %b %Y", "%d %B %Y", "%d %b %y", "%d %B %y"):
            try:
                return dt.datetime.strptime(" ".join(match.groups()), shape).date()
            except ValueError:
                continue
    return None


def read(source: Source, report: ValidationReport, context: Context) -> Iterator[list[Record]]:
    """Payments from a spend file (CSV or XLSX), a chunk of records at a time."""
    table = read_table(source, report, encoding=context.encoding)
    mapping, unmapped = map_header(table.header)
    report.unmapped_columns = unmapped
    if unmapped:
        report.note("Columns not recognised, not imported: " + ", ".join(unmapped))
    missing = [f for f in REQUIRED if f not in mapping]
    if "authority" not in mapping and not context.publisher:
        missing.append("authority")
    if missing:
        names = {f: " or ".join(f"'{s}'" for s in SYNONYMS[f][:3]) for f in SYNONYMS}
        raise report.fatal(
            "required columns are missing: " + "; ".join(names[f] for f in missing)
            + (". Give the council's name with --publisher (on the Data page: 'Council name') if the file has no body-name column"
               if "authority" in missing else ". Check the header row")
        )
    if context.directory is not None and not len(context.directory):
        report.note(
            "The organisation directory holds no real organisations yet, so no payment can be recognised as "
            "third-sector spend: import the Charity Commission register first, or together with this file."
        )
    elif context.directory is not None:
        count = len(context.directory)
        report.note(
            f"Beneficiaries matched against {count:,} directory organisation{'s' if count != 1 else ''} "
            "(by charity or company number, org-id, or normalised name); unmatched payments are kept but marked not third-sector."
        )
    occurrences: dict[str, int] = {}
    yield from chunked(
        (_record(number, cells, mapping, table.header, occurrences, report, context) for number, cells in table.rows),
        CHUNK_ROWS,
    )


def _record(number, cells, mapping, header, occurrences, report, context) -> Record | None:
    where = f"row {number}"

    def cell(field: str) -> str:
        index = mapping.get(field)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def title(field: str) -> str:
        return header[mapping[field]] if field in mapping else field

    ok = True
    for index, value in enumerate(cells):
        if value[:1] == "=" and looks_like_formula(value):
            report.error(where, header[index] if index < len(header) else "", (
                f"'{value[:40]}' is a spreadsheet formula, not a value; replace it with its result"))
            ok = False
    amount_text = cell("amount")
    amount = None
    if not amount_text:
        report.error(where, title("amount"), "is empty; every payment needs an amount")
    else:
        try:
            amount = pounds_to_pence(amount_text)
        except ValueError:
            report.error(where, title("amount"), (
                f"'{amount_text}' is not an amount of money: write it like 1234.56 or £1,234.56 (credits as -12.50)"))
    date_text = cell("date")
    day = parse_date(date_text) if date_text else None
    if not date_text:
        report.error(where, title("date"), "is empty; every payment needs a date")
    elif day is None:
        report.error(where, title("date"), f"'{date_text}' is not a date: write 2026-05-29 or 29/05/2026")
    beneficiary = cell("beneficiary")
    if not beneficiary:
        report.error(where, title("beneficiary"), "is empty; name who was paid (or 'Redacted')")
    authority = cell("authority") or context.publisher or ""
    if not authority:
        report.error(where, title("authority"), "is empty; say which council made the payment")
    if not ok or amount is None or day is None or not beneficiary or not authority:
        return None

    transaction = cell("transaction")
    identity = transaction or hashlib.sha1(
        "|".join([date_text, beneficiary, amount_text, cell("purpose"), cell("invoice")]).encode()
    ).hexdigest()[:16]
    occurrence = occurrences.get(identity, 0) + 1
    occurrences[identity] = occurrence
    redacted = beneficiary.lower() in REDACTED
    matched = None
    if context.directory is not None and not redacted:
        matched = context.directory.match(
            name=beneficiary, org_id=cell("org_id"), charity_number=cell("charity_number"), company_number=cell("company_number")
        )
    purpose = cell("purpose")
    category = cell("category")
    values = {
        "uid": f"spend:{authority}:{identity}:{occurrence}",
        "financial_year": financial_year_of(day),
        "date": day.isoformat(),
        "body_type": "local_government",
        "authority": authority,
        "authority_id": None,
        "district": area_of(authority, "local_government"),
        "department": cell("department"),
        "funding_type": "contract",
        "amount_pence": amount,
        "recipient": beneficiary,
        "recipient_id": matched,
        "programme": category or None,
        "beneficiary_location": None,
        "description": purpose or None,
        "third_sector": 1 if matched else 0,
        "source": f"{authority} spend over £500",
        "source_file": context.file_name,
        "loaded_at": context.loaded_at,
    }
    return Record(key=values["uid"], where=where, values=values)
