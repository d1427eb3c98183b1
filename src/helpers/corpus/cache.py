"""The ingest cache: parsed reports keyed by content hash, input format and parser version.

A parse result is stored once per (sha256, input format, parser version, options variant), so
re-ingesting an unchanged corpus parses nothing, a changed or added file is parsed alone, and a
parser upgrade re-parses everything. A stat index (path → size, mtime, sha256) spares re-hashing
files that have not been touched.

Results are written in packs, one file per batch a worker parsed (creating a file costs far
more than filling it), each written whole or not at all: an 8-byte length, the pickled index
of its entries, then for each entry the pickled :func:`entry_summary` (what deciding which
reports to keep needs) and the pickled :func:`entry_rows` (the report's rows: cells as an
Arrow record batch, checks and sections column by column), each readable alone. Packs live
in a folder named after the parser version, the options variant and :data:`CACHE_FORMAT`, so
another version's results are never read. The cache is a private local folder, so pickle is
safe here.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import struct
from functools import lru_cache
from operator import attrgetter
from pathlib import Path

import pyarrow as pa

from .. import schema
from ..tables.checks import Check
from ..fileio import atomic_write_bytes
from ..report import PARSER_VERSION, Report, file_sha256
from ..tables import CellValue
from ..tables.model import value_source

CACHE_FORMAT = 4  # bump whenever the pack layout, entry_summary or entry_rows change
PACK_SUFFIX = ".pack"
CHECK_COLUMNS = ("id", "scope", "status", "detail", "blank_as_zero")
PARSED_CELLS = pa.schema([("key", pa.string()), ("value", pa.float64()), ("raw_text", pa.string()),
                          ("printed_label", pa.string()), ("unit", pa.string()), ("page", pa.int64()),
                          ("line", pa.int64()), ("derived", pa.bool_()), ("source", pa.string()),
                          ("confidence", pa.float64())])
_LENGTH = struct.Struct("<Q")
_KEY_SEPARATOR = "\x1f"  # unit separator: never part of a key
# one string object per key for every report's values (keeps long-lived memory compact)
_KEYS = {f.key: f.key for f in schema.all_fields()}


def entry_summary(report: Report) -> dict:
    """Status, metadata and values of one parse (plain data), with the counts a progress line shows."""
    return {
        "sha256": report.sha256,
        "input_format": report.input_format,
        "status": report.status,
        "error": report.error,
        "meta": {k: v for k, v in report.meta.items() if k != "sections"},
        "values": _packed_values(report.values),
        "parser_version": PARSER_VERSION,
        "n_warnings": len(report.warnings),
        "n_failed_checks": sum(1 for c in report.check_records if c.status == "fail"),
        "retry": report.retry,
    }


def _packed_values(values: dict) -> tuple[str, list]:
    """``values`` as its keys joined by :data:`_KEY_SEPARATOR` and a list of its values: one
    string to decode instead of a few hundred keys (see :func:`_unpacked_values`)."""
    return _KEY_SEPARATOR.join(values), list(values.values())


@lru_cache(maxsize=64)
def _key_tuple(joined: str) -> tuple[str, ...]:
    """The keys of a packed values dict, as the schema's own string objects: every report of a
    format shares one tuple, and long-lived values dicts share their keys."""
    return tuple(_KEYS.get(key, key) for key in joined.split(_KEY_SEPARATOR)) if joined else ()


def _unpacked_values(packed: tuple[str, list]) -> dict:
    """The values dict of :func:`_packed_values`.

    >>> _unpacked_values(_packed_values({"t2.new_received.total": 3, "t3.review_total": None}))
    {'t2.new_received.total': 3, 't3.review_total': None}
    """
    joined, values = packed
    return dict(zip(_key_tuple(joined), values))


def entry_rows(report: Report) -> dict:
    """The report's rows of the ``cells``, ``checks`` and ``sections`` tables (without the
    columns the corpus adds), and its parser warnings.

    Cells are an Arrow record batch of :data:`PARSED_CELLS` (serialised: read back without a
    copy); checks and sections are lists per column.
    """
    return {
        "cells": parsed_cells(report.cell_records).serialize().to_pybytes(),
        "checks": check_columns(report.check_records),
        "sections": {"section": list(report.sections), "text": list(report.sections.values())},
        "warnings": list(report.warnings),
    }


_CELL_FIELDS = attrgetter("key", "value", "raw", "label", "unit", "page", "line", "derived", "confidence")


def parsed_cells(records: list[CellValue]) -> pa.RecordBatch:
    """Cells as the parser read them: the value as a float (as the table stores it), the
    printed label or None, the unit as printed; the schema's columns are joined at assembly."""
    if not records:
        return pa.RecordBatch.from_pylist([], schema=PARSED_CELLS)
    key, value, raw, label, unit, page, line, derived, confidence = zip(*map(_CELL_FIELDS, records))
    derived = list(map(bool, derived))
    columns = {
        "key": key,
        "value": [None if v is None else float(v) for v in value],
        "raw_text": raw,
        "printed_label": [text or None for text in label],
        "unit": unit,
        "page": page,
        "line": line,
        "derived": derived,
        "source": list(map(value_source, derived, confidence)),
        "confidence": confidence,
    }
    return pa.RecordBatch.from_arrays([pa.array(columns[f.name], f.type) for f in PARSED_CELLS], schema=PARSED_CELLS)


def check_columns(checks: list[Check]) -> dict[str, list]:
    """Checks as lists per ``checks`` column."""
    return {name: [getattr(c, name) for c in checks] for name in CHECK_COLUMNS}


def report_entry(report: Report) -> dict:
    """What the cache keeps of one parse: ``{"summary": ..., "rows": ...}``."""
    return {"summary": entry_summary(report), "rows": entry_rows(report)}


def variant(options: dict | None) -> str:
    """The part of a cache entry's name that parse options change: a PDF parsed without OCR
    is a different result from the same PDF parsed with it, and so is a file read under
    other limits (:meth:`helpers.limits.Limits.variant`)."""
    options = options or {}
    limits = options.get("limits")
    return ("" if options.get("ocr", True) else ".noocr") + (limits.variant() if limits is not None else "")


class Cache:
    """Parse results and file hashes under ``root`` (``data/processed/.cache``); ``options`` are
    the parse options the results were made with (see :func:`variant`)."""

    def __init__(self, root: Path, options: dict | None = None):
        self.root = Path(root)
        self.variant = variant(options)
        self.stat_path = self.root / "stat_index.json"
        self._stats: dict[str, list] | None = None  # read on first use: a worker never needs it
        self._stats_changed = False
        self.results = self.root / "results" / f"{PARSER_VERSION}{self.variant}.c{CACHE_FORMAT}"
        self._where: dict[tuple[str, str], tuple[Path, int, int, int, bool]] | None = None  # see _entries
        self._packs: set[str] = set()

    # -- hashes ------------------------------------------------------------------
    def _stat_index(self) -> dict[str, list]:
        if self._stats is None:
            try:
                self._stats = json.loads(self.stat_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._stats = {}
        return self._stats

    def sha256(self, path: Path, resolved: Path | None = None) -> tuple[str, os.stat_result]:
        """The file's sha256, from the stat index when size and mtime are unchanged, and the
        ``stat`` it was checked against (a worker compares it before trusting the hash).
        ``resolved``: ``path.resolve()``, when the caller has it."""
        stat = path.stat()
        key = str(resolved or path.resolve())
        known = self._stat_index().get(key)
        if known and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
            return known[2], stat
        sha = file_sha256(path)
        self._stat_index()[key] = [stat.st_size, stat.st_mtime_ns, sha]
        self._stats_changed = True
        return sha, stat

    def save_stats(self) -> None:
        if self._stats_changed:
            atomic_write_bytes(self.stat_path, json.dumps(self._stats, sort_keys=True).encode("utf-8"))
            self._stats_changed = False

    # -- parse results -----------------------------------------------------------
    def has(self, sha: str, input_format: str) -> bool:
        """Whether the cache holds the file's result (an error of a run, such as a timeout, does
        not count: the file is parsed again)."""
        where = self._entries().get((sha, input_format))
        return where is not None and not where[4]

    def load_summary(self, sha: str, input_format: str) -> dict:
        """Status, metadata and values only: what deciding which reports to keep needs."""
        summary = pickle.loads(self._read(sha, input_format, rows=False))
        summary["values"] = _unpacked_values(summary["values"])
        return summary

    def load_rows(self, sha: str, input_format: str) -> dict:
        """The rows of one report (see :func:`entry_rows`, cells as a record batch), without
        decoding its summary."""
        rows = pickle.loads(self._read(sha, input_format, rows=True))
        rows["cells"] = pa.ipc.read_record_batch(pa.py_buffer(rows["cells"]), PARSED_CELLS)
        return rows

    def store(self, entries: list[dict]) -> None:
        """Write :func:`report_entry` records as one pack, whole or not at all."""
        index, blobs, offset = [], [], 0
        for entry in entries:
            summary = pickle.dumps(entry["summary"], protocol=pickle.HIGHEST_PROTOCOL)
            rows = pickle.dumps(entry["rows"], protocol=pickle.HIGHEST_PROTOCOL)
            index.append((entry["summary"]["sha256"], entry["summary"]["input_format"], offset, len(summary),
                          len(rows), bool(entry["summary"].get("retry"))))
            blobs += (summary, rows)
            offset += len(summary) + len(rows)
        if not index:
            return
        head = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
        # named by its entries: the same results make the same pack; an error of a run is another one
        name = hashlib.sha256("\n".join(f"{sha}.{fmt}{'.retry' if retry else ''}"
                                         for sha, fmt, *_, retry in index).encode()).hexdigest()[:32]
        atomic_write_bytes(self.results / f"{name}{PACK_SUFFIX}", b"".join((_LENGTH.pack(len(head)), head, *blobs)))

    def _entries(self) -> dict[tuple[str, str], tuple[Path, int, int, int, bool]]:
        """(sha256, input format) → (pack, offset, summary length, rows length, retry), every pack
        read once. A file's result wins over an error of a run (``retry``) in another pack."""
        if self._where is None:
            self._where = {}
            self._scan()
        return self._where

    def _scan(self) -> None:
        """Add the entries of the packs not read yet (each pack's index is at its start)."""
        try:
            names = os.listdir(self.results)
        except FileNotFoundError:
            return
        for name in names:
            if name.endswith(PACK_SUFFIX) and name not in self._packs:
                self._packs.add(name)
                path = self.results / name
                with open(path, "rb") as handle:
                    (length,) = _LENGTH.unpack(handle.read(_LENGTH.size))
                    base = _LENGTH.size + length
                    for sha, input_format, offset, n_summary, n_rows, retry in pickle.loads(handle.read(length)):
                        known = self._where.get((sha, input_format))
                        if known is None or known[4] or not retry:
                            self._where[(sha, input_format)] = (path, base + offset, n_summary, n_rows, retry)

    def _read(self, sha: str, input_format: str, rows: bool) -> bytes:
        """The pickled summary (or rows) of one entry; packs written since the last look are read
        first (the workers add them while this process waits)."""
        known = self._entries().get((sha, input_format))
        if known is None or known[4]:  # a worker may have stored the result since
            self._scan()
        path, offset, n_summary, n_rows, _ = self._where[(sha, input_format)]
        with open(path, "rb") as handle:
            handle.seek(offset + n_summary if rows else offset)
            return handle.read(n_rows if rows else n_summary)


def fingerprint(parts: list[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()
