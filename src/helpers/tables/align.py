"""Put a row's printed value cells into the table's columns, or say why that is impossible.

Extraction adds phantom empty cells (trailing tabs, merged label cells printed twice) and
loses cells (a merged cell printed once). The rule, for a row of printed cells and ``n``
columns:

* exactly ``n`` cells: one cell per column;
* more cells, but the surplus is empty: drop trailing empties first (phantom cells), then
  leading ones (remnants of merged label cells);
* more non-empty cells than columns: accepted only when every alignment reads the same
  values (for instance eight zeros for seven columns); otherwise all null;
* fewer cells than columns with a value among them: the gap cannot be placed, so all null.

Where the table's header row gives each column's position, an ambiguous choice of empty
cells to drop is settled by it: the reading whose values sit under their column headers.

Every case but the first that changes what is read adds a warning.
"""

from __future__ import annotations

from ..document import Cell


def _filled(cell: Cell) -> bool:
    return bool(cell.text.strip())


def _under_header(window_start: int, window: list[Cell], positions: list[int], header: list[int | None]) -> bool:
    """True when every filled cell of the window sits at its column's header position."""
    for offset, cell in enumerate(window):
        if _filled(cell) and header[offset] != positions[window_start + offset]:
            return False
    return True


def align(slots: list[Cell], n: int, positions: list[int] | None = None,
          header: list[int | None] | None = None) -> tuple[list[Cell | None], str | None]:
    """Return ``n`` cells (None where not printed) and an optional warning.

    ``positions`` are the slots' indices in their printed row; ``header`` the index of each
    column's header cell in the same table fragment (None where unknown).
    """
    cells = list(slots)
    filled = [c for c in cells if _filled(c)]
    if len(cells) == n:
        return cells, None
    if not filled:
        return [None] * n, None
    if len(cells) < n:
        return [None] * n, f"row has {len(filled)} numbers for {n} columns; values left null"
    windows = [cells[i:i + n] for i in range(len(cells) - n + 1)]
    clean = [(i, w) for i, w in enumerate(windows)
             if not any(_filled(c) for c in cells[:i] + cells[i + n:])]
    if clean:
        readings = {tuple(c.text.strip() for c in w) for _, w in clean}
        if len(readings) > 1 and positions is not None and header is not None and all(h is not None for h in header):
            placed = [w for i, w in clean if _under_header(i, w, positions, header)]
            if len({tuple(c.text.strip() for c in w) for w in placed}) == 1:
                return placed[0], None
        trimmed = list(cells)
        while len(trimmed) > n and not _filled(trimmed[-1]):
            trimmed.pop()
        while len(trimmed) > n and not _filled(trimmed[0]):
            trimmed.pop(0)
        if len(readings) == 1:
            return trimmed, None
        return trimmed, (f"{len(cells)} cells for {n} columns and the empty ones could be dropped in "
                         f"{len(readings)} ways; trailing empty cells were dropped first")
    while not _filled(cells[-1]):
        cells.pop()
    while not _filled(cells[0]):
        cells.pop(0)
    windows = [cells[i:i + n] for i in range(len(cells) - n + 1)]
    readings = {tuple(c.text.strip() for c in w) for w in windows}
    if len(readings) == 1:
        return windows[0], f"{len(filled)} numbers for {n} columns; every alignment reads the same values"
    return [None] * n, f"{len(filled)} numbers for {n} columns; the extra one cannot be told apart, values left null"
