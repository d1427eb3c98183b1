"""Benchmark the text reader + parser (``helpers.read_report``) on the repository's own report texts.

Usage::

    .venv/bin/python benchmarks/bench_text_reader.py [--repeat N] [--warmup K] [FILE...]

For each file: median and p90 wall time per parse over N repetitions, reports/second (1/median),
tracemalloc peak while parsing (one extra traced run, so tracing does not distort the timings),
then an overall line with totals and the process max RSS (``resource.getrusage``).
Files default to data/raw/seeds/*.txt, data/raw/partial/*.txt and tests/fixtures/text/*.txt.
"""

from __future__ import annotations

import argparse
import gc
import math
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # works without the editable install too

from helpers import PARSER_VERSION, ReportError, read_report

DEFAULT_GLOBS = ["data/raw/seeds/*.txt", "data/raw/partial/*.txt", "tests/fixtures/text/*.txt"]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def max_rss_mib() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # kilobytes on Linux, bytes on macOS
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def parse_once(path: Path) -> str:
    try:
        return read_report(path).status
    except ReportError as err:
        return f"error:{err.kind}"


def bench_file(path: Path, repeat: int, warmup: int) -> dict:
    for _ in range(warmup):
        parse_once(path)
    times: list[float] = []
    status = ""
    gc.collect()
    for _ in range(repeat):
        start = time.perf_counter()
        status = parse_once(path)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    tracemalloc.reset_peak()
    parse_once(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median = statistics.median(times)
    return {
        "name": path.name, "size": path.stat().st_size, "status": status, "times": times,
        "median": median, "p90": percentile(times, 90), "rps": 1 / median if median else float("inf"),
        "peak": peak,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="report texts (default: the repository's fixtures)")
    ap.add_argument("--repeat", type=int, default=20, help="timed parses per file (default 20)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed parses per file first (default 2)")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    files = args.files or sorted(p for g in DEFAULT_GLOBS for p in ROOT.glob(g))
    if not files:
        print("no report files found", file=sys.stderr)
        return 0

    print(f"OGI text reader benchmark | parser {PARSER_VERSION} | Python {platform.python_version()} | "
          f"{platform.machine()} | repeat={args.repeat} warmup={args.warmup} | {len(files)} files")
    header = f"{'file':<52} {'KiB':>6} {'status':<8} {'median ms':>9} {'p90 ms':>8} {'rep/s':>7} {'tm peak KiB':>11}"
    print(header)
    print("-" * len(header))
    wall = time.perf_counter()
    results = []
    for path in files:
        r = bench_file(path, args.repeat, args.warmup)
        results.append(r)
        print(f"{r['name'][:52]:<52} {r['size'] / 1024:>6.1f} {r['status'][:8]:<8} {r['median'] * 1e3:>9.2f} "
              f"{r['p90'] * 1e3:>8.2f} {r['rps']:>7.1f} {r['peak'] / 1024:>11.1f}")
    wall = time.perf_counter() - wall
    print("-" * len(header))
    all_times = [t for r in results for t in r["times"]]
    total_time = sum(all_times)
    total_bytes = sum(r["size"] for r in results) * args.repeat
    print(f"overall: {len(all_times)} parses of {len(results)} files | median {statistics.median(all_times) * 1e3:.2f} ms | "
          f"p90 {percentile(all_times, 90) * 1e3:.2f} ms | {len(all_times) / total_time:.1f} reports/s | "
          f"{total_bytes / total_time / 1024:.0f} KiB/s | tracemalloc peak max {max(r['peak'] for r in results) / 1024:.1f} KiB | "
          f"max RSS {max_rss_mib():.1f} MiB | wall {wall:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
