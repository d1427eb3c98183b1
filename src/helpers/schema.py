"""The one declaration of the report tables, their canonical keys and Chinese labels.

Both official formats are declared here (国办公开办函〔2019〕60号 → ``gov2019``,
国办公开办函〔2021〕30号 → ``gov2021``), following ``report-format.md`` §3–§7.
No other module spells a key or a label: they ask this module.

Cell keys follow the scheme ``t1.<subtable>.<row>.<col>``, ``t2.<row>.<col>``,
``t3.<col>`` and ``t4.<col>``. Table 4 (信息处理费收取情况, ``report-format.md`` §12) is
printed by some 2021-format reports only: its keys are *optional* (:func:`optional_keys`), in a
report's values only when it prints the table, and never counted as missing.

>>> field("t2.granted.total").label_zh
'（一）予以公开 / 总计'
>>> len(template_keys("gov2019")), len(template_keys("gov2021")), optional_keys("gov2021")
(198, 200, ('t4.fee_notices', 't4.fee_notified_amount_wan', 't4.fee_collected_amount_wan'))
"""

from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from functools import lru_cache

GOV2019 = "gov2019"
GOV2021 = "gov2021"
LEGACY = "legacy"
TEMPLATES = (GOV2019, GOV2021)

COUNT = "int"
SIGNED = "signed_int"
AMOUNT_WAN = "decimal_wan"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    variants: tuple[str, ...] = ()
    dtype: str = COUNT
    unit: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    number: str | None = None  # printed ordinal: "一", "（一）" level or "1"
    level: int = 0  # 1 = 一、 2 = （一） 3 = 1.
    group: str | None = None  # key of the spanning group label
    variants: tuple[str, ...] = ()
    is_group: bool = False  # a label only: no numbers are printed on it

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


@dataclass(frozen=True)
class SubTable:
    key: str
    article_item: str  # the 第二十条 item numeral, e.g. "一"
    caption: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Field:
    """One data cell of a template, with everything needed to explain it."""

    key: str
    table: str
    subtable: str | None
    row: str | None
    column: str
    label_zh: str
    dtype: str
    unit: str | None
    templates: tuple[str, ...] = dc_field(default=())


# --- Table 1: 主动公开政府信息情况 -------------------------------------------------

_T1_INFO_HEADER = "信息内容"

_COLS_ITEMS_2019 = (
    Column("items_prev_year", "上一年项目数量"),
    Column("items_change", "本年增/减", ("本年增减", "本年增（减）"), dtype=SIGNED),
    Column("decisions", "处理决定数量"),
)
_COL_DECISIONS_2021 = Column("decisions", "本年处理决定数量")

T1_2019 = (
    SubTable(
        "art20_1", "一", "第二十条第（一）项",
        (Row("regulations", "规章"), Row("normative_docs", "规范性文件")),
        (
            Column("made_new", "本年新制作数量"),
            Column("published_new", "本年新公开数量"),
            Column("published_total", "对外公开总数量"),
        ),
    ),
    SubTable(
        "art20_5", "五", "第二十条第（五）项",
        (Row("licensing", "行政许可"), Row("other_admin_services", "其他对外管理服务事项")),
        _COLS_ITEMS_2019,
    ),
    SubTable(
        "art20_6", "六", "第二十条第（六）项",
        (Row("penalty", "行政处罚"), Row("coercion", "行政强制")),
        _COLS_ITEMS_2019,
    ),
    SubTable(
        "art20_8", "八", "第二十条第（八）项",
        (Row("admin_fees", "行政事业性收费"),),
        _COLS_ITEMS_2019[:2],
    ),
    SubTable(
        "art20_9", "九", "第二十条第（九）项",
        (Row("central_procurement", "政府集中采购"),),
        (
            Column("procurement_items", "采购项目数量"),
            Column("procurement_amount_wan", "采购总金额", dtype=AMOUNT_WAN, unit="万元"),
        ),
    ),
)

T1_2021 = (
    SubTable(
        "art20_1", "一", "第二十条第（一）项",
        (
            Row("regulations", "规章"),
            Row("normative_docs", "行政规范性文件", variants=("规范性文件",)),
        ),
        (
            Column("issued", "本年制发件数"),
            Column("repealed", "本年废止件数"),
            Column("in_force", "现行有效件数", ("先行有效件数", "现行有效件数（历史累计）")),
        ),
    ),
    SubTable("art20_5", "五", "第二十条第（五）项", (Row("licensing", "行政许可"),), (_COL_DECISIONS_2021,)),
    SubTable(
        "art20_6", "六", "第二十条第（六）项",
        (Row("penalty", "行政处罚"), Row("coercion", "行政强制")),
        (_COL_DECISIONS_2021,),
    ),
    SubTable(
        "art20_8", "八", "第二十条第（八）项",
        (Row("admin_fees", "行政事业性收费"),),
        (Column("fee_amount_wan", "本年收费金额（单位：万元）", ("本年收费金额",), dtype=AMOUNT_WAN, unit="万元"),),
    ),
)

T1_BY_TEMPLATE = {GOV2019: T1_2019, GOV2021: T1_2021}
T1_INFO_HEADER = _T1_INFO_HEADER

# --- Table 2: 收到和处理政府信息公开申请情况 ------------------------------------------

T2_CORNER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T2_HEADER_LABELS = ("申请人情况", "法人或其他组织")
# Fragments of the corner note that survive any punctuation or spacing (and 「钩稽」 typos).
T2_CORNER_MARKERS = ("勾稽关系", "本列数据")

T2_COLUMNS = (
    Column("natural_person", "自然人"),
    Column("org_commercial", "商业企业"),
    Column("org_research", "科研机构"),
    Column("org_public_welfare", "社会公益组织"),
    Column("org_legal_service", "法律服务机构"),
    Column("org_other", "其他"),
    Column("total", "总计"),
)

_RESULTS = "results"
_DENIED = "denied"
_UNAVAIL = "unavailable"
_REJECTED = "rejected"
_OTHER_GROUP = "other_group"

_T2_HEAD = (
    Row("new_received", "一、本年新收政府信息公开申请数量", "一", 1),
    Row("carried_over", "二、上年结转政府信息公开申请数量", "二", 1),
    Row(_RESULTS, "三、本年度办理结果", "三", 1, is_group=True),
    Row("granted", "（一）予以公开", "一", 2, _RESULTS),
    Row(
        "partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "二", 2, _RESULTS,
        variants=("（二）部分公开（区分处理的，只计这一情况，不计其他情形）", "（二）部分公开"),
    ),
    Row(_DENIED, "（三）不予公开", "三", 2, _RESULTS, is_group=True),
    Row("denied_state_secret", "1.属于国家秘密", "1", 3, _DENIED),
    Row("denied_prohibited_by_law", "2.其他法律行政法规禁止公开", "2", 3, _DENIED, ("2.其他法律法规禁止公开",)),
    Row("denied_security_stability", "3.危及“三安全一稳定”", "3", 3, _DENIED),
    Row("denied_third_party", "4.保护第三方合法权益", "4", 3, _DENIED),
    Row("denied_internal_affairs", "5.属于三类内部事务信息", "5", 3, _DENIED, ("5.属于三类内容事务信息",)),
    Row("denied_process_info", "6.属于四类过程性信息", "6", 3, _DENIED),
    Row("denied_enforcement_file", "7.属于行政执法案卷", "7", 3, _DENIED),
    Row("denied_admin_query", "8.属于行政查询事项", "8", 3, _DENIED),
    Row(_UNAVAIL, "（四）无法提供", "四", 2, _RESULTS, is_group=True),
    Row("unavailable_not_held", "1.本机关不掌握相关政府信息", "1", 3, _UNAVAIL),
    Row("unavailable_needs_creation", "2.没有现成信息需要另行制作", "2", 3, _UNAVAIL, ("2.没有现成信息需另行制作",)),
    Row("unavailable_unclear", "3.补正后申请内容仍不明确", "3", 3, _UNAVAIL),
    Row(_REJECTED, "（五）不予处理", "五", 2, _RESULTS, is_group=True),
    Row("rejected_petition", "1.信访举报投诉类申请", "1", 3, _REJECTED),
    Row("rejected_duplicate", "2.重复申请", "2", 3, _REJECTED),
    Row("rejected_publication", "3.要求提供公开出版物", "3", 3, _REJECTED),
    Row("rejected_excessive", "4.无正当理由大量反复申请", "4", 3, _REJECTED),
    Row("rejected_reconfirm", "5.要求行政机关确认或重新出具已获取信息", "5", 3, _REJECTED),
)
_T2_TAIL = (
    Row("total_handled", "（七）总计", "七", 2, _RESULTS),
    Row("carried_forward", "四、结转下年度继续办理", "四", 1),
)

T2_ROWS_2019 = (*_T2_HEAD, Row("other", "（六）其他处理", "六", 2, _RESULTS), *_T2_TAIL)
T2_ROWS_2021 = (
    *_T2_HEAD,
    Row(_OTHER_GROUP, "（六）其他处理", "六", 2, _RESULTS, is_group=True),
    Row("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "1", 3, _OTHER_GROUP),
    Row("other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "2", 3, _OTHER_GROUP),
    Row("other_misc", "3.其他", "3", 3, _OTHER_GROUP),
    *_T2_TAIL,
)
T2_ROWS_BY_TEMPLATE = {GOV2019: T2_ROWS_2019, GOV2021: T2_ROWS_2021}

# The one 2019 row that a 2021 report may still print in place of the three sub-rows.
T2_OTHER_2019 = "other"
T2_OTHER_2021 = ("other_no_correction", "other_fee_unpaid", "other_misc")
DENIED_KEYS = tuple(r.key for r in _T2_HEAD if r.group == _DENIED)
UNAVAILABLE_KEYS = tuple(r.key for r in _T2_HEAD if r.group == _UNAVAIL)
REJECTED_KEYS = tuple(r.key for r in _T2_HEAD if r.group == _REJECTED)
COLS7 = tuple(c.key for c in T2_COLUMNS)
COLS6 = COLS7[:-1]

# --- Table 3: 政府信息公开行政复议、行政诉讼情况 -------------------------------------

_T3_RESULTS = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
T3_GROUPS = (
    ("review", "行政复议"),
    ("lit_direct", "行政诉讼 / 未经复议直接起诉"),
    ("lit_after_review", "行政诉讼 / 复议后起诉"),
)
T3_COLUMNS = tuple(
    Column(f"{group}_{result}", f"{group_label} / {result_label}")
    for group, group_label in T3_GROUPS
    for result, result_label in _T3_RESULTS
)
T3_MARKERS = ("行政复议", "行政诉讼", "复议后起诉", "未经复议直接起诉", "行政法复议")
T3_RESULT_LABELS = tuple(label for _, label in _T3_RESULTS)

# --- Table 4: 信息处理费收取情况 (report-format.md §12; optional, from report year 2023) ----

# One row under three columns; amounts are printed in 元 (the label says so) and kept in 万元.
T4_ROW = Row("processing_fees", "信息处理费收取情况")
T4_COLUMNS = (
    Column("fee_notices", "通知收取件数"),
    Column("fee_notified_amount_wan", "通知收取金额（元）", ("通知收取金额",), dtype=AMOUNT_WAN, unit="万元"),
    Column("fee_collected_amount_wan", "实际收取金额（元）", ("实际收取金额",), dtype=AMOUNT_WAN, unit="万元"),
)
T4_TEMPLATES = (GOV2021,)  # the fee rules (国办函〔2020〕109号) date from 2021
# Fragments of its header and row label that survive wrapping (「通知收取」 / 「件数」).
T4_MARKERS = ("通知收取", "实际收取", T4_ROW.label)

# --- Sections of the report ---------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str
    numeral: str
    title: str
    keywords: tuple[str, ...]  # any one identifies the heading after its numeral
    shifted: str | None = None  # its numeral when 「五、信息处理费收取情况」 comes before it


SECTIONS = (
    Section("s1_overview", "一", "一、总体情况", ("总体情况",)),
    Section("s2_active", "二", "二、主动公开政府信息情况", ("主动公开",)),
    Section("s3_applications", "三", "三、收到和处理政府信息公开申请情况", ("收到和处理", "依申请", "公开申请")),
    Section("s4_review_litigation", "四", "四、政府信息公开行政复议、行政诉讼情况", ("行政复议", "行政诉讼", "复议", "诉讼")),
    Section("s5_problems", "五", "五、存在的主要问题及改进情况", ("存在的主要问题", "存在问题", "主要问题", "改进"), "六"),
    Section("s6_other", "六", "六、其他需要报告的事项", ("其他需要报告", "其他事项", "其他"), "七"),
)
# Reports with Table 4 print it as section 五 and renumber the last two (§12).
FEE_SECTION = Section("s5_fees", "五", "五、信息处理费收取情况", ("信息处理费",))
PRINTED_SECTIONS = (*SECTIONS[:4], FEE_SECTION, *SECTIONS[4:])


def section_of_heading(numeral: str, text: str) -> Section | None:
    """The section a heading 「<numeral>、<text>」 opens (``text`` normalised), if any: a keyword
    of the section under its own numeral, or under its shifted one.

    >>> section_of_heading("六", "存在的主要问题和改进情况").key, section_of_heading("七", "其他需要报告的事项").key
    ('s5_problems', 's6_other')
    >>> section_of_heading("五", "信息处理费收取情况").key, section_of_heading("六", "其他需要报告的事项").key
    ('s5_fees', 's6_other')
    """
    for attribute in ("numeral", "shifted"):
        for section in PRINTED_SECTIONS:
            if getattr(section, attribute) == numeral and any(k in text for k in section.keywords):
                return section
    return None

# --- Identities (report-format.md §6.1) ---------------------------------------------

IDENTITIES = {
    "T2-BAL": "new_received + carried_over == total_handled + carried_forward (per column)",
    "T2-OUT": "total_handled == sum of every outcome row (per column)",
    "T2-ROW": "total == sum of the six applicant columns (per printed row)",
    "T3-REV": "review_total == upheld + corrected + other + pending",
    "T3-DIR": "lit_direct_total == upheld + corrected + other + pending",
    "T3-AFT": "lit_after_review_total == upheld + corrected + other + pending",
    "DOM": "every count is an integer >= 0 (items_change may be negative; amounts are decimals >= 0)",
}

# --- Derived views ------------------------------------------------------------------


def t1_key(subtable: str, row: str, column: str) -> str:
    return f"t1.{subtable}.{row}.{column}"


def t2_key(row: str, column: str) -> str:
    return f"t2.{row}.{column}"


def t3_key(column: str) -> str:
    return f"t3.{column}"


def t4_key(column: str) -> str:
    return f"t4.{column}"


def t2_outcome_keys(template: str) -> tuple[str, ...]:
    """Row keys that add up to （七）总计 in the given template."""
    other = T2_OTHER_2021 if template == GOV2021 else (T2_OTHER_2019,)
    return ("granted", "partially_granted", *DENIED_KEYS, *UNAVAILABLE_KEYS, *REJECTED_KEYS, *other)


def t2_data_rows(template: str) -> tuple[Row, ...]:
    return tuple(r for r in T2_ROWS_BY_TEMPLATE[template] if not r.is_group)


def _strip_numbering(label: str) -> str:
    for sep in ("、", "）", "."):
        head, found, tail = label.partition(sep)
        if found and len(head) <= 3:
            return tail
    return label


@lru_cache(maxsize=None)
def fields(template: str) -> tuple[Field, ...]:
    """Every data cell of a template, in printed order."""
    out: list[Field] = []
    for sub in T1_BY_TEMPLATE[template]:
        for row in sub.rows:
            for col in sub.columns:
                out.append(Field(
                    t1_key(sub.key, row.key, col.key), "t1", sub.key, row.key, col.key,
                    f"{sub.caption} / {row.label} / {col.label}", col.dtype, col.unit, (template,),
                ))
    for row in t2_data_rows(template):
        for col in T2_COLUMNS:
            out.append(Field(
                t2_key(row.key, col.key), "t2", None, row.key, col.key,
                f"{row.label} / {col.label}", COUNT, None, (template,),
            ))
    for col in T3_COLUMNS:
        out.append(Field(t3_key(col.key), "t3", None, None, col.key, col.label, COUNT, None, (template,)))
    return tuple(out)


@lru_cache(maxsize=None)
def template_keys(template: str) -> tuple[str, ...]:
    """The keys every report of ``template`` has (null where blank or not printed)."""
    return tuple(f.key for f in fields(template))


@lru_cache(maxsize=None)
def optional_fields(template: str) -> tuple[Field, ...]:
    """Cells of a table a report of ``template`` may print or leave out (Table 4)."""
    if template not in T4_TEMPLATES:
        return ()
    return tuple(
        Field(t4_key(col.key), "t4", None, T4_ROW.key, col.key, f"{T4_ROW.label} / {col.label}", col.dtype, col.unit,
              (template,))
        for col in T4_COLUMNS
    )


def optional_keys(template: str) -> tuple[str, ...]:
    return tuple(f.key for f in optional_fields(template))


@lru_cache(maxsize=None)
def _field_index() -> dict[str, Field]:
    index: dict[str, Field] = {}
    for template in TEMPLATES:
        for f in (*fields(template), *optional_fields(template)):
            if f.key in index:
                known = index[f.key]
                index[f.key] = Field(**{**known.__dict__, "templates": known.templates + (template,)})
            else:
                index[f.key] = f
    return index


def field(key: str) -> Field:
    """Look up one cell key (any template)."""
    return _field_index()[key]


def all_fields() -> tuple[Field, ...]:
    """Every key of either template, once."""
    return tuple(_field_index().values())


def data_dictionary() -> list[dict[str, object]]:
    """Rows for a data dictionary: key, table, row, column, label, dtype, unit, templates."""
    return [
        {
            "key": f.key, "table": f.table, "subtable": f.subtable, "row": f.row, "column": f.column,
            "label_zh": f.label_zh, "dtype": f.dtype, "unit": f.unit, "templates": ",".join(f.templates),
        }
        for f in all_fields()
    ]
