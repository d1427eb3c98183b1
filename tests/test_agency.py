"""Agency names → key, region, level and type: every name in data/raw/sources.csv, plus a few invented."""

from __future__ import annotations

import csv

import pytest
from support import RAW

from helpers.agency import AgencyInfo, agency_key, describe_agency

GD, FJ = "广东省", "福建省"
PINGTAN = "平潭综合实验区"

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
PANEL_DEPARTMENTS = ("交通与建设局", "公安局", "农业农村局", "君山片区管理局", "国有资产管理局", "投资促进局",
                     "旅游与文化体育局", "社会事业局", "经济发展局", "综合执法与应急管理局", "自然资源与生态环境局",
                     "苏平片区管理局", "行政审批局", "金井片区管理局")
EXPECTED |= {PINGTAN + d: AgencyInfo(PINGTAN + d, FJ, "福州市", PINGTAN, "county", "department") for d in PANEL_DEPARTMENTS}
NO_AGENCY = AgencyInfo(None, None, None, None, None, None)


@pytest.mark.parametrize("name", EXPECTED)
def test_describe_agency(name):
    assert describe_agency(name) == EXPECTED[name]


@pytest.mark.parametrize("name", [None, "", " \u3000"])
def test_blank_name_is_all_none(name):
    assert describe_agency(name) == NO_AGENCY
    assert agency_key(name) is None


def test_every_agency_in_the_manifest_is_covered():
    with (RAW / "sources.csv").open(encoding="utf-8", newline="") as handle:
        names = {row["agency"] for row in csv.DictReader(handle)}
    assert names <= set(EXPECTED)


@pytest.mark.parametrize("spellings", [
    ("荔湾区花地街道办事处", "荔湾区花地街道办事处（广州市）", "荔湾区花地街道办事处(广州市)", "荔湾区 花地街道办事处"),
    ("铁塔办事处", "铁塔街道办事处"),
    ("平潭综合实验区", "平潭综合实验区（福建省）"),
    ("平潭综合实验区管委会办公室", "平潭综合实验区管理委员会办公室"),
    ("花地街道办", "花地街道办事处"),
    ("北京市海淀区人民政府", "北京市 海淀区 人民政府", "北京市海淀区人民政府"),
])
def test_spellings_of_one_agency_share_a_key(spellings):
    assert len({agency_key(s) for s in spellings}) == 1


@pytest.mark.parametrize("names", [
    ("平潭综合实验区", "平潭综合实验区管委会办公室", "平潭综合实验区市场监督管理局", "平潭综合实验区海坛片区管理局"),
    ("深圳市龙岗区（区政府工作部门）", "深圳市龙岗区"),
    ("公安局（广州市）", "公安局（深圳市）"),  # a region qualifier is kept when the name has no division of its own
    ("铁塔街办事处", "铁塔街道办事处"),  # 「X街」 may be a street's own name: not unified
])
def test_different_agencies_get_different_keys(names):
    assert len({agency_key(n) for n in names}) == len(names)


@pytest.mark.parametrize("name, expected", [
    # short provinces that start a lower division or a street are not provinces
    ("吉林市人民政府", AgencyInfo("吉林市人民政府", None, "吉林市", None, "city", "government")),
    ("天津市河北区人民政府", AgencyInfo("天津市河北区人民政府", "天津市", None, "河北区", "county", "government")),
    ("海南藏族自治州人民政府", AgencyInfo("海南藏族自治州人民政府", None, "海南藏族自治州", None, "city", "government")),
    ("越秀区北京路街道办事处", AgencyInfo("越秀区北京路街道办事处", None, None, "越秀区", "township", "subdistrict")),
    # agency words are not places: no county 「公安局越秀区」, no township 「住房和城乡」, no county 「城市」
    ("广州市公安局越秀区分局", AgencyInfo("广州市公安局越秀区分局", GD, "广州市", None, "city", "department")),
    ("广州市住房和城乡建设局", AgencyInfo("广州市住房和城乡建设局", GD, "广州市", None, "city", "department")),
    ("广州市城市管理和综合执法局", AgencyInfo("广州市城市管理和综合执法局", GD, "广州市", None, "city", "department")),
    ("海珠区市场监督管理局", AgencyInfo("海珠区市场监督管理局", GD, "广州市", "海珠区", "county", "department")),
    ("重庆市万州区人民政府", AgencyInfo("重庆市万州区人民政府", "重庆市", None, "万州区", "county", "government")),
    ("公安局（广州市）", AgencyInfo("公安局(广州市)", GD, "广州市", None, "city", "department")),
    ("广东省人民政府驻北京办事处", AgencyInfo("广东省人民政府驻北京办事处", GD, None, None, "province", "department")),
])
def test_place_patterns_do_not_overreach(name, expected):
    assert describe_agency(name) == expected
