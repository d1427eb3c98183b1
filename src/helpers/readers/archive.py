"""Checks on a ZIP-based file (DOCX, XLSX) made from its directory, before anything is inflated.

The central directory states every member's compressed and inflated size. A member that
inflates out of all proportion is a bomb; one too large to be part of a report, or an archive
too large in total, is refused. Python's ``zipfile`` never inflates a member past the size its
directory states (it stops there and fails the CRC check), so a directory that lies about
sizes cannot get round these checks.
"""

from __future__ import annotations

import zipfile

from ..errors import BOMB, TOO_LARGE, ReportError
from ..limits import DEFAULT_LIMITS, Limits, megabytes

BOMB_MIN_BYTES = 8 << 20  # a member under this is never called a bomb, whatever its ratio


def check_archive(zf: zipfile.ZipFile, path: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """A :class:`ReportError` (``bomb`` or ``too_large``) when the archive is over a limit.

    >>> import io
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
    ...     out.writestr("word/document.xml", b"<w:p/>" * 3_000_000)
    >>> check_archive(zipfile.ZipFile(buffer), "bomb.docx")
    Traceback (most recent call last):
    ...
    helpers.errors.ReportError: bomb.docx: word/document.xml inflates to 17.2 MB from 0.0 MB (ratio 686:1, over the 200:1 limit for a member over 8 MB): a ZIP bomb, not read
    """
    total = 0
    part_limit = limits.zip_part_mb * (1 << 20)
    for info in zf.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > BOMB_MIN_BYTES and ratio > limits.zip_ratio:
            raise ReportError(path, BOMB, f"{info.filename} inflates to {megabytes(info.file_size)} from "
                                          f"{megabytes(info.compress_size)} (ratio {ratio:,.0f}:1, over the "
                                          f"{limits.zip_ratio:g}:1 limit for a member over "
                                          f"{megabytes(BOMB_MIN_BYTES).replace('.0', '')}): a ZIP bomb, not read")
        if info.file_size > part_limit:
            raise ReportError(path, TOO_LARGE, f"{info.filename} inflates to {megabytes(info.file_size)}, over the "
                                               f"{megabytes(part_limit)} limit for one part (--limit zip_part_mb=…)")
    if total > limits.zip_total_mb * (1 << 20):
        raise ReportError(path, TOO_LARGE, f"the archive inflates to {megabytes(total)}, over the "
                                           f"{megabytes(limits.zip_total_mb * (1 << 20))} limit "
                                           "(--limit zip_total_mb=…)")


def refuse_entities(xml_head: bytes, path: str, part: str, document: str) -> None:
    """A ``bomb`` error when ``part`` (its first bytes ``xml_head``) declares XML entities,
    which ``document`` (「a Word document」, 「a workbook」) never does."""
    if declares_entities(xml_head):
        raise ReportError(path, BOMB, f"{part} declares XML entities, which {document} never does "
                                      "(they can expand without end: an entity bomb); not read")


def declares_entities(xml_head: bytes) -> bool:
    """Whether an XML part's prolog declares entities (an Office part never does: such a part
    is refused rather than expanded).

    >>> declares_entities(b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "x">]><d/>'), declares_entities(b"<d/>")
    (True, False)
    """
    head = xml_head[:65536]
    return b"<!DOCTYPE" in head and b"<!ENTITY" in head


__all__ = ["BOMB_MIN_BYTES", "check_archive", "declares_entities", "refuse_entities"]
