"""Match printed label text against the schema's labels.

Printed labels are broken over cells and pages (「（三）不」 … 「予公开」), character-spaced,
renumbered (「1、」 for 「1.」), shortened and mistyped. A label resolves when its numbering
agrees with a schema label and its text equals, starts, or closely resembles the label's
text; fragments that only end a label (「予公开」, 「法规禁止公开」) never resolve on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from .. import schema
from ..normalize import norm, split_numbering

SIMILAR = 0.8  # SequenceMatcher ratio for a mistyped label
MIN_UNNUMBERED_PREFIX = 4  # characters an unnumbered fragment needs to count as a label start
MAX_UNNUMBERED_EXTRA = 2  # characters unnumbered text may add after a whole label it starts with
MIN_SIMILAR_UNNUMBERED = 6  # shorter unnumbered text must match exactly: 「予公开」 is not 「予以公开」
RENUMBERED = 0.7  # a whole label printed (or read) under another number


@dataclass(frozen=True)
class LabelForm:
    level: int
    number: str | None
    rest: str


def label_forms(labels: tuple[str, ...]) -> tuple[LabelForm, ...]:
    return tuple(LabelForm(*split_numbering(label)) for label in labels)


def _similarity(a: str, b: str) -> float:
    """SequenceMatcher's ratio of ``a`` and ``b`` where it can reach ``SIMILAR``, else 0.0.

    Its two cheap upper bounds settle most pairs without the full comparison; the result is
    the same wherever it matters (at or above ``SIMILAR``).

    >>> round(_similarity("申请人逾期末按收费通知", "申请人逾期未按收费通知"), 3), _similarity("公开", "禁止公开")
    (0.909, 0.0)
    """
    matcher = SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


@lru_cache(maxsize=1 << 16)
def score_label(text: str, forms: tuple[LabelForm, ...]) -> float:
    """How well printed ``text`` matches any of a schema label's forms (0 = not at all)."""
    level, number, rest = split_numbering(text)
    best = 0.0
    for form in forms:
        if level and (level != form.level or number != form.number):
            if rest == form.rest and len(rest) >= MIN_SIMILAR_UNNUMBERED:
                # the whole text under another number (「二、本年新收…」, 「9、结转下年度…」: a
                # scan's 「一」 read as 「二」, 「四」 as 「9」): the text names the row, with less
                # weight than its number
                best = max(best, RENUMBERED)
            continue
        numbered = bool(level)
        if rest == form.rest:
            score = 1.0
        elif not rest:
            score = 0.5 if numbered else 0.0
        elif form.rest.startswith(rest) and (numbered or len(rest) >= MIN_UNNUMBERED_PREFIX):
            score = 0.75 + 0.2 * len(rest) / len(form.rest)
        elif rest.startswith(form.rest) and len(form.rest) >= (2 if numbered else MIN_UNNUMBERED_PREFIX) and (
                numbered or len(rest) - len(form.rest) <= MAX_UNNUMBERED_EXTRA or rest[len(form.rest)] == "("):
            # 「其他处」 (a piece of the group label 「（六）其他处理」) is not the row 「3.其他」, nor
            # 「其他处理由逾期不补」 (that piece run into the next column's text) the row 「（六）其他处理」
            score = 0.8
        elif not numbered and len(rest) < MIN_SIMILAR_UNNUMBERED:
            score = 0.0
        elif len(rest) >= MIN_UNNUMBERED_PREFIX and len(rest) < len(form.rest) and (
                ratio := _similarity(rest, form.rest[:len(rest)])) >= SIMILAR:
            # the start of a label with a character misread or mistyped (「逾期末按」 for 「逾期未按」)
            score = 0.9 * ratio * (0.75 + 0.2 * len(rest) / len(form.rest))
        else:
            ratio = _similarity(rest, form.rest)
            score = 0.9 * ratio if ratio >= SIMILAR else 0.0
        best = max(best, score)
    return best


def is_whole_label(text: str, row: schema.Row) -> bool:
    """``text`` is one of the row's labels, whole (numbering aside), not just its beginning."""
    return score_label(text, label_forms(row.labels)) >= 1.0


# --- Table 2 rows ---------------------------------------------------------------


@lru_cache(maxsize=None)
def t2_candidates() -> tuple[tuple[schema.Row, tuple[LabelForm, ...]], ...]:
    """Rows of both formats, each key once. 「（六）其他处理」 resolves to the 2019 row ``other``:
    whether it is that row or the 2021 group label is decided by what follows it."""
    seen: dict[str, schema.Row] = {}
    for row in (*schema.T2_ROWS_2019, *schema.T2_ROWS_2021):
        if row.key not in seen and row.key != "other_group":
            seen[row.key] = row
    return tuple((row, label_forms(row.labels)) for row in seen.values())


@lru_cache(maxsize=None)
def _t2_order() -> dict[str, int]:
    return {row.key: i for i, row in enumerate(schema.T2_ROWS_2021)} | {"other": schema.T2_ROWS_2021.index(
        next(r for r in schema.T2_ROWS_2021 if r.key == "other_group"))}


HEADER_TEXTS = frozenset(norm(t) for t in (
    *(c.label for c in schema.T2_COLUMNS), *schema.T2_HEADER_LABELS, schema.T1_INFO_HEADER,
))


def is_t2_header(text: str) -> bool:
    n = norm(text)
    return n in HEADER_TEXTS or any(m in n for m in schema.T2_CORNER_MARKERS)


@lru_cache(maxsize=1 << 16)
def resolve_t2(text: str, context_group: str | None = None, last_key: str | None = None) -> schema.Row | None:
    """The Table 2 row (or group label) that printed ``text`` names, if any."""
    if not norm(text) or is_t2_header(text):
        return None
    order = _t2_order()
    last = order.get(last_key, -1) if last_key else -1
    scored = []
    for row, forms in t2_candidates():
        score = score_label(text, forms)
        if score <= 0:
            continue
        in_context = row.group == context_group or (row.group == "other_group" and context_group == "other")
        after_last = order.get(row.key, 0) > last
        scored.append((score, in_context, after_last, -order.get(row.key, 0), row))
    if not scored:
        return None
    scored.sort(key=lambda s: s[:4], reverse=True)
    return scored[0][4]


# --- Table 1 rows and columns ----------------------------------------------------


@lru_cache(maxsize=None)
def t1_row_candidates() -> tuple[tuple[str, str, schema.Row, tuple[LabelForm, ...]], ...]:
    """(template, subtable, row, forms) for every Table 1 row of both formats."""
    out = []
    for template, subtables in schema.T1_BY_TEMPLATE.items():
        for sub in subtables:
            for row in sub.rows:
                out.append((template, sub.key, row, label_forms(row.labels)))
    return tuple(out)


@lru_cache(maxsize=None)
def t1_column_candidates() -> tuple[tuple[str, str, schema.Column, tuple[LabelForm, ...]], ...]:
    out = []
    for template, subtables in schema.T1_BY_TEMPLATE.items():
        for sub in subtables:
            for col in sub.columns:
                out.append((template, sub.key, col, label_forms(col.labels)))
    return tuple(out)


@lru_cache(maxsize=1 << 14)
def resolve_t1_row(text: str) -> tuple[tuple[str, str, schema.Row], ...]:
    """Every (template, subtable, row) whose label ``text`` matches best (both formats can tie)."""
    scored = [(score_label(text, forms), t, s, r) for t, s, r, forms in t1_row_candidates()]
    best = max((s[0] for s in scored), default=0.0)
    if best < 0.75:
        return ()
    return tuple((t, s, r) for score, t, s, r in scored if score == best)


@lru_cache(maxsize=1 << 14)
def resolve_t1_column(text: str, subtable: str | None) -> tuple[tuple[str, str, schema.Column], ...]:
    scored = [(score_label(text, forms), t, s, c) for t, s, c, forms in t1_column_candidates()
              if subtable is None or s == subtable]
    best = max((s[0] for s in scored), default=0.0)
    if best < 0.75:
        return ()
    return tuple((t, s, c) for score, t, s, c in scored if score == best)
