"""Command line.

``ogi parse PATH... [--json] [--limit NAME=VALUE]``   one record per file (``--json``: output contract 1)
``ogi ingest [RAW_DIR] [--out DIR] [--workers N] [--engine local|dask --scheduler ADDR] [--limit NAME=VALUE]``
``ogi query "SQL" [--db FILE] [--format table|csv|json]``
``ogi export --xlsx FILE [--db FILE]``
``ogi notebooks [--out reports]``        execute the notebooks headless

Exit status of ``ogi parse``: 0 when every file was read (``ok`` or ``partial``), 1 when any
file has status ``error``, 2 on bad usage. A bad input file never gives a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .report import ERROR, report_summary

DEFAULT_OUT = "data/processed"


def _limits(args: argparse.Namespace, command: str):
    """The ``--limit`` flags over the declared limits, or None after saying what is wrong."""
    from .limits import Limits

    try:
        return Limits.parse(args.limit)
    except ValueError as exc:
        print(f"ogi {command}: {exc}", file=sys.stderr)
        return None


def _parse(args: argparse.Namespace) -> int:
    from .corpus.engines import parse_files

    limits = _limits(args, "parse")
    if limits is None:
        return 2
    status = 0
    options = {"ocr": not args.no_ocr, "progress": not args.no_progress, "limits": limits}
    for report in parse_files(args.paths, options):  # the OCR page bar shows on a terminal only
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False), flush=True)
        else:
            print(report_summary(report), flush=True)
        if report.status == ERROR:
            status = 1
    return status


def _ingest(args: argparse.Namespace) -> int:
    from .corpus.pipeline import ingest
    from .corpus.overrides import OverrideError

    raw = Path(args.raw_dir)
    if not raw.is_dir():
        print(f"ogi ingest: {raw} is not a folder", file=sys.stderr)
        return 2
    limits = _limits(args, "ingest")
    if limits is None:
        return 2

    def announce(payload: dict) -> None:
        if args.verbose:
            print(_payload_line(payload), flush=True)

    try:
        summary = ingest(raw, Path(args.out), workers=args.workers, engine=args.engine, scheduler=args.scheduler,
                         progress=False if args.no_progress else None, overrides=args.overrides, on_file=announce,
                         ocr=not args.no_ocr, limits=limits)
    except OverrideError as exc:
        print(f"ogi ingest: {exc}", file=sys.stderr)
        return 2
    if args.summary and not summary.up_to_date:
        _print_reports(Path(args.out))
    print(summary.line())
    return 0


def _payload_line(payload: dict) -> str:
    if payload["status"] == ERROR:
        return f"{payload['path']}: error ({payload['error']['type']}): {payload['error']['message']}"
    meta = payload["meta"]
    return (f"{payload['path']}: {payload['status']} | {meta.get('agency_name') or '?'} | {meta.get('report_year') or '?'}"
            f" | {meta.get('template') or '?'} | failed checks: {payload['n_failed_checks']} | warnings: {payload['n_warnings']}")


def _print_reports(out: Path) -> None:
    """One line per input file: kept report, duplicate or error."""
    import duckdb

    con = duckdb.connect(str(out / "ogi.duckdb"), read_only=True)
    try:
        rows = con.execute("""
            SELECT file, status || ' | ' || coalesce(agency_name, '?') || ' | ' || coalesce(CAST(report_year AS VARCHAR), '?')
                   || ' | ' || coalesce(template, '?') || ' | ' || n_values || '/' || n_keys || ' values | failed checks: '
                   || n_failed_checks || ' | warnings: ' || n_warnings FROM reports
            UNION ALL SELECT file, 'duplicate of ' || kept_file || ' (' || reason || ')' FROM duplicates
            UNION ALL SELECT file, 'error (' || error_type || '): ' || message FROM errors
            ORDER BY 1""").fetchall()
    finally:
        con.close()
    for file, text in rows:
        print(f"{file}: {text}")


def _query(args: argparse.Namespace) -> int:
    import duckdb

    db = Path(args.db)
    if not db.exists():
        print(f"ogi query: {db} does not exist; run `ogi ingest` first", file=sys.stderr)
        return 2
    con = duckdb.connect(str(db), read_only=True)
    try:
        result = con.execute(args.sql)
        sql_types = [str(d[1]).upper() for d in con.description or ()]
        frame = _integers_as_integers(result.df(), sql_types)
    except duckdb.Error as exc:
        print(f"ogi query: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(frame.to_json(orient="records", force_ascii=False))
    else:
        import pandas as pd

        with pd.option_context("display.max_rows", 200, "display.max_columns", 50, "display.width", 200):
            print(_for_display(frame).to_string(index=False) if len(frame) else
                  "  ".join(map(str, frame.columns)) + "\n(0 rows)")
    return 0


_SQL_INTEGER = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                "UBIGINT", "UHUGEINT")


def _integers_as_integers(frame, sql_types: list[str]):
    """Integer SQL columns stay integers: DuckDB hands ``sum(BIGINT)`` (a HUGEINT) and integer
    columns with nulls to pandas as float64; they become ``Int64`` (nulls kept)."""
    import pandas as pd

    for i, sql_type in enumerate(sql_types[:frame.shape[1]]):
        column = frame.iloc[:, i]
        if sql_type in _SQL_INTEGER and pd.api.types.is_float_dtype(column):
            frame.isetitem(i, column.astype("Int64"))
    return frame


def _for_display(frame):
    """The result as text for the terminal: nulls blank (not 0, not ``NaN``/``<NA>``), whole
    numbers without ``.0`` (a float column whose every value is whole, e.g. ``sum(value)`` over
    count cells), other numbers and amounts (``_wan`` columns, 万元) as they are.

    >>> import pandas as pd
    >>> _for_display(pd.DataFrame({"n": [3119.0, None], "x": [0.5, 2.0], "fee_wan": [1.0, 2.0]})).to_dict("list")
    {'n': ['3119', ''], 'x': ['0.5', '2.0'], 'fee_wan': ['1.0', '2.0']}
    """
    import pandas as pd

    def is_null(value) -> bool:
        return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)

    columns = []
    for i in range(frame.shape[1]):
        column = frame.iloc[:, i]
        values = [v for v in column if not is_null(v)]
        is_amount = pd.api.types.is_float_dtype(column) and str(frame.columns[i]).endswith("_wan")
        whole = (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column) and not is_amount
                 and all(float(v).is_integer() for v in values))
        columns.append(["" if is_null(v) else str(int(v)) if whole else str(v) for v in column])
    return pd.DataFrame(dict(enumerate(columns)), index=frame.index).set_axis(frame.columns, axis=1)


def _export(args: argparse.Namespace) -> int:
    from .corpus.export import export_xlsx

    db = Path(args.db)
    if not db.exists():
        print(f"ogi export: {db} does not exist; run `ogi ingest` first", file=sys.stderr)
        return 2
    path = export_xlsx(db, Path(args.xlsx))
    print(f"wrote {path} ({_sheet_summary(path)})")
    return 0


def _sheet_summary(path: Path) -> str:
    """「24 sheets: cover, 8 agency × year, 14 tables, data dictionary」 for the line ``ogi export`` prints."""
    from openpyxl import load_workbook

    from .corpus.export import COVER_SHEET, DICTIONARY_SHEET, MEASURES

    names = load_workbook(path, read_only=True).sheetnames
    panels = {m.sheet_title for m in MEASURES}
    n_panels = sum(1 for n in names if n.split(" (")[0] in panels)
    n_tables = len(names) - n_panels - (COVER_SHEET in names) - (DICTIONARY_SHEET in names)
    return f"{len(names)} sheets: cover, {n_panels} agency × year, {n_tables} tables, data dictionary"


def _notebooks(args: argparse.Namespace) -> int:
    from .analysis.notebooks import NotebookError, run_notebooks

    if not (Path(args.processed) / "reports.parquet").exists():
        print(f"ogi notebooks: no tables in {args.processed}; run `ogi ingest` first", file=sys.stderr)
        return 2
    started = time.time()
    try:
        written = run_notebooks(args.notebooks, args.out, args.processed)
    except NotebookError as exc:
        print(f"ogi notebooks: {exc}", file=sys.stderr)
        return 1
    print(_notebooks_line(written, Path(args.out), started))
    return 0


def _notebooks_line(written: list[Path], out: Path, started: float) -> str:
    """One line for what ``ogi notebooks`` wrote: notebooks (HTML and executed), figures."""
    n_runs = sum(1 for p in written if p.suffix == ".ipynb")
    n_html = sum(1 for p in written if p.suffix == ".html")
    figures = out / "figures"
    names = {p.stem for p in figures.glob("*") if p.suffix in (".png", ".svg") and p.stat().st_mtime >= started - 1}
    return (f"wrote {_count(n_runs, 'executed notebook')} → {out}/*.ipynb, {_count(n_html, 'HTML page')} → "
            f"{out}/*.html, {_count(len(names), 'figure')} (PNG + SVG) → {figures}/ ({time.time() - started:.0f} s)")


def _count(n: int, noun: str) -> str:
    """「1 figure」, 「2 figures」.

    >>> _count(1, "figure"), _count(2, "figure")
    ('1 figure', '2 figures')
    """
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _limit_flag(parser: argparse.ArgumentParser) -> None:
    from .limits import describe

    names = ", ".join(f"{name} ({default})" for name, default, _ in describe())
    parser.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                        help=f"change what one file may cost (repeatable); limits and defaults: {names}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ogi", description="Government information disclosure annual reports → tidy tables")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="parse report files and print one record per file")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print JSON Lines (output contract 1)")
    p.add_argument("--no-ocr", action="store_true",
                   help="do not OCR scanned PDF pages (a scan is then a no_text_layer error)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar for OCR'd pages")
    _limit_flag(p)
    p.set_defaults(func=_parse)
    for name in ("ingest", "run"):
        r = sub.add_parser(name, help="turn a folder of reports into Parquet tables and a DuckDB database"
                           + (" (alias of ingest)" if name == "run" else ""))
        r.add_argument("raw_dir", nargs="?", default="data/raw", metavar="RAW_DIR")
        r.add_argument("--out", default=DEFAULT_OUT)
        r.add_argument("--workers", type=int, default=None, help="parse processes (default: one per core)")
        r.add_argument("--engine", choices=("local", "dask"), default="local")
        r.add_argument("--scheduler", default=None, help="Dask scheduler address for --engine dask")
        r.add_argument("--overrides", default=None, help="corrections file (default: overrides.csv beside RAW_DIR)")
        r.add_argument("--no-progress", action="store_true", help="no progress bar")
        r.add_argument("--no-ocr", action="store_true",
                       help="do not OCR scanned PDF pages (a scan is then a no_text_layer error)")
        r.add_argument("--summary", action="store_true", help="print one line per input file at the end")
        r.add_argument("--verbose", action="store_true", help="print one line per file as it is parsed")
        _limit_flag(r)
        r.set_defaults(func=_ingest)
    q = sub.add_parser("query", help="run SQL against the DuckDB database")
    q.add_argument("sql")
    q.add_argument("--db", default=f"{DEFAULT_OUT}/ogi.duckdb")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q.set_defaults(func=_query)
    e = sub.add_parser("export", help="write a formatted Excel workbook")
    e.add_argument("--xlsx", required=True, metavar="FILE")
    e.add_argument("--db", default=f"{DEFAULT_OUT}/ogi.duckdb")
    e.set_defaults(func=_export)
    n = sub.add_parser("notebooks", help="execute the numbered notebooks headless into reports/ (notebooks and HTML)")
    n.add_argument("--notebooks", default="notebooks")
    n.add_argument("--out", default="reports")
    n.add_argument("--processed", default=DEFAULT_OUT)
    n.set_defaults(func=_notebooks)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
