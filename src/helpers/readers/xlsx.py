"""Reader for Excel reports (``.xlsx``/``.xlsm``), with openpyxl.

Each sheet gives a Paragraph with its title, then its used range row by row. Rows form
Tables as printed: a merged range is one origin cell with ``rowspan``/``colspan``, the cells it
covers are left out, empty cells are kept as ``Cell("")``. A row whose only text sits in the
first column becomes a Paragraph when it reads as narrative (a sentence, a section heading, a
report title) or lies outside the table area, so the parser finds sections and metadata.
Provenance: ``line`` is the sheet row number, ``x`` the column number (1-based).

>>> format_value(123.0), format_value(96171.6), format_value(7), format_value(None)
('123', '96171.6', '7', '')
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from ..document import Cell, Document, Paragraph, Table, TableRow, heading_section, report_year_from_text
from ..errors import CORRUPT_FILE, TOO_LARGE, ReportError
from ..limits import DEFAULT_LIMITS, Limits
from ..normalize import norm
from .archive import check_archive, refuse_entities
from .common import require_nonempty

NARRATIVE_MIN_CHARS = 40  # longer than any table label


def read_xlsx(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read an ``.xlsx`` workbook into the document model, or raise :class:`ReportError`.

    The archive is checked against ``limits`` from its directory, and its cells counted, before
    openpyxl loads it (which holds every cell in memory)."""
    path_str = str(path)
    workbook = _open(path_str, limits)
    doc = Document(path=path_str, input_format="xlsx")
    try:
        for sheet in workbook.worksheets:
            _read_sheet(sheet, doc, limits)
    finally:
        workbook.close()
    return doc


def _open(path: str, limits: Limits = DEFAULT_LIMITS):
    require_nonempty(path)
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as fh:
            ole = fh.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        hint = " (an OLE file: a legacy .xls or a password-protected workbook)" if ole else ""
        raise ReportError(path, CORRUPT_FILE, f"not a valid .xlsx file: not a ZIP archive{hint}")
    _check_package(path, limits)
    try:
        from openpyxl import load_workbook

        return load_workbook(path, read_only=False, data_only=True)
    except Exception as exc:  # openpyxl, zipfile and the XML parser raise many types
        raise ReportError(path, CORRUPT_FILE, f"cannot open the workbook: {type(exc).__name__}: {exc}") from exc


def _check_package(path: str, limits: Limits) -> None:
    """``bomb``/``too_large`` before loading: the archive's directory, then the cells its sheets hold."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # openpyxl reports the damage
    with zf:
        check_archive(zf, path, limits)
        n_cells = 0
        for name in zf.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            try:
                n_cells += _count_cells(zf, name, path)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                return  # a damaged part: openpyxl reports it
            if n_cells > limits.xlsx_cells:
                raise ReportError(path, TOO_LARGE, f"the sheets hold over {limits.xlsx_cells:,} cells (the limit; "
                                                   "a report has under 2,000): not read (--limit xlsx_cells=…)")


_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


def _count_cells(zf: zipfile.ZipFile, name: str, path: str) -> int:
    """The ``<c>`` elements of one sheet part, counted as it inflates (never held whole)."""
    count, tail = 0, b""
    with zf.open(name) as handle:
        head = True
        while chunk := handle.read(1 << 20):
            if head:
                refuse_entities(chunk, path, name, "a workbook")
            head = False
            data = tail + chunk
            count += len(_CELL_TAG.findall(data))
            cut = max(0, len(data) - 32)  # a tag split between chunks is counted once, in the next
            tail = data[cut:]
            count -= len(_CELL_TAG.findall(tail))
    return count + len(_CELL_TAG.findall(tail))


def format_value(value: object) -> str:
    """Cell value → text as printed: integral floats lose their ``.0``; dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.15g}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _read_sheet(sheet, doc: Document, limits: Limits = DEFAULT_LIMITS) -> None:
    n_rows, n_columns = sheet.max_row - sheet.min_row + 1, sheet.max_column - sheet.min_column + 1
    if n_rows * n_columns > limits.xlsx_cells:  # a few cells far apart: iter_rows would make millions
        raise ReportError(doc.path, TOO_LARGE, f"sheet {sheet.title!r} spans {n_rows:,} rows × {n_columns:,} "
                                               f"columns, over the {limits.xlsx_cells:,}-cell limit "
                                               "(--limit xlsx_cells=…)")
    doc.blocks.append(Paragraph(sheet.title, None, None))
    values: dict[tuple[int, int], str] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None and type(cell).__name__ != "MergedCell":
                text = format_value(cell.value)
                if text:
                    values[(cell.row, cell.column)] = text
    merges = list(sheet.merged_cells.ranges)
    if not values:
        return
    min_row = min(r for r, _ in values)
    max_row = max(r for r, _ in values)
    min_col = min(c for _, c in values)
    max_col = max(c for _, c in values)
    for m in merges:
        if (m.min_row, m.min_col) in values:
            max_row, max_col = max(max_row, m.max_row), max(max_col, m.max_col)
    origin_at: dict[tuple[int, int], tuple[int, int]] = {}  # origin → (rowspan, colspan)
    covered: set[tuple[int, int]] = set()
    for m in merges:
        origin_at[(m.min_row, m.min_col)] = (m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
        covered.update((r, c) for r in range(m.min_row, m.max_row + 1) for c in range(m.min_col, m.max_col + 1)
                       if (r, c) != (m.min_row, m.min_col))

    rows: list[TableRow | None] = []  # None: a blank row (ends a table)
    for r in range(min_row, max_row + 1):
        cells = []
        for c in range(min_col, max_col + 1):
            if (r, c) in covered:
                continue
            rowspan, colspan = origin_at.get((r, c), (1, 1))
            cells.append(Cell(values.get((r, c), ""), r, None, float(c), rowspan=rowspan, colspan=colspan))
        filled = [cell for cell in cells if cell.text]
        if not filled and not any((r, c) in covered for c in range(min_col, max_col + 1)):
            rows.append(None)
        else:
            rows.append(TableRow(cells, r, None))

    multi = [i for i, row in enumerate(rows) if row is not None and sum(bool(c.text) for c in row.cells) >= 2]
    pending: list[TableRow] = []

    def flush() -> None:
        if pending:
            # the block's own width: a narrow table stacked above a wide one keeps no trailing blanks
            right = max(c.x + c.colspan - 1 for row in pending for c in row.cells if c.text or c.colspan > 1 or c.rowspan > 1)
            for row in pending:
                row.cells = [c for c in row.cells if c.x <= right]
            doc.blocks.append(Table(list(pending), index=len(doc.tables), source="xlsx"))
            pending.clear()

    for i, row in enumerate(rows):
        if row is None:
            flush()
            continue
        text = _single_first_column_text(row, min_col)
        if text is not None and _is_paragraph(text, i, rows, multi):
            flush()
            doc.blocks.append(Paragraph(text, row.line, None))
        else:
            pending.append(row)
    flush()


def _single_first_column_text(row: TableRow, first_col: int) -> str | None:
    """The text of a row whose only non-empty cell is its first-column cell, else None."""
    filled = [c for c in row.cells if c.text]
    if len(filled) != 1 or filled[0].x != float(first_col):
        return None
    return filled[0].text


def _is_paragraph(text: str, index: int, rows: list, multi: list[int]) -> bool:
    n = norm(text)
    if "。" in n or len(n) > NARRATIVE_MIN_CHARS or _is_section_heading(n) or report_year_from_text(n):
        return True
    if not multi:
        return True
    # outside the table area, unless it sits right against a table (a caption row)
    if index < multi[0] or index > multi[-1]:
        return not any(j in multi for j in (index - 1, index + 1))
    return False


def _is_section_heading(n: str) -> bool:
    """「二、主动公开政府信息情况」 and the like (「六、存在的主要问题…」 after 「五、信息处理费收取情况」
    too), but not Table 2's 「一、本年新收…」 row labels."""
    return n[1:2] == "、" and heading_section(n) is not None


__all__ = ["format_value", "read_xlsx"]
