"""The reports' own consistency identities (勾稽关系, ``report-format.md`` §6.1).

Each identity gives one record per scope with ``pass``, ``fail`` or ``skip`` and the
arithmetic. A check is skipped when an operand is null; ``blank_as_zero`` then says what it
would give if blanks were read as 0, so an analysis can choose, knowingly.

Validate, don't repair: nothing here changes a value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

from .. import schema

PASS, FAIL, SKIP = "pass", "fail", "skip"


@dataclass
class Check:
    id: str
    scope: str
    status: str
    detail: str
    blank_as_zero: str | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _fmt(values: list[int | float | None]) -> str:
    return " + ".join(["null" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in values])


def _equation(check_id: str, scope: str, left: list, right: list) -> Check:
    """Compare sum(left) with sum(right); skip when an operand is null."""
    detail_ops = f"{_fmt(left)} {{op}} {_fmt(right)}"
    if None in left or None in right:
        filled_l = sum(v or 0 for v in left)
        filled_r = sum(v or 0 for v in right)
        as_zero = PASS if filled_l == filled_r else FAIL
        return Check(check_id, scope, SKIP, detail_ops.format(op="?") + " (null operand)", as_zero)
    ok = sum(left) == sum(right)
    return Check(check_id, scope, PASS if ok else FAIL, detail_ops.format(op="==" if ok else "!="))


def run_checks(values: dict[str, int | float | None], template: str, t2_rows: list[str] | None = None) -> list[Check]:
    """All hard identities for a report's ``values`` (keys as in :mod:`helpers.schema`)."""
    checks: list[Check] = []
    get = values.get
    outcome_rows = list(schema.t2_outcome_keys(template))
    if template == schema.GOV2021 and any(get(schema.t2_key("other", c)) is not None for c in schema.COLS7):
        # a 2021 report that printed the single 2019 （六） row: its number stands for the three
        outcome_rows = [r for r in outcome_rows if r not in schema.T2_OTHER_2021] + [schema.T2_OTHER_2019]
    for col in schema.COLS7:
        left = [get(schema.t2_key("new_received", col)), get(schema.t2_key("carried_over", col))]
        right = [get(schema.t2_key("total_handled", col)), get(schema.t2_key("carried_forward", col))]
        checks.append(_equation("T2-BAL", col, left, right))
    for col in schema.COLS7:
        parts = [get(schema.t2_key(r, col)) for r in outcome_rows]
        checks.append(_equation("T2-OUT", col, [get(schema.t2_key("total_handled", col))], parts))
    rows = t2_rows if t2_rows is not None else [r.key for r in schema.t2_data_rows(template)]
    for row in rows:
        parts = [get(schema.t2_key(row, c)) for c in schema.COLS6]
        total = get(schema.t2_key(row, "total"))
        if total is None and any(p for p in parts):
            checks.append(Check("T2-ROW", row, SKIP, f"total is blank while {_fmt(parts)} are printed (missing total)",
                                FAIL if sum(p or 0 for p in parts) != 0 else PASS))
            continue
        checks.append(_equation("T2-ROW", row, [total], parts))
    for check_id, group in (("T3-REV", "review"), ("T3-DIR", "lit_direct"), ("T3-AFT", "lit_after_review")):
        parts = [get(schema.t3_key(f"{group}_{r}")) for r in ("upheld", "corrected", "other", "pending")]
        checks.append(_equation(check_id, group, [get(schema.t3_key(f"{group}_total"))], parts))
    checks.extend(_domain(values))
    return checks


def _domain(values: dict[str, int | float | None]) -> list[Check]:
    printed_t4 = any(key.startswith("t4.") for key in values)  # Table 4 is checked only where printed
    bad: dict[str, list[str]] = {table: [] for table in ("t1", "t2", "t3", *(("t4",) if printed_t4 else ()))}
    for key, value in values.items():
        if value is None:
            continue
        found = bad.get(key.partition(".")[0])
        if found is None:
            continue
        dtype = _dtype(key)
        if dtype == schema.SIGNED:
            ok = isinstance(value, int)
        elif dtype == schema.AMOUNT_WAN:
            ok = value >= 0
        else:
            ok = isinstance(value, int) and value >= 0
        if not ok:
            found.append(f"{key}={value}")
    return [Check("DOM", table, FAIL if found else PASS, "; ".join(found) if found else "all values in range")
            for table, found in bad.items()]


@lru_cache(maxsize=4096)
def _dtype(key: str) -> str:
    return schema.field(key).dtype if key in _known_keys() else schema.COUNT


@lru_cache(maxsize=1)
def _known_keys() -> frozenset[str]:
    return frozenset(f.key for f in schema.all_fields())
