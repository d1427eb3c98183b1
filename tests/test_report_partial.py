"""Truncated real reports are recognised and reported as partial, never invented."""

from __future__ import annotations

import pytest

from helpers import read_report, schema

from support import RAW

PARTIAL = {p.name[:3]: p for p in sorted((RAW / "partial").glob("*.txt"))}


@pytest.mark.parametrize("name", sorted(PARTIAL))
def test_partial_reports_are_partial(name):
    report = read_report(PARTIAL[name])
    assert report.status == "partial"
    assert any("not found" in w or "cut off" in w for w in report.warnings)


def test_013_pipe_rows_values_and_the_truncated_row():
    report = read_report(PARTIAL["013"])
    v = report.values
    assert report.meta["report_year"] == 2024 and report.meta["template"] == schema.GOV2021
    assert [v[f"t2.new_received.{c}"] for c in schema.COLS7] == [58, 7, 0, 0, 1, 0, 66]
    assert [v[f"t1.art20_1.normative_docs.{c}"] for c in ("issued", "repealed", "in_force")] == [5, 1, 25]
    # the cut row printed only six zeros: wherever the seventh was, the row's identity makes it 0
    assert [v[f"t2.denied_enforcement_file.{c}"] for c in schema.COLS7] == [0] * 7
    assert [f"t2.denied_enforcement_file.{c}" for c in schema.COLS7] == report.derived
    assert report.status == "partial"
    assert all(v[f"t2.carried_forward.{c}"] is None for c in schema.COLS7)


def test_014_one_cell_per_line_with_blank_cells():
    v = read_report(PARTIAL["014"]).values
    assert [v[f"t2.new_received.{c}"] for c in schema.COLS7] == [56, None, None, None, None, None, 56]
    assert [v[f"t2.granted.{c}"] for c in schema.COLS7] == [18, None, None, None, None, None, None]
    assert v["t1.art20_8.admin_fees.fee_amount_wan"] == 0.0


def test_017_separator_lines_between_cells():
    v = read_report(PARTIAL["017"]).values
    assert [v[f"t1.art20_1.regulations.{c}"] for c in ("issued", "repealed", "in_force")] == [0, 0, 6]
    assert v["t2.granted.total"] == 0
    assert v["t2.denied_enforcement_file.total"] is None


def test_016_labels_without_numbers_stay_null():
    report = read_report(PARTIAL["016"])
    assert report.meta["template"] == schema.GOV2019 and report.meta["report_year"] == 2019
    assert all(v is None for v in report.values.values())
