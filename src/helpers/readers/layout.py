"""Tables printed as space-aligned columns (``pdftotext -layout`` and similar).

Blank cells are not explicit in such text, so column positions are inferred: within a run of
rows between header-like rows, the rows with the most values fix the column anchors, and a
row with fewer values gets its values placed at the nearest anchors with empty cells
between. Label text wrapped onto lines of its own stays as label-only rows; the table parser
joins them with their numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Cell, Table, TableRow
from ..values import looks_like_value

_TOKEN = re.compile(r"\S+(?: \S+)*")  # runs separated by two or more spaces


@dataclass
class Token:
    start: int
    end: int
    text: str

    @property
    def center(self) -> float:
        return (self.start + self.end) / 2

    @property
    def is_value(self) -> bool:
        return looks_like_value(self.text)


def tokenize(line: str) -> list[Token]:
    """Split a layout line at gaps of two or more spaces; split runs of single-spaced values."""
    out: list[Token] = []
    for m in _TOKEN.finditer(line):
        parts = m.group().split(" ")
        if len(parts) > 1 and all(looks_like_value(p) for p in parts) and not all(p.strip() == "" for p in parts):
            pos = m.start()
            for part in parts:
                out.append(Token(pos, pos + len(part), part))
                pos += len(part) + 1
        else:
            out.append(Token(m.start(), m.end(), m.group()))
    return out


def is_layout_line(line: str) -> bool:
    """Two or more cells separated by a gap of at least two spaces."""
    return len(tokenize(line.strip())) >= 2


def _anchors(rows: list[list[Token]]) -> list[float]:
    counts = [sum(t.is_value for t in r) for r in rows]
    best = max(counts, default=0)
    if best == 0:
        return []
    full = [[t for t in r if t.is_value] for r, n in zip(rows, counts) if n == best]
    return [sum(r[i].center for r in full) / len(full) for i in range(best)]


def _place(values: list[Token], anchors: list[float]) -> list[Token | None]:
    """Assign values (in order) to anchors (in order), minimising distance; gaps become None."""
    n, m = len(values), len(anchors)
    if n == m:
        return list(values)
    # dynamic programming over monotone assignments
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    cost[0] = [0.0] * (m + 1)
    for i in range(1, n + 1):
        for j in range(i, m + 1):
            take = cost[i - 1][j - 1] + abs(values[i - 1].center - anchors[j - 1])
            cost[i][j] = min(cost[i][j - 1], take)
    placed: list[Token | None] = [None] * m
    i, j = n, m
    while i > 0:
        if j > i and cost[i][j] == cost[i][j - 1]:
            j -= 1
            continue
        placed[j - 1] = values[i - 1]
        i, j = i - 1, j - 1
    return placed


def build_layout_table(lines: list[tuple[int, int, str]], index: int = 0) -> Table:
    """``lines``: (line number, page, text) of one table block, blank lines excluded."""
    tokenized = [(no, page, tokenize(text)) for no, page, text in lines]
    value_starts = [t.start for _, _, toks in tokenized for t in toks if t.is_value and sum(x.is_value for x in toks) >= 2]
    value_x0 = min(value_starts, default=None)

    def header_like(toks: list[Token]) -> bool:
        return value_x0 is not None and not any(t.is_value for t in toks) and any(t.start >= value_x0 - 2 for t in toks) and len(toks) >= 2

    runs: list[list[tuple[int, int, list[Token]]]] = [[]]
    for item in tokenized:
        if header_like(item[2]):
            runs.append([item])
            runs.append([])
        else:
            runs[-1].append(item)

    rows: list[TableRow] = []
    for run in runs:
        anchors = _anchors([toks for _, _, toks in run])
        for no, page, toks in run:
            values = [t for t in toks if t.is_value]
            labels = [t for t in toks if not t.is_value]
            cells = [Cell(t.text, no, page, t.center) for t in labels]
            if values and anchors and not header_like(toks):
                for anchor, tok in zip(anchors, _place(values, anchors)):
                    cells.append(Cell(tok.text if tok else "", no, page, tok.center if tok else anchor))
            else:
                cells = [Cell(t.text, no, page, t.center) for t in toks]
            rows.append(TableRow(cells, no, page))
    return Table(rows, index=index, source="layout")
