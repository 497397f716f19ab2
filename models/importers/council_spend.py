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
import itertools
import re
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from ..checks import parse_number
from ..formatting import financial_year_of, money, pounds_to_pence
from . import authorities, repair
from .base import Context, Record, area_of, chunked
from .report import ValidationReport
from .sources import Source, duplicate_titles, looks_like_formula, read_table

FORMAT = "spend"
LABEL = "council spend over £500"
TABLE = "spend"
CHUNK_ROWS = 5000
NOT_GIVEN = "Not given"
SUB_PENNY = Decimal("0.0001")  # hundredths of a pound beyond this are a real fraction of a penny, not float noise

# Field -> header titles seen in real councils' and public bodies' files (compared with
# case, spaces and punctuation removed; misspellings as published). Earlier titles win
# when a file has more than one title for a field. Built from the files listed in
# docs/importing.md: 25 councils (Bolton, Bradford, Calderdale, Craven, Darlington, Devon,
# Gateshead, the GLA, Harrogate, Hyndburn, Lambeth, Leeds, Manchester, Newcastle, North
# Tyneside, Oldham, Oxford, Rochdale, Salford, Sheffield, Stockport, Tameside, Trafford,
# Wakefield, Windsor and Maidenhead), Lancashire fire and police, the Cabinet Office, TfL
# and Network Rail; then Hammersmith and Fulham ('Paid By', 'Paid To', 'Spending Area', as
# OpenSpending normalised its file), Lambeth's 2011 totals ('Sum of Invoice Nett Amount'),
# Wigan and Gateshead's 2010 titles ('Strategic Group', 'Spend Level 1', 'Supplier Text').
SYNONYMS: dict[str, tuple[str, ...]] = {
    "authority": (
        "OrganisationLabel", "Body Name", "Authority Name", "Organisation Name", "Organistion Name", "Organisation",
        "Authority", "Council", "Local Authority", "Council Name", "Name of Body", "Entity", "Purchasing Body", "Client",
        "Org Short Name", "Paid By",
    ),
    "authority_uri": (
        "OrganisationURI", "Body", "Organisation URI", "Body ID", "Organisation Code", "Body URI", "ONS Code", "GSS Code",
        "NWOD ID URI Code",
    ),
    "date": (
        "PaymentDate", "Payment Date", "Date of Payment", "Date Paid", "Paid Date", "Invoice Payment Date", "Pay Date",
        "Transaction Date", "Clearing Date", "Date", "Payment Date (DD/MM/YYYY)", "Invoice Paid Date", "Cheque Date",
        "GL Date", "Invoice GL Date", "Posting Date", "Invoice Date", "Invoice Creation Date", "PymtDate", "Pymt Date",
    ),
    "updated_date": ("Updated",),  # Gateshead: the only day the file gives
    "effective_date": ("EffectiveDate", "Effective Date", "Efefctive Date", "Period", "Month"),  # read, not stored
    "department": (
        "OrganisationalUnit", "Organisational Unit", "Service Label", "Service Area", "Expense Area", "Department",
        "Department Area", "Directorate", "Directotate", "Directorate Name", "Service", "Service Division",
        "Service divison label", "Service Division Label", "Directorate / Service Where Expenditure Incurred",
        "Business Unit Description", "Service Cost Centre", "Cost Centre Description", "Service Area Description",
        "Cost Centre Name", "NstrgT", "Portfolio", "Stratdir Name", "Headserv Name", "Service Area Categorisation",
        "Spending Area", "Strategic Group",
    ),
    "beneficiary": (
        "BeneficiaryName", "Beneficiary Name", "Supplier Name", "Supplier (Beneficiary) Name", "Supplier(Beneficiary) Name",
        "Supplier", "Supplier Name Final", "Supplier Final", "Beneficiary", "Payee", "Payee Name", "Vendor Name", "Vendor",
        "Merchant Name", "Creditor Name", "Creditor", "Name", "Supplier IDT", "Recipient", "Recipient Name",
        "ENEntity Name", "Paid To", "Supplier Text",
    ),
    "beneficiary_id": (
        "BeneficiaryOtherID", "Supplier ID", "Supplier Id", "Supplier Number", "Supplier No", "Vendor ID", "Vendor Number",
        "Beneficiary ID", "Creditor Number", "Address Book No", "Local Supplier Internal Reference", "Supplier Reference",
    ),
    "transaction": (
        "TransactionNumber", "Transaction Number", "Transaction No", "Trans No", "TransNo", "Transaction ID",
        "Transaction Reference", "Payment Reference", "SAP Document Number", "Document Number", "Document No", "DocumentNo",
        "Internal Ref Number", "Internal Ref", "HBC ref no", "Payment Number", "Reference", "Ref", "P-Card Tran", "Inv Transaction",
        "Unique Ref", "NWOD ID",
    ),
    "line": ("Seq No", "Sequence Number", "Line", "Line Number", "Line No"),
    "net": (
        "Net Amount", "Net", "Net Value", "Amount Excl VAT", "Amount Excluding VAT", "Net of VAT", "Total (excludes VAT)",
        "Invoice Line Value (net of VAT)", "Net Amount £", "Net Amount (£)", "Net Amount(GBP)", "Net Total", "Amount (Net)",
        "Net Amount GBP", "Value (excl VAT)", "Invoice Nett Amount", "Nett Amount", "Nett", "Invoice Net Amount",
        "SumOfNet Amt", "Net Amt", "Sum of Invoice Nett Amount",
    ),
    "gross": (
        "Gross", "Gross Amount", "Gross Value", "Amount Incl VAT", "Amount Including VAT", "Gross Total", "Total (includes VAT)",
        "SumOfGross Amt", "Gross Amt",
    ),
    "vat": ("VAT", "VAT Amount", "Vat Value", "Recoverable VAT", "SumOfVatAmt", "Vat Amt"),
    "amount": (
        "Amount", "Amount (£)", "Amount £", "Amount GBP", "Value", "Total", "Amount Paid", "Payment Amount", "Spend",
        "Invoiced Value", "Transaction Amount", "Total Invoice Amount", "Invoice Amount", "Value £", "Paid Amount", "Sum of Inv Amount", "Inv Amount",
    ),
    "irrecoverable_vat": ("IrrecoverableVATAmount", "Irrecoverable VAT", "Irrecoverable VAT Amount", "VAT Irrecoverable"),
    "purpose": (
        "Purpose", "Purpose of Spend", "Purpose of Expenditure", "Narrative", "Description", "Expense Type", "Expenses Type",
        "Expenditure Description", "Expense Description", "Details", "Detailed expenditure type", "Account Detail",
        "Expenditure Account Code Description", "GL Description", "Expense Code Description", "Expenditure Account", "Subj Description", "Subjective Description", "Account Description", "Extended Description", "Spend Level 2",
    ),
    "category": (
        "ProclassLabel", "Expenditure Category", "Expenditure Catergory", "Expense Category", "Category", "Merchant Category",
        "Proclass", "Procurement Category", "Category Family", "SeRCOP Expenditure Category", "CipfsubjT",
        "Proclass Details Level 1", "Procurement Classification", "Service Expenditure Analysis", "Account", "ProClass Description",
        "Element Description", "Spend Level 1",
    ),
    "category_code": ("ProclassCode", "Expense Code", "Expenditure Code", "Account Code", "Subjective Code", "Cost Centre", "Cost Element", "BVACOP"),
    "invoice": ("InvoiceNumber", "Invoice Number", "Invoice No", "Invoice Ref", "Invoice Reference"),
    "profit_centre": ("ProfitCentre", "Profit Centre"),
    "vat_number": ("VATRegistrationNumber", "VAT Registration Number", "VAT Number", "VAT Reg No"),
    "charity_number": (
        "Charity Number", "Supplier Charity Number", "Registered Charity Number", "Charity No", "Charity Registration",
        "Supplier Registered Charity Number",
    ),
    "company_number": (
        "Company Number", "Supplier Company Number", "Company Registration Number", "Registered Company Number", "Company No",
        "Company Registration", "Supplier Registered Company Number",
    ),
    "org_id": ("Supplier Org ID", "Beneficiary Org ID", "Org ID", "Organisation Identifier"),
    # Tameside: the supplier name is empty and this column says 'Redacted Supplier'
    "redacted": ("Redact Name", "Redacted Name", "Redaction Reason", "Redacted"),
}
AMOUNT_FIELDS = ("net", "amount", "gross")
# Fields this importer reads: a title repeated among these is ambiguous and refused.
USED = {"authority", "authority_uri", "date", "updated_date", "department", "beneficiary", "redacted", "transaction", "line", "net",
        "gross", "vat", "amount", "purpose", "category", "invoice", "org_id", "charity_number", "company_number"}
SIGNATURE_FIELDS = ("authority", "authority_uri", "date", "department", "beneficiary", "transaction", "purpose", "category")
REDACTED = {
    "redacted", "redacted supplier", "redacted personal data", "redacted personal information", "personal data", "withheld",
    "redacted - personal data", "personal information", "personal data redacted",
}


def header_key(title: str) -> str:
    """A title made comparable: lower case, letters and digits only, a leading '*' or a
    trailing '(£)' / 'GBP' / ':' dropped."""
    key = re.sub(r"[^a-z0-9]", "", title.lower().replace("£", ""))
    return key


_LOOKUP: dict[str, tuple[str, int]] = {}
for _field, _titles in SYNONYMS.items():
    for _rank, _title in enumerate(_titles):
        _LOOKUP.setdefault(header_key(_title), (_field, _rank))
for _gbp in [k for k in list(_LOOKUP) if not k.endswith("gbp")]:
    _LOOKUP.setdefault(_gbp + "gbp", _LOOKUP[_gbp])


def field_of(title: str) -> str | None:
    found = _LOOKUP.get(header_key(title))
    return found[0] if found else None


def map_header(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Which column holds each field (the best-ranked title, then the first) and the
    titles not recognised."""
    best: dict[str, tuple[int, int]] = {}
    unmapped = []
    for index, title in enumerate(header):
        found = _LOOKUP.get(header_key(title))
        if found is None:
            if title:
                unmapped.append(title)
            continue
        field, rank = found
        if field not in best or rank < best[field][0]:
            best[field] = (rank, index)
    return {field: index for field, (_rank, index) in best.items()}, unmapped


def header_score(header: list[str]) -> int:
    """How many of the spend fields a header row names (format detection and header row
    search): 0 unless it names an amount and at least two other fields."""
    mapping, _ = map_header(header)
    if not any(f in mapping for f in AMOUNT_FIELDS):
        return 0
    score = len(set(mapping) & set(SIGNATURE_FIELDS)) + 1
    return score if score >= 3 else 0


def parse_date(text: str):
    """The day a payment date cell names (see ``repair.parse_day``), or None."""
    return repair.parse_day(text)


ESSENTIAL = {"authority", "authority_uri", "date", "beneficiary", "transaction", "line", "net", "gross", "vat", "amount"}
CODE_ONLY = re.compile(r"^[A-Z]{2,5}$")
# Columns that may hold a code rather than the payer's name ('Client' = 'OCC'): a code there
# is not taken as a name. A code in 'Entity' or 'Body Name' ('GPA' in the Cabinet Office's
# files) is kept as the file writes it.
WEAK_NAME_TITLES = {"client"}


def read(source: Source, report: ValidationReport, context: Context) -> Iterator[list[Record]]:
    """Payments from a spend file (CSV, XLSX or XLS), a chunk of records at a time."""
    table = read_table(source, report, encoding=context.encoding, score=header_score)
    mapping, unmapped = map_header(table.header)
    _refuse_duplicates(table.header, mapping, report)
    report.unmapped_columns = unmapped
    if unmapped:
        report.note("Columns not recognised, not imported: " + ", ".join(unmapped))
    amount = _amount_columns(table.header, mapping, report)
    if "date" not in mapping and "updated_date" in mapping:
        mapping["date"] = mapping["updated_date"]
        report.note(f"The file gives no payment date; the '{table.header[mapping['date']]}' date is used as the payment date.")
    missing = [f for f in ("date", "beneficiary") if f not in mapping]
    if missing or amount is None:
        names = {f: " or ".join(f"'{s}'" for s in SYNONYMS[f][:3]) for f in SYNONYMS}
        wanted = [names[f] for f in missing] + ([names["net"] + " (or " + names["amount"] + ")"] if amount is None else [])
        raise report.fatal("required columns are missing: " + "; ".join(wanted) + ". Check the header row")
    if "authority" not in mapping and "authority_uri" not in mapping and not context.publisher:
        raise report.fatal(_ask_for_publisher(context.file_name))
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
    state = _State(mapping=mapping, header=table.header, amount=amount, context=context, report=report)
    rows = _date_order(table, state)
    yield from chunked(itertools.chain((_record(number, cells, state) for number, cells in rows),
                                       _undated_payments(state)), CHUNK_ROWS)
    for name in state.publishers:
        report.note(f"Published by {name}" + (f" ({state.publishers[name]})" if state.publishers[name] else ""))


DATE_SAMPLE_ROWS = 5000  # rows looked at to tell a US-style file ('11/17/2009') from a UK one


def _date_order(table, state: "_State"):
    """The table's rows, after looking at the first DATE_SAMPLE_ROWS dates: when some can
    only be read month first and none only day first, the file is written US style and
    every date is read month first, with a note (the rows looked at are kept, not re-read)."""
    index = state.mapping["date"]
    head = list(itertools.islice(table.rows, DATE_SAMPLE_ROWS))
    if repair.numeric_date_order(cells[index] for _n, cells in head if index < len(cells)) == "month first":
        state.month_first = True
        example = next(cells[index] for _n, cells in head if index < len(cells) and
                       repair.numeric_date_order([cells[index]]) == "month first")
        day = repair.parse_day(example, month_first=True)
        state.report.note(
            f"Dates in '{state.header[index]}' are written month first, US style ('{example.strip()}' is "
            f"{day.day} {day:%B %Y}; none can be read day first), so every date in it was read month first."
        )
    return itertools.chain(head, table.rows)


def _refuse_duplicates(header: list[str], mapping: dict[str, int], report: ValidationReport) -> None:
    """A column title given twice: refused when the importer needs that field (which copy
    is meant cannot be known); otherwise neither copy is imported, with a note."""
    repeated = duplicate_titles(header, header_key, lambda t: field_of(t) is not None)
    essential = [t for t in repeated if field_of(t) in ESSENTIAL]
    if essential:
        raise report.fatal(
            "the column title " + " and ".join(f"'{t}'" for t in essential) + " appears more than once, so which column "
            "holds the values cannot be known: rename or remove the extra column and import again",
            column=essential[0],
        )
    for title in repeated:
        mapping.pop(field_of(title), None)
        report.note(f"The column title '{title}' appears more than once; neither column was imported.")


def _amount_columns(header, mapping, report) -> tuple[str, ...] | None:
    """Which column(s) give the amount paid: the net amount when the file has one (saying
    so when it also gives gross or VAT), else a plain amount, else gross less VAT, else
    gross (saying it includes VAT). Two different plain amount columns are ambiguous."""
    plain = [i for i, t in enumerate(header) if field_of(t) == "amount"]
    if len(plain) > 1 and "net" not in mapping:
        raise report.fatal(
            "more than one column could be the amount paid (" + ", ".join(f"'{header[i]}'" for i in plain)
            + "): rename the one that is not, or keep only the amount paid, and import again",
            column=header[plain[0]],
        )
    others = [header[mapping[f]] for f in ("gross", "vat", "amount") if f in mapping]
    if "net" in mapping:
        if others:
            report.note(f"Amounts are the net amounts in '{header[mapping['net']]}' (the file also gives " + ", ".join(
                f"'{t}'" for t in others) + ").")
        return ("net",)
    if "amount" in mapping:
        if "gross" in mapping:
            report.note(f"Amounts are from '{header[mapping['amount']]}'; '{header[mapping['gross']]}' is not used.")
        return ("amount",)
    if "gross" in mapping and "vat" in mapping:
        report.note(f"Amounts are net: '{header[mapping['gross']]}' less '{header[mapping['vat']]}'.")
        return ("gross", "vat")
    if "gross" in mapping:
        report.note(f"Amounts are the gross amounts in '{header[mapping['gross']]}', including VAT: the file gives no net amount.")
        return ("gross",)
    return None


def _ask_for_publisher(file_name: str) -> str:
    """The words asking who published a file that does not say, with the councils its
    name suggests (never chosen silently)."""
    key = " " + re.sub(r"[^a-z0-9]+", " ", Path(file_name).stem.lower()) + " "
    named = sorted(
        {a.official_name for a in authorities.all_authorities() if not a.end_date and len(a.name) > 3
         and f" {re.sub(r'[^a-z0-9]+', ' ', a.name.lower()).strip()} " in key}
    )
    hint = ""
    if named:
        hint = " Going by the file's name it may be " + " or ".join(f"'{n}'" for n in named[:3]) + ": if so, say so."
    return (
        "the file does not say which council or body made these payments (no 'Body Name' or 'Organisation Name' column, "
        "no 'Body' URI or GSS code)." + hint + " Give the publisher with --publisher (on the Data page: 'Council name') "
        "and import again"
    )


class _State:
    """What one file's rows share: its columns and the publishers already identified."""

    def __init__(self, *, mapping, header, amount, context, report):
        self.mapping, self.header, self.amount, self.context, self.report = mapping, header, amount, context, report
        self.occurrences: dict[str, int] = {}
        self.bodies: dict[tuple[str, str], tuple[str, str | None, str, str]] = {}
        self.publishers: dict[str, str] = {}
        self.amount_repairs: dict[str, str | None] = {}
        self.weak_name_column = "authority" in mapping and header_key(header[mapping["authority"]]) in WEAK_NAME_TITLES
        self.month_first = False  # dates written US style ('11/17/2009'), see _date_order
        self.file_month = repair.month_in_name(context.file_name)  # 'Tameside September 2014.csv'
        self.months: set[tuple[int, int]] = set()  # months of the dated payments read so far
        self.undated: list[tuple[str, str, Record]] = []  # payments without a date, kept until the end
        self.loaded_pence = 0  # payments read so far, to check a total line against
        self.section_pence = 0  # ... and since the last total line (subtotals)

    def body(self, name: str, uri: str) -> tuple[str, str | None, str, str] | None:
        """(authority name, org-id, body type, district) for a row's body-name and URI
        cells, from the name, then the URI or GSS code, then --publisher; None when
        nothing says who paid."""
        key = (name, uri)
        if key not in self.bodies:
            self.bodies[key] = self._identify(name, uri)
        return self.bodies[key]

    def _identify(self, name: str, uri: str):
        publisher = (self.context.publisher or "").strip()
        written = name
        if name.isdigit():
            name = ""  # a number is no one's name: Devon's 2010 'Entity' holds the supplier's number
        elif name and CODE_ONLY.match(name) and authorities.by_name(name) is None and (self.weak_name_column or publisher):
            name = ""  # 'OCC' in a 'Client' column, 'SMBC' with --publisher given: a code only the council itself knows
        by_uri = authorities.by_identifier(uri) if uri else None
        if uri and by_uri is None and not name and authorities.by_name(uri) is not None:
            name = uri  # a 'Body' column holding the council's name ('Lambeth'), not its URI
        if name:
            body_type, authority = authorities.classify(by_uri.org_id if by_uri else None, name)
            how, said = "named in the file", name
        elif by_uri:
            body_type, authority, how, said = "local_government", by_uri, f"from its code {uri}", ""
        elif publisher:
            body_type, authority = authorities.classify(None, publisher)
            authority = authority or authorities.by_identifier(publisher)
            body_type = "local_government" if authority else body_type
            name, said = publisher, ""
            how = "given when importing" + (f"; the file says '{written}'" if written and not written.isdigit() else "")
        else:
            return None
        if authority is not None:
            label = authority.official_name
            self.publishers.setdefault(label, how + (f"; the file says '{said}'" if said and said != label else ""))
            return label, authority.org_id, "local_government", authority.name
        # A publisher not in the list of local authorities (a fire or police authority, a
        # government department, a company) is kept as it names itself.
        label = name
        hint = ""
        if CODE_ONLY.match(label):  # 'SMBC', 'GPA': a code, perhaps a council's own
            hint = (f"; if '{label}' is a council's code, give the council's name with --publisher (on the Data page: "
                    "'Council name') and import again")
        self.publishers.setdefault(label, how + ("; not in the list of UK local authorities" if body_type != "health" else "") + hint)
        return label, None, body_type, area_of(label, body_type)


def _record(number, cells, state: _State) -> Record | None:
    where = f"row {number}"
    mapping, header, report, context = state.mapping, state.header, state.report, state.context

    def cell(field: str) -> str:
        index = mapping.get(field)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def title(field: str) -> str:
        return header[mapping[field]] if field in mapping else field

    cells = _split_glued_date(where, cells, state)
    if _total_line(number, cells, cell, state) or _note_line(number, cells, cell, state):
        return None
    ok = True
    for index, value in enumerate(cells):
        text = value.strip()
        if text[:1] == "=" and looks_like_formula(text):
            report.error(where, header[index] if index < len(header) else "", (
                f"'{text[:40]}' is a spreadsheet formula, not a value; replace it with its result"))
            ok = False
    amount = _amount(where, cell, title, state)
    date_text = cell("date")
    day = repair.parse_day(date_text, month_first=state.month_first) if date_text else None
    stored_date = None  # a month ('2014-09') or a period ('2010-07/2010-09') when the file gives no day
    undated = False  # decided at the end of the file (see _undated_payments)
    if not date_text and state.file_month is not None:
        undated, day, stored_date = True, dt.date(*state.file_month, 1), repair.month_text(*state.file_month)
    elif not date_text:
        report.error(where, title("date"), EMPTY_DATE)
    elif day is None and (month := repair.parse_month(date_text)) is not None:
        day, stored_date = dt.date(*month, 1), repair.month_text(*month)
        report.repair(where, title("date"), date_text, stored_date, (
            f"a month without a day: the payment was made in {repair.month_words(*month)}, and is kept as that month; "
            "no day is made up"))
    elif day is None and (span := repair.parse_period(date_text)) is not None:
        first, last = span
        if financial_year_of(dt.date(*first, 1)) != financial_year_of(dt.date(*last, 1)):
            report.error(where, title("date"), (
                f"'{date_text}' names a period that runs across two financial years, not the day the payment was made, "
                "so the year it belongs to cannot be known: give each payment's date (29/05/2026)"))
        else:
            day, stored_date = dt.date(*first, 1), repair.period_text(first, last)
            report.repair(where, title("date"), date_text, stored_date, (
                f"a period without a day: the payment was made between {repair.month_words(*first)} and "
                f"{repair.month_words(*last)} (financial year {financial_year_of(day)}), and is kept as that period; "
                "no day is made up"))
    elif day is None and (repair.month_only(date_text) or repair.period(date_text)):
        report.error(where, title("date"), (
            f"'{date_text}' names a {'month' if repair.month_only(date_text) else 'period'}, not the day the payment "
            "was made, and no day can be chosen for it: give each payment's date (29/05/2026)"))
    elif day is None and repair.parse_day(date_text, month_first=not state.month_first) is not None:
        order = "day first" if state.month_first else "month first (US style)"
        report.error(where, title("date"), (
            f"'{date_text}' can only be read {order}, but the file's other dates are not written that way, so which "
            "is meant cannot be known: write 2026-05-29 or 29/05/2026"))
    elif day is None:
        report.error(where, title("date"), f"'{date_text}' is not a date: write 2026-05-29 or 29/05/2026")
    if day is not None and not undated:
        state.months.add((day.year, day.month))
        problem = repair.date_problem(day, context.today)
        if problem:
            report.error(where, title("date"), problem)
            day = None
    body = state.body(cell("authority"), cell("authority_uri"))
    if body is None:
        raise report.fatal(_ask_for_publisher(context.file_name))
    beneficiary = cell("beneficiary") or cell("redacted")  # 'Redacted Supplier' said in a column of its own
    if not beneficiary:
        report.warning(where, title("beneficiary"), f"is empty; stored as '{NOT_GIVEN}'", before="", after=NOT_GIVEN)
        beneficiary = NOT_GIVEN
    if not ok or amount is None or day is None:
        return None

    authority, authority_id, body_type, district = body
    state.loaded_pence += amount
    state.section_pence += amount
    transaction = cell("transaction")
    line = cell("line")
    identity = (transaction + (f"/{line}" if line else "")) if transaction else hashlib.sha1(
        "|".join([date_text, beneficiary, cell("net") or cell("amount") or cell("gross"), cell("purpose"), cell("invoice")]).encode()
    ).hexdigest()[:16]
    occurrence = state.occurrences.get(identity, 0) + 1
    state.occurrences[identity] = occurrence
    redacted = beneficiary.lower() in REDACTED or beneficiary == NOT_GIVEN
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
        "date": stored_date or day.isoformat(),
        "body_type": body_type,
        "authority": authority,
        "authority_id": authority_id,
        "district": district,
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
    record = Record(key=values["uid"], where=where, values=values)
    if undated:
        state.undated.append((where, title("date"), record))
        return None
    return record


EMPTY_DATE = ("is empty; every payment needs a date: give the day it was paid, or import the valid rows only "
              "(--skip-invalid; on the Data page, 'Import the valid rows') to leave this line out")


def _undated_payments(state: _State) -> Iterator[Record]:
    """Payments without a date in a file whose name gives one month (Tameside's 'September
    2014': three monthly lump sums of benefit and care payments). When every dated payment
    in the file was made in that month, an undated one was too: kept as that month, each
    reported. Otherwise each is an error, as any empty date is."""
    if not state.undated:
        return
    month = state.file_month
    if state.months == {month}:
        words = repair.month_words(*month)
        for where, column, record in state.undated:
            state.report.repair(where, column, "", record.values["date"], (
                f"no date, in a file named for {words} whose every dated payment was made in {words}: "
                "kept as that month; no day is made up"))
            yield record
        return
    seen = ", ".join(repair.month_words(*m) for m in sorted(state.months)[:3]) or "none"
    for where, column, _record in state.undated:
        state.report.error(where, column, EMPTY_DATE + (
            f" (the file's name says {repair.month_words(*month)}, but its dated payments fall in other months: {seen})"))


TOTAL_WORDS = re.compile(r"^(grand |sub[ -]?|overall |report )?totals?( spend| paid| amount)?:?$", re.IGNORECASE)


def _total_line(number, cells: list[str], cell, state: _State) -> bool:
    """A line with an amount but no payment date whose other cells are empty or only say
    'Total' / 'Grand Total' (Network Rail's last line, Craven's unlabelled one): the
    file's own total, not a payment. It is left out with a note saying whether it agrees
    with the payments above it."""
    if cell("date") or not any(cell(f) for f in state.amount):
        return False
    amount_cells = {state.mapping[f] for f in state.amount}
    words = [c.strip() for i, c in enumerate(cells) if i not in amount_cells and re.search(r"[A-Za-z0-9]", c)]
    if any(not TOTAL_WORDS.match(w) for w in words):
        return False
    label = f" ('{words[0]}')" if words else ""
    try:
        pence = pounds_to_pence(repair.repair_amount(cell(state.amount[0])) or cell(state.amount[0]))
    except ValueError:
        pence = None
    if pence is not None and state.amount != ("gross", "vat"):
        agrees = pence in (state.loaded_pence, state.section_pence)
        state.report.note(
            f"Row {number}{label} is a total line of {money(pence)}, which "
            + ("equals the payments above it" if agrees else
               f"does not equal the payments above it ({money(state.loaded_pence)})")
            + "; it was left out."
        )
    else:
        state.report.note(f"Row {number}{label} gives an amount but no date, payee or reference (a total line); it was left out.")
    state.section_pence = 0
    return True


GLUED_DATE_AMOUNT = re.compile(r"^(\d{1,2}/\d{1,2}/\d{4})(-?\d+(?:\.\d{1,2})?)$")


def _split_glued_date(where: str, cells: list[str], state: _State) -> list[str]:
    """A row one cell short whose date cell runs into the amount beside it
    ('25/06/2012900': Lambeth's export lost the comma before amounts under £1,000): the
    date and the amount, each in its column, reported as a repair. Only when the amount
    column comes straight after the date column, so there is one reading."""
    date_at = state.mapping.get("date")
    amount_at = state.mapping.get(state.amount[0])
    if date_at is None or amount_at != date_at + 1 or len(cells) != len(state.header) - 1 or date_at >= len(cells):
        return cells
    glued = GLUED_DATE_AMOUNT.match(cells[date_at].strip())
    if glued is None or parse_date(glued.group(1)) is None:
        return cells
    day, amount = glued.groups()
    state.report.repair(where, state.header[date_at], cells[date_at], f"{day}', amount '{amount}",
                        "a date run into the amount beside it, the row one column short")
    return cells[:date_at] + [day, amount] + cells[date_at + 1:]


def _note_line(number, cells: list[str], cell, state: _State) -> bool:
    """A line of words below or between the payments ('© Copyright Network Rail 2021'): no
    amount, no payee, no reference and a single cell that is not a date. Left out with a
    note; a line with a payee or a date but no amount is still an error."""
    words = [c.strip() for c in cells if c.strip()]
    if len(words) != 1 or any(cell(f) for f in state.amount) or cell("beneficiary") or cell("transaction"):
        return False
    if parse_date(words[0]) is not None:
        return False
    state.report.note(f"Row {number} holds only the words '{words[0][:80]}', not a payment; it was left out.")
    return True


def _amount(where, cell, title, state: _State) -> int | None:
    """The payment in pence from the file's amount column(s), or None (with an error)."""
    pence = []
    for field in state.amount:
        text = cell(field)
        if not text:
            if field == "vat":
                pence.append(0)
                continue
            state.report.error(where, title(field), "is empty; every payment needs an amount")
            return None
        repaired = state.amount_repairs.get(text, False)
        if repaired is False:
            repaired = repair.repair_amount(text)
            if len(state.amount_repairs) < 100_000:  # distinct amounts remembered, within reason
                state.amount_repairs[text] = repaired
        try:
            pence.append(pounds_to_pence(repaired if repaired is not None else text))
        except ValueError:
            state.report.error(where, title(field), (
                f"'{text}' is not an amount of money: write it like 1234.56 or £1,234.56 (credits as -12.50)"))
            return None
        if "." in text and len(text.rpartition(".")[2].strip(" )-CRcr")) > 2 and _fraction_of_a_penny(repaired if repaired is not None else text):
            state.report.repair(where, title(field), text, f"{pence[-1] / 100:.2f}",
                                "an amount in fractions of a penny, rounded half up to the penny")
        if repaired is not None and repaired != text and not _plain_pounds(text):
            state.report.repair(where, title(field), text, repaired, "an amount written with £, commas or brackets")
    if state.amount == ("gross", "vat"):
        return pence[0] - pence[1]
    return pence[0]


def _fraction_of_a_penny(text: str) -> bool:
    """True for 653.625 (a sum with half a penny), not for a spreadsheet's float noise
    (815.3600000000006 is £815.36)."""
    hundredths = parse_number(text) * 100
    return abs(hundredths - hundredths.to_integral_value()) > SUB_PENNY


def _plain_pounds(text: str) -> bool:
    """Amounts every spend file writes this way (1,234.56; £1,234.56) are read without a
    warning; brackets and 'CR' for credits are reported."""
    return "(" not in text and "CR" not in text.upper() and not text.rstrip().endswith("-")
