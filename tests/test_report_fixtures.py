"""Real published reports (text derived from the HTML pages and pdftotext output of the PDF)
parse to exactly the values read by hand from the original tables (tests/fixtures/expected)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import read_report, schema

from support import FIXTURES, ROOT

# expected values with a text rendering of the same report (the HTML-only ones are tested
# through the HTML reader in test_readers_html.py)
STEMS = sorted(p.stem for p in (FIXTURES / "expected").glob("*.json") if (FIXTURES / "text" / f"{p.stem}.txt").exists())


@pytest.mark.parametrize("stem", STEMS)
def test_fixture_values_exact(stem, expected_fixtures):
    expected = expected_fixtures[stem]
    report = read_report(FIXTURES / "text" / f"{stem}.txt")
    assert report.status == "ok"
    assert report.values == expected["values"]
    assert report.derived == expected.get("derived", [])
    meta = report.meta
    assert (meta["agency_name"], meta["report_year"], meta["template"], meta["published_date"]) == (
        expected["agency_name"], expected["report_year"], expected["template"], expected["published_date"])
    assert report.failed_checks() == []


def test_at_least_two_2021_reports_with_other_subrows_and_fee(expected_fixtures):
    with_subrows = [s for s, e in expected_fixtures.items() if s in STEMS and e["template"] == schema.GOV2021
                    and all(e["values"].get(f"t2.{r}.total") is not None for r in schema.T2_OTHER_2021)
                    and e["values"].get("t1.art20_8.admin_fees.fee_amount_wan") is not None]
    assert len(with_subrows) >= 2, with_subrows


def test_huaian_layout_text_wrapped_labels():
    """pdftotext -layout: numbers on a line between two halves of a wrapped label."""
    report = read_report(FIXTURES / "text" / "044_huaian_2024_layout.txt")
    v = report.values
    assert [v[f"t2.partially_granted.{c}"] for c in schema.COLS7] == [447, 7, 0, 0, 0, 0, 454]
    assert [v[f"t2.other_no_correction.{c}"] for c in schema.COLS7] == [67, 3, 0, 0, 1, 0, 71]
    assert [v[f"t2.other_fee_unpaid.{c}"] for c in schema.COLS7] == [6, 0, 0, 0, 0, 0, 6]
    assert [v[f"t2.rejected_reconfirm.{c}"] for c in schema.COLS7] == [1, 0, 0, 0, 0, 0, 1]
    assert v["t1.art20_6.penalty.decisions"] == 3985758
    assert v["t1.art20_8.admin_fees.fee_amount_wan"] == 96171.6
    assert report.warnings == []
    cell = report.cells.set_index("key").loc["t2.other_no_correction.total"]
    assert (cell["page"], cell["line"], cell["raw_text"]) == (5, 182, "71")


def test_merged_other_subrows_recorded_under_other():
    """047 prints one set of numbers across the three （六） sub-rows: never split it; where it
    prints 0, each sub-row is 0 (derived: three counts adding up to 0)."""
    report = read_report(FIXTURES / "text" / "047_pingtan-shichangjianguanju_2021.txt")
    assert report.status == "ok"
    assert report.values["t2.other.total"] == 0
    assert all(report.values[f"t2.{r}.total"] == 0 for r in schema.T2_OTHER_2021)
    assert {f"t2.{r}.total" for r in schema.T2_OTHER_2021} <= set(report.derived)
    assert not any(k.startswith("t2.other.") for k in report.derived)  # the printed row is read, not derived
    assert any("recorded under t2.other" in w for w in report.warnings)
    assert any(w.startswith("t2.other_no_correction/other_fee_unpaid/other_misc: derived 0") for w in report.warnings)
    cells = report.cells.set_index("key")
    assert cells.loc["t2.other_misc.total", "derived"] and pd.isna(cells.loc["t2.other_misc.total", "raw_text"])
    outcome = [c for c in report.check_records if c.id == "T2-OUT"]
    assert {c.status for c in outcome} == {"pass"}


# --- Table 4 (信息处理费收取情况, report-format.md §12) and the panel's partial reports ------------

FEE_REPORTS = {  # printed 通知收取件数, 通知收取金额（元）, 实际收取金额（元）
    "data/raw/panel/pingtan-supingpianqu_2024.html": (0, 0.0, 0.0),
    "data/raw/panel/pingtan-supingpianqu_2025.html": (0, 0.0, 0.0),
    "data/raw/real/050_pingtan-shichangjianguanju_2025.html": (1, 0.08, 0.0),
}


@pytest.mark.parametrize("path", sorted(FEE_REPORTS))
def test_fee_table_is_read_into_optional_t4_keys(path):
    report = read_report(ROOT / path)
    assert report.status == "ok"
    fees = [report.values[k] for k in schema.optional_keys(schema.GOV2021)]
    assert tuple(fees) == FEE_REPORTS[path]
    assert len(report.values) == len(schema.template_keys(schema.GOV2021)) + 3
    assert report.meta["tables_found"]["t4"] is True
    cells = report.cells.set_index("key")
    assert set(cells.loc[list(schema.optional_keys(schema.GOV2021)), "table"]) == {"t4"}
    assert cells.loc["t4.fee_notified_amount_wan", "unit"] == "元"  # as printed; the value is in 万元
    dom = [c for c in report.check_records if c.id == "DOM" and c.scope == "t4"]
    assert [c.status for c in dom] == ["pass"]


def test_a_2021_report_without_the_fee_table_has_no_t4_keys_and_stays_ok():
    """Table 4 is optional: not printed → no t4 keys (null on lookup), nothing missing, status ok."""
    report = read_report(ROOT / "data/raw/panel/pingtan-caizhengjinrongju_2025.html")
    assert report.status == "ok"
    assert list(report.values) == list(schema.template_keys(schema.GOV2021))
    assert report.values.get("t4.fee_notices") is None
    assert report.meta["tables_found"]["t4"] is False
    assert not any(c.scope == "t4" for c in report.check_records)
    assert report.warnings == []


def test_the_report_that_prints_no_regulations_row_says_so_and_stays_ok():
    """海坛片区 2025 and others print only 「规范性文件」 under 第二十条第（一）项: the 规章 cells are
    null, not 0, because the report leaves the row out; nothing was missed, so the report is ok."""
    report = read_report(ROOT / "data/raw/panel/pingtan-haitanpianqu_2025.html")
    assert report.status == "ok"
    assert [k for k, v in report.values.items() if v is None] == [
        "t1.art20_1.regulations.issued", "t1.art20_1.regulations.repealed", "t1.art20_1.regulations.in_force"]
    assert report.warnings == ["t1: the report does not print these rows (their values are null, not 0): "
                               "art20_1.regulations"]


def test_printed_blank_cells_stay_null_without_making_the_report_partial():
    """公安局 2019 prints 「&nbsp;」 for new_received.org_commercial; 金井片区 2022 for carried_forward's."""
    for path, key in (("pingtan-gonganju_2019.html", "t2.new_received.org_commercial"),
                      ("pingtan-jinjingpianqu_2022.html", "t2.carried_forward.org_commercial")):
        report = read_report(ROOT / "data/raw/panel" / path)
        assert report.status == "ok" and [k for k, v in report.values.items() if v is None] == [key]
        assert report.cells.set_index("key").loc[key, "raw_text"].strip() == ""


@pytest.mark.parametrize("path, raw", [("pingtan-guoyouzichanguanliju_2020.html", "52645"),
                                       ("pingtan-supingpianqu_2020.html", "1089059")])
def test_procurement_amount_printed_without_a_unit_is_partial_and_says_why(path, raw):
    """2019-format 采购总金额 with no unit in the cell, its header or its row label: 元 or 万元 is not
    said, so the value is null (its text kept) and the report is partial."""
    report = read_report(ROOT / "data/raw/panel" / path)
    key = "t1.art20_9.central_procurement.procurement_amount_wan"
    assert report.status == "partial"
    assert report.values[key] is None and report.cells.set_index("key").loc[key, "raw_text"] == raw
    assert report.warnings == [f"{key}: amount '{raw}' has no unit in the cell, its column header or its row "
                               "label: the report does not say whether it is 元 or 万元; left null"]


def test_a_fee_table_in_a_2019_format_report_is_not_read(tmp_path):
    """Table 4 belongs to the 2021 format (fees from 国办函〔2020〕109号): printed in a 2019-format
    report it is named in a warning, and neither adds keys nor makes the report partial."""
    seed = ROOT / "data/raw/seeds/001_5c2db0820dfac677.txt"
    path = tmp_path / "with_fees.txt"
    path.write_text(seed.read_text(encoding="utf-8") + "\n\t通知收取件数\t通知收取金额（元）\t实际收取金额（元）\n"
                    "信息处理费收取情况\t1\t800\t0\n", encoding="utf-8")
    original, report = read_report(seed), read_report(path)
    assert report.meta["template"] == schema.GOV2019 and report.meta["tables_found"]["t4"] is True
    assert report.values == original.values and report.status == original.status
    assert sorted(report.warnings) == sorted(original.warnings + [
        "t4: a 信息处理费收取情况 table is printed, which the gov2019 format does not have; it is not read"])
