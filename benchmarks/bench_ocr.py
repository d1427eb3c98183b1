#!/usr/bin/env python
"""How exactly and how fast scans of real reports read by OCR, compared with their HTML twins.

Reads the scans made by ``scripts/make_scans.py`` (``benchmarks/out/scans/MANIFEST.csv``: every
LibreOffice PDF rendering of a bundled real report, printed back as page images at 150–200 dpi,
turned, toned, noised, blurred, JPEG-compressed and stamped with a red seal), parses each one
and its HTML twin, and prints:

- reports whose values are identical to the twin's (among twins that read as ``ok``), for scans
  printed from a PDF whose own text layer reads exactly like the twin, and then for all (where
  LibreOffice dropped rows at a page break the scan lacks them too);
- printed non-zero cells read identically;
- wrong values: a non-null value that differs from the twin's, and whether each was caught
  (the report is ``partial``, or a check fails) — an ``ok`` report with a wrong value is a lie;
- values left null for low confidence;
- speed: seconds per page on the first run (nothing cached) and per report on a cached re-run.

``--set dev`` is the development reports (``data/raw/real/``), ``--set holdout`` the panel pages
(``data/raw/panel/``), which were not looked at while the OCR reader was built.

``--dpi`` renders the pages at another resolution (to choose the reader's; each resolution has
its own cache entries).

``--jobs 2`` parses two scans at a time, one inference thread each (as ``ogi ingest`` does).

Usage:  .venv/bin/python benchmarks/bench_ocr.py [--set dev|holdout|all] [--fresh] [--details] [--limit N]
        [--dpi N] [--jobs N] [--scans DIR] [--cache DIR]
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_cross_format import compare as cross_format_compare  # noqa: E402
from helpers.report import parse_file  # noqa: E402

SCANS = REPO / "benchmarks" / "out" / "scans"
CACHE = REPO / "benchmarks" / "out" / "ocr-cache"


def compare(twin, report) -> dict:
    """The cross-format comparison, plus what caught a misread: status, low confidence, checks."""
    result = cross_format_compare(twin, report)
    result["caught"] = bool(result["wrong"]) and report.status != "ok"
    result["low"] = sum("confidence" in w for w in report.warnings)
    result["failed"] = [f"{c.id}:{c.scope}" for c in report.failed_checks()]
    return result


def measure(row: dict) -> tuple[dict, float, float]:
    """Parse one scan (then again, cached) and compare it with its twin; the two timings."""
    logging.disable(logging.WARNING)
    twin = parse_file(REPO / row["twin"])
    # the PDF the scan was printed from, read from its text layer: a value it lacks (LibreOffice
    # dropped rows at a page break) is not on the scan either; a layout its text layer does not
    # read exactly is no test of OCR alone. Such scans are listed and counted apart.
    source = REPO / row["made_by"].split(" from ", 1)[1]
    source_exact = cross_format_compare(twin, parse_file(source, ocr=False))["exact"]
    start = time.perf_counter()
    report = parse_file(row["path"], ocr_cache=row["cache"])
    first = time.perf_counter() - start
    start = time.perf_counter()
    parse_file(row["path"], ocr_cache=row["cache"])
    cached = time.perf_counter() - start
    result = {"file": row["file"], "twin_ok": twin.status == "ok", "source_exact": source_exact,
              "status": report.status,
              "error": report.error, **compare(twin, report)}
    return result, first, cached


def main(argv: list[str] | None = None) -> int:
    global CACHE, SCANS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="all", choices=("all", "dev", "holdout"))
    parser.add_argument("--fresh", action="store_true", help="empty the OCR cache first (first-run speed)")
    parser.add_argument("--details", action="store_true")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--scans", type=Path, default=None,
                        help=f"folder of scans with a MANIFEST.csv (default {SCANS.relative_to(REPO)}; "
                             "benchmarks/out/scans-chromium for the Chromium renderings' scans)")
    parser.add_argument("--cache", type=Path, default=None, help=f"OCR cache folder (default {CACHE.relative_to(REPO)})")
    parser.add_argument("--jobs", type=int, default=1, help="parse in this many processes (one OCR thread each)")
    parser.add_argument("--dpi", type=int, default=None, help="render pages at this resolution (default: the reader's)")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    CACHE = args.cache or CACHE
    SCANS = args.scans or SCANS
    if args.dpi:
        from helpers.readers import ocr

        ocr.DPI = args.dpi
    manifest = SCANS / "MANIFEST.csv"
    if not manifest.exists():
        print("no scans: run scripts/make_scans.py first", file=sys.stderr)
        return 2
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle)
                if args.set == "all" or ("dev" if "/real/" in r["twin"] else "holdout") == args.set]
    rows = rows[: args.limit] if args.limit else rows
    for row in rows:  # passed to the worker processes with the row
        row["path"], row["cache"] = SCANS / row["file"], CACHE
    if args.fresh and CACHE.exists():
        shutil.rmtree(CACHE)
    wall = time.perf_counter()
    if args.jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        os.environ["OGI_OCR_THREADS"] = "1"  # one inference thread per process: the cores are shared out
        with ProcessPoolExecutor(args.jobs) as pool:
            measured = list(pool.map(measure, rows))
    else:
        measured = [measure(row) for row in rows]
    wall = time.perf_counter() - wall
    results = [m[0] for m in measured]
    first, cached = sum(m[1] for m in measured), sum(m[2] for m in measured)
    pages = sum(int(row["pages"]) for row in rows)
    if args.details:
        for result in results:
            if not result["exact"]:
                print(f"  {result['file']}{'' if result['source_exact'] else ' (its PDF text layer differs)'}: {result['status']} {result['error'] or ''} wrong={result['wrong'][:6]} "
                      f"low={result['low']} failed={result['failed'][:4]}", flush=True)
    lacking = [r["file"] for r in results if r["twin_ok"] and not r["source_exact"]]
    considered = [r for r in results if r["twin_ok"] and r["source_exact"]]
    exact = sum(r["exact"] for r in considered)
    nonzero = sum(r["nonzero"] for r in considered)
    n_nonzero = sum(r["n_nonzero"] for r in considered)
    wrong = sum(len(r["wrong"]) for r in results)
    uncaught = [r["file"] for r in results if r["wrong"] and not r["caught"]]
    from helpers.readers import ocr

    print(f"{SCANS.relative_to(REPO) if SCANS.is_relative_to(REPO) else SCANS} set={args.set} at {ocr.DPI} dpi: {len(results)} scans, {pages} pages ({len(considered)} with an ok twin, printed from a PDF whose text layer reads like it)")
    print(f"  counted apart: {len(lacking)} scan(s) of a PDF whose own text layer does not read like the twin "
          f"{lacking}")
    print(f"  reports identical to the twin: {exact}/{len(considered)} ({100 * exact / max(len(considered), 1):.1f} %)")
    print(f"  non-zero cells identical:      {nonzero}/{n_nonzero} ({100 * nonzero / max(n_nonzero, 1):.2f} %)")
    if lacking:
        every = [r for r in results if r["twin_ok"]]
        print(f"  counting them too:             {sum(r['exact'] for r in every)}/{len(every)} reports "
              f"({100 * sum(r['exact'] for r in every) / len(every):.1f} %), "
              f"{sum(r['nonzero'] for r in every)}/{sum(r['n_nonzero'] for r in every)} non-zero cells "
              f"({100 * sum(r['nonzero'] for r in every) / max(sum(r['n_nonzero'] for r in every), 1):.2f} %)")
    print(f"  status: ok {sum(r['status'] == 'ok' for r in results)}, partial "
          f"{sum(r['status'] == 'partial' for r in results)}, error {sum(r['status'] == 'error' for r in results)}")
    print(f"  wrong non-null values: {wrong} in {sum(bool(r['wrong']) for r in results)} reports; "
          f"not caught (ok report with a wrong value): {len(uncaught)} {uncaught[:5]}")
    print(f"  ok reports that differ from the twin (lies): {sum(r['lie'] for r in results)}")
    print(f"  values left null for low confidence: {sum(r['low'] for r in results)} warnings")
    print(f"  speed: {first / max(pages, 1):.2f} s/page on this run{' (nothing cached)' if args.fresh else ''} "
          f"({args.jobs} process{'es' if args.jobs > 1 else ''}; wall {wall:.0f} s: {wall / max(pages, 1):.2f} s/page), "
          f"{cached / max(len(results), 1):.2f} s/report cached re-run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
