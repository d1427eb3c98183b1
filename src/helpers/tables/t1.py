"""Table 1 (主动公开政府信息情况): a stack of small sub-tables, one per 第二十条 item.

Each sub-table is a caption row 「第二十条第（N）项」, a header row 「信息内容 | columns…」 and
data rows. The header's column labels say which format the sub-table is in; rows are
matched by label, so a missing caption or a page break between sub-tables does not matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import schema
from ..document import Cell
from ..normalize import clean_cell, norm
from ..values import header_unit, parse_amount_wan, parse_count
from .align import align
from .labels import resolve_t1_column, resolve_t1_row
from .model import CellValue, RegionRow, TableResult

CAPTION = re.compile(r"第二十条第\(?([一二三四五六七八九十]+)\)?项")
_BY_NUMERAL = {sub.article_item: sub.key for subs in schema.T1_BY_TEMPLATE.values() for sub in subs}


@dataclass
class _Header:
    subtable: str
    columns: list[tuple[str, schema.Column, str]] = field(default_factory=list)  # (template, column, printed)


@dataclass
class _DataRow:
    subtable: str
    candidates: list[tuple[str, str, schema.Row]]
    label: str
    slots: list[Cell]
    header: _Header | None


def caption_subtable(text: str) -> str | None:
    m = CAPTION.search(norm(text))
    if not m:
        return None
    return _BY_NUMERAL.get(m.group(1), f"art20_{m.group(1)}")


class _T1Reader:
    def __init__(self, result: TableResult):
        self.result = result
        self.subtable: str | None = None
        self.header: _Header | None = None
        self.headers: dict[str, _Header] = {}
        self.in_header = False
        self.rows: list[_DataRow] = []
        self.current: _DataRow | None = None

    def _caption(self, subtable: str) -> None:
        self.subtable = subtable
        self.header = self.headers.get(subtable)
        self.in_header = False
        self.current = None

    def _header_cell(self, text: str) -> bool:
        matches = resolve_t1_column(text, self.subtable)
        if not matches:
            return False
        template, sub, column = matches[0]
        if self.header is None or self.header.subtable != sub:
            self.header = _Header(sub)
            self.headers[sub] = self.header
            self.subtable = sub
        if all(column.key != c.key for _, c, _ in self.header.columns):
            self.header.columns.append((template, column, clean_cell(text)))
            for t, _, _ in matches:
                self.result.vote(t)
        return True

    def cell(self, cell: Cell) -> None:
        text = cell.text.strip()
        if not text or cell.holds_value:
            if self.current is not None:
                self.current.slots.append(cell)
            return
        sub = caption_subtable(text)
        if sub is not None:
            self._caption(sub)
            return
        if norm(text) == norm(schema.T1_INFO_HEADER):
            self.in_header = True
            self.current = None
            return
        rows = resolve_t1_row(text)
        if rows:
            self.in_header = False
            subs = {s for _, s, _ in rows}
            sub = self.subtable if self.subtable in subs else sorted(subs)[0]
            if self.subtable is not None and self.subtable not in subs:
                self.header = self.headers.get(sub)
            self.subtable = sub
            header = self.header if self.header and self.header.subtable == sub else self.headers.get(sub)
            self.current = _DataRow(sub, [r for r in rows if r[1] == sub], clean_cell(text), [], header)
            self.rows.append(self.current)
            if len({t for t, _, _ in rows}) == 1:
                self.result.vote(rows[0][0])
            return
        if self._header_cell(text):
            self.in_header = True
            self.current = None
            return
        if self.current is not None and not self.current.slots:
            self.current.label += clean_cell(text)

    def end_row(self) -> None:
        # a label printed without numbers waits for them on the next line (a label wrapped
        # around its numbers in layout text: 「行政事业」 / 「性  0」 / 「收费」)
        if self.current is not None and self.current.slots:
            self.current = None

    def finish(self, fallback_template: str | None) -> None:
        result = self.result
        votes = result.votes
        template = max(votes, key=lambda t: (votes[t], t)) if votes else fallback_template
        if template is None:
            template = schema.GOV2021
        result.template = template
        subtables = {s.key: s for s in schema.T1_BY_TEMPLATE[template]}
        seen: set[str] = set()
        for data in self.rows:
            sub = subtables.get(data.subtable)
            if sub is None:
                result.warn(f"t1: row {data.label!r} (line {data.slots[0].line if data.slots else '?'}) is in "
                            f"sub-table {data.subtable}, which the {template} format does not have; ignored")
                continue
            row = next((r for t, s, r in data.candidates if t == template), None) or next(
                (r for r in sub.rows if any(r.key == c.key for _, _, c in data.candidates)), None)
            if row is None:
                result.warn(f"t1: row {data.label!r} does not belong to the {template} format; ignored")
                continue
            columns = list(sub.columns)
            units: dict[str, str | None] = {c.key: None for c in columns}
            if data.header is not None and data.header.columns:
                printed = [c for t, c, _ in data.header.columns]
                known = {c.key for c in columns}
                printed = [c for c in printed if c.key in known]
                # the printed header decides only when it accounts for every printed cell: a
                # header wrapped over lines may have been read in part (「本年新」 / 「制作数量」)
                if printed and len(data.slots) != len(columns) and len(printed) == len(data.slots):
                    columns = printed
                for _, col, text in data.header.columns:
                    units[col.key] = header_unit(text)
            key_prefix = f"{sub.key}.{row.key}"
            if key_prefix in seen:
                result.warn(f"t1.{key_prefix}: row printed twice; the first one is kept")
                continue
            seen.add(key_prefix)
            result.printed_rows.add(key_prefix)
            aligned = align(data.slots, len(columns))
            result.short_rows += aligned.short
            if aligned.warning:
                result.warn(f"t1.{key_prefix}: {aligned.warning}", aligned.doubt)
            cells = aligned.cells
            for col, cell in zip(columns, cells):
                key = schema.t1_key(sub.key, row.key, col.key)
                unit = units.get(col.key) or header_unit(data.label)  # 「政府集中采购（元）」
                result.cells[key] = _value(key, col, cell, data.label, unit, result)
        for sub in subtables.values():
            for row in sub.rows:
                for col in sub.columns:
                    key = schema.t1_key(sub.key, row.key, col.key)
                    result.cells.setdefault(key, CellValue(key, None, None, row.label))


def _value(key: str, col: schema.Column, cell: Cell | None, label: str, unit: str | None, result: TableResult) -> CellValue:
    if cell is None:
        return CellValue.from_cell(key, None, None, label)
    if col.dtype == schema.AMOUNT_WAN:
        parsed = parse_amount_wan(cell.text, header_unit=unit or col.unit if col.key == "fee_amount_wan" else unit)
    else:
        parsed = parse_count(cell.text, signed=col.dtype == schema.SIGNED)
    if parsed.problem:
        result.warn(f"{key}: {parsed.problem}")
    return CellValue.from_cell(key, parsed.value, cell, label, parsed.unit)


def parse_t1(rows: list[RegionRow], fallback_template: str | None) -> TableResult:
    result = TableResult("t1")
    reader = _T1Reader(result)
    for region_row in rows:
        for cell in region_row.cells:
            reader.cell(cell)
        if not region_row.is_stream:
            reader.end_row()
    result.found = bool(reader.rows)
    if reader.rows and reader.rows[0].slots:
        result.first_line, result.first_page = reader.rows[0].slots[0].line, reader.rows[0].slots[0].page
    reader.finish(fallback_template)
    return result
