"""One table continued over a page break becomes one table again.

Word, WPS and LibreOffice break a table at the page end and carry on at the top of the next
page with the same columns. The break cuts through cells: a row's label ends on one page and
its numbers or the rest of its label start the next; a merged cell (a group label, numbers
merged over several rows) is drawn once on each page. Stitching puts them back together:

- the continuation's leading rows that repeat the table's header rows are dropped;
- a merged cell (a group label, numbers merged over several rows) cut by the break is drawn
  on both pages: its part at the top of the continuation extends the part reaching the bottom
  of the first (empty, or text that neither starts a numbered item nor puts a number under a
  number), so it is one cell again.

A row cut in two by the break stays two rows, a label on one and the rest of the label or its
numbers on the next: the table parser, which knows the labels, joins them (a label without
numbers waits for them). Joining them here, knowing no labels, could join a row printed
blank with the next row.

Positions come from the cells' boxes, so nothing here knows what the table is about.
"""

from __future__ import annotations

from ..document import Cell, TableRow, looks_like_value
from ..normalize import split_numbering

TOLERANCE = 3.0  # points


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE


def compatible(first_xs: list[float] | None, next_xs: list[float] | None) -> bool:
    """The second table has the first one's outer edges and mostly its column edges."""
    if not first_xs or not next_xs:
        return False
    if not (_same(first_xs[0], next_xs[0]) and _same(first_xs[-1], next_xs[-1])):
        return False
    inner = next_xs[1:-1]
    matched = sum(any(_same(x, y) for y in first_xs) for x in inner)
    return not inner or matched >= 0.5 * len(inner)


def _starts_item(text: str) -> bool:
    return split_numbering(text)[0] > 0


def _continues(top: Cell, bottom: Cell) -> bool:
    """Whether ``top`` (first row of the continuation) carries on ``bottom`` (a cell reaching
    the first part's last line)."""
    if not top.text.strip():
        return True
    if _starts_item(top.text):
        return False
    top_value, bottom_value = looks_like_value(top.text), looks_like_value(bottom.text)
    if top_value and bottom.text.strip():
        return False
    return not (bottom_value and bottom.text.strip() and not top_value)


def _texts(row: TableRow) -> list[str]:
    return [c.text.strip() for c in row.cells]


def bottom_cells(rows: list[TableRow]) -> list[tuple[Cell, tuple]]:
    """The cells reaching the bottom of one page's part of a table, with their box on that page."""
    boxed = [(c, c.bbox) for row in rows for c in row.cells if c.bbox]
    if not boxed:
        return []
    bottom = max(box[3] for _, box in boxed)
    return [(c, box) for c, box in boxed if _same(box[3], bottom)]


def stitch(first: list[TableRow], reaching: list[tuple[Cell, tuple]], continuation: list[TableRow]
           ) -> tuple[list[TableRow], list[tuple[Cell, tuple]]]:
    """The rows of one table made of ``first`` and its ``continuation`` on the next page.

    ``reaching`` are the cells reaching the bottom of the first part's last page (see
    :func:`bottom_cells`); the cells reaching the bottom of the continuation are returned with
    the rows, for the next page.
    """
    rows = list(continuation)
    header = 0
    while header < min(len(first), len(rows)) and _texts(first[header]) == _texts(rows[header]) \
            and not any(looks_like_value(t) and t for t in _texts(rows[header])):
        header += 1
    rows = rows[header:]
    next_reaching = bottom_cells(rows)
    if not rows or not first or not reaching:
        return first + rows, next_reaching
    head = rows[0]
    last_top = max(box[1] for _, box in reaching)
    kept: list[Cell] = []
    for cell in head.cells:
        partner = next((c for c, box in reaching if cell.bbox and _same(box[0], cell.bbox[0])
                        and _same(box[2], cell.bbox[2]) and (cell.rowspan > 1 or box[1] < last_top - TOLERANCE)), None)
        # only merged cells carry over: a group label or numbers merged over several rows
        if partner is None or not _continues(cell, partner):
            kept.append(cell)
            continue
        text = cell.text.strip()
        if text:
            partner.text = f"{partner.text}\n{text}" if partner.text.strip() else text
            scores = [v for v in (partner.confidence, cell.confidence) if v is not None]
            partner.confidence = min(scores) if scores else None
        partner.rowspan += cell.rowspan
        next_reaching = [(partner if c is cell else c, box) for c, box in next_reaching]
    return [*first, TableRow(kept, head.line, head.page), *rows[1:]], next_reaching
