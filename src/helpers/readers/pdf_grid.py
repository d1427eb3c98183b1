"""Ruled tables rebuilt from a PDF page's geometry: ruling lines → grid → cells as printed.

Locate: the page's ruling segments (lines and the edges of thin rectangles) are snapped,
joined and grouped into connected networks; a network with at least two horizontal and two
vertical rulings is a table. Read: the network's distinct x and y positions cut it into
elementary cells; neighbouring elementary cells with no ruling between them are one printed
(merged) cell. So a table whose borders are drawn only in places (Word and LibreOffice
export HTML tables that way) still gives every cell, text in an unruled label column beside
the rulings becomes a column of its own, and every character inside a table lands in exactly
one cell: nothing is dropped. A column of numbers whose horizontal rulings are missing is cut
back into rows by its text lines.

>>> merged_regions(2, 3, lambda r, c: c == 1, lambda r, c: False)[(0, 1)]  # row 0: columns 1-2 merged
(0, 1, 0, 2)
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Callable

from ..document import Cell, TableRow, looks_like_value

TOLERANCE = 2.0  # points: rulings closer than this are one
SNAP = 3.0  # points: pdfplumber's snap/join tolerance for ruling segments
MIN_RULE = 3.0  # shorter segments are ticks or the ends of thin rectangles, not rulings
COVERED = 0.5  # share of a cell side a ruling must cover to separate two cells
LINE_TOLERANCE = 3.0  # characters whose tops differ by less are on one text line
MARGIN_REACH = 200.0  # points: how far left or right of its rulings a table's unruled text may reach


@dataclass
class PageTable:
    """A table found on one page: its bbox (x0, top, x1, bottom) and its rows of cells as printed."""

    bbox: tuple[float, float, float, float]
    rows: list[TableRow] = field(default_factory=list)
    xs: list[float] | None = None  # column edges, where the backend knows them
    clipped: bool = False  # the table reaches the page's edge: what lies beyond is not printed

    @property
    def n_columns(self) -> int:
        return max((sum(c.colspan for c in row.cells) for row in self.rows), default=0)


@dataclass(frozen=True)
class Rule:
    vertical: bool
    pos: float  # x of a vertical ruling, y (top) of a horizontal one
    start: float
    end: float


@dataclass
class Grid:
    """A ruled table on one page: column and row edges, and its printed cells."""

    xs: list[float]
    ys: list[float]
    rows: list[TableRow]
    clipped: bool = False  # the table reaches the page edge: cells beyond it are not printed

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])


# ---------------------------------------------------------------- rulings and networks

def page_rules(page) -> list[Rule]:
    """Ruling segments of a pdfplumber page, snapped and joined; underlines left out."""
    from pdfplumber.table import merge_edges

    rules = []
    straight = [e for e in page.edges if e.get("orientation") in ("h", "v")]  # curves have diagonal edges
    lines = None
    for edge in merge_edges(straight, SNAP, SNAP, SNAP, SNAP):
        if edge["orientation"] == "v":
            rule = Rule(True, edge["x0"], edge["top"], edge["bottom"])
        else:
            rule = Rule(False, edge["top"], edge["x0"], edge["x1"])
            lines = lines if lines is not None else _phrases(page.chars)
            if _underlines(rule, lines):
                continue
        if rule.end - rule.start >= MIN_RULE:
            rules.append(rule)
    return rules


UNDERLINE_GAP = 4.0  # points below a line of text an underline (or strike-through) may run


def _phrases(chars: list[dict]) -> list[tuple[float, float, float, float]]:
    """(top, bottom, x0, x1) of each run of text on a line without a gap wider than a character."""
    out = []
    for line in char_lines([c for c in chars if c["text"].strip()]):
        run = [line[0]]
        for ch in line[1:] + [None]:
            if ch is not None and ch["x0"] - run[-1]["x1"] <= max(ch["size"], 1):
                run.append(ch)
                continue
            out.append((min(c["top"] for c in run), max(c["bottom"] for c in run), run[0]["x0"], run[-1]["x1"]))
            if ch is not None:
                run = [ch]
    return out


def _underlines(rule: Rule, phrases: list[tuple[float, float, float, float]]) -> bool:
    """A horizontal segment no longer than a run of text, right under or through it: text
    decoration (underlined or struck-through text), not a cell border, which runs on past the
    text by the cell's padding."""
    return any(top - 1 <= rule.pos <= bottom + UNDERLINE_GAP and rule.start >= x0 - 1 and rule.end <= x1 + 1
               for top, bottom, x0, x1 in phrases)


def _touch(h: Rule, v: Rule) -> bool:
    return (h.start - TOLERANCE <= v.pos <= h.end + TOLERANCE
            and v.start - TOLERANCE <= h.pos <= v.end + TOLERANCE)


def networks(rules: list[Rule]) -> list[list[Rule]]:
    """Groups of rulings connected by crossings or touching ends."""
    parent = list(range(len(rules)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    horizontal = [i for i, r in enumerate(rules) if not r.vertical]
    vertical = [i for i, r in enumerate(rules) if r.vertical]
    for i in horizontal:
        for j in vertical:
            if _touch(rules[i], rules[j]):
                parent[find(i)] = find(j)
    groups: dict[int, list[Rule]] = {}
    for i, rule in enumerate(rules):
        groups.setdefault(find(i), []).append(rule)
    return [g for g in groups.values()
            if sum(r.vertical for r in g) >= 2 and sum(not r.vertical for r in g) >= 2]


def _cluster(values: list[float]) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= TOLERANCE:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


def _coverage(rules: list[Rule], pos: float, start: float, end: float) -> float:
    """Share of [start, end] covered by rulings at ``pos``."""
    spans = sorted((max(r.start, start), min(r.end, end)) for r in rules if abs(r.pos - pos) <= TOLERANCE)
    covered, reach = 0.0, start
    for a, b in spans:
        if b <= reach:
            continue
        covered += b - max(a, reach)
        reach = b
    return covered / (end - start) if end > start else 1.0


# ---------------------------------------------------------------- cells

def merged_regions(n_rows: int, n_cols: int, open_right: Callable[[int, int], bool],
                   open_below: Callable[[int, int], bool]) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Top-left (row, col) → (row0, col0, row1, col1) of each printed cell of a grid.

    A cell grows right while its right side is open, then down while the whole bottom side
    is open: merged cells come out as rectangles.
    """
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    regions = {}
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) in owner:
                continue
            c1 = c
            while c1 + 1 < n_cols and open_right(r, c1) and (r, c1 + 1) not in owner:
                c1 += 1
            r1 = r
            while r1 + 1 < n_rows and all(open_below(r1, k) and (r1 + 1, k) not in owner for k in range(c, c1 + 1)):
                r1 += 1
            for rr in range(r, r1 + 1):
                for cc in range(c, c1 + 1):
                    owner[(rr, cc)] = (r, c)
            regions[(r, c)] = (r, c, r1, c1)
    return regions


def char_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into lines (tops closer than the tolerance), top to bottom, left to right."""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(ch["top"] - lines[-1][0]["top"]) < LINE_TOLERANCE:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    return sorted(lines, key=lambda ln: min(c["top"] for c in ln))


def text_lines(chars: list[dict]) -> list[tuple[float, float, str, float, float]]:
    """(top, bottom, text, x0, x1) of each line of characters; a gap wider than half a character
    is a space."""
    out = []
    for line in char_lines(chars):
        parts: list[str] = []
        prev = None
        for ch in line:
            # a gap wider than half a character is a printed space (「第 711 号」)
            if prev is not None and ch["x0"] - prev["x1"] > 0.5 * max(ch["size"], 1) and parts[-1] != " ":
                parts.append(" ")
            parts.append(ch["text"])
            prev = ch
        text = "".join(parts).strip()
        if text:
            visible = [c for c in line if c["text"].strip()] or line
            out.append((min(c["top"] for c in line), max(c["bottom"] for c in line), text,
                        min(c["x0"] for c in visible), max(c["x1"] for c in visible)))
    return out


def _center(ch: dict) -> tuple[float, float]:
    return (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2


def _widen(xs: list[float], ys: list[float], chars: list[dict]) -> list[float]:
    """Add a column edge for unruled text beside the rulings (a label column drawn without borders)."""
    left, right = [], []
    for ch in chars:
        cx, cy = _center(ch)
        if not ch["text"].strip() or not ys[0] < cy < ys[-1]:
            continue
        if xs[0] - MARGIN_REACH < ch["x0"] and ch["x1"] <= xs[0]:
            left.append(ch["x0"])
        elif xs[-1] <= ch["x0"] and ch["x1"] < xs[-1] + MARGIN_REACH:
            right.append(ch["x1"])
    if left:
        xs = [min(left) - 1, *xs]
    if right:
        xs = [*xs, max(right) + 1]
    return xs


def build_grid(group: list[Rule], chars: list[dict], page_no: int, page_width: float) -> Grid | None:
    """The table a network of rulings draws, with the page's characters placed in its cells."""
    vertical = [r for r in group if r.vertical]
    horizontal = [r for r in group if not r.vertical]
    xs = _cluster([r.pos for r in vertical] + [min(r.start for r in horizontal), max(r.end for r in horizontal)])
    ys = _cluster([r.pos for r in horizontal] + [min(r.start for r in vertical), max(r.end for r in vertical)])
    if len(xs) < 3 or len(ys) < 2:
        return None  # one ruled column: a framed paragraph, not a table
    xs = _widen(xs, ys, chars)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1

    def open_right(r: int, c: int) -> bool:
        return _coverage(vertical, xs[c + 1], ys[r], ys[r + 1]) < COVERED

    def open_below(r: int, c: int) -> bool:
        return _coverage(horizontal, ys[r + 1], xs[c], xs[c + 1]) < COVERED

    regions = merged_regions(n_rows, n_cols, open_right, open_below)
    owner = {}
    for key, (r0, c0, r1, c1) in regions.items():
        for rr in range(r0, r1 + 1):
            for cc in range(c0, c1 + 1):
                owner[(rr, cc)] = key
    placed: dict[tuple[int, int], list[dict]] = {key: [] for key in regions}
    for ch in chars:
        cx, cy = _center(ch)
        if not (xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]):
            continue
        c = min(max(bisect_right(xs, cx) - 1, 0), n_cols - 1)
        r = min(max(bisect_right(ys, cy) - 1, 0), n_rows - 1)
        placed[owner[(r, c)]].append(ch)
    regions, placed = _split_stacked_values(regions, placed, ys)
    regions, placed = _split_side_by_side(regions, placed, xs)
    starts: dict[int, list[tuple[int, int]]] = {}
    for key in regions:
        starts.setdefault(key[0], []).append(key)
    emitted = sorted(starts)
    rows = []
    for r in emitted:
        cells = []
        for key in sorted(starts[r], key=lambda k: k[1]):
            r0, c0, r1, c1 = regions[key]
            lines = text_lines(placed[key])
            text = "\n".join(line[2] for line in lines)
            box = (round(xs[c0], 2), round(ys[r0], 2), round(xs[c1 + 1], 2), round(ys[r1 + 1], 2))
            rowspan = sum(1 for e in emitted if r0 <= e <= r1)
            scores = [ch["confidence"] for ch in placed[key] if "confidence" in ch]  # OCR'd characters
            cells.append(Cell(text, None, page_no, xs[c0], rowspan=max(rowspan, 1), colspan=c1 - c0 + 1, bbox=box,
                              confidence=min(scores) if scores else None))
        rows.append(TableRow(cells, None, page_no))
    clipped = xs[-1] >= page_width - TOLERANCE or xs[0] <= TOLERANCE
    return Grid(xs, ys, rows, clipped)


def _split_stacked_values(regions, placed, ys):
    """A merged cell spanning rows whose text lines are one number per row was never merged:
    its horizontal rulings are missing. Cut it back into one cell per row."""
    out_regions, out_placed = {}, {}
    for key, (r0, c0, r1, c1) in regions.items():
        chars = placed[key]
        lines = text_lines(chars) if r1 > r0 else []
        rows_of_lines = [bisect_right(ys, (line[0] + line[1]) / 2) - 1 for line in lines]
        if len(lines) >= 2 and all(looks_like_value(line[2]) for line in lines) \
                and len(set(rows_of_lines)) == len(lines):
            bounds = [r0] + [r for r in rows_of_lines[1:]] + [r1 + 1]
            for (start, end), (top, bottom, *_) in zip(zip(bounds, bounds[1:]), lines):
                new_key = (start, c0)
                out_regions[new_key] = (start, c0, end - 1, c1)
                out_placed[new_key] = [ch for ch in chars if top - 0.5 <= _center(ch)[1] <= bottom + 0.5]
            continue
        out_regions[key] = (r0, c0, r1, c1)
        out_placed[key] = chars
    return out_regions, out_placed


def _split_side_by_side(regions, placed, xs):
    """A merged cell holding separate blocks of text side by side, with a column edge between
    them that no text crosses, is two cells whose vertical ruling is missing (「行政复议」 and
    「行政诉讼」 over one header row). Each split goes where both blocks sit most centred."""
    out_regions, out_placed = {}, {}
    pending = list(regions.items())
    while pending:
        key, (r0, c0, r1, c1) = pending.pop()
        chars = [ch for ch in placed[key] if ch["text"].strip()]
        best = None
        if c1 > c0 and chars:
            for k in range(c0 + 1, c1 + 1):
                left = [ch for ch in chars if ch["x1"] <= xs[k] + 0.5]
                right = [ch for ch in chars if ch["x0"] >= xs[k] - 0.5]
                if not left or not right or len(left) + len(right) != len(chars) or _runs_across(left, right):
                    continue
                lc = (min(ch["x0"] for ch in left) + max(ch["x1"] for ch in left)) / 2
                rc = (min(ch["x0"] for ch in right) + max(ch["x1"] for ch in right)) / 2
                cost = abs(lc - (xs[c0] + xs[k]) / 2) + abs(rc - (xs[k] + xs[c1 + 1]) / 2)
                if best is None or cost < best[0]:
                    best = (cost, k, left, right)
        if best is None:
            out_regions[key], out_placed[key] = (r0, c0, r1, c1), placed[key]
            continue
        _, k, left, right = best
        placed[(r0, c0)], placed[(r0, k)] = left, right
        pending += [((r0, c0), (r0, c0, r1, k - 1)), ((r0, k), (r0, k, r1, c1))]
    return out_regions, out_placed


def _runs_across(left: list[dict], right: list[dict]) -> bool:
    """Some text line continues from the left block into the right one without a real gap."""
    for a in left:
        for b in right:
            if abs(a["top"] - b["top"]) < LINE_TOLERANCE and b["x0"] - a["x1"] < 0.5 * max(a["size"], 1):
                return True
    return False


def page_grids(page) -> list[Grid]:
    """Every ruled table on a pdfplumber page, top to bottom."""
    rules = page_rules(page)
    grids = []
    for group in networks(rules):
        grid = build_grid(group, page.chars, page.page_number, float(page.width))
        if grid is not None and len(grid.xs) > 2 and grid.rows:
            grids.append(grid)
    grids.sort(key=lambda g: g.ys[0])
    return grids
