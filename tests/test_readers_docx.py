"""Word reader: cells as printed from the official 2021 template, filled real reports parse to
their exact expected values, nested/frame tables, and loud errors for bad files."""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import zipfile

import docx
import pytest

from helpers import read_report
from helpers.document import Paragraph, Table
from helpers.errors import CONVERTER_MISSING, CORRUPT_FILE, EMPTY_FILE, ReportError
from helpers.readers import docx as docx_reader
from helpers.readers import read_document
from helpers.readers.docx import read_docx, read_legacy_word

from support import FIXTURES, ROOT, assert_matches_expected

TEMPLATE = ROOT / "data" / "reference" / "gov2021-template.docx"
OFFICE = FIXTURES / "office"
DOCX_FIXTURES = {  # fixture file → expected JSON stem
    "050_pingtan-shichangjianguanju_2025.docx": "050_pingtan-shichangjianguanju_2025",
    "050_pingtan-shichangjianguanju_2025_split.docx": "050_pingtan-shichangjianguanju_2025",
    "044_huaian_2024.docx": "044_huaian_2024_layout",
}


def spans(row) -> list[tuple[str, int, int]]:
    return [(c.text, c.rowspan, c.colspan) for c in row.cells]


@pytest.fixture(scope="module")
def template_doc():
    return read_docx(TEMPLATE)


# --- the blank official template ----------------------------------------------------------


def test_template_blocks_in_reading_order(template_doc):
    kinds = [("T" if isinstance(b, Table) else b.text) for b in template_doc.blocks]
    assert kinds == ["政府信息公开工作年度报告格式模板", "一、总体情况", "（文字描述）", "二、主动公开政府信息情况", "T",
                     "三、收到和处理政府信息公开申请情况", "T", "四、政府信息公开行政复议、行政诉讼情况", "T",
                     "五、存在的主要问题及改进情况", "（文字描述）", "六、其他需要报告的事项",
                     "（文字描述，收取信息处理费情况在此处报告。）"]
    assert [t.index for t in template_doc.tables] == [0, 1, 2]


def test_template_table1_captions_and_single_value_columns(template_doc):
    t1 = template_doc.tables[0]
    assert len(t1.rows) == 14
    assert spans(t1.rows[0]) == [("第二十条第（一）项", 1, 4)]
    assert spans(t1.rows[2]) == [("规章", 1, 1), ("", 1, 1), ("", 1, 1), ("", 1, 1)]  # U+3000 fillers are blank
    assert spans(t1.rows[5]) == [("信息内容", 1, 1), ("本年处理决定数量", 1, 3)]
    assert spans(t1.rows[13]) == [("行政事业性收费", 1, 1), ("", 1, 3)]
    assert [c.x for c in t1.rows[1].cells] == [0, 1, 2, 3]


def test_template_table2_header_and_vertical_merges(template_doc):
    t2 = template_doc.tables[1]
    assert len(t2.rows) == 28
    corner, applicant = t2.rows[0].cells
    assert (corner.rowspan, corner.colspan, applicant.text, applicant.colspan) == (3, 3, "申请人情况", 7)
    assert "勾稽关系" in corner.text
    assert spans(t2.rows[1]) == [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)]
    assert [c.text for c in t2.rows[2].cells] == ["商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构", "其他"]
    assert [c.x for c in t2.rows[2].cells] == [4, 5, 6, 7, 8]
    results = t2.rows[5].cells[0]
    assert (results.text, results.rowspan) == ("三、本年度办理结果", 22)
    # （六）其他处理 spans its three sub-rows; the sub-rows print only their own label and 7 cells
    six = t2.rows[23]
    assert spans(six)[:2] == [("（六）其他处理", 3, 1),
                              ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 1, 1)]
    assert len(six.cells) == 9
    assert [c.text for c in t2.rows[24].cells][0].startswith("2.申请人逾期未按收费通知要求缴纳费用")
    assert [c.text for c in t2.rows[25].cells] == ["3.其他"] + [""] * 7
    assert [c.x for c in t2.rows[25].cells] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert spans(t2.rows[26])[0] == ("（七）总计", 1, 2)
    assert spans(t2.rows[27])[0] == ("四、结转下年度继续办理", 1, 3)


def test_template_table3_two_level_header(template_doc):
    t3 = template_doc.tables[2]
    assert spans(t3.rows[0]) == [("行政复议", 1, 5), ("行政诉讼", 1, 10)]
    assert [(c.rowspan, c.colspan) for c in t3.rows[1].cells] == [(2, 1)] * 5 + [(1, 5)] * 2
    assert [c.text for c in t3.rows[1].cells][5:] == ["未经复议直接起诉", "复议后起诉"]
    assert len(t3.rows[2].cells) == 10 and t3.rows[2].cells[0].x == 5
    assert [c.text for c in t3.rows[3].cells] == [""] * 15


# --- filled template → exact values -------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DOCX_FIXTURES))
def test_filled_template_parses_to_expected(name, expected_fixtures):
    expected = expected_fixtures[DOCX_FIXTURES[name]]
    assert_matches_expected(read_report(OFFICE / name), expected)


def test_null_values_stay_blank_cells():
    """050 prints no 规章 numbers: the filled cells are blank, not 0, and parse to null."""
    doc = read_docx(OFFICE / "050_pingtan-shichangjianguanju_2025.docx")
    assert [c.text for c in doc.tables[0].rows[2].cells] == ["规章", "", "", ""]
    assert read_report(OFFICE / "050_pingtan-shichangjianguanju_2025.docx").values["t1.art20_1.regulations.issued"] is None


def test_split_table_continuation_starts_with_orphan_merges():
    """Table 2 split by a page break: the continuation's vMerge cells have nothing above them."""
    doc = read_docx(OFFICE / "050_pingtan-shichangjianguanju_2025_split.docx")
    assert len(doc.tables) == 5  # Table 1, Table 2 in two parts, Table 3, and 050's fee table (Table 4)
    first, second = doc.tables[1], doc.tables[2]
    assert first.rows[5].cells[0].rowspan == 11  # 三、本年度办理结果 down to （四）1
    assert spans(second.rows[0])[:3] == [("", 11, 1), ("", 2, 1), ("2.没有现成信息需要另行制作", 1, 1)]
    assert second.rows[0].page == first.rows[-1].page + 1


def test_generator_reproduces_fixture(tmp_path, expected_fixtures):
    spec = importlib.util.spec_from_file_location("make_office_fixtures", OFFICE / "make_office_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = expected_fixtures["044_huaian_2024_layout"]
    out = tmp_path / "huaian.docx"
    module.fill_docx(expected, module.HUAIAN_NARRATIVE, "淮安市人民政府2024年政府信息公开工作年度报告", out)
    assert read_report(out).values == read_report(OFFICE / "044_huaian_2024.docx").values == expected["values"]


# --- structure not in the template --------------------------------------------------------


def _save(document, path):
    document.save(path)
    return path


def test_nested_table_follows_its_outer_table(tmp_path):
    document = docx.Document()
    document.add_paragraph("前言")
    outer = document.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "外A"
    outer.cell(0, 1).text = "外B"
    outer.cell(1, 0).text = "外C"
    inner = outer.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内1"
    inner.cell(0, 1).text = "内2"
    document.add_paragraph("后记")
    doc = read_docx(_save(document, tmp_path / "nested.docx"))
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Table", "Table", "Paragraph"]
    assert [r.texts for r in doc.tables[0].rows] == [["外A", "外B"], ["外C", ""]]
    assert [r.texts for r in doc.tables[1].rows] == [["内1", "内2"]]


def test_one_column_frame_table_is_read_as_body(tmp_path):
    document = docx.Document()
    frame = document.add_table(rows=1, cols=1)
    cell = frame.cell(0, 0)
    cell.paragraphs[0].text = "一、总体情况"
    inner = cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "甲"
    inner.cell(0, 1).text = "1"
    cell.add_paragraph("二、主动公开政府信息情况")
    doc = read_docx(_save(document, tmp_path / "frame.docx"))
    assert [b.text if isinstance(b, Paragraph) else b.rows[0].texts for b in doc.blocks] == [
        "一、总体情况", ["甲", "1"], "二、主动公开政府信息情况"]


def test_merges_made_by_python_docx(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(1, 1)).text = "合并"
    table.cell(0, 2).text = "右上"
    table.cell(2, 0).text = "下"
    doc = read_docx(_save(document, tmp_path / "merge.docx"))
    rows = doc.tables[0].rows
    assert spans(rows[0]) == [("合并", 2, 2), ("右上", 1, 1)]
    assert spans(rows[1]) == [("", 1, 1)]
    assert [c.x for c in rows[1].cells] == [2]
    assert spans(rows[2]) == [("下", 1, 1), ("", 1, 1), ("", 1, 1)]


# --- errors -------------------------------------------------------------------------------


def _kind(path) -> str:
    with pytest.raises(ReportError) as info:
        read_report(path)
    return info.value.kind


def test_zip_of_something_else_is_corrupt(tmp_path):
    path = tmp_path / "not_word.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert _kind(path) == CORRUPT_FILE


def test_xlsx_renamed_docx_is_corrupt(tmp_path):
    path = tmp_path / "workbook.docx"
    shutil.copy(OFFICE / "044_huaian_2024.xlsx", path)
    assert _kind(path) == CORRUPT_FILE


def test_random_bytes_docx_is_corrupt(tmp_path):
    path = tmp_path / "random.docx"
    path.write_bytes(bytes(range(256)) * 8)
    assert _kind(path) == CORRUPT_FILE


def test_broken_document_xml_is_corrupt(tmp_path):
    path = tmp_path / "broken.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    path.write_bytes(buffer.getvalue())
    assert _kind(path) == CORRUPT_FILE


def test_empty_docx_is_empty_file(tmp_path):
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    assert _kind(path) == EMPTY_FILE


def test_doc_without_libreoffice_is_converter_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(docx_reader, "find_converter", lambda: None)
    path = tmp_path / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    with pytest.raises(ReportError) as info:
        read_document(path)
    assert info.value.kind == CONVERTER_MISSING
    assert "LibreOffice" in info.value.message and "libreoffice-writer" in info.value.message
    wps = tmp_path / "report.wps"
    wps.write_bytes(path.read_bytes())
    with pytest.raises(ReportError) as info:
        read_document(wps)
    assert info.value.kind == CONVERTER_MISSING


def test_empty_doc_is_empty_file(tmp_path):
    path = tmp_path / "empty.doc"
    path.write_bytes(b"")
    assert _kind(path) == EMPTY_FILE


def test_docx_saved_as_doc_is_read_without_converter(tmp_path, monkeypatch, expected_fixtures):
    monkeypatch.setattr(docx_reader, "find_converter", lambda: None)
    path = tmp_path / "misnamed.doc"
    shutil.copy(OFFICE / "044_huaian_2024.docx", path)
    doc = read_legacy_word(path)
    assert doc.input_format == "doc"
    assert read_report(path).values == expected_fixtures["044_huaian_2024_layout"]["values"]


@pytest.mark.skipif(docx_reader.find_converter() is None, reason="LibreOffice (soffice) is not installed")
def test_doc_converted_by_libreoffice(tmp_path, expected_fixtures):
    converter = docx_reader.find_converter()
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([converter, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc",
                    "--outdir", str(tmp_path), str(OFFICE / "044_huaian_2024.docx")],
                   check=True, capture_output=True, timeout=180)
    path = tmp_path / "044_huaian_2024.doc"
    report = read_report(path)
    assert report.values == expected_fixtures["044_huaian_2024_layout"]["values"]


def test_text_box_paragraphs_follow_their_anchor(tmp_path):
    """A title in a (VML) text box is kept as a paragraph after the anchor, not glued into its text."""
    from docx.oxml import parse_xml

    document = docx.Document()
    anchor = document.add_paragraph("正文")
    box = parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>'
        '<w:p><w:r><w:t>某某局2023年政府信息公开工作年度报告</w:t></w:r></w:p>'
        '</w:txbxContent></v:textbox></v:shape></w:pict></w:r>')
    anchor._p.append(box)
    doc = read_docx(_save(document, tmp_path / "textbox.docx"))
    assert [b.text for b in doc.blocks] == ["正文", "某某局2023年政府信息公开工作年度报告"]


def test_paragraph_text_is_what_word_prints(tmp_path):
    """Runs, tabs, line breaks, symbols and hyphens are text; tab stops, deletions, field codes,
    drawings and page breaks are not; a content control inside the paragraph is looked through."""
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph()._p
    for xml in ('<w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr>',
                '<w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t><w:br w:type="page"/>'
                '<w:noBreakHyphen/><w:sym w:char="4E01"/><w:instrText>PAGE</w:instrText></w:r>',
                '<w:del><w:r><w:delText>删</w:delText><w:tab/></w:r></w:del>',
                '<w:sdt><w:sdtContent><w:r><w:t>戊</w:t></w:r></w:sdtContent></w:sdt>',
                '<w:r><w:drawing><w:t>图</w:t></w:drawing></w:r>'):
        paragraph.append(parse_xml(xml.replace(
            ">", ' xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">', 1)))
    doc = read_docx(_save(document, tmp_path / "runs.docx"))
    assert [b.text for b in doc.blocks] == ["甲\t乙\n丙-丁戊"]
    assert doc.page_count == 2
    assert docx_reader.paragraph_text(paragraph) == "甲\t乙\n丙-丁戊"


def _rewrite_template(path, change):
    """A copy of the blank template with ``change(name, data)`` applied to each part (None drops it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            data = change(item.filename, src.read(item.filename))
            if data is not None:
                dst.writestr(item.filename, data)
    path.write_bytes(buffer.getvalue())
    return path


def test_main_part_is_the_one_the_package_names(tmp_path):
    """The relationships name ``word/main.xml``; a stray ``word/document.xml`` is not the report."""
    def move_main(name, data):
        if name == "_rels/.rels":
            return data.replace(b"word/document.xml", b"word/main.xml")
        if name == "[Content_Types].xml":
            return data.replace(b"/word/document.xml", b"/word/main.xml")
        return {"word/document.xml": b"<stray/>", "word/_rels/document.xml.rels": None}.get(name, data)

    path = _rewrite_template(tmp_path / "moved.docx", move_main)
    with zipfile.ZipFile(path, "a") as zf, zipfile.ZipFile(TEMPLATE) as src:
        zf.writestr("word/main.xml", src.read("word/document.xml"))
        zf.writestr("word/_rels/main.xml.rels", src.read("word/_rels/document.xml.rels"))
    doc = read_docx(path)
    assert doc.blocks[0].text == "政府信息公开工作年度报告格式模板" and len(doc.tables) == 3


def test_only_the_main_part_is_parsed(tmp_path):
    """A damaged styles part does not hide an intact report: the reader never needs the styles."""
    path = _rewrite_template(tmp_path / "styles.docx",
                             lambda name, data: data[: len(data) // 2] if name == "word/styles.xml" else data)
    doc = read_docx(path)
    assert [len(t.rows) for t in doc.tables] == [len(t.rows) for t in read_docx(TEMPLATE).tables] == [14, 28, 4]
