"""Compare the PDF reader's backends: exact-cell accuracy and speed, side by side.

Usage::

    .venv/bin/python benchmarks/bench_pdf_backends.py [--backends B ...] [FILE.pdf ...]

Files default to the real report data/raw/real/044_huaian_2024.pdf plus every rendered report
tests/fixtures/rendered/*.pdf that has expected values (<stem>.expected.json beside it, or
tests/fixtures/expected/<stem>.json or <stem>_layout.json). For each file and backend, one run of ``read_pdf(path, backend)`` followed by
the parser (``helpers.report.analyse``): accuracy = expected keys whose value matches exactly /
expected keys, and pages per second = page count / wall time of the fastest of ``--repeat`` runs
(3: one run is at the mercy of whatever else the machine does). Libraries are imported
before timing, so the figures are per-report cost, not interpreter start-up. The last table sums
over files; the suggested default is the best accuracy, then the most pages per second.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # works without the editable install too

from helpers import ReportError
from helpers.readers.pdf import BACKENDS, DEFAULT_BACKEND, read_pdf
from helpers.report import analyse, file_sha256

EXPECTED = ROOT / "tests" / "fixtures" / "expected"
DEFAULT_FILES = [ROOT / "data" / "raw" / "real" / "044_huaian_2024.pdf",
                 *sorted((ROOT / "tests" / "fixtures" / "rendered").glob("*.pdf"))]


def expected_for(pdf: Path) -> dict | None:
    """The PDF's own ``<stem>.expected.json`` beside it, else ``tests/fixtures/expected/<stem>[_layout].json``."""
    candidates = [pdf.with_name(f"{pdf.stem}.expected.json"),
                  EXPECTED / f"{pdf.stem}.json", EXPECTED / f"{pdf.stem}_layout.json"]
    for path in candidates:
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    return None


def run_once(pdf: Path, backend: str, expected: dict) -> dict:
    start = time.perf_counter()
    try:
        doc = read_pdf(pdf, backend=backend)
        report = analyse(doc, str(pdf), file_sha256(pdf))
    except ReportError as err:
        return {"seconds": time.perf_counter() - start, "pages": 0, "matched": 0,
                "total": len(expected["values"]), "status": f"error:{err.kind}"}
    seconds = time.perf_counter() - start
    matched = sum(1 for k, v in expected["values"].items() if k in report.values and report.values[k] == v)
    return {"seconds": seconds, "pages": doc.page_count or 0, "matched": matched,
            "total": len(expected["values"]), "status": report.status}


def warm_up(backends: list[str]) -> None:
    """Import each backend's libraries (camelot pulls in OpenCV) outside the timed runs."""
    import pdfplumber  # noqa: F401
    if any(b.startswith("camelot") for b in backends):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import camelot  # noqa: F401
        from helpers.readers import pdf_camelot  # noqa: F401


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--repeat", type=int, default=3, help="runs per file and backend; the fastest counts")
    args = parser.parse_args()
    files = [(f, expected_for(f)) for f in (args.files or DEFAULT_FILES) if f.exists()]
    skipped = [f for f, e in files if e is None]
    files = [(f, e) for f, e in files if e is not None]
    for f in skipped:
        print(f"skipped (no expected JSON): {f}")
    if not files:
        print("no PDF with expected values found")
        return
    warm_up(args.backends)
    head = f"{'file':<40} {'backend':<16} {'pages':>5} {'matched':>9} {'accuracy':>8} {'seconds':>8} {'pages/s':>8}  status"
    print(head)
    print("-" * len(head))
    totals = {b: {"matched": 0, "total": 0, "pages": 0, "seconds": 0.0} for b in args.backends}
    for pdf, expected in files:
        for backend in args.backends:
            r = min((run_once(pdf, backend, expected) for _ in range(args.repeat)), key=lambda run: run["seconds"])
            for k in ("matched", "total", "pages", "seconds"):
                totals[backend][k] += r[k]
            rate = r["pages"] / r["seconds"] if r["seconds"] else 0.0
            print(f"{pdf.name[:40]:<40} {backend:<16} {r['pages']:>5} {r['matched']:>4}/{r['total']:<4} "
                  f"{r['matched'] / r['total']:>8.1%} {r['seconds']:>8.3f} {rate:>8.1f}  {r['status']}")
    print()
    print(f"{'backend':<16} {'files':>5} {'pages':>5} {'matched':>11} {'accuracy':>8} {'seconds':>8} {'pages/s':>8}")
    for backend, t in totals.items():
        print(f"{backend:<16} {len(files):>5} {t['pages']:>5} {t['matched']:>5}/{t['total']:<5} "
              f"{t['matched'] / t['total']:>8.1%} {t['seconds']:>8.3f} {t['pages'] / t['seconds']:>8.1f}")
    best = max(totals, key=lambda b: (totals[b]["matched"] / totals[b]["total"],
                                      totals[b]["pages"] / totals[b]["seconds"]))
    print(f"\nbest (accuracy, then speed): {best}; read_pdf default: {DEFAULT_BACKEND}")


if __name__ == "__main__":
    main()
