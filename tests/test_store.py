"""Discovery, the output schemas and the wide tables (the ingest itself is tested in test_corpus.py)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from helpers import outputs, schema
from helpers.corpus.store import (
    BASE_TABLES,
    WIDE_TABLES,
    FractionalCountError,
    arrow_schema,
    discover_reports,
    write_tables,
)


def test_discovery_skips_manifest_readme_and_hidden(tmp_path):
    for rel in ("a.txt", "sub/b.html", "sources.csv", "README.md", ".hidden.txt", ".cache/x.txt", "sub/.gitkeep"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in discover_reports(tmp_path)] == ["a.txt", "sub/b.html"]


def test_every_output_table_is_written_with_its_declared_columns():
    declared = {t.name for t in outputs.TABLES}
    assert declared == set(BASE_TABLES) | set(WIDE_TABLES)
    for name in declared:
        assert arrow_schema(name).names == outputs.table(name).column_names


def _write(out, cells: list[dict]) -> dict[str, int]:
    """``write_tables`` on a few hand-made cells (reports named after their ids)."""
    rows: dict = {name: [] for name in BASE_TABLES}
    ids = sorted({c["report_id"] for c in cells})
    rows["reports"] = [{"report_id": rid, "file": f"{rid}.txt"} for rid in ids]
    rows["cells"] = cells
    rows["fields"] = schema.data_dictionary()
    return write_tables(rows, out)


def _cell(report_id: str, table: str, row: str | None, column: str, value, raw_text: str | None) -> dict:
    key = ".".join(p for p in (table, row if table == "t2" else None, column) if p)
    return {"report_id": report_id, "key": key, "table": table, "row": row, "column": column, "value": value,
            "raw_text": raw_text}


FEES = "processing_fees"


def test_processing_fees_one_row_per_report_that_prints_table_4(tmp_path):
    counts = _write(tmp_path, [
        _cell("a", "t4", FEES, "fee_notices", 3.0, "3"),
        _cell("a", "t4", FEES, "fee_notified_amount_wan", 0.12, "1200"),
        _cell("a", "t4", FEES, "fee_collected_amount_wan", None, "—"),
        *(_cell("b", "t4", FEES, c, None, "/") for c in ("fee_notices", "fee_notified_amount_wan",
                                                         "fee_collected_amount_wan")),  # printed, all blank
        _cell("c", "t3", None, "review_total", 2.0, "2"),  # no Table 4
    ])
    assert counts[FEES] == 2
    fees = pd.read_parquet(tmp_path / f"{FEES}.parquet")
    assert list(fees.columns) == outputs.table(FEES).column_names
    assert [str(t) for t in fees.dtypes] == ["str", "Int64", "float64", "float64"]
    assert fees["report_id"].tolist() == ["a", "b"]
    assert fees["fee_notices"].tolist() == [3, pd.NA]
    assert fees["fee_notified_amount_wan"].tolist()[0] == 0.12 and fees["fee_collected_amount_wan"].isna().all()
    con = duckdb.connect(str(tmp_path / "ogi.duckdb"), read_only=True)
    try:
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 f"WHERE table_name = '{FEES}'").fetchall())
        assert types == {"report_id": "VARCHAR", "fee_notices": "BIGINT", "fee_notified_amount_wan": "DOUBLE",
                         "fee_collected_amount_wan": "DOUBLE"}
        assert con.execute("SELECT review_total FROM review_litigation").fetchall() == [(2,)]
    finally:
        con.close()


def test_processing_fees_is_empty_but_written_when_no_report_prints_it(tmp_path):
    counts = _write(tmp_path, [_cell("c", "t2", "granted", "total", 1.0, "1")])
    assert counts[FEES] == 0
    assert pd.read_parquet(tmp_path / f"{FEES}.parquet").columns.tolist() == outputs.table(FEES).column_names


def test_wide_tables_store_counts_as_integers_and_amounts_as_decimals():
    for name in WIDE_TABLES:
        for column in outputs.table(name).columns:
            if column.name in ("report_id", "subtable", "row"):
                continue
            expected = outputs.FLOAT if column.name.endswith("_wan") else outputs.INT
            assert column.dtype == expected, (name, column.name)
    assert outputs.table("active_disclosure").columns[10].name == "items_change"  # signed, still an integer


def test_processing_fees_matches_the_schema_declaration():
    declared = [(c.key, schema.AMOUNT_WAN if c.dtype == schema.AMOUNT_WAN else schema.COUNT) for c in schema.T4_COLUMNS]
    table = outputs.table(FEES).columns[1:]
    assert [(c.name, schema.AMOUNT_WAN if c.dtype == outputs.FLOAT else schema.COUNT) for c in table] == declared
    assert schema.T4_ROW.key == FEES  # the pivot reads cells of row 'processing_fees'


def test_a_fractional_count_is_an_error_not_rounded(tmp_path):
    with pytest.raises(FractionalCountError, match=r"x\.txt: t2\.granted\.total = 1\.5"):
        _write(tmp_path, [_cell("x", "t2", "granted", "total", 1.5, "1.5")])
