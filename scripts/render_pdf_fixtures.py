#!/usr/bin/env python
"""Render hand-verified report fixtures into realistic PDFs (as printed from Word/WPS).

Inputs, for each report stem:
  tests/fixtures/expected/<stem>.json   hand-verified cell values (null = blank cell)
  tests/fixtures/text/<stem>.txt        narrative text (title, headings 一–六, paragraphs,
                                        signature); tab-separated tables or pdftotext -layout

Outputs (under tests/fixtures/rendered/):
  <out>.pdf             A4 portrait report: title, sections 一–六, Table 1 (stacked
                        sub-tables), Table 2 (3-row header, merged label cells), Table 3
                        (2-level header), page numbers 「-N-」
  <out>.expected.json   copy of the source expected JSON, "file" -> the rendered PDF,
                        plus "rendered_from" / "render" describing the rendering

Variants: "" (Table 2 header repeated after a page break), "_norepeat" (no repeated
header), "_spaced" (Table 2 / Table 3 header labels character-spaced: 「自 然 人」).

Table labels are the official ones (report-format.md §4–§5), not the typos of the source
report; values come only from the expected JSON (plus the raw 采购总金额 string, which the
JSON keeps only normalised to 万元).

The output is deterministic: reportlab runs with invariant=1 and fixed metadata, so a
re-run produces byte-identical files.

Usage:  .venv/bin/python scripts/render_pdf_fixtures.py [--only STEM_PART]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
from pathlib import Path

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

REPO = Path(__file__).resolve().parents[1]
EXPECTED_DIR = REPO / "tests" / "fixtures" / "expected"
TEXT_DIR = REPO / "tests" / "fixtures" / "text"
OUT_DIR = REPO / "tests" / "fixtures" / "rendered"

FONT = "SimHei"
# Body text sizes (pt), chosen so that Table 2 breaks across a page: 050 inside the
# （三）不予公开 group (cuts 三、本年度办理结果 and （三）不予公开), 045 between （三） and
# （四）, 044 after （四）1. as the original 044 PDF does.
BODY_SIZE_050 = 13
BODY_SIZE_045 = 11
BODY_SIZE_044 = 10.5

# (stem, variants, body text size in pt). The body size is chosen per report so that
# Table 2 breaks across a page, as it does in most printed reports.
JOBS = [
    ("050_pingtan-shichangjianguanju_2025", ["", "_norepeat", "_spaced", "_borderless"], BODY_SIZE_050),
    ("045_pingtan-shichangjianguanju_2019", [""], BODY_SIZE_045),
    ("044_huaian_2024_layout", [""], BODY_SIZE_044),
]


def register_font() -> None:
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / "SimHei.ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(path)))


# --------------------------------------------------------------------------------------
# styles

def _style(name, size, leading=None, align=TA_JUSTIFY, **kw):
    return ParagraphStyle(
        name,
        fontName=FONT,
        fontSize=size,
        leading=leading or size * 1.5,
        alignment=align,
        wordWrap="CJK",
        **kw,
    )


ST_TITLE = _style("title", 16, 26, TA_CENTER, spaceAfter=2)


def body_styles(size):
    """(paragraph, heading, signature) styles for a body text size."""
    lead = round(size * 1.65, 1)
    return (
        _style(f"body{size}", size, lead, firstLineIndent=2 * size, spaceAfter=1),
        _style(f"head{size}", size + 1, lead + 1, firstLineIndent=2 * size, spaceBefore=6,
               spaceAfter=3),
        _style(f"sign{size}", size, lead, TA_RIGHT, rightIndent=2 * size),
    )

ST_CELL = _style("cell", 8, 10.5, TA_JUSTIFY)
ST_CELL_C = _style("cellc", 8, 10.5, TA_CENTER)
ST_HDR = _style("hdr", 8, 10.5, TA_CENTER)
ST_NOTE = _style("note", 7.5, 10, TA_CENTER)

TABLE_FONT_SIZE = 8


# --------------------------------------------------------------------------------------
# narrative text → blocks

SECTION_RE = re.compile(r"^[一二三四五六]、")
DATE_RE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
FOOTER_RE = re.compile(r"^\s*-\s*\d+\s*-\s*$")


def _section_no(heading: str) -> str:
    return heading[0]


def parse_tab_text(text: str) -> dict:
    """Text with tab-separated tables: one paragraph per line."""
    lines = [ln.rstrip("\n").rstrip() for ln in text.splitlines()]
    blocks: list[tuple] = []
    section = None
    region: list[str] = []

    def flush():
        if region:
            blocks.append(("table", section, list(region)))
            region.clear()

    for ln in lines:
        if not ln.strip():
            continue
        is_table = "\t" in ln or re.match(r"^\s*第二十条", ln)
        if is_table:
            region.append(ln)
            continue
        flush()
        s = ln.strip()
        if SECTION_RE.match(s) and len(s) < 40:
            section = _section_no(s)
            blocks.append(("heading", s))
        else:
            blocks.append(("para", s))
    flush()
    return {"title": None, "blocks": _pop_signature(blocks)}


def _pop_signature(blocks):
    sig = []
    if blocks and blocks[-1][0] == "para" and DATE_RE.match(blocks[-1][1]):
        date = blocks.pop()[1]
        if blocks and blocks[-1][0] == "para" and len(blocks[-1][1]) < 30 and "。" not in blocks[-1][1]:
            sig.append(blocks.pop()[1])
        sig.append(date)
    if sig:
        blocks.append(("signature", sig))
    return blocks


_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》]"


def _tidy_layout(s: str) -> str:
    # pdftotext puts spaces between digits and CJK characters ("2024 年")
    s = re.sub(rf"(?<={_CJK})\s+(?=[0-9A-Za-z])", "", s)
    s = re.sub(rf"(?<=[0-9A-Za-z%])\s+(?={_CJK})", "", s)
    s = re.sub(rf"(?<={_CJK})\s+(?={_CJK})", "", s)
    return s.strip()


def parse_layout_text(text: str) -> dict:
    """pdftotext -layout text: indented lines start paragraphs; tables follow 二/三/四."""
    raw = [ln.rstrip() for ln in text.splitlines()]
    raw = [ln for ln in raw if not FOOTER_RE.match(ln)]
    nonempty = [i for i, ln in enumerate(raw) if ln.strip()]
    title = [_tidy_layout(raw[nonempty[0]]), _tidy_layout(raw[nonempty[1]])]
    blocks: list[tuple] = []
    cur: list[str] | None = None
    skipping = False
    section = None

    def flush():
        nonlocal cur
        if cur:
            blocks.append(("para", _tidy_layout("".join(cur))))
        cur = None

    for ln in raw[nonempty[1] + 1:]:
        if not ln.strip():
            continue
        s = ln.strip()
        indent = len(ln) - len(ln.lstrip())
        if SECTION_RE.match(s) and len(s) < 40 and indent >= 2:
            flush()
            section = _section_no(s)
            blocks.append(("heading", _tidy_layout(s)))
            skipping = section in "二三四"
            if skipping:
                blocks.append(("table", section, []))
            continue
        if skipping:
            continue
        if indent >= 3 or cur is None:
            flush()
            cur = [s]
        else:
            cur.append(s)
    flush()
    return {"title": title, "blocks": _pop_signature(blocks)}


def load_text(stem: str) -> dict:
    text = (TEXT_DIR / f"{stem}.txt").read_text(encoding="utf-8")
    if stem.endswith("_layout"):
        return parse_layout_text(text)
    return parse_tab_text(text)


# --------------------------------------------------------------------------------------
# cell helpers

def fmt_value(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        s = f"{v:.6f}".rstrip("0").rstrip(".")
        return s or "0"
    return str(v)


def spaced(label: str) -> str:
    return " ".join(label)


def P(text, style=ST_CELL):
    text = (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(text.replace("\n", "<br/>"), style)


BASE_TABLE_STYLE = [
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("FONTSIZE", (0, 0), (-1, -1), TABLE_FONT_SIZE),
    ("GRID", (0, 0), (-1, -1), 0.6, (0, 0, 0)),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
    ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
    ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
]


# --------------------------------------------------------------------------------------
# Table 1

T1_2021 = [
    ("art20_1", "第二十条第（一）项",
     [("规章", "regulations"), ("行政规范性文件", "normative_docs")],
     [("本年制发件数", "issued"), ("本年废止件数", "repealed"), ("现行有效件数", "in_force")]),
    ("art20_5", "第二十条第（五）项", [("行政许可", "licensing")],
     [("本年处理决定数量", "decisions")]),
    ("art20_6", "第二十条第（六）项", [("行政处罚", "penalty"), ("行政强制", "coercion")],
     [("本年处理决定数量", "decisions")]),
    ("art20_8", "第二十条第（八）项", [("行政事业性收费", "admin_fees")],
     [("本年收费金额（单位：万元）", "fee_amount_wan")]),
]

T1_2019 = [
    ("art20_1", "第二十条第（一）项",
     [("规章", "regulations"), ("规范性文件", "normative_docs")],
     [("本年新制作数量", "made_new"), ("本年新公开数量", "published_new"),
      ("对外公开总数量", "published_total")]),
    ("art20_5", "第二十条第（五）项",
     [("行政许可", "licensing"), ("其他对外管理服务事项", "other_admin_services")],
     [("上一年项目数量", "items_prev_year"), ("本年增/减", "items_change"),
      ("处理决定数量", "decisions")]),
    ("art20_6", "第二十条第（六）项",
     [("行政处罚", "penalty"), ("行政强制", "coercion")],
     [("上一年项目数量", "items_prev_year"), ("本年增/减", "items_change"),
      ("处理决定数量", "decisions")]),
    ("art20_8", "第二十条第（八）项", [("行政事业性收费", "admin_fees")],
     [("上一年项目数量", "items_prev_year"), ("本年增/减", "items_change")]),
    ("art20_9", "第二十条第（九）项", [("政府集中采购", "central_procurement")],
     [("采购项目数量", "procurement_items"), ("采购总金额", "procurement_amount")]),
]


def raw_procurement_amount(stem: str) -> str | None:
    text = (TEXT_DIR / f"{stem}.txt").read_text(encoding="utf-8")
    for ln in text.splitlines():
        cells = [c.strip() for c in ln.split("\t")]
        if cells and cells[0] == "政府集中采购" and len(cells) >= 3:
            return cells[2]
    return None


def t1_value(values, sub, row, col, stem):
    key = f"t1.{sub}.{row}.{col}"
    if col == "procurement_amount":
        raw = raw_procurement_amount(stem)
        if raw:
            return raw
        wan = values.get(f"t1.{sub}.{row}.procurement_amount_wan")
        return "" if wan is None else fmt_value(wan) + "万元"
    return fmt_value(values.get(key))


def build_table1(values, fmt, stem, width):
    spec = T1_2021 if fmt == "gov2021" else T1_2019
    label_w = width * 0.31
    cw = (width - label_w) / 3
    data, cmds = [], list(BASE_TABLE_STYLE)
    for sub, caption, rows, cols in spec:
        r = len(data)
        data.append([P(caption, ST_HDR), "", "", ""])
        cmds.append(("SPAN", (0, r), (3, r)))
        # header row
        r = len(data)
        hdr = [P("信息内容", ST_HDR)]
        if len(cols) == 1:
            hdr += [P(cols[0][0], ST_HDR), "", ""]
            cmds.append(("SPAN", (1, r), (3, r)))
        elif len(cols) == 2:
            hdr += [P(cols[0][0], ST_HDR), P(cols[1][0], ST_HDR), ""]
            cmds.append(("SPAN", (2, r), (3, r)))
        else:
            hdr += [P(c[0], ST_HDR) for c in cols]
        data.append(hdr)
        for label, rkey in rows:
            r = len(data)
            vals = [t1_value(values, sub, rkey, ckey, stem) for _, ckey in cols]
            row = [P(label, ST_CELL)]
            if len(cols) == 1:
                row += [vals[0], "", ""]
                cmds.append(("SPAN", (1, r), (3, r)))
            elif len(cols) == 2:
                row += [vals[0], vals[1], ""]
                cmds.append(("SPAN", (2, r), (3, r)))
            else:
                row += vals
            data.append(row)
    t = Table(data, colWidths=[label_w, cw, cw, cw], splitByRow=1, hAlign="CENTER")
    t.setStyle(TableStyle(cmds))
    return t


# --------------------------------------------------------------------------------------
# Table 2: a grid whose row-spanning label cells may be broken across pages

T2_COLS = ["natural_person", "org_commercial", "org_research", "org_public_welfare",
           "org_legal_service", "org_other", "total"]
CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

DENIED = [
    ("1.属于国家秘密", "denied_state_secret"),
    ("2.其他法律行政法规禁止公开", "denied_prohibited_by_law"),
    ("3.危及“三安全一稳定”", "denied_security_stability"),
    ("4.保护第三方合法权益", "denied_third_party"),
    ("5.属于三类内部事务信息", "denied_internal_affairs"),
    ("6.属于四类过程性信息", "denied_process_info"),
    ("7.属于行政执法案卷", "denied_enforcement_file"),
    ("8.属于行政查询事项", "denied_admin_query"),
]
UNAVAIL = [
    ("1.本机关不掌握相关政府信息", "unavailable_not_held"),
    ("2.没有现成信息需要另行制作", "unavailable_needs_creation"),
    ("3.补正后申请内容仍不明确", "unavailable_unclear"),
]
REJECTED = [
    ("1.信访举报投诉类申请", "rejected_petition"),
    ("2.重复申请", "rejected_duplicate"),
    ("3.要求提供公开出版物", "rejected_publication"),
    ("4.无正当理由大量反复申请", "rejected_excessive"),
    ("5.要求行政机关确认或重新出具已获取信息", "rejected_reconfirm"),
]
OTHER_2021 = [
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_fee_unpaid"),
    ("3.其他", "other_misc"),
]


class Cell:
    """A cell spec: text + style; rebuilt into a Paragraph for each table fragment."""

    def __init__(self, text, style=ST_CELL):
        self.text, self.style = text, style

    def make(self, text=None):
        return P(self.text if text is None else text, self.style)


def t2_body(values, fmt):
    """Return (rows, spans): rows of 10 cells (3 label columns + 7 data columns);
    spans are (c0, r0, c1, r1) in body coordinates."""
    rows, spans = [], []

    def data(key):
        return [fmt_value(values.get(f"t2.{key}.{c}")) for c in T2_COLS]

    def add(labels, key):
        rows.append(labels + data(key))
        return len(rows) - 1

    def top(label, key):
        r = add([Cell(label), None, None], key)
        spans.append((0, r, 2, r))

    def single(label, key):
        r = add([None, Cell(label), None], key)
        spans.append((1, r, 2, r))

    def group(label, items):
        r0 = len(rows)
        for i, (lab, key) in enumerate(items):
            add([None, Cell(label, ST_CELL_C) if i == 0 else None, Cell(lab)], key)
        spans.append((1, r0, 1, len(rows) - 1))

    top("一、本年新收政府信息公开申请数量", "new_received")
    top("二、上年结转政府信息公开申请数量", "carried_over")
    g0 = len(rows)
    single("（一）予以公开", "granted")
    single("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted")
    group("（三）不予公开", DENIED)
    group("（四）无法提供", UNAVAIL)
    group("（五）不予处理", REJECTED)
    if fmt == "gov2021":
        group("（六）其他处理", OTHER_2021)
    else:
        single("（六）其他处理", "other")
    single("（七）总计", "total_handled")
    rows[g0][0] = Cell("三、本年度办理结果", ST_CELL_C)
    spans.append((0, g0, 0, len(rows) - 1))
    top("四、结转下年度继续办理", "carried_forward")
    return rows, spans


def t2_header(space: bool):
    lab = spaced if space else (lambda s: s)

    def H(s):
        return Cell(lab(s), ST_HDR)

    rows = [
        [Cell(CORNER, ST_NOTE), None, None, H("申请人情况")] + [None] * 6,
        [None, None, None, H("自然人"), H("法人或其他组织"), None, None, None, None, H("总计")],
        [None, None, None, None, H("商业企业"), H("科研机构"), H("社会公益组织"),
         H("法律服务机构"), H("其他"), None],
    ]
    spans = [(0, 0, 2, 2), (3, 0, 9, 0), (3, 1, 3, 2), (4, 1, 8, 1), (9, 1, 9, 2)]
    return rows, spans


class SplitGridTable(Flowable):
    """A table with row-spanning label cells that, unlike reportlab's Table, may break
    *inside* a row span (as Word does): the spanned cell is cut in two and its text is
    divided between the fragments in proportion to the height on each page."""

    def __init__(self, header, hspans, body, spans, col_widths, repeat_header,
                 with_header=True):
        super().__init__()
        self.header, self.hspans = header, hspans
        self.body, self.spans = body, spans
        self.col_widths = col_widths
        self.repeat_header = repeat_header
        self.with_header = with_header
        self._table = None
        self.hAlign = "CENTER"

    # the fragment's texts for row-spanning cells are kept in self.body itself
    def _build(self):
        nh = len(self.header) if self.with_header else 0
        data, cmds = [], list(BASE_TABLE_STYLE)
        rows = (self.header if self.with_header else []) + self.body
        for row in rows:
            data.append([c.make() if isinstance(c, Cell) else (c or "") for c in row])
        for c0, r0, c1, r1 in (self.hspans if self.with_header else []):
            cmds.append(("SPAN", (c0, r0), (c1, r1)))
        for c0, r0, c1, r1 in self.spans:
            cmds.append(("SPAN", (c0, r0 + nh), (c1, r1 + nh)))
        t = Table(data, colWidths=self.col_widths, splitByRow=0)
        t.setStyle(TableStyle(cmds))
        return t

    def wrap(self, aw, ah):
        self._table = self._build()
        w, h = self._table.wrap(aw, 1e6)
        self.width, self.height = w, h
        return w, h

    def draw(self):
        self._table.drawOn(self.canv, 0, 0)

    def split(self, aw, ah):
        t = self._build()
        t.wrap(aw, 1e6)  # full height: reportlab stops sizing rows past availHeight
        heights = t._rowHeights
        nh = len(self.header) if self.with_header else 0
        used = sum(heights[:nh])
        n = 0
        for h in heights[nh:]:
            if used + h > ah:
                break
            used += h
            n += 1
        if n >= len(self.body):
            return [self]
        if n < 2:  # not even two body rows fit: move the table to the next page
            return []
        body_h = heights[nh:]
        first = [list(r) for r in self.body[:n]]
        second = [list(r) for r in self.body[n:]]
        s1, s2 = [], []
        for c0, r0, c1, r1 in self.spans:
            if r1 < n:
                s1.append((c0, r0, c1, r1))
            elif r0 >= n:
                s2.append((c0, r0 - n, c1, r1 - n))
            else:  # the span crosses the break: cut it
                s1.append((c0, r0, c1, n - 1))
                s2.append((c0, 0, c1, r1 - n))
                cell = self.body[r0][c0]
                if isinstance(cell, Cell):
                    h1 = sum(body_h[r0:n])
                    h2 = sum(body_h[n:r1 + 1])
                    k = round(len(cell.text) * h1 / (h1 + h2))
                    first[r0][c0] = Cell(cell.text[:k], cell.style)
                    second[0][c0] = Cell(cell.text[k:], cell.style)
        s1 = [s for s in s1 if s[0] != s[2] or s[1] != s[3]]
        s2 = [s for s in s2 if s[0] != s[2] or s[1] != s[3]]
        SPLITS[:] = [n, len(self.body) - n]
        a = SplitGridTable(self.header, self.hspans, first, s1, self.col_widths,
                           self.repeat_header, self.with_header)
        b = SplitGridTable(self.header, self.hspans, second, s2, self.col_widths,
                           self.repeat_header, self.repeat_header)
        return [a, b]


def build_table2(values, fmt, width, repeat, space):
    body, spans = t2_body(values, fmt)
    header, hspans = t2_header(space)
    label_w = [width * 0.055, width * 0.10, width * 0.335]
    dw = (width - sum(label_w)) / 7
    return SplitGridTable(header, hspans, body, spans, label_w + [dw] * 7, repeat)


# --------------------------------------------------------------------------------------
# Table 3

T3_RES = [("结果维持", "upheld"), ("结果纠正", "corrected"), ("其他结果", "other"),
          ("尚未审结", "pending"), ("总计", "total")]


def _two_lines(label: str) -> str:
    """4-character labels in the narrow Table 3 columns print as 2 + 2 (「结果/维持」)."""
    return label[:2] + "\n" + label[2:] if len(label) == 4 else label


def build_table3(values, width, space):
    def H(s):
        if s in dict(T3_RES):
            parts = _two_lines(s).split("\n")
        else:
            parts = [s]
        return P("\n".join(spaced(x) if space else x for x in parts), ST_HDR)

    r0 = [H("行政复议")] + [""] * 4 + [H("行政诉讼")] + [""] * 9
    r1 = [H(l) for l, _ in T3_RES] + [H("未经复议直接起诉")] + [""] * 4 + [H("复议后起诉")] + [""] * 4
    r2 = [""] * 5 + [H(l) for l, _ in T3_RES] * 2
    vals = ([fmt_value(values.get(f"t3.review_{k}")) for _, k in T3_RES]
            + [fmt_value(values.get(f"t3.lit_direct_{k}")) for _, k in T3_RES]
            + [fmt_value(values.get(f"t3.lit_after_review_{k}")) for _, k in T3_RES])
    cmds = list(BASE_TABLE_STYLE) + [
        ("SPAN", (0, 0), (4, 0)), ("SPAN", (5, 0), (14, 0)),
        ("SPAN", (5, 1), (9, 1)), ("SPAN", (10, 1), (14, 1)),
    ] + [("SPAN", (c, 1), (c, 2)) for c in range(5)] + [
        ("TOPPADDING", (0, 3), (-1, 3), 5), ("BOTTOMPADDING", (0, 3), (-1, 3), 5),
    ]
    t = Table([r0, r1, r2, vals], colWidths=[width / 15] * 15, hAlign="CENTER")
    t.setStyle(TableStyle(cmds))
    return KeepTogether([t])


def build_generic_table(lines, width):
    rows = [ln.split("\t") for ln in lines]
    ncol = max(len(r) for r in rows)
    rows = [[P(c.strip(), ST_HDR) for c in r] + [""] * (ncol - len(r)) for r in rows]
    first = width * 0.34
    cw = [first] + [(width - first) / (ncol - 1)] * (ncol - 1) if ncol > 1 else [width]
    t = Table(rows, colWidths=cw, hAlign="CENTER")
    t.setStyle(TableStyle(BASE_TABLE_STYLE))
    return KeepTogether([t])


# --------------------------------------------------------------------------------------
# document

def footer(canvas, doc):
    canvas.saveState()
    canvas.setFont(FONT, 10)
    canvas.drawCentredString(A4[0] / 2, 1.4 * cm, f"-{canvas.getPageNumber()}-")
    canvas.restoreState()


SPLITS: list[int] = []  # number of body rows of each Table 2 fragment, for reporting


def render(stem: str, variant: str, body_size: float = 10) -> Path:
    exp = json.loads((EXPECTED_DIR / f"{stem}.json").read_text(encoding="utf-8"))
    values, fmt = exp["values"], exp["template"]
    text = load_text(stem)
    out_stem = stem + variant
    out = OUT_DIR / f"{out_stem}.pdf"

    title = text["title"] or [exp["agency_name"], f"{exp['report_year']}年政府信息公开工作年度报告"]
    doc = SimpleDocTemplate(
        str(out), pagesize=A4,
        leftMargin=2.8 * cm, rightMargin=2.6 * cm, topMargin=2.5 * cm, bottomMargin=2.4 * cm,
        title="".join(title), author=exp.get("agency_name") or "", subject="政府信息公开工作年度报告",
        creator="OGI Workbook render_pdf_fixtures.py", producer="ReportLab", invariant=1,
    )
    width = doc.width
    repeat = variant != "_norepeat"
    space = variant == "_spaced"
    grid = [c for c in BASE_TABLE_STYLE if c[0] == "GRID"]
    if variant == "_borderless":  # tables printed without ruling lines: only the text layout is left
        BASE_TABLE_STYLE[:] = [c for c in BASE_TABLE_STYLE if c[0] != "GRID"]

    st_body, st_head, st_sign = body_styles(body_size)
    story = [P(t, ST_TITLE) for t in title] + [Spacer(1, 10)]
    for block in text["blocks"]:
        kind = block[0]
        if kind == "heading":
            story.append(P(block[1], st_head))
        elif kind == "para":
            story.append(P(block[1], st_body))
        elif kind == "signature":
            story.append(Spacer(1, 18))
            story += [P(s, st_sign) for s in block[1]]
        elif kind == "table":
            section, lines = block[1], block[2]
            story.append(Spacer(1, 3))
            if section == "二":
                story.append(build_table1(values, fmt, stem, width))
            elif section == "三":
                story.append(build_table2(values, fmt, width, repeat, space))
            elif section == "四":
                story.append(build_table3(values, width, space))
            elif lines:
                story.append(build_generic_table(lines, width))
            story.append(Spacer(1, 6))
    try:
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    finally:
        if grid and grid[0] not in BASE_TABLE_STYLE:
            BASE_TABLE_STYLE.insert(2, grid[0])

    rel = out.relative_to(REPO).as_posix()
    meta = copy.deepcopy(exp)
    meta["file"] = rel
    meta["rendered_from"] = (EXPECTED_DIR / f"{stem}.json").relative_to(REPO).as_posix()
    meta["render"] = {
        "script": "scripts/render_pdf_fixtures.py",
        "source_file": exp.get("file"),
        "text": (TEXT_DIR / f"{stem}.txt").relative_to(REPO).as_posix(),
        "variant": variant.lstrip("_") or "default",
        "table2_header_repeated": repeat,
        "header_labels_spaced": space,
        "ruled": variant != "_borderless",
        "notes": [
            ("Table labels are the official labels of the format (report-format.md §4–§5), "
             "not the source's own wording/typos; the source's narrative is reproduced."),
            ("Every value row of the official layout is printed; null values are empty cells, "
             "zeros are printed as 0."),
            ("Table 2 may break across pages inside the merged label cells (三、本年度办理结果, "
             "（三）…（六）); the text of a cut cell is divided between the two fragments."),
        ],
    }
    (OUT_DIR / f"{out_stem}.expected.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="render only stems containing this string")
    args = ap.parse_args(argv)
    register_font()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for stem, variants, body_size in JOBS:
        if args.only and args.only not in stem:
            continue
        for v in variants:
            SPLITS.clear()
            out = render(stem, v, body_size)
            print(f"{out.relative_to(REPO)}  {os.path.getsize(out)} bytes"
                  f"  table2 fragments: {SPLITS[-2:] if SPLITS else 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
