"""Tell which standard a file follows from its content (never its name): JSON with
"grants" is 360Giving, JSON with "releases"/"records" is OCDS, a zip of register tables
is the Charity Commission extract, and a CSV or XLSX is told apart by its header row."""

from __future__ import annotations

import codecs
import csv
import re

from . import boundaries, charity_commission, council_spend, ocds, threesixtygiving
from .report import ValidationReport
from .sources import Source, is_zip, open_zip, read_xlsx

FORMAT_NAMES = {
    "360giving": threesixtygiving.LABEL,
    "spend": council_spend.LABEL,
    "charity-commission": charity_commission.LABEL,
    "ocds": ocds.LABEL,
    "boundaries": boundaries.LABEL,
}
EXPECTED = (
    "a 360Giving file (CSV, XLSX or JSON), a council spend-over-£500 file (CSV or XLSX), "
    "Charity Commission register tables (zipped .txt), an OCDS package (JSON) or boundaries (GeoJSON or TopoJSON)"
)


def detect_format(source: Source, report: ValidationReport, encoding: str = "utf-8") -> str:
    """'360giving', 'spend', 'charity-commission' or 'ocds'; raises FileRejected (with
    the reason in the report) when the content is none of them."""
    head = source.head(65536)
    if not head:
        raise report.fatal("the file is empty (0 bytes): nothing to import")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise report.fatal("the file is saved as UTF-16 (Unicode text); save it as 'CSV UTF-8 (comma delimited)' and import it again")
    if is_zip(head):
        return _zip_format(source, report)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise report.fatal("the file holds only blank lines: nothing to import")
    if stripped[:1] in (b"{", b"["):
        text = stripped.decode("utf-8", "replace")
        if boundaries.looks_like_boundaries(text):
            return "boundaries"
        if re.search(r'"grants"\s*:', text):
            return "360giving"
        if re.search(r'"(releases|records|ocid)"\s*:', text):
            return "ocds"
        raise report.fatal(
            "the file is JSON but neither a 360Giving package ({\"grants\": [...]}) nor an OCDS package ({\"releases\": [...]})"
        )
    first_line = stripped.split(b"\n", 1)[0].decode(encoding if encoding.lower() != "utf-8" else "utf-8", "replace").rstrip("\r")
    if "\t" in first_line and charity_commission.table_of(first_line.split("\t")):
        return "charity-commission"
    header = next(csv.reader([first_line]), [])
    return _header_format(header, report)


def _header_format(header: list[str], report: ValidationReport) -> str:
    titles = {threesixtygiving.normalise_title(h) for h in header}
    standard_titles = titles & set(threesixtygiving.field_rules())
    if "identifier" in titles and len(standard_titles) >= 4:
        return "360giving"
    if council_spend.header_score(header) >= 3:
        return "spend"
    shown = ", ".join(h for h in header[:8] if h)
    raise report.fatal(
        f"cannot tell what kind of file this is from its first row ({shown[:200]}). Expected {EXPECTED}. "
        "If it is one of these, check the header row, or choose the format yourself (--format)"
    )


def _zip_format(source: Source, report: ValidationReport) -> str:
    archive = open_zip(source, report)
    names = archive.namelist()
    if "xl/workbook.xml" in names:
        archive.close()
        table = read_xlsx(source, report, sheet_names=("grants",))
        return _header_format(table.header, report)
    for name in names:
        if name.endswith("/"):
            continue
        with archive.open(name) as handle:
            first = handle.readline(65536).decode("utf-8-sig", "replace").rstrip("\r\n")
        if charity_commission.table_of(first.split("\t")):
            return "charity-commission"
    raise report.fatal(f"the zip archive holds neither an Excel workbook nor Charity Commission register tables. Expected {EXPECTED}")
