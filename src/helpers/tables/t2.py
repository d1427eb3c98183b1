"""Table 2 (收到和处理政府信息公开申请情况): rows of outcomes × seven applicant columns.

Rows are found by their labels, not their positions: a label cell that names a row starts
it, group labels (「（三）不予公开」) set the context, and fragments of labels broken over
cells or pages are absorbed. Numbers in a row whose label is a fragment belong to the row
whose label came just before and is still waiting for its numbers (wrapped labels in
layout text). In tables whose row boundaries were lost, numbers belong to the last label.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .. import schema
from ..document import Cell
from ..normalize import clean_cell, norm, split_numbering
from ..values import parse_count
from .align import align
from .labels import is_t2_header, is_whole_label, resolve_t2
from .model import CellValue, RegionRow, TableResult

_SUBROWS = schema.T2_OTHER_2021
MAX_CELL_DROP = 4  # lines: a cell of a layout-text row set lower than its neighbours (vertical centring)
COLUMN_BY_LABEL = {norm(c.label): c.key for c in schema.T2_COLUMNS}


@dataclass
class _PrintedRow:
    key: str
    label: list[str] = field(default_factory=list)
    slots: list[Cell] | None = None  # None: the label was printed with no cells at all
    first_cell: Cell | None = None
    label_only: bool = True  # no cells besides label cells in its own grid row
    positions: list[int] | None = None  # the slots' indices in their printed row
    header: list[int | None] | None = None  # column header positions of the slots' table fragment


class _T2Reader:
    def __init__(self, result: TableResult):
        self.result = result
        self.rows: dict[str, _PrintedRow] = {}
        self.order: list[str] = []
        self.context: str | None = None
        self.current: _PrintedRow | None = None  # last row whose label was printed
        self.pending: _PrintedRow | None = None  # a row whose label came without numbers
        self.stream_target: _PrintedRow | None = None
        self.stream_slots: list[Cell] = []
        self.header_positions: dict[str, int] = {}
        self.header_table: int | None = None
        self.orphan = None  # (slots, positions, line, row): numbers no label above claims
        self.duplicates: list[_PrintedRow] = []  # a row's label printed again after its numbers

    # -- label handling -------------------------------------------------------
    def _start_row(self, row: schema.Row, cell: Cell) -> _PrintedRow:
        if row.key in self.rows and self.rows[row.key].slots:
            printed = _PrintedRow(row.key, [clean_cell(cell.text)], None, cell)  # detached duplicate
            self.duplicates.append(printed)
        else:
            printed = self.rows.get(row.key) or _PrintedRow(row.key, [], None, cell)
            printed.label.append(clean_cell(cell.text))
            if row.key not in self.rows:
                self.rows[row.key] = printed
                self.order.append(row.key)
        return printed

    def _label(self, cell: Cell) -> schema.Row | None:
        last = self.current.key if self.current else None
        row = resolve_t2(cell.text, self.context, last)
        if row is None:
            return None
        if row.is_group:
            self.context = row.key
            return row
        if row.group:
            self.context = row.group
        if row.key == schema.T2_OTHER_2019:
            self.context = "other"
        return row

    def _joined_label(self, cell: Cell) -> tuple[Cell, schema.Row] | None:
        """A group label's piece and a row label run into one cell (「三、本年（一）予以公开」: on a
        scan whose ruling between them was lost): the group sets the context, the row is named
        by the text from its own, deeper numbering on. Two labels of one level (two rows run
        together) are not split: which row the numbers belong to is not known."""
        text = norm(cell.text)
        for start in range(1, len(text)):
            level = split_numbering(text[start:])[0]
            if not level:
                continue
            head_level = split_numbering(text[:start])[0]
            head = resolve_t2(text[:start], self.context)
            if head is None or not head.is_group or (head_level and head_level >= level):
                continue
            context, self.context = self.context, head.key
            tail = replace(cell, text=text[start:])
            row = self._label(tail)
            if row is not None and not row.is_group:
                return tail, row
            self.context = context
        return None

    def _continues_pending(self, text: str) -> bool:
        """Unnumbered text that only begins a label, while a numbered label waits for its numbers
        on the lines below: the waiting label's next line (「1. 申请人」 / 「无正当理」), not the
        row 「4.无正当理由大量反复申请」."""
        pending = self.pending
        if pending is None or split_numbering(text)[0] > 0 or not pending.label \
                or split_numbering(pending.label[0])[0] == 0:
            return False
        row = resolve_t2(text)
        return row is not None and not is_whole_label(text, row)

    # -- values ---------------------------------------------------------------
    def _assign(self, target: _PrintedRow, slots: list[Cell], positions: list[int] | None = None) -> None:
        if target.slots and any(c.text.strip() for c in target.slots):
            self.result.warn(f"t2.{target.key}: a second set of numbers (line {slots[0].line}) was ignored")
            return
        target.slots = slots
        target.positions = positions
        target.header = [self.header_positions.get(c) for c in schema.COLS7] if positions is not None else None

    def _header_row(self, region_row: RegionRow) -> None:
        """Remember where each applicant column's header cell is in this table fragment."""
        if region_row.table_index != self.header_table:
            self.header_positions = {}
            self.header_table = region_row.table_index
        for index, cell in enumerate(region_row.cells):
            column = COLUMN_BY_LABEL.get(norm(cell.text))
            if column is not None:
                self.header_positions[column] = index

    def _completes_cut_row(self, region_row: RegionRow) -> bool:
        """The rest of a row whose numbers were printed in two parts: cut by a page break (the
        rest of its label and its last numbers on the next page), or in layout text a cell set
        lower than its neighbours (a total centred on the label's third line). The rest is
        unnumbered label text naming the row just read or no row at all, with numbers exactly
        in the columns left blank, which then hold a number each; a number under a number
        already read is not this (it is a row printed twice)."""
        current = self.current
        if current is None or not current.slots or current.positions is None or current.first_cell is None:
            return False
        labels = [c for c in region_row.cells if c.text.strip() and not c.holds_value]
        page = labels[0].page if labels else None
        if not labels or page is None or current.first_cell.page is None or page < current.first_cell.page:
            return False
        if page == current.first_cell.page:
            lines = [c.line for c in current.slots if c.text.strip() and c.line is not None]
            if labels[0].line is None or not lines or not 0 < labels[0].line - max(lines) <= MAX_CELL_DROP:
                return False
        for cell in labels:
            if split_numbering(cell.text)[0] > 0 or is_t2_header(cell.text):
                return False
            row = resolve_t2(cell.text, self.context, current.key)
            if row is not None and (row.key != current.key or is_whole_label(cell.text, row)):
                return False
        slot_at = dict(zip(current.positions, range(len(current.slots))))
        filled = [(index, cell) for index, cell in enumerate(region_row.cells)
                  if cell.text.strip() and cell.holds_value]
        if not filled or any(index not in slot_at or current.slots[slot_at[index]].text.strip()
                             for index, _ in filled):
            return False
        if len(filled) != sum(not c.text.strip() for c in current.slots):
            return False  # the two parts make one whole row, or they are not one row
        for index, cell in filled:
            current.slots[slot_at[index]] = cell
        current.label.extend(clean_cell(c.text) for c in labels)
        return True

    def grid_row(self, region_row: RegionRow) -> None:
        self.flush_stream()
        self.stream_target = None
        if region_row.table_index != self.header_table:
            self.header_positions = {}
            self.header_table = region_row.table_index
        if self._completes_cut_row(region_row):
            return
        row_key: _PrintedRow | None = None
        slots: list[Cell] = []
        positions: list[int] = []
        fragments: list[str] = []
        headers = 0
        for index, cell in enumerate(region_row.cells):
            text = cell.text.strip()
            if not text or cell.holds_value:
                slots.append(cell)
                positions.append(index)
                continue
            if is_t2_header(text):
                headers += 1
                continue
            row = None if self._continues_pending(text) else self._label(cell)
            if row is None and (joined := self._joined_label(cell)) is not None:
                cell, row = joined
            if row is None or row.is_group:
                if row is None:
                    fragments.append(clean_cell(text))
                continue
            row_key = self._start_row(row, cell)
            slots, positions = [], []  # cells before a row label are remnants of merged label cells
        has_values = any(c.text.strip() for c in slots)
        if headers and not has_values:
            self._header_row(region_row)
        orphan, self.orphan = self.orphan, None
        if row_key is not None:
            row_key.label.extend(fragments)
            row_key.label_only = not slots
            if not has_values and orphan is not None and row_key.slots is None \
                    and region_row.line is not None and region_row.line == orphan[2] + 1:
                slots, positions, _, _ = orphan  # its numbers were printed on the line above it
                has_values, orphan = True, None
            if has_values or slots:
                if has_values or row_key.slots is None:
                    self._assign(row_key, slots, positions)
            self.current = row_key
            self.pending = None if has_values else row_key
            self._warn_orphan(orphan)
            return
        if has_values:
            self._warn_orphan(orphan)
            if self.pending is not None:
                self.pending.label.extend(fragments)
                self._assign(self.pending, slots, positions)
                self.pending = None
            elif region_row.line is not None:
                self.orphan = (slots, positions, region_row.line, region_row)  # may be the next label's
            else:
                self._warn_orphan((slots, positions, region_row.line, region_row))
        else:
            self._warn_orphan(orphan)
            if fragments and self.current is not None:
                self.current.label.extend(fragments)

    def _warn_orphan(self, orphan) -> None:
        if orphan is not None:
            region_row = orphan[3]
            text = " ".join(c.text for c in region_row.cells if c.text.strip())
            self.result.warn(f"t2: numbers on line {region_row.line} belong to no recognised row label: {text!r}")

    def stream(self, region_row: RegionRow) -> None:
        """Cells whose row boundaries were lost: numbers belong to the last row label before them."""
        for cell in region_row.cells:
            text = cell.text.strip()
            if not text or cell.holds_value:
                self.stream_slots.append(cell)
                continue
            if is_t2_header(text):
                continue
            row = self._label(cell)
            if row is None:
                target = self.stream_target
                if target is not None and not any(c.text.strip() for c in self.stream_slots):
                    target.label.append(clean_cell(text))
                continue
            if row.is_group:
                continue
            self.flush_stream()
            self.stream_target = self._start_row(row, cell)
            self.current = self.stream_target

    def flush_stream(self) -> None:
        slots, target = self.stream_slots, self.stream_target
        self.stream_slots = []
        filled = any(c.text.strip() for c in slots)
        if target is None:
            if filled:
                self.result.warn(f"t2: numbers near line {slots[0].line} belong to no recognised row label")
            return
        if slots:
            target.label_only = False
        if filled or (target.slots is None and slots):
            self._assign(target, slots)
        elif not slots:
            self.pending = target  # a label on lines of its own: its numbers may follow in a grid row

    # -- output ---------------------------------------------------------------
    def finish(self) -> None:
        result = self.result
        has_subrows = any(k in self.rows for k in _SUBROWS)
        other = self.rows.get(schema.T2_OTHER_2019)
        other_has_values = bool(other and other.slots and any(c.text.strip() for c in other.slots))
        if has_subrows:
            result.vote(schema.GOV2021, 2)
            if other is not None and not other_has_values:
                del self.rows[schema.T2_OTHER_2019]
                self.order.remove(schema.T2_OTHER_2019)
            self._merged_subrows()
        elif other is not None:
            result.vote(schema.GOV2019, 2)
        for dup in self.duplicates:
            line = dup.first_cell.line if dup.first_cell else None
            if dup.slots and any(c.text.strip() for c in dup.slots):
                numbers = " ".join(c.text.strip() for c in dup.slots)
                result.warn(f"t2.{dup.key}: row printed twice (line {line}); the first one is kept, the second's "
                            f"numbers ({numbers}) are not read")
            else:  # a label repeated (a page break, a wrapped merged cell) with no numbers of its own
                result.warn(f"t2.{dup.key}: label printed again (line {line}) without numbers", doubt=False)
        merged = schema.T2_OTHER_2019 in self.rows and has_subrows
        for key in self.order:
            printed = self.rows[key]
            label = " ".join(t for t in printed.label if t)
            if printed.slots is None and not (merged and key in _SUBROWS):
                result.warn(f"t2.{key}: its label is printed but no cells follow it; its values were not found")
            aligned = align(printed.slots or [], len(schema.T2_COLUMNS), printed.positions, printed.header,
                            identities=[(tuple(range(len(schema.COLS6))), len(schema.COLS6))])
            result.short_rows += aligned.short
            if aligned.warning:
                result.warn(f"t2.{key}: {aligned.warning}", aligned.doubt)
            for index, (col, cell) in enumerate(zip(schema.T2_COLUMNS, aligned.cells)):
                key_ = schema.t2_key(key, col.key)
                if index in aligned.derived:
                    result.cells[key_] = CellValue(key_, aligned.derived[index], None, label, derived=True)
                    continue
                if cell is None:
                    result.cells[key_] = CellValue.from_cell(key_, None, None, label)
                    continue
                parsed = parse_count(cell.text)
                if parsed.problem:
                    result.warn(f"{key_}: {parsed.problem}; value left null")
                result.cells[key_] = CellValue.from_cell(key_, parsed.value, cell, label)

    def _merged_subrows(self) -> None:
        """One set of numbers printed across the three （六） sub-rows (merged vertically):
        it cannot be split, so it is recorded under the 2019 key ``other``."""
        printed = [self.rows.get(k) for k in _SUBROWS]
        valued = [p for p in printed if p is not None and p.slots and any(c.text.strip() for c in p.slots)]
        bare = [p for p in printed if p is not None and p.slots is None and p.label_only]
        if len(valued) == 1 and len(bare) == len(_SUBROWS) - 1 and schema.T2_OTHER_2019 not in self.rows:
            source = valued[0]
            merged = _PrintedRow(schema.T2_OTHER_2019, list(source.label), source.slots, source.first_cell)
            self.rows[schema.T2_OTHER_2019] = merged
            self.order.insert(self.order.index(source.key), schema.T2_OTHER_2019)
            source.slots = None
            self.result.warn(
                "t2.other: one set of numbers is printed for the three （六）其他处理 sub-rows together "
                "(the other sub-rows print no cells); recorded under t2.other", doubt=False
            )


def parse_t2(rows: list[RegionRow]) -> TableResult:
    result = TableResult("t2")
    if not rows:
        return result
    reader = _T2Reader(result)
    for region_row in rows:
        if region_row.is_stream:
            reader.stream(region_row)
        else:
            reader.grid_row(region_row)
    reader.flush_stream()
    reader._warn_orphan(reader.orphan)
    result.found = bool(reader.rows)
    if reader.rows:
        first = next(iter(reader.rows.values())).first_cell
        if first is not None:
            result.first_line, result.first_page = first.line, first.page
    reader.finish()
    return result
