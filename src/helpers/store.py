"""Write the corpus tables: Parquet files and one DuckDB database, each written atomically.

Columns and types come from :mod:`helpers.outputs`. The wide tables (``active_disclosure``,
``applications``, ``review_litigation``, ``processing_fees``) are derived from ``cells`` inside
DuckDB and exported to Parquet too, so both stores always hold the same rows. Their counts are
integers with nulls (DuckDB ``BIGINT``; Parquet int64, read by pandas as ``Int64``); amounts
(``_wan``) stay decimals.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from . import outputs, schema
from .fileio import atomic_path
from .tables.model import value_source

IGNORED_NAMES = {"sources.csv", "readme.md", "readme.txt", ".gitkeep"}
DB_NAME = "ogi.duckdb"
DUCKDB_MEMORY = "512MB"  # DuckDB spills to disk beyond this while building the database
BASE_TABLES = ("reports", "cells", "sections", "checks", "warnings", "errors", "duplicates", "cross_year_checks",
               "overrides_applied", "fields")
WIDE_TABLES = ("active_disclosure", "applications", "review_litigation", "processing_fees")
_ARROW = {outputs.STRING: pa.string(), outputs.INT: pa.int64(), outputs.FLOAT: pa.float64(),
          outputs.BOOL: pa.bool_(), outputs.DATE: pa.string()}
_PANDAS_TYPE = {outputs.STRING: "unicode", outputs.INT: "int64", outputs.FLOAT: "float64", outputs.BOOL: "bool",
                outputs.DATE: "unicode"}
_SQL_TYPE = {outputs.INT: "BIGINT", outputs.FLOAT: "DOUBLE"}


def discover_reports(raw_dir: Path) -> list[Path]:
    """Every file under ``raw_dir`` (nested folders too) except the manifest, read-me and hidden files."""
    return sorted(p for p in Path(raw_dir).rglob("*") if p.is_file() and p.name.lower() not in IGNORED_NAMES
                  and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts))


def arrow_schema(name: str) -> pa.Schema:
    """The Arrow schema of output table ``name``; a wide table's counts carry pandas metadata
    so that ``pd.read_parquet`` gives ``Int64`` (nulls kept) rather than float64.

    >>> arrow_schema("processing_fees").types
    [DataType(string), DataType(int64), DataType(double), DataType(double)]
    """
    columns = outputs.table(name).columns
    target = pa.schema([(c.name, _ARROW[c.dtype]) for c in columns])
    if name not in WIDE_TABLES:
        return target
    pandas_meta = {"index_columns": [], "column_indexes": [], "columns": [
        {"name": c.name, "field_name": c.name, "pandas_type": _PANDAS_TYPE[c.dtype],
         "numpy_type": "Int64" if c.dtype == outputs.INT else _PANDAS_TYPE[c.dtype], "metadata": None}
        for c in columns]}
    return target.with_metadata({b"pandas": json.dumps(pandas_meta).encode()})


def _write_parquet(table: pa.Table, path: Path) -> None:
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")


class Columns:
    """Rows of one output table kept as lists per column: far smaller than one dict per row."""

    def __init__(self, name: str):
        self.name = name
        self.data: dict[str, list] = {c: [] for c in outputs.table(name).column_names}

    def add(self, **values) -> None:
        for column, items in self.data.items():
            items.append(values.get(column))

    def extend(self, rows) -> None:
        for row in rows:
            self.add(**row)

    def __len__(self) -> int:
        return len(next(iter(self.data.values())))

    def column(self, name: str) -> list:
        return self.data[name]


def rows_batch(name: str, rows: list[dict]) -> pa.RecordBatch:
    """A few rows of one output table as an Arrow batch (long-lived rows live in Arrow memory)."""
    target = arrow_schema(name)
    return pa.RecordBatch.from_pydict({c: [r.get(c) for r in rows] for c in target.names}, schema=target)


def _rows_table(name: str, rows) -> pa.Table:
    """Column by column, from Arrow batches, a :class:`Columns` buffer or a list of row dicts."""
    target = arrow_schema(name)
    if rows and isinstance(rows, list) and isinstance(rows[0], pa.RecordBatch):
        return pa.Table.from_batches(rows, schema=target)
    if isinstance(rows, Columns):
        arrays = {c: pa.array(rows.data[c], type=target.field(c).type) for c in target.names}
    else:
        arrays = {c: pa.array([r.get(c) for r in rows], type=target.field(c).type) for c in target.names}
    return pa.table(arrays, schema=target)


_FIELDS: dict = {}


def cells_batch(report_id: str, cells: list[list], changed: dict[str, dict]) -> pa.RecordBatch:
    """One report's ``cells`` rows (compact payload lists) as an Arrow batch.

    ``changed`` maps keys to applied overrides: the cell shows the corrected value and keeps
    the parsed one in ``original_value``.
    """
    if not _FIELDS:
        _FIELDS.update({f.key: f for f in schema.all_fields()})
    target = arrow_schema("cells")
    cols: dict[str, list] = {c: [] for c in target.names}
    for key, value, raw, label, unit, page, line, derived, confidence in cells:
        f = _FIELDS[key]
        override = changed.get(key)
        shown = override["value"] if override is not None else value
        cols["report_id"].append(report_id)
        cols["key"].append(key)
        cols["table"].append(f.table)
        cols["subtable"].append(f.subtable)
        cols["row"].append(f.row)
        cols["column"].append(f.column)
        cols["value"].append(None if shown is None else float(shown))
        cols["raw_text"].append(raw)
        cols["printed_label"].append(label or None)
        cols["unit"].append(unit or f.unit)
        cols["page"].append(page)
        cols["line"].append(line)
        cols["derived"].append(bool(derived))
        cols["source"].append(value_source(derived, confidence))
        cols["confidence"].append(confidence)
        cols["overridden"].append(override is not None)
        cols["original_value"].append(None if override is None or value is None else float(value))
    return pa.RecordBatch.from_pydict(cols, schema=target)


def _wide_sql(name: str) -> str:
    """SELECT that pivots ``cells`` into one of the wide tables, rows in printed order."""
    columns = [c for c in outputs.table(name).columns if c.name not in ("report_id", "subtable", "row")]
    # cells.value is a double for every key; counts are whole numbers (values.py and overrides.py
    # reject fractions), so the cast to BIGINT loses nothing.
    pivots = ", ".join(f"CAST(max(value) FILTER (WHERE \"column\" = '{c.name}') AS {_SQL_TYPE[c.dtype]}) "
                       f"AS \"{c.name}\"" for c in columns)
    if name == "review_litigation":
        return f"SELECT report_id, {pivots} FROM cells WHERE \"table\" = 't3' GROUP BY report_id ORDER BY report_id"
    if name == "processing_fees":  # only reports that print the table (a printed blank counts)
        return (f"SELECT report_id, {pivots} FROM cells WHERE \"table\" = 't4' AND \"row\" = 'processing_fees' "
                f"GROUP BY report_id HAVING count(raw_text) + count(value) > 0 ORDER BY report_id")
    if name == "applications":
        order = [r.key for r in schema.T2_ROWS_2019 if not r.is_group] + list(schema.T2_OTHER_2021)
        order_list = "[" + ", ".join(f"'{r}'" for r in order) + "]"
        return (f"SELECT report_id, \"row\", {pivots} FROM cells WHERE \"table\" = 't2' GROUP BY report_id, \"row\" "
                f"ORDER BY report_id, list_position({order_list}, \"row\")")
    subs = [s.key for s in schema.T1_2019]
    rows = list(dict.fromkeys(r.key for t in schema.TEMPLATES for s in schema.T1_BY_TEMPLATE[t] for r in s.rows))
    sub_list = "[" + ", ".join(f"'{s}'" for s in subs) + "]"
    row_list = "[" + ", ".join(f"'{r}'" for r in rows) + "]"
    return (f"SELECT report_id, subtable, \"row\", {pivots} FROM cells WHERE \"table\" = 't1' "
            f"GROUP BY report_id, subtable, \"row\" "
            f"ORDER BY report_id, list_position({sub_list}, subtable), list_position({row_list}, \"row\")")


class FractionalCountError(ValueError):
    """A count cell holds a fraction: the wide tables store counts as integers and will not round."""


def _require_whole_counts(con) -> None:
    """Counts reach the wide tables as integers; a fraction is a bug upstream, never rounded away."""
    bad = con.execute(
        "SELECT r.file, c.key, c.value FROM cells c JOIN fields f USING (key) JOIN reports r USING (report_id) "
        f"WHERE f.dtype <> '{schema.AMOUNT_WAN}' AND c.value <> trunc(c.value) ORDER BY r.file, c.key LIMIT 5"
    ).fetchall()
    if bad:
        raise FractionalCountError("counts must be whole numbers: " + "; ".join(f"{file}: {key} = {value}"
                                                                            for file, key, value in bad))


def write_tables(rows: dict, out_dir: Path) -> dict[str, int]:
    """Write every table to ``out_dir`` as Parquet and into ``ogi.duckdb``; return row counts."""
    import duckdb

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name in BASE_TABLES:
        if name == "cells":
            table = pa.Table.from_batches(rows.pop("cells"), schema=arrow_schema("cells"))
        else:
            table = _rows_table(name, rows.pop(name))
        _write_parquet(table, out_dir / f"{name}.parquet")
        counts[name] = table.num_rows
        del table  # one table in memory at a time
    with atomic_path(out_dir / DB_NAME, create=False) as tmp_db:  # duckdb creates the file itself
        con = duckdb.connect(tmp_db, config={"memory_limit": DUCKDB_MEMORY, "threads": 2})
        try:
            for name in BASE_TABLES:
                con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet(?)", [str(out_dir / f"{name}.parquet")])
            _require_whole_counts(con)
            for name in WIDE_TABLES:
                con.execute(f"CREATE TABLE {name} AS {_wide_sql(name)}")
                wide = con.sql(f"SELECT * FROM {name}").to_arrow_table()
                wide = pa.Table.from_batches(wide.to_batches(), schema=arrow_schema(name)) if wide.num_rows else \
                    arrow_schema(name).empty_table()
                _write_parquet(wide, out_dir / f"{name}.parquet")
                counts[name] = wide.num_rows
        finally:
            con.close()
    return counts
