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

Every case but the first that changes what is read adds a warning.
"""

from __future__ import annotations

from ..document import Cell


def _filled(cell: Cell) -> bool:
    return bool(cell.text.strip())


def align(slots: list[Cell], n: int) -> tuple[list[Cell | None], str | None]:
    """Return ``n`` cells (None where not printed) and an optional warning."""
    cells = list(slots)
    filled = [c for c in cells if _filled(c)]
    if len(cells) == n:
        return cells, None
    if not filled:
        return [None] * n, None
    if len(cells) < n:
        return [None] * n, f"row has {len(filled)} numbers for {n} columns; values left null"
    windows = [cells[i:i + n] for i in range(len(cells) - n + 1)]
    clean = [w for i, w in enumerate(windows)
             if not any(_filled(c) for c in cells[:i] + cells[i + n:])]
    if clean:
        readings = {tuple(c.text.strip() for c in w) for w in clean}
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
