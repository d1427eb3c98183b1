#!/usr/bin/env python
"""How exactly each rendering of a real report reads, compared with its HTML twin.

Reads ``tests/fixtures/renderings/MANIFEST.csv`` (this project's renderings of every bundled
real HTML report, ``scripts/render_real_reports.py``) and ``renderings/corpus/MANIFEST.csv``
(the same kinds of rendering of the 13 ``real/`` reports, made independently), parses every
rendering and its twin, and prints per format:

- reports whose values are identical to the twin's, among twins that read as ``ok``;
- printed non-zero cells read identically;
- wrong non-null values (a value that differs from the twin's and is not null: the worst defect);
- ``ok`` reports that differ from the twin (a status that lies; must be 0);
- speed: reports per second and, for PDFs, pages per second (one process, libraries loaded).

``--set dev`` / ``--set holdout`` restricts to the development reports (``real/``) or the
held-out panel (``panel/``). ``--details`` lists every rendering that differs.

Usage:  .venv/bin/python benchmarks/bench_cross_format.py [--set dev|holdout|all] [--details]
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from helpers.report import parse_file  # noqa: E402

RENDERINGS = REPO / "tests" / "fixtures" / "renderings"
MANIFESTS = {"own": RENDERINGS / "MANIFEST.csv", "corpus": RENDERINGS / "corpus" / "MANIFEST.csv"}


def rows(which: str) -> list[dict]:
    out = []
    for name, manifest in MANIFESTS.items():
        with manifest.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                row["path"] = manifest.parent / row["file"]
                row["maker"] = name
                row["set"] = "dev" if "/real/" in row["twin"] else "holdout"
                if which in ("all", row["set"]):
                    out.append(row)
    return out


def compare(twin, report) -> dict:
    keys = list(twin.values)
    nonzero = [k for k in keys if twin.values[k] not in (None, 0)]
    return {
        "exact": report.values == twin.values,
        "cells": sum(report.values.get(k) == twin.values[k] for k in keys), "n_cells": len(keys),
        "nonzero": sum(report.values.get(k) == twin.values[k] for k in nonzero), "n_nonzero": len(nonzero),
        "wrong": [k for k in keys if report.values.get(k) is not None and report.values.get(k) != twin.values[k]]
        + [k for k in report.values if k not in twin.values and report.values[k] is not None],
        "lie": report.status == "ok" and report.values != twin.values,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="all", choices=("all", "dev", "holdout"))
    parser.add_argument("--details", action="store_true")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    twins: dict[str, object] = {}
    by_format: dict[str, list[dict]] = defaultdict(list)
    for row in rows(args.set):
        twin_path = REPO / row["twin"]
        if row["twin"] not in twins:
            twins[row["twin"]] = parse_file(twin_path)
        twin = twins[row["twin"]]
        start = time.perf_counter()
        report = parse_file(row["path"])
        seconds = time.perf_counter() - start
        result = compare(twin, report) | {"row": row, "report": report, "twin": twin, "seconds": seconds}
        by_format[f"{row['format']}"].append(result)
    print(f"set: {args.set}; twins: {len(twins)} ({sum(t.status == 'ok' for t in twins.values())} read as ok)")
    header = ("format", "renderings", "identical (twin ok)", "non-zero cells", "all cells", "wrong values",
              "ok but differs", "reports/s", "pages/s")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for fmt in sorted(by_format):
        results = by_format[fmt]
        judged = [r for r in results if r["twin"].status == "ok"]
        seconds = sum(r["seconds"] for r in results)
        pages = sum(r["report"].meta.get("page_count") or 0 for r in results)
        nz = sum(r["nonzero"] for r in results), sum(r["n_nonzero"] for r in results)
        cells = sum(r["cells"] for r in results), sum(r["n_cells"] for r in results)
        print(f"| {fmt} | {len(results)} | {sum(r['exact'] for r in judged)}/{len(judged)} | "
              f"{nz[0]}/{nz[1]} ({100 * nz[0] / max(nz[1], 1):.1f} %) | {100 * cells[0] / max(cells[1], 1):.1f} % | "
              f"{sum(len(r['wrong']) for r in results)} | {sum(r['lie'] for r in results)} | "
              f"{len(results) / seconds:.1f} | {pages / seconds:.1f} |" if "pdf" in fmt else
              f"| {fmt} | {len(results)} | {sum(r['exact'] for r in judged)}/{len(judged)} | "
              f"{nz[0]}/{nz[1]} ({100 * nz[0] / max(nz[1], 1):.1f} %) | {100 * cells[0] / max(cells[1], 1):.1f} % | "
              f"{sum(len(r['wrong']) for r in results)} | {sum(r['lie'] for r in results)} | "
              f"{len(results) / seconds:.1f} | |")
    if args.details:
        for fmt in sorted(by_format):
            for r in by_format[fmt]:
                if r["exact"] and not r["lie"]:
                    continue
                rep = r["report"]
                print(f"\n{r['row']['maker']}/{r['row']['file']}: {rep.status} (twin {r['twin'].status}); "
                      f"cells {r['cells']}/{r['n_cells']}; wrong {r['wrong'][:6]}")
                for w in rep.warnings[:8]:
                    print("    ", w)
                if rep.error:
                    print("    ", rep.error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
