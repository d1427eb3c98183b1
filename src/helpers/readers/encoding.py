"""Decode report bytes: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK/GB2312.

The encoding is detected, not assumed: a BOM wins; then strict UTF-8, whose validity is a
strong signal; otherwise charset-normalizer chooses among the encodings Chinese reports
use, and the result must read as Chinese text.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from ..errors import BINARY_FILE, EMPTY_FILE, UNDECODABLE, ReportError
from ..normalize import has_cjk

CHINESE_ENCODINGS = ["gb18030", "big5", "utf_16", "utf_8"]
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")  # control characters other than \t \n \v \f \r


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    return len(_CONTROL.findall(sample)) / len(sample)


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Return ``(text, encoding)`` or raise :class:`ReportError` naming the cause."""
    if not data.strip():
        raise ReportError(path, EMPTY_FILE, "the file is empty")
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                text = data.decode(name)
            except UnicodeDecodeError as exc:
                raise ReportError(path, UNDECODABLE, f"starts with a {name} byte-order mark but does not decode: {exc}") from exc
            if not text.strip():
                raise ReportError(path, EMPTY_FILE, "the file is empty")
            return text, name
    if b"\x00" in data[:8192]:
        raise ReportError(path, BINARY_FILE, "binary file (NUL bytes), not text")
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        best = from_bytes(data, cp_isolation=CHINESE_ENCODINGS).best()
        if best is None:
            raise ReportError(path, UNDECODABLE, "bytes are neither UTF-8 nor a Chinese encoding (GB18030/GBK, Big5)") from None
        # GB2312 and GBK are subsets of GB18030: decode with the superset.
        encoding = "gb18030" if best.encoding in {"gb2312", "gbk", "gb18030"} else best.encoding
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ReportError(path, UNDECODABLE, f"detected {encoding} but the bytes do not decode: {exc}") from exc
        if not has_cjk(text):
            raise ReportError(path, UNDECODABLE, f"decoded as {encoding} but holds no Chinese text") from None
    if not text.strip():  # only a byte-order mark or non-ASCII spaces
        raise ReportError(path, EMPTY_FILE, "the file is empty")
    if _control_ratio(text) > 0.01:
        raise ReportError(path, BINARY_FILE, "binary file (control characters), not text")
    return text, encoding
