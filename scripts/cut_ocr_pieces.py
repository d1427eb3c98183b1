#!/usr/bin/env python
"""Cut the small OCR test images from the benchmark's scans (``scripts/make_scans.py``).

Each is a piece of a real report's scan, as the OCR reader sees it (straightened, seal lifted,
rulings erased where said), written losslessly to ``tests/fixtures/scans/pieces/``:

- ``seven_underlined.png``: a lone underlined 「7」 in a wide cell, which a first reading of the
  cell takes for 「1」 with doubt (平潭公安局 2024, page 6, Table 1 行政强制);
- ``zero_touching_underline.png``: a 「0」 whose underline touches it, first read with doubt
  (平潭君山片区 2024, page 6, Table 2 结转下年度 总计);
- ``faint_rulings.png``: the band of Table 3's row of numbers, before rulings are found: its
  vertical rulings are hairlines scanned pale (君山片区 2024, page 7).

From the scans of Chromium prints (``make_scans.py --producer chromium``), straightened pages
before rulings are found:

- ``label_box_over_a_zero.png``: a two-line label's text box reaching past its ruling over the
  top of the next cell's 「0」 (平潭 2022, page 3, Table 2 不予公开).

The boxes are the reader's own text pieces on those pages (pixels at the reader's 200 dpi).

Usage:  .venv/bin/python scripts/cut_ocr_pieces.py   (after make_scans.py)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from helpers.readers import ocr  # noqa: E402

SCANS = REPO / "benchmarks" / "out" / "scans"
OUT = REPO / "tests" / "fixtures" / "scans" / "pieces"
PIECES = {  # name: (scan, page, piece box [x0, y0, x1, y1, cut_left, cut_right])
    "seven_underlined.png": ("pingtan-gonganju_2024.scan.pdf", 6, [1378, 1345, 1433, 1406, False, False]),
    "zero_touching_underline.png": ("pingtan-junshanpianqu_2024.scan.pdf", 6, [1436, 1961, 1467, 1998, False, False]),
}
CHROMIUM = SCANS.with_name("scans-chromium")
BANDS = {  # name: (scan, page, rows, columns) of the straightened page
    "faint_rulings.png": ("pingtan-junshanpianqu_2024.scan.pdf", 7, (380, 620), (0, None)),
    "label_box_over_a_zero.png": (CHROMIUM / "023_pingtan_2022.chromium.scan.pdf", 3, (1370, 1700), (640, 960)),
}


def _page(scan: str | Path, number: int) -> tuple[np.ndarray, np.ndarray]:
    """The straightened grey page, and the same with its rulings erased and its seal lifted."""
    pdf = pdfium.PdfDocument(str(SCANS / scan))  # a Path from elsewhere stays itself
    rgb = ocr.render(pdf[number - 1])
    pdf.close()
    grey = ocr.to_grey(rgb)
    angle = ocr.skew_angle(grey)
    grey = ocr.rotate(grey, angle)
    masks = ocr.ruling_masks(grey, ocr.DPI)
    clean = ocr.decolour(ocr.erase(grey, masks), ocr.rotate(ocr.colour_mask(rgb), angle, fill=0))
    return grey, clean


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (scan, number, piece) in PIECES.items():
        _, clean = _page(scan, number)
        Image.fromarray(ocr.crop(clean, piece)).save(OUT / name)
        print(OUT / name, file=sys.stderr)
    for name, (scan, number, (top, bottom), (left, right)) in BANDS.items():
        grey, _ = _page(scan, number)
        Image.fromarray(grey[top:bottom, left:right]).save(OUT / name, optimize=True)
        print(OUT / name, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
