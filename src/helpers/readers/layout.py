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

from ..document import Cell, Table, TableRow, looks_like_value
from ..normalize import split_numbering

_TOKEN = re.compile(r"\S+(?: \S+)*")  # runs separated by two or more spaces
# a single space before a numbered label separates two cells: 「三、本 （一）予以公开」 is the
# group label's first line beside the row label; so does no space at all before 「（一）」
# after other text (「度办理结（一）予以公开」), except in 「第二十条第（一）项」
# a number printed against the end of a label (「稳0」): table labels never end in digits
_GLUED_VALUE = re.compile(r"^(.*[\u4e00-\u9fff”\"）)])(\d+(?:\.\d+)?)$")
_ITEM_START = re.compile(r" (?=[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.、．](?!\d))"
                         r"|(?<=[\u4e00-\u9fff])(?<!第)(?=[（(][一二三四五六七八九十]{1,3}[）)])")


@dataclass
class Token:
    start: int
    end: int
    text: str
    label: bool = False  # a blank marker (「无」) that is part of a label, not a blank cell

    @property
    def center(self) -> float:
        return (self.start + self.end) / 2

    @property
    def is_value(self) -> bool:
        return not self.label and looks_like_value(self.text)

    @property
    def is_number(self) -> bool:
        return any(ch.isdigit() for ch in self.text)


def tokenize(line: str) -> list[Token]:
    """Split a layout line at gaps of two or more spaces, then split what one space (or none)
    still joins: runs of values, a label and the values that follow it, and a label at a
    numbered item.

    >>> [t.text for t in tokenize("三、本 （一）予以公开      3   0")]
    ['三、本', '（一）予以公开', '3', '0']
    >>> [t.text for t in tokenize("（三 1.属于国家 0     0")]
    ['（三', '1.属于国家', '0', '0']
    >>> [t.text for t in tokenize("安 全 一 稳0   0")]
    ['安 全 一 稳', '0', '0']
    """
    out: list[Token] = []
    for m in _TOKEN.finditer(line):
        text, pos = m.group(), m.start()
        parts = text.split(" ")
        if looks_like_value(text) and not (len(parts) > 1 and all(looks_like_value(p) for p in parts)):
            out.append(Token(pos, m.end(), text))
            continue
        cut = len(parts)
        while cut > 0 and looks_like_value(parts[cut - 1]):
            cut -= 1
        label, values = " ".join(parts[:cut]), parts[cut:]
        glued = _GLUED_VALUE.match(label) if values or cut == len(parts) else None
        if glued and looks_like_value(glued.group(2)):
            label, values = glued.group(1), [glued.group(2), *values]
        if label:
            cuts = [(m.start(), m.end()) for m in _ITEM_START.finditer(label)]
            for (_, begin), (end, _) in zip([(0, 0), *cuts], [*cuts, (len(label), len(label))], strict=True):
                out.append(Token(pos + begin, pos + end, label[begin:end]))
            pos += len(label) + (0 if glued else 1)
        for part in values:
            out.append(Token(pos, pos + len(part), part))
            pos += len(part) + 1
    return out


def is_table_line(line: str) -> bool:
    """A short label followed by numbers (「行政许可 447228」, 「规章 1 0 11」), or numbers only:
    a table row even where one space separates its cells (text pulled from a PDF without
    layout). Sentences that hold a number (「…行政复议 351」) are long, or punctuated.
    """
    tokens = tokenize(line.strip())
    numbers = [t for t in tokens if t.is_value and t.is_number]
    labels = [t.text for t in tokens if not t.is_value]
    if not numbers or any(len(t) > MAX_TABLE_LABEL or any(p in t for p in "。；") for t in labels):
        return False
    return len(numbers) >= 2 or (bool(labels) and tokens[-1].is_value)


def is_layout_line(line: str) -> bool:
    """Two or more cells separated by a gap of at least two spaces, or a table row whose cells
    one space separates (:func:`is_table_line`). One space between words is not a gap:
    「## 一、总体情况」 is a heading.

    >>> is_layout_line("规章      0   0"), is_layout_line("## 一、总体情况"), is_layout_line("规章 1 0 11")
    (True, False, True)
    """
    return len(_TOKEN.findall(line.strip())) >= 2 or is_table_line(line)


MAX_TABLE_LABEL = 24  # characters: a longer run of text beside a number is a sentence, not a row label


def is_tabular(text: str) -> bool:
    """Whether layout text shows a table: two table rows (:func:`is_table_line`) that print a
    label, or one with three numbers or more."""
    rows = 0
    for line in text.splitlines():
        if not is_table_line(line):
            continue
        tokens = tokenize(line.strip())
        if sum(t.is_value and t.is_number for t in tokens) >= 3:
            return True
        rows += any(not t.is_value for t in tokens)
    return rows >= 2


def _anchors(rows: list[list[Token]]) -> list[float]:
    counts = [sum(t.is_value for t in r) for r in rows]
    best = max(counts, default=0)
    if best == 0:
        return []
    full = [[t for t in r if t.is_value] for r, n in zip(rows, counts) if n == best]
    return [sum(r[i].center for r in full) / len(full) for i in range(best)]


def _place(values: list[Token], anchors: list[float]) -> list[Token | None]:
    """Assign values (in order) to anchors (in order), minimising distance; gaps become None.

    Positions are used as printed: moving a line's values as a whole to fit the anchors better
    (its label may have pushed them right) put blanks in the wrong column on real reports.
    """
    n, m = len(values), len(anchors)
    if n == m:
        return list(values)
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
    """``lines``: (line number, page, text) of one table block, blank lines excluded.

    Column positions are only comparable within a page (each page is laid out on its own), so
    where the value columns begin is measured per page.
    """
    tokenized = [(no, page, tokenize(text)) for no, page, text in lines]
    value_x0: dict[int, int] = {}
    for _, page, toks in tokenized:
        if sum(t.is_value and t.is_number for t in toks) >= 2:
            start = min(t.start for t in toks if t.is_value and t.is_number)
            value_x0[page] = min(value_x0.get(page, start), start)
    for _, page, toks in tokenized:  # 「无」 left of the numbers is a label's character, not a blank
        for t in toks:
            if t.is_value and not t.is_number and page in value_x0 and t.start < value_x0[page] - 2:
                t.label = True

    def header_like(toks: list[Token], page: int) -> bool:
        """Text over the value columns and no values: column headers, not a row label."""
        x0 = value_x0.get(page)
        if x0 is None or not toks or any(t.is_value for t in toks):
            return False
        over = [t.start >= x0 - 2 for t in toks]
        return any(over) and (len(toks) >= 2 or all(over))

    runs: list[list[tuple[int, int, list[Token]]]] = [[]]
    for item in tokenized:
        if header_like(item[2], item[1]):
            runs.append([item])  # a run starts with its header line
        else:
            if runs[-1] and runs[-1][-1][1] != item[1]:
                runs.append([])
            runs[-1].append(item)

    rows: list[TableRow] = []
    for run in runs:
        anchors = _anchors([toks for _, _, toks in run])
        if run and header_like(run[0][2], run[0][1]):
            rows.append(_plain_row(*run[0]))
            header = [t.center for t in run[0][2][1:]]  # the first is the label column's (「信息内容」)
            run = run[1:]
            if len(header) > len(anchors):
                anchors = header  # columns no row fills entirely are placed under their headers
        lines_out = _join_lines(run, anchors, header_like)
        for line in lines_out:
            no, page = line.no, line.page
            cells = [Cell(t.text, no, page, t.center, is_label=t.label) for t in line.labels]
            for anchor, tok in zip(anchors, line.placed or []):
                cells.append(Cell(tok.text if tok else "", no, page, tok.center if tok else anchor))
            rows.append(TableRow(cells, no, page))
    return Table(rows, index=index, source="layout")


def _plain_row(no: int, page: int, toks: list[Token]) -> TableRow:
    return TableRow([Cell(t.text, no, page, t.center, is_label=t.label) for t in toks], no, page)


@dataclass
class _Line:
    """A row in the making: one printed line, or several joined (a row whose cells sit at
    different heights)."""

    no: int
    page: int
    labels: list[Token]
    placed: list[Token | None] | None  # values under the anchors; None: no values
    last: int  # last printed line joined into it

    @property
    def numbered(self) -> bool:
        return any(split_numbering(t.text)[0] > 0 for t in self.labels)

    def disjoint(self, placed: list[Token | None]) -> bool:
        return self.placed is not None and all(a is None or b is None for a, b in zip(self.placed, placed))

    def join(self, labels: list[Token], placed: list[Token | None], no: int) -> None:
        self.labels = self.labels + labels
        self.placed = [a or b for a, b in zip(self.placed, placed)] if self.placed else placed
        self.last = max(self.last, no)


def _join_lines(run, anchors: list[float], header_like) -> list[_Line]:
    """The run's lines as rows: a line of values joins the label line it belongs to.

    Values printed on a line of their own belong, in order of preference, to the numbered
    label just above them that has no values yet; to the row above that has values only in the
    other columns (the rest of a row cut in two by the cells' vertical alignment, 「（二）部分
    公开… 0」 / 「… 0 0 0 0 0 0」), if that row's label is numbered and no blank line is between;
    to an unnumbered label line just above; or else to the label on the line just below
    (numbers printed above their label). A line with a label that continues a label (no
    number of its own) and values completing the row above also joins that row.
    """
    out: list[_Line] = []
    waiting: _Line | None = None  # values only, waiting for the label just below
    band_start, last_no = 0, None
    for no, page, toks in run:
        if last_no is None or no != last_no + 1:
            band_start = no  # a blank line ends a band of lines printed together
        last_no = no
        values = [t for t in toks if t.is_value]
        labels = [t for t in toks if not t.is_value]
        is_header = header_like(toks, page)
        placed = _place(values, anchors) if values and anchors and not is_header else None
        if waiting is not None:
            if labels and placed is None and not is_header and no == waiting.last + 1:
                waiting.labels, waiting.last = labels, no
                waiting = None
                continue
            waiting = None
        if placed is None:
            out.append(_Line(no, page, toks, None, no))
            continue
        prev = out[-1] if out and out[-1].last + 1 == no else None
        with_values = next((line for line in reversed(out) if line.no >= band_start and line.placed), None)
        prev_waits = prev is not None and prev.placed is None and bool(prev.labels) \
            and not header_like(prev.labels, prev.page)
        target = None
        if not labels:
            if prev_waits and prev.numbered:
                target = prev
            elif with_values is not None and with_values is not prev and with_values.numbered \
                    and with_values.disjoint(placed):
                target = with_values
            elif prev_waits or (prev is not None and prev.disjoint(placed)):
                target = prev
        elif not _Line(no, page, labels, None, no).numbered and with_values is not None \
                and with_values.numbered and with_values.disjoint(placed):
            target = with_values
        if target is not None:
            target.join(labels, placed, no)
            continue
        out.append(_Line(no, page, labels, placed, no))
        if not labels:
            waiting = out[-1]
    return out
