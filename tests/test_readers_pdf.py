"""PDF reader: the real 淮安 report through every backend, the document model it builds,
and the error records for broken PDFs (fixtures from tests/fixtures/pdf/make_bad_pdfs.py)."""

from __future__ import annotations

import re

import pytest

from helpers import parse_file, read_report
from helpers.document import Paragraph, Table
from helpers.errors import CORRUPT_FILE, EMPTY_FILE, ENCRYPTED, NO_TEXT_LAYER, ReportError
from helpers.readers.pdf import BACKENDS, DEFAULT_BACKEND, read_pdf
from helpers.report import analyse, file_sha256

from support import FIXTURES, RAW

HUAIAN = RAW / "real" / "044_huaian_2024.pdf"
BAD = FIXTURES / "pdf"
# a page of noise: OCR finds no text on it (scans that hold a report: tests/test_readers_ocr.py)
SCANNED_MSG = "scanned PDF: OCR found no text on its 1 page (a blank page or a picture, not a report)"
SCANNED_NO_OCR_MSG = "scanned PDF without a text layer (OCR is off: --no-ocr)"


@pytest.fixture(scope="module")
def huaian_expected(expected_fixtures) -> dict:
    return expected_fixtures["044_huaian_2024_layout"]


@pytest.fixture(scope="module")
def huaian_docs() -> dict:
    """Each backend reads the real PDF once per module (camelot lattice takes seconds)."""
    return {}


def _doc(huaian_docs, backend):
    if backend not in huaian_docs:
        huaian_docs[backend] = read_pdf(HUAIAN, backend=backend)
    return huaian_docs[backend]


def _accuracy(report, expected) -> int:
    return sum(1 for k, v in expected["values"].items() if k in report.values and report.values[k] == v)


# ---------------------------------------------------------------- end to end, default backend

def test_default_backend_is_pdfplumber():
    assert DEFAULT_BACKEND == "pdfplumber"


def test_real_pdf_parses_exactly(huaian_expected):
    report = read_report(HUAIAN)
    assert report.status == "ok"
    assert report.values == huaian_expected["values"]
    assert len(report.values) == 200
    meta = report.meta
    assert (meta["agency_name"], meta["report_year"], meta["template"], meta["published_date"]) == (
        "淮安市人民政府", 2024, "gov2021", None)
    assert meta["page_count"] == 6
    assert report.failed_checks() == []
    assert report.warnings == []


def test_values_keep_page_provenance():
    cells = read_report(HUAIAN).cells.set_index("key")
    assert cells.loc["t1.art20_1.regulations.issued", "page"] == 3
    assert cells.loc["t2.new_received.natural_person", "page"] == 4
    assert cells.loc["t2.carried_forward.total", "page"] == 5
    assert cells.loc["t3.review_total", "page"] == 5


# ---------------------------------------------------------------- every backend

@pytest.mark.parametrize("backend", ["pdfplumber", "camelot-lattice"])
def test_ruled_backends_exact(backend, huaian_docs, huaian_expected):
    report = analyse(_doc(huaian_docs, backend), str(HUAIAN), file_sha256(HUAIAN))
    assert report.status == "ok"
    assert _accuracy(report, huaian_expected) == 200
    assert report.values == huaian_expected["values"]


def test_stream_backend_is_the_weak_one(huaian_docs, huaian_expected):
    """camelot stream has no ruling lines to follow: merged header cells shift columns.
    149/200 with camelot 2.0; the floor guards against a silent collapse."""
    report = analyse(_doc(huaian_docs, "camelot-stream"), str(HUAIAN), file_sha256(HUAIAN))
    assert report.meta["agency_name"] == "淮安市人民政府"
    assert 140 <= _accuracy(report, huaian_expected) < 200


def test_unknown_backend():
    with pytest.raises(ValueError, match="unknown PDF backend"):
        read_pdf(HUAIAN, backend="ocr")


# ---------------------------------------------------------------- the document model

@pytest.mark.parametrize("backend", ["pdfplumber", "camelot-lattice"])
def test_cells_as_printed_with_spans_and_provenance(backend, huaian_docs):
    doc = _doc(huaian_docs, backend)
    assert doc.input_format == "pdf" and doc.page_count == 6
    tables = doc.tables
    # Table 1 (pages 3-4) and Table 2 (pages 4-5) each stitched into one table across the break
    assert [t.rows[0].page for t in tables] == [3, 4, 5]
    for table in tables:
        for row in table.rows:
            for cell in row.cells:
                assert cell.page == row.page and cell.bbox is not None
                x0, top, x1, bottom = cell.bbox
                assert x0 < x1 and top < bottom
    first = tables[0].rows[0].cells
    assert [(c.text, c.colspan) for c in first] == [("第二十条 第（一）项", 4)]
    licensing = next(r for r in tables[0].rows if r.texts[0] == "行政许可")
    assert [(c.text, c.colspan) for c in licensing.cells] == [("行政许可", 1), ("447228", 3)]
    t3_head = tables[2].rows[0].cells
    assert [(c.text, c.colspan) for c in t3_head] == [("行政复议", 5), ("行政诉讼", 10)]
    t3_numbers = tables[2].rows[-1].texts
    assert t3_numbers == ["72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"]
    granted = next(r for r in tables[1].rows if any(c.text == "（一）予以公开" for c in r.cells))
    assert granted.texts[-7:] == ["1288", "21", "0", "0", "50", "3", "1362"]
    assert granted.cells[0].rowspan > 1  # 「三、本年度办理结果」 merged down the rows


@pytest.mark.parametrize("backend", ["pdfplumber", "camelot-lattice"])
def test_table_split_across_pages_not_duplicated(backend, huaian_docs):
    doc = _doc(huaian_docs, backend)
    rows = [r.texts for t in doc.tables for r in t.rows]
    for label in ("一、本年新收政府信息公开申请数量", "2.没有现成信息需要另行制作", "四、结转下年度继续办理"):
        assert sum(1 for r in rows if label in r) == 1, label
    # the group label merged over rows and cut by the page break is one cell again
    group = [c for t in doc.tables for r in t.rows for c in r.cells if c.text.startswith("（四）无")]
    assert len(group) == 1 and group[0].text.replace("\n", "") == "（四）无法提供" and group[0].page == 4
    assert not any("法提供" == c.text for t in doc.tables for r in t.rows for c in r.cells)


def test_paragraphs_reading_order_and_false_tables_dropped(huaian_docs):
    doc = _doc(huaian_docs, "pdfplumber")
    pages = [b.page if isinstance(b, Paragraph) else b.rows[0].page for b in doc.blocks]
    assert pages == sorted(pages)
    texts = [b.text for b in doc.paragraphs]
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert heading in texts
    # the framed paragraphs on p1 and p3 are text, not one-column tables
    assert any(t.startswith("本报告由淮安市人民政府办公室") for t in texts)
    assert any(t.startswith("（五）政府信息公开监督保障情况") for t in texts)
    assert all(len(r.cells) > 1 or r.cells[0].colspan > 1 for t in doc.tables for r in t.rows[:1])
    assert not any(re.fullmatch(r"[-—–]\s*\d+\s*[-—–]", t) for t in texts)
    # headings precede their tables
    index = {b.text: i for i, b in enumerate(doc.blocks) if isinstance(b, Paragraph)}
    first_table = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Table))
    assert index["二、主动公开政府信息情况"] < first_table < index["三、收到和处理政府信息公开申请情况"]


# ---------------------------------------------------------------- broken PDFs

def _error(path, backend=DEFAULT_BACKEND) -> ReportError:
    with pytest.raises(ReportError) as info:
        read_pdf(path, backend=backend)
    return info.value


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name, kind", [
    ("scanned.pdf", NO_TEXT_LAYER),
    ("encrypted.pdf", ENCRYPTED),
    ("truncated.pdf", CORRUPT_FILE),
    ("garbage.pdf", CORRUPT_FILE),
])
def test_bad_pdf_error_kinds(name, kind, backend):
    assert _error(BAD / name, backend).kind == kind


def test_error_messages():
    assert _error(BAD / "scanned.pdf").message == SCANNED_MSG
    assert _error(BAD / "encrypted.pdf").message == "encrypted PDF: a password is needed to open it"
    assert "truncated" in _error(BAD / "truncated.pdf").message
    assert "not a PDF" in _error(BAD / "garbage.pdf").message


def test_truncated_real_pdf(tmp_path):
    data = HUAIAN.read_bytes()
    path = tmp_path / "044_half.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert _error(path).kind == CORRUPT_FILE


def test_empty_pdf(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert _error(path).kind == EMPTY_FILE


def test_error_records_through_parse_file():
    report = parse_file(BAD / "scanned.pdf")
    assert report.status == "error"
    assert report.error == {"type": NO_TEXT_LAYER, "message": SCANNED_MSG}
    assert parse_file(BAD / "scanned.pdf", ocr=False).error == {"type": NO_TEXT_LAYER, "message": SCANNED_NO_OCR_MSG}
    assert parse_file(BAD / "encrypted.pdf").error["type"] == ENCRYPTED


@pytest.mark.parametrize("backend", ["pdfplumber", "camelot-lattice"])
def test_copy_restricted_pdf_is_read(backend):
    """Owner password only (copying forbidden), empty user password: opens, so it is read."""
    doc = read_pdf(BAD / "copy_restricted.pdf", backend=backend)
    assert [p.text for p in doc.paragraphs] == [
        "测试市人民政府2024年政府信息公开工作年度报告", "一、总体情况", "本报告用于测试复制受限的PDF仍可读取。"]
    assert [r.texts for t in doc.tables for r in t.rows] == [
        ["信息内容", "本年制发件数", "本年废止件数"], ["规章", "1", "0"], ["行政规范性文件", "8", "26"]]


def test_copy_restricted_pdf_stream_backend_keeps_the_text():
    doc = read_pdf(BAD / "copy_restricted.pdf", backend="camelot-stream")
    assert "行政规范性文件\t8\t26" in doc.plain_text()


def test_text_layer_without_unicode_mapping_is_an_error_record(tmp_path, monkeypatch):
    """Fonts without a ToUnicode map give (cid:N) text: say so instead of 'not a report'."""
    from helpers import parse_file
    from helpers.readers import pdf as pdf_reader

    real_open = pdf_reader._open_plumber

    class CidPage:
        """The real page, but every character comes out unmapped."""

        def __init__(self, page):
            self.page = page
            self.chars = [{**c, "text": f"(cid:{100 + i})"} for i, c in enumerate(page.chars)]

        def __getattr__(self, name):
            return getattr(self.page, name)

    class CidPdf:
        def __init__(self, pdf):
            self.pdf = pdf
            self.pages = [CidPage(p) for p in pdf.pages]

        def close(self):
            self.pdf.close()

    monkeypatch.setattr(pdf_reader, "_open_plumber", lambda path, *pages: CidPdf(real_open(path, *pages)))
    report = parse_file(HUAIAN, ocr=False)  # with OCR (the default) such pages are OCR'd instead
    assert report.status == "error"
    assert report.error["type"] == "no_text_layer"
    assert "without a Unicode mapping" in report.error["message"] and "OCR is off" in report.error["message"]


def test_borderless_tables_are_read_from_the_page_layout():
    """Tables printed without ruling lines: pdfplumber finds no table, the layout text has one."""
    from helpers import read_report
    from helpers.readers.pdf import read_pdf

    path = FIXTURES / "rendered" / "050_pingtan-shichangjianguanju_2025_borderless.pdf"
    doc = read_pdf(path)
    assert {t.source for t in doc.tables} == {"pdf-layout"}
    report = read_report(path)
    assert report.status == "ok" and report.warnings == []
    assert report.values["t2.other_no_correction.total"] == 2 and report.values["t3.review_total"] == 10
    cell = report.cells.set_index("key").loc["t3.review_total"]
    assert (cell["page"], cell["raw_text"]) == (5, "10")


# ---------------------------------------------------------------- geometry (regressions on real renderings)

RENDERINGS = FIXTURES / "renderings"


def _rows_with(doc, text: str) -> list[list[str]]:
    return [r.texts for t in doc.tables for r in t.rows if any(text in c for c in r.texts)]


def test_cells_whose_borders_are_missing_are_still_cells():
    """LibreOffice exports an HTML table with borders on some cells only (027): the label cell of
    「一、本年新收…」 has no left border, the corner note none at all; both are read."""
    doc = read_pdf(RENDERINGS / "corpus" / "027_pingtan-shichangjianguanju_2024.pdf")
    assert _rows_with(doc, "一、本年新收") == [["一、本年新收政府信息公开申请\n数量", "4", "0", "0", "0", "0", "0", "4"]]
    assert _rows_with(doc, "勾稽关系")[0][0].startswith("（本列数据的勾稽关系为")
    head = _rows_with(doc, "本年制发件")[0]
    assert head == ["信息内容", "本年制发件\n数", "本年废止件\n数", "现行有效件\n数"]


def test_numbers_merged_over_rows_and_cut_by_a_page_break_are_one_cell():
    """027's （六） numbers are merged over the three sub-rows; the page break cuts the merge."""
    doc = read_pdf(RENDERINGS / "corpus" / "027_pingtan-shichangjianguanju_2024.pdf")
    row = next(r for t in doc.tables for r in t.rows if any(c.text.startswith("1.申请人无正当") for c in r.cells))
    # three sub-rows, the second cut in two by the break (its label's rest is a row of its own)
    assert [(c.text, c.rowspan) for c in row.cells[-7:]] == [("0", 4)] * 7
    report = read_report(RENDERINGS / "corpus" / "027_pingtan-shichangjianguanju_2024.pdf")
    assert report.status == "ok" and report.values["t2.other.total"] == 0


def test_underlined_text_is_not_a_ruling():
    """A report whose text is underlined (财政金融局 2023): the underlines do not cut cells."""
    doc = read_pdf(RENDERINGS / "pingtan-caizhengjinrongju_2023.pdf")
    assert _rows_with(doc, "规章") == [["规章", "0", "0", "0"]]
    assert ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"] in [
        [c.replace("\n", "").replace(" ", "") for c in r] for r in _rows_with(doc, "信息内容")]


def test_a_ruled_page_with_a_borderless_table_part_reads_both():
    """A page holding the end of a borderless Table 2 and a ruled Table 3 (农业农村局 2022)."""
    report = read_report(RENDERINGS / "pingtan-nongyenongcunju_2022.pdf")
    assert report.status == "ok"
    assert report.values["t2.other_misc.total"] == 0 and report.values["t2.carried_forward.total"] == 0


def test_a_page_with_curves_reads():
    """Chromium draws rounded boxes on whole pages: their diagonal edges have no orientation."""
    report = read_report(RENDERINGS / "pingtan-gonganju_2024.chromium.pdf")
    assert report.status == "ok" and report.meta["report_year"] == 2024


def test_text_in_a_band_above_a_table_is_cut_by_its_middle_not_its_box():
    """A row's text at the very top of a page, starting a hair above the table's top ruling
    (经济发展局 2020, page 7), is read once, inside the table."""
    doc = read_pdf(RENDERINGS / "pingtan-jingjifazhanju_2020.pdf")
    assert _rows_with(doc, "行政许可") == [["行政许可", "0", "0", "0"]]
    assert not [p for p in doc.paragraphs if p.text == "行政许可"]
