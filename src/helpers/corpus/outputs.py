"""The one declaration of the corpus outputs: every table ``ogi ingest`` writes, its columns,
their types and their Chinese and English labels.

The Parquet files, the DuckDB database, the Excel export and the README's data dictionary all
take their columns from here.

>>> [c.name for c in table("reports").columns][:3]
['report_id', 'file', 'input_format']
>>> table("applications").label_zh
'依申请公开办理情况（宽表）'
>>> [c.dtype for c in table("processing_fees").columns]
['string', 'int64', 'float64', 'float64']
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import schema

STRING, INT, FLOAT, BOOL, DATE = "string", "int64", "float64", "bool", "date"


@dataclass(frozen=True)
class OutputColumn:
    name: str
    dtype: str
    label_zh: str
    description: str


@dataclass(frozen=True)
class OutputTable:
    name: str
    label_zh: str
    description: str
    columns: tuple[OutputColumn, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, dtype: str, label_zh: str, description: str) -> OutputColumn:
    return OutputColumn(name, dtype, label_zh, description)


REPORT_ID = _c("report_id", STRING, "报告编号", "sha256 of the report file's bytes")
FILE = _c("file", STRING, "文件", "path of the file under the raw folder")



def _number_dtype(schema_dtype: str) -> str:
    """Counts (signed ones too) are stored as nullable integers, 万元 amounts as decimals.

    >>> _number_dtype(schema.SIGNED), _number_dtype(schema.AMOUNT_WAN)
    ('int64', 'float64')
    """
    return FLOAT if schema_dtype == schema.AMOUNT_WAN else INT


_T1_DTYPES = {c.key: _number_dtype(c.dtype) for subs in schema.T1_BY_TEMPLATE.values() for s in subs for c in s.columns}
_APPLICANT_COLUMNS = tuple(_c(col.key, _number_dtype(col.dtype), col.label,
                              f"applications from {col.key.replace('_', ' ')}") for col in schema.T2_COLUMNS)

TABLES: tuple[OutputTable, ...] = (
    OutputTable("reports", "报告", "one row per distinct report", (
        REPORT_ID, FILE,
        _c("input_format", STRING, "文件格式", "text, markdown, html, pdf, docx, xlsx, ..."),
        _c("agency_name", STRING, "机关名称", "agency name as printed"),
        _c("agency_key", STRING, "机关名称（规范化）", "normalised agency name used to match years"),
        _c("province", STRING, "省级", "province, where it can be determined"),
        _c("city", STRING, "地市级", "prefecture-level city, where it can be determined"),
        _c("county", STRING, "县级", "county-level unit, where it can be determined"),
        _c("agency_level", STRING, "机关层级", "province, city, county, township"),
        _c("agency_type", STRING, "机关类型", "government, government_office, department, subdistrict, township, zone"),
        _c("report_year", INT, "报告年度", "the year the report covers"),
        _c("template", STRING, "报告格式", "gov2019, gov2021 or legacy"),
        _c("published_date", STRING, "发布日期", "date printed on the report (ISO), if any"),
        _c("period_start", STRING, "统计期起", "first day of the period the statistics cover (ISO), when printed"),
        _c("period_end", STRING, "统计期止", "last day of the period the statistics cover (ISO), when printed"),
        _c("is_part_year", BOOL, "非全年", "the statistics cover part of the year only (e.g. 2019-09-01 to "
           "2019-12-31); null when the period is not known"),
        _c("status", STRING, "解析状态", "ok or partial"),
        _c("n_values", INT, "有值单元格数", "canonical cells holding a number"),
        _c("n_keys", INT, "单元格总数", "canonical cells of the report's format"),
        _c("n_failed_checks", INT, "未通过校验数", "identity checks that failed"),
        _c("n_warnings", INT, "警告数", "parser warnings"),
        _c("n_overrides", INT, "人工更正数", "values changed by data/overrides.csv"),
        _c("n_ocr_pages", INT, "OCR页数", "pages read by OCR (a scan); 0 when every page has a text layer"),
        _c("in_manifest", BOOL, "已登记", "the file has a row in sources.csv"),
        _c("parser_version", STRING, "解析器版本", "version of the parser that read it"),
    )),
    OutputTable("cells", "单元格（长表）", "every canonical cell of every report", (
        REPORT_ID,
        _c("key", STRING, "键", "canonical key, e.g. t2.granted.total"),
        _c("table", STRING, "表", "t1, t2, t3 or t4"),
        _c("subtable", STRING, "子表", "Table 1 sub-table (art20_1 ...)"),
        _c("row", STRING, "行", "row key"),
        _c("column", STRING, "列", "column key"),
        _c("value", FLOAT, "数值", "the number (万元 for _wan keys); null when blank or unreadable"),
        _c("raw_text", STRING, "原文", "the printed cell text; null when not printed at all"),
        _c("printed_label", STRING, "原表行名", "the row label as printed"),
        _c("unit", STRING, "单位", "unit printed or declared for amounts"),
        _c("page", INT, "页码", "page (PDF) where printed"),
        _c("line", INT, "行号", "source line (text, HTML) or row (XLSX)"),
        _c("derived", BOOL, "推算值", "not printed: forced by the report's own arithmetic (a split of 0, "
           "a row one number short whose identity leaves one reading)"),
        _c("source", STRING, "读取方式", "text (a text layer or markup), ocr (recognised from a page image) or derived"),
        _c("confidence", FLOAT, "识别置信度", "OCR: the lowest recognition confidence of the cell's characters "
           "(0-1); below 0.9 the value is left null; null when not OCR'd"),
        _c("overridden", BOOL, "已更正", "the value comes from data/overrides.csv"),
        _c("original_value", FLOAT, "原值", "the parsed value before an override"),
    )),
    OutputTable("sections", "正文", "the narrative text of each section of each report", (
        REPORT_ID,
        _c("section", STRING, "部分", "s1_overview, s2_active, s3_applications, s4_review_litigation, s5_fees (the 2023+ 信息处理费 section, when printed), s5_problems, s6_other"),
        _c("text", STRING, "正文", "the section's paragraphs (tables left out)"),
    )),
    OutputTable("checks", "校验", "every identity check of every report", (
        REPORT_ID,
        _c("id", STRING, "校验", "T2-BAL, T2-OUT, T2-ROW, T3-REV, T3-DIR, T3-AFT, DOM"),
        _c("scope", STRING, "范围", "column, row or table checked"),
        _c("status", STRING, "结果", "pass, fail or skip"),
        _c("detail", STRING, "算式", "the arithmetic"),
        _c("blank_as_zero", STRING, "空白按零", "result if blanks were read as 0 (for skipped checks)"),
    )),
    OutputTable("warnings", "警告", "parser and corpus warnings", (
        REPORT_ID, FILE,
        _c("source", STRING, "来源", "parser, manifest, duplicates, cross_year, overrides"),
        _c("message", STRING, "内容", "what was noticed"),
    )),
    OutputTable("errors", "错误", "files that could not be read as reports", (
        FILE,
        _c("sha256", STRING, "哈希", "sha256 of the file"),
        _c("input_format", STRING, "文件格式", "format by extension"),
        _c("stage", STRING, "阶段", "read, parse"),
        _c("error_type", STRING, "错误类型", "empty_file, corrupt_file, not_a_report, ..."),
        _c("message", STRING, "说明", "the cause"),
    )),
    OutputTable("duplicates", "重复", "files not kept because the same report is kept elsewhere", (
        FILE,
        _c("report_id", STRING, "报告编号", "sha256 of this file"),
        _c("kept_report_id", STRING, "保留报告编号", "the report kept instead"),
        _c("kept_file", STRING, "保留文件", "the file kept instead"),
        _c("reason", STRING, "原因", "identical bytes, or same agency and year"),
        _c("values_disagree", BOOL, "数值不一致", "the two disagree on at least one value"),
        _c("n_disagreements", INT, "不一致数", "keys whose values differ"),
        _c("detail", STRING, "说明", "the first disagreements"),
    )),
    OutputTable("cross_year_checks", "跨年度校验", "soft checks between an agency's consecutive reports", (
        _c("agency_key", STRING, "机关名称（规范化）", "agency"),
        _c("report_year", INT, "报告年度", "year checked"),
        REPORT_ID,
        _c("prev_report_id", STRING, "上年报告编号", "the previous year's report"),
        _c("id", STRING, "校验", "X-CARRY, X-INFORCE, X-ITEMS; X-DUP when a year has two reports"),
        _c("scope", STRING, "范围", "column or row checked"),
        _c("status", STRING, "结果", "pass, fail or skip"),
        _c("detail", STRING, "算式", "the numbers"),
    )),
    OutputTable("overrides_applied", "人工更正", "values changed by data/overrides.csv", (
        REPORT_ID,
        _c("key", STRING, "键", "canonical key"),
        _c("original_value", FLOAT, "原值", "value as parsed"),
        _c("value", FLOAT, "更正值", "value used"),
        _c("reason", STRING, "理由", "why"),
        _c("source", STRING, "依据", "where the correction comes from"),
    )),
    OutputTable("active_disclosure", "主动公开（宽表）", "Table 1: one row per report and row", (
        REPORT_ID,
        _c("subtable", STRING, "子表", "art20_1, art20_5, art20_6, art20_8, art20_9"),
        _c("row", STRING, "行", "regulations, normative_docs, licensing, ..."),
        *(_c(col, _T1_DTYPES[col], label, f"Table 1 column {col}") for col, label in (
            ("made_new", "本年新制作数量"), ("published_new", "本年新公开数量"), ("published_total", "对外公开总数量"),
            ("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"),
            ("items_prev_year", "上一年项目数量"), ("items_change", "本年增/减"), ("decisions", "处理决定数量"),
            ("fee_amount_wan", "本年收费金额（万元）"), ("procurement_items", "采购项目数量"),
            ("procurement_amount_wan", "采购总金额（万元）"),
        )),
    )),
    OutputTable("applications", "依申请公开办理情况（宽表）", "Table 2: one row per report and row", (
        REPORT_ID,
        _c("row", STRING, "行", "new_received, granted, denied_state_secret, ..."),
        *_APPLICANT_COLUMNS,
    )),
    OutputTable("review_litigation", "行政复议、行政诉讼（宽表）", "Table 3: one row per report", (
        REPORT_ID,
        *(_c(col.key, _number_dtype(col.dtype), col.label, f"Table 3 {col.key}") for col in schema.T3_COLUMNS),
    )),
    OutputTable("processing_fees", "信息处理费收取情况（宽表）",
                "2021-format reports from 2023 on: information-processing fees, one row per report that prints "
                "the table", (
                    REPORT_ID,
                    _c("fee_notices", INT, "通知收取件数", "requests whose applicant was notified of a fee"),
                    _c("fee_notified_amount_wan", FLOAT, "通知收取金额（万元）", "fees notified, 万元"),
                    _c("fee_collected_amount_wan", FLOAT, "实际收取金额（万元）", "fees actually collected, 万元"),
                )),
    OutputTable("fields", "数据字典", "every canonical key", (
        _c("key", STRING, "键", "canonical key"),
        _c("table", STRING, "表", "t1, t2, t3, t4"),
        _c("subtable", STRING, "子表", "Table 1 sub-table"),
        _c("row", STRING, "行", "row key"),
        _c("column", STRING, "列", "column key"),
        _c("label_zh", STRING, "中文标签", "printed label"),
        _c("dtype", STRING, "类型", "int, signed_int, decimal_wan"),
        _c("unit", STRING, "单位", "unit"),
        _c("templates", STRING, "格式", "formats that print it"),
    )),
)

_BY_NAME = {t.name: t for t in TABLES}


def table(name: str) -> OutputTable:
    return _BY_NAME[name]
