"""Paths to the bundled real reports and builders for expected values."""

from __future__ import annotations

from pathlib import Path

from helpers import schema

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = {p.name[:3]: p for p in sorted((RAW / "seeds").glob("*.txt"))}


def all_zero(template: str, **overrides) -> dict[str, object]:
    """Every key of ``template`` set to 0 (amounts 0.0), then ``overrides`` applied."""
    values: dict[str, object] = {}
    for f in schema.fields(template):
        values[f.key] = 0.0 if f.dtype == schema.AMOUNT_WAN else 0
    for key, value in overrides.items():
        values[key.replace("__", ".")] = value
    return values


def row_values(row: str, values: list[object]) -> dict[str, object]:
    return {schema.t2_key(row, c): v for c, v in zip(schema.COLS7, values)}



def assert_matches_expected(report, expected: dict) -> None:
    """A report read exactly as the hand-read expected file says: status, values, meta, no doubts."""
    assert report.status == "ok"
    assert report.values == expected["values"]
    meta = report.meta
    assert (meta["agency_name"], meta["report_year"], meta["template"], meta["published_date"]) == (
        expected["agency_name"], expected["report_year"], expected["template"], expected["published_date"])
    assert report.warnings == []
    assert report.failed_checks() == []
