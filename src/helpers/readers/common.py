"""Checks every binary reader makes before opening a file."""

from __future__ import annotations

import os

from ..errors import EMPTY_FILE, UNREADABLE, ReportError


def require_nonempty(path: str) -> int:
    """The file's size; an unreadable or empty file raises the matching :class:`ReportError`."""
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise ReportError(path, UNREADABLE, f"cannot open the file: {exc.strerror or exc}") from exc
    if size == 0:
        raise ReportError(path, EMPTY_FILE, "the file is empty")
    return size
