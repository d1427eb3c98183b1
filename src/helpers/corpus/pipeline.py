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
import threading
import time
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from . import engines, outputs
from .. import schema
from .agency import describe_agency, load_tables
from .cache import Cache, check_columns, fingerprint
from ..tables.checks import run_checks
from .crossyear import cross_year_checks
from ..limits import DEFAULT_LIMITS, Limits
from ..fileio import atomic_write_bytes
from .overrides import Override, apply_overrides, read_overrides
from ..readers import input_format
from ..report import PARSER_VERSION
from .store import DB_NAME, Columns, database, discover_reports, table_sink, write_tables

FORMAT_PREFERENCE = ("html", "docx", "xlsx", "pdf", "markdown", "text")  # which copy of a report to keep
MANIFEST_NAME = "manifest.json"
STREAMED = ("cells", "sections", "checks")  # the large tables, written to Parquet as they are assembled


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
    stat: os.stat_result | None = None  # when it was hashed


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
           on_file=None, ocr: bool = True, limits: Limits | None = None) -> IngestSummary:
    """Turn ``raw_dir`` into the corpus tables in ``out_dir``; see the module docstring.

    ``ocr``: read scanned PDF pages by OCR (recognised pages are cached in ``out_dir/.cache/ocr``);
    False makes a scan an error record (``no_text_layer``). ``limits``: what one file may cost
    (:class:`~helpers.limits.Limits`; default the declared ones)."""
    started = time.perf_counter()
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    overrides_path = Path(overrides) if overrides else raw_dir.parent / "overrides.csv"
    limits = limits or DEFAULT_LIMITS
    options = {"ocr": ocr, "ocr_cache": str(out_dir / ".cache" / "ocr"), "limits": limits}
    cache = Cache(out_dir / ".cache", options)
    manifest = read_manifest(raw_dir)
    files = _discover(raw_dir, out_dir, cache, manifest)
    cache.save_stats()
    override_bytes = overrides_path.read_bytes() if overrides_path.exists() else b""
    manifest_bytes = (raw_dir / "sources.csv").read_bytes() if (raw_dir / "sources.csv").exists() else b""
    stamp = fingerprint([PARSER_VERSION, cache.variant, repr(limits),
                         *(f"{f.rel}\t{f.sha}\t{f.input_format}" for f in files),
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
    todo: dict[tuple[str, str], engines.Task] = {}
    for f in files:
        if f.sha is not None and not cache.has(f.sha, f.input_format):
            todo.setdefault((f.sha, f.input_format), engines.task(f.path, f.sha, f.stat))
    summary.n_parsed = len(todo)
    summary.n_cached = len({(f.sha, f.input_format) for f in files if f.sha is not None}) - len(todo)
    warm_up = threading.Thread(target=_load_assembly_tables, name="ogi-warm-up", daemon=True)
    with _progress(len(todo), progress) as bar:
        for brief in engines.run(list(todo.values()), str(cache.root), engine=engine, workers=workers,
                                 scheduler=scheduler, options=options, on_start=warm_up.start):
            bar.update(1)
            if on_file is not None:
                on_file(brief)
    if warm_up.ident is not None:
        warm_up.join()

    counts = _assemble(files, cache, manifest, overrides_path, out_dir)
    summary.tables = counts
    summary.n_reports = counts.get("reports", 0)
    summary.n_errors = counts.get("errors", 0)
    summary.n_duplicates = counts.get("duplicates", 0)
    summary.n_warnings = counts.get("warnings", 0)
    _write_out_manifest(out_dir, {"fingerprint": stamp, "parser_version": PARSER_VERSION, "n_files": len(files),
                                  "tables": counts})
    summary.seconds = time.perf_counter() - started
    return summary


def _discover(raw_dir: Path, out_dir: Path, cache: Cache, manifest: dict[str, str]) -> list[_File]:
    """Every input file under ``raw_dir``, hashed (outputs written inside the raw folder are not inputs)."""
    files: list[_File] = []
    out_resolved = out_dir.resolve()
    folders: dict[Path, Path] = {}
    for path in discover_reports(raw_dir):
        resolved = _resolved(path, folders)
        if out_resolved in resolved.parents:
            continue
        rel = path.relative_to(raw_dir).as_posix()
        try:
            sha, stat = cache.sha256(path, resolved)
        except OSError:
            sha, stat = None, None
        files.append(_File(rel, path, sha, input_format(path), rel in manifest, stat))
    return files


def _resolved(path: Path, folders: dict[Path, Path]) -> Path:
    """``path.resolve()``, resolving each folder once (``folders`` remembers them): a file that
    is not a link resolves to its resolved folder and its own name."""
    if path.is_symlink():
        return path.resolve()
    folder = folders.get(path.parent)
    if folder is None:
        folder = folders[path.parent] = path.parent.resolve()
    return folder / path.name


def _load_assembly_tables() -> None:
    """Load what assembling the tables needs (the agency-division table, DuckDB) ahead of time,
    in a thread while the workers parse; a failure is left for the assembly to raise."""
    with suppress(Exception):  # the assembly's own call fails again, and reports it
        load_tables()
        import duckdb  # noqa: F401


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


def _assemble(files: list[_File], cache: Cache, manifest: dict[str, str], overrides_path: Path,
              out_dir: Path) -> dict[str, int]:
    """Build and write every output table; return their row counts.

    Two passes over the cache: the small summaries decide which reports are kept; then each
    kept report's rows are read once and streamed to Parquet (:data:`STREAMED`), so that
    memory holds a row group of the large tables rather than the tables. DuckDB loads those
    while the cross-year checks run."""
    rows: dict = {"reports": Columns("reports"), "warnings": Columns("warnings"), "errors": [], "duplicates": [],
                  "overrides_applied": []}
    kept = _keep(files, cache, manifest, rows)
    agencies = {sha: describe_agency(s["meta"].get("agency_name")) for sha, (_, s) in kept.items()}
    _same_agency_and_year(kept, agencies, rows)

    overrides: list[Override] = read_overrides(overrides_path) if overrides_path.exists() else []
    with ExitStack() as stack:
        sinks = {name: stack.enter_context(table_sink(name, out_dir)) for name in STREAMED}
        for sha in sorted(kept, key=lambda s: kept[s][0].rel):
            f, summary = kept[sha]
            _report_rows(sha, f, summary, agencies[sha], cache.load_rows(f.sha, f.input_format), overrides, rows,
                         sinks)
    with database(out_dir) as db:
        db.load_in_background(STREAMED)  # DuckDB loads the large tables while the cross-year checks run
        rows["cross_year_checks"] = _cross_year(kept, rows)
        rows["fields"] = schema.data_dictionary()
        return write_tables(rows, out_dir, {name: sink.num_rows for name, sink in sinks.items()}, db)


def _keep(files: list[_File], cache: Cache, manifest: dict[str, str], rows: dict) -> dict[str, tuple[_File, dict]]:
    """Every file's summary: errors and byte-identical copies listed, manifest differences
    warned about; the rest, one per content, returned by sha256."""
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
    return kept


def _cross_year(kept: dict[str, tuple[_File, dict]], rows: dict) -> pd.DataFrame:
    """The cross-year checks of the kept reports (with their corrected values); a failed check
    is also a warning."""
    reports = rows["reports"]
    columns = ["report_id", "agency_key", "report_year", "template"]
    frame = pd.DataFrame(list(zip(*(reports.column(c) for c in columns))), columns=columns)
    xyear = cross_year_checks(frame, {sha: kept[sha][1]["values"] for sha in kept})
    failed = xyear[xyear["status"] == "fail"]
    for rec in failed.astype(object).where(failed.notna(), None).to_dict("records"):
        rows["warnings"].add(report_id=rec["report_id"], file=kept[rec["report_id"]][0].rel, source="cross_year",
                             message=f"{rec['id']} {rec['scope']} ({rec['report_year'] - 1}→{rec['report_year']}): "
                                     f"{rec['detail']}")
    return xyear


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


def _report_rows(sha: str, f: _File, summary: dict, info, parsed: dict, overrides: list[Override], rows: dict,
                 sinks: dict) -> None:
    """One kept report's rows in every table (overrides applied, identities re-checked if needed);
    ``parsed`` is its cached rows (:func:`helpers.corpus.cache.entry_rows`)."""
    meta = summary["meta"]
    values = summary["values"]
    applied, notes = apply_overrides(overrides, sha, info.agency_key, meta.get("report_year"), values)
    if applied:
        values = dict(values)
        for change in applied:
            values[change["key"]] = change["value"]
            rows["overrides_applied"].append({"report_id": sha, **change})
    for note in notes:
        rows["warnings"].add(report_id=sha, file=f.rel, source="overrides", message=note)
    checks = parsed["checks"]
    if applied and meta.get("template") in schema.TEMPLATES:
        checks = _rechecked(values, meta["template"], parsed["cells"])
    sinks["checks"].add(checks, report_id=sha)
    for warning in parsed["warnings"]:
        rows["warnings"].add(report_id=sha, file=f.rel, source="parser", message=warning)
    sinks["sections"].add(parsed["sections"], report_id=sha)
    if applied:
        cells, columns = _overridden_cells(parsed["cells"], {c["key"]: c for c in applied})
        sinks["cells"].add(cells, report_id=sha, **columns)
    else:
        sinks["cells"].add(parsed["cells"], report_id=sha, overridden=False, original_value=None)
    rows["reports"].add(
        report_id=sha, file=f.rel, input_format=summary["input_format"],
        agency_name=meta.get("agency_name"), agency_key=info.agency_key, province=info.province,
        city=info.city, county=info.county, agency_level=info.agency_level,
        agency_type=info.agency_type, report_year=meta.get("report_year"), template=meta.get("template"),
        published_date=meta.get("published_date"), period_start=meta.get("period_start"),
        period_end=meta.get("period_end"), is_part_year=_optional_bool(meta.get("is_part_year")),
        status=summary["status"],
        n_values=len(values) - list(values.values()).count(None),  # values are numbers or None
        n_keys=len(values),
        n_failed_checks=checks["status"].count("fail"), n_warnings=len(parsed["warnings"]),
        n_overrides=len(applied), n_ocr_pages=len(meta.get("ocr_pages") or ()), in_manifest=f.in_manifest,
        parser_version=summary["parser_version"],
    )
    summary["values"] = values  # cross-year checks use the corrected values


def _rechecked(values: dict, template: str, cells: pa.RecordBatch) -> dict[str, list]:
    """The identity checks run again on corrected values, over the Table 2 rows the report prints."""
    printed = sorted({schema.field(key).row for key, raw in zip(cells.column("key").to_pylist(),
                                                                cells.column("raw_text").to_pylist())
                      if key.startswith("t2.") and raw is not None})
    return check_columns(run_checks(values, template, printed))


def _overridden_cells(cells: pa.RecordBatch, changed: dict[str, dict]) -> tuple[pa.RecordBatch, dict[str, list]]:
    """A report's cells with its overrides (``changed``: key → applied override): the cells
    showing the corrected values, and their ``overridden`` and ``original_value`` columns (the
    value as parsed)."""
    parsed = cells.column("value").to_pylist()
    override = [changed.get(key) for key in cells.column("key").to_pylist()]
    shown = [value if o is None else None if o["value"] is None else float(o["value"])
             for value, o in zip(parsed, override)]
    corrected = cells.set_column(cells.schema.get_field_index("value"), "value", pa.array(shown, pa.float64()))
    return corrected, {"overridden": [o is not None for o in override],
                       "original_value": [None if o is None else value for value, o in zip(parsed, override)]}


__all__ = ["IngestSummary", "ingest", "read_manifest"]
