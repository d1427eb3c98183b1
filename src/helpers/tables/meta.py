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
from datetime import date

from .. import schema
from ..document import REPORT_TITLE, Document, Paragraph, Table, heading_section, report_year_from_text
from ..normalize import norm

_BODY_YEAR = re.compile(r"((?:19|20)\d{2})年度?(?:本级)?政府信息公开")
_OPENING_YEAR = re.compile(r"^((?:19|20)\d{2})年(?:度|以来)?[,，]")
_PERIOD = re.compile(r"统计(?:期限|周期|时限|时间|期间)(?:为|是|自|从)?((?:19|20)\d{2})年\d{1,2}月\d{1,2}日(?:起)?"
                     r"(?:至|到|-|—)(?:\1年)?12月31日")
_AGENCY_IN_TEXT = (
    re.compile(r"本报告由(?P<agency>[\u4e00-\u9fff()]{2,30}?)(?:根据|依据|按照|编制|负责)"),
    re.compile(r"(?:结合|现将|^)(?P<agency>[\u4e00-\u9fff]{2,30}?)\(以下简称\"(?:我|本)[局委办厅院署会区县市镇乡]\"\)"),
)
# the statistics period: 「统计期限自2019年9月1日起至2019年12月31日止」, 「内容涵盖2019年9月1日至12月31日期间」
_PERIOD_RANGE = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日起?(?:至|到|-|—|~)((?:19|20)\d{2})?年?(\d{1,2})月(\d{1,2})日")
_PERIOD_CONTEXT = ("统计", "期限", "时限", "周期", "时间段", "涵盖", "报告期")
_PERIOD_BEFORE = 24  # characters before the dates in which the sentence says they are the period
# 「2022年，平潭综合实验区坚持…」: the opening sentence names who reports, or says 我区 / 区办公室
_OPENING_SUBJECT = re.compile(
    r"^(?:19|20)\d{2}年度?(?:以来)?[,，](?P<agency>[\u4e00-\u9fff()]{2,30}?)"
    r"(?:坚持|认真|以|在|深入|全面|严格|持续|紧紧|紧扣|按照|围绕|积极|进一步|高度重视|始终|聚焦|立足|贯彻|扎实|依法|着力|不断|切实|继续|结合|根据|依据)")
_LEVELS = "区县市镇乡"  # 我区 / 区办公室: the report's own division, unnamed
_SELF = re.compile(rf"^[我本]([{_LEVELS}]|街道)$")
_NOT_PLACE_START = set("我本全各该此其每")  # 「全区」, 「各区」: no division's name
_DIVISION_ENDINGS = ("区", "县", "市", "旗", "州", "盟", "镇", "乡", "街道", "人民政府")  # a division reporting as itself
MAX_PLACE = 12
_GOVERNMENT_BODIES = ("", "管委会", "管理委员会", "人民政府", "政府")
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MONTH = re.compile(r"^[(（]?((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月[)）]?$")
_AGENCY_SUFFIXES = ("人民政府", "办事处", "办公室", "管理局", "委员会", "局", "厅", "委", "办", "政府", "中心", "街道", "街", "实验区", "新区", "区", "市", "县", "州", "旗", "镇", "乡", "院", "署", "所", "队", "站", "会")
MAX_TITLE = 80


@dataclass
class SectionHeading:
    key: str
    block_index: int
    title: str
    line: int | None


def find_sections(doc: Document) -> list[SectionHeading]:
    """The headings 一 … 六 (or 七, after 「五、信息处理费收取情况」) in order. Each is a short
    paragraph: numeral, 、, a keyword."""
    found: list[SectionHeading] = []
    expected = 0
    for index, block in enumerate(doc.blocks):
        if not isinstance(block, Paragraph):
            continue
        text = block.text.replace("**", "").strip()
        section = heading_section(text)
        if section is None:
            continue
        order = schema.PRINTED_SECTIONS.index(section)
        if order < expected:
            continue
        found.append(SectionHeading(section.key, index, text.strip("#* "), block.line))
        expected = order + 1
    return found


def section_texts(doc: Document, headings: list[SectionHeading]) -> dict[str, str]:
    """Narrative text of each section (tables left out), keyed ``s1_overview`` … ``s6_other``
    (and ``s5_fees`` for 「五、信息处理费收取情况」)."""
    out: dict[str, str] = {}
    bounds = [h.block_index for h in headings] + [len(doc.blocks)]
    for heading, end in zip(headings, bounds[1:]):
        parts = [b.text for b in doc.blocks[heading.block_index + 1:end] if isinstance(b, Paragraph)]
        out[heading.key] = "\n".join(parts).strip()
    return out


def agency_from_title(text: str) -> str | None:
    m = REPORT_TITLE.search(norm(text))
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


@dataclass(frozen=True)
class Period:
    start: str  # ISO dates
    end: str
    is_part_year: bool
    raw: str


def statistics_period(text: str) -> Period | None:
    """The period the report's numbers cover, where it says so (「统计期限」, 「涵盖…期间」).

    >>> statistics_period("内容涵盖2019年9月1日至12月31日期间的政府信息公开工作情况")
    Period(start='2019-09-01', end='2019-12-31', is_part_year=True, raw='2019年9月1日至12月31日')
    >>> statistics_period("本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止").is_part_year
    False
    >>> statistics_period("2023年3月1日至3月15日开展专项检查") is None  # a date range, not the period
    True
    """
    n = norm(text)
    for m in _PERIOD_RANGE.finditer(n):
        before, after = n[max(0, m.start() - _PERIOD_BEFORE):m.start()], n[m.end():m.end() + 3]
        if not any(word in before for word in _PERIOD_CONTEXT) and not after.startswith("期间"):
            continue
        y1, m1, d1, y2, m2, d2 = (int(g) if g else None for g in m.groups())
        try:
            start, end = date(y1, m1, d1), date(y2 or y1, m2, d2)
        except ValueError:
            continue
        if end < start:
            continue
        year_days = (date(start.year, 12, 31) - date(start.year, 1, 1)).days + 1
        return Period(start.isoformat(), end.isoformat(), (end - start).days + 1 < year_days, m.group(0))
    return None


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _place_names(text: str, level: str) -> list[str]:
    """Division names ending in ``level`` that the text repeats (「平潭综合实验区」 for 区), most
    often printed first.

    A name is read leftwards from its level character for as long as most of its printings
    go on with the same character: 「实验区」 → 「平潭综合实验区」, where the characters before it
    differ (「与」, 「在」, 「：」) and the name ends.

    >>> _place_names("请与平潭综合实验区联系；在平潭综合实验区；实验区办公室；实验区网站；我区；全区", "区")
    ['平潭综合实验区']
    """
    found: dict[str, int] = {}

    def grow(ends: list[int], length: int) -> None:
        children: dict[str, list[int]] = {}
        for i in ends:
            j = i - length
            if j >= 0 and _is_han(text[j]) and length < MAX_PLACE:
                children.setdefault(text[j], []).append(i)
        for group in children.values():
            if len(group) >= 2:
                grow(group, length + 1)
        if not any(2 * len(group) > len(ends) for group in children.values()) and length >= 3 and len(ends) >= 2:
            name = text[ends[0] - length + 1:ends[0] + 1]
            if name[0] not in _NOT_PLACE_START:
                found[name] = len(ends)

    grow([i for i, ch in enumerate(text) if ch == level], 1)
    # 「实验区」 printed alone is short for 「平潭综合实验区」, not a name of its own
    names = [name for name in found if not any(other != name and other.endswith(name) for other in found)]
    return sorted(names, key=lambda name: (-found[name], -len(name)))


def agency_from_opening(sentence: str, text: str) -> str | None:
    """The agency an opening sentence names as who reports, where it is a division reporting as
    itself (「2022年，平潭综合实验区坚持…」); 「我区」 → the division the text names most;
    「区办公室」 → its full form where the text prints one (「平潭综合实验区管委会办公室」).
    Otherwise None: a department's short name (「苏平片区管理局」) may lack the division its
    title or signature would print.

    >>> agency_from_opening("2025年，区办公室坚持以…", "请与平潭综合实验区管委会办公室联系。在平潭综合实验区")
    '平潭综合实验区管委会办公室'
    >>> agency_from_opening("2021年，我区以…", "在平潭综合实验区政府网站；联系地址：平潭综合实验区")
    '平潭综合实验区'
    >>> agency_from_opening("2022年，苏平片区管理局认真…", "苏平片区管理局") is None
    True
    """
    m = _OPENING_SUBJECT.match(norm(sentence))
    if not m:
        return None
    subject = m.group("agency")
    n = norm(text)
    own = _SELF.match(subject)
    if own:
        level = own.group(1)
        places = _place_names(n, level) if len(level) == 1 else []
        return places[0] if places else None
    if subject[0] in _LEVELS:
        body = subject[1:]
        for place in _place_names(n, subject[0]):
            for middle in _GOVERNMENT_BODIES:
                full = place + middle + (body[2:] if middle.endswith("政府") and body.startswith("政府") else body)
                if full in n:
                    return full
        return None
    return subject if _looks_like_agency(subject) and subject.endswith(_DIVISION_ENDINGS) else None


@dataclass
class Meta:
    agency_name: str | None = None
    agency_name_source: str | None = None
    report_year: int | None = None
    report_year_source: str | None = None
    published_date: str | None = None
    published_date_raw: str | None = None
    title: str | None = None
    period: Period | None = None


def extract_meta(doc: Document, headings: list[SectionHeading], full_text: str | None = None) -> Meta:
    """Agency, year, publication date, title and statistics period; ``full_text`` is
    ``doc.plain_text()`` when the caller has it already."""
    meta = Meta()
    paragraphs = [(i, b) for i, b in enumerate(doc.blocks) if isinstance(b, Paragraph)]
    first_heading = headings[0].block_index if headings else len(doc.blocks)
    before = [(i, p) for i, p in paragraphs if i < first_heading]
    head = before[:12] or paragraphs[:5]
    # the title opens the report; on a whole web page (printed or converted) the site's header
    # comes first, so the title is then the last such line before the first section
    title_index = None
    for index, text in _title_lines(head + list(reversed(before[12:]))):
        year = report_year_from_text(text)
        if year is not None:
            meta.title, title_index = text, index
            meta.report_year, meta.report_year_source = year, "title"
            agency = agency_from_title(text)
            if agency and _looks_like_agency(agency):
                meta.agency_name, meta.agency_name_source = agency, "title"
            break
    if title_index not in {i for i, _ in head}:
        title_index = None  # a title found further down, after a site's header: no cover line above it
    for i, para in head:  # an agency line printed above the title (none without a title: text lines wrap)
        if title_index is not None and i < title_index and meta.agency_name is None and _looks_like_agency(para.text):
            meta.agency_name, meta.agency_name_source = norm(para.text), "cover"
    full = doc.plain_text() if full_text is None else full_text
    meta.period = statistics_period(full)
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
    if meta.agency_name is None:  # 「2022年，平潭综合实验区坚持…」, 「2021年，我区以…」
        opening = [p for i, p in paragraphs if headings and i > headings[0].block_index][:3] or \
            [p for _, p in paragraphs[:10]]
        for para in opening:
            agency = agency_from_opening(para.text, full)
            if agency is not None:
                meta.agency_name, meta.agency_name_source = agency, "opening sentence"
                break
    if meta.published_date is None:
        for _, para in head:
            m = _MONTH.match(norm(para.text))
            if m or _DATE.fullmatch(norm(para.text)):
                meta.published_date_raw = para.text.strip()
                meta.published_date = parse_cn_date(norm(para.text))
                break
    if meta.agency_name is not None and meta.agency_name_source == "title" and not meta.agency_name.endswith(
            ("区", "县", "市")):
        # a fuller form of the same name in the opening text, e.g. 花地街 → 花地街道办事处 (a zone or
        # county reporting as itself, 「平潭综合实验区」, is not its 管委会办公室)
        m = re.search(re.escape(meta.agency_name) + r"[\u4e00-\u9fff]{1,8}?(?:办事处|人民政府|管理局|委员会|办公室)", norm(full[:3000]))
        if m:
            meta.agency_name, meta.agency_name_source = m.group(0), "title+text"
    return meta


def _title_lines(paragraphs: list[tuple[int, Paragraph]]) -> list[tuple[int, str]]:
    """Candidate title lines in order: each short line, then (a title printed over two or three
    lines: 「平潭综合实验区2018年度」 / 「政府信息公开工作年度报告」) consecutive short lines joined.
    A sentence of the opening text that names the report is not its title."""
    short = [(i, para.text.strip("#* ")) for i, para in paragraphs
             if len(norm(para.text)) <= MAX_TITLE and not any(p in para.text for p in "。，")]
    joined = []
    for span in (2, 3):
        for k, (i, _) in enumerate(short):
            part = short[k:k + span]
            if len(part) == span and all(b[0] == a[0] + 1 and _is_han(b[1][:1]) for a, b in zip(part, part[1:])) \
                    and all(any(_is_han(ch) for ch in t) for _, t in part):
                joined.append((i, "".join(t for _, t in part)))
    return short + joined


ATTACHMENT_SUFFIXES = ("doc", "docx", "wps", "pdf", "ofd", "xls", "xlsx", "et", "zip", "rar")
_ATTACHMENT = re.compile(rf"^(?:附件\d*[:：]?\s*)?(?P<name>\S.{{0,{MAX_TITLE}}}?\.(?:{'|'.join(ATTACHMENT_SUFFIXES)}))$",
                         re.IGNORECASE)
_REPORT_WORDS = ("报告", "年报")


def attachment_links(doc: Document) -> list[str]:
    """Attachment files a page links to for its report (「平潭综合实验区公安局2020年政府信息公开工作
    年度报告.doc」): short lines that are a file name, where the page or the file name names an
    annual report. Empty when the page shows no such link.

    >>> from helpers.document import Document, Paragraph
    >>> attachment_links(Document("p", "html", [Paragraph("附件下载"), Paragraph("X局2020年政府信息公开工作年度报告.doc")]))
    ['X局2020年政府信息公开工作年度报告.doc']
    """
    names = []
    for block in doc.blocks:
        if not isinstance(block, Paragraph):
            continue
        m = _ATTACHMENT.match(block.text.strip())
        if m is None:
            continue
        # a bullet or icon before the name, and the spaces a PDF's layout puts around numbers, go
        name = re.sub(r"^[^\w\u4e00-\u9fff]+", "", m.group("name"))
        name = re.sub(r"(?<=[\u4e00-\u9fff\d])\s+|\s+(?=[\u4e00-\u9fff.])", "", name)
        if name and name not in names:
            names.append(name)
    titled = any(report_year_from_text(p.text) is not None for p in doc.paragraphs if len(norm(p.text)) <= MAX_TITLE)
    return [n for n in names if titled or any(w in n for w in _REPORT_WORDS)]


def has_tables(doc: Document) -> bool:
    return any(isinstance(b, Table) for b in doc.blocks)
