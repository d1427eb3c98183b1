"""The document model every reader returns: paragraphs and tables, in reading order.

Readers import this model and nothing that understands a report; the few shapes of a report's
text a reader needs to cut a file into blocks (a number, a section heading, a report title)
are recognised here (:func:`looks_like_value`, :func:`heading_section`,
:func:`report_year_from_text`).

A table is a list of rows of cells as printed (merged cells appear once, at their first
position). ``Table.is_stream`` marks tables whose row boundaries were lost in extraction
(one cell per line); the table parser then finds rows from their labels.
Every cell and paragraph keeps where it came from: line, page, and (for layout text) the
character offset of its column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import schema
from .normalize import norm
from .values import looks_like_value


MIN_CONFIDENCE = 0.9  # OCR: a cell whose least certain character scores less is not trusted (value left null)


@dataclass
class Cell:
    text: str
    line: int | None = None  # 1-based line in the source text
    page: int | None = None  # 1-based page where known
    x: float | None = None  # horizontal position (character offset or PDF points)
    rowspan: int = 1
    colspan: int = 1
    bbox: tuple[float, float, float, float] | None = None  # (x0, top, x1, bottom) in PDF points
    is_label: bool = False  # the reader knows this text is label text, even if it reads like a value (「无」)
    confidence: float | None = None  # OCR: the lowest recognition confidence of its characters; None if not OCR'd

    @property
    def holds_value(self) -> bool:
        """A number or a blank placeholder (「—」「无」), not label text."""
        return not self.is_label and looks_like_value(self.text)

    def position(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"p{self.page}")
        if self.line is not None:
            parts.append(f"L{self.line}")
        return ":".join(parts)


@dataclass
class TableRow:
    cells: list[Cell]
    line: int | None = None
    page: int | None = None

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class Table:
    rows: list[TableRow]
    index: int = 0
    is_stream: bool = False
    source: str = ""  # how the reader found it: "tab", "markdown", "pipe", "layout", ...

    @property
    def first_line(self) -> int | None:
        return self.rows[0].line if self.rows else None


@dataclass
class Paragraph:
    text: str
    line: int | None = None
    page: int | None = None
    heading_level: int | None = None  # markdown heading level when the source said so


Block = Paragraph | Table


@dataclass
class Document:
    path: str
    input_format: str
    blocks: list[Block] = field(default_factory=list)
    encoding: str | None = None
    page_count: int | None = None
    warnings: list[str] = field(default_factory=list)  # what the reader could not read with certainty
    edge_pages: list[int] = field(default_factory=list)  # pages with a table reaching the page's edge
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR (no usable text layer)
    cuts: list[str] = field(default_factory=list)  # what a limit left unread (helpers.limits), figure and limit

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def plain_text(self) -> str:
        """All text in reading order, table rows joined with tabs."""
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                out.append(block.text)
            else:
                out.extend("\t".join(row.texts) for row in block.rows)
        return "\n".join(out)


# ---------------------------------------------------------------- shapes of a report's text

REPORT_TITLE = re.compile(r"^(?P<agency>.*?)(?:关于)?(?:报送|上报|呈报|公布|印发)?(?P<year>(?:19|20)\d{2})年度?(?:本级)?"
                          r"政府信息公开(?:工作)?(?:年度)?(?:情况)?(?:的)?(?:年度)?报告")
_HEADING = re.compile(r"^[#*\s]*([一二三四五六七])[、.．]\s*(.*)$")
MAX_HEADING = 40


def heading_section(text: str) -> schema.Section | None:
    """The report section a line heads, if it is a heading: short, numeral and 、, a keyword.

    >>> heading_section("四、政府信息公开行政复议、行政诉讼情况").key
    's4_review_litigation'
    >>> heading_section("四、结转下年度继续办理") is None  # a Table 2 row, not a heading
    True
    >>> heading_section("六、存在的主要问题和改进情况").key  # after 「五、信息处理费收取情况」
    's5_problems'
    """
    text = text.replace("**", "").strip()
    m = _HEADING.match(text)
    if not m or len(norm(text)) > MAX_HEADING:
        return None
    return schema.section_of_heading(m.group(1), norm(m.group(2)))


def report_year_from_text(text: str) -> int | None:
    """The year of a report title in ``text`` (「荔湾区花地街 2020 年政府信息公开工作 年度报告」 → 2020)."""
    m = REPORT_TITLE.search(norm(text))
    return int(m.group("year")) if m else None
