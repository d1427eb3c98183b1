"""Text normalisation for matching printed labels against the schema.

Labels in real reports are character-spaced (「结 果 维 持」), mix full- and half-width
punctuation, carry ``<br>`` and markdown ``**``, and use several quote styles. Matching
happens on a normalised form; the printed text is always kept separately.

>>> norm("（三） 不予 公开")
'(三)不予公开'
>>> split_numbering("1、申请人无正当理由逾期不补")
(3, '1', '申请人无正当理由逾期不补')
>>> split_numbering("三三、本年度办理结果")
(1, '三', '本年度办理结果')
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_WS = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "〃": '"', "「": '"', "」": '"'})
CN_NUMERALS = "一二三四五六七八九十"
_ORDINAL = "(十?[一二三四五六七八九]|十)"
_LEVEL1 = re.compile(rf"^{_ORDINAL}\1?[、.]")  # 一、 (and the typo 三三、)
_LEVEL2 = re.compile(rf"^\({_ORDINAL}\)")  # (一)
_LEVEL3 = re.compile(r"^(\d{1,2})[.、,](?!\d)")  # 1. / 1、


@lru_cache(maxsize=1 << 16)  # labels repeat across rows and reports
def norm(text: str) -> str:
    """Canonical matching form: NFKC, no whitespace, ASCII punctuation, no markup."""
    text = _BR.sub("", text).replace("**", "")
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_QUOTES)
    text = text.replace("钩稽", "勾稽")
    return _WS.sub("", text)


def clean_cell(text: str) -> str:
    """Printed text of a cell, tidied for display: ``<br>`` and runs of space collapsed."""
    text = _BR.sub(" ", text).replace("**", "")
    return _WS.sub(" ", text).strip()


@lru_cache(maxsize=1 << 16)
def split_numbering(text: str) -> tuple[int, str | None, str]:
    """Split a normalised label into (level, ordinal, rest).

    Level 1 is 「一、」, level 2 is 「（一）」, level 3 is 「1.」 or 「1、」; level 0 means unnumbered.
    """
    n = norm(text)
    for level, pattern in ((2, _LEVEL2), (1, _LEVEL1), (3, _LEVEL3)):
        m = pattern.match(n)
        if m:
            return level, m.group(1), n[m.end():]
    return 0, None, n


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
