"""The Excel export: headers, frozen panes, nulls, failed checks, data dictionary, cover, determinism."""

from __future__ import annotations

import duckdb
import openpyxl
import pytest

from helpers.corpus import outputs
from helpers.corpus.export import (
    COVER_SHEET,
    COVER_TITLE,
    DICTIONARY_SHEET,
    FAIL_FILL,
    export_xlsx,
    sheet_title,
)

REPORT_A, REPORT_B = "a" * 64, "b" * 64


def _create(con, name: str, rows: list[tuple], columns: list[str] | None = None) -> None:
    """Create output table ``name`` with its declared columns (or a subset) and insert ``rows``."""
    decl = [c for c in outputs.table(name).columns if columns is None or c.name in columns]
    sql_type = {"string": "VARCHAR", "int64": "BIGINT", "float64": "DOUBLE", "bool": "BOOLEAN", "date": "DATE"}
    definition = ", ".join(f'"{c.name}" {sql_type[c.dtype]}' for c in decl)
    con.execute(f"CREATE TABLE {name} ({definition})")
    if rows:
        con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(decl))})", rows)


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "ogi.duckdb"
    con = duckdb.connect(str(path))
    reports = outputs.table("reports").column_names
    _create(con, "reports", [
        (REPORT_A, "2023/a.txt", "text", "北京市某区人民政府", "某区人民政府", "北京市", None, "某区", "county",
         "government", 2023, "gov2021", "2024-01-20", "2023-01-01", "2023-12-31", False, "ok", 150, 160, 1, 0, 0, 0,
         True, "0.1"),
        (REPORT_B, "2023/b.pdf", "pdf", "某县财政局", "某县财政局", None, None, None, None, None,
         2022, "gov2021", None, "2022-07-01", "2022-12-31", True, "partial", 80, 160, 0, 2, 0, 5, False, "0.1"),
    ])
    assert len(reports) == 25
    _create(con, "checks", [
        (REPORT_A, "T2-BAL", "total", "pass", "10 = 4 + 6", None),
        (REPORT_A, "T2-OUT", "natural_person", "fail", "=5 ≠ 3 + 1", None),
        (REPORT_B, "T3-REV", "review", "skip", None, "pass"),
    ])
    n_applicant = len(outputs.table("applications").columns) - 2
    _create(con, "applications", [
        (REPORT_A, "new_received", 12.0, *([None] * (n_applicant - 2)), 30.0),
        (REPORT_A, "granted", None, 3.0, *([None] * (n_applicant - 2))),
    ])
    _create(con, "active_disclosure", [
        (REPORT_A, "art20_9", "procurement", *([None] * 10), 3.0, 12.3456),
        (REPORT_A, "art20_9", "fees", *([None] * 9), 0.5, None, None),
    ])
    _create(con, "fields", [
        ("t2.granted.total", "t2", None, "granted", "total", "予以公开", "int", None, "gov2019,gov2021"),
        ("t1.art20_9.procurement.procurement_amount_wan", "t1", "art20_9", "procurement",
         "procurement_amount_wan", "采购总金额", "decimal_wan", "万元", "gov2021"),
    ])
    con.close()
    return path


@pytest.fixture
def workbook(db_path, tmp_path):
    out = export_xlsx(db_path, tmp_path / "out" / "ogi.xlsx")
    assert out == tmp_path / "out" / "ogi.xlsx"
    return openpyxl.load_workbook(out)


def _values(ws) -> list[tuple]:
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def test_sheets_in_declared_order_cover_first_dictionary_last(workbook):
    # fields' label 数据字典 is taken by the dictionary sheet, so its sheet falls back to the English name
    assert workbook.sheetnames == [COVER_SHEET, "机关年度-新收申请", "机关年度-予以公开", "机关年度-不予公开",
                                   "机关年度-收费金额", "机关年度-采购金额", "报告", "校验", "主动公开（宽表）",
                                   "依申请公开办理情况（宽表）", "fields", DICTIONARY_SHEET]


def test_two_header_rows_bold_filled_frozen_filtered(workbook):
    ws = workbook["校验"]
    assert _values(ws)[:2] == [("报告编号", "校验", "范围", "结果", "算式", "空白按零"),
                               ("report_id", "id", "scope", "status", "detail", "blank_as_zero")]
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:F5"
    for cell in (ws["A1"], ws["F2"]):
        assert cell.font.bold and cell.fill.fill_type == "solid"
    reports = workbook["报告"]
    assert [c.value for c in reports[2]] == outputs.table("reports").column_names
    assert [c.value for c in reports[1]][:4] == ["报告编号", "文件", "文件格式", "机关名称"]
    assert reports.freeze_panes == "A3"


def test_nulls_stay_empty_and_chinese_text_survives(workbook):
    ws = workbook["依申请公开办理情况（宽表）"]
    rows = _values(ws)
    n_applicant = len(outputs.table("applications").columns) - 2
    assert rows[2] == (REPORT_A, "new_received", 12, *([None] * (n_applicant - 2)), 30)
    assert rows[3] == (REPORT_A, "granted", None, 3, *([None] * (n_applicant - 2)))
    assert ws["C4"].value is None  # null, not 0
    reports = _values(workbook["报告"])
    assert reports[2][3] == "北京市某区人民政府"
    assert reports[3][5] is None and reports[3][22] == 5 and reports[3][23] is False
    assert reports[3][13:16] == ("2022-07-01", "2022-12-31", True)


def test_number_formats_and_alignment(workbook):
    apps = workbook["依申请公开办理情况（宽表）"]
    assert apps["C3"].number_format == "0" and apps["C3"].alignment.horizontal == "right"
    active = workbook["主动公开（宽表）"]
    header = [c.value for c in active[2]]
    amount = active.cell(row=3, column=header.index("procurement_amount_wan") + 1)
    fee = active.cell(row=4, column=header.index("fee_amount_wan") + 1)
    items = active.cell(row=3, column=header.index("procurement_items") + 1)
    assert (amount.value, amount.number_format) == (12.3456, "0.0###")
    assert (fee.value, fee.number_format) == (0.5, "0.0###")
    assert (items.value, items.number_format) == (3, "0")
    assert workbook["报告"]["K3"].number_format == "0"  # report_year 2023, not 2,023.0
    assert 8 <= workbook["报告"].column_dimensions["D"].width <= 50


def test_failed_check_is_filled_red_and_formula_like_text_stays_text(workbook):
    ws = workbook["校验"]
    status = {row[3].value: row for row in ws.iter_rows(min_row=3)}
    assert status["fail"][3].fill.fgColor.rgb.endswith(FAIL_FILL.fgColor.rgb[-6:])
    assert status["fail"][3].fill.fill_type == "solid"
    assert status["fail"][5].fill.fill_type == "solid"  # the whole row, empty cells too
    assert status["pass"][3].fill.fill_type is None
    assert status["fail"][4].value == "=5 ≠ 3 + 1" and status["fail"][4].data_type == "s"


def test_data_dictionary_lists_every_column_and_the_canonical_keys(workbook):
    rows = _values(workbook[DICTIONARY_SHEET])
    assert rows[:2] == [("表", "表名", "列", "中文标签", "类型", "说明", None, None, None),
                        ("table", "table_label", "column", "label_zh", "dtype", "description", None, None, None)]
    n_columns = sum(len(t.columns) for t in outputs.TABLES)
    body = [r[:6] for r in rows[2:2 + n_columns]]
    assert body[0] == ("reports", "报告", "report_id", "报告编号", "string", "sha256 of the report file's bytes")
    assert ("checks", "校验", "status", "结果", "string", "pass, fail or skip") in body
    assert {r[0] for r in body} == {t.name for t in outputs.TABLES}
    keys = rows[2 + n_columns + 1:]
    assert keys[0][0].startswith("规范键")
    assert keys[1] == tuple(c.label_zh for c in outputs.table("fields").columns)
    assert keys[2] == tuple(outputs.table("fields").column_names)
    assert keys[3] == ("t2.granted.total", "t2", None, "granted", "total", "予以公开", "int", None, "gov2019,gov2021")
    assert len(keys) == 5
    assert workbook[DICTIONARY_SHEET].freeze_panes == "A3"


def test_cover_has_title_database_name_and_counts(workbook):
    ws = workbook[COVER_SHEET]
    assert ws["A1"].value == COVER_TITLE
    assert "ogi.duckdb" in ws["A2"].value
    rows = {r[1]: r for r in _values(ws)[6:] if r[1]}
    assert rows["reports"][:5] == ("报告", "reports", "报告", 2, 2)
    assert rows["checks"][3:5] == (3, 3)
    assert rows["fields"][0] == "fields"
    assert rows["cells"][3] is None and "not in the database" in rows["cells"][5]


def test_export_is_deterministic(db_path, tmp_path):
    first = openpyxl.load_workbook(export_xlsx(db_path, tmp_path / "one.xlsx"))
    second = openpyxl.load_workbook(export_xlsx(db_path, tmp_path / "two.xlsx"))
    assert first.sheetnames == second.sheetnames
    for name in first.sheetnames:
        assert _values(first[name]) == _values(second[name]), name


def test_tables_restricts_and_max_rows_cuts_with_a_note(db_path, tmp_path):
    wb = openpyxl.load_workbook(export_xlsx(db_path, tmp_path / "cut.xlsx", tables=["checks", "cells"], max_rows=2))
    assert wb.sheetnames == [COVER_SHEET, "校验", DICTIONARY_SHEET]
    assert len(_values(wb["校验"])) == 2 + 2
    rows = {r[1]: r for r in _values(wb[COVER_SHEET])[6:] if r[1]}
    assert rows["checks"][3:5] == (3, 2)
    assert "truncated: first 2 of 3 rows" in rows["checks"][5]
    assert {r[0] for r in _values(wb[DICTIONARY_SHEET])[2:] if r[0] in {"checks", "cells", "reports"}} == {"checks", "cells"}


def test_overwrites_atomically_and_leaves_no_temporary_file(db_path, tmp_path):
    out = tmp_path / "ogi.xlsx"
    out.write_bytes(b"old")
    export_xlsx(db_path, out, tables=["reports"])
    assert openpyxl.load_workbook(out).sheetnames == [COVER_SHEET, "报告", DICTIONARY_SHEET]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ogi.duckdb", "ogi.xlsx"]


def test_database_is_opened_read_only(db_path, tmp_path):
    con = duckdb.connect(str(db_path), read_only=True)  # a reader may hold the file while exporting
    try:
        export_xlsx(db_path, tmp_path / "ogi.xlsx", tables=["reports"])
    finally:
        con.close()


def test_bad_arguments_are_loud(db_path, tmp_path):
    with pytest.raises(ValueError, match="unknown output tables"):
        export_xlsx(db_path, tmp_path / "x.xlsx", tables=["nope"])
    with pytest.raises(ValueError, match="max_rows"):
        export_xlsx(db_path, tmp_path / "x.xlsx", max_rows=2_000_000)
    with pytest.raises(FileNotFoundError):
        export_xlsx(tmp_path / "missing.duckdb", tmp_path / "x.xlsx")


def test_sheet_titles_are_valid_and_unique():
    used: set[str] = {COVER_SHEET, DICTIONARY_SHEET}
    for table in outputs.TABLES:
        title = sheet_title(table, used)
        assert len(title) <= 31 and not set(title) & set("[]:*?/\\") and title not in used
        used.add(title)
    odd = outputs.OutputTable("odd", "很长" * 20, "", ())
    assert sheet_title(odd) == "odd"


# --- agency × year sheets ---------------------------------------------------------------


def test_agency_year_sheet_from_the_synthetic_database(workbook):
    ws = workbook["机关年度-新收申请"]
    rows = _values(ws)
    assert rows[0][0].startswith("本年新收申请（件）：按机关、年度")
    assert "一、本年新收政府信息公开申请数量 / 总计" in rows[1][0] and "单位：件" in rows[1][0]
    assert rows[3][0] == "未计入：0 份没有可识别机关名称的报告。/ Left out: 0 reports without a known agency."
    assert rows[4][0].startswith("非全年报告（黄色，单元格有批注）：某县财政局 2022（2022-07-01 至 2022-12-31）。")
    assert rows[6][:3] == ("机关 / agency", 2022, 2023)
    assert rows[7][:3] == ("北京市某区人民政府", None, 30)  # 2022: no report of this agency
    assert rows[8][:3] == ("某县财政局", None, None)  # 2022: a report without the number; 2023: no report
    assert ws["B8"].fill.fgColor.rgb.endswith("EDEDED") and ws["C9"].fill.fgColor.rgb.endswith("EDEDED")
    assert ws["B9"].fill.fgColor.rgb.endswith("FFF2CC") and "2022-07-01 至 2022-12-31" in ws["B9"].comment.text
    assert ws["C8"].number_format == "#,##0" and type(ws["C8"].value) is int
    assert ws.freeze_panes == "B8"
    cover = {r[1]: r for r in _values(workbook[COVER_SHEET])[6:] if r[1]}
    assert cover["received"][:5] == ("机关年度-新收申请", "received", "本年新收申请", 2, 2)
    assert "not in the database: no sheet" in cover["review_total"][5] and cover["review_total"][0] is None


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """The bundled reports ingested and exported; 苏平片区 2019 marked as the part-year report it is
    (「2019年9月1日至12月31日」) whether or not the parser sets the flag."""
    from helpers.corpus import ingest

    from support import RAW

    root = tmp_path_factory.mktemp("bundled")
    ingest(RAW, root / "processed", workers=2, progress=False)
    con = duckdb.connect(str(root / "processed" / "ogi.duckdb"))
    con.execute("UPDATE reports SET is_part_year = true, period_start = '2019-09-01', period_end = '2019-12-31' "
                "WHERE file = 'panel/pingtan-supingpianqu_2019.html'")
    n_no_agency = dict(con.execute(  # what agency.py cannot name is its business; the sheets must count it
        "SELECT template, count(*) FROM reports WHERE agency_key IS NULL GROUP BY template").fetchall())
    con.close()
    return openpyxl.load_workbook(export_xlsx(root / "processed" / "ogi.duckdb", root / "ogi.xlsx")), n_no_agency


def _panel(ws) -> dict[str, tuple]:
    rows = _values(ws)
    years = rows[6][1:]
    return {row[0]: dict(zip(years, row[1:])) for row in rows[7:]}


MARKET = "平潭综合实验区市场监督管理局"  # the 7 reports hand-read in tests/fixtures/expected


def test_agency_year_sheets_hold_the_hand_read_values(bundled):
    wb, _ = bundled
    assert wb.sheetnames[1:9] == ["机关年度-新收申请", "机关年度-予以公开", "机关年度-不予公开", "机关年度-行政复议",
                                  "机关年度-行政诉讼", "机关年度-收费金额", "机关年度-采购金额", "机关年度-信息处理费"]
    years = list(range(2019, 2026))
    expected = {
        "机关年度-新收申请": [1, 5, 5, 3, 1, 4, 21],
        "机关年度-予以公开": [0, 0, 3, 1, 1, 1, 1],
        "机关年度-不予公开": [0, 0, 2, 1, 0, 0, 3],
        "机关年度-行政复议": [0, 0, 0, 0, 0, 0, 10],
        "机关年度-行政诉讼": [0] * 7,
    }
    for title, values in expected.items():
        row = _panel(wb[title])[MARKET]
        assert [row[y] for y in years] == values, title
        assert all(type(row[y]) is int for y in years), title  # integers, not 3119.0
    procurement = _panel(wb["机关年度-采购金额"])
    assert list(procurement[MARKET].items()) == [(2019, 680.594743), (2020, 658.66501)]
    assert _panel(wb["机关年度-收费金额"])[MARKET] == {y: 0.0 for y in years[2:]}


def test_agency_year_sheets_leave_blanks_blank_and_count_reports_without_an_agency(bundled):
    wb, n_no_agency = bundled
    n = n_no_agency.get("gov2019", 0) + n_no_agency.get("gov2021", 0)
    assert n_no_agency.get("gov2019") == 1  # partial/016: a truncated page that names no agency
    received = wb["机关年度-新收申请"]
    assert _values(received)[3][0] == f"未计入：{n} 份没有可识别机关名称的报告。/ Left out: {n} reports without a known agency."
    assert _values(wb["机关年度-采购金额"])[3][0].endswith("Left out: 1 report without a known agency.")
    assert None not in _panel(received) and "" not in _panel(received)
    procurement = wb["机关年度-采购金额"]
    state_assets = _panel(procurement)["平潭综合实验区国有资产管理局"]
    assert state_assets == {2019: None, 2020: None}  # 2019: no report; 2020: printed nothing readable
    row = next(r for r in procurement.iter_rows(min_row=8) if r[0].value == "平潭综合实验区国有资产管理局")
    assert row[1].fill.fgColor.rgb.endswith("EDEDED") and row[2].fill.fill_type is None
    fees = wb["机关年度-信息处理费"]
    assert _values(fees)[6][1:] == (2023, 2024, 2025)
    # 050 prints Table 4 (1 notice, 800 元 notified, 0 collected); 049 and 027 do not print it
    assert _panel(fees)[MARKET] == {2023: None, 2024: None, 2025: 0.0}
    assert _panel(fees)["平潭综合实验区苏平片区管理局"] == {2023: None, 2024: 0.0, 2025: 0.0}
    assert not _values(fees)[2][0].endswith("No report prints this measure.")


def test_a_measure_no_report_prints_says_so(db_path, tmp_path):
    wb = openpyxl.load_workbook(export_xlsx(db_path, tmp_path / "x.xlsx"))
    assert _values(wb["机关年度-采购金额"])[2][0].endswith("No report prints this measure.")  # both reports are 2021-format


def test_part_year_reports_are_marked(bundled):
    wb, _ = bundled
    ws = wb["机关年度-采购金额"]
    assert _values(ws)[4][0] == ("非全年报告（黄色，单元格有批注）：平潭综合实验区苏平片区管理局 2019（2019-09-01 至 "
                                 "2019-12-31）。/ Part-year reports (yellow, with a comment): 1.")
    row = next(r for r in ws.iter_rows(min_row=8) if r[0].value == "平潭综合实验区苏平片区管理局")
    assert row[1].value == 152.2 and row[1].fill.fgColor.rgb.endswith("FFF2CC")
    assert "统计期 2019-09-01 至 2019-12-31" in row[1].comment.text
    assert row[2].comment is None


def test_wide_table_sheets_hold_integers_for_counts(bundled):
    wb, _ = bundled
    ws = wb["依申请公开办理情况（宽表）"]
    header = [c.value for c in ws[2]]
    totals = [row[header.index("total")] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert totals and all(v is None or type(v) is int for v in totals)  # 3119, not 3119.0
    assert ws.cell(row=3, column=header.index("total") + 1).number_format == "0"
    fees = wb["信息处理费收取情况（宽表）"]
    rows = sorted(tuple(c.value for c in r)[1:] for r in fees.iter_rows(min_row=3, max_col=4))
    assert rows == [(0, 0, 0), (0, 0, 0), (1, 0.08, 0)]  # 苏平片区 2024, 2025; 市场监督管理局 2025
    assert all(type(r[0]) is int for r in rows)
