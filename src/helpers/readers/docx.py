"""Reader for Word reports: ``.docx`` directly, ``.doc``/``.wps`` through LibreOffice.

The body is walked in XML order (``w:p`` and ``w:tbl``), because python-docx's
``table.rows[i].cells`` repeats merged cells while the document model wants cells as printed:
a ``gridSpan`` becomes ``colspan``; a ``vMerge="restart"`` cell becomes the origin and each
continuation cell below it adds one to its ``rowspan`` and is left out of its own row.
Provenance: ``line`` is the ordinal of the paragraph or table row in reading order, ``x`` the
grid column of a cell, ``page`` counts the page breaks Word recorded.

>>> from helpers.document import Cell
>>> _fmt_span(Cell("a", rowspan=2, colspan=3))
'a[2x3]'
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ..document import Cell, Document, Paragraph, Table, TableRow
from ..errors import (
    CONVERTER_MISSING,
    CORRUPT_FILE,
    UNREADABLE,
    ReportError,
)
from .common import require_nonempty

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = "{%s}" % W
CONVERT_TIMEOUT_S = 180
_MAIN_PART = "word/document.xml"
# run-level elements whose text is not part of the paragraph's own text
_SKIP = {_W + "drawing", _W + "pict", _W + "object", _W + "delText", _W + "instrText",
         "{%s}AlternateContent" % MC, _W + "footnoteReference", _W + "endnoteReference"}
_CONTAINERS = {_W + "sdt", _W + "customXml", _W + "ins", _W + "moveTo", _W + "smartTag"}


def _fmt_span(cell: Cell) -> str:
    """Compact form used in test messages: text plus ``[rowspan x colspan]`` when merged."""
    return cell.text if (cell.rowspan, cell.colspan) == (1, 1) else f"{cell.text}[{cell.rowspan}x{cell.colspan}]"


# --- entry points -----------------------------------------------------------------------


def read_docx(path: str | Path) -> Document:
    """Read a ``.docx`` file into the document model, or raise :class:`ReportError`."""
    path_str = str(path)
    _check_size(path_str)
    root = _load_body(path_str)
    builder = _Builder(path_str, "docx", _has_rendered_breaks(root))
    builder.walk(root)
    builder.doc.page_count = builder.page if builder.page > 1 else None
    return builder.doc


def read_legacy_word(path: str | Path) -> Document:
    """Read ``.doc``/``.wps`` by converting to DOCX with LibreOffice (needs ``soffice`` on PATH).

    A legacy-named file that is really a DOCX (a ZIP holding ``word/document.xml``) is read
    directly, without the converter.
    """
    path_str = str(path)
    fmt = Path(path_str).suffix.lower().lstrip(".") or "doc"
    _check_size(path_str)
    if _is_docx_zip(path_str):
        doc = read_docx(path_str)
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
        doc = read_docx(converted)
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


def _load_body(path: str):
    """The ``w:body`` element, or a corrupt_file error for anything that is not a Word document."""
    if not zipfile.is_zipfile(path):
        raise ReportError(path, CORRUPT_FILE, "not a valid .docx file (not a ZIP archive)")
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReportError(path, CORRUPT_FILE, f"not a valid .docx file: {exc}") from exc
    if _MAIN_PART not in names and not any(n.endswith("document.xml") for n in names):
        raise ReportError(path, CORRUPT_FILE, "a ZIP archive but not a Word document (no word/document.xml)")
    try:
        import docx  # python-docx

        document = docx.Document(path)
        body = document.element.body
    except Exception as exc:  # python-docx/lxml/zipfile raise many types for broken packages
        raise ReportError(path, CORRUPT_FILE, f"cannot open the Word document: {type(exc).__name__}: {exc}") from exc
    if body is None:
        raise ReportError(path, CORRUPT_FILE, "the Word document has no body")
    return body


def _has_rendered_breaks(root) -> bool:
    return next(root.iter(_W + "lastRenderedPageBreak"), None) is not None


# --- walking the body ---------------------------------------------------------------------


class _Builder:
    def __init__(self, path: str, input_format: str, rendered_breaks: bool):
        self.doc = Document(path=path, input_format=input_format)
        self.ordinal = 0
        self.page = 1
        # Word records where it last broke pages; without those, count explicit page breaks
        self.rendered_breaks = rendered_breaks

    def walk(self, parent) -> None:
        """Body-level children in order; content controls and similar wrappers are looked through."""
        for child in parent.iterchildren():
            tag = child.tag
            if tag == _W + "p":
                self.paragraph(child)
            elif tag == _W + "tbl":
                self.table(child)
            elif tag == _W + "sdt":
                content = child.find(_W + "sdtContent")
                if content is not None:
                    self.walk(content)
            elif tag in _CONTAINERS:
                self.walk(child)

    def _count_breaks(self, p) -> int:
        if self.rendered_breaks:
            return sum(1 for _ in p.iter(_W + "lastRenderedPageBreak"))
        breaks = sum(1 for br in p.iter(_W + "br") if br.get(_W + "type") == "page")
        ppr = p.find(_W + "pPr")
        if ppr is not None and ppr.find(_W + "pageBreakBefore") is not None:
            val = ppr.find(_W + "pageBreakBefore").get(_W + "val")
            breaks += val not in ("0", "false", "off")
        return breaks

    def paragraph(self, p) -> None:
        self.ordinal += 1
        self.page += self._count_breaks(p)
        text = paragraph_text(p).strip()
        if text:
            self.doc.blocks.append(Paragraph(text, self.ordinal, self.page, _heading_level(p)))
        # a text box anchored here: its paragraphs follow the anchor paragraph
        for box in _text_boxes(p):
            for inner in box.iter(_W + "p"):
                inner_text = paragraph_text(inner).strip()
                if inner_text:
                    self.ordinal += 1
                    self.doc.blocks.append(Paragraph(inner_text, self.ordinal, self.page))

    def table(self, tbl) -> None:
        rows = _grid_rows(tbl)
        if _is_frame(rows):
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
                self.page += sum(self._count_breaks(p) for p in tc.iter(_W + "p"))
                nested.extend(tc.iter(_W + "tbl"))
                vmerge = _vmerge(tc)
                if vmerge == "continue" and col in origins:
                    origins[col].rowspan += 1
                    continue
                if vmerge == "continue":
                    vmerge = "restart"  # nothing above to continue (e.g. a table split in two): Word starts a merge here
                cell = Cell(cell_text(tc), self.ordinal, row_page, float(col), colspan=span)
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
            if not any(a in nested for a in inner.iterancestors(_W + "tbl")):
                self.table(inner)


def _property_int(element, properties: str, name: str, default: int) -> int:
    """``w:val`` of ``<properties><name w:val=.../>`` under ``element`` (row or cell), else ``default``."""
    props = element.find(_W + properties)
    found = props.find(_W + name) if props is not None else None
    return _int(found.get(_W + "val"), default) if found is not None else default


def _grid_rows(tbl) -> list[list[tuple[object, int, int]]]:
    """Each row as ``(w:tc, grid column, gridSpan)``, honouring ``w:gridBefore``."""
    rows = []
    for tr in _children(tbl, "tr"):
        col = _property_int(tr, "trPr", "gridBefore", 0)
        cells = []
        for tc in _children(tr, "tc"):
            span = max(1, _property_int(tc, "tcPr", "gridSpan", 1))
            cells.append((tc, col, span))
            col += span
        rows.append(cells)
    return rows


def _children(parent, local: str):
    """Direct ``w:<local>`` children, looking through content controls and custom XML wrappers."""
    for child in parent.iterchildren():
        if child.tag == _W + local:
            yield child
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _children(content, local)
        elif child.tag == _W + "customXml":
            yield from _children(child, local)


def _is_frame(rows) -> bool:
    """A table of one column whose cells hold nested tables: a layout frame, not data."""
    if not rows or any(len(r) != 1 or r[0][2] != 1 for r in rows):
        return False
    return any(next(tc.iter(_W + "tbl"), None) is not None for r in rows for tc, _, _ in r)


def _vmerge(tc) -> str | None:
    tcpr = tc.find(_W + "tcPr")
    if tcpr is None:
        return None
    vm = tcpr.find(_W + "vMerge")
    if vm is None:
        return None
    return "restart" if vm.get(_W + "val") == "restart" else "continue"


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


# --- text ---------------------------------------------------------------------------------


def paragraph_text(p) -> str:
    """The printed text of one ``w:p``: runs, tabs and line breaks; no text boxes, fields codes or deletions."""
    parts: list[str] = []
    _collect(p, parts)
    return "".join(parts)


def _collect(el, parts: list[str]) -> None:
    for child in el.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP or tag == _W + "del" or tag == _W + "pPr" or tag == _W + "rPr":
            continue
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            if child.get(_W + "type") != "page":
                parts.append("\n")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        elif tag == _W + "sym":
            char = child.get(_W + "char")
            if char:
                try:
                    parts.append(chr(int(char, 16)))
                except ValueError:
                    pass
        else:
            _collect(child, parts)


def cell_text(tc) -> str:
    """A cell's own paragraphs joined by newlines (nested tables are read as tables of their own)."""
    lines = [paragraph_text(p).strip() for p in _children(tc, "p")]
    return "\n".join(line for line in lines if line).strip()


def _text_boxes(p) -> list:
    """``w:txbxContent`` elements anchored in this paragraph, once each (not the VML fallback copy)."""
    boxes = []
    for box in p.iter(_W + "txbxContent"):
        if any(a.tag == "{%s}Fallback" % MC for a in box.iterancestors()):
            continue
        if any(a.tag == _W + "txbxContent" for a in box.iterancestors()):
            continue
        boxes.append(box)
    return boxes


def _heading_level(p) -> int | None:
    ppr = p.find(_W + "pPr")
    if ppr is None:
        return None
    outline = ppr.find(_W + "outlineLvl")
    if outline is not None:
        level = _int(outline.get(_W + "val"), 9)
        return level + 1 if level < 9 else None
    style = ppr.find(_W + "pStyle")
    if style is not None:
        sid = (style.get(_W + "val") or "").lower()
        if sid.startswith("heading") and sid[7:].isdigit():
            return int(sid[7:])
    return None


__all__ = ["cell_text", "find_converter", "paragraph_text", "read_docx", "read_legacy_word"]
