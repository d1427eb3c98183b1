"""How much one input file may cost: the limits, declared once.

A folder scraped from thousands of sites holds whatever they served: a Word file that inflates
to gigabytes, a workbook of millions of cells, a PDF of thousands of pages, a page nested
hundreds of thousands of elements deep. Every reader checks its limits before the expensive
work; the ingest workers are held to the time and memory limits (:mod:`helpers.corpus.workers`).

A file over a limit gets an error record naming the figure and the limit (``too_large``,
``bomb``, ``timeout``), or — when the limit only cut the reading short (pages of a long PDF, a
huge table) and a report was read before the cut — a ``partial`` record with a warning that
says what was not read. ``ogi parse`` and ``ogi ingest`` take ``--limit NAME=VALUE``.

>>> Limits().pdf_pages, Limits.parse(["pdf_pages=200", "timeout_s=30"]).pdf_pages
(60, 200)
>>> Limits.parse(["pdf_pages=200"]).variant(), Limits().variant()
('.limits-pdf_pages=200', '')
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace

from .errors import TOO_LARGE, ReportError

_MB = 1 << 20


def _limit(default: float, doc: str):
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Limits:
    """Per-file limits. Sizes in MB (2**20 bytes), times in seconds."""

    # -- what a reader reads (a changed value changes results: part of the cache's variant)
    html_mb: float = _limit(10, "HTML page: the largest real report page seen is 0.4 MB")
    text_mb: float = _limit(10, "text and Markdown")
    docx_mb: float = _limit(100, "Word (.docx, and .doc/.wps before conversion): images make them large")
    xlsx_mb: float = _limit(50, "Excel workbook")
    pdf_mb: float = _limit(300, "PDF: scans of 40 pages at 600 dpi stay under this")
    zip_part_mb: float = _limit(64, "one member of a DOCX/XLSX archive, inflated (from the archive's directory)")
    zip_total_mb: float = _limit(512, "all members of a DOCX/XLSX archive, inflated")
    zip_ratio: float = _limit(200, "inflated/compressed above this (for a member over 8 MB inflated): a bomb")
    xlsx_cells: int = _limit(200_000, "cells in a workbook's sheets (a report has under 2,000)")
    html_table_rows: int = _limit(5_000, "rows of one HTML table (a report table has under 100); more are not read")
    pdf_pages: int = _limit(60, "PDF pages read (a report rarely has 40); the rest are not read")
    # -- what a worker may spend (the same results, or none: not part of the cache's variant)
    timeout_s: float = _limit(300, "wall time for one file, OCR included (a scanned page takes 3–5 s)")
    worker_memory_mb: float = _limit(4096, "address space a worker may add to what it starts with (OCR adds about 2 GB)")

    # the libxml2 HTML parser stops at this depth of nesting; it is fixed, not a limit to set
    HTML_DEPTH = 256

    @classmethod
    def parse(cls, pairs: list[str] | None, base: Limits | None = None) -> Limits:
        """``NAME=VALUE`` pairs (``--limit`` flags) over ``base`` (the defaults); ValueError names a bad one."""
        limits = base or cls()
        known = {f.name: f.type for f in fields(cls)}
        for pair in pairs or ():
            name, sep, value = pair.partition("=")
            name = name.strip()
            if not sep or name not in known:
                raise ValueError(f"unknown limit {pair!r}: use NAME=VALUE with NAME one of {', '.join(known)}")
            try:
                number = int(value) if known[name] == "int" else float(value)
            except ValueError:
                raise ValueError(f"limit {name} needs a number, not {value!r}") from None
            if number <= 0:
                raise ValueError(f"limit {name} must be positive, not {value!r}")
            limits = replace(limits, **{name: number})
        return limits

    def variant(self) -> str:
        """The reading limits that differ from the defaults, for the cache's folder name."""
        default = Limits()
        changed = [f"{f.name}={getattr(self, f.name):g}" for f in fields(self)
                   if f.name not in RUN_LIMITS and getattr(self, f.name) != getattr(default, f.name)]
        return ".limits-" + ",".join(changed) if changed else ""

    def file_bytes(self, input_format: str) -> float:
        """The size limit of a file of ``input_format``, in bytes."""
        return getattr(self, _size_name(input_format), self.text_mb) * _MB


RUN_LIMITS = ("timeout_s", "worker_memory_mb")
DEFAULT_LIMITS = Limits()


def megabytes(n_bytes: float) -> str:
    """``12.3 MB``: a size for a message."""
    return f"{n_bytes / _MB:,.1f} MB"


def check_file_size(path: str, input_format: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """A :class:`~helpers.errors.ReportError` (``too_large``) when the file is over its format's limit."""
    try:
        size = os.stat(path).st_size
    except OSError:
        return  # the reader reports an unreadable file
    if size > limits.file_bytes(input_format):
        raise ReportError(path, TOO_LARGE, f"the file is {megabytes(size)}, over the "
                                           f"{megabytes(limits.file_bytes(input_format))} limit for "
                                           f"{input_format} files (--limit {_size_name(input_format)}=…)")


def _size_name(input_format: str) -> str:
    """The size limit's name for a format (Markdown counts as text, .doc/.wps as Word)."""
    return {"markdown": "text", "doc": "docx", "wps": "docx"}.get(input_format, input_format) + "_mb"


def describe() -> list[tuple[str, str, str]]:
    """(name, default, what it bounds) for every limit: the README's and ``--help``'s table."""
    return [(f.name, f"{getattr(DEFAULT_LIMITS, f.name):g}", f.metadata["doc"]) for f in fields(Limits)]


__all__ = ["DEFAULT_LIMITS", "RUN_LIMITS", "Limits", "check_file_size", "describe", "megabytes"]
