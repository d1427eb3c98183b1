"""What the table parser produces: one record per canonical cell, traceable to its source."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Cell


@dataclass
class CellValue:
    """One canonical cell: the number, the printed text it came from, and where that was."""

    key: str
    value: int | float | None
    raw: str | None  # printed cell text; None when the row or column was not printed at all
    label: str = ""  # the row label as printed
    line: int | None = None
    page: int | None = None
    x: float | None = None
    unit: str | None = None  # unit printed with an amount (元, 万元, 亿元) or taken from its header
    derived: bool = False  # not printed: forced by the report's own arithmetic (see align, report)
    confidence: float | None = None  # OCR: the lowest recognition confidence of the cell's characters

    @classmethod
    def from_cell(cls, key: str, value, cell: Cell | None, label: str, unit: str | None = None) -> "CellValue":
        if cell is None:
            return cls(key, value, None, label, unit=unit)
        return cls(key, value, cell.text, label, cell.line, cell.page, cell.x, unit, confidence=cell.confidence)

    @property
    def source(self) -> str:
        return value_source(self.derived, self.confidence)


def value_source(derived: bool, confidence: float | None) -> str:
    """How a value was read: ``derived`` (forced by arithmetic), ``ocr`` (recognised from a page
    image: it has a confidence) or ``text``."""
    if derived:
        return "derived"
    return "ocr" if confidence is not None else "text"


@dataclass
class TableResult:
    name: str  # "t1", "t2" or "t3"
    found: bool = False
    template: str | None = None  # the format this table was printed in
    complete: bool = False
    cells: dict[str, CellValue] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    doubts: list[str] = field(default_factory=list)  # the warnings after which a printed value may be unread
    short_rows: int = 0  # rows that printed fewer numbers than the table has columns
    votes: dict[str, int] = field(default_factory=dict)
    first_line: int | None = None
    first_page: int | None = None
    printed_rows: set[str] = field(default_factory=set)  # Table 1: 「<subtable>.<row>」 whose label is printed

    def vote(self, template: str, weight: int = 1) -> None:
        self.votes[template] = self.votes.get(template, 0) + weight

    def warn(self, message: str, doubt: bool = True) -> None:
        """Record a warning; ``doubt`` unless every printed value was still read with certainty."""
        self.warnings.append(message)
        if doubt:
            self.doubts.append(message)


@dataclass
class RegionRow:
    """A row of cells in a table region; stream rows have lost their row boundaries."""

    cells: list[Cell]
    is_stream: bool = False
    from_paragraph: bool = False
    table_index: int | None = None  # the document table it came from (None for paragraphs)

    @property
    def line(self) -> int | None:
        return self.cells[0].line if self.cells else None
