"""Put a row's printed value cells into the table's columns, or say why that is impossible.

Extraction adds phantom empty cells (trailing tabs, merged label cells printed twice) and
loses cells (a merged cell printed once). The rule, for a row of printed cells and ``n``
columns:

* exactly ``n`` cells: one cell per column;
* more cells, but the surplus is empty: drop trailing empties first (phantom cells), then
  leading ones (remnants of merged label cells);
* more non-empty cells than columns: accepted only when every alignment reads the same
  values (for instance eight zeros for seven columns); otherwise all null;
* one number too few, every cell a number, and the row has an identity (Table 2's
  总计 = the six applicant columns; Table 3's 总计 = its four results): every place the
  missing number could have been is tried, the number completed from the identity; when
  all of them give the same row (six 0s for seven columns), that row is read and the
  completed cell is marked derived; otherwise all null;
* fewer cells than columns otherwise: the gap cannot be placed, so all null.

Where the table's header row gives each column's position, an ambiguous choice of empty
cells to drop is settled by it: the reading whose values sit under their column headers.

Every case but the first that changes what is read adds a warning; ``doubt`` says whether
the row's printed values may not all have been read as printed (the report is then partial).
A completed row is in doubt too: a blank cell lost in extraction looks like a lost number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Cell
from ..values import parse_count

# an identity within a row: (indices of the parts, index of their total)
Identity = tuple[tuple[int, ...], int]


@dataclass
class Alignment:
    cells: list[Cell | None]  # one per column; None where nothing is read
    warning: str | None = None
    doubt: bool = False  # a printed value may be unread or misplaced
    derived: dict[int, int] = field(default_factory=dict)  # column → value forced by an identity
    short: bool = False  # the row printed fewer numbers than there are columns


def _filled(cell: Cell) -> bool:
    return bool(cell.text.strip())


def _under_header(window_start: int, window: list[Cell], positions: list[int], header: list[int | None]) -> bool:
    """True when every filled cell of the window sits at its column's header position."""
    for offset, cell in enumerate(window):
        if _filled(cell) and header[offset] != positions[window_start + offset]:
            return False
    return True


def complete_by_identity(numbers: list[int], identities: list[Identity]) -> tuple[list[int], list[int]] | None:
    """The row and the places the missing number may have been, when one number is missing from
    ``numbers`` and every such place, completed from the identity that column belongs to, gives
    the same row.

    >>> complete_by_identity([0, 0, 0, 0, 0, 0], [((0, 1, 2, 3, 4, 5), 6)])
    ([0, 0, 0, 0, 0, 0, 0], [0, 1, 2, 3, 4, 5, 6])
    >>> complete_by_identity([21, 0, 0, 0, 0, 0], [((0, 1, 2, 3, 4, 5), 6)])  # parts can't be negative
    ([21, 0, 0, 0, 0, 0, 21], [6])
    >>> complete_by_identity([3, 0, 0, 0, 0, 3], [((0, 1, 2, 3, 4, 5), 6)]) is None  # 3 could be either
    True
    """
    readings: dict[tuple[int, ...], list[int]] = {}
    for missing in range(len(numbers) + 1):
        row: list[int] = [*numbers[:missing], 0, *numbers[missing:]]
        identity = next((i for i in identities if missing in i[0] or missing == i[1]), None)
        if identity is None:
            return None
        parts, total = identity
        if missing == total:
            row[missing] = sum(row[p] for p in parts)
        else:
            row[missing] = row[total] - sum(row[p] for p in parts if p != missing)
            if row[missing] < 0:
                continue
        readings.setdefault(tuple(row), []).append(missing)
    if len(readings) != 1:
        return None
    (row, places), = readings.items()
    return list(row), places


def align(slots: list[Cell], n: int, positions: list[int] | None = None,
          header: list[int | None] | None = None, identities: list[Identity] | None = None) -> Alignment:
    """Place a row's printed cells into ``n`` columns.

    ``positions`` are the slots' indices in their printed row; ``header`` the index of each
    column's header cell in the same table fragment (None where unknown); ``identities`` the
    row's own arithmetic, for completing a row printed with one number too few.
    """
    cells = list(slots)
    if len(cells) == n:
        return Alignment(cells)
    filled = [c for c in cells if _filled(c)]
    if not filled:
        return Alignment([None] * n)
    if len(cells) < n:
        return _too_few(cells, filled, n, identities)
    windows = [cells[i:i + n] for i in range(len(cells) - n + 1)]
    clean = [(i, w) for i, w in enumerate(windows)
             if not any(_filled(c) for c in cells[:i] + cells[i + n:])]
    if clean:
        readings = {tuple(c.text.strip() for c in w) for _, w in clean}
        if len(readings) > 1 and positions is not None and header is not None and all(h is not None for h in header):
            placed = [w for i, w in clean if _under_header(i, w, positions, header)]
            if len({tuple(c.text.strip() for c in w) for w in placed}) == 1:
                return Alignment(placed[0])
        trimmed = list(cells)
        while len(trimmed) > n and not _filled(trimmed[-1]):
            trimmed.pop()
        while len(trimmed) > n and not _filled(trimmed[0]):
            trimmed.pop(0)
        if len(readings) == 1:
            return Alignment(trimmed)
        return Alignment(trimmed, f"{len(cells)} cells for {n} columns and the empty ones could be dropped in "
                                  f"{len(readings)} ways; trailing empty cells were dropped first", doubt=True)
    while not _filled(cells[-1]):
        cells.pop()
    while not _filled(cells[0]):
        cells.pop(0)
    windows = [cells[i:i + n] for i in range(len(cells) - n + 1)]
    readings = {tuple(c.text.strip() for c in w) for w in windows}
    if len(readings) == 1:
        return Alignment(windows[0], f"{len(filled)} numbers for {n} columns; every alignment reads the same values")
    return Alignment([None] * n, f"{len(filled)} numbers for {n} columns; the extra one cannot be told apart, "
                                 "values left null", doubt=True)


def _too_few(cells: list[Cell], filled: list[Cell], n: int, identities: list[Identity] | None) -> Alignment:
    lost = Alignment([None] * n, f"row has {len(filled)} numbers for {n} columns; values left null", doubt=True,
                     short=True)
    if not identities or len(cells) != n - 1 or len(filled) != len(cells):
        return lost
    numbers = [parse_count(c.text).value for c in cells]
    if any(not isinstance(v, int) for v in numbers):
        return lost
    completed = complete_by_identity(numbers, identities)
    if completed is None:
        return lost
    row, places = completed
    # a printed blank cell lost in extraction looks the same as a lost number: the derived
    # values are the only reading if a number was lost, so the report is still in doubt
    rule = (f"row has {len(filled)} numbers for {n} columns; every place the missing one could have been, "
            "completed by the row's identity, gives the same row")
    if len(places) == 1:  # the missing column is known: the printed cells keep their places
        missing = places[0]
        return Alignment([*cells[:missing], None, *cells[missing:]], f"{rule}: column {missing + 1} = "
                         f"{row[missing]} is derived", doubt=True, derived={missing: row[missing]}, short=True)
    # any column may be the missing one: the values are certain, which cell printed which is not
    return Alignment([None] * n, f"{rule} ({', '.join(map(str, row))}); all its values are derived",
                     doubt=True, derived=dict(enumerate(row)), short=True)
