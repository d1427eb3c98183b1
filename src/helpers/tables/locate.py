"""Find the statistical tables in a document.

The document is walked in reading order; section headings (二、三、四、五) and table markers
(the 第二十条 captions, Table 2's corner note and applicant header, Table 3's 行政复议/行政诉讼
header, Table 4's 通知收取/实际收取 header and 信息处理费收取情况 row) say which table the
following rows belong to. Short paragraph lines inside a table's
region are kept as rows too: some extractions print every cell on a line of its own.
"""

from __future__ import annotations

from functools import lru_cache

from .. import schema
from ..document import Cell, Document, Paragraph, Table
from ..normalize import norm, split_numbering
from ..values import looks_like_value
from .labels import resolve_t2
from .model import RegionRow
from .t1 import caption_subtable

MAX_PARAGRAPH_CELL = 80
MAX_HEADING_TEXT = 30
MAX_CAPTION_TEXT = 16  # 「第二十条第（一）项」 and a little more
MIN_HEADING_TEXT = 4  # 「三、 予公」 is two merged cells' characters side by side, not a heading
_SECTION_TO_TABLE = {"s2_active": "t1", "s3_applications": "t2", "s4_review_litigation": "t3",
                     schema.FEE_SECTION.key: "t4"}
_T2_MARKERS = (*schema.T2_CORNER_MARKERS, schema.T2_HEADER_LABELS[0],
               split_numbering(schema.T2_ROWS_2019[0].label)[2])
_T4_MARKERS = tuple(norm(m) for m in schema.T4_MARKERS)


@lru_cache(maxsize=1 << 16)  # cell texts repeat across rows and reports
def _cell_marker(text: str) -> str | None:
    """The table a cell's text opens, if any."""
    n = norm(text)
    if not n:
        return None
    if caption_subtable(n):
        return "t1"
    if any(m in n for m in _T2_MARKERS):
        return "t2"
    if n in schema.T3_MARKERS or (n.startswith(schema.T3_MARKERS[0]) and len(n) <= 8):
        return "t3"
    if len(n) <= MAX_HEADING_TEXT and n.startswith(_T4_MARKERS) and not any(p in n for p in "。,;"):
        return "t4"  # a header or row label cell, not a sentence about the fees
    return None


def _marker(cells: list[Cell]) -> str | None:
    for cell in cells:
        marker = _cell_marker(cell.text)
        if marker is not None:
            return marker
    # a caption spread over columns by its spacing (「第二十条第」「（一）」「项」 in layout text)
    joined = norm("".join(c.text for c in cells))
    if len(cells) > 1 and len(joined) <= MAX_CAPTION_TEXT and caption_subtable(joined):
        return "t1"
    return None


def table_regions(doc: Document, headings: dict[int, str]) -> dict[str, list[RegionRow]]:
    """Rows per table. ``headings`` maps block index → section key for the section headings."""
    regions: dict[str, list[RegionRow]] = {"t1": [], "t2": [], "t3": [], "t4": []}
    state: str | None = None
    for index, block in enumerate(doc.blocks):
        if index in headings:
            state = _SECTION_TO_TABLE.get(headings[index])
            continue
        if isinstance(block, Paragraph):
            if len(block.text) > MAX_PARAGRAPH_CELL:
                continue
            cells = _paragraph_cells(block)
            if _other_heading(block.text):
                state = None  # 「五、信息处理费收取情况」 and other numbered sections close the table before them
                continue
            state = _marker(cells) or state  # a caption line opens its table wherever the headings are
            if state is not None:
                regions[state].append(RegionRow(cells, is_stream=True, from_paragraph=True))
            continue
        assert isinstance(block, Table)
        for row in _split_streams(block):
            texts = [c.text for c in row.cells if c.text.strip()]
            if len(texts) == 1 and _other_heading(texts[0]):
                state = None  # a heading that extraction left inside a table block
                continue
            marker = _marker(row.cells)
            if marker is not None and not (marker == "t3" and state == "t2" and _is_t2_row(row.cells)):
                state = marker
            if state is not None:
                regions[state].append(row)
    return regions


def _paragraph_cells(block: Paragraph) -> list[Cell]:
    """A short paragraph as cells: one, or one per number when it is a row of numbers only
    (「0 0 0 … 0」: a table's row of values that extraction left as a line of text)."""
    tokens = block.text.split()
    if len(tokens) > 1 and all(looks_like_value(t) for t in tokens):
        return [Cell(t, block.line, block.page) for t in tokens]
    return [Cell(block.text, block.line, block.page)]


def _other_heading(text: str) -> bool:
    """A numbered section heading (「五、…」) that is no Table 2 row (「四、结转下年度继续办理」)."""
    level, _, rest = split_numbering(text)
    return level == 1 and MIN_HEADING_TEXT <= len(rest) <= MAX_HEADING_TEXT and resolve_t2(text) is None and not _marker(
        [Cell(text)])


def _is_t2_row(cells: list[Cell]) -> bool:
    return any(resolve_t2(c.text) is not None for c in cells if c.text.strip())


def _split_streams(table: Table) -> list[RegionRow]:
    """Grid rows as they are; a stream row is cut where another table's marker begins."""
    if not table.is_stream:
        return [RegionRow(row.cells, table_index=table.index) for row in table.rows]
    out: list[RegionRow] = []
    for row in table.rows:
        current: list[Cell] = []
        current_marker: str | None = None
        for cell in row.cells:
            marker = _marker([cell])
            if marker is not None and marker != current_marker and current:
                out.append(RegionRow(current, is_stream=True, table_index=table.index))
                current = []
            current_marker = marker or current_marker
            current.append(cell)
        if current:
            out.append(RegionRow(current, is_stream=True, table_index=table.index))
    return out
