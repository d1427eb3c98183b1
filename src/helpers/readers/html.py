"""Reader for ``.html`` reports: a site page or an article fragment → paragraphs and tables.

Three steps, kept apart so each can be inspected:

1. :func:`decode_html` — bytes → text. A BOM wins, then the page's own ``<meta charset>`` /
   ``http-equiv`` declaration (if the bytes decode with it), then strict UTF-8 and detection
   (:func:`~helpers.readers.encoding.decode_bytes`). GB2312/GBK are read as GB18030.
2. :func:`locate_report` — the smallest element holding most of the report's section headings
   and statistical tables, so a site's navigation, header and footer stay out. A report title
   printed above it (``<h1>``, a ``class="title"`` element, ``<title>``) is kept.
3. :func:`blocks_from` — a walk in document order: block elements and ``<br>``-separated text
   become paragraphs, data ``<table>`` elements become :class:`~helpers.document.Table` with
   their cells as printed (a merged cell once, with rowspan/colspan). Layout tables (one cell,
   or holding other tables) are walked into, not read as data.
"""

from __future__ import annotations

import codecs
import itertools
import re
from pathlib import Path

from lxml import etree

from ..document import Cell, Document, Paragraph, Table, TableRow
from ..errors import BINARY_FILE, EMPTY_FILE, UNREADABLE, ReportError
from ..limits import DEFAULT_LIMITS, Limits
from ..normalize import norm
from .encoding import decode_bytes

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
    "summary", "ul", "caption", "tr", "td", "th", "table", "thead", "tbody", "tfoot",
})
SKIP_TAGS = frozenset({"script", "style", "head", "title", "xml", "noscript", "template", "iframe",
                       "object", "embed", "svg", "select", "button", "input", "textarea", "map"})
_HAS_SKIPPED = etree.XPath("boolean(" + " | ".join(f".//{t}" for t in sorted(SKIP_TAGS)) + ")")
# page furniture, skipped when no report container could be located
CHROME_TAGS = frozenset({"nav", "header", "footer", "aside"})
CELL_TAGS = frozenset({"td", "th"})
ROW_GROUP_TAGS = frozenset({"thead", "tbody", "tfoot"})
HEADING_LEVELS = {f"h{n}": n for n in range(1, 7)}

_WS = re.compile(r"[^\S\n]+")  # whitespace except newline (covers &nbsp; and U+3000)
_ANY_WS = re.compile(r"\s+")
_NON_WS = re.compile(r"\S")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")  # control characters other than \t \n \v \f \r
_HTML_PARSER = etree.HTMLParser()
_STRING = etree.XPath("string()")
# Tables, and elements with a 「、」 in their text: every section heading has one (NFKC turns the
# half-width 「､」 into 「、」, so both count). lxml evaluates this in C, in document order, so
# the Python walk in _markers reads the text of these few elements only.
_MARKER_CANDIDATES = etree.XPath("//table | //text()[contains(., '、') or contains(., '､')]/ancestor::*")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"\A(\s*)<\?xml[^>]*\?>", re.IGNORECASE)
_SECTION = re.compile(r"^[一二三四五六]{1,2}、(总体情况|主动公开|收到和处理|.{0,6}政府信息公开.{0,4}(申请|行政复议|行政诉讼)"
                      r"|因政府信息公开|政府信息公开工作存在|存在的主要问题|其他需要报告|其他事项)")
_TABLE_MARKERS = ("第二十条", "信息内容", "申请人情况", "本年新收政府信息公开申请", "行政复议", "本年度办理结果")
_REPORT_TITLE = re.compile(r"(19|20)\d{2}年.{0,12}政府信息公开.{0,6}年度?报告")
_TITLE_SEPARATORS = re.compile(r"\s*[_|｜—–-]{1,2}\s*")
_SPAN_DIGITS = re.compile(r"^\s*(\d{1,4})")
_MAX_SPAN = 1000
_MAX_TITLE = 80  # characters; a longer paragraph is narrative, not a title


# ---------------------------------------------------------------- 1. bytes → text

def _declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first few KB, as a Python codec name.

    >>> _declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=GB2312">')
    'gb18030'
    """
    m = _META_CHARSET.search(data[:8192])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    if codec in {"gb2312", "gbk", "gb18030", "hz"} or name in {"x-gbk", "cp936"}:
        return "gb18030"
    return codec


def decode_html(data: bytes, path: str) -> tuple[str, str]:
    """``(text, encoding)`` of an HTML file's bytes, or :class:`ReportError`.

    >>> decode_html('<meta charset="gbk"><p>年度报告</p>'.encode("gbk"), "x.html")[1]
    'gb18030'
    """
    if not data.strip():
        raise ReportError(path, EMPTY_FILE, "the file is empty")
    has_bom = data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    declared = None if has_bom else _declared_charset(data)
    if declared == "gb18030" and not data.isascii() and _is_utf8(data):
        # pages re-saved as UTF-8 often keep their old gb2312 declaration; multi-byte UTF-8
        # sequences almost never occur by chance in GB text
        declared = "utf-8"
    if declared is not None and b"\x00" not in data[:8192]:
        try:
            text = data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            text = None  # a wrong declaration: detect instead
        if text is not None and not (declared.startswith(("utf_16", "utf-16"))):
            _check_control(text, path)
            return text, declared
    return decode_bytes(data, path)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_control(text: str, path: str) -> None:
    sample = text[:20000]
    bad = len(_CONTROL.findall(sample))
    if sample and bad / len(sample) > 0.01:
        raise ReportError(path, BINARY_FILE, "binary file (control characters), not HTML")
    if not _NON_WS.search(text):
        raise ReportError(path, EMPTY_FILE, "the file is empty")


def parse_html(text: str, path: str = "<html>"):
    """The lxml root of a page or fragment (``None`` when there is nothing to parse).

    The tree is lxml's HTML parse with plain elements: the same tree as
    ``lxml.html.document_fromstring``, without its Python element-class lookup, which would
    run once for every element the walks below touch.
    """
    # lxml refuses str input carrying an XML encoding declaration; blank it, keeping line numbers
    text = _XML_DECL.sub(lambda m: m.group(1), text)
    text = text.replace("\x00", "")
    if not _NON_WS.search(text):
        return None
    try:
        return etree.fromstring(text, _HTML_PARSER)  # None: only comments or a doctype, no elements
    except (ValueError, etree.LxmlError) as exc:
        raise ReportError(path, UNREADABLE, f"cannot parse the HTML: {exc}") from exc


# ---------------------------------------------------------------- helpers on elements

# tag → lower-case local name; comments, processing instructions and entities have no name
_TAG_NAMES: dict = {etree.Comment: None, etree.ProcessingInstruction: None, etree.Entity: None}
_MAX_TAG_NAMES = 4096  # a page of invented tags must not grow the table without end


def _tag(el) -> str | None:
    """Lower-case local tag name; None for comments, processing instructions and entities."""
    tag = el.tag
    try:
        return _TAG_NAMES[tag]
    except KeyError:
        name = tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else None
        if len(_TAG_NAMES) < _MAX_TAG_NAMES:
            _TAG_NAMES[tag] = name
        return name


def _clean_line(text: str) -> str:
    return _ANY_WS.sub(" ", _ZERO_WIDTH.sub("", text)).strip()


def _clean_cell(text: str) -> str:
    """Cell text: each line's whitespace collapsed, empty lines dropped, lines joined by newline."""
    text = _ZERO_WIDTH.sub("", text)
    lines = [_WS.sub(" ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def _inline_text(el) -> str:
    """All text under ``el`` with every whitespace run (source newlines included) as one space."""
    parts: list[str] = []

    def rec(node) -> None:
        tag = _tag(node)
        if tag is None or tag in SKIP_TAGS:
            return
        if tag == "br" or tag in BLOCK_TAGS:
            parts.append(" ")
        parts.append(node.text or "")
        for child in node:
            rec(child)
            parts.append(child.tail or "")
        if tag in BLOCK_TAGS:
            parts.append(" ")

    rec(el)
    return _clean_line("".join(parts))


def cell_text(cell) -> str:
    """Text of a ``<td>``: ``<br>`` and inner block boundaries become line breaks.

    >>> from lxml import html as lxml_html
    >>> cell_text(lxml_html.fragment_fromstring('<td><p>结果</p><p>维持</p></td>'))
    '结果\\n维持'
    >>> cell_text(lxml_html.fragment_fromstring('<td>&nbsp;<span>1</span><o:p></o:p>2\\u3000</td>'))
    '12'
    """
    if not len(cell):  # text only: most cells of a web table
        return _clean_cell((cell.text or "").replace("\n", " "))
    # Source newlines are spaces; "\n" marks a <br> or block boundary. Whitespace runs are
    # collapsed once, line by line, in _clean_cell.
    parts: list[str] = []
    append = parts.append

    def rec(node, top: bool = False) -> None:
        tag = _tag(node)
        if tag is None or tag in SKIP_TAGS:
            return
        breaks = not top and (tag == "br" or tag in BLOCK_TAGS)
        if breaks:
            append("\n")
        if node.text:
            append(node.text.replace("\n", " "))
        for child in node:
            rec(child)
            if child.tail:
                append(child.tail.replace("\n", " "))
        if breaks and tag != "br":
            append("\n")

    rec(cell, top=True)
    return _clean_cell("".join(parts))


def _span(value: str | None) -> int:
    """A rowspan/colspan attribute as a count; missing, zero or invalid values count as 1."""
    if value is None:
        return 1
    m = _SPAN_DIGITS.match(value)
    if not m:
        return 1
    return min(max(int(m.group(1)), 1), _MAX_SPAN)


def data_table_rows_walked(table) -> list[TableRow]:
    """:func:`data_table_rows` by walking the elements in Python (the reference reading)."""
    rows: list[TableRow] = []
    for tr in table_rows(table):
        cells = [Cell(cell_text(td), td.sourceline, None, rowspan=_span(td.get("rowspan")),
                      colspan=_span(td.get("colspan"))) for td in _own_cells(tr)]
        rows.append(TableRow(cells, tr.sourceline, None))
    return rows


def table_rows(table) -> list:
    """The table's own ``<tr>`` elements (directly or in thead/tbody/tfoot), in source order."""
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ROW_GROUP_TAGS:
            rows.extend(r for r in child if _tag(r) == "tr")
    return rows


def _own_cells(tr) -> list:
    return [c for c in tr if _tag(c) in CELL_TAGS]


def is_layout_table(table) -> bool:
    """A table used for page layout: it holds another table, or has at most one cell."""
    if next(table.iterdescendants("table"), None) is not None:  # the HTML parser lower-cases tags
        return True
    cells = (c for tr in table_rows(table) for c in _own_cells(tr))
    return next(itertools.islice(cells, 1, None), None) is None


# ---------------------------------------------------------------- 2. where the report is

def _is_section_heading(text: str) -> bool:
    return len(text) <= 40 and bool(_SECTION.match(norm(text)))


def _table_text(table) -> str:
    """``norm`` of the table's text, as :func:`_inline_text` reads it."""
    if _HAS_SKIPPED(table):  # their text must be left out: the slow, exact walk
        return norm(_inline_text(table))
    return norm(_ZERO_WIDTH.sub("", _STRING(table)))


def _markers(root, max_rows: int = DEFAULT_LIMITS.html_table_rows) -> list:
    """Elements that are evidence of a report: section-heading blocks and statistical tables
    (of at most ``max_rows`` rows: a larger one is not read)."""
    found = []
    for el in _MARKER_CANDIDATES(root):  # in document order
        tag = _tag(el)
        if tag == "table":
            if is_layout_table(el) or _COUNT_ROWS(el) > max_rows:
                continue
            text = _table_text(el)
            if sum(1 for m in _TABLE_MARKERS if m in text) >= 2:
                found.append(el)
        elif (tag in BLOCK_TAGS and tag not in ("body", "html")
              and not any(_tag(c) in BLOCK_TAGS for c in el) and _is_section_heading(_inline_text(el))):
            found.append(el)
    return found


def _skipped(el) -> bool:
    return any(_tag(a) in SKIP_TAGS for a in el.iterancestors())


def locate_report(root, max_rows: int = DEFAULT_LIMITS.html_table_rows):
    """The smallest element holding at least three quarters of the report markers, or None.

    Markers outside it (a sidebar link that happens to read like a heading) do not widen it.
    Tables of more than ``max_rows`` rows are not markers (they are not read).
    """
    markers = [m for m in _markers(root, max_rows) if not _skipped(m)]
    if len(markers) < 2:
        return None
    counts: dict = {}
    depth: dict = {}
    for m in markers:
        chain = [m, *m.iterancestors()]
        for d, el in enumerate(reversed(chain)):
            counts[el] = counts.get(el, 0) + 1
            depth[el] = d
    need = max(2, -(-3 * len(markers) // 4))
    candidates = [el for el, n in counts.items() if n >= need]
    best = max(candidates, key=lambda el: depth[el])
    if _tag(best) == "table":  # all markers in one table: the report is around it
        parent = best.getparent()
        best = parent if parent is not None else best
    return best


def _title_candidates(root, container) -> list[tuple[object, str]]:
    """Title-like elements before ``container`` whose text names a report, best first."""
    preceding = []
    stop = container
    for el in root.iter():
        if el is stop:
            break
        tag = _tag(el)
        if tag is None or tag in SKIP_TAGS:
            continue
        klass = f"{el.get('class', '')} {el.get('id', '')}".lower()
        if (tag in HEADING_LEVELS or "title" in klass or "tit" in klass.split()) and not _skipped(el):
            text = _inline_text(el)
            if _REPORT_TITLE.search(norm(text)) and len(text) <= _MAX_TITLE:
                preceding.append((el, text))
    out = preceding[::-1]  # nearest first
    for el in root.iter("title"):
        for part in _TITLE_SEPARATORS.split(_clean_line(el.xpath("string()"))):
            if _REPORT_TITLE.search(norm(part)):
                out.append((el, part))
    return out


# ---------------------------------------------------------------- 3. walk

class _Walker:
    """Collects paragraphs (buffered inline text) and tables in document order."""

    def __init__(self, doc: Document, skip_chrome: bool, max_rows: int = DEFAULT_LIMITS.html_table_rows):
        self.doc = doc
        self.skip_chrome = skip_chrome
        self.max_rows = max_rows
        self.buf: list[str] = []
        self.line: int | None = None
        self.level: int | None = None

    def text(self, value: str | None, line: int | None) -> None:
        if value:
            if self.line is None and value.strip():
                self.line = line
            self.buf.append(value)

    def flush(self) -> None:
        text = _clean_line("".join(self.buf))
        if text:
            self.doc.blocks.append(Paragraph(text, self.line, None, self.level))
        self.buf.clear()
        self.line = None
        self.level = None

    def walk(self, el) -> None:
        tag = _tag(el)
        if tag is None or tag in SKIP_TAGS or (self.skip_chrome and tag in CHROME_TAGS):
            return
        if tag == "table":
            self.flush()
            self.table(el)
            return
        is_block = tag in BLOCK_TAGS or tag == "br"
        if is_block:
            self.flush()
            if tag in HEADING_LEVELS:
                self.level = HEADING_LEVELS[tag]
        self.text(el.text, el.sourceline)
        for child in el:
            self.walk(child)
            self.text(child.tail, child.sourceline)
        if is_block:
            self.flush()

    def table(self, el) -> None:
        for caption in (c for c in el if _tag(c) == "caption"):
            self.walk(caption)
        if is_layout_table(el):
            for tr in table_rows(el):
                for td in _own_cells(tr):
                    self.walk(td)
            return
        n_rows = int(_COUNT_ROWS(el))
        if n_rows > self.max_rows:  # too large for a report table: not read, and said so
            self.doc.cuts.append(f"table {len(self.doc.tables) + 1} (line {el.sourceline}) has {n_rows:,} rows, "
                                 f"over the {self.max_rows:,}-row limit (--limit html_table_rows=…): not read")
            return
        _append_table(self.doc, data_table_rows(el))


def _append_table(doc: Document, rows: list[TableRow]) -> None:
    while rows and not rows[-1].cells:
        rows.pop()
    if any(r.cells for r in rows):
        doc.blocks.append(Table(rows, index=len(doc.tables), source="html"))


# ---------------------------------------------------------------- 3b. a data table in C
#
# Most of a report's elements are inside its tables (a cell is often <td><p><span>), so a data
# table is read in one libxslt pass: per row its line, per cell its line (lxml's sourceline)
# and span attributes, then every cell's text with <br> and inner block boundaries as
# newlines, exactly as cell_text reads it. Private-use characters mark the fields; the counts
# printed first show whether the page itself used one of them (then Python reads the table).

_ROW, _CELL, _FIELD, _TEXTS = "\ue000", "\ue001", "\ue002", "\ue003"
_ROWS = "tr | thead/tr | tbody/tr | tfoot/tr"
_CELLS = f"({_ROWS})/*[self::td or self::th]"
_TABLE_XSLT = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:saxon="http://icl.com/saxon" exclude-result-prefixes="saxon">
  <xsl:output method="text" encoding="utf-8"/>
  <xsl:template match="/"><xsl:apply-templates select="*" mode="table"/></xsl:template>
  <xsl:template match="*" mode="table">
    <xsl:value-of select="count({_ROWS})"/><xsl:text>{_FIELD}</xsl:text><xsl:value-of select="count({_CELLS})"/>
    <xsl:for-each select="{_ROWS}">
      <xsl:text>{_ROW}</xsl:text><xsl:value-of select="saxon:line-number()"/>
      <xsl:for-each select="td | th">
        <xsl:text>{_CELL}</xsl:text><xsl:value-of select="saxon:line-number()"/>
        <xsl:text>{_FIELD}</xsl:text><xsl:value-of select="@rowspan"/>
        <xsl:text>{_FIELD}</xsl:text><xsl:value-of select="@colspan"/>
      </xsl:for-each>
    </xsl:for-each>
    <xsl:text>{_TEXTS}</xsl:text>
    <xsl:for-each select="{_CELLS}"><xsl:text>{_CELL}</xsl:text><xsl:apply-templates mode="cell"/></xsl:for-each>
  </xsl:template>
  <xsl:template match="text()" mode="cell"><xsl:value-of select="translate(., '&#10;', ' ')"/></xsl:template>
  <xsl:template match="br" mode="cell"><xsl:text>&#10;</xsl:text><xsl:apply-templates mode="cell"/></xsl:template>
  <xsl:template match="{' | '.join(sorted(BLOCK_TAGS))}" mode="cell">
    <xsl:text>&#10;</xsl:text><xsl:apply-templates mode="cell"/><xsl:text>&#10;</xsl:text>
  </xsl:template>
  <xsl:template match="{' | '.join(sorted(SKIP_TAGS))}" mode="cell"/>
</xsl:stylesheet>"""
_TABLE_TRANSFORM = etree.XSLT(etree.XML(_TABLE_XSLT))
_COUNTS = re.compile(f"(\\d+){_FIELD}(\\d+)")
_COUNT_ROWS = etree.XPath(f"count({_ROWS})")
_CELL_EDGE_WS = re.compile(f"(?<={_CELL})[ \\n]+|[ \\n]+(?={_CELL}|\\Z)")
_NEWLINE_WS = re.compile(r" ?\n[ \n]*")


def _line(value: str) -> int | None:
    """A line number printed by the transform; libxml2 has none (0 or -1) for made-up nodes."""
    number = int(value) if value else 0
    return number if number > 0 else None


def data_table_rows(table) -> list[TableRow]:
    """A data table's rows as printed: each own cell's text, line and spans."""
    payload = str(_TABLE_TRANSFORM(table))
    counts = _COUNTS.match(payload)
    n_rows, n_cells = int(counts.group(1)), int(counts.group(2))
    if (payload.count(_ROW) != n_rows or payload.count(_CELL) != 2 * n_cells
            or payload.count(_FIELD) != 2 * n_cells + 1 or payload.count(_TEXTS) != 1):
        return data_table_rows_walked(table)  # the page itself holds a marker character
    structure, _, texts = payload[counts.end():].partition(_TEXTS)
    # cell_text's cleaning, for all cells at once: zero-width characters out, each line's
    # whitespace collapsed and stripped, empty lines dropped
    texts = _NEWLINE_WS.sub("\n", _WS.sub(" ", _ZERO_WIDTH.sub("", texts)))
    cell_texts = iter(_CELL_EDGE_WS.sub("", texts).split(_CELL)[1:])
    rows = []
    for row in structure.split(_ROW)[1:]:
        line, *specs = row.split(_CELL)
        cells = []
        for spec in specs:
            cell_line, rowspan, colspan = spec.split(_FIELD)
            cells.append(Cell(next(cell_texts), _line(cell_line), None, None,
                              _span(rowspan) if rowspan else 1, _span(colspan) if colspan else 1))
        rows.append(TableRow(cells, _line(line), None))
    return rows


def _has_title(doc: Document) -> bool:
    """Whether the report already opens with its title (maybe split over two short lines)."""
    short = []
    for block in doc.blocks[:6]:
        if not isinstance(block, Paragraph) or len(block.text) > _MAX_TITLE:
            break
        short.append(norm(block.text))
    joined = [*short, *("".join(pair) for pair in itertools.pairwise(short))]
    return any(_REPORT_TITLE.search(text) for text in joined)


def blocks_from(root, doc: Document, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Fill ``doc.blocks`` from the report inside ``root`` (the whole page if none is located).

    A table of more than ``limits.html_table_rows`` rows is left out, and ``doc.cuts`` says so."""
    container = locate_report(root, limits.html_table_rows)
    if container is None:
        walker = _Walker(doc, skip_chrome=True, max_rows=limits.html_table_rows)
        walker.walk(root)
        walker.flush()
        return doc
    walker = _Walker(doc, skip_chrome=False, max_rows=limits.html_table_rows)
    walker.walk(container)
    walker.flush()
    if not _has_title(doc):
        for el, text in _title_candidates(root, container)[:1]:
            level = HEADING_LEVELS.get(_tag(el) or "")
            doc.blocks.insert(0, Paragraph(text, el.sourceline, None, level))
    return doc


def read_html(path: str | Path, limits: Limits = DEFAULT_LIMITS, **_options) -> Document:
    """Read an ``.html`` report into the document model, or raise :class:`ReportError`.

    Where the HTML parser stopped at one of its own limits (nesting deeper than
    :attr:`~helpers.limits.Limits.HTML_DEPTH` levels), the rest of the page is not read and the
    document's ``cuts`` say so; so do tables over ``limits.html_table_rows`` rows."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(str(path), UNREADABLE, f"cannot open the file: {exc.strerror or exc}") from exc
    text, encoding = decode_html(data, str(path))
    doc = Document(path=str(path), input_format="html", encoding=encoding)
    root = parse_html(text, str(path))
    stopped = _parser_stop()
    if root is None:
        return doc
    blocks_from(root, doc, limits)
    if stopped:
        doc.cuts.insert(0, stopped)
    return doc


def _parser_stop() -> str | None:
    """What stopped the last parse at one of libxml2's resource limits, or None."""
    for error in _HTML_PARSER.error_log:
        if error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
            if "depth" in error.message.lower():
                return (f"the page nests elements deeper than {Limits.HTML_DEPTH} levels (line {error.line}), "
                        "the HTML parser's limit: the rest of the page was not read")
            return f"the HTML parser stopped at line {error.line}: {error.message.strip()}: the rest was not read"
    return None


__all__ = ["blocks_from", "cell_text", "data_table_rows", "data_table_rows_walked", "decode_html", "is_layout_table",
           "locate_report", "parse_html", "read_html"]
