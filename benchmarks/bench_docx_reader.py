#!/usr/bin/env python
"""``read_report`` on DOCX reports against a bare ``python-docx`` open of the same files. Prints figures.

Usage::

    .venv/bin/python benchmarks/bench_docx_reader.py [--rounds 7] [DIR ...]

By default the DOCX files under ``tests/fixtures`` (filled templates and renderings of real
reports); each DIR adds the ``*.docx`` below it (e.g. a corpus made by ``generate_corpus.py``).
Everything runs in this one process, in alternating rounds after a warm-up, timed in CPU time
(``time.process_time``) so that other processes on the machine count less; a method's figure is
its fastest round. ``docx.Document`` only opens the package (every part parsed, no text read);
``read_docx`` reads the document model; ``read_report`` adds the analysis (tables, values,
checks, metadata). Also printed: where a DOCX report's time goes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import zipfile
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from timing import timed  # noqa: E402 - after the path set-up

_timed_cpu = partial(timed, clock=time.process_time)


def _line(name: str, times: list[float]) -> str:
    return (f"  {name:18s} median {statistics.median(times) * 1e3:6.2f} ms, "
            f"mean {sum(times) / len(times) * 1e3:6.2f} ms, {len(times) / sum(times):6.1f} files/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("dirs", nargs="*", type=Path)
    args = parser.parse_args()

    import docx

    from helpers import read_report
    from helpers.readers.docx import _Builder, _Index, _load_body, read_docx
    from helpers.report import analyse

    files = sorted((ROOT / "tests" / "fixtures").rglob("*.docx"))
    for folder in args.dirs:
        files += sorted(folder.rglob("*.docx"))

    methods = {"docx.Document": docx.Document, "read_docx": read_docx, "read_report": read_report}
    for method in methods.values():
        _timed_cpu(method, files[:5])
    rounds: dict[str, list[list[float]]] = {name: [] for name in methods}
    for _ in range(args.rounds):
        for name, method in methods.items():
            rounds[name].append(_timed_cpu(method, files))
    best = {name: min(times, key=sum) for name, times in rounds.items()}
    print(f"{len(files)} DOCX files, best of {args.rounds} rounds")
    for name, times in best.items():
        print(_line(name, times))
    print(f"  read_docx is {sum(best['docx.Document']) / sum(best['read_docx']):.2f}x the speed of the bare "
          "python-docx open")

    # where a DOCX report's time goes (fastest of the rounds, mean per file)
    readable = [p for p in files if zipfile.is_zipfile(p)]
    bodies = [_load_body(str(p)) for p in readable]
    indexes = [_Index(body) for body in bodies]
    documents = [read_docx(p) for p in readable]

    def walk(pair) -> None:
        _Builder("", "docx", pair[1]).walk(pair[0])

    stages = {
        "unzip + lxml parse": lambda: _timed_cpu(lambda p: _load_body(str(p)), readable),
        "one pass (_Index)": lambda: _timed_cpu(_Index, bodies),
        "walk": lambda: _timed_cpu(walk, list(zip(bodies, indexes))),
        "analyse (tables, checks, meta)": lambda: _timed_cpu(lambda d: analyse(d, d.path, "0" * 64), documents),
    }
    print("per file, mean:")
    for name, stage in stages.items():
        fastest = min(sum(stage()) for _ in range(args.rounds))
        print(f"  {name:32s} {fastest / len(readable) * 1e3:6.2f} ms")


if __name__ == "__main__":
    main()
