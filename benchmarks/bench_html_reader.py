#!/usr/bin/env python
"""``read_report`` on real HTML pages against a bare ``pandas.read_html`` over the same files. Prints figures.

Usage::

    .venv/bin/python benchmarks/bench_html_reader.py [--rounds 7] [--raw data/raw]

Both run in this one process on the bundled real pages (``data/raw/real`` and
``data/raw/panel``), in alternating rounds after a warm-up; a method's figure is its fastest
round (the least disturbed by the machine). ``pandas.read_html`` only splits the tables into
frames; ``read_report`` decodes, locates the report, reads every paragraph and table, maps the
cells onto the canonical keys and runs the identity checks. Also printed: ``read_report`` on
the text reports bundled under ``data/raw`` (seeds and truncated pages), and where the HTML
time goes (decode, lxml parse, locating and walking, analysis).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from timing import timed  # noqa: E402 - after the path set-up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--raw", type=Path, default=ROOT / "data" / "raw")
    args = parser.parse_args()

    import pandas as pd

    from helpers import read_report
    from helpers.document import Document
    from helpers.readers.html import blocks_from, decode_html, parse_html
    from helpers.report import analyse

    html = sorted([*args.raw.glob("real/*.html"), *args.raw.glob("panel/*.html")])
    text = sorted(p for p in args.raw.rglob("*.txt"))
    data = [p.read_bytes() for p in html]
    warnings.simplefilter("ignore")  # pandas' FutureWarning on literal HTML

    def bare_pandas(raw: bytes) -> None:
        pd.read_html(io.BytesIO(raw))

    timed(read_report, html[:5])
    timed(bare_pandas, data[:5])
    ours, theirs, texts = [], [], []
    for _ in range(args.rounds):
        ours.append(timed(read_report, html))
        theirs.append(timed(bare_pandas, data))
        texts.append(timed(read_report, text))
    best_ours = min(ours, key=sum)
    best_theirs = min(theirs, key=sum)
    best_text = min(texts, key=sum)
    print(f"{len(html)} real HTML pages, best of {args.rounds} rounds")
    print(f"  read_report        median {statistics.median(best_ours) * 1e3:6.2f} ms, "
          f"mean {sum(best_ours) / len(html) * 1e3:6.2f} ms, {len(html) / sum(best_ours):6.1f} reports/s")
    print(f"  pandas.read_html   median {statistics.median(best_theirs) * 1e3:6.2f} ms, "
          f"mean {sum(best_theirs) / len(html) * 1e3:6.2f} ms")
    print(f"  read_report is {sum(best_theirs) / sum(best_ours):.2f}x the speed of the bare pandas pass "
          f"(median ratio {statistics.median(best_theirs) / statistics.median(best_ours):.2f}x)")
    print(f"{len(text)} text reports: read_report median {statistics.median(best_text) * 1e3:.2f} ms, "
          f"mean {sum(best_text) / len(text) * 1e3:.2f} ms")

    # where an HTML report's time goes (fastest of the rounds, mean per page)
    texts_decoded = [decode_html(raw, str(p))[0] for raw, p in zip(data, html)]
    roots = [parse_html(t) for t in texts_decoded]
    documents = [blocks_from(r, Document(path=str(p), input_format="html")) for r, p in zip(roots, html)]
    stages = {
        "decode": lambda: [decode_html(raw, str(p)) for raw, p in zip(data, html)],
        "lxml parse": lambda: [parse_html(t) for t in texts_decoded],
        "locate + walk": lambda: [blocks_from(r, Document(path=str(p), input_format="html"))
                                  for r, p in zip(roots, html)],
        "analyse (tables, checks, meta)": lambda: timed(lambda d: analyse(d, d.path, "0" * 64), documents),
    }
    print("per page, mean:")
    for name, stage in stages.items():
        best = min(timed(lambda _, run=stage: run(), [None])[0] for _ in range(args.rounds))
        print(f"  {name:32s} {best / len(html) * 1e3:6.2f} ms")


if __name__ == "__main__":
    main()
