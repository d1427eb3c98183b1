"""The HTML reader: real report pages parse to the hand-read values in tests/fixtures/expected;
encodings, page chrome and merged cells are handled; bad files give error records."""

from __future__ import annotations

import re

import pytest
from support import FIXTURES, RAW

from helpers import parse_file, read_report, schema
from helpers.document import Paragraph, Table
from helpers.readers import read_document
from helpers.readers.html import cell_text, decode_html, read_html

REAL = RAW / "real"
HTML_STEMS = sorted(p.stem for p in REAL.glob("*.html") if (FIXTURES / "expected" / f"{p.stem}.json").exists())
REPORT_047 = REAL / "047_pingtan-shichangjianguanju_2021.html"


def _meta(report) -> tuple:
    m = report.meta
    return m["agency_name"], m["report_year"], m["template"], m["published_date"]


def _expected_meta(expected: dict) -> tuple:
    return expected["agency_name"], expected["report_year"], expected["template"], expected["published_date"]


def test_every_real_html_report_has_expected_values():
    legacy = {"026_pingtan_2018_older"}
    assert {p.stem for p in REAL.glob("*.html")} - legacy == set(HTML_STEMS)
    assert len(HTML_STEMS) == 13


@pytest.mark.parametrize("stem", HTML_STEMS)
def test_real_html_values_exact(stem, expected_fixtures):
    expected = expected_fixtures[stem]
    report = read_report(REAL / f"{stem}.html")
    assert report.input_format == "html"
    assert report.status == "ok"
    assert report.values == expected["values"]
    assert report.derived == expected.get("derived", [])
    assert {k: type(v) for k, v in report.values.items()} == {k: type(v) for k, v in expected["values"].items()}
    assert _meta(report) == _expected_meta(expected)
    failing = [n for n in expected["notes"] if n.startswith("CHECK") and "FAILS" in n]
    if not failing:
        assert report.failed_checks() == []


def test_031_printed_zero_totals_fail_t2_row_with_arithmetic():
    report = read_report(REAL / "031_pingtan-haitanpianqu_2024.html")
    failed = {(c.id, c.scope): c.detail for c in report.failed_checks()}
    assert failed[("T2-ROW", "new_received")] == "0 != 5 + 1 + 0 + 0 + 0 + 0"
    assert failed[("T2-ROW", "total_handled")] == "0 != 5 + 1 + 0 + 0 + 0 + 0"
    assert {scope for check, scope in failed if check == "T2-ROW"} == {
        "new_received", "unavailable_not_held", "unavailable_unclear", "other_no_correction", "other_misc",
        "total_handled"}
    # the natural_person outcomes (4 + 1 + 1) exceed the printed （七）总计 5
    assert ("T2-OUT", "natural_person") in failed
    assert {check for check, _ in failed} == {"T2-ROW", "T2-OUT"}
    assert report.values["t2.new_received.total"] == 0  # a printed zero, not a blank


def test_legacy_2018_report_recognised_without_values():
    report = read_report(REAL / "026_pingtan_2018_older.html")
    assert report.status == "partial"
    assert report.meta["template"] == schema.LEGACY
    assert report.meta["report_year"] == 2018
    assert any("legacy" in w for w in report.warnings)
    assert report.values == {}
    assert report.check_records == []


def test_merged_other_group_printed_once_with_rowspan():
    doc = read_html(REPORT_047)
    t2 = next(t for t in doc.tables if any("申请人情况" in c.text for r in t.rows for c in r.cells))
    corner = t2.rows[0].cells[0]
    assert (corner.rowspan, corner.colspan) == (3, 3)
    assert corner.text.startswith("（本列数据的勾稽关系为")
    assert [(c.text, c.rowspan, c.colspan) for c in t2.rows[0].cells[1:]] == [("申请人情况", 1, 7)]
    other = next(i for i, r in enumerate(t2.rows) if r.cells[0].text == "（六）其他处理")
    row = t2.rows[other]
    assert row.cells[0].rowspan == 3
    assert row.cells[1].text.startswith("1.申请人无正当理由逾期不补正")
    assert [(c.text, c.rowspan) for c in row.cells[2:]] == [("0", 3)] * 7
    # covered positions are not repeated: the next two rows print only their label
    assert [c.text for c in t2.rows[other + 1].cells] == ["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"]
    assert [c.text for c in t2.rows[other + 2].cells] == ["3.其他"]
    assert row.line == 773 and row.cells[0].line is not None


def test_reading_order_and_headings_are_own_paragraphs():
    doc = read_html(REPORT_047)
    assert doc.input_format == "html" and doc.encoding == "utf-8"
    kinds = ["T" if isinstance(b, Table) else b.text for b in doc.blocks
             if isinstance(b, Table) or re.match(r"^[一二三四五六]、", b.text)]
    assert kinds[:8] == ["一、总体情况", "二、主动公开政府信息情况", "T", "三、收到和处理政府信息公开申请情况", "T",
                         "四、政府信息公开行政复议、行政诉讼情况", "T", "五、存在的主要问题及改进情况"]
    assert all(p.line is not None for p in doc.paragraphs)
    assert all(not re.search(r"\s{2,}|\u3000|\xa0", p.text) for p in doc.paragraphs)


def test_multiline_header_cells_keep_line_breaks():
    doc = read_html(REAL / "022_pingtan_2021.html")
    t3 = doc.tables[2]
    assert t3.rows[1].cells[0].text == "结\n果\n维\n持"
    assert t3.rows[1].cells[0].rowspan == 2
    assert [c.text for c in t3.rows[3].cells] == ["1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0",
                                                  "0"]


def test_gbk_copies_give_identical_values(tmp_path):
    text = REPORT_047.read_text(encoding="utf-8")
    baseline = read_report(REPORT_047)
    declared = tmp_path / "047_gbk_declared.html"
    declared.write_bytes(('<meta charset="gbk">\n' + text).encode("gbk"))
    undeclared = tmp_path / "047_gbk.html"
    undeclared.write_bytes(text.encode("gbk"))
    http_equiv = tmp_path / "047_gb2312.html"
    http_equiv.write_bytes(('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">\n' + text).encode("gbk"))
    for path in (declared, undeclared, http_equiv):
        report = read_report(path)
        assert report.meta["encoding"] == "gb18030"
        assert report.status == "ok"
        assert report.values == baseline.values
        assert _meta(report) == _meta(baseline)


def test_wrong_declared_charset_falls_back_to_detection(tmp_path):
    text = REPORT_047.read_text(encoding="utf-8")
    path = tmp_path / "047_says_gbk.html"
    path.write_bytes(('<meta charset="gbk">\n' + text).encode("utf-8"))
    assert decode_html(path.read_bytes(), str(path))[1] == "utf-8"
    assert read_report(path).values == read_report(REPORT_047).values
    bom = tmp_path / "047_bom.html"
    bom.write_bytes(b"\xef\xbb\xbf" + ('<meta charset="gbk">\n' + text).encode("utf-8"))
    report = read_report(bom)
    assert report.meta["encoding"] == "utf-8-sig"
    assert report.values == read_report(REPORT_047).values


SITE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>平潭综合实验区市场监督管理局2021年度政府信息公开工作年度报告_平潭综合实验区政府门户网站</title>
<script>var nav = "一、总体情况";</script><style>.nav {{ color: red }}</style></head>
<body>
<div class="header"><div class="logo">平潭综合实验区党工委管委会</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/hd">互动交流</a></li></ul></div>
<div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; 政府信息公开年度报告</div>
<div class="main">
<div class="sidebar"><ul><li><a>2020年度政府信息公开工作年度报告</a></li><li><a>法定主动公开内容</a></li></ul></div>
<div class="article">
<h1 class="article_title">平潭综合实验区市场监督管理局2021年度政府信息公开工作年度报告</h1>
<div class="info">发布时间：2022-01-07 来源：市场监管局 浏览次数：1024</div>
{fragment}
</div></div>
<div class="footer"><p>主办单位：平潭综合实验区党工委管委会办公室</p><p>2023年3月1日</p>
<p>闽ICP备12345678号</p></div>
</body></html>"""


def test_full_site_page_gives_identical_values(tmp_path):
    fragment = REPORT_047.read_text(encoding="utf-8")
    page = tmp_path / "047_site_page.html"
    page.write_text(SITE_PAGE.format(fragment=fragment), encoding="utf-8")
    baseline = read_report(REPORT_047)
    report = read_report(page)
    assert report.status == "ok"
    assert report.values == baseline.values
    assert _meta(report) == _meta(baseline)
    doc = read_html(page)
    first = doc.blocks[0]
    assert isinstance(first, Paragraph) and first.text == "平潭综合实验区市场监督管理局2021年度政府信息公开工作年度报告"
    texts = doc.plain_text()
    for chrome in ("首页", "主办单位", "闽ICP备", "当前位置", "var nav", "浏览次数"):
        assert chrome not in texts


def test_title_from_title_element_when_no_heading(tmp_path):
    fragment = (REAL / "022_pingtan_2021.html").read_text(encoding="utf-8")
    page = tmp_path / "022_page.html"
    page.write_text("<html><head><title>平潭综合实验区2021年度政府信息公开工作年度报告 - 平潭门户</title></head>"
                    f"<body><nav><a>首页</a></nav><div id='content'>{fragment}</div></body></html>", encoding="utf-8")
    doc = read_html(page)
    assert doc.blocks[0].text == "平潭综合实验区2021年度政府信息公开工作年度报告"
    report = read_report(page)
    assert report.values == read_report(REAL / "022_pingtan_2021.html").values
    assert (report.meta["title"], report.meta["report_year_source"]) == (doc.blocks[0].text, "title")


def test_layout_tables_are_walked_into(tmp_path):
    fragment = REPORT_047.read_text(encoding="utf-8")
    page = tmp_path / "047_layout.html"
    page.write_text("<html><body><table width='100%'><tr><td class='menu'><a>首页</a></td><td>"
                    f"<table><tr><td>{fragment}</td></tr></table></td></tr></table></body></html>", encoding="utf-8")
    baseline = read_report(REPORT_047)
    report = read_report(page)
    assert report.values == baseline.values
    assert _meta(report) == _meta(baseline)
    assert len(read_html(page).tables) == len(read_html(REPORT_047).tables)


def test_nav_only_page_is_not_a_report(tmp_path):
    page = tmp_path / "nav_only.html"
    page.write_text("""<html><head><meta charset="utf-8"><title>政府信息公开年度报告_平潭</title></head><body>
<nav><ul><li><a>首页</a></li><li><a>政府信息公开</a></li><li><a>政府信息公开年度报告</a></li></ul></nav>
<div class="list"><ul><li><a>平潭综合实验区2021年度政府信息公开工作年度报告</a></li>
<li><a>平潭综合实验区2020年度政府信息公开工作年度报告</a></li></ul></div>
<table><tr><td>首页</td><td>上一页</td><td>下一页</td></tr></table>
<footer>版权所有 平潭综合实验区</footer></body></html>""", encoding="utf-8")
    report = parse_file(page)
    assert report.status == "error"
    assert report.error["type"] == "not_a_report"
    assert report.input_format == "html"


@pytest.mark.parametrize("content, kind", [
    (b"", "empty_file"),
    (b"   \n\t  ", "empty_file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary_file"),
    (b"<html><body></body></html>", "not_a_report"),
    (b"<!-- only a comment -->", "not_a_report"),
    (b"<html><body><p>\xff\xfe\xfa\xfb\xfc not text \x80\x81</p></body></html>", "undecodable_text"),
])
def test_bad_files_give_error_records(tmp_path, content, kind):
    path = tmp_path / "bad.html"
    path.write_bytes(content)
    report = parse_file(path)
    assert report.status == "error"
    assert report.error["type"] == kind


def test_word_html_cells_and_invalid_spans(tmp_path):
    path = tmp_path / "cells.html"
    path.write_text("""<?xml version="1.0" encoding="utf-8"?>
<html xmlns:o="urn:schemas-microsoft-com:office:office"><body>
<p class=MsoNormal><span style='mso-bidi-font-size:10.5pt'>一、总体情况<o:p></o:p></span></p>
<p>第一段<br>第二段</p>
<table>
<thead><tr><th rowspan="abc" colspan="0">信息&nbsp;内容</th><th colspan="3">本年处理决定数量</th></tr></thead>
<tbody><tr><td><p class=MsoNormal><span>结果</span><o:p></o:p></p><p>维持</p></td>
<td colspan="3 "><span style='mso-spacerun:yes'>1</span><span>2</span>\u3000</td></tr>
<tr><td></td><td>&nbsp;</td></tr></tbody></table>
</body></html>""", encoding="utf-8")
    doc = read_document(path)
    assert [b.text for b in doc.paragraphs] == ["一、总体情况", "第一段", "第二段"]
    rows = doc.tables[0].rows
    assert [(c.text, c.rowspan, c.colspan) for c in rows[0].cells] == [("信息 内容", 1, 1), ("本年处理决定数量", 1, 3)]
    assert [(c.text, c.colspan) for c in rows[1].cells] == [("结果\n维持", 1), ("12", 3)]
    assert [c.text for c in rows[2].cells] == ["", ""]
    assert rows[0].line == 6 and rows[1].cells[1].line == 8


def test_cell_text_doctest_examples():
    from lxml import html as lxml_html
    cell = lxml_html.fragment_fromstring("<td>商业<br/>企业</td>")
    assert cell_text(cell) == "商业\n企业"


def test_headings_with_the_half_width_comma_locate_the_report():
    # The locator reads only elements whose text holds an enumeration comma; 「､」 (U+FF64)
    # is one too, since NFKC makes it 「、」.
    from helpers.readers.html import locate_report, parse_html

    page = ("<html><body><div id='nav'><p>首页</p><p>政务公开</p></div><div id='article'>"
            "<p><span>一､</span>总体情况</p><p>正文</p><p>二､主动公开政府信息情况</p><p>正文</p>"
            "<h3>三､收到和处理政府信息公开申请情况</h3></div><div id='footer'>闽ICP备</div></body></html>")
    assert locate_report(parse_html(page)).get("id") == "article"
    assert locate_report(parse_html(page.replace("､", "，"))) is None


def _data_tables(page: str) -> list:
    from helpers.readers.html import is_layout_table, parse_html

    return [t for t in parse_html(page).iter("table") if not is_layout_table(t)]


def test_tables_read_in_c_equal_the_python_walk_on_every_bundled_page():
    # data_table_rows reads a table in one libxslt pass; data_table_rows_walked is the Python
    # reference. Every cell's text, line and spans, and every row's line, must be the same.
    from helpers.readers.html import data_table_rows, data_table_rows_walked

    pages = sorted([*REAL.glob("*.html"), *(RAW / "panel").glob("*.html")])
    tables = [t for p in pages for t in _data_tables(decode_html(p.read_bytes(), str(p))[0])]
    assert len(pages) == 64 and len(tables) == 191
    assert all(data_table_rows(t) == data_table_rows_walked(t) for t in tables)


CELL_SHAPES = """<html><body><table>
<tr><td>a<br>b</td><td><p>x</p><p>y</p></td><td>\u200b1\u00a02\u3000</td><td rowspan=" 2x" colspan="0">
 多
 行 </td></tr>
<tr><td><p>甲<script>var x = "<td>";</script>乙</p><!-- 注释 -->丙</td><td><span>1</span><span>2</span></td>
<td><table><tr><td>内</td><td>表</td></tr></table></td><td>  </td></tr>
<tr><th>标题</th><td><div><p>一</p>二</div></td><td>&#xE001;</td><td>\ue000</td></tr>
</table></body></html>"""


def test_tables_read_in_c_handle_every_cell_shape():
    from helpers.readers.html import data_table_rows, data_table_rows_walked, parse_html

    table = next(parse_html(CELL_SHAPES).iter("table"))  # it holds a table, but read it as data
    rows = data_table_rows(table)
    assert rows == data_table_rows_walked(table)
    assert [[(c.text, c.line, c.rowspan, c.colspan) for c in r.cells] for r in rows] == [
        [("a\nb", 2, 1, 1), ("x\ny", 2, 1, 1), ("1 2", 2, 1, 1), ("多 行", 2, 2, 1)],
        [("甲乙\n丙", 5, 1, 1), ("12", 5, 1, 1), ("内\n表", 6, 1, 1), ("", 6, 1, 1)],
        [("标题", 7, 1, 1), ("一\n二", 7, 1, 1), ("\ue001", 7, 1, 1), ("\ue000", 7, 1, 1)],
    ]
    assert [r.line for r in rows] == [2, 5, 7]


def test_a_page_using_the_c_readers_marker_characters_is_read_in_python(monkeypatch):
    # The private-use characters that mark fields in the C pass can come from the page itself
    # (literally or as character references); the counts catch it and Python reads the table.
    from helpers.readers import html

    table = next(html.parse_html(CELL_SHAPES).iter("table"))
    walked = []
    monkeypatch.setattr(html, "data_table_rows_walked", lambda t: walked.append(t) or [])
    assert html.data_table_rows(table) == [] and walked == [table]
    clean = next(html.parse_html(CELL_SHAPES.replace("&#xE001;", "").replace("\ue000", "")).iter("table"))
    assert html.data_table_rows(clean) and len(walked) == 1
