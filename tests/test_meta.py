"""helpers.tables.meta on the real corpus: agency and year for every raw report (checked against the
provenance manifest), the statistics period, section headings after Table 4, attachment pages."""

from __future__ import annotations

import csv
from functools import cache

import pytest

from helpers import parse_file, read_report
from helpers.corpus.agency import agency_key
from helpers.document import Document, Paragraph
from helpers.errors import ATTACHMENT_ONLY
from helpers.tables.meta import agency_from_opening, attachment_links, statistics_period

from support import RAW

PANEL = RAW / "panel"
REAL = RAW / "real"


def _manifest() -> list[dict[str, str]]:
    with (RAW / "sources.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


MANIFEST = _manifest()
# files that are no report (the page links to its report as an attachment the archive lacks)
NOT_REPORTS = {"panel/pingtan-gonganju_2020.html": ATTACHMENT_ONLY}
# where the file itself does not print the manifest's name, the agency it does name, and why
PRINTED_AGENCY = {
    "partial/013_shenzhen-longgang-qzfgzbm_2024_partial.txt": None,  # the fragment starts at 一、总体情况: no name
    # 「2022年,二道区房屋征收工作管理办公室认真…」: a department's short name in the opening sentence
    # (no 长春市), which is not taken for the agency: its title or signature would print the full name
    "partial/014_changchun-erdao-fangwuzhengshou_2022_partial.txt": None,
    "partial/015_wuhan-hanyang-qzfbgs_2022_partial.txt": None,  # 「区政府办公室」, 「我办」: its 区 is not named
    "partial/016_hebei-xiongxian-xiang_2019_partial.txt": None,  # 「我乡」: the manifest itself says 某乡
    "partial/017_xinjiang-nileke-zhen_2023_partial.txt": None,  # 「我镇」: the manifest itself says 某镇
}


@cache
def _parsed(file: str):
    return parse_file(RAW / file)


@pytest.mark.parametrize("row", MANIFEST, ids=[r["file"] for r in MANIFEST])
def test_agency_and_year_match_the_manifest(row):
    """Every raw report reads the manifest's agency (after agency_key normalisation, or the name
    the file itself prints, listed above with the reason) and the manifest's year."""
    report = _parsed(row["file"])
    if row["file"] in NOT_REPORTS:
        assert report.status == "error" and report.error["type"] == NOT_REPORTS[row["file"]]
        return
    assert report.status != "error", report.error
    meta = report.meta
    assert meta["report_year"] == int(row["report_year"])
    if row["file"] in PRINTED_AGENCY:
        assert meta["agency_name"] == PRINTED_AGENCY[row["file"]]
    else:
        assert meta["agency_name"] is not None
        assert agency_key(meta["agency_name"]) == agency_key(row["agency"]), (meta["agency_name"], row["agency"])


def test_the_manifest_lists_every_raw_report():
    listed = {r["file"] for r in MANIFEST}
    on_disk = {str(p.relative_to(RAW)) for p in RAW.glob("*/*") if p.is_file()}
    assert on_disk == listed


# --- agency and year, by layout family ------------------------------------------------------


def test_zone_reporting_as_itself_without_a_title():
    """022/023: HTML fragments with no title or signature. 「2021年，我区以…」 → the 区 the text names
    (平潭综合实验区); 「2022年，平潭综合实验区坚持…」 → the zone itself."""
    for name, year in (("022_pingtan_2021.html", 2021), ("023_pingtan_2022.html", 2022)):
        meta = read_report(REAL / name).meta
        assert (meta["agency_name"], meta["agency_name_source"], meta["report_year"]) == (
            "平潭综合实验区", "opening sentence", year)


def test_short_form_in_the_opening_sentence_takes_its_printed_full_form():
    """030: 「2025年，区办公室坚持…」, and the text prints 「平潭综合实验区管委会办公室」."""
    meta = read_report(REAL / "030_pingtan-guanweihuibangongshi_2025.html").meta
    assert meta["agency_name"] == "平潭综合实验区管委会办公室"


def test_title_printed_over_two_lines():
    """026 (legacy 2018): 「平潭综合实验区2018年度」 / 「政府信息公开工作年度报告」."""
    meta = read_report(REAL / "026_pingtan_2018_older.html").meta
    assert (meta["title"], meta["agency_name"], meta["agency_name_source"], meta["report_year"]) == (
        "平潭综合实验区2018年度政府信息公开工作年度报告", "平潭综合实验区", "title", 2018)


def test_cover_letter_names_agency_and_year_in_its_title():
    """苏平片区 2020: 「…管理局关于报送2020年度」 / 「政府信息公开工作年度报告的函」, addressed 「区办公室：」."""
    meta = read_report(PANEL / "pingtan-supingpianqu_2020.html").meta
    assert (meta["agency_name"], meta["report_year"], meta["report_year_source"]) == (
        "平潭综合实验区苏平片区管理局", 2020, "title")


def test_opening_sentence_rules():
    text = "请与平潭综合实验区管委会办公室联系。在平潭综合实验区。实验区网站。实验区政府。"
    assert agency_from_opening("2025年，区办公室坚持以人民为中心", text) == "平潭综合实验区管委会办公室"
    assert agency_from_opening("2021年，我区以习近平新时代…为指导", text) == "平潭综合实验区"
    assert agency_from_opening("2022年，平潭综合实验区坚持以…", text) == "平潭综合实验区"
    # a department's short name may lack its division: not taken
    assert agency_from_opening("2022年，苏平片区管理局认真贯彻…", "苏平片区管理局") is None
    assert agency_from_opening("2019年，我乡明确专人负责…", "我乡") is None
    assert agency_from_opening("本报告根据《条例》编制。", text) is None


# --- statistics period ----------------------------------------------------------------------


def test_part_year_report_of_a_bureau_set_up_in_2019():
    """苏平片区 2019: 「内容涵盖2019年9月1日至12月31日期间」."""
    meta = read_report(PANEL / "pingtan-supingpianqu_2019.html").meta
    assert (meta["period_start"], meta["period_end"], meta["is_part_year"]) == ("2019-09-01", "2019-12-31", True)


@pytest.mark.parametrize("name, period", [
    ("panel/pingtan-supingpianqu_2020.html", ("2020-01-01", "2020-12-31", False)),  # 「涵盖…期间」
    ("panel/pingtan-gonganju_2024.html", ("2024-01-01", "2024-12-31", False)),  # 「…至12月31日」, no second year
    ("real/050_pingtan-shichangjianguanju_2025.html", ("2025-01-01", "2025-12-31", False)),  # 「数据统计周期为」
    ("panel/pingtan-gonganju_2019.html", (None, None, None)),  # no period stated
])
def test_statistics_period_in_meta(name, period):
    meta = read_report(RAW / name).meta
    assert (meta["period_start"], meta["period_end"], meta["is_part_year"]) == period


def test_statistics_period_needs_its_sentence():
    assert statistics_period("本报告的统计数据时间段为2020年1月1日至2020年12月31日。").start == "2020-01-01"
    assert statistics_period("2023年3月1日至3月15日，开展专项检查。") is None
    assert statistics_period("统计期限为2023年2月30日至2023年12月31日") is None  # no such day


# --- sections after Table 4 -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["pingtan-supingpianqu_2024.html", "pingtan-supingpianqu_2025.html"])
def test_fee_section_shifts_the_last_headings(name):
    report = read_report(PANEL / name)
    assert report.meta["sections_found"] == ["s1_overview", "s2_active", "s3_applications", "s4_review_litigation",
                                             "s5_fees", "s5_problems"]
    assert report.sections["s5_problems"].startswith("（一）存在的主要问题")
    assert report.sections["s5_fees"] == ""  # the section is its table
    assert "信息处理费" not in report.sections["s4_review_litigation"]


def test_fee_table_inside_section_six_leaves_the_numbering_alone():
    report = read_report(REAL / "050_pingtan-shichangjianguanju_2025.html")
    assert report.meta["sections_found"][-2:] == ["s5_problems", "s6_other"]
    assert report.sections["s6_other"].startswith("根据《条例》及相关规定")


# --- attachment-only pages ------------------------------------------------------------------


def test_attachment_links_name_the_report_files():
    doc = Document("p.html", "html", [Paragraph("X局2020年政府信息公开工作年度报告"), Paragraph("附件下载"),
                                      Paragraph("\uf0b7 X局 2020 年政府信息公开工作年度报告 .doc"),
                                      Paragraph("首页"), Paragraph("附件：说明.pdf")])
    assert attachment_links(doc) == ["X局2020年政府信息公开工作年度报告.doc", "说明.pdf"]
    assert attachment_links(Document("p.html", "html", [Paragraph("新闻"), Paragraph("图片.jpg")])) == []
    # a file name alone, on a page that names no report, is not a report's attachment
    assert attachment_links(Document("p.html", "html", [Paragraph("下载"), Paragraph("办事指南.pdf")])) == []
