"""Agency names: a key that matches one agency across years, plus its region, level and type.

A name is read from the left as optional divisions, then the body that names the agency:
province (全称 or 简称) → prefecture (X市/X州/X盟/X地区) → county (X区/X县/X市/X旗, zones such
as 平潭综合实验区) → township (X镇/X乡/X街道) → body (人民政府, 办公室, 局 …). Bracketed
qualifiers are read apart: a region qualifier 「（广州市）」 fills the region; any other one
「（区政府工作部门）」 stays in the key because it tells agencies apart.

Province-level divisions come from ``data/admin_divisions.csv`` (all 34). Its city and county
rows are PARTIAL: only the divisions named in ``data/raw`` (plus their parents), so that a name
printed without its city (「荔湾区花地街道办事处」) still gets one. A division missing from the
table leaves that field None rather than guessing. The key never depends on the table.

>>> describe_agency("荔湾区花地街道办事处（广州市）")
AgencyInfo(agency_key='荔湾区花地街道办事处', province='广东省', city='广州市', county='荔湾区', agency_level='township', agency_type='subdistrict')
>>> agency_key("铁塔办事处") == agency_key("铁塔街道办事处")
True
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .normalize import norm

DIVISIONS_FILE = "data/admin_divisions.csv"

LEVEL_PROVINCE = "province"
LEVEL_CITY = "city"
LEVEL_COUNTY = "county"
LEVEL_TOWNSHIP = "township"

TYPE_GOVERNMENT = "government"  # X人民政府
TYPE_GOVERNMENT_OFFICE = "government_office"  # X人民政府办公室/办公厅, 管委会办公室
TYPE_DEPARTMENT = "department"  # 局, 委员会, 办, 厅, 中心 …
TYPE_SUBDISTRICT = "subdistrict"  # 街道办事处
TYPE_TOWNSHIP = "township"  # 镇/乡人民政府
TYPE_ZONE = "zone"  # 开发区/实验区/新区 and their 管委会

# Characters that never occur inside a place name; they stop a division pattern from
# swallowing an agency's body (「公安局越秀区分局」 is not a county). 州 is allowed: 广州市, 万州区.
_NOT_PLACE = "局委办厅府处院部署所站队会心司室省市区县盟旗镇乡街路政人驻党和"
_PLACE = rf"[^{_NOT_PLACE}\W\d_]"
_TOWN_PLACE = rf"[^{_NOT_PLACE.replace('街', '').replace('路', '')}\W\d_]"  # 丽景街街道, 北京路街道

_CITY = re.compile(rf"{_PLACE}{{2,8}}?(?:自治州|地区|市(?!场)|州|盟)")
_COUNTY = re.compile(rf"(?:城区|郊区|矿区|{_PLACE}{{1,8}}?(?:自治县|自治旗|县|旗)|{_PLACE}{{2,8}}?(?:区|市(?!场)))")
# A township is only read when the government or office follows it: 「城乡建设局」 is no 乡.
_TOWNSHIP = re.compile(rf"(?:某|{_TOWN_PLACE}{{2,8}}?)(?:街道|镇|乡|苏木)(?=$|人民政府$|政府$|办事处$|办$)")
_BARE_OFFICE = re.compile(rf"({_TOWN_PLACE}{{2,6}})办事处")  # 铁塔办事处 = 铁塔街道办事处
_QUALIFIER = re.compile(r"\(([^()]*)\)")
_GOVERNMENT_BODY = ("人民政府", "政府")
_OFFICE_BODY = re.compile(r"(?:人民政府|政府|管理委员会)办(?:公室|公厅)?")
_ZONE_SUFFIXES = ("实验区", "试验区", "开发区", "高新区", "示范区", "合作区", "新区", "园区")
_DEPARTMENT_SUFFIXES = ("局", "委员会", "委", "办公室", "办公厅", "办", "厅", "中心", "办事处", "处", "院", "所", "署", "站", "队", "会", "部", "室")
# Short forms that are also the start of a lower division or a street: 吉林市, 海南藏族自治州, 河北区, 北京路.
_NOT_AFTER_SHORT_PROVINCE = "省市区县州盟旗路街道镇乡村"
_MINORITY_PREFECTURE = re.compile(r"[^市区县盟旗]{0,8}族")


@dataclass(frozen=True)
class AgencyInfo:
    """What an agency name says about the agency; None where the name does not say."""

    agency_key: str | None
    province: str | None
    city: str | None
    county: str | None
    agency_level: str | None
    agency_type: str | None


_NO_AGENCY = AgencyInfo(None, None, None, None, None, None)


@dataclass(frozen=True)
class _Division:
    name: str
    level: str
    province: str | None
    city: str | None


@dataclass(frozen=True)
class _Divisions:
    provinces: tuple[_Division, ...]
    short_names: dict[str, str]
    by_name: dict[str, _Division]


@dataclass(frozen=True)
class _Parsed:
    """A name split into divisions as printed, the body, and its bracketed qualifiers."""

    core: str
    province: str | None
    city: str | None
    county: str | None
    township: str | None
    body: str
    region_qualifiers: tuple[str, ...]
    other_qualifiers: tuple[str, ...]


@lru_cache(maxsize=1)
def _divisions() -> _Divisions:
    """The division table, checked: 34 province-level rows, every parent a known row."""
    path = resources.files(__package__).joinpath(DIVISIONS_FILE)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_name: dict[str, _Division] = {}
    short_names: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        if row["level"] not in (LEVEL_PROVINCE, LEVEL_CITY, LEVEL_COUNTY) or row["name"] in by_name:
            raise ValueError(f"{DIVISIONS_FILE} line {line}: bad level or duplicate name {row['name']!r}")
        by_name[row["name"]] = _Division(row["name"], row["level"], row["province"] or None, row["city"] or None)
        if row["short_name"]:
            short_names[row["short_name"]] = row["name"]
    for division in by_name.values():
        for parent in (division.province, division.city):
            if parent is not None and parent not in by_name:
                raise ValueError(f"{DIVISIONS_FILE}: {division.name} names unknown parent {parent!r}")
    provinces = tuple(d for d in by_name.values() if d.level == LEVEL_PROVINCE)
    if len(provinces) != 34:
        raise ValueError(f"{DIVISIONS_FILE}: expected 34 province-level divisions, found {len(provinces)}")
    return _Divisions(provinces, short_names, by_name)


def _match_province(text: str) -> tuple[str, str] | None:
    """(printed prefix, full province name) when ``text`` starts with a province.

    >>> _match_province("新疆尼勒克县某镇")
    ('新疆', '新疆维吾尔自治区')
    >>> _match_province("吉林市人民政府") is None
    True
    """
    table = _divisions()
    for province in table.provinces:
        if text.startswith(province.name):
            return province.name, province.name
    for short, full in table.short_names.items():
        rest = text[len(short):]
        if text.startswith(short) and not (rest[:1] and rest[0] in _NOT_AFTER_SHORT_PROVINCE) and not _MINORITY_PREFECTURE.match(rest):
            return short, full
    return None


def _split_divisions(text: str) -> tuple[str | None, str | None, str | None, str | None, str]:
    """(province, city, county, township, body), read left to right.

    >>> _split_divisions("广州市增城区小楼镇人民政府")
    (None, '广州市', '增城区', '小楼镇', '人民政府')
    """
    province = city = county = township = None
    if found := _match_province(text):
        printed, province = found
        text = text[len(printed):]
    if m := _CITY.match(text):
        city, text = m.group(), text[m.end():]
    if m := _COUNTY.match(text):
        county, text = m.group(), text[m.end():]
    if m := _TOWNSHIP.match(text):
        township, text = m.group(), text[m.end():]
    return province, city, county, township, text


def _is_region(text: str) -> bool:
    """True when ``text`` is nothing but division names: 「广州市」, 「福建省」.

    >>> _is_region("福建省"), _is_region("区政府工作部门")
    (True, False)
    """
    *divisions, body = _split_divisions(text)
    return body == "" and any(divisions)


def _parse(name: str) -> _Parsed:
    """Normalise (NFKC, no whitespace), lift out bracketed qualifiers, split the rest.

    >>> _parse("深圳市龙岗区（区政府工作部门）").other_qualifiers
    ('区政府工作部门',)
    """
    text = norm(name)
    qualifiers = [q for q in _QUALIFIER.findall(text) if q]
    core = _QUALIFIER.sub("", text)
    province, city, county, township, body = _split_divisions(core)
    return _Parsed(
        core, province, city, county, township, body,
        tuple(q for q in qualifiers if _is_region(q)),
        tuple(q for q in qualifiers if not _is_region(q)),
    )


def _canonical_body(parsed: _Parsed) -> str:
    """The body with abbreviations that certainly name the same agency spelled out.

    >>> _canonical_body(_parse("铁塔办事处")), _canonical_body(_parse("花地街道办"))
    ('铁塔街道办事处', '办事处')
    """
    body = parsed.body.replace("管委会", "管理委员会")
    if parsed.township and parsed.township.endswith("街道") and body == "办":
        return "办事处"
    m = _BARE_OFFICE.fullmatch(body)
    # 「X街办事处」 may abbreviate X街道 or be a street called X街: left as printed.
    if m and not parsed.township and not m.group(1).endswith(("街", "街道")):
        return f"{m.group(1)}街道办事处"
    return body


def agency_key(name: str | None) -> str | None:
    """Normalised agency name, equal for the spellings of one agency across years.

    NFKC, whitespace removed; a region qualifier 「（广州市）」 dropped when the name already
    starts with its own division (otherwise kept, so 「公安局（广州市）」 and 「公安局（深圳市）」
    stay apart); other qualifiers kept; 管委会 → 管理委员会; 「X街道办」 and a bare
    「X办事处」 → 「X街道办事处」. Nothing else is changed.

    >>> agency_key("荔湾区花地街道办事处（广州市）")
    '荔湾区花地街道办事处'
    >>> agency_key("铁塔办事处")
    '铁塔街道办事处'
    >>> agency_key(" ") is None
    True
    """
    if name is None or not norm(name):
        return None
    parsed = _parse(name)
    has_own_division = any((parsed.province, parsed.city, parsed.county))
    prefix = parsed.core[: len(parsed.core) - len(parsed.body)]
    kept = parsed.other_qualifiers if has_own_division else parsed.other_qualifiers + parsed.region_qualifiers
    return prefix + _canonical_body(parsed) + "".join(f"({q})" for q in kept)


def _fill_region(parsed: _Parsed) -> tuple[str | None, str | None, str | None]:
    """(province, city, county): printed divisions, then region qualifiers, then the table.

    >>> _fill_region(_parse("荔湾区花地街道办事处"))
    ('广东省', '广州市', '荔湾区')
    """
    table = _divisions().by_name
    province, city, county = parsed.province, parsed.city, parsed.county
    for qualifier in parsed.region_qualifiers:
        q_province, q_city, q_county, *_ = _split_divisions(qualifier)
        province, city, county = province or q_province, city or q_city, county or q_county
    known_county = table.get(county) if county else None
    if known_county and city in (None, known_county.city):
        city, province = known_county.city, province or known_county.province
    known_city = table.get(city) if city else None
    if known_city and province is None:
        province = known_city.province
    return province, city, county


def _level(township: str | None, region: tuple[str | None, str | None, str | None], agency_type: str | None) -> str | None:
    """The level of government the agency belongs to: its lowest division.

    >>> _level(None, ("江苏省", "淮安市", None), "government")
    'city'
    """
    province, city, county = region
    if township or agency_type in (TYPE_SUBDISTRICT, TYPE_TOWNSHIP):
        return LEVEL_TOWNSHIP
    if county:
        return LEVEL_COUNTY
    if city:
        return LEVEL_CITY
    if province:
        return LEVEL_PROVINCE
    return None


def _agency_type(parsed: _Parsed, body: str) -> str | None:
    """government / government_office / department / subdistrict / township / zone, or None.

    >>> _agency_type(_parse("武汉市汉阳区人民政府办公室"), "人民政府办公室")
    'government_office'
    """
    if any(q.endswith("部门") for q in parsed.other_qualifiers):
        return TYPE_DEPARTMENT  # 「（区政府工作部门）」: the district's departments reporting together
    if parsed.township and body in ("", "办事处", *_GOVERNMENT_BODY):
        return TYPE_SUBDISTRICT if parsed.township.endswith("街道") else TYPE_TOWNSHIP
    if not parsed.township and _BARE_OFFICE.fullmatch(parsed.body):
        return TYPE_SUBDISTRICT
    is_zone = bool(parsed.county and parsed.county.endswith(_ZONE_SUFFIXES))
    if body in ("", "管理委员会") and is_zone:
        return TYPE_ZONE
    if body in _GOVERNMENT_BODY or (body == "" and any((parsed.province, parsed.city, parsed.county))):
        return TYPE_GOVERNMENT
    if _OFFICE_BODY.fullmatch(body):
        return TYPE_GOVERNMENT_OFFICE
    if body.endswith(_DEPARTMENT_SUFFIXES):
        return TYPE_DEPARTMENT
    return None


def describe_agency(name: str | None) -> AgencyInfo:
    """Key, region, level and type of an agency name; every field None for a blank name.

    >>> describe_agency("平潭综合实验区管委会办公室")
    AgencyInfo(agency_key='平潭综合实验区管理委员会办公室', province='福建省', city='福州市', county='平潭综合实验区', agency_level='county', agency_type='government_office')
    >>> describe_agency("")
    AgencyInfo(agency_key=None, province=None, city=None, county=None, agency_level=None, agency_type=None)
    """
    key = agency_key(name)
    if key is None:
        return _NO_AGENCY
    parsed = _parse(name)
    agency_type = _agency_type(parsed, _canonical_body(parsed))
    region = _fill_region(parsed)
    return AgencyInfo(key, *region, _level(parsed.township, region, agency_type), agency_type)
