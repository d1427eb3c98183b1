"""Write the corpus tables: Parquet files and one DuckDB database, each written atomically.

Columns and types come from :mod:`helpers.corpus.outputs`. The wide tables (``active_disclosure``,
``applications``, ``review_litigation``, ``processing_fees``) are derived from ``cells`` inside
DuckDB and exported to Parquet too, so both stores always hold the same rows. Their counts are
integers with nulls (DuckDB ``BIGINT``; Parquet int64, read by pandas as ``Int64``); amounts
(``_wan``) stay decimals.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from itertools import repeat
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import outputs
from .. import schema
from ..fileio import atomic_path

IGNORED_NAMES = {"sources.csv", "readme.md", "readme.txt", ".gitkeep"}
DB_NAME = "ogi.duckdb"
DUCKDB_MEMORY = "512MB"  # DuckDB spills to disk beyond this while building the database
COMPRESSION = "zstd"
ROW_GROUP_ROWS = 1 << 16  # rows a streamed table buffers before writing them as one Parquet row group
BASE_TABLES = ("reports", "cells", "sections", "checks", "warnings", "errors", "duplicates", "cross_year_checks",
               "overrides_applied", "fields")
WIDE_TABLES = ("active_disclosure", "applications", "review_litigation", "processing_fees")
_ARROW = {outputs.STRING: pa.string(), outputs.INT: pa.int64(), outputs.FLOAT: pa.float64(),
          outputs.BOOL: pa.bool_(), outputs.DATE: pa.string()}
_PANDAS_TYPE = {outputs.STRING: "unicode", outputs.INT: "int64", outputs.FLOAT: "float64", outputs.BOOL: "bool",
                outputs.DATE: "unicode"}
_SQL_TYPE = {outputs.INT: "BIGINT", outputs.FLOAT: "DOUBLE"}


def discover_reports(raw_dir: Path) -> list[Path]:
    """Every file under ``raw_dir`` (nested folders too, but not linked ones) except the manifest,
    read-me and hidden files, in path order. One ``scandir`` per folder: hidden folders are not
    entered, and entries say whether they are files without a ``stat`` of their own."""
    found: list[Path] = []
    folders = [Path(raw_dir)]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir() and not entry.is_symlink():
                        folders.append(folder / entry.name)
                    elif entry.is_file() and entry.name.lower() not in IGNORED_NAMES:
                        found.append(folder / entry.name)
        except PermissionError:  # as Path.rglob: an unreadable folder is skipped
            continue
    return sorted(found)


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
        pq.write_table(table, tmp, compression=COMPRESSION)


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


def _rows_table(name: str, rows) -> pa.Table:
    """Column by column, from a :class:`Columns` buffer, a DataFrame (NaN read as null) or a
    list of row dicts."""
    target = arrow_schema(name)
    if isinstance(rows, Columns):
        arrays = {c: pa.array(rows.data[c], type=target.field(c).type) for c in target.names}
    elif isinstance(rows, pd.DataFrame):
        arrays = {c: pa.array(rows[c], type=target.field(c).type, from_pandas=True) for c in target.names}
    else:
        arrays = {c: pa.array([r.get(c) for r in rows], type=target.field(c).type) for c in target.names}
    return pa.table(arrays, schema=target)


def _columns_batch(name: str, columns: dict[str, list]) -> pa.RecordBatch:
    """Buffered rows of table ``name`` (a list per column) as one Arrow batch."""
    target = arrow_schema(name)
    return pa.RecordBatch.from_arrays([pa.array(columns[c], type=target.field(c).type) for c in target.names],
                                      schema=target)


@lru_cache(maxsize=1)
def _field_columns() -> pa.RecordBatch:
    """What ``cells`` takes from the schema for each key: its table, subtable, row, column and unit."""
    fields = schema.all_fields()
    return pa.RecordBatch.from_pydict({name: pa.array([getattr(f, name) for f in fields], pa.string())
                                       for name in ("key", "table", "subtable", "row", "column", "unit")})


CELL_LISTS = ("report_id", "overridden", "original_value")  # a cells sink's columns given as lists


def cells_batch(columns: dict[str, list], parsed: pa.Table) -> pa.RecordBatch:
    """Buffered ``cells`` rows as one Arrow batch: the parsed cells (``parsed``, the columns of
    :data:`helpers.corpus.cache.PARSED_CELLS`) and the lists of :data:`CELL_LISTS`.

    Each key's table, subtable, row and column come from the schema by one vectorised lookup,
    and so does the unit where none is printed (``printed or field.unit``).
    """
    target = arrow_schema("cells")
    arrays = {name: parsed.column(name).combine_chunks() for name in parsed.column_names}
    arrays.update({name: pa.array(columns[name], type=target.field(name).type) for name in CELL_LISTS})
    fields = _field_columns().take(pc.index_in(arrays["key"], value_set=_field_columns().column("key")))
    arrays.update({name: fields.column(name) for name in ("table", "subtable", "row", "column")})
    printed = arrays["unit"]
    arrays["unit"] = pc.coalesce(pc.if_else(pc.equal(printed, ""), pa.scalar(None, pa.string()), printed),
                                 fields.column("unit"))
    return pa.RecordBatch.from_arrays([arrays[c] for c in target.names], schema=target)


class TableSink:
    """One output table streamed to Parquet while it is assembled: rows are buffered (a list
    per column, or Arrow batches) and written a row group at a time, so memory holds one row
    group, not the table.

    Open it with :func:`table_sink`.
    """

    def __init__(self, name: str, writer: pq.ParquetWriter, max_rows: int):
        self.name = name
        self.num_rows = 0
        self._writer = writer
        self._max_rows = max_rows
        self._lists: dict[str, list] = {c: [] for c in (CELL_LISTS if name == "cells"
                                                         else outputs.table(name).column_names)}
        self._batches: list[pa.RecordBatch] = []
        self._buffered = 0

    def add(self, rows: dict[str, list] | pa.RecordBatch, **columns) -> None:
        """Append rows: equally long column lists or an Arrow batch, and further ``columns``,
        each a list or one value for every row. Together they name every buffered column."""
        if isinstance(rows, pa.RecordBatch):
            n = rows.num_rows
            self._batches.append(rows)
        else:
            n = len(next(iter(rows.values()))) if rows else 0
            for name, values in rows.items():
                self._lists[name].extend(values)
        for name, values in columns.items():
            self._lists[name].extend(values if isinstance(values, list) else repeat(values, n))
        self.num_rows += n
        self._buffered += n
        if self._buffered >= self._max_rows:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered as one row group."""
        if self._buffered:
            self._writer.write_batch(cells_batch(self._lists, pa.Table.from_batches(self._batches))
                                     if self.name == "cells" else _columns_batch(self.name, self._lists))
            for values in self._lists.values():
                values.clear()
            self._batches.clear()
            self._buffered = 0


@contextmanager
def table_sink(name: str, out_dir: Path, max_rows: int = ROW_GROUP_ROWS) -> Iterator[TableSink]:
    """A :class:`TableSink` for table ``name``; ``out_dir/name.parquet`` appears whole when the
    block ends without an error, and not at all otherwise."""
    with atomic_path(Path(out_dir) / f"{name}.parquet") as tmp, \
            pq.ParquetWriter(tmp, arrow_schema(name), compression=COMPRESSION) as writer:
        sink = TableSink(name, writer, max_rows)
        yield sink
        sink.flush()


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


class Database:
    """``ogi.duckdb`` while it is built (open it with :func:`database`): base tables are loaded
    from their Parquet files, the wide tables derived from ``cells``. :meth:`load_in_background`
    lets DuckDB load the large tables on another core while the caller assembles the rest."""

    def __init__(self, path: str, out_dir: Path):
        import duckdb

        self.con = duckdb.connect(path, config={"memory_limit": DUCKDB_MEMORY, "threads": 2})
        self.out_dir = Path(out_dir)
        self.loaded: set[str] = set()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def load(self, names) -> None:
        """Create the base tables ``names`` from their Parquet files; with ``cells``, the wide tables too."""
        for name in names:
            self.con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet(?)",
                             [str(self.out_dir / f"{name}.parquet")])
            self.loaded.add(name)
            if name == "cells":
                for wide in WIDE_TABLES:
                    self.con.execute(f"CREATE TABLE {wide} AS {_wide_sql(wide)}")

    def load_in_background(self, names) -> None:
        """:meth:`load` in a thread (DuckDB works without the GIL); :meth:`wait` joins it."""
        self._thread = threading.Thread(target=self._load_guarded, args=(tuple(names),), name="ogi-duckdb")
        self._thread.start()

    def _load_guarded(self, names: tuple[str, ...]) -> None:
        try:
            self.load(names)
        except BaseException as exc:  # noqa: BLE001 - raised again by wait(), in the caller's thread
            self._error = exc

    def wait(self) -> None:
        """Join the background load; its error, if any, is raised here."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        if self._thread is not None:
            self._thread.join()
        self.con.close()


@contextmanager
def database(out_dir: Path) -> Iterator[Database]:
    """A :class:`Database` for ``out_dir/ogi.duckdb``, which appears whole when the block ends
    without an error, and not at all otherwise."""
    out_dir = Path(out_dir)
    with atomic_path(out_dir / DB_NAME, create=False) as tmp_db:  # duckdb creates the file itself
        db = Database(tmp_db, out_dir)
        try:
            yield db
        finally:
            db.close()


def write_tables(rows: dict, out_dir: Path, streamed: dict[str, int] | None = None,
                 db: Database | None = None) -> dict[str, int]:
    """Write every table to ``out_dir`` as Parquet and into ``ogi.duckdb``; return row counts.

    ``rows`` holds each base table's rows (a :class:`Columns` buffer, a DataFrame or a list of row dicts),
    except the tables in ``streamed`` (name → rows), already written by a :func:`table_sink`.
    ``db``: the database being built (some tables may be loading already); by default a new one.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = dict(streamed or {})
    for name in BASE_TABLES:
        if name in counts:
            continue
        table = _rows_table(name, rows.pop(name))
        _write_parquet(table, out_dir / f"{name}.parquet")
        counts[name] = table.num_rows
        del table  # one table in memory at a time
    if db is not None:
        return _finish_database(db, counts)
    with database(out_dir) as own:
        return _finish_database(own, counts)


def _finish_database(db: Database, counts: dict[str, int]) -> dict[str, int]:
    """Load what is not loaded yet, refuse fractional counts, and export the wide tables to Parquet
    (``counts`` gains their rows)."""
    db.wait()
    db.load([name for name in BASE_TABLES if name not in db.loaded])
    _require_whole_counts(db.con)
    for name in WIDE_TABLES:
        wide = db.con.sql(f"SELECT * FROM {name}").to_arrow_table()
        wide = pa.Table.from_batches(wide.to_batches(), schema=arrow_schema(name)) if wide.num_rows else \
            arrow_schema(name).empty_table()
        _write_parquet(wide, db.out_dir / f"{name}.parquet")
        counts[name] = wide.num_rows
    return counts
