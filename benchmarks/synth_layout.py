"""Render one synthetic report (values + narrative) as text, HTML, DOCX, XLSX or PDF.

Used by ``benchmarks/generate_corpus.py``. Labels come from :mod:`helpers.schema`; the 2021
DOCX/XLSX layouts reuse ``tests/fixtures/office/make_office_fixtures.py`` (the official Word
template filled in) and the PDF layout reuses ``scripts/render_pdf_fixtures.py``. The 2019
DOCX/XLSX layouts, which have no official template file here, are built from the same merged
grid that the HTML renderer prints.

A grid is a list of rows; each row lists the cells that *start* there as
``(text, colspan, rowspan, value)`` — HTML semantics. ``value`` is what a spreadsheet stores
(int/float/str, or None for a blank); header cells have ``value == text``.
"""

from __future__ import annotations

import importlib.util
import io
import re
import zipfile
from functools import lru_cache
from html import escape
from pathlib import Path

from helpers import schema

ROOT = Path(__file__).resolve().parents[1]
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_ISO = "2024-01-01T00:00:00Z"


@lru_cache(maxsize=None)
def _module(rel_path: str, name: str):
    """Import a script of the repository by file path (they are not packages)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / rel_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def office_fixtures():
    return _module("tests/fixtures/office/make_office_fixtures.py", "ogi_make_office_fixtures")


def pdf_fixtures():
    return _module("scripts/render_pdf_fixtures.py", "ogi_render_pdf_fixtures")


# --- printed values -----------------------------------------------------------------------


def number_text(value) -> str:
    """How a value is printed: None → blank, 12.5 → 「12.5」, 3.0 → 「3」."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text or "0"
    return str(value)


def t1_printed(report, sub_key: str, row_key: str, col_key: str) -> str:
    if col_key == "procurement_amount_wan":
        return report["procurement_amount_raw"]
    return number_text(report["values"][schema.t1_key(sub_key, row_key, col_key)])


def t1_cell_value(report, sub_key, row_key, col_key):
    if col_key == "procurement_amount_wan":
        raw = report["procurement_amount_raw"]
        return raw if not re.fullmatch(r"\d+", raw) else int(raw)
    return report["values"][schema.t1_key(sub_key, row_key, col_key)]


# --- grids (HTML semantics) ---------------------------------------------------------------


def _h(text, colspan=1, rowspan=1):
    return (text, colspan, rowspan, text)


def grid_t1(report) -> list[list[tuple]]:
    rows = []
    for sub in schema.T1_BY_TEMPLATE[report["template"]]:
        rows.append([_h(sub.caption, 4)])
        header = [_h(schema.T1_INFO_HEADER)]
        spans = {1: [3], 2: [1, 2], 3: [1, 1, 1]}[len(sub.columns)]
        header += [_h(c.label, s) for c, s in zip(sub.columns, spans)]
        rows.append(header)
        for row in sub.rows:
            cells = [_h(row.label)]
            for c, s in zip(sub.columns, spans):
                cells.append((t1_printed(report, sub.key, row.key, c.key), s, 1,
                              t1_cell_value(report, sub.key, row.key, c.key)))
            rows.append(cells)
    return rows


def _t2_values(report, row_key):
    return [(number_text(report["values"][schema.t2_key(row_key, c.key)]), 1, 1,
             report["values"][schema.t2_key(row_key, c.key)]) for c in schema.T2_COLUMNS]


def grid_t2(report) -> list[list[tuple]]:
    cols = schema.T2_COLUMNS
    rows = [
        [_h(schema.T2_CORNER_NOTE, 3, 3), _h(schema.T2_HEADER_LABELS[0], 7)],
        [_h(cols[0].label, 1, 2), _h(schema.T2_HEADER_LABELS[1], 5), _h(cols[-1].label, 1, 2)],
        [_h(c.label) for c in cols[1:6]],
    ]
    t2_rows = schema.T2_ROWS_BY_TEMPLATE[report["template"]]
    results = next(r for r in t2_rows if r.level == 1 and r.is_group)
    n_results = sum(1 for r in t2_rows if r.group == results.key and not r.is_group) + sum(
        1 for r in t2_rows if r.level == 3)
    groups = {r.key: r for r in t2_rows if r.is_group}
    first_of_group: set[str] = set()
    for g in groups:
        members = [r.key for r in t2_rows if r.group == g]
        if members:
            first_of_group.add(members[0])
    results_started = False
    for r in t2_rows:
        if r.is_group:
            continue
        cells = []
        if r.level == 1:
            cells.append(_h(r.label, 3))
        else:
            if not results_started:
                cells.append(_h(results.label, 1, n_results))
                results_started = True
            if r.level == 2:
                cells.append(_h(r.label, 2))
            else:
                if r.key in first_of_group:
                    g = groups[r.group]
                    size = sum(1 for x in t2_rows if x.group == g.key)
                    cells.append(_h(g.label, 1, size))
                cells.append(_h(r.label))
        cells += _t2_values(report, r.key)
        rows.append(cells)
    return rows


def grid_t3(report) -> list[list[tuple]]:
    results = schema.T3_RESULT_LABELS
    groups = [label.split(" / ")[-1] for _, label in schema.T3_GROUPS]
    rows = [
        [_h(groups[0], 5), _h("行政诉讼", 10)],
        [_h(x, 1, 2) for x in results] + [_h(groups[1], 5), _h(groups[2], 5)],
        [_h(x) for x in results] * 2,
        [(number_text(report["values"][schema.t3_key(c.key)]), 1, 1, report["values"][schema.t3_key(c.key)])
         for c in schema.T3_COLUMNS],
    ]
    return rows


def grids(report):
    return {"二": grid_t1(report), "三": grid_t2(report), "四": grid_t3(report)}


def placed(grid):
    """Yield (row, col, cell) with grid positions resolved (rowspans pushing cells right)."""
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            _, colspan, rowspan, _ = cell
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            yield r, c, cell
            c += colspan


def grid_width(grid) -> int:
    return max(c + cell[1] for _, c, cell in placed(grid))


# --- text (tab-separated, as extracted from Word/PDF) --------------------------------------


def _spaced(label: str) -> str:
    """「社会公益组织」 → 「社会 公益 组织」 (two characters a group), as in seed 000."""
    return " ".join(label[i:i + 2] for i in range(0, len(label), 2))


def _is_value_row(row) -> bool:
    return any(cell[3] is None or not isinstance(cell[3], str) for cell in row)


def text_table_lines(grid, label_cols: int, spaced_headers: bool = False, compact: bool = False) -> list[str]:
    """Tab-separated lines, each row padded to the grid width. ``compact`` drops the empty
    label cells of value rows (merged cells printed once), as in tests/fixtures/text/050."""
    width = grid_width(grid)
    lines: list[list[str]] = [[""] * width for _ in grid]
    value_rows = [_is_value_row(row) for row in grid]
    for r, c, cell in placed(grid):
        text = cell[0]
        if spaced_headers and not value_rows[r] and 4 <= len(text) <= 6 and "（" not in text:
            text = _spaced(text)
        lines[r][c] = text
    out = []
    for r, cells in enumerate(lines):
        if compact and value_rows[r]:
            cells = [x for i, x in enumerate(cells) if i >= label_cols or x]
        out.append("\t".join(cells))
    return out


LABEL_COLS = {"二": 1, "三": 3, "四": 0}


def render_text(report, narrative, variant) -> bytes:
    g = grids(report)
    lines = [narrative["title"], "", narrative["intro"], ""]
    for section in schema.SECTIONS:
        lines += [section.title, ""]
        if section.numeral in g:
            lines += text_table_lines(g[section.numeral], LABEL_COLS[section.numeral],
                                      variant.get("spaced_headers", False),
                                      variant.get("compact", False))
            lines.append("")
        for para in narrative[section.numeral]:
            lines += [para, ""]
    lines += [narrative["agency"], "", narrative["date"], ""]
    return "\n".join(lines).encode("utf-8")


# --- HTML (a Word "save as web page" fragment inside a site page) ---------------------------

_P = ('<p class="MsoNormal" style="text-indent:32.0000pt;line-height:28.0000pt;mso-line-height-rule:exactly;">'
      '<span style="font-family:仿宋_GB2312;letter-spacing:0.0000pt;font-size:16.0000pt;">{}</span></p>')
_TD = ('<td width="{w}" valign="center"{span} style="width:{pt}pt;padding:0.0000pt 5.4000pt 0.0000pt 5.4000pt;'
       'border:1.0000pt solid windowtext;"><p class="MsoNormal" align="center" style="text-align:center;">'
       '<span style="font-family:宋体;font-size:10.5000pt;">{text}</span></p></td>')


def html_table(grid) -> str:
    width = grid_width(grid)
    parts = ['<table class="MsoNormalTable" border="1" cellspacing="0" style="border-collapse:collapse;'
             'width:420.0000pt;mso-table-layout-alt:fixed;border:none;"><tbody>']
    for row in grid:
        parts.append('<tr style="height:24.6500pt;">')
        for text, colspan, rowspan, _ in row:
            span = (f' colspan="{colspan}"' if colspan > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
            parts.append(_TD.format(w=56 * colspan, pt=f"{420 * colspan / width:.4f}", span=span,
                                    text=escape(text) if text else "&nbsp;"))
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def render_html(report, narrative, variant) -> bytes:
    g = grids(report)
    body = [f'<div class="title"><h1>{escape(narrative["title"])}</h1></div>',
            '<div class="article_content article_content_01 font_family_cn">', _P.format(escape(narrative["intro"]))]
    for section in schema.SECTIONS:
        body.append(_P.format(escape(section.title)))
        if section.numeral in g:
            body.append(html_table(g[section.numeral]))
        body += [_P.format(escape(p)) for p in narrative[section.numeral]]
    body.append(_P.format("&nbsp;"))
    body += [f'<p class="MsoNormal" align="right" style="text-align:right;"><span>{escape(x)}</span></p>'
             for x in (narrative["agency"], narrative["date"])]
    body.append("</div>")
    page = ('<!DOCTYPE html>\n<html xmlns:o="urn:schemas-microsoft-com:office:office" lang="zh-CN">\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            f'<title>{escape(narrative["title"])}_政府信息公开年报</title>\n</head>\n<body>\n'
            '<div class="header"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>\n'
            + "\n".join(body) +
            '\n<div class="footer">主办单位：' + escape(narrative["agency"]) + '　技术支持：信息中心</div>\n</body>\n</html>\n')
    return page.encode("utf-8")


# --- zip normalisation (byte-identical output for a seed) ----------------------------------

_CORE_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def normalize_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed member times and core.xml timestamps."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = _CORE_TIME.sub(rb"\g<1>" + FIXED_ISO.encode() + rb"\g<2>", blob)
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME), blob, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _fixture_narrative(narrative) -> dict:
    out = {"intro": narrative["intro"], "agency": narrative["agency"], "date": narrative["date"]}
    for numeral in "一二三四五六":
        out[numeral] = "".join(narrative[numeral])
    return out


# --- DOCX ----------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_BORDERS = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                   for side in ("top", "left", "bottom", "right", "insideH", "insideV"))


def _docx_tbl_xml(grid) -> str:
    width = grid_width(grid)
    col_w = 8800 // width
    origin: dict[tuple[int, int], tuple] = {}
    covered: dict[tuple[int, int], tuple[int, tuple]] = {}
    for r, c, cell in placed(grid):
        origin[(r, c)] = cell
        for dr in range(1, cell[2]):
            covered[(r + dr, c)] = (r, cell)
    parts = [f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblW w:w="{col_w * width}" w:type="dxa"/>'
             f'<w:jc w:val="center"/><w:tblBorders>{_BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>'
             '<w:tblGrid>' + f'<w:gridCol w:w="{col_w}"/>' * width + '</w:tblGrid>']
    for r in range(len(grid)):
        parts.append("<w:tr>")
        c = 0
        while c < width:
            if (r, c) in origin:
                text, colspan, rowspan, _ = origin[(r, c)]
                merge = '<w:vMerge w:val="restart"/>' if rowspan > 1 else ""
                content = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
            elif (r, c) in covered:
                _, (text, colspan, rowspan, _) = covered[(r, c)]
                merge, content = "<w:vMerge/>", ""
            else:  # a position inside a colspan: not reached, the origin skipped it
                c += 1
                continue
            span = f'<w:gridSpan w:val="{colspan}"/>' if colspan > 1 else ""
            parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{col_w * colspan}" w:type="dxa"/>{span}{merge}'
                         f'<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:jc w:val="center"/></w:pPr>'
                         f'{content}</w:p></w:tc>')
            c += colspan
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


class _PathLike(io.BytesIO):
    """fill_docx calls ``out.parent.mkdir``; a BytesIO with a no-op parent satisfies it."""

    class _Parent:
        def mkdir(self, **_):
            pass

    parent = _Parent()


def render_docx(report, narrative, variant) -> bytes:
    if report["template"] == schema.GOV2021:
        m = office_fixtures()
        buf = _PathLike()
        m.fill_docx({"values": report["values"]}, _fixture_narrative(narrative), narrative["title"], buf,
                    split_t2=variant.get("split_t2", False))
        return normalize_zip(buf.getvalue())
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph(narrative["title"])
    document.add_paragraph(narrative["intro"])
    g = grids(report)
    body = document.element.body
    for section in schema.SECTIONS:
        document.add_paragraph(section.title)
        if section.numeral in g:
            body.find(f"{{{W_NS}}}sectPr").addprevious(parse_xml(_docx_tbl_xml(g[section.numeral])))
        for para in narrative[section.numeral]:
            document.add_paragraph(para)
    document.add_paragraph(narrative["agency"])
    document.add_paragraph(narrative["date"])
    buf = io.BytesIO()
    document.save(buf)
    return normalize_zip(buf.getvalue())


# --- XLSX ----------------------------------------------------------------------------------


def render_xlsx(report, narrative, variant) -> bytes:
    if report["template"] == schema.GOV2021:
        m = office_fixtures()
        buf = io.BytesIO()
        m.write_xlsx({"values": report["values"]}, _fixture_narrative(narrative), narrative["title"], buf,
                     floats=variant.get("floats", False))
        return normalize_zip(buf.getvalue())
    from openpyxl import Workbook

    g = grids(report)
    width = grid_width(g["四"])
    wb = Workbook()
    ws = wb.active
    ws.title = "年度报告"
    row = 1

    def line(text, merge=False):
        nonlocal row
        ws.cell(row=row, column=1, value=text)
        if merge:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1

    line(narrative["title"], merge=True)
    row += 1
    line(narrative["intro"])
    for section in schema.SECTIONS:
        line(section.title)
        if section.numeral in g:
            grid = g[section.numeral]
            for r, c, (_text, colspan, rowspan, value) in placed(grid):
                ws.cell(row=row + r, column=1 + c, value=value if value != "" else None)
                if colspan > 1 or rowspan > 1:
                    ws.merge_cells(start_row=row + r, start_column=1 + c,
                                   end_row=row + r + rowspan - 1, end_column=c + colspan)
            row += len(grid)
        for para in narrative[section.numeral]:
            line(para)
    row += 1
    line(narrative["agency"])
    line(narrative["date"])
    buf = io.BytesIO()
    wb.save(buf)
    return normalize_zip(buf.getvalue())


# --- PDF -----------------------------------------------------------------------------------

_FONT_READY = False


def render_pdf(report, narrative, variant) -> bytes:
    global _FONT_READY
    m = pdf_fixtures()
    if not _FONT_READY:
        m.register_font()
        _FONT_READY = True
    # the fixture script reads the raw 采购总金额 from its own text files; feed ours instead
    m.raw_procurement_amount = lambda stem: report.get("procurement_amount_raw")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=2.8 * cm, rightMargin=2.6 * cm, topMargin=2.5 * cm, bottomMargin=2.4 * cm,
        title=narrative["title"], author=narrative["agency"], subject="政府信息公开工作年度报告",
        creator="OGI Workbook benchmarks/generate_corpus.py", producer="ReportLab", invariant=1,
    )
    size = variant.get("body_size", 11)
    st_body, st_head, st_sign = m.body_styles(size)
    values, fmt, width = report["values"], report["template"], doc.width
    story = [m.P(narrative["title"], m.ST_TITLE), Spacer(1, 10), m.P(narrative["intro"], st_body)]
    for section in schema.SECTIONS:
        story.append(m.P(section.title, st_head))
        if section.numeral == "二":
            story += [Spacer(1, 3), m.build_table1(values, fmt, "synthetic", width), Spacer(1, 6)]
        elif section.numeral == "三":
            story += [Spacer(1, 3), m.build_table2(values, fmt, width, variant.get("repeat_header", True),
                                                   variant.get("spaced_headers", False)), Spacer(1, 6)]
        elif section.numeral == "四":
            story += [Spacer(1, 3), m.build_table3(values, width, variant.get("spaced_headers", False)), Spacer(1, 6)]
        story += [m.P(p, st_body) for p in narrative[section.numeral]]
    story += [Spacer(1, 18), m.P(narrative["agency"], st_sign), m.P(narrative["date"], st_sign)]
    doc.build(story, onFirstPage=m.footer, onLaterPages=m.footer)
    return buf.getvalue()


RENDERERS = {"text": (render_text, ".txt"), "html": (render_html, ".html"), "docx": (render_docx, ".docx"),
             "xlsx": (render_xlsx, ".xlsx"), "pdf": (render_pdf, ".pdf")}
