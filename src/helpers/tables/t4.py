"""Table 4 (信息处理费收取情况, ``report-format.md`` §12): one row under three columns.

Some 2021-format reports print it from report year 2023, as section 五 or inside 六:

    |                  | 通知收取件数 | 通知收取金额（元） | 实际收取金额（元） |
    | 信息处理费收取情况 | 1           | 800               | 0                 |

Its header and row label wrap in layout text (「通知收取」 / 「件数」, 「信息处理费收取情」 / 「况」),
so the header is read as the text printed before the numbers and the row as the first run
of numbers after the header or the row label. The amounts are in the unit the header prints
(元 in the official wording) and are kept in 万元.
"""

from __future__ import annotations

from .. import schema
from ..document import Cell
from ..normalize import clean_cell, norm, split_numbering
from ..values import header_unit, parse_amount_wan, parse_count
from .align import align
from .model import CellValue, RegionRow, TableResult

N_COLUMNS = len(schema.T4_COLUMNS)
_ROW_LABEL = norm(schema.T4_ROW.label)
_AMOUNTS = [c for c in schema.T4_COLUMNS if c.dtype == schema.AMOUNT_WAN]


def _is_row_label(text: str) -> bool:
    """The row label, whole or its first part (「信息处理费收取情」 before a wrap)."""
    n = norm(text)
    return len(n) >= 6 and _ROW_LABEL.startswith(n)


def _runs(rows: list[RegionRow]) -> tuple[list[list[Cell]], list[str], bool]:
    """Runs of value cells after the header or the row label, the header texts printed before
    the first run, and whether the row label was printed."""
    runs: list[list[Cell]] = []
    header: list[str] = []
    labelled = opened = False
    for row in rows:
        run: list[Cell] = []
        for cell in row.cells:
            text = cell.text.strip()
            if cell.holds_value and (opened or labelled):
                run.append(cell)
                continue
            if not text:
                if run and not row.is_stream:
                    run.append(cell)  # a blank cell inside a grid row is a printed blank
                continue
            if run:
                runs.append(run)
                run = []
            if split_numbering(text)[0]:
                continue  # the section's heading (「五、信息处理费收取情况」), not the table's text
            if _is_row_label(text):
                labelled = True
            elif any(m in norm(text) for m in schema.T4_MARKERS) or (opened and not runs):
                opened = True
                if not runs:
                    header.append(clean_cell(text))
        if run:
            runs.append(run)
    return runs, header, labelled


def _amount_unit(header: list[str], result: TableResult) -> str | None:
    """The money unit of the amount columns: the header's, else the format's (元)."""
    units = {u for u in (header_unit(text) for text in header) if u}
    if len(units) > 1:
        result.warn(f"t4: the header names more than one unit ({', '.join(sorted(units))}) for the amounts; "
                    "amounts without their own unit are left null")
        return None
    if units:
        return units.pop()
    return header_unit(_AMOUNTS[0].label)


def parse_t4(rows: list[RegionRow]) -> TableResult:
    result = TableResult("t4")
    runs, header, labelled = _runs(rows)
    filled = [r for r in runs if any(c.text.strip() for c in r)]
    if not filled and not labelled and not header:
        return result
    result.found = True
    if not filled:
        result.warn("t4: the 信息处理费收取情况 table is printed but no numbers were found under it; values left null")
        cells: list[Cell | None] = [None] * N_COLUMNS
    else:
        chosen = filled[0]
        if len(filled) > 1:
            lines = ", ".join(str(r[0].line) for r in filled[1:])
            result.warn(f"t4: more than one row of numbers; the first is used, the rows on lines {lines} are ignored")
        result.first_line, result.first_page = chosen[0].line, chosen[0].page
        aligned = align(chosen, N_COLUMNS)
        result.short_rows += aligned.short
        if aligned.warning:
            result.warn(f"t4: {aligned.warning}", aligned.doubt)
        cells = aligned.cells
        result.complete = True
    unit = _amount_unit(header, result)
    label = schema.T4_ROW.label
    for col, cell in zip(schema.T4_COLUMNS, cells):
        key = schema.t4_key(col.key)
        if cell is None:
            result.cells[key] = CellValue(key, None, None, label)
            continue
        if col.dtype == schema.AMOUNT_WAN:
            parsed = parse_amount_wan(cell.text, header_unit=unit)
        else:
            parsed = parse_count(cell.text)
        if parsed.problem:
            result.warn(f"{key}: {parsed.problem}; value left null")
        result.cells[key] = CellValue.from_cell(key, parsed.value, cell, label, parsed.unit)
    return result
