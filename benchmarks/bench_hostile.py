#!/usr/bin/env python
"""Hostile and huge files mixed into a folder of real reports: time, peak memory, records. Prints figures.

Usage::

    .venv/bin/python benchmarks/bench_hostile.py [--workers 2] [--keep DIR]

Makes the five files a user met in a scraped folder (``tests/hostile.py``: a 1.4 MB DOCX whose
``document.xml`` inflates to 400 MB, an XLSX of 2 million cells, HTML nested 200,000 ``<div>``
deep, an 18 MB page of one table, a 3,000-page PDF) plus an XML-entity bomb, a PDF whose page
tree contains itself and a DOCX with a corrupt ZIP directory, next to two real reports (HTML and
DOCX). Runs ``ogi ingest`` on the folder in a new process and prints its wall time, the peak
resident memory of the largest process (the ingest or any of its workers, from the kernel's
accounting of waited-for children), one line per file, and whether the real reports' values
equal those of a clean parse. Then each hostile file alone through ``ogi parse``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import hostile  # noqa: E402 - after the path set-up

REAL = [ROOT / "data" / "raw" / "real" / "050_pingtan-shichangjianguanju_2025.html",
        ROOT / "tests" / "fixtures" / "office" / "044_huaian_2024.docx"]
OGI = [sys.executable, "-c", "import sys; from helpers.cli import main; sys.exit(main())"]


def _peak_children_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="make the folder here and keep it")
    args = parser.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="ogi-hostile-"))
    raw = root / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for name, make in hostile.HOSTILE.values():
        make(raw / name)
    hostile.corrupt_zip_directory(REAL[1], raw / "corrupt-directory.docx")
    for path in REAL:
        shutil.copy(path, raw / path.name)
    print(f"made {len(list(raw.iterdir()))} files in {time.perf_counter() - started:.1f} s: "
          + ", ".join(f"{p.name} {p.stat().st_size / (1 << 20):.1f} MB" for p in sorted(raw.iterdir())))

    env = {"PYTHONPATH": str(ROOT / "src"), "CI": "true", "PATH": "/usr/bin:/bin"}
    out = root / "out"
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run([*OGI, "ingest", str(raw), "--out", str(out), "--workers", str(args.workers),
                           "--no-progress", "--summary"], env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    print(f"\nogi ingest --workers {args.workers}: {seconds:.1f} s, exit {done.returncode}, "
          f"largest process peak {_peak_children_mib():.0f} MiB")
    for line in done.stdout.splitlines():
        print("  " + line[:200])
    if done.returncode:
        print(done.stderr[-2000:])

    import pandas as pd

    from helpers.report import parse_file

    reports = pd.read_parquet(out / "reports.parquet").set_index("file")
    cells = pd.read_parquet(out / "cells.parquet")
    for path in REAL:
        read = cells[cells["report_id"] == reports.loc[path.name, "report_id"]].set_index("key")["value"]
        same = {k: (None if pd.isna(v) else v) for k, v in read.items()} == parse_file(path).values
        print(f"  {path.name}: values {'equal' if same else 'DIFFER from'} a clean parse")

    print("\nogi parse, one file a process:")
    for path in sorted(raw.iterdir()):
        if path in {raw / p.name for p in REAL}:
            continue
        started = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", *OGI, "parse", "--json", "--no-progress", str(path)],
                              env=env, capture_output=True, text=True, check=False)
        record = json.loads(done.stdout.splitlines()[0])
        peak = int(done.stderr.strip().splitlines()[-1]) / 1024
        kind = record["error"]["type"] if record["error"] else record["status"]
        print(f"  {path.name:24s} {time.perf_counter() - started:5.1f} s  {peak:5.0f} MiB  {kind}")
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
