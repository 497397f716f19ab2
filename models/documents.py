"""Documents people download: one simple document model written as an accessible PDF and
as an editable Word (DOCX) file, so both always say the same thing.

A ``Document`` is a title, a language and a list of blocks (headings, paragraphs, bullet
lists, tables). ``pdf_bytes`` renders it through HTML with WeasyPrint as a tagged PDF/UA-1
file: a real text layer, a structure tree (H1/H2, P, L, Table with TH header cells and a
Caption), the document language and title set. ``docx_bytes`` writes it with python-docx
using Word's built-in Heading and Caption styles, header rows marked as table headers and
the language set on the default style, so a commissioner can edit it.

Every piece of text is escaped before it goes into the HTML, and the PDF renderer may fetch
nothing (no file, no network): text from users can neither run nor reach anywhere.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from typing import Sequence, Union

LANGUAGE = "en-GB"


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2  # 1 is the document's title; sections are 2, sub-sections 3


@dataclass(frozen=True)
class Paragraph:
    text: str
    emphasis: bool = False  # shown as a highlighted note (e.g. the fictional-data label)


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[str, ...] = ()  # columns aligned right (figures)


Block = Union[Heading, Paragraph, Bullets, Table]


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...]
    subject: str = ""
    author: str = ""
    language: str = LANGUAGE
    footer: str = ""  # printed at the foot of every PDF page beside the page number
    compact: bool = False  # smaller type and margins (a one-page report)

    def text(self) -> str:
        """Every word of the document as plain text (for tests and previews)."""
        parts = [self.title]
        for block in self.blocks:
            if isinstance(block, (Heading, Paragraph)):
                parts.append(block.text)
            elif isinstance(block, Bullets):
                parts.extend(block.items)
            elif isinstance(block, Table):
                parts.append(block.caption)
                parts.append(" | ".join(block.columns))
                parts.extend(" | ".join(row) for row in block.rows)
        return "\n".join(parts)


def table(caption: str, columns: Sequence[str], rows: Sequence[Sequence[object]], numeric: Sequence[str] = ()) -> Table:
    """A Table from any rows, every cell as text ('' for missing)."""
    return Table(
        caption=caption,
        columns=tuple(str(c) for c in columns),
        rows=tuple(tuple("" if cell is None else str(cell) for cell in row) for row in rows),
        numeric=tuple(numeric),
    )


# ---------------------------------------------------------------------------- PDF (via HTML)

CSS = """
@page {
  size: A4; margin: 20mm 18mm 22mm 18mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8.5pt; color: #333; }
}
html { font-family: "Liberation Sans", "DejaVu Sans", sans-serif; font-size: 10.5pt; line-height: 1.4; color: #111; }
h1 { font-size: 18pt; margin: 0 0 6pt; }
h2 { font-size: 13.5pt; margin: 16pt 0 4pt; border-bottom: 1pt solid #555; padding-bottom: 2pt; break-after: avoid; }
h3 { font-size: 11.5pt; margin: 12pt 0 4pt; break-after: avoid; }
p { margin: 0 0 6pt; }
p.note { border-left: 3pt solid #8a4b00; padding: 3pt 6pt; background: #fff4e5; }
ul { margin: 0 0 6pt 14pt; padding: 0; }
table { width: 100%; border-collapse: collapse; margin: 4pt 0 10pt; font-size: 9.5pt; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 3pt; }
th, td { border: 0.75pt solid #666; padding: 3pt 4pt; vertical-align: top; text-align: left; }
th { background: #e8e8e8; }
html.compact { font-size: 9pt; line-height: 1.3; }
html.compact h1 { font-size: 15pt; }
html.compact h2 { font-size: 11.5pt; margin: 9pt 0 3pt; }
html.compact table { font-size: 8.5pt; margin-bottom: 6pt; }
html.compact p { margin-bottom: 4pt; }
td.number, th.number { text-align: right; white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
"""


def html_text(document: Document) -> str:
    """The document as a complete, escaped HTML page (what the PDF is rendered from)."""
    esc = html.escape
    body = [f"<h1>{esc(document.title)}</h1>"]
    for block in document.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 2), 6)
            body.append(f"<h{level}>{esc(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            css = ' class="note"' if block.emphasis else ""
            body.append(f"<p{css}>{esc(block.text)}</p>")
        elif isinstance(block, Bullets):
            body.append("<ul>" + "".join(f"<li>{esc(item)}</li>" for item in block.items) + "</ul>")
        elif isinstance(block, Table):
            body.append(_html_table(block))
    meta = [f'<meta name="author" content="{esc(document.author)}">'] if document.author else []
    if document.subject:
        meta.append(f'<meta name="description" content="{esc(document.subject)}">')
    page = "@page { margin: 12mm 14mm 16mm 14mm; }" if document.compact else ""
    footer = page + f"@page {{ @bottom-left {{ content: {_css_string(document.footer)}; font-size: 8.5pt; color: #333; }} }}"
    compact = ' class="compact"' if document.compact else ""
    return (
        f'<!DOCTYPE html><html lang="{esc(document.language)}"{compact}><head><meta charset="utf-8">'
        f"<title>{esc(document.title)}</title>{''.join(meta)}"
        f"<style>{CSS}{footer}</style></head>"
        f"<body>{''.join(body)}</body></html>"
    )


def _css_string(text: str) -> str:
    """Text as a CSS string literal: every character but letters, digits and spaces as a
    hexadecimal escape, so nothing in it can end the string or the style element."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def _html_table(block: Table) -> str:
    esc = html.escape
    numeric = {i for i, c in enumerate(block.columns) if c in block.numeric}

    def cls(i: int) -> str:
        return ' class="number"' if i in numeric else ""

    head = "".join(f'<th scope="col"{cls(i)}>{esc(c)}</th>' for i, c in enumerate(block.columns))
    rows = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{esc(cell)}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in block.rows
    )
    return f"<table><caption>{esc(block.caption)}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def pdf_bytes(document: Document) -> bytes:
    """The document as a tagged PDF/UA-1 file (WeasyPrint), fetching nothing from outside."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    no_fetching = URLFetcher(allowed_protocols=frozenset())
    return HTML(string=html_text(document), url_fetcher=no_fetching).write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True,
    )


# ---------------------------------------------------------------------------- DOCX


def docx_bytes(document: Document) -> bytes:
    """The document as an editable Word file: built-in Title/Heading/Caption styles, header
    rows repeated and marked as headers, the language set on every style's default."""
    from docx import Document as WordDocument
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    word = WordDocument()
    word.core_properties.title = document.title
    word.core_properties.subject = document.subject
    word.core_properties.author = document.author
    word.core_properties.language = document.language
    _set_language(word, document.language, OxmlElement, qn)
    word.styles["Normal"].font.name = "Arial"
    word.styles["Normal"].font.size = Pt(11)

    word.add_heading(document.title, level=1)
    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=min(max(block.level, 2), 6))
        elif isinstance(block, Paragraph):
            paragraph = word.add_paragraph()
            run = paragraph.add_run(block.text)
            run.bold = block.emphasis
        elif isinstance(block, Bullets):
            for item in block.items:
                word.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            word.add_paragraph(block.caption, style="Caption")
            grid = word.add_table(rows=1, cols=len(block.columns))
            grid.style = "Table Grid"
            grid.alignment = WD_TABLE_ALIGNMENT.LEFT
            _describe_table(grid, block.caption, OxmlElement, qn)
            header = grid.rows[0]
            _mark_header_row(header, OxmlElement, qn)
            numeric = {i for i, c in enumerate(block.columns) if c in block.numeric}
            for i, column in enumerate(block.columns):
                cell = header.cells[i]
                cell.text = ""
                run = cell.paragraphs[0].add_run(column)
                run.bold = True
            for row in block.rows:
                cells = grid.add_row().cells
                for i, value in enumerate(row):
                    cells[i].text = value
                    if i in numeric:
                        cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _set_language(word, language: str, OxmlElement, qn) -> None:
    """The language on the document's default run properties (w:docDefaults/w:lang)."""
    defaults = word.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)


def _mark_header_row(row, OxmlElement, qn) -> None:
    """A row that repeats on each page and that screen readers announce as the header."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _describe_table(grid, caption: str, OxmlElement, qn) -> None:
    """The table's title (alternative text) for screen readers (w:tblCaption)."""
    properties = grid._tbl.tblPr
    element = OxmlElement("w:tblCaption")
    element.set(qn("w:val"), caption[:255])
    properties.append(element)
