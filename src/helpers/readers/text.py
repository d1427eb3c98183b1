"""Reader for ``.txt`` and ``.md`` reports: lines → paragraphs and tables.

Handles the layouts text extraction produces: tab-separated cells (PDF/Word copy-paste),
markdown pipe tables (with ``<br>`` in cells), ``|``-separated rows, ``|``-per-line cell
streams (one cell per line, row boundaries lost), and space-aligned columns
(``pdftotext -layout``, form feeds marking pages).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..document import Cell, Document, Paragraph, Table, TableRow, heading_section
from .encoding import decode_bytes
from .layout import build_layout_table, is_layout_line

_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{0,}:?\s*)*\|?\s*$")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
_PAGE_NUMBER = re.compile(r"^\s*[-—–]\s*\d{1,3}\s*[-—–]\s*$|^\s*第\s*\d+\s*页(\s*共\s*\d+\s*页)?\s*$")
_SECTION_LINE = re.compile(r"^\s*[#*\s]*[一二三四五六]、")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MAX_GAP = 12  # text lines (wrapped labels) a layout table may skip before it ends


def _md_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [_BR.sub("\n", c).strip() for c in inner.split("|")]


def _pipe_cells(line: str) -> list[str]:
    """Cells of a line whose cells each end with ``|``: 「a | b |」 → [a, b]; 「||」 → ['', '']."""
    parts = line.strip().split("|")
    if parts and parts[-1].strip() == "":
        parts = parts[:-1]
    return [p.strip() for p in parts]


def _is_short_label(line: str) -> bool:
    text = line.strip()
    return 0 < len(text) <= 40 and "。" not in text and not _SECTION_LINE.match(text)


def _is_table_text(line: str) -> bool:
    """A short line that is not a section heading: a table's label or header text on its own line
    (Table 2's own 「一、本年新收…」 and 「四、结转…」 rows look like headings but are not)."""
    text = line.strip()
    return 0 < len(text) <= 40 and "。" not in text and heading_section(text) is None


class _Builder:
    def __init__(self, path: str, input_format: str, encoding: str | None):
        self.doc = Document(path=path, input_format=input_format, encoding=encoding)

    def paragraph(self, text: str, line: int, page: int, heading_level: int | None = None) -> None:
        self.doc.blocks.append(Paragraph(text, line, page, heading_level))

    def table(self, rows: list[TableRow], source: str, is_stream: bool = False) -> None:
        if rows:
            self.doc.blocks.append(Table(rows, index=len(self.doc.tables), is_stream=is_stream, source=source))


def parse_text(text: str, path: str = "<text>", input_format: str = "text", encoding: str | None = None) -> Document:
    """Build the document model from decoded report text."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines: list[tuple[int, int, str]] = []  # (line number, page, text)
    page = 1
    for number, line in enumerate(raw_lines, start=1):
        if "\f" in line:
            page += line.count("\f")
            line = line.replace("\f", "")
        lines.append((number, page, line.rstrip(" \r")))
    builder = _Builder(path, input_format, encoding)
    builder.doc.page_count = page if page > 1 else None
    i = 0
    n = len(lines)
    while i < n:
        number, pg, line = lines[i]
        stripped = line.strip()
        if not stripped or _PAGE_NUMBER.match(stripped):
            i += 1
            continue
        if stripped.startswith("|") and i + 1 < n and _MD_SEPARATOR.match(lines[i + 1][2]) and "-" in lines[i + 1][2]:
            i = _read_markdown(lines, i, builder)
        elif "\t" in line:
            i = _read_tabbed(lines, i, builder)
        elif "|" in stripped or (i + 1 < n and lines[i + 1][2].strip() == "|" and _is_short_label(line)):
            i = _read_pipes(lines, i, builder)
        elif is_layout_line(line):
            i = _read_layout(lines, i, builder)
        else:
            heading = _MD_HEADING.match(line)
            if heading:
                builder.paragraph(heading.group(2).strip(), number, pg, len(heading.group(1)))
            else:
                builder.paragraph(stripped, number, pg)
            i += 1
    return builder.doc


def _read_markdown(lines, i, builder) -> int:
    rows: list[TableRow] = []
    n = len(lines)
    while i < n and lines[i][2].strip().startswith("|"):
        number, pg, line = lines[i]
        if not (_MD_SEPARATOR.match(line) and "-" in line):
            rows.append(TableRow([Cell(t, number, pg) for t in _md_cells(line)], number, pg))
        i += 1
    builder.table(rows, "markdown")
    return i


def _read_tabbed(lines, i, builder) -> int:
    rows: list[TableRow] = []
    n = len(lines)
    while i < n:
        number, pg, line = lines[i]
        if "\t" in line:
            rows.append(TableRow([Cell(t.strip(), number, pg) for t in line.split("\t")], number, pg))
            i += 1
            continue
        # a blank line inside a table (page break) does not end it
        j = i
        while j < n and not lines[j][2].strip():
            j += 1
        if j < n and j - i <= 2 and j > i and "\t" in lines[j][2]:
            i = j
            continue
        break
    builder.table(rows, "tab")
    return i


def _read_pipes(lines, i, builder) -> int:
    """``|``-separated rows, or a stream of one cell per line (row boundaries lost)."""
    block: list[tuple[int, int, str]] = []
    n = len(lines)
    while i < n:
        number, pg, line = lines[i]
        stripped = line.strip()
        nxt = next((lines[k][2].strip() for k in range(i + 1, n) if lines[k][2].strip()), "")
        prev = block[-1][2].strip() if block else ""
        if "|" in stripped:
            block.append(lines[i])
        elif not stripped:
            pass
        elif _is_short_label(stripped) and (nxt.startswith("|") or (prev == "|" and "|" in nxt)):
            block.append(lines[i])
        else:
            break
        i += 1
    content = [ln for ln in block if ln[2].strip().strip("|").strip()]
    terminator_mode = any(ln[2].strip().endswith("|") and ln[2].strip().strip("|").strip() for ln in block)
    multi = sum(1 for ln in content if len([c for c in _pipe_cells(ln[2]) if c]) >= 2)
    if terminator_mode and content and multi * 2 >= len(content):
        rows = [TableRow([Cell(c, no, pg) for c in _pipe_cells(text)], no, pg) for no, pg, text in block]
        builder.table(rows, "pipe")
        return i
    cells: list[Cell] = []
    for no, pg, text in block:
        stripped = text.strip()
        if terminator_mode:
            cells.extend(Cell(c, no, pg) for c in _pipe_cells(stripped))
        elif stripped.strip("|").strip():
            cells.append(Cell(stripped, no, pg))
        elif stripped.count("|") > 1:  # separators with nothing between them: empty cells
            cells.extend(Cell("", no, pg) for _ in range(stripped.count("|") - 1))
    if cells:
        builder.table([TableRow(cells, cells[0].line, cells[0].page)], "pipe-stream", is_stream=True)
    return i


def _read_layout(lines, i, builder) -> int:
    block: list[tuple[int, int, str]] = []
    n = len(lines)
    while i < n:
        number, pg, line = lines[i]
        stripped = line.strip()
        if not stripped or _PAGE_NUMBER.match(stripped):
            i += 1
            continue
        if is_layout_line(line):
            block.append((number, pg, line))
            i += 1
            continue
        # a wrapped label line belongs to the table if another table line follows soon
        ahead = [text for _, _, text in lines[i + 1:i + 1 + 4 * _MAX_GAP] if text.strip()][:_MAX_GAP]
        if _is_table_text(stripped) and any(is_layout_line(a) for a in ahead):
            block.append((number, pg, line))
            i += 1
            continue
        break
    table = build_layout_table(block, index=len(builder.doc.tables))
    builder.doc.blocks.append(table)
    return i


def read_text(path: str | Path, input_format: str | None = None) -> Document:
    """Read a ``.txt``/``.md`` report into the document model."""
    path = Path(path)
    text, encoding = decode_bytes(path.read_bytes(), str(path))
    fmt = input_format or ("markdown" if path.suffix.lower() in {".md", ".markdown"} else "text")
    return parse_text(text, str(path), fmt, encoding)
