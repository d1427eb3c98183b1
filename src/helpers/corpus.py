"""Ingest a folder of reports: discover, verify, parse (cached, in parallel), reconcile, store.

``ingest(raw_dir, out_dir)`` is what ``ogi ingest`` and ``make run`` do:

1. discover every file under ``raw_dir`` (nested folders, any format);
2. hash it and compare with ``sources.csv`` (a file missing from the manifest is ingested
   with a warning; a manifest row without its file is a warning too);
3. parse what the cache does not hold yet, in a process pool or on a Dask cluster;
4. keep each report once: identical bytes, or the same agency and year in several files or
   formats, are listed in ``duplicates`` (with a flag when their values disagree);
5. apply ``overrides.csv`` (recorded, and the identities re-checked), run cross-year checks;
6. write every table (``outputs.py``) as Parquet and into ``ogi.duckdb``, each file atomically,
   and a manifest last. An unchanged corpus is recognised from its fingerprint and costs
   only the hashing of changed files.

Every input file ends in ``reports``, ``errors`` or ``duplicates``.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import engines, outputs, schema
from .agency import describe_agency
from .cache import Cache, fingerprint
from .fileio import atomic_write_bytes
from .checks import run_checks
from .crossyear import cross_year_checks
from .overrides import Override, apply_overrides, read_overrides
from .readers import input_format
from .report import PARSER_VERSION
from .store import DB_NAME, Columns, cells_batch, discover_reports, rows_batch, write_tables

FORMAT_PREFERENCE = ("html", "docx", "xlsx", "pdf", "markdown", "text")  # which copy of a report to keep
MANIFEST_NAME = "manifest.json"


@dataclass
class IngestSummary:
    n_files: int = 0
    n_parsed: int = 0
    n_cached: int = 0
    n_reports: int = 0
    n_errors: int = 0
    n_duplicates: int = 0
    n_warnings: int = 0
    seconds: float = 0.0
    up_to_date: bool = False
    out_dir: str = ""
    tables: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        """One line: what was read, and the tables written (rows each) as Parquet and into DuckDB."""
        order = {t.name: i for i, t in enumerate(outputs.TABLES)}
        written = ", ".join(f"{name} {n:,}" for name, n in sorted(self.tables.items(),
                                                                     key=lambda item: order.get(item[0], len(order))))
        if self.up_to_date:
            return (f"{self.n_files} files: outputs up to date ({self.seconds:.2f} s) in {self.out_dir}: "
                    f"{written} rows")
        return (f"{self.n_files} files: {self.n_reports} reports, {self.n_duplicates} duplicates, {self.n_errors} errors; "
                f"parsed {self.n_parsed}, from cache {self.n_cached}; {self.n_warnings} warnings; "
                f"{self.seconds:.2f} s → wrote {self.out_dir}/*.parquet and {DB_NAME}: {written} rows")


@dataclass
class _File:
    rel: str
    path: Path
    sha: str | None
    input_format: str
    in_manifest: bool


def read_manifest(raw_dir: Path) -> dict[str, str]:
    """``sources.csv``: relative path → sha256 (empty when there is no manifest)."""
    path = raw_dir / "sources.csv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row["file"]: (row.get("sha256") or "").lower() for row in csv.DictReader(handle) if row.get("file")}


def _progress(total: int, enabled: bool | None):
    from tqdm import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty() and not os.environ.get("CI")
    return tqdm(total=total, disable=not enabled, unit="report", desc="parsing", file=sys.stderr)


def ingest(raw_dir: str | Path, out_dir: str | Path, workers: int | None = None, engine: str = "local",
           scheduler: str | None = None, progress: bool | None = None, overrides: str | Path | None = None,
           on_file=None, ocr: bool = True) -> IngestSummary:
    """Turn ``raw_dir`` into the corpus tables in ``out_dir``; see the module docstring.

    ``ocr``: read scanned PDF pages by OCR (recognised pages are cached in ``out_dir/.cache/ocr``);
    False makes a scan an error record (``no_text_layer``)."""
    started = time.perf_counter()
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    overrides_path = Path(overrides) if overrides else raw_dir.parent / "overrides.csv"
    options = {"ocr": ocr, "ocr_cache": str(out_dir / ".cache" / "ocr")}
    cache = Cache(out_dir / ".cache", options)
    manifest = read_manifest(raw_dir)
    files: list[_File] = []
    out_resolved = out_dir.resolve()
    for path in discover_reports(raw_dir):
        if out_resolved in path.resolve().parents:  # outputs written inside the raw folder are not inputs
            continue
        rel = path.relative_to(raw_dir).as_posix()
        try:
            sha = cache.sha256(path)
        except OSError:
            sha = None
        files.append(_File(rel, path, sha, input_format(path), rel in manifest))
    cache.save_stats()
    override_bytes = overrides_path.read_bytes() if overrides_path.exists() else b""
    manifest_bytes = (raw_dir / "sources.csv").read_bytes() if (raw_dir / "sources.csv").exists() else b""
    stamp = fingerprint([PARSER_VERSION, cache.variant, *(f"{f.rel}\t{f.sha}\t{f.input_format}" for f in files),
                         fingerprint([override_bytes.decode("utf-8", "replace")]),
                         fingerprint([manifest_bytes.decode("utf-8", "replace")])])
    summary = IngestSummary(n_files=len(files), out_dir=str(out_dir))
    previous = _read_out_manifest(out_dir)
    if previous.get("fingerprint") == stamp and all((out_dir / f"{t}.parquet").exists() for t in previous.get("tables", {})):
        summary.up_to_date = True
        summary.seconds = time.perf_counter() - started
        summary.tables = previous.get("tables", {})
        return summary

    # parse what the cache lacks, one file per distinct content
    todo: dict[tuple[str, str], str] = {}
    for f in files:
        if f.sha is not None and not cache.has(f.sha, f.input_format):
            todo.setdefault((f.sha, f.input_format), str(f.path))
    summary.n_parsed = len(todo)
    summary.n_cached = len({(f.sha, f.input_format) for f in files if f.sha is not None}) - len(todo)
    with _progress(len(todo), progress) as bar:
        for brief in engines.run(list(todo.values()), str(cache.root), engine=engine, workers=workers,
                                 scheduler=scheduler, options=options):
            bar.update(1)
            if on_file is not None:
                on_file(brief)

    tables = _assemble(files, cache, manifest, raw_dir, overrides_path)
    counts = write_tables(tables, out_dir)
    summary.tables = counts
    summary.n_reports = counts.get("reports", 0)
    summary.n_errors = counts.get("errors", 0)
    summary.n_duplicates = counts.get("duplicates", 0)
    summary.n_warnings = counts.get("warnings", 0)
    _write_out_manifest(out_dir, {"fingerprint": stamp, "parser_version": PARSER_VERSION, "n_files": len(files),
                                  "tables": counts})
    summary.seconds = time.perf_counter() - started
    return summary


def _read_out_manifest(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_out_manifest(out_dir: Path, content: dict) -> None:
    atomic_write_bytes(out_dir / MANIFEST_NAME, json.dumps(content, indent=2, sort_keys=True).encode("utf-8"))


# --- reconciliation -------------------------------------------------------------------


def _preference(payload: dict, rel: str) -> tuple:
    fmt = payload["input_format"]
    rank = FORMAT_PREFERENCE.index(fmt) if fmt in FORMAT_PREFERENCE else len(FORMAT_PREFERENCE)
    return (0 if payload["status"] == "ok" else 1, rank, rel)


def _disagreements(a: dict, b: dict) -> list[str]:
    out = []
    for key in sorted(set(a) & set(b)):
        if a[key] is not None and b[key] is not None and a[key] != b[key]:
            out.append(f"{key}: {a[key]} vs {b[key]}")
    return out


def _assemble(files: list[_File], cache: Cache, manifest: dict[str, str], raw_dir: Path, overrides_path: Path) -> dict:
    """All output rows. Two passes over the cache: the small summaries decide which reports are
    kept; then each kept report's full result is loaded once and turned into Arrow batches, so
    that memory holds compact columns rather than millions of Python objects."""
    rows: dict = {name: [] for name in ("reports", "errors", "duplicates", "cross_year_checks", "overrides_applied",
                                        "cells", "sections", "checks")}
    rows["warnings"] = Columns("warnings")
    present = {f.rel for f in files}
    for rel in sorted(set(manifest) - present):
        rows["warnings"].add(report_id=None, file=rel, source="manifest",
                             message="listed in sources.csv but the file is missing")
    kept: dict[str, tuple[_File, dict]] = {}
    for f in files:
        if f.sha is None:
            rows["errors"].append({"file": f.rel, "sha256": None, "input_format": f.input_format, "stage": "read",
                                   "error_type": "unreadable_file", "message": "cannot open the file"})
            continue
        summary = cache.load_summary(f.sha, f.input_format)
        if f.in_manifest and manifest[f.rel] and manifest[f.rel] != f.sha:
            rows["warnings"].add(report_id=f.sha, file=f.rel, source="manifest",
                                 message=f"sha256 differs from sources.csv ({manifest[f.rel][:12]}…): the file changed")
        elif not f.in_manifest and manifest:
            rows["warnings"].add(report_id=f.sha, file=f.rel, source="manifest",
                                 message="not listed in sources.csv; ingested anyway")
        if summary["status"] == "error":
            rows["errors"].append({"file": f.rel, "sha256": f.sha, "input_format": f.input_format, "stage": "parse",
                                   "error_type": summary["error"]["type"], "message": summary["error"]["message"]})
            continue
        if f.sha in kept:
            rows["duplicates"].append({"file": f.rel, "report_id": f.sha, "kept_report_id": f.sha,
                                       "kept_file": kept[f.sha][0].rel, "reason": "identical bytes",
                                       "values_disagree": False, "n_disagreements": 0, "detail": None})
            continue
        kept[f.sha] = (f, summary)
    agencies = {sha: describe_agency(s["meta"].get("agency_name")) for sha, (_, s) in kept.items()}
    _same_agency_and_year(kept, agencies, rows)

    overrides: list[Override] = read_overrides(overrides_path) if overrides_path.exists() else []
    for sha in sorted(kept, key=lambda s: kept[s][0].rel):
        f, summary = kept[sha]
        _report_rows(sha, f, summary, agencies[sha], cache.load(f.sha, f.input_format), overrides, rows)

    frame = pd.DataFrame(rows["reports"], columns=["report_id", "agency_key", "report_year", "template"])
    xyear = cross_year_checks(frame, {sha: kept[sha][1]["values"] for sha in kept})
    rows["cross_year_checks"] = xyear.astype(object).where(xyear.notna(), None).to_dict("records")
    for rec in rows["cross_year_checks"]:
        if rec["status"] == "fail":
            rows["warnings"].add(report_id=rec["report_id"], file=kept[rec["report_id"]][0].rel, source="cross_year",
                                 message=f"{rec['id']} {rec['scope']} ({rec['report_year'] - 1}→{rec['report_year']}): "
                                         f"{rec['detail']}")
    rows["fields"] = schema.data_dictionary()
    return rows


def _same_agency_and_year(kept: dict, agencies: dict, rows: dict) -> None:
    """Keep one report per agency and year; list the others, flagging disagreeing values."""
    groups: dict[tuple[str, int], list[str]] = {}
    for sha, (_, summary) in kept.items():
        key, year = agencies[sha].agency_key, summary["meta"].get("report_year")
        if key and year:
            groups.setdefault((key, year), []).append(sha)
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda s: _preference(kept[s][1], kept[s][0].rel))
        keeper_sha = members[0]
        keeper_file, keeper = kept[keeper_sha]
        for sha in members[1:]:
            f, summary = kept.pop(sha)
            diffs = _disagreements(keeper["values"], summary["values"])
            rows["duplicates"].append({"file": f.rel, "report_id": sha, "kept_report_id": keeper_sha,
                                       "kept_file": keeper_file.rel, "reason": "same agency and year",
                                       "values_disagree": bool(diffs), "n_disagreements": len(diffs),
                                       "detail": "; ".join(diffs[:5]) or None})
            if diffs:
                rows["warnings"].add(report_id=keeper_sha, file=keeper_file.rel, source="duplicates",
                                     message=f"{f.rel} reports the same agency and year but disagrees on "
                                             f"{len(diffs)} values: {'; '.join(diffs[:3])}")


def _optional_bool(value) -> bool | None:
    """A flag the parser may not have set: None stays None (unknown), never False."""
    return None if value is None else bool(value)


def _report_rows(sha: str, f: _File, summary: dict, info, payload: dict, overrides: list[Override], rows: dict) -> None:
    """One kept report's rows in every table (overrides applied, identities re-checked if needed)."""
    meta = summary["meta"]
    applied, notes = apply_overrides(overrides, sha, info.agency_key, meta.get("report_year"), summary["values"])
    values = dict(summary["values"])
    for change in applied:
        values[change["key"]] = change["value"]
        rows["overrides_applied"].append({"report_id": sha, **change})
    for note in notes:
        rows["warnings"].add(report_id=sha, file=f.rel, source="overrides", message=note)
    check_rows = payload["checks"]
    if applied and meta.get("template") in schema.TEMPLATES:
        printed = sorted({schema.field(c[0]).row for c in payload["cells"] if c[0].startswith("t2.") and c[2] is not None})
        check_rows = [[c.id, c.scope, c.status, c.detail, c.blank_as_zero]
                      for c in run_checks(values, meta["template"], printed)]
    rows["checks"].append(rows_batch("checks", [{"report_id": sha, "id": c[0], "scope": c[1], "status": c[2],
                                                 "detail": c[3], "blank_as_zero": c[4]} for c in check_rows]))
    for warning in payload["warnings"]:
        rows["warnings"].add(report_id=sha, file=f.rel, source="parser", message=warning)
    rows["sections"].append(rows_batch("sections", [{"report_id": sha, "section": key, "text": text}
                                                    for key, text in (payload.get("sections") or {}).items()]))
    rows["cells"].append(cells_batch(sha, payload["cells"], {c["key"]: c for c in applied}))
    rows["reports"].append({
        "report_id": sha, "file": f.rel, "input_format": summary["input_format"],
        "agency_name": meta.get("agency_name"), "agency_key": info.agency_key, "province": info.province,
        "city": info.city, "county": info.county, "agency_level": info.agency_level,
        "agency_type": info.agency_type, "report_year": meta.get("report_year"), "template": meta.get("template"),
        "published_date": meta.get("published_date"), "period_start": meta.get("period_start"),
        "period_end": meta.get("period_end"), "is_part_year": _optional_bool(meta.get("is_part_year")),
        "status": summary["status"],
        "n_values": sum(v is not None for v in values.values()), "n_keys": len(values),
        "n_failed_checks": sum(1 for c in check_rows if c[2] == "fail"), "n_warnings": len(payload["warnings"]),
        "n_overrides": len(applied), "n_ocr_pages": len(meta.get("ocr_pages") or ()), "in_manifest": f.in_manifest,
        "parser_version": summary["parser_version"],
    })
    summary["values"] = values  # cross-year checks use the corrected values


__all__ = ["IngestSummary", "ingest", "read_manifest"]
