"""Command line.

``ogi parse PATH... [--json]``   one record per file (``--json``: output contract 1)
``ogi ingest [RAW_DIR] [--out DIR] [--workers N] [--engine local|dask --scheduler ADDR]``
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
from pathlib import Path

from .report import ERROR, parse_file, report_summary

DEFAULT_OUT = "data/processed"


def _parse(args: argparse.Namespace) -> int:
    status = 0
    for path in args.paths:  # the OCR page bar shows on a terminal only
        report = parse_file(path, ocr=not args.no_ocr, progress=not args.no_progress)
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False), flush=True)
        else:
            print(report_summary(report), flush=True)
        if report.status == ERROR:
            status = 1
    return status


def _ingest(args: argparse.Namespace) -> int:
    from .corpus import ingest
    from .overrides import OverrideError

    raw = Path(args.raw_dir)
    if not raw.is_dir():
        print(f"ogi ingest: {raw} is not a folder", file=sys.stderr)
        return 2

    def announce(payload: dict) -> None:
        if args.verbose:
            print(_payload_line(payload), flush=True)

    try:
        summary = ingest(raw, Path(args.out), workers=args.workers, engine=args.engine, scheduler=args.scheduler,
                         progress=False if args.no_progress else None, overrides=args.overrides, on_file=announce,
                         ocr=not args.no_ocr)
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
        frame = con.execute(args.sql).df()
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
            print(frame.to_string(index=False))
    return 0


def _export(args: argparse.Namespace) -> int:
    from .export import export_xlsx

    db = Path(args.db)
    if not db.exists():
        print(f"ogi export: {db} does not exist; run `ogi ingest` first", file=sys.stderr)
        return 2
    path = export_xlsx(db, Path(args.xlsx))
    print(f"wrote {path}")
    return 0


def _notebooks(args: argparse.Namespace) -> int:
    from .notebooks import NotebookError, run_notebooks

    if not (Path(args.processed) / "reports.parquet").exists():
        print(f"ogi notebooks: no tables in {args.processed}; run `ogi ingest` first", file=sys.stderr)
        return 2
    try:
        written = run_notebooks(args.notebooks, args.out, args.processed)
    except NotebookError as exc:
        print(f"ogi notebooks: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ogi", description="Government information disclosure annual reports → tidy tables")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="parse report files and print one record per file")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print JSON Lines (output contract 1)")
    p.add_argument("--no-ocr", action="store_true",
                   help="do not OCR scanned PDF pages (a scan is then a no_text_layer error)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar for OCR'd pages")
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
