"""Reader for text-layer PDF reports: ruled tables → cell grids, the rest → one paragraph per line.

Locate, then read: a backend finds each page's ruled tables (as :class:`PageTable`, a bbox plus
rows of cells as printed); this module reads the text around them in bands, each band either a
table without rulings (read from its layout text, :mod:`.layout`) or lines of paragraphs, and
interleaves everything by position, page by page. A table ending a page and one starting the
next with the same columns become one table again (:mod:`.pdf_stitch`). Backends:

- ``"pdfplumber"`` (default: the most exact and the fastest) — pdfplumber's characters and
  ruling segments, rebuilt into cells by :mod:`.pdf_grid` (merged cells and missing borders
  from the rulings themselves); merged cells come back once, with rowspan/colspan.
- ``"camelot-lattice"`` — camelot's line detection on the rendered page; merged cells are
  rebuilt from the missing cell edges.
- ``"camelot-stream"`` — camelot's whitespace columns (no ruling lines); spans are unknown,
  so every grid position is kept.

Broken inputs raise :class:`~helpers.errors.ReportError`: ``empty_file``, ``corrupt_file``
(garbage, truncated), ``encrypted`` (needs a password to open; copy-restricted files that open
without one are read normally), ``no_text_layer`` (scanned pages).
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from pathlib import Path

from ..document import Document, Paragraph, Table
from ..errors import CORRUPT_FILE, EMPTY_FILE, ENCRYPTED, NO_TEXT_LAYER, ReportError
from ..limits import DEFAULT_LIMITS, Limits
from .pdf_grid import PageTable, char_lines, page_grids, text_lines
from .pdf_stitch import bottom_cells, compatible, stitch

BACKENDS = ("pdfplumber", "camelot-lattice", "camelot-stream")
DEFAULT_BACKEND = "pdfplumber"  # see benchmarks/bench_pdf_backends.py

_PAGE_NUMBER = re.compile(r"^\s*[-—–]\s*\d{1,3}\s*[-—–]\s*$|^\s*第\s*\d+\s*页(\s*共\s*\d+\s*页)?\s*$")


# ---------------------------------------------------------------- opening and error records

UNMAPPED_SHARE = 0.2  # above this share of (cid:N) glyphs the text is unreadable


def check_pdf_bytes(path: str) -> None:
    """Raise for files that are not a whole PDF, before any PDF library sees them.

    A PDF starts with ``%PDF-`` and ends with ``%%EOF``; a file cut short (a partial
    download) has no end marker, and PDF libraries would otherwise silently rebuild
    whatever pages survived.
    """
    with open(path, "rb") as handle:  # its two ends only: a PDF may be hundreds of MB
        head = handle.read(1024)
        size = handle.seek(0, 2)
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    if size <= 3072 and not (head + tail).strip():
        raise ReportError(path, EMPTY_FILE, "the file is empty")
    if b"%PDF-" not in head:
        raise ReportError(path, CORRUPT_FILE, "corrupt PDF: no %PDF- header (not a PDF file)")
    if b"%%EOF" not in tail:
        raise ReportError(path, CORRUPT_FILE, "corrupt PDF: no %%EOF end marker (truncated file?)")


def _check_opens(path: str) -> int:
    """Open with pdfium (fast, strict about passwords); return the page count."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium.raw.FPDF_ERR_PASSWORD:
            raise ReportError(path, ENCRYPTED, "encrypted PDF: a password is needed to open it") from exc
        if code == pdfium.raw.FPDF_ERR_SECURITY:
            raise ReportError(path, ENCRYPTED, "encrypted PDF: unsupported security handler") from exc
        raise ReportError(path, CORRUPT_FILE, f"corrupt PDF: {exc}") from exc
    try:
        return len(pdf)
    finally:
        pdf.close()


def _open_plumber(path: str, n_pages: int | None = None):
    """pdfplumber's PDF, holding its first ``n_pages`` pages (all when None)."""
    import pdfplumber

    try:
        return pdfplumber.open(path, pages=None if n_pages is None else tuple(range(1, n_pages + 1)))
    except Exception as exc:  # pdfminer raises many types for broken files
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise ReportError(path, ENCRYPTED, "encrypted PDF: a password is needed to open it") from exc
        raise ReportError(path, CORRUPT_FILE, f"corrupt PDF: {type(exc).__name__}: {exc}") from exc


# ---------------------------------------------------------------- ruled tables

def plumber_tables(page) -> list[PageTable]:
    """Ruled tables rebuilt from the page's rulings (:mod:`.pdf_grid`); merged cells appear once."""
    return [PageTable(grid.bbox, grid.rows, grid.xs, grid.clipped) for grid in page_grids(page)]


# ---------------------------------------------------------------- reading order

def _inside(box, tables: list[PageTable]) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(t.bbox[0] <= cx <= t.bbox[2] and t.bbox[1] <= cy <= t.bbox[3] for t in tables)


def is_false_table(table: PageTable) -> bool:
    """A one-column box (a framed paragraph), not a data table."""
    return table.n_columns <= 1 or not table.rows


def _lines(chars: list[dict]) -> list[tuple[float, str]]:
    """(top, text) of each text line; page-number footers dropped."""
    return [(top, text) for top, _, text, _, _ in text_lines(chars) if not _PAGE_NUMBER.match(text)]


def _layout_blocks(region, page_no: int) -> list | None:
    """A region of a page (a band between ruled tables, or the whole page) read from its layout
    text when it shows a table without ruling lines, else None.

    pdfplumber's layout text places each character at its position, as ``pdftotext -layout``
    does, so the text reader's space-aligned-columns reader rebuilds the rows.
    """
    from .layout import is_tabular
    from .text import parse_text

    text = region.extract_text(layout=True) or ""
    if not is_tabular(text):
        return None
    blocks = parse_text(text).blocks
    recognised = any("confidence" in c for c in region.chars)
    lines = _line_confidences(region) if recognised else []
    for block in blocks:
        block.page = page_no if isinstance(block, Paragraph) else None
        if isinstance(block, Table):
            block.source = "ocr-layout" if recognised else "pdf-layout"
            for row in block.rows:
                row.page = page_no
                for cell in row.cells:
                    cell.page = page_no
                    if recognised and cell.text.strip():
                        cell.confidence = _span_confidence(lines, cell)
    return blocks


def _line_confidences(region) -> list[list[tuple[str, float | None]]]:
    """Each line of the region's layout text as (character, recognition confidence) pairs."""
    lines: list[list[tuple[str, float | None]]] = [[]]
    for ch, obj in region.textmap().tuples:
        if ch == "\n":
            lines.append([])
        else:
            lines[-1].append((ch, obj.get("confidence") if obj else None))
    return lines


def _span_confidence(lines: list[list[tuple[str, float | None]]], cell) -> float | None:
    """The lowest confidence among a layout cell's characters: its text found on its line or
    the lines next to it (values printed on a line of their own join their label's row), the
    occurrence nearest its line and column; else the lowest on its whole line."""
    if cell.line is None or not 0 < cell.line <= len(lines):
        return None
    target = cell.text.strip()
    centre = cell.x if cell.x is not None else 0
    best = None
    for offset in (0, 1, -1, 2, -2, 3, -3):
        number = cell.line - 1 + offset
        if not target or not 0 <= number < len(lines):
            continue
        text = "".join(ch for ch, _ in lines[number])
        start = text.find(target)
        while start >= 0:
            rank = (abs(offset), abs(start + len(target) / 2 - centre))
            if best is None or rank < best[0]:
                best = (rank, lines[number][start:start + len(target)])
            start = text.find(target, start + 1)
        if best is not None:
            break
    picked = best[1] if best is not None else lines[cell.line - 1]
    scores = [score for _, score in picked if score is not None]
    return min(scores) if scores else None


def _number_set_apart(chars: list[dict]) -> bool:
    """Some number printed after a gap of two characters or more: the cheap sign of a table
    that decides whether to lay the text out (which costs far more than reading lines)."""
    for line in char_lines([c for c in chars if c["text"].strip()]):
        for prev, ch in zip(line, line[1:]):
            if ch["text"].isdigit() and ch["x0"] - prev["x1"] >= 2 * max(ch["size"], 1):
                return True
    return False


def page_items(page, tables: list[PageTable]) -> list[tuple[float, object]]:
    """The page's content top to bottom, as (top, item): ruled tables (:class:`PageTable`), and
    the text around them in bands, each band read as a borderless table (a list of blocks)
    when it shows one, else as lines of paragraph text (str)."""
    items: list[tuple[float, object]] = [(t.bbox[1], t) for t in tables]
    cuts = sorted((t.bbox[1], t.bbox[3]) for t in tables)
    bounds = [float(page.bbox[1])] + [v for top, bottom in cuts for v in (top, bottom)] + [float(page.bbox[3])]
    for top, bottom in zip(bounds[::2], bounds[1::2]):
        if bottom <= top:
            continue
        def in_band(obj, top=top, bottom=bottom) -> bool:  # by the middle: a character is in one band only
            middle = (obj["top"] + obj["bottom"]) / 2
            return top <= middle < bottom and not _inside((obj["x0"], obj["top"], obj["x1"], obj["bottom"]), tables)

        band = page.filter(lambda obj: obj.get("object_type") != "char" or in_band(obj))
        chars = [c for c in page.chars if in_band(c)]
        if not any(c["text"].strip() for c in chars):
            continue
        blocks = _layout_blocks(band, page.page_number) if _number_set_apart(chars) else None
        if blocks is not None:
            items.append((top, blocks))
        else:
            items.extend(_lines(chars))
    items.sort(key=lambda it: (it[0], not isinstance(it[1], PageTable)))
    return items


def assemble(path: str, page_count: int, pages) -> Document:
    """Build the document from each page's items (see :func:`page_items`), in order. A table
    that ends its page and one that starts the next with the same columns are one table
    (:mod:`.pdf_stitch`)."""
    doc = Document(path=path, input_format="pdf", page_count=page_count)
    open_table: tuple[Table, PageTable, list] | None = None  # a table that ended the previous page
    for page_no, items in pages:
        for position, (_, item) in enumerate(items):
            if isinstance(item, str):
                doc.blocks.append(Paragraph(item, None, page_no))
                open_table = None
                continue
            if isinstance(item, list):  # a borderless table read from layout text
                for block in item:
                    if isinstance(block, Table):
                        block.index = len(doc.tables)
                    doc.blocks.append(block)
                open_table = None
                continue
            if not item.rows:
                continue
            if item.clipped and page_no not in doc.edge_pages:
                doc.edge_pages.append(page_no)
            if position == 0 and open_table is not None and compatible(open_table[1].xs, item.xs):
                table, _, reaching = open_table
                table.rows, reaching = stitch(table.rows, reaching, item.rows)
            else:
                table = Table(item.rows, index=len(doc.tables), source="pdf")
                doc.blocks.append(table)
                reaching = bottom_cells(item.rows)
            open_table = (table, item, reaching)
    return doc


def read_pdf(path: str | Path, backend: str = DEFAULT_BACKEND, ocr: bool = True, ocr_cache: str | Path | None = None,
             progress: bool = False, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a PDF into the document model: its text layer, and by OCR (:mod:`.ocr`) the pages
    that have none (scans) or whose text layer cannot be read, unless ``ocr`` is False.

    ``ocr_cache`` is where recognised pages are kept (default: :func:`.ocr.default_cache_dir`);
    ``progress`` shows a bar per OCR'd page on a terminal. Only the first ``limits.pdf_pages``
    pages are read; the document's ``cuts`` say so when there are more.

    >>> read_pdf("a.pdf", backend="ocr")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ValueError: unknown PDF backend 'ocr'
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown PDF backend {backend!r} (choose from {', '.join(BACKENDS)})")
    path = str(path)
    check_pdf_bytes(path)
    page_count = _check_opens(path)
    with _quiet_pdfminer():
        return _read(path, page_count, backend, ocr, ocr_cache, progress, limits.pdf_pages)


@contextmanager
def _quiet_pdfminer():
    """pdfminer logs a warning for every glyph of some fonts (「Could not get FontBBox …」):
    noise for a reader that reports what it could not read in its own records."""
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


OUTLINE_CURVES = 50  # a page without text but with more curves than this may be text drawn as outlines


def _text_layer(page) -> tuple[int, int, bool]:
    """(characters, unmapped (cid:N) characters, has something to see) of a page's text layer;
    a page with no text has something to see when it holds an image or many curves."""
    chars = page.chars
    visible = sum(1 for c in chars if c["text"].strip())
    unmapped = sum(1 for c in chars if c["text"].startswith("(cid:"))
    return visible, unmapped, bool(page.images) or len(page.curves) > OUTLINE_CURVES


def _needs_ocr(visible: int, unmapped: int, drawn: bool) -> bool:
    """A page to OCR: no text but an image or drawn outlines (a scan), or a text layer whose
    characters mostly have no Unicode mapping. A blank page is not OCR'd."""
    return (visible == 0 and drawn) or (visible > 0 and unmapped / visible > UNMAPPED_SHARE)


def _read(path: str, page_count: int, backend: str, ocr: bool = True, ocr_cache=None, progress: bool = False,
          max_pages: int | None = None) -> Document:
    camelot_tables: dict[int, list[PageTable]] = {}
    n_read = page_count if max_pages is None else min(page_count, max_pages)
    pdf = _open_plumber(path, n_read if n_read < page_count else None)
    scanned: list[int] = []  # page numbers to OCR
    try:
        pages_out = []
        n_chars = n_unmapped = 0
        has_images = False
        for page in pdf.pages:
            try:
                visible, unmapped, drawn = _text_layer(page)
                n_chars += visible
                n_unmapped += unmapped
                has_images = has_images or drawn
                if ocr and _needs_ocr(visible, unmapped, drawn):
                    scanned.append(page.page_number)
                    pages_out.append((page.page_number, []))
                    continue
                if visible == 0:
                    pages_out.append((page.page_number, []))
                    continue
                if backend == "pdfplumber":
                    tables = plumber_tables(page)
                else:
                    if not camelot_tables:
                        from .pdf_camelot import camelot_tables as read_camelot
                        camelot_tables = read_camelot(path, backend.split("-")[1], len(pdf.pages)) or {0: []}
                    tables = camelot_tables.get(page.page_number, [])
                tables = [t for t in tables if not is_false_table(t)]
                pages_out.append((page.page_number, page_items(page, tables)))
            except ReportError:
                raise
            except Exception as exc:  # a page pdfminer cannot interpret
                raise ReportError(path, CORRUPT_FILE,
                                  f"corrupt PDF: page {page.page_number}: {type(exc).__name__}: {exc}") from exc
    finally:
        pdf.close()
    ocr_warnings: list[str] = []
    if scanned:
        recognised = _ocr_pages(path, scanned, ocr_cache, progress, ocr_warnings)
        pages_out = [(no, recognised.get(no, items)) for no, items in pages_out]
        if not any(recognised.values()) and not any(items for _, items in pages_out):
            raise ReportError(path, NO_TEXT_LAYER, f"scanned PDF: OCR found no text on its {len(scanned)} "
                              f"page{'s' if len(scanned) > 1 else ''} (a blank page or a picture, not a report)")
    elif n_chars == 0:
        if has_images:
            raise ReportError(path, NO_TEXT_LAYER, "scanned PDF without a text layer (OCR is off: --no-ocr)")
        raise ReportError(path, NO_TEXT_LAYER, "PDF without a text layer (no text and no images)")
    elif n_unmapped / n_chars > UNMAPPED_SHARE:
        raise ReportError(path, NO_TEXT_LAYER,
                          f"the text layer cannot be read: {n_unmapped} of {n_chars} characters use fonts without a "
                          "Unicode mapping (shown as (cid:N)); OCR is off (--no-ocr)")
    doc = assemble(path, page_count, pages_out)
    if n_read < page_count:
        doc.cuts.append(f"the PDF has {page_count:,} pages; pages {n_read + 1:,}–{page_count:,} were not read "
                        f"(the limit is {n_read:,} pages: --limit pdf_pages=…)")
    doc.ocr_pages = scanned
    doc.warnings.extend(ocr_warnings)
    return doc


def _ocr_pages(path: str, numbers: list[int], cache_dir, progress: bool,
               warnings: list[str] | None = None) -> dict[int, list]:
    """Each scanned page's items (:func:`page_items`), read from its OCR'd characters and rulings;
    what a page could not read goes to ``warnings``."""
    import pypdfium2 as pdfium
    from tqdm.auto import tqdm

    from .ocr import default_cache_dir, ocr_page

    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    out: dict[int, list] = {}
    pdf = pdfium.PdfDocument(path)
    try:
        bar = tqdm(numbers, desc=f"OCR {Path(path).name}", unit="page", leave=False, disable=None if progress else True)
        for number in bar:
            page = ocr_page(pdf[number - 1], number, cache)
            if warnings is not None:
                warnings.extend(f"page {number} (OCR): {w}" for w in page.warnings)
            tables = [t for t in plumber_tables(page) if not is_false_table(t)]
            out[number] = page_items(page, tables) if page.chars else []
    finally:
        pdf.close()
    return out


__all__ = ["BACKENDS", "DEFAULT_BACKEND", "PageTable", "check_pdf_bytes", "read_pdf"]
