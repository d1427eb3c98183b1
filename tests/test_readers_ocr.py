"""OCR of scanned PDFs (readers/ocr.py and its use in readers/pdf.py): real reports printed,
scanned back (turned, toned, noised, blurred, JPEG, red seal; ``scripts/make_scans.py``) and read
into exactly the values of their HTML twins, with per-value confidence, and honest records
for what cannot be read.

The OCR'd pages are cached for the whole session (``OGI_CACHE_DIR``, set in conftest), so each
scan is recognised once.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from helpers import parse_file
from helpers.document import MIN_CONFIDENCE, Cell
from helpers.errors import NO_TEXT_LAYER
from helpers.readers import ocr
from helpers.readers import read_document
from helpers.report import analyse

from support import FIXTURES, ROOT as REPO

SCANS = FIXTURES / "scans"
with (SCANS / "MANIFEST.csv").open(encoding="utf-8", newline="") as _handle:
    SCAN_ROWS = list(csv.DictReader(_handle))


@pytest.fixture(scope="module")
def scanned() -> dict[str, tuple]:
    """Each committed scan and its HTML twin, parsed once."""
    return {row["file"]: (parse_file(SCANS / row["file"]), parse_file(REPO / row["twin"]), row) for row in SCAN_ROWS}


@pytest.mark.parametrize("name", [row["file"] for row in SCAN_ROWS])
def test_scan_reads_exactly_as_its_html_twin(scanned, name):
    report, twin, row = scanned[name]
    assert twin.status == "ok"
    assert report.status == "ok", report.warnings
    assert report.values == twin.values
    assert report.meta["report_year"] == twin.meta["report_year"]
    assert report.meta["template"] == twin.meta["template"]
    assert report.meta["ocr_pages"] == list(range(1, int(row["pages"]) + 1))


@pytest.mark.parametrize("name", [row["file"] for row in SCAN_ROWS])
def test_every_ocr_value_carries_its_source_and_confidence(scanned, name):
    report, _, _ = scanned[name]
    cells = report.cells
    printed = cells[cells["raw_text"].notna() & (cells["raw_text"].str.strip() != "")]
    assert set(printed["source"]) == {"ocr"}
    assert printed["confidence"].notna().all()
    assert (printed["confidence"] >= MIN_CONFIDENCE).all() and (printed["confidence"] <= 1).all()
    assert (printed["page"] >= 1).all()
    record = report.to_json()
    assert set(record["ocr_confidence"]) == set(printed["key"])


def test_scan_without_ocr_is_a_no_text_layer_record():
    report = parse_file(SCANS / SCAN_ROWS[0]["file"], ocr=False)
    assert report.status == "error"
    assert report.error == {"type": NO_TEXT_LAYER,
                            "message": "scanned PDF without a text layer (OCR is off: --no-ocr)"}


def _image_pdf(path, images: list[Image.Image]) -> None:
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=150)


def test_blank_scan_is_a_clear_error(tmp_path):
    path = tmp_path / "blank.pdf"
    _image_pdf(path, [Image.new("RGB", (1240, 1754), (236, 232, 222))])
    report = parse_file(path)
    assert report.status == "error"
    assert report.error["type"] == NO_TEXT_LAYER
    assert "OCR found no text on its 1 page" in report.error["message"]


def test_photo_is_a_clear_error_not_a_crash(tmp_path):
    """A picture (shapes and blotches, no writing) is not a report."""
    rng = np.random.default_rng(3)
    image = Image.new("RGB", (1240, 1754), (200, 210, 190))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.integers(0, 1200, 2)
        size = int(rng.integers(20, 300))
        draw.ellipse((x, y, x + size, y + size), fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    path = tmp_path / "photo.pdf"
    _image_pdf(path, [image])
    report = parse_file(path)
    assert report.status == "error"
    assert report.error["type"] in (NO_TEXT_LAYER, "not_a_report")


def test_only_the_scanned_pages_of_a_mixed_pdf_are_ocrd(tmp_path):
    """Text pages from the LibreOffice PDF, the last two pages from its scan: one report."""
    row = next(r for r in SCAN_ROWS if r["file"].startswith("023_"))
    text_pdf = pdfium.PdfDocument(FIXTURES / "renderings" / "023_pingtan_2022.pdf")
    scan_pdf = pdfium.PdfDocument(SCANS / row["file"])
    n = len(text_pdf)
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(text_pdf, list(range(n - 2)))
    mixed.import_pages(scan_pdf, [n - 2, n - 1])
    path = tmp_path / "mixed.pdf"
    mixed.save(str(path))
    report = parse_file(path)
    twin = parse_file(REPO / row["twin"])
    assert report.meta["ocr_pages"] == [n - 1, n]
    assert report.values == twin.values
    assert report.status == "ok"
    cells = report.cells
    t3 = cells[cells["table"] == "t3"]  # Table 3 is on the last page: OCR'd
    assert set(t3["source"]) == {"ocr"}
    t1 = cells[(cells["table"] == "t1") & cells["raw_text"].notna()]
    assert set(t1["source"]) == {"text"} and t1["confidence"].isna().all()


# ---------------------------------------------------------------- confidence and checks

@pytest.fixture()
def twin_doc():
    row = next(r for r in SCAN_ROWS if r["file"].startswith("023_"))
    return read_document(REPO / row["twin"])


def _cell(doc, text_label: str, column: int) -> Cell:
    for table in doc.tables:
        for row in table.rows:
            if any(text_label in c.text for c in row.cells):
                return row.cells[column]
    raise AssertionError(text_label)


def test_low_confidence_value_is_null_with_a_warning(twin_doc):
    cell = _cell(twin_doc, "（七）总计", -1)
    cell.confidence = 0.62
    report = analyse(twin_doc, "t.pdf", "0")
    assert report.values["t2.total_handled.total"] is None
    assert report.status == "partial"
    assert any(w.startswith("t2.total_handled.total: OCR read 「75」 with confidence 0.62") for w in report.warnings)
    record = next(r for r in report.cell_records if r.key == "t2.total_handled.total")
    assert record.raw == "75" and record.confidence == 0.62 and record.source == "ocr"
    # the row's identity cannot be checked without it: skipped, not failed
    assert {c.status for c in report.check_records if c.id == "T2-ROW" and c.scope == "total_handled"} == {"skip"}


def test_confident_ocr_value_is_kept(twin_doc):
    for table in twin_doc.tables:
        for row in table.rows:
            for cell in row.cells:
                cell.confidence = 0.99
    report = analyse(twin_doc, "t.pdf", "0")
    assert report.status == "ok"
    assert report.values["t2.total_handled.total"] == 75


def test_failing_check_on_ocr_pages_makes_the_report_partial(twin_doc):
    twin_doc.ocr_pages = [1, 2, 3, 4, 5]
    _cell(twin_doc, "（七）总计", -1).text = "76"  # a misread the arithmetic catches
    report = analyse(twin_doc, "t.pdf", "0")
    assert report.status == "partial"
    assert [c.scope for c in report.failed_checks() if c.id == "T2-ROW"] == ["total_handled"]
    assert any(w.startswith("OCR: checks fail (") and "T2-ROW:total_handled" in w for w in report.warnings)


# ---------------------------------------------------------------- image processing

def _page_image() -> np.ndarray:
    pdf = pdfium.PdfDocument(FIXTURES / "renderings" / "023_pingtan_2022.pdf")
    return ocr.to_grey(ocr.render(pdf[3]))


@pytest.mark.parametrize("angle", [-1.4, -0.6, 0.0, 0.9, 1.5])
def test_skew_is_measured(angle):
    grey = _page_image()
    turned = ocr.rotate(grey, -angle)
    assert ocr.skew_angle(turned) == pytest.approx(angle, abs=0.15)


def test_red_seal_is_lifted_and_print_under_it_stays():
    rgb = np.zeros((14, 10, 3), np.uint8)
    rgb[:] = (238, 234, 224)  # toned paper
    rgb[2:4] = (200, 30, 40)  # seal ink
    rgb[6:8] = (20, 20, 20)  # print
    rgb[10:12] = (16, 3, 3)  # print under the seal (the stamp's ink multiplies with it)
    clean = ocr.decolour(ocr.to_grey(rgb), ocr.colour_mask(rgb))
    assert clean[0, 0] == 255 and clean[3, 0] == 255
    assert clean[7, 0] < 40 and clean[11, 0] < 40


def test_underline_is_stripped_but_not_a_stroke_of_the_text():
    zero = np.full((40, 30), 255, np.uint8)
    zero[5:28, 8:10] = 0
    zero[5:28, 20:22] = 0
    zero[5:7, 8:22] = 0
    zero[26:28, 8:22] = 0
    underlined = zero.copy()
    underlined[32:34, 6:24] = 0  # a gap, then a line as wide as the text
    stripped = ocr.strip_underline(underlined)
    assert stripped is not None and (stripped[32:34] == 255).all() and (stripped[:30] == underlined[:30]).all()
    assert ocr.strip_underline(zero) is None  # its own bottom stroke is not an underline
    two = np.full((40, 30), 255, np.uint8)
    two[5:7, 8:22] = 0
    for k in range(20):  # the diagonal running into the foot
        two[8 + k, 21 - k // 2: 23 - k // 2] = 0
    two[28:30, 6:24] = 0
    assert ocr.strip_underline(two) is None


PIECES = SCANS / "pieces"  # cut from held-out scans by scripts/cut_ocr_pieces.py


def _piece(name: str) -> tuple[np.ndarray, list]:
    """A piece image as a page of its own (three channels, as the recogniser takes it), and the
    piece's box on that page (the crop's margin of 3 pixels inside it)."""
    grey = np.asarray(Image.open(PIECES / name).convert("L"))
    h, w = grey.shape
    return np.repeat(grey[..., None], 3, axis=2), [3, 3, w - 3, h - 3, False, False]


def _first_reading(image: np.ndarray, piece: list) -> tuple[str, float]:
    from rapidocr.ch_ppocr_rec import TextRecInput

    out = ocr.engine()._load_rec_model()(TextRecInput(img=[ocr.crop(image, piece)], return_word_box=True))
    return out.txts[0], min(out.word_results[0].confs)


def test_doubtful_thin_digit_is_read_again_alone():
    """A lone underlined 「7」 in a wide cell: the first reading says 「1」 with doubt; read again
    as its ink alone, it is a certain 「7」."""
    image, piece = _piece("seven_underlined.png")
    text, confidence = _first_reading(image, piece)
    assert text == "1" and confidence < MIN_CONFIDENCE
    [chars] = ocr.read_pieces(image, [piece], 72 / 200)
    assert "".join(c["text"] for c in chars) == "7"
    assert min(c["confidence"] for c in chars) >= MIN_CONFIDENCE


def test_underline_touching_a_digit_is_cut_off_when_the_reading_agrees():
    image, piece = _piece("zero_touching_underline.png")
    text, confidence = _first_reading(image, piece)
    assert text == "0" and confidence < MIN_CONFIDENCE
    assert ocr.strip_underline(ocr.crop(image, piece)) is None  # joined to the glyph
    [chars] = ocr.read_pieces(image, [piece], 72 / 200)
    assert [c["text"] for c in chars] == ["0"] and chars[0]["confidence"] >= MIN_CONFIDENCE


def test_a_cut_off_reading_that_disagrees_is_not_taken(monkeypatch):
    """With the line under a glyph cut off, the foot of a 「2」 goes too: that reading counts only
    where it agrees with the first."""
    two = np.full((40, 30), 255, np.uint8)
    two[5:7, 8:22] = 0
    for k in range(20):
        two[8 + k, 21 - k // 2: 23 - k // 2] = 0
    two[28:30, 6:24] = 0
    cut = ocr.strip_underline(two, touching=True)
    assert cut is not None and (cut[28:] == 255).all() and (cut[:28] == two[:28]).all()
    image = np.repeat(np.pad(two, 3, constant_values=255)[..., None], 3, axis=2)
    readings = iter([("2", 0.6), ("7", 0.99), ("7", 0.99)])  # first reading, the cut one, its ink alone

    def recogniser(inp):
        found = [next(readings) for _ in inp.img]
        words = [type("W", (), {"confs": [score], "words": [], "word_cols": [], "line_txt_len": 0})()
                 for _, score in found]
        return type("Rec", (), {"txts": [t for t, _ in found], "scores": [s for _, s in found],
                                "word_results": words})()

    monkeypatch.setattr(ocr, "engine", lambda: type("E", (), {"_load_rec_model": lambda self: recogniser})())
    [chars] = ocr.read_pieces(image, [[3, 3, 33, 43, False, False]], 1.0)
    assert [(c["text"], c["confidence"]) for c in chars] == [("2", 0.6)]


def test_pale_hairline_rulings_are_found():
    """Table 3's row of numbers on a scan whose vertical rulings are hairlines scanned pale
    (about 230 on white): all sixteen are found across the row."""
    grey = np.asarray(Image.open(PIECES / "faint_rulings.png").convert("L"))
    _, vertical = ocr.ruling_masks(grey, 200)
    row = vertical[95:170]  # the row of numbers, between the horizontal rulings at rows 84 and 178
    columns = np.flatnonzero(row.sum(axis=0) > 0.5 * row.shape[0] * 255)
    rulings = np.split(columns, np.flatnonzero(np.diff(columns) > 3) + 1)
    assert len(rulings) == 16


def _band(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A band of a straightened scan: its horizontal and vertical ruling masks and the grey image."""
    grey = np.asarray(Image.open(PIECES / name).convert("L"))
    horizontal, vertical = ocr.ruling_masks(grey, 200)
    return horizontal, vertical, grey


def test_a_label_box_reaching_over_the_next_cells_zero_reads_no_digit():
    """平潭 2022, scan of a Chromium print, Table 2: the text box of a two-line label reached past
    its ruling over the top of the next cell's 「0」; that corner was read as 「1」 (0.94, so the
    cell said 「1」「0」). A sliver cut at a ruling whose ink lies in other pieces is not read."""
    horizontal, vertical, grey = _band("label_box_over_a_zero.png")
    chars = ocr.recognise(ocr.erase(grey, (horizontal, vertical)), vertical, 1.0)
    digits = [c for c in chars if c["text"].isdigit()]
    assert {c["text"] for c in digits} == {"0"} and len(digits) == 9


def test_the_rest_of_a_glyph_a_text_box_cut_off_joins_its_piece():
    """自然资源与生态环境局 2023, scan of a Chromium print (page 5, pixels): the label's text box
    stops 8 pixels into the 「0」 pressed against the ruling on its right; the rest of the 「0」 is
    ink no box covers. It joins the piece it finishes, so the cell reads one 「0」, not two. A mark
    beyond a ruling stays apart."""
    vertical = np.zeros((400, 1000), np.uint8)
    vertical[:, 866:868] = 255
    pieces = [[386, 277, 527, 329, False, True], [527, 277, 867, 329, True, True], [867, 277, 875, 329, True, False]]
    joined, left = ocr.absorb(pieces, [[869, 301, 890, 340]], vertical)
    assert joined[2] == [867, 277, 890, 340, True, False] and left == []
    assert joined[:2] == pieces[:2]
    joined, left = ocr.absorb(pieces[:2], [[869, 301, 890, 340]], vertical)  # across the ruling from 「另」
    assert joined == pieces[:2] and left == [[869, 301, 890, 340]]


def test_rulings_found_and_erased():
    grey = np.full((400, 600), 250, np.uint8)
    grey[100:102, 50:550] = 0  # a horizontal ruling
    grey[50:350, 300:302] = 0  # a vertical one
    grey[120:150, 100:115] = 0  # a character-sized mark
    horizontal, vertical = ocr.ruling_masks(grey, 200)
    edges = ocr.segments(horizontal, False, 72 / 200) + ocr.segments(vertical, True, 72 / 200)
    assert sorted(e["orientation"] for e in edges) == ["h", "v"]
    clean = ocr.erase(grey, (horizontal, vertical))
    assert clean[101, 200] == 255 and clean[200, 301] == 255
    assert clean[130, 105] == 0  # the mark stays


def test_text_box_is_cut_at_rulings():
    vertical = np.zeros((100, 300), np.uint8)
    vertical[:, 150:152] = 255
    ink = np.zeros((100, 300), np.uint8)
    ink[40:60, 100:110] = 1
    ink[40:60, 190:200] = 1
    assert ocr.split_at_rulings([90, 30, 210, 70], vertical, ink) == [
        [90, 30, 150, 70, False, True], [150, 30, 210, 70, True, False]]
    assert ocr.distinct([[0, 0, 100, 50, False, False], [95, 0, 115, 50, True, False]]) == [
        [0, 0, 100, 50, False, False], [95, 0, 115, 50, True, False]]
    assert ocr.distinct([[0, 0, 100, 50, False, False], [80, 0, 100, 50, True, False]]) == [
        [0, 0, 100, 50, False, False]]


def test_unrecognised_mark_becomes_an_unread_character(monkeypatch):
    """A mark the recogniser reads as nothing is kept as 「\ufffd」 with confidence 0, so the cell
    holding it is never taken for blank."""
    clean = np.full((200, 400), 255, np.uint8)
    clean[80:120, 200:225] = 0  # one blot, character-sized, that no detector box covers

    class Engine:
        def __call__(self, image, **kwargs):
            return type("Detected", (), {"boxes": None})()

        def _load_rec_model(self):
            return lambda inp: type("Rec", (), {"txts": ("",) * len(inp.img), "scores": (0.0,) * len(inp.img),
                                                 "word_results": None})()

    monkeypatch.setattr(ocr, "engine", lambda: Engine())
    chars = ocr.recognise(clean, np.zeros_like(clean), 72 / 200)
    assert [(c["text"], c["confidence"]) for c in chars] == [(ocr.UNREAD, 0.0)]


def test_recognised_pages_are_cached(tmp_path, monkeypatch):
    pdf = pdfium.PdfDocument(SCANS / SCAN_ROWS[0]["file"])
    first = ocr.ocr_page(pdf[4], 5, tmp_path)
    assert first.chars and list(tmp_path.glob("*.json"))
    monkeypatch.setattr(ocr, "ocr_image", lambda *a, **k: pytest.fail("recognised twice"))
    again = ocr.ocr_page(pdf[4], 5, tmp_path)
    assert again.chars == first.chars and again.edges == first.edges and again.angle == first.angle


def test_models_ship_with_the_package():
    """Nothing is downloaded: the detection and recognition models are files of the package."""
    import rapidocr

    from pathlib import Path

    models = Path(rapidocr.__file__).parent / "models"
    names = {p.name for p in models.glob("*.onnx")}
    assert any("det" in n for n in names) and any("rec" in n for n in names)


# ---------------------------------------------------------------- command line

def _ogi(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "helpers.cli", *args], capture_output=True, text=True, cwd=REPO)


def test_cli_parse_json_and_no_ocr():
    path = str(SCANS / SCAN_ROWS[0]["file"])
    done = _ogi("parse", "--json", path)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["status"] == "ok" and record["meta"]["ocr_pages"] == [1, 2, 3, 4, 5]
    assert record["ocr_confidence"] and min(record["ocr_confidence"].values()) >= MIN_CONFIDENCE
    off = _ogi("parse", "--json", "--no-ocr", path)
    assert off.returncode == 1
    assert json.loads(off.stdout)["error"]["type"] == NO_TEXT_LAYER



def test_ingest_records_ocr_source_and_confidence_and_no_ocr_is_cached_apart(tmp_path, scanned):
    import duckdb
    import pandas as pd

    from helpers.corpus import ingest

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    name = SCAN_ROWS[0]["file"]
    (raw / name).write_bytes((SCANS / name).read_bytes())
    # the pages were recognised for this session already: ingest's own OCR cache starts with them
    shutil.copytree(ocr.default_cache_dir(), out / ".cache" / "ocr")
    ingest(raw, out, workers=1, progress=False)
    cells = pd.read_parquet(out / "cells.parquet")
    printed = cells[cells["raw_text"].fillna("").str.strip() != ""]
    assert set(printed["source"]) == {"ocr"} and (printed["confidence"] >= MIN_CONFIDENCE).all()
    reports = pd.read_parquet(out / "reports.parquet")
    assert reports["status"].tolist() == ["ok"] and reports["n_ocr_pages"].tolist() == [5]
    with duckdb.connect(str(out / "ogi.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM cells WHERE source = 'ocr'").fetchone()[0] == len(printed)
    summary = ingest(raw, out, workers=1, progress=False, ocr=False)
    assert summary.n_parsed == 1  # not the cached OCR result
    errors = pd.read_parquet(out / "errors.parquet")
    assert errors["error_type"].tolist() == [NO_TEXT_LAYER]
    back = ingest(raw, out, workers=1, progress=False)  # with OCR again: the cached result, nothing parsed
    assert not back.up_to_date and back.n_parsed == 0 and back.n_errors == 0


def test_which_pages_are_ocrd():
    from helpers.readers.pdf import _needs_ocr

    assert _needs_ocr(0, 0, True)  # an image and no text: a scan
    assert not _needs_ocr(0, 0, False)  # a blank page
    assert _needs_ocr(10, 5, False)  # most characters without a Unicode mapping
    assert not _needs_ocr(10, 1, False)  # a text layer
