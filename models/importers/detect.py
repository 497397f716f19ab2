"""Tell which standard a file follows from its content (never its name): JSON with
"grants" is 360Giving, JSON with "releases"/"records" is OCDS, a zip of register tables
is the Charity Commission extract, and a CSV, XLSX or XLS is told apart by its header row."""

from __future__ import annotations

import codecs
import re

from . import boundaries, charity_commission, council_spend, ocds, threesixtygiving, threesixtygiving_rules
from .report import ValidationReport
from .sources import Source, _drop_mark, _first_records, check_json, is_xls, is_zip, open_zip, read_xls, read_xlsx, sniff_delimiter

FORMAT_NAMES = {
    "360giving": threesixtygiving.LABEL,
    "spend": council_spend.LABEL,
    "charity-commission": charity_commission.LABEL,
    "ocds": ocds.LABEL,
    "boundaries": boundaries.LABEL,
}
EXPECTED = (
    "a 360Giving file (CSV, XLSX, XLS or JSON), a council spend-over-£500 file (CSV, XLSX or XLS), "
    "Charity Commission register tables (zipped .txt), an OCDS package (JSON) or boundaries (GeoJSON or TopoJSON)"
)


def detect_format(source: Source, report: ValidationReport, encoding: str = "auto") -> str:
    """'360giving', 'spend', 'charity-commission' or 'ocds'; raises FileRejected (with
    the reason in the report) when the content is none of them."""
    head = source.head(65536)
    if not head:
        raise report.fatal("the file is empty (0 bytes): nothing to import")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise report.fatal("the file is saved as UTF-16 (Unicode text); save it as 'CSV UTF-8 (comma delimited)' and import it again")
    if is_zip(head):
        return _zip_format(source, report)
    if is_xls(head):
        table = read_xls(source, report, sheet_names=("grants",), score=header_score)
        return _header_format(table.header, report)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise report.fatal("the file holds only blank lines: nothing to import")
    if stripped[:1] in (b"{", b"["):
        check_json(source, report)
        text = stripped.decode("utf-8", "replace")
        if boundaries.looks_like_boundaries(text):
            return "boundaries"
        if re.search(r'"grants"\s*:', text):
            return "360giving"
        if re.search(r'"(releases|records|ocid|compiledRelease)"\s*:', text):
            return "ocds"
        raise report.fatal(
            "the file is JSON but neither a 360Giving package ({\"grants\": [...]}) nor OCDS (a release, a record, "
            "or a package of them)"
        )
    codec = "cp1252" if encoding.lower() == "auto" and not _utf8(head) else ("utf-8-sig" if encoding.lower() in ("auto", "utf-8", "utf8") else encoding)
    try:
        sample = stripped.decode(codec, "replace")
    except LookupError:
        raise report.fatal(f"'{encoding}' is not a text encoding Python knows") from None
    first_line = sample.split("\n", 1)[0].rstrip("\r")
    if "\t" in first_line and charity_commission.table_of(first_line.split("\t")):
        return "charity-commission"
    delimiter, index = sniff_delimiter(sample, header_score)
    records = _first_records(sample, delimiter)
    return _header_format(records[index] if records else [], report, records)


def _utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start > len(head) - 4  # only a character cut at the end of the sample
    return True


def header_score(header: list[str]) -> float:
    """How strongly a row looks like a 360Giving or a spend header (for the header search)."""
    return max(threesixtygiving_rules.header_score(header), council_spend.header_score(header))


def _header_format(header: list[str], report: ValidationReport, first_rows: list[list[str]] = ()) -> str:
    header = [_drop_mark(header[0])] + list(header[1:]) if header else []
    if threesixtygiving_rules.header_score(header) > 0:
        return "360giving"
    if council_spend.header_score(header) >= 3:
        return "spend"
    shown = ", ".join(h for h in header[:8] if h)
    contracts = [h for h in header if h.lower().startswith("contract ")]
    kind = (" It looks like a contracts register (" + ", ".join(f"'{h}'" for h in contracts[:3]) + "): contracts let, "
            "not payments made, which the dashboard does not import.") if len(contracts) >= 2 else _summary_words(header, first_rows)
    raise report.fatal(
        f"cannot tell what kind of file this is from its column titles ({shown[:200]}).{kind} Expected {EXPECTED}. "
        "If it is one of these, check the header row, or choose the format yourself (--format)"
    )


def _summary_words(header: list[str], first_rows) -> str:
    """Words for a file of totals by supplier (a pivot table: 'Supplier Name, Total', no
    dates, no references), which holds no payments to import."""
    for row in [header, *first_rows]:
        mapping, _unmapped = council_spend.map_header([str(c).strip() for c in row])
        if "beneficiary" in mapping and any(f in mapping for f in council_spend.AMOUNT_FIELDS) and "date" not in mapping \
                and "transaction" not in mapping:
            titles = ", ".join(f"'{str(c).strip()}'" for c in row if str(c).strip())
            return (f" It looks like totals by supplier ({titles}): no payment dates, so no payments the dashboard can "
                    "import; the council's file of the payments themselves can be.")
    return ""


def _zip_format(source: Source, report: ValidationReport) -> str:
    archive = open_zip(source, report)
    names = archive.namelist()
    if "xl/workbook.xml" in names:
        archive.close()
        table = read_xlsx(source, report, sheet_names=("grants",), score=header_score)
        return _header_format(table.header, report)
    for name in names:
        if name.endswith("/"):
            continue
        with archive.open(name) as handle:
            first = handle.readline(65536).decode("utf-8-sig", "replace").rstrip("\r\n")
        if charity_commission.table_of(first.split("\t")):
            return "charity-commission"
    raise report.fatal(f"the zip archive holds neither an Excel workbook nor Charity Commission register tables. Expected {EXPECTED}")
