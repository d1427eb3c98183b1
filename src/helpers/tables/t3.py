"""Table 3 (行政复议、行政诉讼情况): three header rows and one row of fifteen numbers."""

from __future__ import annotations

from .. import schema
from ..document import Cell
from ..values import parse_count
from .align import align
from .model import CellValue, RegionRow, TableResult

N_COLUMNS = len(schema.T3_COLUMNS)
_KEYS = [c.key for c in schema.T3_COLUMNS]
_RESULTS = ("upheld", "corrected", "other", "pending")
# each group's 总计 is the sum of its four results (T3-REV, T3-DIR, T3-AFT)
IDENTITIES = [(tuple(_KEYS.index(f"{group}_{r}") for r in _RESULTS), _KEYS.index(f"{group}_total"))
              for group in ("review", "lit_direct", "lit_after_review")]


def _data_rows(rows: list[RegionRow]) -> list[list[Cell]]:
    """Rows made only of numbers and blanks; stream rows give the run of values after the header."""
    out: list[list[Cell]] = []
    for row in rows:
        if row.is_stream:
            run: list[Cell] = []
            for cell in row.cells:
                if cell.holds_value:
                    run.append(cell)
                elif run:
                    out.append(run)
                    run = []
            if run:
                out.append(run)
        elif row.cells and all(c.holds_value for c in row.cells) and len(row.cells) >= 2:
            out.append(row.cells)
    return out


def parse_t3(rows: list[RegionRow]) -> TableResult:
    result = TableResult("t3")
    candidates = _data_rows(rows)
    filled = [r for r in candidates if any(c.text.strip() for c in r)]
    chosen = filled[0] if filled else (candidates[0] if candidates else None)
    if len(filled) > 1:
        lines = ", ".join(str(r[0].line) for r in filled[1:])
        result.warn(f"t3: more than one row of numbers; the first is used, the rows on lines {lines} are ignored")
    if chosen is not None:
        result.found = True
        result.first_line, result.first_page = chosen[0].line, chosen[0].page
        aligned = align(chosen, N_COLUMNS, identities=IDENTITIES)
        result.short_rows += aligned.short
        if aligned.warning:
            result.warn(f"t3: {aligned.warning}", aligned.doubt)
        cells, derived = aligned.cells, aligned.derived
        result.complete = True
    else:
        cells, derived = [None] * N_COLUMNS, {}
    for index, (col, cell) in enumerate(zip(schema.T3_COLUMNS, cells)):
        key = schema.t3_key(col.key)
        if index in derived:
            result.cells[key] = CellValue(key, derived[index], None, col.label, derived=True)
            continue
        if cell is None:
            result.cells[key] = CellValue(key, None, None, col.label)
            continue
        parsed = parse_count(cell.text)
        if parsed.problem:
            result.warn(f"{key}: {parsed.problem}; value left null")
        result.cells[key] = CellValue.from_cell(key, parsed.value, cell, col.label)
    return result
