#!/usr/bin/env python
"""Benchmark the corpus pipeline (``helpers.corpus.ingest``) on synthetic corpora. Prints figures.

Usage::

    .venv/bin/python benchmarks/bench_ingest.py [--sizes 1000,10000] [--quick] [--workers 2]
        [--root /tmp/ogi-bench] [--seed 0] [--cli] [--skip-formats] [--skip-scale]

1. Corpora are made by ``benchmarks/generate_corpus.py`` under ``--root`` and reused when one
   with the same parameters (and the same generator code) is already there.
2. Per format (200 text, 200 html, 100 docx, 20 pdf, 50 xlsx): a first ingest into an empty
   output folder → reports/s, and exact-cell accuracy of ``cells.parquet`` against the truth.
3. Per size (text/html/docx mix): generation time, first full ingest, then the re-ingest of the
   unchanged corpus (which must parse nothing).

Every ingest runs in a fresh child process (``--child``), so each gets its own memory figures:
the child's max RSS and its workers' max RSS (``resource.getrusage``), plus the peak of the
whole process tree's summed RSS sampled with psutil every 0.1 s when psutil is importable.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PER_FORMAT = {"text": 200, "html": 200, "docx": 100, "pdf": 20, "xlsx": 50}
PER_FORMAT_QUICK = {"text": 40, "html": 40, "docx": 20, "pdf": 4, "xlsx": 10}
SCALE_MIX = "text=45,html=40,docx=15"
TARGETS = {
    "text_html_docx_rate": 200.0,  # reports/s in total, Parquet and DuckDB writes included
    "pdf_rate": 2.0,  # reports/s, text-layer PDFs
    "peak_memory_10k_mib": 1024.0,  # the whole process tree
    "reingest_10k_s": 2.0,
}
MIB = 1024 * 1024


# --- child: one ingest, measured -------------------------------------------------------------


def _maxrss_mib(who) -> float:
    rss = resource.getrusage(who).ru_maxrss
    return rss / MIB if sys.platform == "darwin" else rss / 1024


def child(raw: str, out: str, workers: int, repeat: bool, use_cli: bool) -> None:
    """Run ingest (and, with ``repeat``, once more on the unchanged corpus); print one JSON line."""
    from helpers.corpus import ingest

    runs = []
    for _ in range(2 if repeat else 1):
        t0 = time.perf_counter()
        error = None
        summary = {}
        try:
            if use_cli:
                from helpers.cli import main as cli_main

                code = cli_main(["ingest", raw, "--out", out, "--workers", str(workers)])
                if code:
                    error = f"ogi ingest exited with {code}"
            else:
                s = ingest(raw, out, workers=workers, progress=False)
                summary = {k: getattr(s, k, None) for k in
                           ("n_files", "n_parsed", "n_cached", "n_errors", "n_duplicates", "seconds", "up_to_date")}
        except Exception as exc:  # noqa: BLE001 - the benchmark reports the failure and goes on
            error = f"{type(exc).__name__}: {exc}"
        runs.append({"wall": time.perf_counter() - t0, "summary": summary, "error": error})
    print(json.dumps({"runs": runs, "self_maxrss_mib": _maxrss_mib(resource.RUSAGE_SELF),
                      "children_maxrss_mib": _maxrss_mib(resource.RUSAGE_CHILDREN)}), flush=True)


class TreeSampler:
    """Peak of the summed RSS of a process and its descendants (psutil), sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.peak = None
        try:
            import psutil
        except ImportError:
            return
        self.peak = 0.0
        self._proc, self._psutil = psutil.Process(pid), psutil
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self._thread.start()

    def _run(self, interval):
        while not self._stop.is_set():
            try:
                procs = [self._proc, *self._proc.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except self._psutil.Error:
                        pass
                self.peak = max(self.peak, total / MIB)
            except self._psutil.Error:
                return
            self._stop.wait(interval)

    def stop(self):
        if self.peak is not None:
            self._stop.set()
            self._thread.join()
        return self.peak


def run_ingest(raw: Path, out: Path, workers: int, repeat: bool, use_cli: bool, fresh: bool = True) -> dict:
    if fresh and out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(raw), str(out), str(workers)]
    cmd += ["--repeat"] if repeat else []
    cmd += ["--cli"] if use_cli else []
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    stdout, stderr = proc.communicate()
    tree_peak = sampler.stop()
    wall = time.perf_counter() - t0
    lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not lines:
        return {"runs": [{"wall": wall, "summary": {}, "error": f"child exited {proc.returncode}: {stderr[-800:]}"}],
                "self_maxrss_mib": None, "children_maxrss_mib": None, "tree_peak_mib": tree_peak}
    result = json.loads(lines[-1])
    result["tree_peak_mib"] = tree_peak
    result["process_wall"] = wall
    return result


# --- corpora --------------------------------------------------------------------------------


def _generator_digest() -> str:
    digest = hashlib.sha256()
    for name in ("generate_corpus.py", "synth_layout.py"):
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:16]


def ensure_corpus(root: Path, name: str, n: int, formats: str | None, mix: str | None, seed: int) -> tuple[Path, float | None]:
    """The corpus ``root/name/raw``; generated unless present with the same parameters.

    Returns (raw dir, generation seconds or None when reused)."""
    import generate_corpus as gc

    raw = root / name / "raw"
    params = {"n": n, "formats": formats, "mix": mix or gc.DEFAULT_MIX, "seed": seed, "generator": _generator_digest()}
    stamp = root / name / "params.json"
    if stamp.exists() and json.loads(stamp.read_text()) == params and gc.truth_path(raw).exists():
        return raw, None
    if (root / name).exists():
        shutil.rmtree(root / name)
    t0 = time.perf_counter()
    gc.generate(n, raw, formats.split(",") if formats else None, seed, mix or gc.DEFAULT_MIX, progress=n >= 5000)
    seconds = time.perf_counter() - t0
    stamp.write_text(json.dumps(params))
    return raw, seconds


# --- accuracy -------------------------------------------------------------------------------


def accuracy(raw: Path, out: Path) -> dict | None:
    """Exact-cell accuracy of ``out/cells.parquet`` against the truth, per input format."""
    import pandas as pd

    import generate_corpus as gc

    cells_path, reports_path = out / "cells.parquet", out / "reports.parquet"
    if not (cells_path.exists() and reports_path.exists()):
        return None
    reports = pd.read_parquet(reports_path, columns=["report_id", "file"])
    cells = pd.read_parquet(cells_path, columns=["report_id", "key", "value"])
    got_by_file: dict[str, dict] = {}
    file_of = dict(zip(reports["report_id"], reports["file"]))
    for report_id, group in cells.groupby("report_id", sort=False):
        values = {k: (None if pd.isna(v) else float(v)) for k, v in zip(group["key"], group["value"])}
        got_by_file[file_of.get(report_id, report_id)] = values
    per: dict[str, list[int]] = {}
    for truth in gc.load_truth(raw):
        acc = per.setdefault(truth["input_format"], [0, 0, 0, 0, 0])  # exact reports, reports, ok cells, cells, missing
        got = got_by_file.get(truth["file"])
        acc[1] += 1
        acc[3] += len(truth["values"])
        if got is None:
            acc[4] += 1
            continue
        same, total = gc.values_equal(got, truth["values"])
        acc[2] += same
        acc[0] += same == total
    return per


# --- report ---------------------------------------------------------------------------------


def fmt_mib(x) -> str:
    return "—" if x is None else f"{x:,.0f}"


def memory_of(result: dict) -> dict:
    return {"main": result.get("self_maxrss_mib"), "worker": result.get("children_maxrss_mib"),
            "tree": result.get("tree_peak_mib")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000", help="corpus sizes for the re-ingest runs")
    ap.add_argument("--quick", action="store_true", help="small corpora (a smoke run)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--root", type=Path, default=Path("/tmp/ogi-bench"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cli", action="store_true", help="run `ogi ingest` (helpers.cli) instead of the API")
    ap.add_argument("--skip-formats", action="store_true")
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--child", nargs=3, metavar=("RAW", "OUT", "WORKERS"), help=argparse.SUPPRESS)
    ap.add_argument("--repeat", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]), args.repeat, args.cli)
        return 0

    per_format = PER_FORMAT_QUICK if args.quick else PER_FORMAT
    sizes = [100, 300] if args.quick and args.sizes == "1000,10000" else [int(s) for s in args.sizes.split(",") if s]
    root = args.root / ("quick" if args.quick else "full")
    root.mkdir(parents=True, exist_ok=True)
    print(f"bench_ingest: workers={args.workers}, seed={args.seed}, corpora under {root}, "
          f"{'ogi ingest (CLI)' if args.cli else 'helpers.corpus.ingest'}; {os.cpu_count()} CPUs", flush=True)

    fmt_rows, scale_rows = [], []
    if not args.skip_formats:
        print("\n== per format: first ingest (fresh output folder) ==", flush=True)
        for fmt, n in per_format.items():
            raw, gen_s = ensure_corpus(root, f"{fmt}-n{n}-s{args.seed}", n, fmt, None, args.seed)
            result = run_ingest(raw, root / f"{fmt}-n{n}-s{args.seed}" / "out", args.workers, False, args.cli)
            run = result["runs"][0]
            secs = run["summary"].get("seconds") or run["wall"]
            acc = accuracy(raw, root / f"{fmt}-n{n}-s{args.seed}" / "out")
            row = {"format": fmt, "n": n, "gen_s": gen_s, "seconds": secs, "rate": n / secs, "error": run["error"],
                   "acc": (acc or {}).get(fmt), "mem": memory_of(result), "summary": run["summary"]}
            fmt_rows.append(row)
            a = row["acc"]
            print(f"  {fmt:5s} n={n:4d}  gen {'reused' if gen_s is None else f'{gen_s:.1f} s'}  ingest {secs:6.2f} s "
                  f"= {row['rate']:6.1f} reports/s  "
                  + (f"cells {a[2]}/{a[3]} ({100 * a[2] / a[3]:.2f}%), exact reports {a[0]}/{a[1]}" if a else "accuracy: n/a")
                  + f"  mem main/worker/tree {fmt_mib(row['mem']['main'])}/{fmt_mib(row['mem']['worker'])}/"
                    f"{fmt_mib(row['mem']['tree'])} MiB"
                  + (f"\n        ERROR {run['error']}" if run["error"] else ""), flush=True)

    if not args.skip_scale:
        print(f"\n== scale: {SCALE_MIX} — first full ingest, then unchanged re-ingest ==", flush=True)
        for n in sizes:
            name = f"mix-n{n}-s{args.seed}"
            raw, gen_s = ensure_corpus(root, name, n, None, SCALE_MIX, args.seed)
            result = run_ingest(raw, root / name / "out", args.workers, True, args.cli)
            first, again = (result["runs"] + [None])[:2]
            acc = accuracy(raw, root / name / "out")
            total = [sum(v[i] for v in acc.values()) for i in range(5)] if acc else None
            row = {"n": n, "gen_s": gen_s, "first": first, "again": again, "mem": memory_of(result), "acc": total}
            scale_rows.append(row)
            fs = first["summary"].get("seconds") or first["wall"]
            line = (f"  n={n:6d}  gen {'reused' if gen_s is None else f'{gen_s:.1f} s'}  first ingest {fs:7.2f} s "
                    f"({n / fs:6.1f} reports/s)")
            if again:
                a_s = again["summary"].get("seconds") or again["wall"]
                line += (f"  re-ingest {a_s:6.2f} s (parsed {again['summary'].get('n_parsed')}, "
                         f"up_to_date={again['summary'].get('up_to_date')})")
            if total:
                line += f"  cells {100 * total[2] / total[3]:.2f}% exact, reports {total[0]}/{total[1]}"
            line += (f"  mem main/worker/tree {fmt_mib(row['mem']['main'])}/{fmt_mib(row['mem']['worker'])}/"
                     f"{fmt_mib(row['mem']['tree'])} MiB")
            for r in (first, again):
                if r and r["error"]:
                    line += f"\n        ERROR {r['error']}"
            print(line, flush=True)

    print_targets(fmt_rows, scale_rows, sizes)
    return 0


def print_targets(fmt_rows, scale_rows, sizes) -> None:
    print("\n== targets ==")
    rows = []
    ok_rows = [r for r in fmt_rows if not r["error"]]
    thd = [r for r in ok_rows if r["format"] in ("text", "html", "docx")]
    if thd:
        rate = sum(r["n"] for r in thd) / sum(r["seconds"] for r in thd)
        # each corpus pays the pool's start, the imports and the writes once: a floor of ~0.5 s
        rows.append(("text/HTML/DOCX throughput (per-format corpora, total)",
                     f"≥ {TARGETS['text_html_docx_rate']:.0f} reports/s", f"{rate:.1f} reports/s",
                     rate >= TARGETS["text_html_docx_rate"]))
    for r in ok_rows:
        if r["format"] == "pdf":
            rows.append(("text-layer PDF throughput", f"≥ {TARGETS['pdf_rate']:.0f} reports/s",
                         f"{r['rate']:.1f} reports/s", r["rate"] >= TARGETS["pdf_rate"]))
    if ok_rows:
        rate = sum(r["n"] for r in ok_rows) / sum(r["seconds"] for r in ok_rows)
        rows.append(("overall throughput (all formats above)", "—", f"{rate:.1f} reports/s", None))
        accs = [r["acc"] for r in ok_rows if r["acc"]]
        if accs:
            ok, cells = sum(a[2] for a in accs), sum(a[3] for a in accs)
            rows.append(("exact-cell accuracy (per-format corpora)", "—", f"{100 * ok / cells:.2f}%", None))
    for r in scale_rows:
        n = r["n"]
        mems = [m for m in (r["mem"]["tree"], r["mem"]["main"]) if m is not None]
        if r["first"] and not r["first"]["error"]:
            fs = r["first"]["summary"].get("seconds") or r["first"]["wall"]
            target = TARGETS["text_html_docx_rate"] if n >= 10_000 else None
            rows.append((f"first full ingest, {n:,} text/HTML/DOCX reports",
                         f"≥ {target:.0f} reports/s" if target else "—", f"{fs:.1f} s = {n / fs:.1f} reports/s",
                         (n / fs >= target) if target else None))
        if r["again"] and not r["again"]["error"]:
            a_s = r["again"]["summary"].get("seconds") or r["again"]["wall"]
            target = TARGETS["reingest_10k_s"] if n >= 10_000 else None
            rows.append((f"unchanged re-ingest, {n:,} reports", f"< {target:.0f} s" if target else "—", f"{a_s:.2f} s",
                         (a_s < target) if target else None))
        if mems:
            target = TARGETS["peak_memory_10k_mib"] if n >= 10_000 else None
            shown = max(mems)  # the 0.1 s tree sampling can miss a short spike of the main process
            rows.append((f"peak memory, {n:,} reports (process tree)", f"< {target / 1024:g} GiB" if target else "—",
                         f"{shown:,.0f} MiB", (shown < target) if target else None))
    if not any(n >= 10_000 for n in sizes):
        wanted = (f"memory < {TARGETS['peak_memory_10k_mib'] / 1024:g} GiB, "
                  f"re-ingest < {TARGETS['reingest_10k_s']:g} s")
        rows.append(("10,000-report targets", wanted, "not run (use --sizes 10000)", None))
    width = max(len(r[0]) for r in rows) if rows else 10
    for name, target, measured, passed in rows:
        verdict = "" if passed is None else ("PASS" if passed else "FAIL")
        print(f"  {name:<{width}}  {target:<34}  {measured:<28}  {verdict}")


if __name__ == "__main__":
    sys.exit(main())
