"""Reader for Word reports: ``.docx`` directly, ``.doc``/``.wps`` through LibreOffice.

The body is walked in XML order (``w:p`` and ``w:tbl``), because python-docx's
``table.rows[i].cells`` repeats merged cells while the document model wants cells as printed:
a ``gridSpan`` becomes ``colspan``; a ``vMerge="restart"`` cell becomes the origin and each
continuation cell below it adds one to its ``rowspan`` and is left out of its own row.
Provenance: ``line`` is the ordinal of the paragraph or table row in reading order, ``x`` the
grid column of a cell, ``page`` counts the page breaks Word recorded.

Only the main part is read: it is parsed with lxml straight from the ZIP, with python-docx's
parser settings (python-docx itself would load and parse every part of the package to hand back
the same tree). Everything the walk asks of paragraphs and cells (text, page breaks, spans,
merges, text boxes, nested tables) is gathered in one pass over the body (:class:`_Index`).

>>> from helpers.document import Cell
>>> _fmt_span(Cell("a", rowspan=2, colspan=3))
'a[2x3]'
"""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from ..document import Cell, Document, Paragraph, Table, TableRow
from ..errors import (
    CONVERTER_MISSING,
    CORRUPT_FILE,
    UNREADABLE,
    ReportError,
)
from ..limits import DEFAULT_LIMITS, Limits
from .archive import check_archive, refuse_entities
from .common import require_nonempty

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = "{%s}" % W
CONVERT_TIMEOUT_S = 180
_MAIN_PART = "word/document.xml"
_MAIN_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# python-docx's parser settings: blank text between elements dropped, entities left unresolved
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)

(P, T, TAB, BR, CR, NO_BREAK_HYPHEN, SYM, TBL, TR, TC, PPR, TRPR, TCPR, GRID_SPAN, GRID_BEFORE, V_MERGE,
 PAGE_BREAK_BEFORE, RENDERED_BREAK, TXBX, SDT, SDT_CONTENT, CUSTOM_XML, OUTLINE, PSTYLE, VAL, TYPE, CHAR) = (
    _W + local for local in (
        "p", "t", "tab", "br", "cr", "noBreakHyphen", "sym", "tbl", "tr", "tc", "pPr", "trPr", "tcPr",
        "gridSpan", "gridBefore", "vMerge", "pageBreakBefore", "lastRenderedPageBreak", "txbxContent",
        "sdt", "sdtContent", "customXml", "outlineLvl", "pStyle", "val", "type", "char"))
FALLBACK = "{%s}Fallback" % MC
# run content that prints as text
_TEXT = frozenset({T, TAB, BR, CR, NO_BREAK_HYPHEN, SYM})
# elements whose content is not part of the paragraph's own text
_SKIP = frozenset({_W + "drawing", _W + "pict", _W + "object", _W + "delText", _W + "instrText",
                   "{%s}AlternateContent" % MC, _W + "footnoteReference", _W + "endnoteReference",
                   _W + "del", PPR, _W + "rPr"})
_NOT_PARAGRAPH_TEXT = _SKIP | _TEXT  # the text of a paragraph stops at these (run text has no text inside)
_CONTAINERS = {SDT, CUSTOM_XML, _W + "ins", _W + "moveTo", _W + "smartTag"}
# what the one pass over the body looks at
_INDEXED = (*_TEXT, RENDERED_BREAK, PAGE_BREAK_BEFORE, GRID_SPAN, GRID_BEFORE, V_MERGE, TXBX, TBL)


def _fmt_span(cell: Cell) -> str:
    """Compact form used in test messages: text plus ``[rowspan x colspan]`` when merged."""
    return cell.text if (cell.rowspan, cell.colspan) == (1, 1) else f"{cell.text}[{cell.rowspan}x{cell.colspan}]"


# --- entry points -----------------------------------------------------------------------


def read_docx(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a ``.docx`` file into the document model, or raise :class:`ReportError`.

    The archive is checked against ``limits`` from its directory before any part is inflated."""
    path_str = str(path)
    _check_size(path_str)
    body = _load_body(path_str, limits)
    builder = _Builder(path_str, "docx", _Index(body))
    builder.walk(body)
    builder.doc.page_count = builder.page if builder.page > 1 else None
    return builder.doc


def read_legacy_word(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read ``.doc``/``.wps`` by converting to DOCX with LibreOffice (needs ``soffice`` on PATH).

    A legacy-named file that is really a DOCX (a ZIP holding ``word/document.xml``) is read
    directly, without the converter.
    """
    path_str = str(path)
    fmt = Path(path_str).suffix.lower().lstrip(".") or "doc"
    _check_size(path_str)
    if _is_docx_zip(path_str):
        doc = read_docx(path_str, limits)
        doc.input_format = fmt
        return doc
    converter = find_converter()
    if converter is None:
        raise ReportError(path_str, CONVERTER_MISSING,
                          f"reading .{fmt} files needs LibreOffice to convert them to .docx, and neither "
                          "'soffice' nor 'libreoffice' is on PATH; install LibreOffice "
                          "(e.g. the Debian/Ubuntu package libreoffice-writer) or save the file as .docx")
    with tempfile.TemporaryDirectory(prefix="ogi-convert-") as tmp:
        converted = _convert(converter, path_str, Path(tmp))
        doc = read_docx(converted, limits)
    doc.path = path_str
    doc.input_format = fmt
    return doc


def find_converter() -> str | None:
    """The LibreOffice executable on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert(converter: str, path: str, outdir: Path) -> Path:
    # a private profile: a running LibreOffice or a locked default profile would block the conversion
    profile = (outdir / "profile").as_uri()
    cmd = [converter, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx",
           "--outdir", str(outdir), os.path.abspath(path)]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=CONVERT_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ReportError(path, UNREADABLE, f"LibreOffice did not convert the file within {CONVERT_TIMEOUT_S} s") from exc
    except OSError as exc:
        raise ReportError(path, CONVERTER_MISSING, f"cannot run LibreOffice ({converter}): {exc}") from exc
    out = outdir / (Path(path).stem + ".docx")
    if proc.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        detail = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip()[:200]
        raise ReportError(path, CORRUPT_FILE,
                          f"LibreOffice could not convert the file to .docx (exit {proc.returncode}){': ' + detail if detail else ''}")
    return out


# --- opening ------------------------------------------------------------------------------


def _check_size(path: str) -> None:
    require_nonempty(path)


def _is_docx_zip(path: str) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return _MAIN_PART in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _load_body(path: str, limits: Limits = DEFAULT_LIMITS):
    """The ``w:body`` element, or a corrupt_file error for anything that is not a Word document
    (``bomb`` or ``too_large`` for an archive over ``limits``)."""
    if not zipfile.is_zipfile(path):
        raise ReportError(path, CORRUPT_FILE, "not a valid .docx file (not a ZIP archive)")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReportError(path, CORRUPT_FILE, f"not a valid .docx file: {exc}") from exc
    with zf:
        names = zf.namelist()
        if _MAIN_PART not in names and not any(n.endswith("document.xml") for n in names):
            raise ReportError(path, CORRUPT_FILE, "a ZIP archive but not a Word document (no word/document.xml)")
        check_archive(zf, path, limits)
        _refuse_entities(zf, path, [n for n in names if n == _MAIN_PART or n.endswith("document.xml")])
        body = _plain_body(zf)
    return body if body is not None else _python_docx_body(path)


def _refuse_entities(zf: zipfile.ZipFile, path: str, parts: list[str]) -> None:
    """A ``bomb`` error when a main part declares XML entities (see :func:`.archive.declares_entities`)."""
    for name in parts:
        try:
            with zf.open(name) as handle:
                head = handle.read(65536)
        except Exception:  # noqa: BLE001 - a damaged part: the readers below report it
            continue
        refuse_entities(head, path, name, "a Word document")


def _plain_body(zf: zipfile.ZipFile):
    """``w:body`` of ``word/document.xml`` when the package is laid out the usual way, else None.

    None (a package that names another main part, a part that does not parse, a main part that is
    not a ``w:document`` with a body) leaves the file to :func:`_python_docx_body`, so that an
    unusual package reads or fails exactly as python-docx has it.
    """
    try:
        if not _main_part_is_plain(zf):
            return None
        root = etree.fromstring(zf.read(_MAIN_PART), _PARSER)
    except Exception:  # noqa: BLE001 - python-docx reads the package again and reports what is wrong
        return None
    return _first_child(root, _W + "body") if root.tag == _W + "document" else None


def _main_part_is_plain(zf: zipfile.ZipFile) -> bool:
    """Whether the package's one office-document relationship names ``word/document.xml`` and
    ``[Content_Types].xml`` gives that part the Word main-document type (python-docx's checks)."""
    types = etree.fromstring(zf.read("[Content_Types].xml"), _PARSER)
    rels = etree.fromstring(zf.read("_rels/.rels"), _PARSER)
    overrides = {(o.get("PartName") or "").lower(): o.get("ContentType")
                 for o in types.iterchildren(_CONTENT_TYPES_NS + "Override")}
    office = [r for r in rels.iterchildren(_RELATIONSHIPS_NS + "Relationship") if r.get("Type") == _OFFICE_DOCUMENT]
    return (overrides.get("/" + _MAIN_PART) == _MAIN_CONTENT_TYPE and len(office) == 1
            and office[0].get("TargetMode") in (None, "Internal")
            and posixpath.normpath(posixpath.join("/", office[0].get("Target") or "")) == "/" + _MAIN_PART)


def _python_docx_body(path: str):
    """The body as python-docx reads it: the main part the package names, or its error as corrupt_file."""
    try:
        import docx  # python-docx

        body = docx.Document(path).element.body
    except Exception as exc:  # python-docx/lxml/zipfile raise many types for broken packages
        raise ReportError(path, CORRUPT_FILE, f"cannot open the Word document: {type(exc).__name__}: {exc}") from exc
    if body is None:
        raise ReportError(path, CORRUPT_FILE, "the Word document has no body")
    return body


# --- one pass over the body ---------------------------------------------------------------


class _Index:
    """What the walk needs to know about the paragraphs, rows and cells under ``root``.

    ``root.iter(*_INDEXED)`` visits every element once, in C, and yields only run text, page
    breaks, span and merge properties, text boxes and tables, in document order. Asking each
    paragraph and cell for these instead walks their subtrees again and again.
    """

    def __init__(self, root):
        self.pieces: dict = {}  # w:p → the text of its runs, in order
        self.spans: dict = {}  # w:tc → gridSpan (at least 1)
        self.merges: dict = {}  # w:tc → "restart" or "continue"
        self.grid_before: dict = {}  # w:tr → gridBefore
        self.boxes: dict = {}  # w:p → text boxes anchored in it
        self.holds_table: set = set()  # w:tc with a table somewhere inside
        self._in_paragraph: dict = {}  # w:p → whether another w:p encloses it
        rendered, explicit, before = [], [], {}
        for el in root.iter(*_INDEXED):
            tag = el.tag
            if tag in _TEXT:
                self._add_text(el, tag)
                if tag == BR and el.get(TYPE) == "page":
                    explicit.append(el)
            elif tag == RENDERED_BREAK:
                rendered.append(el)
            elif tag == PAGE_BREAK_BEFORE:
                _record_first(before, _property_owner(el, PPR, P), int(el.get(VAL) not in ("0", "false", "off")))
            elif tag == GRID_SPAN:
                _record_first(self.spans, _property_owner(el, TCPR, TC), max(1, _int(el.get(VAL), 1)))
            elif tag == V_MERGE:
                _record_first(self.merges, _property_owner(el, TCPR, TC), "restart" if el.get(VAL) == "restart" else "continue")
            elif tag == GRID_BEFORE:
                _record_first(self.grid_before, _property_owner(el, TRPR, TR), _int(el.get(VAL), 0))
            elif tag == TXBX:
                self._add_text_box(el)
            else:  # w:tbl
                self.holds_table.update(el.iterancestors(TC))
        # Word records where it last broke pages; without those, count explicit page breaks
        self.p_breaks, self.tc_breaks = _page_breaks(rendered, {}) if rendered else _page_breaks(explicit, before)

    def text(self, p) -> str:
        """The printed text of one ``w:p``: runs, tabs and line breaks; no text boxes, field codes or deletions."""
        return "".join(self.pieces.get(p, ()))

    def _add_text(self, el, tag: str) -> None:
        """Adds ``el``'s text to each paragraph it prints in: the enclosing ``w:p`` elements up
        to the first element whose content is not paragraph text (see ``_SKIP``)."""
        piece = _run_text(el, tag)
        if piece is None:
            return
        parent = el.getparent()
        while parent is not None:
            tag = parent.tag
            if tag == P:
                self.pieces.setdefault(parent, []).append(piece)
                if not self._inside_paragraph(parent):
                    return
            elif tag in _NOT_PARAGRAPH_TEXT:
                return
            parent = parent.getparent()

    def _inside_paragraph(self, p) -> bool:
        inside = self._in_paragraph.get(p)
        if inside is None:
            inside = self._in_paragraph[p] = _has_ancestor(p, P)
        return inside

    def _add_text_box(self, box) -> None:
        """A ``w:txbxContent`` belongs to the paragraphs around it, once: not the VML fallback
        copy of a DrawingML box, nor a box inside another box (its paragraphs are read with the outer one)."""
        if next(box.iterancestors(FALLBACK, TXBX), None) is None:
            for p in box.iterancestors(P):
                self.boxes.setdefault(p, []).append(box)


def _run_text(el, tag: str) -> str | None:
    """What one run-level element prints, None for nothing (a page break, an unreadable symbol)."""
    if tag == T:
        return el.text or ""
    if tag == TAB:
        return "\t"
    if tag == NO_BREAK_HYPHEN:
        return "-"
    if tag == SYM:
        char = el.get(CHAR)
        if char:
            try:
                return chr(int(char, 16))
            except (ValueError, OverflowError):
                return None
        return None
    return None if el.get(TYPE) == "page" else "\n"  # w:br, w:cr


def _property_owner(el, properties: str, owner: str):
    """The row, cell or paragraph whose (first) ``properties`` element holds ``el``, or None."""
    props = el.getparent()
    if props is None or props.tag != properties:
        return None
    parent = props.getparent()
    if parent is None or parent.tag != owner or _first_child(parent, properties) is not props:
        return None
    return parent


def _has_ancestor(element, tag: str) -> bool:
    """Whether an element above ``element`` is a ``tag`` (stepping up in Python: see :func:`_first_child`)."""
    parent = element.getparent()
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _record_first(values: dict, owner, value) -> None:
    """Records ``value`` for ``owner`` unless one came earlier: lookups read the first property element."""
    if owner is not None and owner not in values:
        values[owner] = value


def _page_breaks(breaks: list, before: dict) -> tuple[dict, dict]:
    """Page breaks counted by paragraph (each break in every ``w:p`` around it, plus
    ``pageBreakBefore``) and by cell (the sum over every ``w:p`` inside the cell)."""
    by_p: dict = dict(before)
    for br in breaks:
        for p in br.iterancestors(P):
            by_p[p] = by_p.get(p, 0) + 1
    by_tc: dict = {}
    for p, count in by_p.items():
        for tc in p.iterancestors(TC):
            by_tc[tc] = by_tc.get(tc, 0) + count
    return by_p, by_tc


# --- walking the body ---------------------------------------------------------------------


class _Builder:
    def __init__(self, path: str, input_format: str, index: _Index):
        self.doc = Document(path=path, input_format=input_format)
        self.ordinal = 0
        self.page = 1
        self.index = index

    def walk(self, parent) -> None:
        """Body-level children in order; content controls and similar wrappers are looked through."""
        for child in parent.iterchildren():
            tag = child.tag
            if tag == P:
                self.paragraph(child)
            elif tag == TBL:
                self.table(child)
            elif tag == SDT:
                content = _first_child(child, SDT_CONTENT)
                if content is not None:
                    self.walk(content)
            elif tag in _CONTAINERS:
                self.walk(child)

    def paragraph(self, p) -> None:
        index = self.index
        self.ordinal += 1
        self.page += index.p_breaks.get(p, 0)
        text = index.text(p).strip()
        if text:
            self.doc.blocks.append(Paragraph(text, self.ordinal, self.page, _heading_level(p)))
        # a text box anchored here: its paragraphs follow the anchor paragraph
        for box in index.boxes.get(p, ()):
            for inner in box.iter(P):
                inner_text = index.text(inner).strip()
                if inner_text:
                    self.ordinal += 1
                    self.doc.blocks.append(Paragraph(inner_text, self.ordinal, self.page))

    def table(self, tbl) -> None:
        index = self.index
        rows = _grid_rows(tbl, index)
        if _is_frame(rows, index):
            # a one-column layout frame around content: read what is inside it as body content
            for row in rows:
                for tc, _, _ in row:
                    self.walk(tc)
            return
        nested: list = []
        out_rows: list[TableRow] = []
        origins: dict[int, Cell] = {}  # grid column → origin cell of an open vertical merge
        for row in rows:
            self.ordinal += 1
            row_page = self.page
            cells: list[Cell] = []
            for tc, col, span in row:
                self.page += index.tc_breaks.get(tc, 0)
                if tc in index.holds_table:
                    nested.extend(tc.iter(TBL))
                vmerge = index.merges.get(tc)
                if vmerge == "continue" and col in origins:
                    origins[col].rowspan += 1
                    continue
                if vmerge == "continue":
                    vmerge = "restart"  # nothing above to continue (e.g. a table split in two): Word starts a merge here
                cell = Cell(_cell_text(tc, index), self.ordinal, row_page, float(col), colspan=span)
                cells.append(cell)
                for c in range(col, col + span):
                    origins.pop(c, None)
                if vmerge == "restart":
                    origins[col] = cell
            # a short row (no cell at a merged column) ends the merge above it
            for col in list(origins):
                if not any(c <= col < c + s for _, c, s in row):
                    origins.pop(col)
            out_rows.append(TableRow(cells, self.ordinal, row_page))
        if out_rows:
            self.doc.blocks.append(Table(out_rows, index=len(self.doc.tables), source="docx"))
        # nested tables follow their outer table (only the outermost ones; they recurse themselves)
        for inner in nested:
            if not any(a in nested for a in inner.iterancestors(TBL)):
                self.table(inner)


def _grid_rows(tbl, index: _Index) -> list[list[tuple[object, int, int]]]:
    """Each row as ``(w:tc, grid column, gridSpan)``, honouring ``w:gridBefore``."""
    rows = []
    for tr in _children(tbl, TR):
        col = index.grid_before.get(tr, 0)
        cells = []
        for tc in _children(tr, TC):
            span = index.spans.get(tc, 1)
            cells.append((tc, col, span))
            col += span
        rows.append(cells)
    return rows


def _children(parent, tag: str) -> list:
    """Direct ``tag`` children, looking through content controls and custom XML wrappers."""
    found = []
    for child in parent.iterchildren():
        child_tag = child.tag
        if child_tag == tag:
            found.append(child)
        elif child_tag == SDT:
            content = _first_child(child, SDT_CONTENT)
            if content is not None:
                found += _children(content, tag)
        elif child_tag == CUSTOM_XML:
            found += _children(child, tag)
    return found


def _first_child(element, tag: str):
    """The first direct ``tag`` child, as ``element.find(tag)`` returns it.

    Comparing the tags of an element's few children in Python is cheaper than ElementPath, or
    than the tag matcher lxml builds for every ``iterchildren(tag)`` call.
    """
    for child in element.iterchildren():
        if child.tag == tag:
            return child
    return None


def _is_frame(rows, index: _Index) -> bool:
    """A table of one column whose cells hold nested tables: a layout frame, not data."""
    if not rows or any(len(r) != 1 or r[0][2] != 1 for r in rows):
        return False
    return any(tc in index.holds_table for r in rows for tc, _, _ in r)


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


# --- text ---------------------------------------------------------------------------------


def paragraph_text(p) -> str:
    """The printed text of one ``w:p``: runs, tabs and line breaks; no text boxes, fields codes or deletions."""
    return _Index(p).text(p)


def cell_text(tc) -> str:
    """A cell's own paragraphs joined by newlines (nested tables are read as tables of their own)."""
    return _cell_text(tc, _Index(tc))


def _cell_text(tc, index: _Index) -> str:
    lines = [index.text(p).strip() for p in _children(tc, P)]
    return "\n".join(line for line in lines if line).strip()


def _heading_level(p) -> int | None:
    ppr = _first_child(p, PPR)
    if ppr is None:
        return None
    outline = _first_child(ppr, OUTLINE)
    if outline is not None:
        level = _int(outline.get(VAL), 9)
        return level + 1 if level < 9 else None
    style = _first_child(ppr, PSTYLE)
    if style is not None:
        sid = (style.get(VAL) or "").lower()
        if sid.startswith("heading") and sid[7:].isdigit():
            return int(sid[7:])
    return None


__all__ = ["cell_text", "find_converter", "paragraph_text", "read_docx", "read_legacy_word"]
