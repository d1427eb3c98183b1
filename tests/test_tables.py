"""helpers.tables: locating the statistical tables and reading their rows, on rows cut from real
reports' extractions (a scan's OCR layout text, a LibreOffice PDF's borderless layout, the
平潭 panel's 信息处理费收取情况 table)."""

from __future__ import annotations

from helpers.document import Cell, Document, Paragraph, Table, TableRow
from helpers.tables.labels import resolve_t2
from helpers.tables.locate import table_regions
from helpers.tables.model import RegionRow
from helpers.tables.t2 import parse_t2
from helpers.tables.t3 import parse_t3
from helpers.tables.t4 import parse_t4


def _row(texts: list[str], line: int, page: int = 1) -> TableRow:
    return TableRow([Cell(t, line, page) for t in texts], line, page)


def _regions(blocks: list) -> dict[str, list[RegionRow]]:
    doc = Document("t.pdf", "pdf", blocks=blocks)
    return table_regions(doc, {})


def test_a_caption_spread_over_columns_opens_table_1():
    """平潭交通与建设局 2022, a scan read as layout text: the caption's spacing put 「第二十条第」,
    「（一）」 and 「项」 in columns of their own."""
    table = Table([_row(["二、", "主动公开政府信息情况"], 9), _row(["第二十条第", "（一）", "项"], 13),
                   _row(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], 16),
                   _row(["规章", "0", "0", "0"], 19), _row(["行政规范性文件", "4", "0", "16"], 22)])
    regions = _regions([table])
    assert [r.cells[0].text for r in regions["t1"]] == ["第二十条第", "信息内容", "规章", "行政规范性文件"]


def test_a_line_of_numbers_only_is_a_row_of_cells():
    """平潭交通与建设局 2022 (LibreOffice PDF): Table 3's fifteen numbers came out as one line of
    text below its header."""
    blocks = [Paragraph("四、政府信息公开行政复议、行政诉讼情况", 34, 10),
              Table([_row(["行政复议", "行政诉讼"], 37, 10)]),
              Paragraph(" ".join(["0"] * 14 + ["3"]), 40, 11)]
    regions = _regions(blocks)
    result = parse_t3(regions["t3"])
    assert result.cells["t3.lit_after_review_total"].value == 3
    assert [result.cells[k].value for k in result.cells][:14] == [0] * 14


def _t2(rows: list[TableRow]) -> tuple:
    result = parse_t2([RegionRow(r.cells, table_index=0) for r in rows])
    return result, {k: v.value for k, v in result.cells.items()}


HEADER = ["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def test_a_row_cut_by_a_page_break_is_completed_by_its_last_number():
    """平潭交通与建设局 2024: 「2.申请人逾」 and six numbers end page 6; the rest of the label and
    the total (0) begin page 7."""
    rows = [_row(HEADER, 1, 6),
            _row(["（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                  "0", "0", "0", "0", "0", "0", "0"], 2, 6),
            _row(["2.申请人逾", "0", "0", "0", "0", "0", "1", ""], 3, 6),
            _row(["期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "", "", "", "", "", "", "1"], 1, 7),
            _row(["3.其他", "0", "0", "0", "0", "0", "0", "0"], 2, 7)]
    result, values = _t2(rows)
    assert values["t2.other_fee_unpaid.total"] == 1 and values["t2.other_fee_unpaid.org_other"] == 1
    assert not any("printed twice" in w for w in result.warnings)


def test_a_total_set_lower_than_its_row_in_layout_text_joins_it():
    """平潭交通与建设局 2022 (layout text): the total of 「行政机关不再处…」 is printed three lines
    lower, beside the label's next line."""
    rows = [_row(HEADER, 1, 10), _row(["2.申请人逾期未按收费通知要求缴纳费用、"], 15, 10),
            _row(["行政机关不再处", "0", "0", "0", "0", "0", "0", ""], 16, 10),
            _row(["理其政府信息公", "", "", "", "", "", "", "0"], 19, 10), _row(["开申请"], 21, 10),
            _row(["3.其他", "0", "0", "0", "0", "0", "0", "0"], 24, 10)]
    _, values = _t2(rows)
    assert values["t2.other_fee_unpaid.total"] == 0


def test_numbers_under_numbers_already_read_are_not_a_continuation():
    rows = [_row(HEADER, 1, 6), _row(["2.申请人逾期未按收费通知要求缴纳费用", "0", "0", "0", "0", "0", "1", "1"], 3, 6),
            _row(["期未按收费通知要求缴纳费用", "", "", "", "", "", "", "5"], 1, 7)]
    result, values = _t2(rows)
    assert values["t2.other_fee_unpaid.total"] == 1
    assert any("5" in w for w in result.warnings)  # not read, and said so


def test_a_continuation_that_leaves_a_blank_is_not_joined():
    """Two parts are one row only when together they fill it."""
    rows = [_row(HEADER, 1, 6), _row(["2.申请人逾", "0", "0", "0", "0", "", "1", ""], 3, 6),
            _row(["期未按收费通知要求缴纳费用", "", "", "", "", "", "", "1"], 1, 7)]
    _, values = _t2(rows)
    assert values["t2.other_fee_unpaid.total"] is None


def test_a_label_with_a_misread_character_or_number_still_names_its_row():
    """Labels as OCR read them on scans of Chromium prints (平潭财政金融局 2024, 社会事业局 2022):
    「末」 for 「未」 in a label's first lines, 「二、」 for 「一、」 before a whole label."""
    assert resolve_t2("2.申请\n人逾期末\n按收费通\n知要求缴\n纳费用、").key == "other_fee_unpaid"
    assert resolve_t2("二、本年新收政府信息公开申请数\n量").key == "new_received"
    assert resolve_t2("一、本年新收政府信息公开申请数量").key == "new_received"
    # 平潭交通与建设局 2022: 「四、」 read as 「9、」, a number of another level
    assert resolve_t2("9、结转下年度继续办理").key == "carried_forward"


def test_a_short_label_under_another_number_names_no_row():
    assert resolve_t2("4.其他") is None  # 「3.其他」 is too short to be known by its text alone
    assert resolve_t2("2.申请") is not None and resolve_t2("2.申末") is None


def test_a_group_label_run_into_its_first_row_label_is_split():
    """平潭苏平片区 2025, scan of a Chromium print: the pale ruling between 「三、本年度办理结果」 and
    「（一）予以公开」 was lost, so the group's first line and the row's label came as one cell."""
    rows = [_row(HEADER, 1, 4), _row(["一、本年新收政府信息公开申请数量", "3", "0", "0", "0", "0", "0", "3"], 2, 4),
            _row(["三、本年（一）予以公开", "1", "0", "0", "0", "0", "0", "1"], 3, 4),
            _row(["度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "2", "0", "0", "0", "0", "0", "2"],
                 4, 4),
            _row(["（四）2.没有现成信无法提息需要另行制供 作", "0", "0", "0", "0", "0", "4", "4"], 5, 4)]
    result, values = _t2(rows)
    assert values["t2.granted.natural_person"] == 1 and values["t2.granted.total"] == 1
    assert values["t2.partially_granted.total"] == 2
    assert values["t2.unavailable_needs_creation.org_other"] == 4  # 「（四）」 sets the group of 「2.」
    assert not any("no recognised row label" in w for w in result.warnings)



# --- Table 4: 信息处理费收取情况 (report-format.md §12) ------------------------------------

FEE_HEADER = ["", "通知收取件数", "通知收取金额（元）", "实际收取金额（元）"]


def _t4_values(blocks: list) -> tuple:
    result = parse_t4(_regions(blocks)["t4"])
    return result, {k: v.value for k, v in result.cells.items()}


def test_fee_table_printed_in_section_six_is_table_4_in_wan():
    """050 (市场监督管理局 2025): the table sits under 「六、其他需要报告的事项」 with no heading of
    its own; 800 元 is 0.08 万元, and the raw text and unit are kept."""
    blocks = [Paragraph("六、其他需要报告的事项", 109), Table([_row(FEE_HEADER, 111), _row(["信息处理费收取情况", "1", "800", "0"], 112)]),
              Paragraph("根据《条例》及相关规定，我局依申请提供政府信息，不向申请人收取任何费用。", 114)]
    result, values = _t4_values(blocks)
    assert result.found and result.warnings == []
    assert values == {"t4.fee_notices": 1, "t4.fee_notified_amount_wan": 0.08, "t4.fee_collected_amount_wan": 0.0}
    cell = result.cells["t4.fee_notified_amount_wan"]
    assert (cell.raw, cell.unit, cell.line) == ("800", "元", 112)


def test_fee_table_with_wrapped_header_and_label_in_layout_text():
    """苏平片区 2024 (pdftotext -layout): 「通知收取」/「件数」, 「通知收取金」/「额（元）」, and the row
    label 「信息处理费收取情」 / 「况」 around its numbers; the heading sits inside the table block."""
    table = Table([_row(["0"] * 15, 265, 11), _row(["五、信息处理费收取情况"], 268, 11),
                   _row(["通知收取", "通知收取金", "实际收取"], 271, 11), _row(["件数", "额（元）", "金额（元）"], 273, 11),
                   _row(["信息处理费收取情", "2", "200", "100"], 274, 11)])
    result, values = _t4_values([table, Paragraph("况", 276, 12), Paragraph("六、存在的主要问题和改进情况", 278, 12)])
    assert values == {"t4.fee_notices": 2, "t4.fee_notified_amount_wan": 0.02, "t4.fee_collected_amount_wan": 0.01}
    assert result.warnings == []


def test_fee_numbers_on_a_line_between_the_halves_of_the_label():
    """苏平片区 2025 (layout text): 「信息处理费收取」, then 「0 0 0」 on a line of its own, then 「情况」."""
    blocks = [Paragraph("五、信息处理费收取情况", 277), Paragraph("通知收取 通知收取金 实际收取", 280),
              Paragraph("件数 额（元） 金额（元）", 282), Paragraph("信息处理费收取", 284), Paragraph("0 0 0", 285),
              Paragraph("情况", 286)]
    result, values = _t4_values(blocks)
    assert values == {"t4.fee_notices": 0, "t4.fee_notified_amount_wan": 0.0, "t4.fee_collected_amount_wan": 0.0}


def test_fee_amounts_follow_the_unit_the_header_prints_and_blank_stays_null():
    table = Table([_row(["", "通知收取件数", "通知收取金额（万元）", "实际收取金额（万元）"], 1),
                   _row(["信息处理费收取情况", "3", "0.12", ""], 2)])
    result, values = _t4_values([table])
    assert values == {"t4.fee_notices": 3, "t4.fee_notified_amount_wan": 0.12, "t4.fee_collected_amount_wan": None}
    assert result.cells["t4.fee_collected_amount_wan"].raw == ""  # printed blank: null, not 0


def test_no_fee_table_no_table_4():
    """Sentences about the fees are no table (022: 「2021年，无收取信息处理费情况。」)."""
    blocks = [Paragraph("六、其他需要报告的事项", 1), Paragraph("2022年，无收取信息处理费情况。", 2),
              Paragraph("通知收取信息处理费0件，实际收取0元。", 3), Paragraph("（一）信息处理费收取情况", 4)]
    result, values = _t4_values(blocks)
    assert not result.found and values == {}
