"""One table continued over a page break becomes one table again.

Word, WPS and LibreOffice break a table at the page end and carry on at the top of the next
page with the same columns. The break cuts through cells: a row's label ends on one page and
its numbers or the rest of its label start the next; a merged cell (a group label, numbers
merged over several rows) is drawn once on each page. Stitching puts them back together:

- the continuation's leading rows that repeat the table's header rows are dropped;
- when every cell of the continuation's first row continues the cell above it in the same
  column (empty, or text that neither starts a numbered item nor puts a number under a
  number), that row was cut by the break and is merged into the first part's last row;
- otherwise only merged cells carry over (a group label or numbers merged over several rows,
  drawn once on each page): the top part is extended and takes the bottom part's text.

Positions come from the cells' boxes, so nothing here knows what the table is about.
"""

from __future__ import annotations

from ..document import Cell, TableRow
from ..normalize import split_numbering
from ..values import looks_like_value

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


def stitch(first: list[TableRow], continuation: list[TableRow]) -> list[TableRow]:
    """The rows of one table made of ``first`` and the ``continuation`` on the next page."""
    rows = list(continuation)
    header = 0
    while header < min(len(first), len(rows)) and _texts(first[header]) == _texts(rows[header]) \
            and not any(looks_like_value(t) and t for t in _texts(rows[header])):
        header += 1
    rows = rows[header:]
    if not rows or not first:
        return first + rows
    bottom_edge = max(c.bbox[3] for row in first for c in row.cells if c.bbox)
    reaching = [c for row in first for c in row.cells if c.bbox and _same(c.bbox[3], bottom_edge)]
    head = rows[0]
    matches: list[tuple[Cell, Cell | None]] = []
    for cell in head.cells:
        partner = next((b for b in reaching if cell.bbox and _same(b.bbox[0], cell.bbox[0])
                        and _same(b.bbox[2], cell.bbox[2])), None)
        matches.append((cell, partner if partner is not None and _continues(cell, partner) else None))
    merge_row = all(partner is not None for _, partner in matches) and bool(matches)
    if not merge_row:  # a new row: only merged cells (group labels, merged numbers) carry over
        last_top = max(c.bbox[1] for c in reaching)
        matches = [(cell, partner if partner is not None and (cell.rowspan > 1 or partner.bbox[1] < last_top - TOLERANCE)
                    else None) for cell, partner in matches]
    kept: list[Cell] = []
    for cell, partner in matches:
        if partner is None:
            kept.append(cell)
            continue
        text = cell.text.strip()
        if text:
            partner.text = f"{partner.text}\n{text}" if partner.text.strip() else text
        partner.rowspan += cell.rowspan - (1 if merge_row else 0)
        partner.bbox = (*partner.bbox[:3], cell.bbox[3])
    out = list(first)
    if not merge_row:
        out.append(TableRow(kept, head.line, head.page))
    return out + rows[1:]
