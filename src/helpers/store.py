"""Write parsed reports to ``data/processed``: Parquet tables and a JSON Lines record per report.

Every file written appears whole or not at all (written to a temporary name, then renamed),
so an interrupted run never leaves a half-written table; re-running replaces the outputs.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from .report import PARSER_VERSION, Report

IGNORED_NAMES = {"sources.csv", "readme.md", "readme.txt", ".gitkeep"}


def discover_reports(raw_dir: Path) -> list[Path]:
    """Every file under ``raw_dir`` (nested folders too) except the manifest and read-me files."""
    return sorted(p for p in raw_dir.rglob("*") if p.is_file() and p.name.lower() not in IGNORED_NAMES
                  and not p.name.startswith("."))


def _atomic_write(path: Path, write) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _relative(path: str, raw_dir: Path) -> str:
    try:
        return Path(path).resolve().relative_to(raw_dir.resolve()).as_posix()
    except ValueError:
        return path


def tables_from_reports(reports: list[Report], raw_dir: Path) -> dict[str, pd.DataFrame]:
    """The tidy tables: reports, cells, checks, warnings, errors."""
    report_rows, cells, checks, warnings, errors = [], [], [], [], []
    for report in reports:
        file = _relative(report.path, raw_dir)
        if report.error is not None:
            errors.append({"file": file, "sha256": report.sha256, "input_format": report.input_format,
                           "stage": "parse", "error_type": report.error["type"], "message": report.error["message"]})
            continue
        meta = report.meta
        report_rows.append({
            "report_id": report.sha256, "file": file, "input_format": report.input_format, "status": report.status,
            "agency_name": meta.get("agency_name"), "report_year": meta.get("report_year"),
            "template": meta.get("template"), "published_date": meta.get("published_date"),
            "n_values": sum(v is not None for v in report.values.values()), "n_keys": len(report.values),
            "n_failed_checks": len(report.failed_checks()), "n_warnings": len(report.warnings),
            "parser_version": PARSER_VERSION,
        })
        frame = report.cells
        frame.insert(0, "report_id", report.sha256)
        cells.append(frame)
        check_frame = report.checks
        check_frame.insert(0, "report_id", report.sha256)
        checks.append(check_frame)
        warnings.extend({"report_id": report.sha256, "file": file, "message": w} for w in report.warnings)
    report_frame = pd.DataFrame(report_rows)
    if not report_frame.empty:
        report_frame["report_year"] = report_frame["report_year"].astype("Int64")
    return {
        "reports": report_frame,
        "cells": pd.concat(cells, ignore_index=True) if cells else pd.DataFrame(),
        "checks": pd.concat(checks, ignore_index=True) if checks else pd.DataFrame(),
        "warnings": pd.DataFrame(warnings, columns=["report_id", "file", "message"]),
        "errors": pd.DataFrame(errors, columns=["file", "sha256", "input_format", "stage", "error_type", "message"]),
    }


def write_outputs(reports: list[Report], out_dir: Path, raw_dir: Path) -> list[Path]:
    written = []
    for name, frame in tables_from_reports(reports, raw_dir).items():
        written.append(_atomic_write(out_dir / f"{name}.parquet", lambda tmp, f=frame: f.to_parquet(tmp, index=False)))

    def write_jsonl(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as handle:
            for report in reports:
                record = report.to_json()
                record["file"] = _relative(report.path, raw_dir)
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    written.append(_atomic_write(out_dir / "reports.jsonl", write_jsonl))
    return written
