"""Command line: ``ogi parse PATH... [--json]`` and ``ogi run RAW_DIR --out DIR``.

Exit status of ``ogi parse``: 0 when every file was read (``ok`` or ``partial``), 1 when any
file has status ``error``, 2 on bad usage. A bad input file never gives a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .report import ERROR, parse_file, report_summary
from .store import discover_reports, write_outputs


def _parse(args: argparse.Namespace) -> int:
    status = 0
    for path in args.paths:
        report = parse_file(path)
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False), flush=True)
        else:
            print(report_summary(report), flush=True)
        if report.status == ERROR:
            status = 1
    return status


def _run(args: argparse.Namespace) -> int:
    raw = Path(args.raw_dir)
    if not raw.is_dir():
        print(f"ogi run: {raw} is not a folder", file=sys.stderr)
        return 2
    reports = []
    for path in discover_reports(raw):
        report = parse_file(path)
        print(report_summary(report), flush=True)
        reports.append(report)
    written = write_outputs(reports, Path(args.out), raw)
    counts = {s: sum(r.status == s for r in reports) for s in ("ok", "partial", "error")}
    print(f"{len(reports)} files: {counts['ok']} ok, {counts['partial']} partial, {counts['error']} error; "
          f"wrote {', '.join(str(p) for p in written)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ogi", description="Government information disclosure annual reports → tidy tables")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="parse report files and print one record per file")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print JSON Lines (output contract 1)")
    p.set_defaults(func=_parse)
    r = sub.add_parser("run", help="parse every report under RAW_DIR and write tables to --out")
    r.add_argument("raw_dir", nargs="?", default="data/raw", metavar="RAW_DIR")
    r.add_argument("--out", default="data/processed")
    r.set_defaults(func=_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
