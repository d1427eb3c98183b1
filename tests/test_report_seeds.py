"""The five seed reports parse to exactly the values in report-format.md §9, with the
expected warnings for the rows that lost a number, and the identity results of §6.3.

Rows printed with one number too few (seeds 000 and 003) are all zeros: every place the
missing zero could have been, completed by the row's identity, gives seven zeros, so the row
is filled and marked derived; the report stays partial, because a blank cell lost in
extraction would look the same."""

from __future__ import annotations

import pytest

from helpers import read_report, schema
from helpers.tables.checks import FAIL, PASS

from support import SEEDS, all_zero, row_values

NULL7 = [None] * 7
T1_PROC = "t1.art20_9.central_procurement"


def expected_000():
    values = all_zero(schema.GOV2019)
    values[f"{T1_PROC}.procurement_items"] = 41
    values[f"{T1_PROC}.procurement_amount_wan"] = 567.27
    return values  # denied_state_secret, denied_prohibited_by_law: derived zeros


def expected_001():
    return all_zero(schema.GOV2019)


def expected_002():
    values = all_zero(schema.GOV2019)
    values.update({
        "t1.art20_5.licensing.items_prev_year": 6, "t1.art20_5.licensing.decisions": 25,
        "t1.art20_5.other_admin_services.items_prev_year": 307, "t1.art20_5.other_admin_services.decisions": 4261,
        "t1.art20_6.penalty.items_prev_year": 5, "t1.art20_6.penalty.decisions": 7,
        "t1.art20_6.coercion.items_prev_year": 14,
        "t1.art20_8.admin_fees.items_prev_year": 7,
        f"{T1_PROC}.procurement_items": 25, f"{T1_PROC}.procurement_amount_wan": 42.6796,
        "t2.new_received.natural_person": 1, "t2.new_received.total": 1,
        "t2.granted.natural_person": 1, "t2.granted.total": 1,
    })
    return values


def expected_003():
    values = all_zero(schema.GOV2019)
    values[f"{T1_PROC}.procurement_items"] = 13
    values[f"{T1_PROC}.procurement_amount_wan"] = 2429.9828  # unavailable_not_held: derived zeros
    for col in ("upheld", "corrected", "other", "pending", "total"):
        values[f"t3.review_{col}"] = None
    return values


def expected_004():
    values = all_zero(schema.GOV2019)
    for row in schema.t2_data_rows(schema.GOV2019):
        values.update(row_values(row.key, [None] * 6 + [0]))
    for f in schema.fields(schema.GOV2019):
        if f.table == "t3" and f.key not in ("t3.lit_direct_total", "t3.lit_after_review_total"):
            values[f.key] = None
    return values


DERIVED_ROWS = {"000": ["denied_state_secret", "denied_prohibited_by_law"], "003": ["unavailable_not_held"]}
# 004's second Table 2 fragment prints no header, so where its empty cells belong is not certain
STATUS = {"000": "partial", "001": "ok", "002": "ok", "003": "partial", "004": "partial"}
EXPECTED = {"000": expected_000, "001": expected_001, "002": expected_002, "003": expected_003, "004": expected_004}
META = {
    "000": ("荔湾区花地街道办事处", 2020, "2021-01-14"),
    "001": ("铁塔办事处", 2020, None),
    "002": ("广州市增城区小楼镇人民政府", 2020, "2021-01-08"),
    "003": ("广州市海珠区政务服务数据管理局", 2019, None),
    "004": ("银川市兴庆区丽景街街道办事处", 2020, "2021-01-20"),
}


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_seed_values_exact(seed):
    report = read_report(SEEDS[seed])
    assert report.status == STATUS[seed]
    assert report.meta["template"] == schema.GOV2019
    assert report.values == EXPECTED[seed]()
    assert report.derived == [schema.t2_key(row, c) for row in DERIVED_ROWS.get(seed, []) for c in schema.COLS7]
    assert list(report.values) == list(schema.template_keys(schema.GOV2019))
    assert all(type(v) is int for k, v in report.values.items() if v is not None and not k.endswith("_wan"))


@pytest.mark.parametrize("seed", sorted(META))
def test_seed_meta(seed):
    meta = read_report(SEEDS[seed]).meta
    assert (meta["agency_name"], meta["report_year"], meta["published_date"]) == META[seed]


def test_seed_000_warns_for_rows_that_lost_a_number():
    warnings = read_report(SEEDS["000"]).warnings
    derived = ("row has 6 numbers for 7 columns; every place the missing one could have been, completed by the "
               "row's identity, gives the same row (0, 0, 0, 0, 0, 0, 0); all its values are derived")
    assert f"t2.denied_state_secret: {derived}" in warnings
    assert f"t2.denied_prohibited_by_law: {derived}" in warnings
    assert any(w.startswith("t3: 16 numbers for 15 columns") for w in warnings)


def test_seed_003_warns_for_shifted_row_and_keeps_blank_review_cells_null():
    report = read_report(SEEDS["003"])
    assert report.warnings == ["t2.unavailable_not_held: row has 6 numbers for 7 columns; every place the missing "
                               "one could have been, completed by the row's identity, gives the same row "
                               "(0, 0, 0, 0, 0, 0, 0); all its values are derived"]
    review = [c for c in report.check_records if c.id == "T3-REV"]
    assert [(c.status, c.blank_as_zero) for c in review] == [("skip", PASS)]


def test_seed_002_fails_balance_and_outcome_only_in_natural_person_and_total():
    report = read_report(SEEDS["002"])
    by = {(c.id, c.scope): c for c in report.check_records}
    for check_id in ("T2-BAL", "T2-OUT"):
        for col in schema.COLS7:
            expected = FAIL if col in ("natural_person", "total") else PASS
            assert by[(check_id, col)].status == expected, (check_id, col)
    assert by[("T2-BAL", "natural_person")].detail == "1 + 0 != 0 + 0"
    failed = {(c.id, c.scope) for c in report.failed_checks()}
    assert failed == {("T2-BAL", "natural_person"), ("T2-BAL", "total"), ("T2-OUT", "natural_person"), ("T2-OUT", "total")}


@pytest.mark.parametrize("seed", ["000", "001", "003", "004"])
def test_seed_identities_hold_or_skip(seed):
    report = read_report(SEEDS[seed])
    assert report.failed_checks() == []
    assert all(c.blank_as_zero in (None, PASS) for c in report.check_records)


def test_seed_sections_are_kept():
    report = read_report(SEEDS["001"])
    assert list(report.sections) == ["s1_overview", "s2_active", "s3_applications", "s4_review_litigation",
                                     "s5_problems", "s6_other"]
    assert report.sections["s6_other"] == "无"
    assert report.sections["s5_problems"].startswith("(一) 存在的主要问题")


def test_cells_frame_keeps_raw_text_and_position():
    cells = read_report(SEEDS["003"]).cells
    amount = cells.set_index("key").loc[f"{T1_PROC}.procurement_amount_wan"]
    assert amount["raw_text"] == "2429. 9828万元"
    assert amount["value"] == 2429.9828
    assert amount["unit"] == "万元"
    assert amount["line"] == 63
    blank = cells.set_index("key").loc["t3.review_total"]
    assert blank["raw_text"] == "" and bool(blank["value"] is None or str(blank["value"]) == "<NA>")


def test_seed_004_header_positions_settle_ambiguous_empty_cells():
    """Rows with spare empty cells are read under their column headers without a warning;
    only the second fragment, which prints no header, needs the trailing-first rule."""
    warnings = read_report(SEEDS["004"]).warnings
    assert [w.split(":")[0] for w in warnings] == ["t2.other", "t2.total_handled"]
    assert all("trailing empty cells were dropped first" in w for w in warnings)
