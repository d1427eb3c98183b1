"""Excel reader: merged ranges as printed, number formatting, narrative rows as paragraphs,
the filled-template workbooks parse to their exact expected values, and bad files fail loudly."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import Workbook

from helpers import read_report, schema
from helpers.document import Paragraph, Table
from helpers.errors import CORRUPT_FILE, EMPTY_FILE, ReportError
from helpers.readers.xlsx import format_value, read_xlsx

from support import FIXTURES, assert_matches_expected

OFFICE = FIXTURES / "office"
XLSX_FIXTURES = {
    "050_pingtan-shichangjianguanju_2025.xlsx": "050_pingtan-shichangjianguanju_2025",
    "044_huaian_2024.xlsx": "044_huaian_2024_layout",  # every count stored as a float (3001.0)
}


def spans(row) -> list[tuple[str, int, int]]:
    return [(c.text, c.rowspan, c.colspan) for c in row.cells]


@pytest.mark.parametrize("name", sorted(XLSX_FIXTURES))
def test_workbook_parses_to_expected(name, expected_fixtures):
    expected = expected_fixtures[XLSX_FIXTURES[name]]
    assert_matches_expected(read_report(OFFICE / name), expected)


def test_workbook_blocks_and_merged_cells():
    doc = read_xlsx(OFFICE / "044_huaian_2024.xlsx")
    paragraphs = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paragraphs[:2] == ["年度报告", "淮安市人民政府2024年政府信息公开工作年度报告"]
    assert "三、收到和处理政府信息公开申请情况" in paragraphs
    t1, t2, t3 = doc.tables
    assert spans(t1.rows[0]) == [("第二十条第（一）项", 1, 4)]
    assert spans(t1.rows[-1]) == [("行政事业性收费", 1, 1), ("96171.6", 1, 3)]
    assert [(c.line, c.x) for c in t1.rows[-1].cells] == [(t1.rows[-1].line, 1.0), (t1.rows[-1].line, 2.0)]
    assert (t2.rows[0].cells[0].rowspan, t2.rows[0].cells[0].colspan) == (3, 3)
    assert spans(t2.rows[1]) == [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)]
    assert len(t2.rows[2].cells) == 5
    assert [c.text for c in t2.rows[3].cells] == ["一、本年新收政府信息公开申请数量", "3001", "53", "0", "0", "61", "4", "3119"]
    assert spans(t2.rows[5])[0] == ("三、本年度办理结果", 22, 1)
    assert spans(t2.rows[23])[0] == ("（六）其他处理", 3, 1)
    assert len(t2.rows[24].cells) == 8  # covered label columns left out
    assert [(c.rowspan, c.colspan) for c in t3.rows[1].cells] == [(2, 1)] * 5 + [(1, 5)] * 2
    assert len(t3.rows[-1].cells) == 15


def test_blank_values_stay_blank_cells():
    doc = read_xlsx(OFFICE / "050_pingtan-shichangjianguanju_2025.xlsx")
    assert [c.text for c in doc.tables[0].rows[2].cells] == ["规章", "", "", ""]


def test_format_value():
    assert [format_value(v) for v in (123.0, 0.0, 96171.6, 680.594743, 12, "  规章 ", None)] == [
        "123", "0", "96171.6", "680.594743", "12", "规章", ""]


def test_narrative_and_heading_rows_become_paragraphs(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    ws.append(["某某局2023年政府信息公开工作年度报告"])
    ws.append(["三、收到和处理政府信息公开申请情况"])
    ws.append(["一、本年新收政府信息公开申请数量", 1, 2])
    ws.append(["二、上年结转政府信息公开申请数量"])  # a row left blank: stays in the table
    ws.append(["（七）总计", 3, 4])
    ws.append(["本年度共收到申请3件。"])
    ws.append(["某某局"])
    path = tmp_path / "small.xlsx"
    wb.save(path)
    doc = read_xlsx(path)
    assert [b.text if isinstance(b, Paragraph) else [r.texts for r in b.rows] for b in doc.blocks] == [
        "表", "某某局2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
        [["一、本年新收政府信息公开申请数量", "1", "2"], ["二、上年结转政府信息公开申请数量", "", ""], ["（七）总计", "3", "4"]],
        "本年度共收到申请3件。", "某某局"]
    assert all(isinstance(t, Table) and t.source == "xlsx" for t in doc.tables)


def test_each_sheet_in_order(tmp_path):
    wb = Workbook()
    wb.active.title = "一"
    wb.active.append(["a", "b"])
    wb.create_sheet("二").append(["c", "d"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    doc = read_xlsx(path)
    assert [b.text if isinstance(b, Paragraph) else b.rows[0].texts for b in doc.blocks] == ["一", ["a", "b"], "二", ["c", "d"]]


# --- errors -------------------------------------------------------------------------------


def _kind(path) -> str:
    with pytest.raises(ReportError) as info:
        read_report(path)
    return info.value.kind


def test_random_bytes_xlsx_is_corrupt(tmp_path):
    path = tmp_path / "random.xlsx"
    path.write_bytes(bytes(range(256)) * 4)
    assert _kind(path) == CORRUPT_FILE


def test_truncated_xlsx_is_corrupt(tmp_path):
    path = tmp_path / "truncated.xlsx"
    data = (OFFICE / "044_huaian_2024.xlsx").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert _kind(path) == CORRUPT_FILE


def test_zip_without_workbook_is_corrupt(tmp_path):
    path = tmp_path / "not_excel.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    assert _kind(path) == CORRUPT_FILE


def test_docx_renamed_xlsx_is_corrupt(tmp_path):
    path = tmp_path / "word.xlsx"
    path.write_bytes((OFFICE / "044_huaian_2024.docx").read_bytes())
    assert _kind(path) == CORRUPT_FILE


def test_legacy_xls_bytes_is_corrupt(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    with pytest.raises(ReportError) as info:
        read_report(path)
    assert info.value.kind == CORRUPT_FILE and "OLE" in info.value.message


def test_empty_xlsx_is_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert _kind(path) == EMPTY_FILE


def test_headings_after_the_fee_section_are_paragraphs_not_table_rows():
    """苏平片区 2024 in LibreOffice Calc: 「五、信息处理费收取情况」 and the renumbered
    「六、存在的主要问题和改进情况」 are headings, so the sections and Table 4 are found."""
    path = FIXTURES / "renderings" / "pingtan-supingpianqu_2024.xlsx"
    paragraphs = [b.text for b in read_xlsx(path).blocks if isinstance(b, Paragraph)]
    assert {"五、信息处理费收取情况", "六、存在的主要问题和改进情况"} <= set(paragraphs)
    report = read_report(path)
    assert report.meta["sections_found"][-2:] == ["s5_fees", "s5_problems"]
    assert report.sections["s5_problems"].startswith("（一）存在的主要问题")
    assert [report.values[k] for k in schema.optional_keys(schema.GOV2021)] == [0, 0.0, 0.0]
