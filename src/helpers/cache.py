"""The ingest cache: parsed reports keyed by content hash, input format and parser version.

A parse result is stored once per (sha256, input format, parser version), so re-ingesting an
unchanged corpus parses nothing, a changed or added file is parsed alone, and a parser
upgrade re-parses everything. A stat index (path → size, mtime, sha256) spares re-hashing
files that have not been touched.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from . import schema
from .fileio import atomic_write_bytes
from .report import PARSER_VERSION, Report, file_sha256

SUMMARY_FIELDS = ("sha256", "input_format", "status", "error", "meta", "values", "parser_version")
# one string object per key for every report's values (keeps long-lived memory compact)
_KEYS = {f.key: f.key for f in schema.all_fields()}


def report_payload(report: Report) -> dict:
    """Everything the corpus tables need from one parse, as plain JSON data."""
    return {
        "sha256": report.sha256,
        "input_format": report.input_format,
        "status": report.status,
        "error": report.error,
        "meta": {k: v for k, v in report.meta.items() if k != "sections"},
        "values": report.values,
        "cells": [[c.key, c.value, c.raw, c.label, c.unit, c.page, c.line, c.derived, c.confidence]
                  for c in report.cell_records],
        "checks": [[c.id, c.scope, c.status, c.detail, c.blank_as_zero] for c in report.check_records],
        "warnings": list(report.warnings),
        "sections": report.sections,
        "parser_version": PARSER_VERSION,
    }


def variant(options: dict | None) -> str:
    """The part of a cache entry's name that parse options change: a PDF parsed without OCR
    is a different result from the same PDF parsed with it."""
    return "" if (options or {}).get("ocr", True) else ".noocr"


class Cache:
    """Parse results and file hashes under ``root`` (``data/processed/.cache``); ``options`` are
    the parse options the results were made with (see :func:`variant`)."""

    def __init__(self, root: Path, options: dict | None = None):
        self.root = Path(root)
        self.variant = variant(options)
        self.stat_path = self.root / "stat_index.json"
        try:
            self._stats: dict[str, list] = json.loads(self.stat_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._stats = {}
        self._stats_changed = False

    # -- hashes ------------------------------------------------------------------
    def sha256(self, path: Path) -> str:
        """The file's sha256, from the stat index when size and mtime are unchanged."""
        stat = path.stat()
        key = str(path.resolve())
        known = self._stats.get(key)
        if known and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
            return known[2]
        sha = file_sha256(path)
        self._stats[key] = [stat.st_size, stat.st_mtime_ns, sha]
        self._stats_changed = True
        return sha

    def save_stats(self) -> None:
        if self._stats_changed:
            atomic_write_bytes(self.stat_path, json.dumps(self._stats, sort_keys=True).encode("utf-8"))
            self._stats_changed = False

    # -- parse results -----------------------------------------------------------
    def result_path(self, sha: str, input_format: str) -> Path:
        return self.root / "results" / sha[:2] / f"{sha}.{input_format}.{PARSER_VERSION}{self.variant}.json.gz"

    def summary_path(self, sha: str, input_format: str) -> Path:
        return self.root / "results" / sha[:2] / f"{sha}.{input_format}.{PARSER_VERSION}{self.variant}.summary.json"

    def has(self, sha: str, input_format: str) -> bool:
        return self.summary_path(sha, input_format).exists() and self.result_path(sha, input_format).exists()

    def load(self, sha: str, input_format: str) -> dict:
        with gzip.open(self.result_path(sha, input_format), "rt", encoding="utf-8") as handle:
            return json.load(handle)

    def load_summary(self, sha: str, input_format: str) -> dict:
        """Status, metadata and values only: what deciding which reports to keep needs."""
        summary = json.loads(self.summary_path(sha, input_format).read_text(encoding="utf-8"))
        summary["values"] = {_KEYS.get(k, k): v for k, v in summary["values"].items()}
        return summary

    def store(self, payload: dict) -> None:
        data = gzip.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"), compresslevel=1, mtime=0)
        atomic_write_bytes(self.result_path(payload["sha256"], payload["input_format"]), data)
        summary = {k: payload[k] for k in SUMMARY_FIELDS}
        summary["n_warnings"] = len(payload["warnings"])
        # the summary is written last: its presence means both files are complete
        atomic_write_bytes(self.summary_path(payload["sha256"], payload["input_format"]),
                           json.dumps(summary, ensure_ascii=False).encode("utf-8"))


def fingerprint(parts: list[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()
