"""helpers.readers.layout: space-aligned text (``pdftotext -layout``) into rows, on real lines."""

from __future__ import annotations

from helpers.readers.layout import build_layout_table, is_layout_line, is_tabular, tokenize
from helpers.readers.text import parse_text

from support import FIXTURES

RENDERINGS = FIXTURES / "renderings"


def texts(line: str) -> list[str]:
    return [t.text for t in tokenize(line)]


def test_labels_and_numbers_one_space_or_none_apart_are_separate_cells():
    # real lines of pdftotext -layout output of LibreOffice PDFs
    assert texts("三、本 （一）予以公开           1   0") == ["三、本", "（一）予以公开", "1", "0"]
    assert texts("       （三 1.属于国家 0     0") == ["（三", "1.属于国家", "0", "0"]
    assert texts("   安 全 一 稳0   0") == ["安 全 一 稳", "0", "0"]
    assert texts("三 、 本（一）予以公开              7   0") == ["三 、 本", "（一）予以公开", "7", "0"]
    assert texts("第二十条第（一）项") == ["第二十条第（一）项"]  # 「（一）」 after 第 is the caption's own
    assert texts("6805947.43 元") == ["6805947.43 元"]


def test_a_heading_is_not_a_table_line_but_a_row_one_space_apart_is():
    assert not is_layout_line("## 一、总体情况")
    assert is_layout_line("规章 1 0 11") and is_layout_line("行政许可 447228")
    assert not is_layout_line("答复），均在法定期限内予以答复。政府信息公开行政复议 351")


def test_a_narrative_page_is_not_tabular_a_table_page_is():
    narrative = "答复），均在法定期限内予以答复。政府信息公开行政复议   351\n件，其中结果维持   72 件"
    assert not is_tabular(narrative)
    assert is_tabular("行政许可          0\n行政处罚          19")
    assert is_tabular("规范性文件    0    0    0")


def _rows(lines: list[str]) -> list[list[str]]:
    table = build_layout_table([(i + 1, 1, text) for i, text in enumerate(lines) if text.strip()])
    return [[c.text for c in row.cells] for row in table.rows]


def test_numbers_on_a_line_between_the_lines_of_their_label_join_it():
    rows = _rows(["一、本年新收政府信息公开申", "                 5    0    0   0    0    0   5", "请数量",
                  "二、上年结转政府信息公开申请数量           0      0    0   0   0   0   0"])
    assert rows[0] == ["一、本年新收政府信息公开申", "5", "0", "0", "0", "0", "0", "5"]
    assert rows[1] == ["请数量"]


def test_numbers_printed_just_above_their_label_wait_for_it():
    # a blank line between rows: the numbers belong to the label under them (028, 2019)
    rows = _rows(["          信息内容                 本年新制作数量      本年新公开数量    对外公开总数量",
                  "", "                                      0             0                  0",
                  "             规章", "",
                  "                                     10              7                 7",
                  "         规范性文件"])
    assert rows[1:] == [["规章", "0", "0", "0"], ["规范性文件", "10", "7", "7"]]


def test_an_amount_wrapped_below_its_count_completes_the_row():
    rows = _rows(["  行政事业性收费              0                        0",  # the page's rows tell where numbers begin
                  "   信息内容           采购项目数量                      采购总金额",
                  "  政府集中采购               15",
                  "                                          6805947.43 元"])
    assert rows[2] == ["政府集中采购", "15", "6805947.43 元"]


def test_a_blank_marker_left_of_the_numbers_is_a_label_character():
    rows = _rows(["（   1.本机关不掌握", "               0   0   0   0   0   0   0",
                  "无              0   0   0   0   0   0   0", "    需要另行制作"])
    assert rows[-2][0] == "无" and [c for c in rows[-2][1:]] == ["0"] * 7
    table = build_layout_table([(1, 1, "无              0   0   0   0   0   0   0")])
    assert table.rows[0].cells[0].is_label and not table.rows[0].cells[0].holds_value


def test_a_whole_rendering_reads_into_one_table_block_per_table():
    doc = parse_text((RENDERINGS / "045_pingtan-shichangjianguanju_2019.layout.txt").read_text(encoding="utf-8"))
    layout_tables = [t for t in doc.tables if t.source == "layout"]
    texts_ = [c.text for t in layout_tables for r in t.rows for c in r.cells]
    assert "一、本年新收政府信息公开" in texts_ and "（七）总计" in texts_
