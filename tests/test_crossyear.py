"""Soft cross-year checks (report-format.md §6.2) on the real 平潭综合实验区市场监督管理局 series
2019–2025, and on synthetic reports for nulls, duplicate years, gaps and unmatched agencies."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from helpers import read_report, schema
from helpers.corpus.crossyear import COLUMNS, cross_year_checks

from support import RAW, all_zero

AGENCY = "平潭综合实验区市场监督管理局"
SERIES = {  # file number -> report year
    "045": 2019, "046": 2020, "047": 2021, "048": 2022, "049": 2023, "027": 2024, "050": 2025,
}
NORMATIVE = "normative_docs"


@pytest.fixture(scope="module")
def series():
    rows, values = [], {}
    for number, year in SERIES.items():
        report = read_report(RAW / "real" / f"{number}_pingtan-shichangjianguanju_{year}.html")
        assert report.meta["report_year"] == year
        rows.append({"report_id": number, "agency_key": report.meta["agency_name"], "report_year": year,
                     "template": report.meta["template"]})
        values[number] = report.values
    return pd.DataFrame(rows), values


@pytest.fixture(scope="module")
def series_checks(series):
    return cross_year_checks(*series)


def records(frame: pd.DataFrame) -> list[tuple]:
    """Rows as tuples, missing ids (NaN in pandas' string dtype) as None."""
    return [tuple(None if pd.isna(v) else v for v in r) for r in frame[COLUMNS].itertuples(index=False)]


def carry_passes(year: int, report_id: str, prev_id: str) -> list[tuple]:
    """X-CARRY of a pair where nothing was carried: 0 == 0 in every column (sorted by column key)."""
    return [(AGENCY, year, report_id, prev_id, "X-CARRY", col, "pass", f"carried_over 0 == carried_forward({year - 1}) 0")
            for col in sorted(schema.COLS7)]


REG_SKIP = "in_force null ? in_force({y}) {v} + issued null - repealed null (null: in_force, {n}issued, repealed)"

EXPECTED_SERIES = [
    *carry_passes(2020, "046", "045"),
    # 2019 format both years; the 2020 report's 上一年项目数量 is not last year's count + change
    (AGENCY, 2020, "046", "045", "X-ITEMS", "admin_fees", "pass",
     "items_prev_year 0 == items_prev_year(2019) 0 + items_change(2019) 0 (= 0)"),
    (AGENCY, 2020, "046", "045", "X-ITEMS", "coercion", "fail",
     "items_prev_year 0 != items_prev_year(2019) 31 + items_change(2019) 0 (= 31)"),
    (AGENCY, 2020, "046", "045", "X-ITEMS", "licensing", "fail",
     "items_prev_year 37 != items_prev_year(2019) 51 + items_change(2019) 0 (= 51)"),
    (AGENCY, 2020, "046", "045", "X-ITEMS", "other_admin_services", "fail",
     "items_prev_year 109 != items_prev_year(2019) 6 + items_change(2019) 0 (= 6)"),
    (AGENCY, 2020, "046", "045", "X-ITEMS", "penalty", "fail",
     "items_prev_year 103 != items_prev_year(2019) 534 + items_change(2019) 0 (= 534)"),
    # 2020 (gov2019) -> 2021 (gov2021): only X-CARRY applies
    *carry_passes(2021, "047", "046"),
    *carry_passes(2022, "048", "047"),
    (AGENCY, 2022, "048", "047", "X-INFORCE", NORMATIVE, "pass",
     "in_force 51 == in_force(2021) 45 + issued 6 - repealed 0 (= 51)"),
    (AGENCY, 2022, "048", "047", "X-INFORCE", "regulations", "pass",
     "in_force 0 == in_force(2021) 0 + issued 0 - repealed 0 (= 0)"),
    *carry_passes(2023, "049", "048"),
    (AGENCY, 2023, "049", "048", "X-INFORCE", NORMATIVE, "fail",
     "in_force 13 != in_force(2022) 51 + issued 13 - repealed 0 (= 64)"),
    # the 2023–2025 reports leave the 规章 row blank
    (AGENCY, 2023, "049", "048", "X-INFORCE", "regulations", "skip", REG_SKIP.format(y=2022, v=0, n="")),
    *carry_passes(2024, "027", "049"),
    (AGENCY, 2024, "027", "049", "X-INFORCE", NORMATIVE, "fail",
     "in_force 56 != in_force(2023) 13 + issued 6 - repealed 8 (= 11)"),
    (AGENCY, 2024, "027", "049", "X-INFORCE", "regulations", "skip",
     REG_SKIP.format(y=2023, v="null", n="in_force(2023), ")),
    *carry_passes(2025, "050", "027"),
    (AGENCY, 2025, "050", "027", "X-INFORCE", NORMATIVE, "fail",
     "in_force 73 != in_force(2024) 56 + issued 1 - repealed 1 (= 56)"),
    (AGENCY, 2025, "050", "027", "X-INFORCE", "regulations", "skip",
     REG_SKIP.format(y=2024, v="null", n="in_force(2024), ")),
]


# --- the real series ------------------------------------------------------------------


def test_series_parsed_values_behind_the_checks(series):
    _, values = series
    keys = [schema.t1_key("art20_1", NORMATIVE, col) for col in ("issued", "repealed", "in_force")]
    printed = {rid: tuple(values[rid][k] for k in keys) for rid in ("047", "048", "049", "027", "050")}
    assert printed == {"047": (6, 0, 45), "048": (6, 0, 51), "049": (13, 0, 13), "027": (6, 8, 56),
                       "050": (1, 1, 73)}
    # 2025 carries 2 applications forward; there is no 2026 report to check them against
    assert values["050"][schema.t2_key("carried_forward", "total")] == 2


def test_series_exact_records(series_checks):
    assert list(series_checks.columns) == COLUMNS
    assert records(series_checks) == EXPECTED_SERIES


def test_series_format_change_pair_has_only_carry(series_checks):
    pair = series_checks[series_checks.report_year == 2021]
    assert set(pair.id) == {"X-CARRY"}
    assert list(pair.scope) == sorted(schema.COLS7)
    assert set(pair.status) == {"pass"}


def test_series_one_pair_per_consecutive_year(series_checks):
    pairs = series_checks[["report_year", "report_id", "prev_report_id"]].drop_duplicates()
    assert [tuple(p) for p in pairs.itertuples(index=False)] == [
        (2020, "046", "045"), (2021, "047", "046"), (2022, "048", "047"),
        (2023, "049", "048"), (2024, "027", "049"), (2025, "050", "027"),
    ]


def test_series_is_order_independent_and_changes_no_value(series):
    reports, values = series
    before = copy.deepcopy(values)
    shuffled = reports.sample(frac=1, random_state=7).reset_index(drop=True)
    assert records(cross_year_checks(shuffled, values)) == EXPECTED_SERIES
    assert values == before


# --- synthetic reports ----------------------------------------------------------------


def frame(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["report_id", "agency_key", "report_year", "template"])


def test_empty_input_gives_empty_frame_with_columns():
    out = cross_year_checks(frame(), {})
    assert out.empty and list(out.columns) == COLUMNS


def test_carry_fail_and_null_skip():
    prev = all_zero(schema.GOV2021, t2__carried_forward__natural_person=2, t2__carried_forward__total=2)
    cur = all_zero(schema.GOV2021, t2__carried_over__org_other=None)
    cur[schema.t2_key("carried_over", "org_research")] = None
    prev[schema.t2_key("carried_forward", "org_research")] = None
    out = cross_year_checks(frame(("a", "局", 2024, "gov2021"), ("b", "局", 2025, "gov2021")), {"a": prev, "b": cur})
    carry = out[out.id == "X-CARRY"].set_index("scope")
    assert carry.loc["total", "status"] == "fail"
    assert carry.loc["total", "detail"] == "carried_over 0 != carried_forward(2024) 2"
    assert carry.loc["natural_person", "detail"] == "carried_over 0 != carried_forward(2024) 2"
    assert carry.loc["org_other", "status"] == "skip"
    assert carry.loc["org_other", "detail"] == "carried_over null ? carried_forward(2024) 0 (null: carried_over)"
    assert carry.loc["org_research", "detail"] == (
        "carried_over null ? carried_forward(2024) null (null: carried_over, carried_forward(2024))")
    assert carry.loc["org_commercial", "status"] == "pass"


def test_inforce_and_items_skip_name_the_null_operand():
    in_force = schema.t1_key("art20_1", NORMATIVE, "in_force")
    items = schema.t1_key("art20_5", "licensing", "items_change")
    out21 = cross_year_checks(frame(("a", "局", 2022, "gov2021"), ("b", "局", 2023, "gov2021")),
                              {"a": all_zero(schema.GOV2021, **{in_force: None}), "b": all_zero(schema.GOV2021)})
    row = out21[(out21.id == "X-INFORCE") & (out21.scope == NORMATIVE)].iloc[0]
    assert (row.status, row.detail) == (
        "skip", "in_force 0 ? in_force(2022) null + issued 0 - repealed 0 (null: in_force(2022))")
    out19 = cross_year_checks(frame(("a", "局", 2019, "gov2019"), ("b", "局", 2020, "gov2019")),
                              {"a": all_zero(schema.GOV2019, **{items: None}), "b": all_zero(schema.GOV2019)})
    row = out19[(out19.id == "X-ITEMS") & (out19.scope == "licensing")].iloc[0]
    assert (row.status, row.detail) == (
        "skip", "items_prev_year 0 ? items_prev_year(2019) 0 + items_change(2019) null (null: items_change(2019))")


def test_items_change_is_signed():
    prev = all_zero(schema.GOV2019, **{schema.t1_key("art20_6", "penalty", "items_prev_year"): 10,
                                       schema.t1_key("art20_6", "penalty", "items_change"): -3})
    cur = all_zero(schema.GOV2019, **{schema.t1_key("art20_6", "penalty", "items_prev_year"): 7})
    out = cross_year_checks(frame(("a", "局", 2019, "gov2019"), ("b", "局", 2020, "gov2019")), {"a": prev, "b": cur})
    row = out[(out.id == "X-ITEMS") & (out.scope == "penalty")].iloc[0]
    assert (row.status, row.detail) == (
        "pass", "items_prev_year 7 == items_prev_year(2019) 10 + items_change(2019) -3 (= 7)")


def test_checks_by_template_pair():
    def ids(prev_template, cur_template):
        values = {"a": all_zero(prev_template), "b": all_zero(cur_template)}
        out = cross_year_checks(frame(("a", "局", 2020, prev_template), ("b", "局", 2021, cur_template)), values)
        return out.groupby("id").size().to_dict()
    assert ids(schema.GOV2019, schema.GOV2019) == {"X-CARRY": 7, "X-ITEMS": 5}
    assert ids(schema.GOV2021, schema.GOV2021) == {"X-CARRY": 7, "X-INFORCE": 2}
    assert ids(schema.GOV2019, schema.GOV2021) == {"X-CARRY": 7}
    assert ids(schema.GOV2021, schema.GOV2019) == {"X-CARRY": 7}


def test_duplicate_year_is_not_checked_and_says_so_once():
    reports = frame(("a", "局", 2020, "gov2019"), ("b1", "局", 2021, "gov2021"), ("b2", "局", 2021, "gov2021"),
                    ("c", "局", 2022, "gov2021"), ("d", "局", 2023, "gov2021"))
    values = {rid: all_zero(t) for rid, t in zip(reports.report_id, reports.template)}
    out = cross_year_checks(reports, values)
    assert records(out[out.report_year <= 2022]) == [
        ("局", 2021, None, None, "X-DUP", "report_year", "skip", "2 reports for 2021 (b1, b2): no cross-year check uses 2021"),
    ]
    assert set(out.report_year) == {2021, 2023}
    assert set(out[out.report_year == 2023].prev_report_id) == {"c"}


def test_gap_year_gives_no_pair():
    out = cross_year_checks(frame(("a", "局", 2019, "gov2019"), ("c", "局", 2021, "gov2021")),
                            {"a": all_zero(schema.GOV2019), "c": all_zero(schema.GOV2021)})
    assert out.empty and list(out.columns) == COLUMNS


def test_reports_without_agency_key_are_ignored():
    reports = frame(("a", None, 2021, "gov2021"), ("b", "局", 2022, "gov2021"), ("c", float("nan"), 2023, "gov2021"))
    out = cross_year_checks(reports, {"b": all_zero(schema.GOV2021)})  # a and c need no values: never read
    assert out.empty


def test_agencies_are_kept_apart_and_sorted():
    reports = frame(("y2", "乙局", 2022, "gov2021"), ("j1", "甲局", 2021, "gov2021"), ("y1", "乙局", 2021, "gov2021"),
                    ("j2", "甲局", 2022, "gov2021"))
    out = cross_year_checks(reports, {rid: all_zero(schema.GOV2021) for rid in reports.report_id})
    assert [tuple(p) for p in out[["agency_key", "report_id", "prev_report_id"]].drop_duplicates().itertuples(index=False)] \
        == sorted([("乙局", "y2", "y1"), ("甲局", "j2", "j1")])
    assert list(out.columns) == COLUMNS
    assert out.equals(out.sort_values(["agency_key", "report_year", "id", "scope"]).reset_index(drop=True))


def test_missing_values_are_a_loud_error():
    with pytest.raises(KeyError, match="no values for report 'b'"):
        cross_year_checks(frame(("a", "局", 2021, "gov2021"), ("b", "局", 2022, "gov2021")), {"a": {}})
