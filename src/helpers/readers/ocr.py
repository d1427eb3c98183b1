"""OCR of scanned PDF pages, offline: a page image becomes the characters and rulings the PDF
reader reads from a text layer, so tables, stitching, the table parser and the checks are shared.

For each page without a text layer (:func:`ocr_page`):

1. render it with pdfium at :data:`DPI`;
2. take the brightest channel as grey, stretched so the paper is white: a red or blue seal
   fades to a trace, lifted after the rulings are found (coloured pixels become paper; the
   black print under a seal is dark in every channel and stays);
3. straighten it: the angle (within ±:data:`MAX_SKEW`°) whose rows of ink are sharpest;
4. find the rulings (long thin runs of ink, by morphological opening with OpenCV) and erase
   them from the image, so no ruling beside a digit is read as 「1」;
5. recognise the text with RapidOCR (PP-OCR Chinese detection and recognition models, shipped
   inside the installed package and run by onnxruntime on the CPU: nothing is downloaded), one
   box per character with its confidence;
6. return an :class:`OcrPage`: characters (with ``confidence``) and ruling edges in PDF points,
   shaped like a pdfplumber page, for :func:`~helpers.readers.pdf_grid.page_grids` and the
   band reader of :mod:`.pdf`.

Results are kept in a small cache keyed by the page image's hash and the OCR settings
(:func:`ocr_page` ``cache_dir``), so a re-run does not recognise a page twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from ..document import MIN_CONFIDENCE

DPI = 200  # render resolution; benchmarks/bench_ocr.py --dpi: 150 and 250 read fewer reports exactly, 250 slower
MAX_SKEW = 2.0  # degrees: scans are turned by less than this
SKEW_STEP = 0.1
MAX_UNREAD_MARKS = 40  # more marks outside every text box than this: a picture or noise, not text to re-read
OCR_VERSION = "30"  # part of the cache key: bump when the image processing changes


@dataclass
class OcrPage:
    """A scanned page as the PDF reader sees a text-layer page: ``chars`` and ``edges`` in PDF
    points (top-left origin), ``page_number``, ``width``, ``height``, ``bbox``."""

    page_number: int
    width: float
    height: float
    chars: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    angle: float = 0.0  # degrees the page was turned back by
    warnings: list[str] = field(default_factory=list)  # what could not be read on the page
    images: list = field(default_factory=list)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (0.0, 0.0, self.width, self.height)

    def filter(self, keep: Callable[[dict], bool]) -> "OcrPage":
        return OcrPage(self.page_number, self.width, self.height, [c for c in self.chars if keep(c)],
                       self.edges, self.angle, self.warnings)

    def textmap(self, layout: bool = True):
        """pdfplumber's text map of the characters (laid out by position, as pdfplumber lays out
        a text layer): each printed character paired with the character read."""
        from pdfplumber.utils.text import chars_to_textmap

        return chars_to_textmap(self.chars, layout=layout, layout_width=self.width,
                                layout_height=self.height, layout_bbox=self.bbox)

    def extract_text(self, layout: bool = False) -> str:
        return self.textmap(layout).as_string


# ---------------------------------------------------------------- the engine

_ENGINE = None


def engine():
    """The RapidOCR engine of this process (loaded once: about a second)."""
    global _ENGINE
    if _ENGINE is None:
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        from rapidocr import RapidOCR

        threads = int(os.environ.get("OGI_OCR_THREADS", "0")) or -1
        _ENGINE = RapidOCR(params={
            "Global.log_level": "error",
            "Global.use_cls": False,  # pages are upright once straightened; 180° text does not occur
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        })
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return _ENGINE


# ---------------------------------------------------------------- image processing

CHROMA = 28  # a pixel whose channels differ by more is coloured ink (a seal), not black print
PAPER_SHARE = 0.72  # a pixel lighter than this share of the paper's tone is paper (a seal's faint trace)


def to_grey(rgb: np.ndarray) -> np.ndarray:
    """The brightest channel, stretched so that the paper is white: black print stays black, a
    red or blue seal becomes a faint trace of paper tone and then paper, and a grey or yellowed
    page becomes white."""
    channels = rgb[..., :3]
    grey = channels.max(axis=2)
    paper = float(np.percentile(grey, 60))  # most of a page is paper
    cutoff = max(PAPER_SHARE * paper, 64.0)
    table = np.clip(np.arange(256, dtype=np.float32) * 255.0 / cutoff, 0, 255).astype(np.uint8)
    return table[grey]


def colour_mask(rgb: np.ndarray) -> np.ndarray:
    """Pixels of coloured ink (a seal): their channels differ widely. 255 where coloured."""
    channels = rgb[..., :3]
    chroma = channels.max(axis=2).astype(np.int16) - channels.min(axis=2)
    return np.where(chroma > CHROMA, 255, 0).astype(np.uint8)


def decolour(grey: np.ndarray, colour: np.ndarray) -> np.ndarray:
    """Coloured ink becomes paper; print under a seal is dark in every channel, so it stays."""
    out = grey.copy()
    out[(colour > 127) & (out > 150)] = 255
    return out


def skew_angle(grey: np.ndarray) -> float:
    """The angle (degrees, counter-clockwise) that makes the page's rows of ink sharpest."""
    import cv2

    small = cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    ink = (small < 128).astype(np.float32)
    h, w = ink.shape
    center = (w / 2, h / 2)
    best, best_score = 0.0, -1.0
    for angle in np.arange(-MAX_SKEW, MAX_SKEW + SKEW_STEP / 2, SKEW_STEP):
        matrix = cv2.getRotationMatrix2D(center, float(angle), 1.0)
        turned = cv2.warpAffine(ink, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        rows = turned.sum(axis=1)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best, best_score = float(angle), score
    return round(best, 2)


def rotate(grey: np.ndarray, angle: float, fill: int = 255) -> np.ndarray:
    import cv2

    if abs(angle) < SKEW_STEP / 2:
        return grey
    h, w = grey.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(grey, matrix, (w, h), flags=cv2.INTER_CUBIC, borderValue=fill)


# how much darker than its surroundings a pixel of a ruling is: a hairline scanned at 150–200 dpi
# is spread over two columns of pale grey (about 230 on white paper); the paper, stretched to
# white by to_grey, is even, so a low threshold adds no noise, and the opening drops specks
RULING_CONTRAST = 8


def ruling_masks(grey: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling pixels: runs of ink at least about 6 mm long and thin."""
    import cv2

    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, RULING_CONTRAST)
    length = max(int(dpi * 0.25), 10)  # a quarter inch: longer than any stroke of a character
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    return horizontal, vertical


def underlines(x: int, y: int, w: int, h: int, text: list[list[int]]) -> bool:
    """A horizontal run of ink just under a line of recognised text and no wider than it: the
    text is underlined (Word's underline), it is no cell border. A border runs on past the text
    by the cell's padding and joins the table's other rulings."""
    for x0, y0, x1, y1 in text:
        height = y1 - y0
        if y0 + 0.5 * height <= y + h / 2 <= y1 + 0.6 * height and x >= x0 - 0.4 * height \
                and x + w <= x1 + 0.4 * height:
            return True
    return False


def segments(mask: np.ndarray, vertical: bool, scale: float, text: list[list[int]] | None = None) -> list[dict]:
    """pdfplumber-style edges for a ruling mask, in points (pixels × ``scale``); horizontal runs
    that underline a line of ``text`` (boxes in pixels) are left out."""
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    edges = []
    for x, y, w, h, _ in stats[1:n]:
        if not vertical and text and underlines(x, y, w, h, text):
            continue
        if vertical:
            pos = (x + w / 2) * scale
            x0, x1, top, bottom = pos, pos, y * scale, (y + h) * scale
        else:
            pos = (y + h / 2) * scale
            x0, x1, top, bottom = x * scale, (x + w) * scale, pos, pos
        edges.append({"orientation": "v" if vertical else "h", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
                      "width": x1 - x0, "height": bottom - top, "doctop": top, "object_type": "line"})
    return edges


def erase(grey: np.ndarray, masks: tuple[np.ndarray, ...]) -> np.ndarray:
    """The page with the rulings painted over with paper."""
    import cv2

    lines = np.zeros_like(grey)
    for mask in masks:
        lines |= mask
    # the ruling itself, and its light fringe; a dark stroke of a character touching it stays
    fringe = cv2.dilate(lines, np.ones((3, 3), np.uint8))
    out = grey.copy()
    out[(lines > 0) | ((fringe > 0) & (grey > 110))] = 255
    return out


INK = 160  # a darker pixel of a cleaned page is ink (print), a lighter one paper or a faint trace
UNREAD = "\ufffd"  # ink that no recognition could read: the cell holding it is not trusted


def _rects(boxes) -> list[list[int]]:
    """Axis-aligned [x0, y0, x1, y1] of the detector's text boxes (the page is straight)."""
    out = []
    for box in boxes if boxes is not None else ():
        points = np.asarray(box)
        out.append([int(points[:, 0].min()), int(points[:, 1].min()),
                    int(np.ceil(points[:, 0].max())), int(np.ceil(points[:, 1].max()))])
    return out


def split_at_rulings(rect: list[int], vertical: np.ndarray, ink: np.ndarray) -> list[list]:
    """A text box cut where a vertical ruling crosses it: one piece per table cell, so that the
    numbers of neighbouring cells are never read as one (「1 1 0 2」) and each gets its own
    confidence. Pieces without ink are dropped. A piece is ``[x0, y0, x1, y1, cut_left, cut_right]``."""
    x0, y0, x1, y1 = rect[:4]
    middle = (y0 + y1) // 2
    band = vertical[max(middle - 2, 0):middle + 3, x0:x1]
    columns = np.flatnonzero(band.any(axis=0))
    cuts = [x0]
    if columns.size:
        runs = np.split(columns, np.flatnonzero(np.diff(columns) > 1) + 1)
        cuts += [x0 + int(run.mean()) for run in runs if 2 < run.mean() < (x1 - x0) - 3]
    cuts.append(x1)
    pieces = []
    for k, (left, right) in enumerate(zip(cuts, cuts[1:])):
        if right - left > 2 and ink[y0:y1, left:right].any():
            # a side that is a cut gets no margin from the page: that would show the next cell
            pieces.append([left, y0, right, y1, k > 0, k < len(cuts) - 2])
    return pieces


def distinct(pieces: list[list], ink: np.ndarray | None = None, char_height: float = 0.0) -> list[list]:
    """Pieces without the ones lying mostly inside a larger piece: two detected boxes may reach
    over the same characters (one box running a little past a ruling into the next cell). With
    the page's ``ink``, a sliver cut off at a ruling (narrower than half a character) whose ink
    all lies in larger pieces is dropped too: a box of a label that reaches past the ruling over
    the corner of the next cell's 「0」 would read that corner as a 「1」."""
    kept: list[list] = []
    for piece in sorted(pieces, key=lambda p: -(p[2] - p[0]) * (p[3] - p[1])):
        area = max((piece[2] - piece[0]) * (piece[3] - piece[1]), 1)
        inside = max((max(0, min(piece[2], k[2]) - max(piece[0], k[0])) * max(0, min(piece[3], k[3]) - max(piece[1], k[1]))
                      for k in kept), default=0)
        if inside >= 0.5 * area:
            continue
        if ink is not None and (piece[4] or piece[5]) and piece[2] - piece[0] < 0.5 * char_height:
            x0, y0, x1, y1 = piece[:4]
            own = ink[y0:y1, x0:x1] > 0
            elsewhere = np.zeros_like(own)
            for k in kept:
                elsewhere[max(k[1] - y0, 0):max(k[3] - y0, 0), max(k[0] - x0, 0):max(k[2] - x0, 0)] = True
            if own.any() and (own & elsewhere).sum() >= 0.9 * own.sum():
                continue
        kept.append(piece)
    return sorted(kept, key=lambda p: (p[1], p[0]))


def crop(image: np.ndarray, piece: list, pad: int = 3) -> np.ndarray:
    """A piece of the page with a margin: taken from the page on its own sides, blank paper on
    sides cut at a ruling."""
    x0, y0, x1, y1, cut_left, cut_right = piece
    h, w = image.shape[:2]
    left = x0 if cut_left else max(x0 - pad, 0)
    right = x1 if cut_right else min(x1 + pad, w)
    out = image[max(y0 - pad, 0):min(y1 + pad, h), left:right]
    widths = ((0, 0), (pad if cut_left else 0, pad if cut_right else 0), (0, 0))
    return np.pad(out, widths[: out.ndim], constant_values=255)


def crop_origin(piece: list, pad: int = 3) -> tuple[int, int]:
    """Where the top left corner of :func:`crop`'s image lies on the page."""
    x0, y0, _, _, cut_left, _ = piece
    return (x0 - pad if cut_left else max(x0 - pad, 0)), max(y0 - pad, 0)


MIN_SPOT = 4  # pixels: a smaller spot of ink is noise, not part of a character


def tighten(piece_image: np.ndarray, origin: tuple[int, int]) -> tuple[np.ndarray, list[int]] | None:
    """The ink of a cropped piece alone, on blank paper with a margin of a third of its height,
    and the ink's box on the page; None when it holds no ink. A thin digit alone in a wide cell
    (a 「7」 read as 「1」 with doubt) reads with certainty this way."""
    import cv2

    grey = piece_image[..., 0] if piece_image.ndim == 3 else piece_image
    ink = (grey < INK).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    spots = [stats[k] for k in range(1, n) if stats[k][4] >= MIN_SPOT]
    if not spots:
        return None
    x0, y0 = min(s[0] for s in spots), min(s[1] for s in spots)
    x1, y1 = max(s[0] + s[2] for s in spots), max(s[1] + s[3] for s in spots)
    margin = max((y1 - y0) // 3, 4)
    out = np.pad(piece_image[y0:y1, x0:x1], ((margin, margin), (margin, margin), (0, 0))[: piece_image.ndim],
                 constant_values=255)
    return out, [origin[0] + x0, origin[1] + y0, origin[0] + x1, origin[1] + y1]


def uncovered_ink(ink: np.ndarray, rects: list[list[int]], char_height: float,
                  vertical: np.ndarray | None = None) -> list[list[int]]:
    """Marks of character size that no text box covers (a lone 「0」 the detector missed), grouped
    into words within their table cell: recognised on their own, or flagged as unread."""
    import cv2

    covered = np.zeros_like(ink)
    for x0, y0, x1, y1 in rects:
        covered[max(y0 - 3, 0):y1 + 3, max(x0 - 3, 0):x1 + 3] = 1
    gap = max(int(char_height * 0.5), 3)
    joined = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, max(gap // 3, 1))))
    if vertical is not None:  # a word never runs across a ruling: the cells stay apart
        joined[cv2.dilate(vertical, np.ones((1, 3), np.uint8)) > 0] = 0
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out = []
    for label in range(1, n):
        x, y, w, h, _ = stats[label]
        if h < 0.45 * char_height or h > 3 * char_height or w > 40 * char_height:
            continue
        mask = (labels[y:y + h, x:x + w] == label) & (ink[y:y + h, x:x + w] > 0)
        strokes = int(mask.sum())
        if strokes < 0.02 * char_height * char_height:  # specks of noise, not a character (a 「1」 is more)
            continue
        if (covered[y:y + h, x:x + w][mask] > 0).mean() > 0.5:
            continue
        out.append([int(x), int(y), int(x + w), int(y + h)])
    return out


def absorb(pieces: list[list], marks: list[list[int]], vertical: np.ndarray) -> tuple[list[list], list[list[int]]]:
    """Marks that finish a piece: a detected box may stop inside a glyph (a 「0」 pressed against
    the ruling on its left is boxed to its middle), leaving the rest of it an uncovered mark. Read
    apart they give the glyph twice (「0」「0」), so such a mark is joined to the piece it touches on
    the same line, unless a ruling lies between them. Returns the pieces and the marks left over."""
    pieces = [list(p) for p in pieces]
    left: list[list[int]] = []
    for mark in marks:
        x0, y0, x1, y1 = mark
        for piece in pieces:
            overlap = min(y1, piece[3]) - max(y0, piece[1])
            gap = max(x0 - piece[2], piece[0] - x1)
            if overlap < 0.5 * min(y1 - y0, piece[3] - piece[1]) or gap > 2:
                continue
            a, b = min(x0, piece[0]), max(x1, piece[2])
            middle = (max(y0, piece[1]) + min(y1, piece[3])) // 2
            if vertical[max(middle - 2, 0):middle + 3, a + 3:max(b - 3, a + 3)].any():
                continue
            piece[:] = [a, min(y0, piece[1]), b, max(y1, piece[3]),
                        piece[4] and piece[0] <= x0, piece[5] and piece[2] >= x1]
            break
        else:
            left.append(mark)
    return pieces, left


def _line_chars(text: str, score: float, info, rect: list[int], scale: float) -> list[dict]:
    """The characters of one recognised piece, placed by the recogniser's columns."""
    x0, y0, x1, y1 = rect
    confs = list(getattr(info, "confs", None) or [])
    glyphs = [(i, ch) for i, ch in enumerate(text) if ch.strip()]
    if not glyphs:
        return []
    columns: list[float] = []
    total = float(getattr(info, "line_txt_len", 0) or 0)
    for word, cols in zip(getattr(info, "words", None) or [], getattr(info, "word_cols", None) or []):
        for _, col in zip(word, cols):
            columns.append(col)
    width, height = x1 - x0, y1 - y0
    if len(columns) != len(glyphs) or total <= 0:
        step = width / len(glyphs)
        columns, total = [(k + 0.5) * step for k in range(len(glyphs))], float(width)
    chars = []
    for (index, ch), col in zip(glyphs, columns):
        centre = x0 + (col + 0.5) / total * width if total != width else x0 + col
        half = (0.45 if ord(ch) > 0x2E80 else 0.28) * height
        conf = confs[index] if index < len(confs) else score
        left, right = max(centre - half, x0), min(centre + half, x1)
        chars.append({"text": ch, "x0": left * scale, "x1": right * scale, "top": y0 * scale, "bottom": y1 * scale,
                      "doctop": y0 * scale, "size": height * scale, "upright": True, "object_type": "char",
                      "confidence": round(float(conf), 4)})
    return chars


UNDERLINE_INK = 200  # an underline is a thin line, lighter than strokes once blurred: found at a looser threshold


def strip_underline(image: np.ndarray, touching: bool = False) -> np.ndarray | None:
    """The piece without the line printed under its text (Word's underline: a thin band of ink
    as wide as the text, below it), or None when it has none. Underlined numbers are read with
    less confidence, and a short underline is no ruling to erase.

    A band joined to the glyph above may be a stroke of the text (the foot of a 「2」): it is
    removed only with ``touching`` (then the band and everything under it go), and a reading of
    that image is to be trusted only where it agrees with the reading of the piece as printed."""
    grey = image[..., 0] if image.ndim == 3 else image
    ink = grey < UNDERLINE_INK
    counts = ink.sum(axis=1)
    columns = np.flatnonzero(ink.any(axis=0))
    if columns.size == 0:
        return None
    width = columns[-1] - columns[0] + 1
    full = np.flatnonzero(counts >= 0.6 * width)
    if full.size == 0:
        return None
    band = full[full >= full[-1] - 4]  # the lowest thin band
    top = band[0]
    if top < grey.shape[0] * 0.5 or np.any(np.diff(band) > 1) or not ink[:top].any():
        return None
    import cv2

    _, labels = cv2.connectedComponents(ink.astype(np.uint8), connectivity=8)
    in_band = set(np.unique(labels[band[0]:band[-1] + 1])) - {0}
    out = image.copy()
    if in_band & set(np.unique(labels[:top])):
        if not touching:
            return None
        out[top:] = 255
        return out
    if touching:
        return None
    out[band[0]:band[-1] + 1][ink[band[0]:band[-1] + 1]] = 255
    return out


def _least(chars: list[dict]) -> float:
    return min((c["confidence"] for c in chars), default=1.0)


def read_pieces(image: np.ndarray, pieces: list[list], scale: float) -> list[list[dict]]:
    """Recognise each piece of a page (see :func:`split_at_rulings`) on its own: its characters,
    each with its confidence. A piece read with doubt is read again: without the line under it,
    if it has one, and as its ink alone with a margin in proportion (a lone thin digit in a
    wide cell reads best so); the most confident reading is kept."""
    from rapidocr.ch_ppocr_rec import TextRecInput

    ocr = engine()
    crops = [crop(image, piece) for piece in pieces]
    out = ocr._load_rec_model()(TextRecInput(img=crops, return_word_box=True))
    read = []
    for k, (piece, text, score) in enumerate(zip(pieces, out.txts, out.scores)):
        info = out.word_results[k] if out.word_results and k < len(out.word_results) else None
        read.append(_line_chars(text or "", float(score), info, piece[:4], scale))
    doubtful = [k for k, found in enumerate(read) if found and _least(found) < MIN_CONFIDENCE]
    again: list[tuple[int, np.ndarray, list[int], bool]] = []  # piece, image, its box, must agree
    for k in doubtful:
        base, agree = strip_underline(crops[k]), False
        if base is None:
            base, agree = strip_underline(crops[k], touching=True), True
        if base is not None:
            again.append((k, base, pieces[k][:4], agree))
        tight = tighten(base if base is not None else crops[k], crop_origin(pieces[k]))
        if tight is not None:
            again.append((k, *tight, agree))
    if again:
        second = ocr._load_rec_model()(TextRecInput(img=[a[1] for a in again], return_word_box=True))
        first = {k: "".join(c["text"] for c in read[k]) for k in doubtful}
        for j, (k, _, rect, agree) in enumerate(again):
            info = second.word_results[j] if second.word_results and j < len(second.word_results) else None
            found = _line_chars(second.txts[j] or "", float(second.scores[j]), info, rect, scale)
            if agree and "".join(c["text"] for c in found) != first[k]:
                continue
            if found and _least(found) > _least(read[k]):
                read[k] = found
    return read


def recognise(clean: np.ndarray, vertical: np.ndarray, scale: float, warnings: list[str] | None = None,
              boxes: list | None = None) -> list[dict]:
    """Characters of a straightened page whose rulings are erased: detect text boxes, cut them
    at the rulings, add uncovered marks, and recognise every piece on its own. What cannot be
    read is said in ``warnings``; the detected text boxes (pixels) are added to ``boxes``."""
    ocr = engine()
    image = np.repeat(clean[..., None], 3, axis=2)
    detected = ocr(image, use_det=True, use_cls=False, use_rec=False)
    ink = (clean < INK).astype(np.uint8)
    rects = _rects(getattr(detected, "boxes", None))
    if boxes is not None:
        boxes.extend(rects)
    heights = sorted(y1 - y0 for _, y0, _, y1 in rects)
    char_height = float(heights[len(heights) // 2]) if heights else 0.14 * 72 / scale
    pieces = distinct([piece for rect in rects for piece in split_at_rulings(rect, vertical, ink)], ink, char_height)
    marks = uncovered_ink(ink, rects, char_height, vertical)
    if len(marks) > MAX_UNREAD_MARKS:  # a picture, a photo or heavy noise: not re-read mark by mark
        if warnings is not None:
            warnings.append(f"{len(marks)} marks of character size outside the recognised text were not read "
                            "(a picture, or a scan too poor to read)")
        marks = []
    pieces, marks = absorb(pieces, marks, vertical)
    extra = [piece for rect in marks for piece in split_at_rulings(rect, vertical, ink)]
    pieces += extra
    if not pieces:
        return []
    read = read_pieces(image, pieces, scale)
    chars: list[dict] = []
    extra_start = len(pieces) - len(extra)
    for k, piece in enumerate(pieces):
        found = read[k]
        if not found and k >= extra_start:  # a mark of character size that reads as nothing
            x0, y0, x1, y1 = piece[:4]
            found = [{"text": UNREAD, "x0": x0 * scale, "x1": x1 * scale, "top": y0 * scale, "bottom": y1 * scale,
                      "doctop": y0 * scale, "size": (y1 - y0) * scale, "upright": True, "object_type": "char",
                      "confidence": 0.0}]
        chars.extend(found)
    return chars


# ---------------------------------------------------------------- a page

def render(pdf_page, dpi: int | None = None) -> np.ndarray:
    dpi = dpi or DPI
    return pdf_page.render(scale=dpi / 72, grayscale=False).to_numpy()


def ocr_image(rgb: np.ndarray, page_number: int, width: float, height: float, dpi: int | None = None) -> OcrPage:
    """Recognise one page image (RGB pixels at ``dpi``) into an :class:`OcrPage`."""
    dpi = dpi or DPI
    grey = to_grey(rgb)
    angle = skew_angle(grey)
    grey = rotate(grey, angle)
    horizontal, vertical = ruling_masks(grey, dpi)  # found before a seal is lifted: rulings stay whole
    scale = 72 / dpi
    clean = decolour(erase(grey, (horizontal, vertical)), rotate(colour_mask(rgb), angle, fill=0))
    warnings: list[str] = []
    text: list[list[int]] = []
    chars = recognise(clean, vertical, scale, warnings, text)
    return OcrPage(page_number, width, height, chars,
                   segments(horizontal, False, scale, text) + segments(vertical, True, scale), angle, warnings)


def default_cache_dir() -> Path:
    """Where recognised pages are kept: ``$OGI_CACHE_DIR/ocr``, else the user's cache folder
    (``$XDG_CACHE_HOME/ogi/ocr``, ``~/.cache/ogi/ocr``)."""
    root = os.environ.get("OGI_CACHE_DIR")
    if root:
        return Path(root) / "ocr"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ogi" / "ocr"


def _cache_key(rgb: np.ndarray, dpi: int) -> str:
    digest = hashlib.sha256(rgb.tobytes())
    digest.update(f"{rgb.shape}|{dpi}|{OCR_VERSION}".encode())
    return digest.hexdigest()


def ocr_page(pdf_page, page_number: int, cache_dir: Path | None = None, dpi: int | None = None) -> OcrPage:
    """OCR one pdfium page at ``dpi`` (default :data:`DPI`); with ``cache_dir``, a page seen
    before is not recognised again."""
    dpi = dpi or DPI
    width, height = (float(v) for v in pdf_page.get_size())
    rgb = render(pdf_page, dpi)
    path = None
    if cache_dir is not None:
        path = Path(cache_dir) / f"{_cache_key(rgb, dpi)}.json"
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            return OcrPage(page_number, width, height, data["chars"], data["edges"], data["angle"], data["warnings"])
    page = ocr_image(rgb, page_number, width, height, dpi)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"chars": page.chars, "edges": page.edges, "angle": page.angle,
                                   "warnings": page.warnings},
                                  ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    return page


__all__ = ["DPI", "OcrPage", "default_cache_dir", "engine", "ocr_image", "ocr_page", "skew_angle"]
