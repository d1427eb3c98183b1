"""One reader per input format, each returning the same :class:`~helpers.document.Document`.

Readers for binary formats are imported only when such a file is read, so reading text
reports does not load the PDF or Office libraries.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from ..document import Document
from ..errors import UNSUPPORTED_FORMAT, ReportError
from ..limits import DEFAULT_LIMITS, check_file_size
from .text import parse_text, read_text

SUFFIX_FORMATS = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
    ".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".wps": "wps", ".xlsx": "xlsx", ".xlsm": "xlsx",
}
# format → (module, function); the function takes the path and returns a Document
READERS = {
    "text": (".text", "read_text"),
    "markdown": (".text", "read_text"),
    "html": (".html", "read_html"),
    "pdf": (".pdf", "read_pdf"),
    "docx": (".docx", "read_docx"),
    "doc": (".docx", "read_legacy_word"),
    "wps": (".docx", "read_legacy_word"),
    "xlsx": (".xlsx", "read_xlsx"),
}


def input_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    return SUFFIX_FORMATS.get(suffix) or (suffix.lstrip(".") or "unknown")


PDF_OPTIONS = ("ocr", "ocr_cache", "progress")  # see readers.pdf.read_pdf


def read_document(path: str | Path, **options) -> Document:
    """Read any supported file into the document model, or raise :class:`ReportError`.

    Options a reader does not take are ignored (``ocr=False`` means nothing to an HTML file).
    ``limits`` (:class:`~helpers.limits.Limits`, default the declared ones) bound what is read:
    a file over its format's size limit is refused before it is opened."""
    fmt = input_format(path)
    if fmt not in READERS:
        supported = ", ".join(sorted(SUFFIX_FORMATS))
        raise ReportError(str(path), UNSUPPORTED_FORMAT, f"no reader for {fmt!r} files (supported: {supported})")
    module_name, function = READERS[fmt]
    limits = options.get("limits") or DEFAULT_LIMITS
    check_file_size(str(path), fmt, limits)
    if fmt in ("text", "markdown"):
        return read_text(path, fmt)
    reader = getattr(import_module(module_name, __package__), function)
    if fmt != "pdf":
        options = {k: v for k, v in options.items() if k not in PDF_OPTIONS}
    return reader(path, **{**options, "limits": limits})


__all__ = ["input_format", "parse_text", "read_document", "read_text"]
