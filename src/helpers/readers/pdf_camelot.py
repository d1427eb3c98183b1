"""camelot backends for the PDF reader, imported only when asked for (camelot loads OpenCV).

camelot repeats or blanks the positions a merged cell covers; lattice tables are turned back
into cells as printed by joining grid positions whose shared ruling line is missing.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

from ..document import Cell, TableRow
from ..errors import CORRUPT_FILE, ReportError
from .pdf_grid import PageTable, merged_regions


def _lattice_rows(table, page_no: int, height: float) -> list[TableRow]:
    grid = table.cells
    regions = merged_regions(len(grid), len(grid[0]) if grid else 0,
                             lambda r, c: not grid[r][c].right, lambda r, c: not grid[r][c].bottom)
    rows: list[TableRow] = []
    for r, grid_row in enumerate(grid):
        cells = []
        for c in range(len(grid_row)):
            if (r, c) not in regions:
                continue
            _, _, r1, c1 = regions[(r, c)]
            texts = [grid[rr][cc].text.strip() for rr in range(r, r1 + 1) for cc in range(c, c1 + 1)]
            text = "\n".join(t for t in texts if t)
            x0, x1 = grid[r][c].x1, grid[r][c1].x2
            top, bottom = height - grid[r][c].y2, height - grid[r1][c].y1
            cells.append(Cell(text, None, page_no, x0, rowspan=r1 - r + 1, colspan=c1 - c + 1,
                              bbox=(round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2))))
        if cells:
            rows.append(TableRow(cells, None, page_no))
    return rows


def _stream_rows(table, page_no: int, height: float) -> list[TableRow]:
    rows: list[TableRow] = []
    for grid_row in table.cells:
        cells = [Cell(cell.text.strip(), None, page_no, cell.x1,
                      bbox=(round(cell.x1, 2), round(height - cell.y2, 2), round(cell.x2, 2), round(height - cell.y1, 2)))
                 for cell in grid_row]
        if any(c.text for c in cells):
            rows.append(TableRow(cells, None, page_no))
    return rows


def camelot_tables(path: str, flavor: str, page_count: int) -> dict[int, list[PageTable]]:
    """Page number → tables found by camelot's ``lattice`` or ``stream`` flavour."""
    import camelot
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    heights = [pdf[i].get_height() for i in range(len(pdf))]
    with tempfile.TemporaryDirectory() as tmp:
        source = path
        if pdfium.raw.FPDF_GetSecurityHandlerRevision(pdf) >= 0:
            # copy-restricted (opened without a password): camelot's pdfminer refuses to extract
            # text from it, so hand camelot a copy without the security handler
            source = str(Path(tmp) / "unrestricted.pdf")
            pdf.save(source, flags=pdfium.raw.FPDF_REMOVE_SECURITY)
        pdf.close()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "No tables found in table area ..."
                found = camelot.read_pdf(source, pages="all", flavor=flavor)
        except Exception as exc:
            raise ReportError(path, CORRUPT_FILE,
                              f"camelot could not read the PDF: {type(exc).__name__}: {exc}") from exc
    out: dict[int, list[PageTable]] = {}
    for table in found:
        page_no = int(table.page)
        height = heights[page_no - 1]
        x1, y1, x2, y2 = table._bbox
        bbox = (x1, height - y2, x2, height - y1)
        reader = _lattice_rows if flavor == "lattice" else _stream_rows
        xs = sorted({round(c.x1, 1) for row in table.cells for c in row} | {round(c.x2, 1) for row in table.cells for c in row})
        out.setdefault(page_no, []).append(PageTable(bbox, reader(table, page_no, height), xs))
    for tables in out.values():
        tables.sort(key=lambda t: t.bbox[1])
    return out
