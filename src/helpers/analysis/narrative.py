"""Headline numbers quoted in a report's text, and how they compare with its tables.

Section 一、总体情况 usually restates a few numbers (主动公开政府信息N条, 受理申请N件,
行政复议N件 …), and 六 is the only place a 2021-format report gives its 信息处理费. The text is
free prose, so this is a soft check (report-format.md §6.2 X-TEXT): it reports agreement or
disagreement and never changes a number.

>>> s = pd.DataFrame({"report_id": ["r"], "section": ["s1_overview"],
...                   "text": ["全年主动公开政府信息5500余条，共受理政府信息公开申请3119件。"]})
>>> narrative_metrics(s)[["metric", "value", "is_approximate"]].values.tolist()
[['proactive_disclosed', 5500.0, True], ['applications_received', 3119.0, False]]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .. import schema
from .metrics import _T3_GROUP_AFTER, _T3_GROUP_DIRECT, _T3_GROUP_REVIEW, SINGLE_ROW_MEASURES, _t3

FLOAT = "Float64"

_S1, _S2, _S3, _S4, _S6 = (schema.SECTIONS[i].key for i in (0, 1, 2, 3, 5))

# A count as printed: Arabic digits (thousands commas allowed) or Chinese numerals, an optional
# 万, and 余/多 ("more than", marked approximate).
_NUM = r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)(?P<wan>万)?(?P<approx>余|多)?"
_TOTAL = r"(?:共计|总计|合计|共|累计)?"
_CLAUSE_END = "，。；;！？,：:"


@dataclass(frozen=True)
class NarrativePattern:
    metric: str
    unit: str
    sections: tuple[str, ...]
    regex: re.Pattern
    is_stated_none: bool = False  # 「未收到…申请」「无…行政复议」: the text says there were none


def _p(metric: str, unit: str, sections: tuple[str, ...], pattern: str, none: bool = False) -> NarrativePattern:
    return NarrativePattern(metric, unit, sections, re.compile(pattern), none)


_COUNTS = (_S1, _S2, _S3, _S4)
_NEG = r"(?:无|未发生|未收到|未出现|没有)"

# In the order tried: within a metric, a later pattern never claims text an earlier one matched.
PATTERNS = (
    # Not 「其他应主动公开的政府信息N条」: that is one category, not the year's total.
    _p("proactive_disclosed", "条", (_S1, _S2),
       rf"(?<!应)主动公开[^，。；：、\d]{{0,12}}?政府信息{_TOTAL}{_NUM}条"),
    _p("policy_interpretations", "篇", (_S1, _S2),
       rf"政策(?:文件)?解读(?:材料|稿件|信息)?{_TOTAL}{_NUM}(?:篇|个|条|件)"),
    _p("applications_received", "件", (_S1, _S3),
       rf"(?<![未没])(?:收到|受理)[^，。；：\d]{{0,25}}?申请(?:信息|数量)?{_TOTAL}{_NUM}(?:件|份|条|个)"),
    _p("applications_received", "件", (_S1, _S3),
       rf"(?<![未没])(?:收到|受理)(?:各类)?{_NUM}(?:件|份|个)[^，。；\d]{{0,12}}?申请"),
    _p("applications_received", "件", (_S1, _S3), r"(?:未|没有)(?:收到|受理)[^，。；\d]{0,15}?申请", none=True),
    _p("reviews", "件", _COUNTS, rf"行政复议(?:案件|申请)?{_TOTAL}{_NUM}(?:件|起|宗)"),
    _p("reviews", "件", _COUNTS, rf"{_NEG}[^，。；\d]{{0,20}}?行政复议", none=True),
    _p("lawsuits", "件", _COUNTS, rf"行政诉讼(?:案件)?{_TOTAL}{_NUM}(?:件|起|宗)"),
    _p("lawsuits", "件", _COUNTS, rf"{_NEG}[^，。；\d]{{0,25}}?诉讼", none=True),
    _p("fee_yuan", "元", (_S6,), rf"信息处理费(?:收入)?{_TOTAL}{_NUM}(?P<unit>万?元)"),
    _p("fee_yuan", "元", (_S6,), r"(?:未|没有|无|不)(?:收取|产生)[^，。；\d]{0,15}?处理费", none=True),
)
METRICS = tuple(dict.fromkeys(p.metric for p in PATTERNS))

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(text: str) -> float | None:
    """A number written in digits or Chinese numerals below 一万 (None if unreadable).

    >>> chinese_number("三百零五"), chinese_number("十二"), chinese_number("1,024")
    (305.0, 12.0, 1024.0)
    """
    if re.fullmatch(r"\d+(?:,\d{3})*(?:\.\d+)?", text):
        return float(text.replace(",", ""))
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    return float(total + (digit or 0))


def _clause(text: str, start: int, end: int) -> str:
    """The clause around ``text[start:end]``: out to the nearest comma, full stop or semicolon."""
    left = max(text.rfind(ch, 0, start) for ch in _CLAUSE_END) + 1
    rights = [i for i in (text.find(ch, end) for ch in _CLAUSE_END) if i >= 0]
    return text[left:min(rights) if rights else len(text)]


def narrative_metrics(sections: pd.DataFrame) -> pd.DataFrame:
    """Counts quoted in the report text: one row per match, in reading order.

    Columns: ``report_id``, ``section``, ``metric`` (one of :data:`METRICS`), ``value``,
    ``unit``, ``is_approximate`` (余/多 after the number: "more than N"), ``is_stated_none``
    (the text says there were none, e.g. 「未收到政府信息公开申请」, value 0), ``match`` (the
    matched words) and ``text`` (the clause they stand in). Whitespace is removed first, since
    PDF text breaks lines inside numbers. Numbers in 万 are multiplied out; ``fee_yuan`` is in
    元. A section with no match gives no row: silence is not zero.

    Where each metric is looked for: 主动公开政府信息N条 (``proactive_disclosed``) and 政策解读N篇/个
    (``policy_interpretations``) in 一 and 二; 收到/受理…申请N件 (``applications_received``) in
    一 and 三; 行政复议N件/起 (``reviews``) and 行政诉讼N件/起 (``lawsuits``) in 一 to 四;
    信息处理费N元 (``fee_yuan``) in 六.

    >>> s = pd.DataFrame({"report_id": ["r"], "section": ["s6_other"], "text": ["全年收取信息处理费3940元。"]})
    >>> narrative_metrics(s)[["metric", "value", "text"]].values.tolist()
    [['fee_yuan', 3940.0, '全年收取信息处理费3940元']]
    """
    records = []
    for report_id, section, raw in sections[["report_id", "section", "text"]].itertuples(index=False):
        if not isinstance(raw, str) or not raw:
            continue
        text = re.sub(r"\s+", "", raw)
        taken: dict[str, list[tuple[int, int]]] = {}
        for pattern in PATTERNS:
            if section not in pattern.sections:
                continue
            spans = taken.setdefault(pattern.metric, [])
            for m in pattern.regex.finditer(text):
                if any(m.start() < e and s < m.end() for s, e in spans):
                    continue
                spans.append(m.span())
                if pattern.is_stated_none:
                    value, approx = 0.0, False
                else:
                    value = chinese_number(m.group("num"))
                    if value is None:
                        continue
                    if m.group("wan") or (pattern.metric == "fee_yuan" and m.group("unit").startswith("万")):
                        value *= 10_000
                    approx = m.group("approx") is not None
                records.append({
                    "report_id": report_id, "section": section, "metric": pattern.metric, "value": value,
                    "unit": pattern.unit, "is_approximate": approx, "is_stated_none": pattern.is_stated_none,
                    "match": m.group(0), "text": _clause(text, *m.span()), "_pos": m.start(),
                })
    columns = ["report_id", "section", "metric", "value", "unit", "is_approximate", "is_stated_none", "match", "text"]
    if not records:
        return pd.DataFrame({c: pd.Series(dtype=FLOAT if c == "value" else "object") for c in columns})
    out = pd.DataFrame(records)
    section_order = {s.key: i for i, s in enumerate(schema.SECTIONS)}
    out["_section"] = out["section"].map(section_order)
    out = out.sort_values(["report_id", "_section", "_pos"], kind="stable")[columns].reset_index(drop=True)
    out["value"] = out["value"].astype(FLOAT)
    return out


def narrative_vs_tables(narrative: pd.DataFrame, applications: pd.DataFrame,
                        review_litigation: pd.DataFrame) -> pd.DataFrame:
    """Each quoted number that a table also gives, beside the table's number: a soft check.

    Compared (every match of :func:`narrative_metrics`, not just the first):

    - ``applications_received`` with ``t2.new_received.total``;
    - ``reviews`` with ``t3.review_total``;
    - ``lawsuits`` with ``t3.lit_direct_total + t3.lit_after_review_total`` (<NA> if either is blank).

    ``status`` is ``agree`` when the two are equal (for an approximate "N余" when the table is
    at least N), ``differ`` otherwise, and ``no_table_value`` when the table cell is blank or the
    report has no table. Nothing is changed: a difference may be the text counting something
    else (受理 including carried-over applications, say).

    >>> n = pd.DataFrame({"report_id": ["r"], "section": ["s1_overview"], "metric": ["reviews"],
    ...     "value": [3.0], "is_approximate": [False], "text": ["行政复议3件"]})
    >>> t3 = pd.DataFrame({"report_id": ["r"], "review_total": [2.0], "lit_direct_total": [0.0],
    ...     "lit_after_review_total": [0.0]})
    >>> narrative_vs_tables(n, pd.DataFrame(columns=["report_id", "row", "total"]), t3)[["table_value", "status"]].values.tolist()
    [[2.0, 'differ']]
    """
    total_col = schema.COLS7[-1]
    received_row = SINGLE_ROW_MEASURES["received"]
    received = (applications.loc[applications["row"] == received_row].set_index("report_id")[total_col]
                .astype(FLOAT))
    t3 = review_litigation.set_index("report_id")
    review_col = _t3(_T3_GROUP_REVIEW, "total")
    direct_col, after_col = _t3(_T3_GROUP_DIRECT, "total"), _t3(_T3_GROUP_AFTER, "total")
    sources = {
        "applications_received": (schema.t2_key(received_row, total_col), received),
        "reviews": (schema.t3_key(review_col), t3[review_col].astype(FLOAT)),
        "lawsuits": (f"{schema.t3_key(direct_col)} + {schema.t3_key(after_col)}",
                     (t3[direct_col].astype(FLOAT) + t3[after_col].astype(FLOAT))),
    }
    out = narrative.loc[narrative["metric"].isin(list(sources))].copy()
    out = out.rename(columns={"value": "narrative_value"})
    out["table_key"] = out["metric"].map({m: key for m, (key, _) in sources.items()}).astype("string")
    table_value = [sources[m][1].get(rid, pd.NA) for m, rid in zip(out["metric"], out["report_id"])]
    out["table_value"] = pd.array(table_value, dtype=FLOAT)
    out["narrative_value"] = out["narrative_value"].astype(FLOAT)
    equal = out["table_value"] == out["narrative_value"]
    at_least = out["table_value"] >= out["narrative_value"]
    agree = equal.where(~out["is_approximate"].astype(bool), at_least)
    out["status"] = agree.map({True: "agree", False: "differ"}).where(out["table_value"].notna(), "no_table_value")
    out["status"] = out["status"].astype("string")
    columns = ["report_id", "section", "metric", "narrative_value", "is_approximate", "table_key", "table_value",
               "status", "text"]
    return out[columns].reset_index(drop=True)
