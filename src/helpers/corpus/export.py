"""Export the corpus database to one formatted Excel workbook (the briefing workbook).

Reads ``data/processed/ogi.duckdb`` read-only and writes, in this order:

* 封面 (cover): title, what the sheets hold, the database file name, row counts per table and
  a note for every table cut at ``max_rows`` (never silently); no timestamps, so exporting the
  same database twice gives the same cells;
* one agency × year sheet per headline measure (:data:`MEASURES`: requests received, granted,
  denied, review and litigation cases, fee income, procurement, information-processing fees):
  a row per agency (grouped by ``agency_key``, shown by its latest printed name), a column per
  report year, integers for counts, blanks where nothing is known (never 0), part-year reports
  marked, and notes saying what the measure is, its unit, and which reports were left out;
* one sheet per table of :data:`helpers.corpus.outputs.TABLES` that is in the database, in that order,
  titled with the table's Chinese label: row 1 the Chinese column labels, row 2 the English
  column names, data from row 3; nulls stay empty cells (never 0); rows whose ``status`` is
  ``fail`` are filled red;
* 数据字典 (data dictionary): every column of every exported table, then the canonical keys of
  the ``fields`` table when the database has it.

The workbook is streamed (openpyxl write-only mode), so a million-row table does not have to fit
in memory as cell objects, and written to a temporary file that replaces ``out_path`` at the end.

>>> export_xlsx("data/processed/ogi.duckdb", "reports/ogi.xlsx")  # doctest: +SKIP
PosixPath('reports/ogi.xlsx')
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from . import outputs
from .. import schema
from ..fileio import atomic_path

COVER_TITLE = "OGI Workbook 数据导出"
COVER_SHEET = "封面"
DICTIONARY_SHEET = "数据字典"

EXCEL_MAX_ROWS = 1_048_576
HEADER_ROWS = 2
EXCEL_MAX_CELL_CHARS = 32_767
BATCH_ROWS = 10_000

INT_FORMAT = "0"
DECIMAL_FORMAT = "0.0###"  # 万元 amounts: up to 4 decimals
DATE_FORMAT = "yyyy-mm-dd"
MIN_WIDTH, MAX_WIDTH = 8, 50

FAIL_STATUS = "fail"
STATUS_COLUMN = "status"

ZH_HEADER_FONT = Font(bold=True)
EN_HEADER_FONT = Font(bold=True, color="595959")
ZH_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EN_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADER_BORDER = Border(bottom=Side(style="thin", color="808080"))
FAIL_FILL = PatternFill("solid", fgColor="FFC7CE")  # Excel's "light red fill"
FAIL_FONT = Font(color="9C0006")
RIGHT = Alignment(horizontal="right")
TITLE_FONT = Font(bold=True, size=14)

_INVALID_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")
_NUMERIC_DB_TYPE = re.compile(r"^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|REAL|DECIMAL.*|NUMERIC.*)$")
_INTEGER_DB_TYPE = re.compile(r"^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$")


@dataclass
class _Column:
    name: str
    label_zh: str
    dtype: str
    db_type: str
    is_numeric: bool
    number_format: str | None = None
    width: float = MIN_WIDTH


@dataclass
class _Sheet:
    table: outputs.OutputTable
    title: str
    columns: list[_Column]
    n_rows: int
    n_exported: int
    missing_columns: list[str]
    n_replaced_cells: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def is_truncated(self) -> bool:
        return self.n_exported < self.n_rows


def export_xlsx(db_path: str | Path, out_path: str | Path, tables: Sequence[str] | None = None,
                max_rows: int = 1_000_000) -> Path:
    """Write the tables of the DuckDB database ``db_path`` to the Excel workbook ``out_path``.

    ``tables`` restricts the export to these output tables (names from :mod:`helpers.corpus.outputs`);
    tables missing from the database are listed on the cover and skipped. A table longer than
    ``max_rows`` keeps its first ``max_rows`` rows and the cover says so.

    >>> export_xlsx("ogi.duckdb", "ogi.xlsx", tables=["reports", "checks"])  # doctest: +SKIP
    PosixPath('ogi.xlsx')
    """
    db_path, out_path = Path(db_path), Path(out_path)
    if not 1 <= max_rows <= EXCEL_MAX_ROWS - HEADER_ROWS:
        raise ValueError(f"max_rows must be between 1 and {EXCEL_MAX_ROWS - HEADER_ROWS:,}, got {max_rows:,}")
    selected = _selected_tables(tables)
    if not db_path.is_file():
        raise FileNotFoundError(f"{db_path}: no such database")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        present = _database_tables(con)
        used_titles = {COVER_SHEET.casefold(), DICTIONARY_SHEET.casefold()}
        sheets = []
        for table in selected:
            if table.name in present:
                sheets.append(_plan_sheet(con, table, sheet_title(table, used_titles), max_rows))
                used_titles.add(sheets[-1].title.casefold())
        field_rows = _field_rows(con, max_rows) if "fields" in present else None
        names = {t.name for t in selected}
        panels = []
        for measure in MEASURES:
            if not {"reports", measure.table} <= names:
                continue
            if not {"reports", measure.table} <= present:
                panels.append(_Panel(measure, "", [], [], missing_table=True))  # listed on the cover
                continue
            title = _unique_title(measure.sheet_title, used_titles)
            used_titles.add(title.casefold())
            panels.append(_plan_panel(con, measure, title))

        workbook = Workbook(write_only=True)
        workbook.properties.creator = "OGI Workbook"
        cover = workbook.create_sheet(COVER_SHEET)  # filled last: it reports what the sheets held
        for panel in panels:
            if not panel.missing_table:
                _write_panel(workbook, panel)
        for sheet in sheets:
            _write_table_sheet(workbook, con, sheet)
        _write_dictionary(workbook, selected, field_rows)
        _write_cover(cover, db_path.name, selected, present, sheets, max_rows, panels)
        return _save_atomically(workbook, out_path)
    finally:
        con.close()


def sheet_title(table: outputs.OutputTable, used: set[str] = frozenset()) -> str:
    """The sheet title for ``table``: its Chinese label, else its English name, unique in ``used``.

    Excel titles are at most 31 characters, case-insensitively unique, without ``[]:*?/\\``.

    >>> sheet_title(outputs.table("checks"))
    '校验'
    >>> sheet_title(outputs.table("fields"), {"数据字典"})
    'fields'
    """
    used = {title.casefold() for title in used}
    for candidate in (table.label_zh, table.name):
        if _is_valid_title(candidate) and candidate.casefold() not in used:
            return candidate
    base = _INVALID_TITLE_CHARS.sub("_", table.name).strip("'")[:27] or "table"
    suffix = 2
    while f"{base} ({suffix})".casefold() in used:
        suffix += 1
    return f"{base} ({suffix})"


def _unique_title(title: str, used: set[str]) -> str:
    """``title`` (a valid sheet title), numbered when a sheet of that name exists already."""
    candidate, suffix = title, 2
    while candidate.casefold() in {u.casefold() for u in used}:
        candidate = f"{title[:27]} ({suffix})"
        suffix += 1
    return candidate


def _is_valid_title(title: str) -> bool:
    return (0 < len(title) <= 31 and not _INVALID_TITLE_CHARS.search(title)
            and not title.startswith("'") and not title.endswith("'"))


def _selected_tables(names: Sequence[str] | None) -> list[outputs.OutputTable]:
    if names is None:
        return list(outputs.TABLES)
    if isinstance(names, str):
        names = [names]
    known = {t.name for t in outputs.TABLES}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown output tables {unknown}; known: {sorted(known)}")
    return [t for t in outputs.TABLES if t.name in set(names)]


def _database_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()
    return {name for (name,) in rows}


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _display_width(text: str) -> int:
    """Columns ``text`` takes on screen: CJK and other wide characters count twice."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _plan_sheet(con: duckdb.DuckDBPyConnection, table: outputs.OutputTable, title: str, max_rows: int) -> _Sheet:
    """Decide the sheet's columns, number formats and widths from the database (one scan)."""
    db_types = dict(con.execute(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position", [table.name]).fetchall())
    declared = {c.name: c for c in table.columns}
    # Declared order first; columns the pipeline added beyond the declaration follow, labelled in English.
    names = [c.name for c in table.columns if c.name in db_types] + [n for n in db_types if n not in declared]
    columns = []
    for name in names:
        decl = declared.get(name)
        db_type = db_types[name].upper()
        columns.append(_Column(name=name, label_zh=decl.label_zh if decl else name,
                               dtype=decl.dtype if decl else db_type.lower(), db_type=db_type,
                               is_numeric=bool(_NUMERIC_DB_TYPE.match(db_type))))
    n_rows = con.execute(f"SELECT count(*) FROM {_quote(table.name)}").fetchone()[0]
    sheet = _Sheet(table=table, title=title, columns=columns, n_rows=n_rows, n_exported=min(n_rows, max_rows),
                   missing_columns=[c.name for c in table.columns if c.name not in db_types])
    if not columns:
        return sheet
    aggregates = []
    for col in columns:
        q = _quote(col.name)
        if col.is_numeric:
            as_double = f"CAST({q} AS DOUBLE)"
            text = f"CAST(round({as_double}, 4) AS VARCHAR)"
            aggregates.append(f"count(*) FILTER (WHERE isfinite({as_double}) AND {as_double} <> trunc({as_double}))")
        else:
            text = f"CAST({q} AS VARCHAR)"
            aggregates.append("0")
        # strlen counts UTF-8 bytes: a CJK character is 3 bytes and about 2 columns wide.
        aggregates.append(f"max(length({text}) + (strlen({text}) - length({text})) // 2)")
    stats = con.execute(f"SELECT {', '.join(aggregates)} FROM (SELECT * FROM {_quote(table.name)}"
                        f" LIMIT {max_rows})").fetchone()
    for i, col in enumerate(columns):
        n_fractional, content_width = stats[2 * i], stats[2 * i + 1] or 0
        if col.is_numeric:
            integral = _INTEGER_DB_TYPE.match(col.db_type) or n_fractional == 0
            col.number_format = INT_FORMAT if integral else DECIMAL_FORMAT
        elif col.db_type == "DATE":
            col.number_format = DATE_FORMAT
        header_width = max(_display_width(col.label_zh), len(col.name))
        col.width = float(min(MAX_WIDTH, max(MIN_WIDTH, header_width + 2, content_width + 2)))
    return sheet


def _header_cells(ws, labels: Sequence[str], font: Font, fill: PatternFill,
                  right_aligned: Sequence[bool] = ()) -> list[WriteOnlyCell]:
    cells = []
    for i, label in enumerate(labels):
        cell = WriteOnlyCell(ws, value=label)
        cell.data_type = "s"
        cell.font, cell.fill, cell.border = font, fill, HEADER_BORDER
        if i < len(right_aligned) and right_aligned[i]:
            cell.alignment = RIGHT
        cells.append(cell)
    return cells


def _write_table_sheet(workbook: Workbook, con: duckdb.DuckDBPyConnection, sheet: _Sheet) -> None:
    ws = workbook.create_sheet(sheet.title)
    columns = sheet.columns
    for i, col in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A3"
    if columns:
        last = get_column_letter(len(columns))
        ws.auto_filter.ref = f"A2:{last}{sheet.n_exported + HEADER_ROWS}"
    numeric = [c.is_numeric for c in columns]
    ws.append(_header_cells(ws, [c.label_zh for c in columns], ZH_HEADER_FONT, ZH_HEADER_FILL, numeric))
    ws.append(_header_cells(ws, [c.name for c in columns], EN_HEADER_FONT, EN_HEADER_FILL, numeric))
    if not columns or sheet.n_exported == 0:
        return
    status_index = next((i for i, c in enumerate(columns) if c.name == STATUS_COLUMN), None)
    select = ", ".join(_quote(c.name) for c in columns)
    cursor = con.execute(f"SELECT {select} FROM {_quote(sheet.table.name)} LIMIT {sheet.n_exported}")
    while batch := cursor.fetchmany(BATCH_ROWS):
        for row in batch:
            is_fail = status_index is not None and row[status_index] == FAIL_STATUS
            ws.append([_cell(ws, value, col, is_fail, sheet) for value, col in zip(row, columns)])


def _cell(ws, value, col: _Column, is_fail: bool, sheet: _Sheet):
    """The value to append: a plain value where no style is needed, else a styled cell."""
    if isinstance(value, float) and not math.isfinite(value):
        value = None  # NaN and infinities are nulls here; Excel cannot store them
    elif isinstance(value, decimal.Decimal) and not value.is_finite():
        value = None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.isoformat()  # Excel has no time zones; keep the offset visible as text
    elif value is not None and not isinstance(value, (str, bool, int, float, decimal.Decimal, dt.date, dt.time)):
        value = str(value)
    if isinstance(value, str):
        cleaned = _clean_text(value)
        sheet.n_replaced_cells += cleaned != value
        value = cleaned
    is_number = isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)
    is_formula_like = isinstance(value, str) and value.startswith("=")
    is_date = isinstance(value, dt.date)
    if not (is_fail or is_number or is_formula_like or is_date):
        return value
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, never a formula
    if is_number:
        cell.number_format = col.number_format or (INT_FORMAT if float(value).is_integer() else DECIMAL_FORMAT)
        cell.alignment = RIGHT
    elif is_date and col.number_format:
        cell.number_format = col.number_format
    if is_fail:
        cell.fill, cell.font = FAIL_FILL, FAIL_FONT
    return cell


def _clean_text(text: str) -> str:
    """Text Excel can store: control characters become U+FFFD, text over 32,767 characters is cut.

    >>> _clean_text("a" + chr(0) + "b") == "a" + chr(0xFFFD) + "b"
    True
    """
    cleaned = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    if len(cleaned) > EXCEL_MAX_CELL_CHARS:
        cleaned = cleaned[:EXCEL_MAX_CELL_CHARS - 1] + "…"
    return cleaned


def _field_rows(con: duckdb.DuckDBPyConnection, max_rows: int) -> tuple[list[str], list[tuple]]:
    fields = outputs.table("fields")
    db_columns = {name for (name,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = 'fields'"
    ).fetchall()}
    names = [c.name for c in fields.columns if c.name in db_columns]
    if not names:
        return [], []
    rows = con.execute(f"SELECT {', '.join(_quote(n) for n in names)} FROM fields LIMIT {max_rows}").fetchall()
    return names, rows


DICTIONARY_COLUMNS = (("table", "表"), ("table_label", "表名"), ("column", "列"), ("label_zh", "中文标签"),
                      ("dtype", "类型"), ("description", "说明"))


def dictionary_rows(tables: Sequence[outputs.OutputTable] = outputs.TABLES) -> list[tuple[str, ...]]:
    """One row per declared column: table, table label, column, Chinese label, dtype, description.

    >>> dictionary_rows([outputs.table("checks")])[3]
    ('checks', '校验', 'status', '结果', 'string', 'pass, fail or skip')
    """
    return [(t.name, t.label_zh, c.name, c.label_zh, c.dtype, c.description) for t in tables for c in t.columns]


def _write_dictionary(workbook: Workbook, tables: Sequence[outputs.OutputTable],
                      field_rows: tuple[list[str], list[tuple]] | None) -> None:
    ws = workbook.create_sheet(DICTIONARY_SHEET)
    rows = dictionary_rows(tables)
    key_names, key_rows = field_rows or ([], [])
    fields = outputs.table("fields")
    key_labels = [next(c.label_zh for c in fields.columns if c.name == n) for n in key_names]
    widths = [max(_display_width(zh), len(en)) for en, zh in DICTIONARY_COLUMNS]
    for row in [*rows, *key_rows, key_labels, key_names]:
        for i, value in enumerate(row):
            text = "" if value is None else str(value)
            if i < len(widths):
                widths[i] = max(widths[i], _display_width(text))
            else:
                widths.append(_display_width(text))
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = float(min(MAX_WIDTH, max(MIN_WIDTH, width + 2)))
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(DICTIONARY_COLUMNS))}{len(rows) + HEADER_ROWS}"
    ws.append(_header_cells(ws, [zh for _, zh in DICTIONARY_COLUMNS], ZH_HEADER_FONT, ZH_HEADER_FILL))
    ws.append(_header_cells(ws, [en for en, _ in DICTIONARY_COLUMNS], EN_HEADER_FONT, EN_HEADER_FILL))
    for row in rows:
        ws.append(list(row))
    if field_rows is None:
        return
    ws.append([])
    title = WriteOnlyCell(ws, value=f"规范键（{fields.name} 表，{len(key_rows):,} 个）/ canonical keys")
    title.font = Font(bold=True)
    ws.append([title])
    ws.append(_header_cells(ws, key_labels, ZH_HEADER_FONT, ZH_HEADER_FILL))
    ws.append(_header_cells(ws, key_names, EN_HEADER_FONT, EN_HEADER_FILL))
    for row in key_rows:
        ws.append([_clean_text(v) if isinstance(v, str) else v for v in row])


COVER_COLUMNS = (("sheet", "工作表"), ("table", "表"), ("table_label", "表名"), ("n_rows", "行数"),
                 ("n_rows_exported", "已导出行数"), ("note", "说明"))


def _cover_note(sheet: _Sheet, db_name: str, max_rows: int) -> str:
    notes = []
    if sheet.is_truncated:
        notes.append(f"已截断：共 {sheet.n_rows:,} 行，仅导出前 {max_rows:,} 行，完整数据见 {db_name} 或 "
                     f"{sheet.table.name}.parquet / truncated: first {max_rows:,} of {sheet.n_rows:,} rows")
    if sheet.missing_columns:
        notes.append(f"数据库中缺少列 / columns missing from the database: {', '.join(sheet.missing_columns)}")
    if sheet.n_replaced_cells:
        notes.append(f"{sheet.n_replaced_cells:,} 个单元格含 Excel 无法保存的字符或超长，已替换或截断 / "
                     f"cells with characters Excel cannot store, replaced or cut")
    return "；".join(notes)


def _write_cover(ws, db_name: str, selected: Sequence[outputs.OutputTable], present: set[str],
                 sheets: Sequence[_Sheet], max_rows: int, panels: Sequence[_Panel] = ()) -> None:
    for letter, width in zip("ABCDEF", (28, 20, 28, 12, 14, 80)):
        ws.column_dimensions[letter].width = width
    title = WriteOnlyCell(ws, value=COVER_TITLE)
    title.font = TITLE_FONT
    ws.append([title])
    note_zh = (f"由数据库 {db_name} 导出。先是每个主要指标一张“机关 × 年度”表（说明见各表表头），然后每张数据表一个"
               f"工作表：第 1 行为中文列名，第 2 行为英文列名，数据从第 3 行起；空白单元格表示缺失值（不是 0）；"
               f"未通过的校验标为红色；列说明见“{DICTIONARY_SHEET}”。")
    note_en = (f"Exported from the database {db_name}. First an agency × year sheet per headline measure (each "
               "explains itself in its first rows), then one sheet per table: row 1 Chinese column labels, "
               "row 2 English column names, data from row 3; empty cells are nulls (not 0); failed checks are "
               "filled red; the columns are described on the data dictionary sheet.")
    ws.append([note_zh])
    ws.append([note_en])
    ws.append([])
    ws.append(_header_cells(ws, [zh for _, zh in COVER_COLUMNS], ZH_HEADER_FONT, ZH_HEADER_FILL,
                            [False, False, False, True, True, False]))
    ws.append(_header_cells(ws, [en for en, _ in COVER_COLUMNS], EN_HEADER_FONT, EN_HEADER_FILL,
                            [False, False, False, True, True, False]))
    for panel in panels:
        if panel.missing_table:
            ws.append([None, panel.measure.name, panel.measure.label_zh, None, None, panel.cover_note])
            continue
        counts = []
        for n in (len(panel.rows), len(panel.rows)):
            cell = WriteOnlyCell(ws, value=n)
            cell.number_format, cell.alignment = "#,##0", RIGHT
            counts.append(cell)
        ws.append([panel.title, panel.measure.name, panel.measure.label_zh, *counts, panel.cover_note])
    by_name = {s.table.name: s for s in sheets}
    for table in selected:
        sheet = by_name.get(table.name)
        if sheet is None:
            ws.append([None, table.name, table.label_zh, None, None, "数据库中没有此表 / not in the database"])
            continue
        counts = []
        for n in (sheet.n_rows, sheet.n_exported):
            cell = WriteOnlyCell(ws, value=n)
            cell.number_format, cell.alignment = "#,##0", RIGHT
            counts.append(cell)
        note = _cover_note(sheet, db_name, max_rows)
        note_cell = WriteOnlyCell(ws, value=note or None)
        if sheet.is_truncated:
            note_cell.font = Font(bold=True, color="9C0006")
        ws.append([sheet.title, table.name, table.label_zh, *counts, note_cell])
    ws.append([DICTIONARY_SHEET, None, None, None, None, "每张表每一列的说明，及规范键 / every column, and the canonical keys"])


# --- agency × year sheets -----------------------------------------------------------

_TOTAL = schema.COLS7[-1]  # Table 2's 总计 column
COUNT_FORMAT = "#,##0"
AMOUNT_FORMAT = "#,##0.0###"
NO_REPORT_FILL = PatternFill("solid", fgColor="EDEDED")
PART_YEAR_FILL = PatternFill("solid", fgColor="FFF2CC")
PANEL_HEADER_ROW = 7  # rows 1-5: title and notes, row 6 empty
PROCESSING_FEES_FIRST_YEAR = 2023  # Table 4 (信息处理费) is printed by 2021-format reports from 2023 on


@dataclass(frozen=True)
class Measure:
    """A headline measure shown as an agency × year sheet.

    ``sql`` selects ``report_id, value`` (one row per report that has the measure's row);
    ``templates`` (and ``first_year``) are the formats whose reports carry the measure: a
    report of those formats without a value shows a blank, never 0.
    """

    name: str
    sheet_title: str
    label_zh: str
    label_en: str
    definition_zh: str
    definition_en: str
    unit_zh: str
    unit_en: str
    is_count: bool
    table: str
    sql: str
    templates: tuple[str, ...]
    first_year: int | None = None


def _t2_total(row: str) -> str:
    """Label of Table 2 row ``row``, 总计 column; raises on import when the schema lacks it."""
    return schema.field(schema.t2_key(row, _TOTAL)).label_zh


def _t2_row_measure(name: str, row: str, title: str, label_zh: str, label_en: str) -> Measure:
    return Measure(name, title, label_zh, label_en, f"表二 {_t2_total(row)}", f"Table 2, row {row}, total column",
                   "件", "requests", True, "applications",
                   f"SELECT report_id, CAST({_TOTAL} AS BIGINT) AS value FROM applications WHERE \"row\" = '{row}'",
                   schema.field(schema.t2_key(row, _TOTAL)).templates)


def _denied_measure() -> Measure:
    rows = schema.DENIED_KEYS
    group = schema.field(schema.t2_key(rows[0], _TOTAL))
    group_label = next(r.label for r in schema.T2_ROWS_2019 if r.key == next(
        x.group for x in schema.T2_ROWS_2019 if x.key == group.row))
    in_list = ", ".join(f"'{r}'" for r in rows)
    return Measure(
        "denied", "机关年度-不予公开", "不予公开", "Denied",
        f"表二 {group_label}：{len(rows)} 项理由之和（总计列）；任一项空白则为空白",
        f"Table 2, the {len(rows)} denial reasons summed (total column); blank when any of them is blank",
        "件", "requests", True, "applications",
        f"SELECT report_id, CASE WHEN count({_TOTAL}) = {len(rows)} THEN CAST(sum({_TOTAL}) AS BIGINT) END AS value "
        f"FROM applications WHERE \"row\" IN ({in_list}) GROUP BY report_id", group.templates)


def _t3_total(group: str) -> str:
    """The Table 3 总计 column of ``group``; raises on import when the schema lacks it."""
    column = f"{group}_total"
    schema.field(schema.t3_key(column))
    return column


def _review_measure() -> Measure:
    column = _t3_total(schema.T3_GROUPS[0][0])
    return Measure("review_total", "机关年度-行政复议", "行政复议案件", "Administrative reviews",
                   f"表三 {schema.field(schema.t3_key(column)).label_zh}", f"Table 3, {column}",
                   "件", "cases", True, "review_litigation",
                   f"SELECT report_id, {column} AS value FROM review_litigation", schema.TEMPLATES)


def _litigation_measure() -> Measure:
    direct, after = (_t3_total(g) for g, _ in schema.T3_GROUPS[1:])
    labels = "＋".join(schema.field(schema.t3_key(c)).label_zh for c in (direct, after))
    return Measure("litigation_total", "机关年度-行政诉讼", "行政诉讼案件", "Lawsuits",
                   f"表三 {labels}；任一项空白则为空白", f"Table 3, {direct} + {after}; blank when either is blank",
                   "件", "cases", True, "review_litigation",
                   f"SELECT report_id, {direct} + {after} AS value FROM review_litigation", schema.TEMPLATES)


def _t1_amount_measure(name: str, title: str, label_zh: str, label_en: str, key: str) -> Measure:
    f = schema.field(key)
    years = "2019–2020" if f.templates == (schema.GOV2019,) else "2021 起" if f.templates == (schema.GOV2021,) else ""
    return Measure(name, title, label_zh, label_en, f"表一 {f.label_zh}（{years}）",
                   f"Table 1, {f.subtable} {f.row} {f.column} ({years.replace('起', 'on')})", "万元", "10,000 yuan",
                   False, "active_disclosure",
                   f"SELECT report_id, {f.column} AS value FROM active_disclosure "
                   f"WHERE subtable = '{f.subtable}' AND \"row\" = '{f.row}'", f.templates)


def _processing_fees_measure() -> Measure:
    fees = outputs.table("processing_fees")
    column = next(c for c in fees.columns if c.name == "fee_collected_amount_wan")
    return Measure("fee_collected_amount_wan", "机关年度-信息处理费", "信息处理费实际收取", "Processing fees collected",
                   f"{fees.label_zh.removesuffix('（宽表）')} / {column.label_zh}（{PROCESSING_FEES_FIRST_YEAR} 年起）",
                   f"information-processing fees actually collected (Table 4, {PROCESSING_FEES_FIRST_YEAR} on)",
                   "万元", "10,000 yuan", False, fees.name,
                   f"SELECT report_id, {column.name} AS value FROM {fees.name}", (schema.GOV2021,),
                   PROCESSING_FEES_FIRST_YEAR)


MEASURES: tuple[Measure, ...] = (
    _t2_row_measure("received", "new_received", "机关年度-新收申请", "本年新收申请", "Requests received"),
    _t2_row_measure("granted", "granted", "机关年度-予以公开", "予以公开", "Granted"),
    _denied_measure(),
    _review_measure(),
    _litigation_measure(),
    _t1_amount_measure("fee_amount_wan", "机关年度-收费金额", "行政事业性收费金额", "Administrative fee income",
                       schema.t1_key("art20_8", "admin_fees", "fee_amount_wan")),
    _t1_amount_measure("procurement_amount_wan", "机关年度-采购金额", "政府集中采购金额", "Central procurement",
                       schema.t1_key("art20_9", "central_procurement", "procurement_amount_wan")),
    _processing_fees_measure(),
)


@dataclass
class _PanelCell:
    value: object = None
    has_report: bool = False
    is_part_year: bool = False
    period: str | None = None


@dataclass
class _Panel:
    measure: Measure
    title: str
    years: list[int]
    rows: list[tuple[str, list[_PanelCell]]]  # (agency display name, one cell per year)
    n_no_agency: int = 0
    n_no_year: int = 0
    part_year: list[str] = field(default_factory=list)  # "agency year (period)"
    missing_table: bool = False

    @property
    def cover_note(self) -> str:
        if self.missing_table:
            return (f"数据库中没有 {self.measure.table} 表，未生成此表 / table {self.measure.table} not in the "
                    "database: no sheet")
        return (f"{self.measure.definition_zh}；单位：{self.measure.unit_zh}；未计入 {self.n_no_agency} 份没有机关名称的报告"
                f" / unit {self.measure.unit_en}; {_reports(self.n_no_agency)} without a known agency left out")


def _reports(n: int) -> str:
    """「N report(s)」 for the English notes.

    >>> _reports(1), _reports(2)
    ('1 report', '2 reports')
    """
    return f"{n} report" + ("" if n == 1 else "s")


def _report_column(present_columns: set[str], name: str) -> str:
    return f"r.{name}" if name in present_columns else f"NULL AS {name}"


def _plan_panel(con: duckdb.DuckDBPyConnection, measure: Measure, title: str) -> _Panel:
    """The agency × year grid of ``measure``: reports of the formats (and years) that carry it, and any
    other report that has a value for it."""
    columns = {name for (name,) in con.execute("SELECT column_name FROM information_schema.columns "
                                               "WHERE table_schema = 'main' AND table_name = 'reports'").fetchall()}
    templates = ", ".join(f"'{t}'" for t in measure.templates)
    records = con.execute(
        f"SELECT r.agency_key, r.agency_name, r.report_year, v.value, "
        f"{_report_column(columns, 'is_part_year')}, {_report_column(columns, 'period_start')}, "
        f"{_report_column(columns, 'period_end')} "
        f"FROM reports r LEFT JOIN ({measure.sql}) v USING (report_id) "
        f"WHERE (r.template IN ({templates}) AND r.report_year >= {measure.first_year or 0}) OR v.value IS NOT NULL "
        f"ORDER BY r.agency_key, r.report_year, r.file").fetchall()
    panel = _Panel(measure, title, [], [])
    names: dict[str, tuple[int, str]] = {}
    cells: dict[tuple[str, int], _PanelCell] = {}
    for key, name, year, value, is_part_year, start, end in records:
        if key is None:
            panel.n_no_agency += 1
            continue
        if year is None:
            panel.n_no_year += 1
            continue
        if name and (key not in names or year >= names[key][0]):
            names[key] = (year, name)
        period = f"{start or '?'} 至 {end or '?'}" if (start or end) else None
        cells.setdefault((key, year), _PanelCell(value, True, bool(is_part_year), period))
    panel.years = sorted({year for _, year in cells})
    labels = {key: names[key][1] if key in names else key for key, _ in cells}
    clashes = {label for label in labels.values() if list(labels.values()).count(label) > 1}
    labels = {key: f"{label}（{key}）" if label in clashes else label for key, label in labels.items()}
    for key in sorted(labels, key=lambda k: (labels[k], k)):
        panel.rows.append((labels[key], [cells.get((key, year), _PanelCell()) for year in panel.years]))
        for year in panel.years:
            cell = cells.get((key, year))
            if cell is not None and cell.is_part_year:
                panel.part_year.append(f"{labels[key]} {year}" + (f"（{cell.period}）" if cell.period else ""))
    return panel


def _panel_notes(panel: _Panel) -> list[str]:
    m = panel.measure
    left_out = [f"{panel.n_no_agency} 份没有可识别机关名称的报告"]
    left_out_en = [f"{_reports(panel.n_no_agency)} without a known agency"]
    if panel.n_no_year:
        left_out.append(f"{panel.n_no_year} 份没有报告年度的报告")
        left_out_en.append(f"{_reports(panel.n_no_year)} without a report year")
    part = "；".join(panel.part_year) if panel.part_year else "无"
    blanks = ("空白 = 报告未填写或未读出（不是 0）；灰色 = 该机关该年度没有此格式的报告。"
              "/ Blank: not printed or not read (not 0); grey: no report of this format for that agency and year.")
    if not any(cell.value is not None for _, cells in panel.rows for cell in cells):
        blanks += " 没有一份报告填写此项。/ No report prints this measure."
    return [
        f"指标：{m.definition_zh}。单位：{m.unit_zh}。/ Measure: {m.definition_en}. Unit: {m.unit_en}.",
        blanks,
        f"未计入：{'、'.join(left_out)}。/ Left out: {', '.join(left_out_en)}.",
        f"非全年报告（黄色，单元格有批注）：{part}。/ Part-year reports (yellow, with a comment): "
        f"{len(panel.part_year)}.",
    ]


def _write_panel(workbook: Workbook, panel: _Panel) -> None:
    ws = workbook.create_sheet(panel.title)
    m = panel.measure
    names = [name for name, _ in panel.rows]
    ws.column_dimensions["A"].width = float(min(MAX_WIDTH, max([_display_width("机关 / agency"), 10,
                                                              *map(_display_width, names)]) + 2))
    for i in range(len(panel.years)):
        ws.column_dimensions[get_column_letter(i + 2)].width = 12.0
    ws.freeze_panes = f"B{PANEL_HEADER_ROW + 1}"
    title = WriteOnlyCell(ws, value=f"{m.label_zh}（{m.unit_zh}）：按机关、年度 / {m.label_en} ({m.unit_en}), "
                                    "by agency and report year")
    title.font = TITLE_FONT
    ws.append([title])
    for note in _panel_notes(panel):
        ws.append([note])
    ws.append([])
    header = _header_cells(ws, ["机关 / agency", *map(str, panel.years)], ZH_HEADER_FONT, ZH_HEADER_FILL,
                           [False, *([True] * len(panel.years))])
    for cell, year in zip(header[1:], panel.years):
        cell.value, cell.data_type, cell.number_format = year, "n", "0"  # years stay numbers
    ws.append(header)
    number_format = COUNT_FORMAT if m.is_count else AMOUNT_FORMAT
    for name, cells in panel.rows:
        row = [name]
        for year, cell in zip(panel.years, cells):
            value = cell.value
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            out = WriteOnlyCell(ws, value=value)
            out.number_format, out.alignment = number_format, RIGHT
            if not cell.has_report:
                out.fill = NO_REPORT_FILL
            elif cell.is_part_year:
                out.fill = PART_YEAR_FILL
                out.comment = Comment(f"非全年报告 / part-year report: {name} {year}"
                                      + (f"，统计期 {cell.period}" if cell.period else ""), "OGI Workbook")
            row.append(out)
        ws.append(row)


def _save_atomically(workbook: Workbook, out_path: Path) -> Path:
    with atomic_path(out_path) as tmp:
        workbook.save(tmp)
    return out_path
