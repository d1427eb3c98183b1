"""Report metadata and narrative: section headings, agency name, report year, dates.

>>> report_year_from_text("荔湾区花地街 2020 年政府信息公开工作 年度报告")
2020
>>> agency_from_title("广州市海珠区政务服务数据管理局 2019年政府信息公开年度报告")
'广州市海珠区政务服务数据管理局'
>>> parse_cn_date("2021年1月14日")
'2021-01-14'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import schema
from .document import Document, Paragraph, Table
from .normalize import norm

_TITLE = re.compile(r"^(?P<agency>.*?)(?:关于)?(?P<year>(?:19|20)\d{2})年度?(?:本级)?政府信息公开(?:工作)?(?:年度)?(?:情况)?(?:的)?(?:年度)?报告")
_BODY_YEAR = re.compile(r"((?:19|20)\d{2})年度?(?:本级)?政府信息公开")
_OPENING_YEAR = re.compile(r"^((?:19|20)\d{2})年(?:度|以来)?[,，]")
_PERIOD = re.compile(r"统计(?:期限|周期|时限|时间|期间)(?:为|是|自|从)?((?:19|20)\d{2})年\d{1,2}月\d{1,2}日(?:起)?"
                     r"(?:至|到|-|—)(?:\1年)?12月31日")
_AGENCY_IN_TEXT = (
    re.compile(r"本报告由(?P<agency>[\u4e00-\u9fff()]{2,30}?)(?:根据|依据|按照|编制|负责)"),
    re.compile(r"(?:结合|现将|^)(?P<agency>[\u4e00-\u9fff]{2,30}?)\(以下简称\"(?:我|本)[局委办厅院署会区县市镇乡]\"\)"),
)
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MONTH = re.compile(r"^[(（]?((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月[)）]?$")
_HEADING = re.compile(r"^[#*\s]*([一二三四五六])[、.．]\s*(.*)$")
_AGENCY_SUFFIXES = ("人民政府", "办事处", "办公室", "管理局", "委员会", "局", "厅", "委", "办", "政府", "中心", "街道", "街", "实验区", "新区", "区", "市", "县", "州", "旗", "镇", "乡", "院", "署", "所", "队", "站", "会")
MAX_HEADING = 40
MAX_TITLE = 80


@dataclass
class SectionHeading:
    key: str
    block_index: int
    title: str
    line: int | None


def heading_section(text: str) -> schema.Section | None:
    """The report section a line heads, if it is a heading: short, numeral and 、, a keyword.

    >>> heading_section("四、政府信息公开行政复议、行政诉讼情况").key
    's4_review_litigation'
    >>> heading_section("四、结转下年度继续办理") is None  # a Table 2 row, not a heading
    True
    """
    text = text.replace("**", "").strip()
    if len(norm(text)) > MAX_HEADING:
        return None
    m = _HEADING.match(text)
    if not m:
        return None
    section = _BY_NUMERAL[m.group(1)]
    return section if any(k in norm(m.group(2)) for k in section.keywords) else None


_BY_NUMERAL = {s.numeral: s for s in schema.SECTIONS}


def find_sections(doc: Document) -> list[SectionHeading]:
    """The headings 一 … 六 in order. Each is a short paragraph: numeral, 、, a keyword."""
    found: list[SectionHeading] = []
    expected = 0
    for index, block in enumerate(doc.blocks):
        if not isinstance(block, Paragraph):
            continue
        text = block.text.replace("**", "").strip()
        section = heading_section(text)
        if section is None:
            continue
        order = schema.SECTIONS.index(section)
        if order < expected:
            continue
        found.append(SectionHeading(section.key, index, text.strip("#* "), block.line))
        expected = order + 1
    return found


def section_texts(doc: Document, headings: list[SectionHeading]) -> dict[str, str]:
    """Narrative text of each section (tables left out), keyed ``s1_overview`` … ``s6_other``."""
    out: dict[str, str] = {}
    bounds = [h.block_index for h in headings] + [len(doc.blocks)]
    for heading, end in zip(headings, bounds[1:]):
        parts = [b.text for b in doc.blocks[heading.block_index + 1:end] if isinstance(b, Paragraph)]
        out[heading.key] = "\n".join(parts).strip()
    return out


def report_year_from_text(text: str) -> int | None:
    m = _TITLE.search(norm(text))
    return int(m.group("year")) if m else None


def agency_from_title(text: str) -> str | None:
    m = _TITLE.search(norm(text))
    if not m:
        return None
    agency = m.group("agency").strip("#*:：，,。 ")
    agency = re.sub(r"^(关于)", "", agency)
    return agency or None


def parse_cn_date(text: str) -> str | None:
    m = _DATE.search(text)
    if not m:
        return None
    year, month, day = (int(g) for g in m.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _looks_like_agency(text: str) -> bool:
    n = norm(text)
    return 2 < len(n) <= 30 and n.endswith(_AGENCY_SUFFIXES) and not any(ch in n for ch in "，。：；、")


@dataclass
class Meta:
    agency_name: str | None = None
    agency_name_source: str | None = None
    report_year: int | None = None
    report_year_source: str | None = None
    published_date: str | None = None
    published_date_raw: str | None = None
    title: str | None = None


def extract_meta(doc: Document, headings: list[SectionHeading]) -> Meta:
    meta = Meta()
    paragraphs = [(i, b) for i, b in enumerate(doc.blocks) if isinstance(b, Paragraph)]
    first_heading = headings[0].block_index if headings else len(doc.blocks)
    before = [(i, p) for i, p in paragraphs if i < first_heading]
    head = before[:12] or paragraphs[:5]
    # the title opens the report; on a whole web page (printed or converted) the site's header
    # comes first, so the title is then the last such line before the first section
    for _, para in head + list(reversed(before[12:])):
        if len(norm(para.text)) > MAX_TITLE or any(p in para.text for p in "。，"):
            continue  # a sentence of the opening text that names the report is not its title
        year = report_year_from_text(para.text)
        if year is not None:
            meta.title = para.text.strip("#* ")
            meta.report_year, meta.report_year_source = year, "title"
            agency = agency_from_title(para.text)
            if agency and _looks_like_agency(agency):
                meta.agency_name, meta.agency_name_source = agency, "title"
            break
    title_index = next((i for i, para in head if para.text.strip("#* ") == meta.title), None)
    for i, para in head:  # an agency line printed above the title (none without a title: text lines wrap)
        if title_index is not None and i < title_index and meta.agency_name is None and _looks_like_agency(para.text):
            meta.agency_name, meta.agency_name_source = norm(para.text), "cover"
    full = doc.plain_text()
    if meta.report_year is None:
        m = _PERIOD.search(norm(full))
        if m:
            meta.report_year, meta.report_year_source = int(m.group(1)), "statistics period"
    if meta.report_year is None:
        year = report_year_from_text(full[:3000])
        if year is not None:
            meta.report_year, meta.report_year_source = year, "text"
    if meta.report_year is None:
        m = _BODY_YEAR.search(norm(full[:3000]))
        if m:
            meta.report_year, meta.report_year_source = int(m.group(1)), "text"
    if meta.report_year is None:
        for _, para in paragraphs[:10]:
            m = _OPENING_YEAR.match(norm(para.text))
            if m:
                meta.report_year, meta.report_year_source = int(m.group(1)), "opening sentence"
                break
    # signature: an agency line and a date line, the first after the last section's text (a
    # whole web page, printed or converted, goes on with the site's links and footer)
    after = [p for i, p in paragraphs if not headings or i > headings[-1].block_index]
    for position, para in enumerate(after):
        text = para.text.strip()
        if _DATE.fullmatch(norm(text)) is None:
            continue
        meta.published_date, meta.published_date_raw = parse_cn_date(norm(text)), text
        signer = next((norm(p.text) for p in reversed(after[max(0, position - 2):position]) if _looks_like_agency(p.text)), None)
        if signer is not None:
            if meta.agency_name is None:
                meta.agency_name, meta.agency_name_source = signer, "signature"
            elif signer.startswith(meta.agency_name) or (len(signer) > len(meta.agency_name) and meta.agency_name in signer):
                meta.agency_name, meta.agency_name_source = signer, "signature"
        break
    if meta.agency_name is None:  # 「本报告由…编制」, 「…（以下简称“我局”）」
        for pattern in _AGENCY_IN_TEXT:
            m = pattern.search(norm(full[:3000]))
            if m and _looks_like_agency(m.group("agency")):
                meta.agency_name, meta.agency_name_source = m.group("agency"), "text"
                break
    if meta.published_date is None:
        for _, para in head:
            m = _MONTH.match(norm(para.text))
            if m or _DATE.fullmatch(norm(para.text)):
                meta.published_date_raw = para.text.strip()
                meta.published_date = parse_cn_date(norm(para.text))
                break
    if meta.agency_name is not None and meta.agency_name_source == "title":
        # a fuller form of the same name in the opening text, e.g. 花地街 → 花地街道办事处
        m = re.search(re.escape(meta.agency_name) + r"[\u4e00-\u9fff]{1,8}?(?:办事处|人民政府|管理局|委员会|办公室)", norm(full[:3000]))
        if m:
            meta.agency_name, meta.agency_name_source = m.group(0), "title+text"
    return meta


def has_tables(doc: Document) -> bool:
    return any(isinstance(b, Table) for b in doc.blocks)
