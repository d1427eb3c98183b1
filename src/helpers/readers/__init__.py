"""One reader per input format, each returning the same :class:`~helpers.document.Document`."""

from __future__ import annotations

from pathlib import Path

from ..document import Document
from ..errors import UNSUPPORTED_FORMAT, ReportError
from .text import parse_text, read_text

TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}
# Formats whose readers are not in this release: they give a clear error record.
PLANNED_SUFFIXES = {".html": "html", ".htm": "html", ".shtml": "html", ".pdf": "pdf", ".docx": "docx",
                    ".doc": "doc", ".wps": "wps", ".xlsx": "xlsx", ".xls": "xls"}


def input_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    return TEXT_SUFFIXES.get(suffix) or PLANNED_SUFFIXES.get(suffix) or (suffix.lstrip(".") or "unknown")


def read_document(path: str | Path) -> Document:
    """Read any supported file into the document model, or raise :class:`ReportError`."""
    fmt = input_format(path)
    if fmt in {"text", "markdown"}:
        return read_text(path, fmt)
    raise ReportError(str(path), UNSUPPORTED_FORMAT, f"no reader for {fmt!r} files yet (supported: .txt, .md)")


__all__ = ["input_format", "parse_text", "read_document", "read_text"]
