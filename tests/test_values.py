"""Value normalisation: blanks stay null, amounts become 万元, signs and words are read."""

from __future__ import annotations

import pytest

from helpers.values import header_unit, looks_like_value, parse_amount_wan, parse_count


@pytest.mark.parametrize("raw", ["", " ", "—", "-", "/", "／", "无", "——", "\u3000"])
def test_blank_markers_are_null_not_zero(raw):
    parsed = parse_count(raw)
    assert parsed.value is None and parsed.is_blank and parsed.raw == raw


@pytest.mark.parametrize("raw, value", [("0", 0), ("12", 12), ("１２", 12), ("1,234", 1234), ("3119件", 3119), (" 7 ", 7)])
def test_counts(raw, value):
    assert parse_count(raw).value == value


@pytest.mark.parametrize("raw, value", [("+3", 3), ("-2", -2), ("增3", 3), ("减12", -12), ("增加3", 3), ("减少2", -2), ("－5", -5), ("0", 0)])
def test_signed_change(raw, value):
    assert parse_count(raw, signed=True).value == value


def test_bad_counts_are_null_with_a_reason():
    assert parse_count("1.5").problem == "not a whole number: '1.5'"
    assert parse_count("abc").value is None and parse_count("abc").problem


@pytest.mark.parametrize("raw, unit, value", [
    ("567.27万元", None, 567.27), ("426796元", None, 42.6796), ("2429. 9828万元", None, 2429.9828),
    ("251000元", None, 25.1), ("832995元", None, 83.2995), ("2059.2090万元", None, 2059.209),
    ("1.5亿元", None, 15000.0), ("251,000元", None, 25.1), ("96171.6", "万元", 96171.6), ("0", None, 0.0),
    ("１２万元", None, 12.0),
])
def test_amounts_in_wan(raw, unit, value):
    assert parse_amount_wan(raw, header_unit=unit).value == value


def test_bare_amount_without_unit_is_left_null():
    parsed = parse_amount_wan("123.4")
    assert parsed.value is None and "no unit" in parsed.problem


def test_header_units():
    assert header_unit("采购总金额（单位：万元，保留4位小数）") == "万元"
    assert header_unit("本年收费金额(单位:万元)") == "万元"
    assert header_unit("采购总金额") is None


@pytest.mark.parametrize("text, expected", [("0", True), ("—", True), ("", True), ("567.27万元", True), ("减12", True),
                                            ("规章", False), ("2.重复申请", False), ("总计", False)])
def test_looks_like_value(text, expected):
    assert looks_like_value(text) is expected
