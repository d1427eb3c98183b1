"""Agency names → key, region, level and type: every name in data/raw/sources.csv, the labelled
names of benchmarks/agency_names.csv, the alias table and the data files behind them."""

from __future__ import annotations

import csv
import html
import re
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from support import RAW, ROOT

from helpers.corpus import agency
from helpers.corpus.agency import AgencyInfo, agency_key, aliases, describe_agency
from helpers.corpus import ingest

GD, FJ = "广东省", "福建省"
PINGTAN = "平潭综合实验区"
STATE_ASSETS, INVESTMENT = PINGTAN + "国有资产管理局", PINGTAN + "投资促进局"  # renamed for report year 2024

EXPECTED = {
    # seeds
    "荔湾区花地街道办事处": AgencyInfo("荔湾区花地街道办事处", GD, "广州市", "荔湾区", "township", "subdistrict"),
    "荔湾区花地街道办事处（广州市）": AgencyInfo("荔湾区花地街道办事处", GD, "广州市", "荔湾区", "township", "subdistrict"),
    "铁塔办事处": AgencyInfo("铁塔街道办事处", None, None, None, "township", "subdistrict"),
    "铁塔街道办事处": AgencyInfo("铁塔街道办事处", None, None, None, "township", "subdistrict"),
    "广州市增城区小楼镇人民政府": AgencyInfo("广州市增城区小楼镇人民政府", GD, "广州市", "增城区", "township", "township"),
    "广州市海珠区政务服务数据管理局": AgencyInfo("广州市海珠区政务服务数据管理局", GD, "广州市", "海珠区", "county", "department"),
    "银川市兴庆区丽景街街道办事处": AgencyInfo("银川市兴庆区丽景街街道办事处", "宁夏回族自治区", "银川市", "兴庆区", "township", "subdistrict"),
    # real
    "平潭综合实验区": AgencyInfo(PINGTAN, FJ, "福州市", PINGTAN, "county", "zone"),
    "平潭综合实验区（福建省）": AgencyInfo(PINGTAN, FJ, "福州市", PINGTAN, "county", "zone"),
    "平潭综合实验区市场监督管理局": AgencyInfo("平潭综合实验区市场监督管理局", FJ, "福州市", PINGTAN, "county", "department"),
    "平潭综合实验区财政金融局": AgencyInfo("平潭综合实验区财政金融局", FJ, "福州市", PINGTAN, "county", "department"),
    "平潭综合实验区海坛片区管理局": AgencyInfo("平潭综合实验区海坛片区管理局", FJ, "福州市", PINGTAN, "county", "department"),
    "平潭综合实验区管委会办公室": AgencyInfo("平潭综合实验区管理委员会办公室", FJ, "福州市", PINGTAN, "county", "government_office"),
    "淮安市人民政府": AgencyInfo("淮安市人民政府", "江苏省", "淮安市", None, "city", "government"),
    # partial
    "深圳市龙岗区（区政府工作部门）": AgencyInfo("深圳市龙岗区(区政府工作部门)", GD, "深圳市", "龙岗区", "county", "department"),
    "长春市二道区房屋征收工作管理办公室": AgencyInfo("长春市二道区房屋征收工作管理办公室", "吉林省", "长春市", "二道区", "county", "department"),
    "武汉市汉阳区人民政府办公室": AgencyInfo("武汉市汉阳区人民政府办公室", "湖北省", "武汉市", "汉阳区", "county", "government_office"),
    "河北省雄县某乡": AgencyInfo("河北省雄县某乡", "河北省", "保定市", "雄县", "township", "township"),
    "新疆尼勒克县某镇": AgencyInfo("新疆尼勒克县某镇", "新疆维吾尔自治区", "伊犁哈萨克自治州", "尼勒克县", "township", "township"),
    # invented: municipalities are provinces, so their districts have no city
    "北京市海淀区人民政府": AgencyInfo("北京市海淀区人民政府", "北京市", None, "海淀区", "county", "government"),
    "上海市人民政府办公厅": AgencyInfo("上海市人民政府办公厅", "上海市", None, None, "province", "government_office"),
    "浙江省杭州市人民政府": AgencyInfo("浙江省杭州市人民政府", "浙江省", "杭州市", None, "city", "government"),
}
# panel: 平潭's bureaus and area administrations, all county-level departments of the zone
PANEL_DEPARTMENTS = ("交通与建设局", "公安局", "农业农村局", "君山片区管理局", "投资促进局",
                     "旅游与文化体育局", "社会事业局", "经济发展局", "综合执法与应急管理局", "自然资源与生态环境局",
                     "苏平片区管理局", "行政审批局", "金井片区管理局")
EXPECTED |= {PINGTAN + d: AgencyInfo(PINGTAN + d, FJ, "福州市", PINGTAN, "county", "department") for d in PANEL_DEPARTMENTS}
EXPECTED[STATE_ASSETS] = AgencyInfo(INVESTMENT, FJ, "福州市", PINGTAN, "county", "department")  # through the alias
NO_AGENCY = AgencyInfo(None, None, None, None, None, None)


def _manifest_names() -> set[str]:
    with (RAW / "sources.csv").open(encoding="utf-8", newline="") as handle:
        return {row["agency"] for row in csv.DictReader(handle)}


def _labelled() -> list[dict[str, str]]:
    with (ROOT / "benchmarks" / "agency_names.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("name", EXPECTED)
def test_describe_agency(name):
    assert describe_agency(name) == EXPECTED[name]


@pytest.mark.parametrize("name", [None, "", " \u3000"])
def test_blank_name_is_all_none(name):
    assert describe_agency(name) == NO_AGENCY
    assert agency_key(name) is None


def test_every_agency_in_the_manifest_is_covered():
    assert _manifest_names() <= set(EXPECTED)
    assert _manifest_names() <= {row["name"] for row in _labelled()}


@pytest.mark.parametrize("row", _labelled(), ids=lambda row: row["name"])
def test_labelled_names_get_their_region(row):
    """benchmarks/agency_names.csv: hand labels, every province, ambiguous names left empty."""
    info = describe_agency(row["name"])
    assert (info.province, info.city, info.county) == tuple(row[f] or None for f in ("province", "city", "county"))


@pytest.mark.parametrize("name, expected", [
    # a unique district printed alone gets its parents; an ambiguous one gets none
    ("荔湾区人民政府", ("广东省", "广州市", "荔湾区")),
    ("朝阳区", (None, None, "朝阳区")),  # 北京市 or 长春市
    ("鼓楼区人民政府", (None, None, "鼓楼区")),  # 南京市 徐州市 开封市 福州市
    ("龙华区观澜街道办事处", (None, None, "龙华区")),  # 深圳市 or 海口市
    ("桥西区人民政府", ("河北省", None, "桥西区")),  # every 桥西区 is in 河北省: that much is certain
    # the printed parent picks one
    ("长春市朝阳区人民政府", ("吉林省", "长春市", "朝阳区")),
    ("北京市朝阳区人民政府", ("北京市", None, "朝阳区")),
    # a county-level city printed alone, or with its township
    ("昆山市千灯镇人民政府", ("江苏省", "苏州市", "昆山市")),
    ("湖北省仙桃市人民政府", ("湖北省", None, "仙桃市")),  # under the province directly
    # divisions since 2019 and one gone in 2020 (邢台市桥西区 → 信都区) are all known
    ("杭州市临平区人民政府", ("浙江省", "杭州市", "临平区")),
    ("邢台市桥西区人民政府", ("河北省", "邢台市", "桥西区")),
])
def test_ambiguous_names_stay_empty_and_unique_ones_resolve(name, expected):
    info = describe_agency(name)
    assert (info.province, info.city, info.county) == expected


@pytest.mark.parametrize("spellings", [
    ("荔湾区花地街道办事处", "荔湾区花地街道办事处（广州市）", "荔湾区花地街道办事处(广州市)", "荔湾区 花地街道办事处"),
    ("铁塔办事处", "铁塔街道办事处"),
    ("平潭综合实验区", "平潭综合实验区（福建省）"),
    ("平潭综合实验区管委会办公室", "平潭综合实验区管理委员会办公室"),
    ("花地街道办", "花地街道办事处"),
    ("北京市海淀区人民政府", "北京市 海淀区 人民政府", "北京市海淀区人民政府"),
    (STATE_ASSETS, INVESTMENT, "平潭综合实验区 国有资产管理局"),  # renamed: through the alias table
])
def test_spellings_of_one_agency_share_a_key(spellings):
    assert len({agency_key(s) for s in spellings}) == 1


@pytest.mark.parametrize("names", [
    ("平潭综合实验区", "平潭综合实验区管委会办公室", "平潭综合实验区市场监督管理局", "平潭综合实验区海坛片区管理局"),
    ("深圳市龙岗区（区政府工作部门）", "深圳市龙岗区"),
    ("公安局（广州市）", "公安局（深圳市）"),  # a region qualifier is kept when the name has no division of its own
    ("铁塔街办事处", "铁塔街道办事处"),  # 「X街」 may be a street's own name: not unified
    (STATE_ASSETS + "办公室", INVESTMENT),  # the alias is for the whole key, not a prefix
])
def test_different_agencies_get_different_keys(names):
    assert len({agency_key(n) for n in names}) == len(names)


@pytest.mark.parametrize("name, expected", [
    # short provinces that start a lower division or a street are not provinces
    ("吉林市人民政府", AgencyInfo("吉林市人民政府", "吉林省", "吉林市", None, "city", "government")),
    ("天津市河北区人民政府", AgencyInfo("天津市河北区人民政府", "天津市", None, "河北区", "county", "government")),
    ("海南藏族自治州人民政府", AgencyInfo("海南藏族自治州人民政府", "青海省", "海南藏族自治州", None, "city", "government")),
    ("越秀区北京路街道办事处", AgencyInfo("越秀区北京路街道办事处", GD, "广州市", "越秀区", "township", "subdistrict")),
    ("四川北路街道办事处", AgencyInfo("四川北路街道办事处", None, None, None, "township", "subdistrict")),
    # agency words are not places: no county 「公安局越秀区」, no township 「住房和城乡」, no county 「城市」
    ("广州市公安局越秀区分局", AgencyInfo("广州市公安局越秀区分局", GD, "广州市", None, "city", "department")),
    ("广州市住房和城乡建设局", AgencyInfo("广州市住房和城乡建设局", GD, "广州市", None, "city", "department")),
    ("广州市城市管理和综合执法局", AgencyInfo("广州市城市管理和综合执法局", GD, "广州市", None, "city", "department")),
    ("海珠区市场监督管理局", AgencyInfo("海珠区市场监督管理局", GD, "广州市", "海珠区", "county", "department")),
    ("重庆市万州区人民政府", AgencyInfo("重庆市万州区人民政府", "重庆市", None, "万州区", "county", "government")),
    ("公安局（广州市）", AgencyInfo("公安局(广州市)", GD, "广州市", None, "city", "department")),
    ("广东省人民政府驻北京办事处", AgencyInfo("广东省人民政府驻北京办事处", GD, None, None, "province", "department")),
    # known places whose characters end places elsewhere are read whole
    ("萍乡市人民政府", AgencyInfo("萍乡市人民政府", "江西省", "萍乡市", None, "city", "government")),
    ("天津市和平区人民政府", AgencyInfo("天津市和平区人民政府", "天津市", None, "和平区", "county", "government")),
    ("余杭区仁和街道办事处", AgencyInfo("余杭区仁和街道办事处", "浙江省", "杭州市", "余杭区", "township", "subdistrict")),
])
def test_place_patterns_do_not_overreach(name, expected):
    assert describe_agency(name) == expected


# -- the alias table --------------------------------------------------------------------------

def test_alias_table_maps_the_renamed_bureau_with_its_source():
    table = aliases()
    assert list(table.columns) == list(agency.ALIAS_COLUMNS)
    row = table.set_index("alias_key").loc[STATE_ASSETS]
    assert (row["agency_key"], row["from_year"], row["to_year"]) == (INVESTMENT, 2020, 2023)
    assert "data/raw/panel/pingtan-guoyouzichanguanliju_2024.html" in row["source"]
    assert describe_agency(STATE_ASSETS).agency_key == describe_agency(INVESTMENT).agency_key == INVESTMENT


def test_every_alias_row_is_sourced_and_its_quotes_are_in_the_cited_report():
    for row in aliases().itertuples():
        assert row.source and row.note
        files = re.findall(r"data/raw/\S+?\.html", row.source)
        assert files, f"{row.alias_key}: the source names no file under data/raw"
        pages = (html.unescape(re.sub(r"<[^>]+>", "", (ROOT / f).read_text(encoding="utf-8"))) for f in files)
        text = "".join("".join(page.split()) for page in pages)
        for quoted in re.findall(r"「([^」]+)」", row.source):
            assert "".join(quoted.split()) in text, quoted


def test_alias_years_are_the_years_the_manifest_prints_the_old_name():
    with (RAW / "sources.csv").open(encoding="utf-8", newline="") as handle:
        manifest = list(csv.DictReader(handle))
    for row in aliases().itertuples():
        years = sorted(int(m["report_year"]) for m in manifest if agency._spelled_key(m["agency"]) == row.alias_key)
        assert (years[0], years[-1]) == (row.from_year, row.to_year)
        current = [int(m["report_year"]) for m in manifest if agency._spelled_key(m["agency"]) == row.agency_key]
        assert min(current) > row.to_year  # the new name follows the old one


@pytest.mark.parametrize("bad_row, message", [
    ({"source": ""}, "needs a source"),
    ({"agency_key": STATE_ASSETS}, "two different keys"),
    ({"alias_key": "平潭综合实验区 国有资产管理局"}, "two different keys"),  # not spelled as agency_key spells it
    ({"from_year": "2024"}, "from ≤ to"),
    ({"to_year": "今"}, "from ≤ to"),
])
def test_malformed_alias_rows_are_refused(monkeypatch, bad_row, message):
    good = {"alias_key": STATE_ASSETS, "agency_key": INVESTMENT, "from_year": "2020", "to_year": "2023",
            "source": "a report", "note": ""}
    monkeypatch.setattr(agency, "_read_data_csv", lambda name, columns: [(2, good | bad_row)])
    agency._alias_map.cache_clear()
    try:
        with pytest.raises(ValueError, match=message):
            agency._alias_map()
    finally:
        agency._alias_map.cache_clear()


def test_aliases_pointing_at_aliases_are_refused(monkeypatch):
    rows = [(2, {"alias_key": "甲局", "agency_key": "乙局", "from_year": "2020", "to_year": "2021", "source": "s", "note": ""}),
            (3, {"alias_key": "乙局", "agency_key": "丙局", "from_year": "2022", "to_year": "2023", "source": "s", "note": ""})]
    monkeypatch.setattr(agency, "_read_data_csv", lambda name, columns: rows)
    agency._alias_map.cache_clear()
    try:
        with pytest.raises(ValueError, match="not at another alias"):
            agency._alias_map()
    finally:
        agency._alias_map.cache_clear()


def test_ingest_gives_both_names_the_current_key(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in sorted((RAW / "panel").glob("pingtan-guoyouzichanguanliju_20*.html")):
        shutil.copy(path, raw / path.name)
    ingest(raw, tmp_path / "out", workers=1)
    reports = pd.read_parquet(tmp_path / "out" / "reports.parquet").sort_values("report_year")
    assert reports[["agency_name", "agency_key", "report_year"]].values.tolist() == [
        [STATE_ASSETS, INVESTMENT, 2020], [STATE_ASSETS, INVESTMENT, 2023],
        [INVESTMENT, INVESTMENT, 2024], [INVESTMENT, INVESTMENT, 2025]]


# -- the division data ------------------------------------------------------------------------

def test_divisions_come_from_the_installed_package_and_load_once():
    path = agency._package_data_file()
    assert path.is_file() and agency.DIVISIONS_PACKAGE in path.parts
    agency._divisions.cache_clear()
    agency._describe.cache_clear()
    describe_agency("北京市海淀区人民政府")
    describe_agency("广州市荔湾区人民政府")
    assert agency._divisions.cache_info().misses == 1
    table = agency._divisions()
    assert len(table.provinces) == 34 and table.short_names["内蒙古"] == "内蒙古自治区"
    counties = [d for places in table.by_name.values() for d in places if d.level == agency.LEVEL_COUNTY]
    assert 2800 < len(counties) < 3300  # about 2,850 in force, plus those renamed since 2018


def test_supplement_rows_are_sourced_and_unknown_to_the_package():
    with (Path(agency.__file__).parents[1] / agency.SUPPLEMENT_FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["name"] for r in rows] == [PINGTAN]
    assert all(r["source"] and r["province"] for r in rows)
    assert not {r["name"] for r in rows} & {row[1] for row in agency._package_rows()}


def test_a_name_takes_well_under_a_millisecond():
    names = [row["name"] for row in _labelled()]
    agency._divisions()  # loaded once per process; timed in benchmarks/bench_divisions.py
    start = time.perf_counter()
    for name in names:
        agency._describe.__wrapped__(agency.norm(name))
    assert (time.perf_counter() - start) / len(names) < 0.001


# Written after the reader was built and checked once, unchanged (held out): 33/33 on first run.
HELD_OUT = [
("杭州市西湖区人民政府","浙江省","杭州市","西湖区"),("南昌市西湖区人民政府","江西省","南昌市","西湖区"),
("深圳市南山区发展和改革局","广东省","深圳市","南山区"),("成都市武侯区教育局","四川省","成都市","武侯区"),
("喀什地区疏附县人民政府","新疆维吾尔自治区","喀什地区","疏附县"),("延边朝鲜族自治州龙井市人民政府","吉林省","延边朝鲜族自治州","龙井市"),
("锡林郭勒盟正蓝旗人民政府","内蒙古自治区","锡林郭勒盟","正蓝旗"),("重庆市渝中区人民政府","重庆市",None,"渝中区"),
("上海市浦东新区人民政府办公室","上海市",None,"浦东新区"),("海口市美兰区人民政府","海南省","海口市","美兰区"),
("仙桃市人民政府","湖北省",None,"仙桃市"),("济源市人民政府","河南省",None,"济源市"),
("拉萨市城关区人民政府","西藏自治区","拉萨市","城关区"),("兰州市城关区人民政府","甘肃省","兰州市","城关区"),
("昆明市五华区人民政府","云南省","昆明市","五华区"),("大理白族自治州大理市人民政府","云南省","大理白族自治州","大理市"),
("哈尔滨市香坊区人民政府","黑龙江省","哈尔滨市","香坊区"),("厦门市思明区人民政府","福建省","厦门市","思明区"),
("泉州市晋江市人民政府","福建省","泉州市","晋江市"),("晋江市人民政府","福建省","泉州市","晋江市"),
("义乌市人民政府","浙江省","金华市","义乌市"),("张家港市人民政府","江苏省","苏州市","张家港市"),
("贵阳市观山湖区人民政府","贵州省","贵阳市","观山湖区"),("石河子市人民政府","新疆维吾尔自治区",None,"石河子市"),
("北京市海淀区人民政府","北京市",None,"海淀区"),("天津市滨海新区人民政府","天津市",None,"滨海新区"),
("广州市黄埔区人民政府","广东省","广州市","黄埔区"),("青岛市黄岛区人民政府","山东省","青岛市","黄岛区"),
("三沙市人民政府","海南省","三沙市",None),("儋州市人民政府","海南省","儋州市",None),
("长沙县人民政府","湖南省","长沙市","长沙县"),("铜仁市碧江区人民政府","贵州省","铜仁市","碧江区"),
("宁波市鄞州区人民政府","浙江省","宁波市","鄞州区"),
]


@pytest.mark.parametrize(("name", "province", "city", "county"), HELD_OUT, ids=[c[0] for c in HELD_OUT])
def test_held_out_names_resolve_to_their_divisions(name, province, city, county):
    info = describe_agency(name)
    assert (info.province, info.city, info.county) == (province, city, county)


@pytest.mark.parametrize("name", ["西湖区人民政府", "城关区人民政府", "鼓楼区人民政府"])
def test_a_district_name_several_cities_share_gets_no_parents(name):
    info = describe_agency(name)
    assert (info.province, info.city) == (None, None) and info.county == name.removesuffix("人民政府")
