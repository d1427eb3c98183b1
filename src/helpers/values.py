"""Cell text → number or null, with the printed text kept beside it.

Blank is not zero: empty cells and the placeholders 「—」「-」「/」「／」「无」 become ``None``.
Amounts are normalised to 万元 from whatever unit the report printed.

>>> parse_count("0").value, parse_count("—").value, parse_count("１,２３４").value
(0, None, 1234)
>>> parse_count("减12", signed=True).value
-12
>>> parse_amount_wan("426796元").value, parse_amount_wan("2429. 9828万元").value
(42.6796, 2429.9828)
>>> parse_amount_wan("12.5", header_unit="万元").value
12.5
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

BLANK_MARKERS = frozenset({"", "-", "—", "——", "–", "―", "/", "／", "\\", "无", "空", "_", "null", "none", "n/a", "na"})
UNIT_FACTORS_WAN = {"元": Decimal("0.0001"), "万元": Decimal("1"), "亿元": Decimal("10000"), "万": Decimal("1"), "亿": Decimal("10000")}
_COUNT_SUFFIXES = ("件", "条", "个", "项", "次", "人", "宗", "份", "笔")
_SIGN_WORDS = (("增加", 1), ("减少", -1), ("增", 1), ("减", -1), ("+", 1), ("-", -1))
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?)(亿元|万元|元|万|亿)?$")
# 「（单位：万元，保留4位小数）」, 「采购总金额（元）」, 「（万元）」
_UNIT_IN_HEADER = re.compile(r"单位[:：]?\s*(亿元|万元|元)|\(\s*(亿元|万元|元)\s*\)")


@dataclass(frozen=True)
class Parsed:
    """A normalised cell value. ``problem`` says why a printed value could not be used."""

    value: int | float | None
    raw: str
    is_blank: bool
    problem: str | None = None
    unit: str | None = None


@lru_cache(maxsize=1 << 16)  # cell texts repeat across rows and reports (「0」「—」)
def _canon(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("−", "-").replace("－", "-")
    return re.sub(r"[\s\u3000\u00a0]+", "", text)


def is_blank(text: str) -> bool:
    return _canon(text).lower() in BLANK_MARKERS


_THOUSANDS = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+)(?=\D|$)")


def _strip_thousands(text: str) -> str:
    """「1,234」 → 「1234」, keeping any unit after it; 「1,2」 stays as printed."""
    return _THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(",", ""), text)


@lru_cache(maxsize=1 << 16)
def looks_like_value(text: str) -> bool:
    """True for cells that hold a number or a blank placeholder (not a label)."""
    canon = _canon(text)
    if canon.lower() in BLANK_MARKERS:
        return True
    canon = _strip_thousands(canon.replace("，", ","))
    for word, _ in _SIGN_WORDS:
        if canon.startswith(word) and len(canon) > len(word):
            canon = canon[len(word):]
            break
    for suffix in _COUNT_SUFFIXES:
        if canon.endswith(suffix) and len(canon) > len(suffix):
            canon = canon[: -len(suffix)]
            break
    return bool(_NUMBER.match(canon) or _AMOUNT.match(canon))


@lru_cache(maxsize=1 << 16)  # Parsed is frozen, so a cached one can be shared
def parse_count(raw: str, *, signed: bool = False) -> Parsed:
    """A whole count. ``signed`` allows 本年增/减 forms: +3, -2, 增3, 减12, 增加3."""
    canon = _canon(raw)
    if canon.lower() in BLANK_MARKERS:
        return Parsed(None, raw, True)
    text = _strip_thousands(canon)
    sign = 1
    if signed:
        for word, word_sign in _SIGN_WORDS:
            if text.startswith(word) and len(text) > len(word):
                sign, text = word_sign, text[len(word):]
                break
    for suffix in _COUNT_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    if not _NUMBER.match(text):
        return Parsed(None, raw, False, f"not a number: {raw.strip()!r}")
    number = Decimal(text)
    if number != number.to_integral_value():
        return Parsed(None, raw, False, f"not a whole number: {raw.strip()!r}")
    return Parsed(sign * int(number), raw, False)


def header_unit(header_text: str) -> str | None:
    """The money unit a column header (or a row label) declares.

    >>> header_unit("采购总金额（单位：万元，保留4位小数）"), header_unit("采购总金额（元）"), header_unit("采购总金额")
    ('万元', '元', None)
    """
    m = _UNIT_IN_HEADER.search(unicodedata.normalize("NFKC", header_text).replace(" ", ""))
    return (m.group(1) or m.group(2)) if m else None


def parse_amount_wan(raw: str, *, header_unit: str | None = None) -> Parsed:
    """An amount of money in 万元. The unit printed with the value wins over the header's.

    A bare non-zero number with no unit anywhere is left null: its unit is unknown.
    """
    canon = _canon(raw)
    if canon.lower() in BLANK_MARKERS:
        return Parsed(None, raw, True)
    text = _strip_thousands(canon.replace("，", ","))
    m = _AMOUNT.match(text)
    if not m:
        return Parsed(None, raw, False, f"not an amount: {raw.strip()!r}")
    try:
        number = Decimal(m.group(1))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return Parsed(None, raw, False, f"not an amount: {raw.strip()!r}")
    unit = m.group(2) or header_unit
    if unit is None:
        if number == 0:
            return Parsed(0.0, raw, False)
        return Parsed(None, raw, False, f"amount {raw.strip()!r} has no unit in the cell, its column header or its "
                                        "row label: the report does not say whether it is 元 or 万元; left null", None)
    wan = number * UNIT_FACTORS_WAN[unit]
    return Parsed(float(wan), raw, False, None, unit)
