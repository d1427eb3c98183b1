"""Real published reports (text derived from the HTML pages and pdftotext output of the PDF)
parse to exactly the values read by hand from the original tables (tests/fixtures/expected)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import read_report, schema

from support import FIXTURES

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
