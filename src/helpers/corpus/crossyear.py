"""Soft checks between an agency's reports for consecutive years (``report-format.md`` §6.2).

For each agency and each pair of reports for years Y−1 and Y:

- ``X-CARRY`` (any formats), per Table 2 column: carried_over(Y) == carried_forward(Y−1).
- ``X-INFORCE`` (both gov2021), per Table 1 （一） row: in_force(Y) == in_force(Y−1) + issued(Y) − repealed(Y).
- ``X-ITEMS`` (both gov2019), per Table 1 row with 上一年项目数量:
  items_prev_year(Y) == items_prev_year(Y−1) + items_change(Y−1).

These are warnings about the data, never corrections: agencies merge and split, some print a
cumulative 现行有效件数, definitions drift. A check whose operand is null is skipped and says
which operand. A year with two reports for one agency is not checked at all (which of the two
would be "the" report is not ours to guess); one ``X-DUP`` skip record says so.

>>> import pandas as pd
>>> reports = pd.DataFrame({"report_id": ["a", "b"], "agency_key": ["某局", "某局"],
...                         "report_year": [2022, 2023], "template": ["gov2021", "gov2021"]})
>>> values = {"a": {schema.t2_key(CARRIED_FORWARD, "total"): 2},
...           "b": {schema.t2_key(CARRIED_OVER, "total"): 2}}
>>> row = cross_year_checks(reports, values).query("id == 'X-CARRY' and scope == 'total'").iloc[0]
>>> row.status, row.detail
('pass', 'carried_over 2 == carried_forward(2022) 2')
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from . import outputs
from .. import schema

PASS, FAIL, SKIP = "pass", "fail", "skip"
X_CARRY, X_INFORCE, X_ITEMS, X_DUP = "X-CARRY", "X-INFORCE", "X-ITEMS", "X-DUP"

COLUMNS = outputs.table("cross_year_checks").column_names
_SORT = ["agency_key", "report_year", "id", "scope"]

Values = Mapping[str, int | float | None]


def _declared(key: str) -> str:
    """``key`` itself, after making sure :mod:`helpers.schema` declares it (fails loudly on import)."""
    schema.field(key)
    return key


# Row and column names of the operands; each is checked against the schema below.
CARRIED_OVER, CARRIED_FORWARD = "carried_over", "carried_forward"
IN_FORCE, ISSUED, REPEALED = "in_force", "issued", "repealed"
ITEMS_PREV_YEAR, ITEMS_CHANGE = "items_prev_year", "items_change"

_CARRY_KEYS = tuple(
    (col, _declared(schema.t2_key(CARRIED_OVER, col)), _declared(schema.t2_key(CARRIED_FORWARD, col)))
    for col in schema.COLS7
)


def _t1_rows_with(template: str, *columns: str) -> tuple[tuple[str, str], ...]:
    """(subtable, row) of every Table 1 row of ``template`` that has all of ``columns``."""
    return tuple(
        (st.key, row.key)
        for st in schema.T1_BY_TEMPLATE[template]
        if set(columns) <= {c.key for c in st.columns}
        for row in st.rows
    )


_INFORCE_ROWS = _t1_rows_with(schema.GOV2021, IN_FORCE, ISSUED, REPEALED)
_ITEMS_ROWS = _t1_rows_with(schema.GOV2019, ITEMS_PREV_YEAR, ITEMS_CHANGE)
for _st, _row in _INFORCE_ROWS:
    for _col in (IN_FORCE, ISSUED, REPEALED):
        _declared(schema.t1_key(_st, _row, _col))
for _st, _row in _ITEMS_ROWS:
    for _col in (ITEMS_PREV_YEAR, ITEMS_CHANGE):
        _declared(schema.t1_key(_st, _row, _col))


def _num(value: float | None) -> str:
    if value is None:
        return "null"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _compare(left: tuple[str, int | float | None], terms: list[tuple[str, str, int | float | None]]) -> tuple[str, str]:
    """Status and detail of ``left == t0 ± t1 ± …``; each operand is (printed name, value).

    >>> _compare(("in_force", 13), [("+", "in_force(2022)", 51), ("+", "issued", 13), ("-", "repealed", 0)])
    ('fail', 'in_force 13 != in_force(2022) 51 + issued 13 - repealed 0 (= 64)')
    >>> _compare(("carried_over", None), [("+", "carried_forward(2024)", 2)])
    ('skip', 'carried_over null ? carried_forward(2024) 2 (null: carried_over)')
    """
    left_name, left_value = left
    right = " ".join(f"{sign} {name} {_num(v)}" for sign, name, v in terms).removeprefix("+ ")
    nulls = [name for name, v in [left, *((n, v) for _, n, v in terms)] if v is None]
    if nulls:
        return SKIP, f"{left_name} {_num(left_value)} ? {right} (null: {', '.join(nulls)})"
    expected = sum(v if sign == "+" else -v for sign, _, v in terms)
    status = PASS if left_value == expected else FAIL
    op = "==" if status == PASS else "!="
    total = f" (= {_num(expected)})" if len(terms) > 1 else ""
    return status, f"{left_name} {_num(left_value)} {op} {right}{total}"


def _carry(prev: Values, cur: Values, prev_year: int) -> list[tuple[str, str, str, str]]:
    out = []
    for col, over_key, forward_key in _CARRY_KEYS:
        status, detail = _compare(
            (CARRIED_OVER, cur.get(over_key)),
            [("+", f"{CARRIED_FORWARD}({prev_year})", prev.get(forward_key))],
        )
        out.append((X_CARRY, col, status, detail))
    return out


def _in_force(prev: Values, cur: Values, prev_year: int) -> list[tuple[str, str, str, str]]:
    out = []
    for st, row in _INFORCE_ROWS:
        in_force, issued, repealed = (schema.t1_key(st, row, col) for col in (IN_FORCE, ISSUED, REPEALED))
        status, detail = _compare(
            (IN_FORCE, cur.get(in_force)),
            [
                ("+", f"{IN_FORCE}({prev_year})", prev.get(in_force)),
                ("+", ISSUED, cur.get(issued)),
                ("-", REPEALED, cur.get(repealed)),
            ],
        )
        out.append((X_INFORCE, row, status, detail))
    return out


def _items(prev: Values, cur: Values, prev_year: int) -> list[tuple[str, str, str, str]]:
    out = []
    for st, row in _ITEMS_ROWS:
        prev_items, change = (schema.t1_key(st, row, col) for col in (ITEMS_PREV_YEAR, ITEMS_CHANGE))
        status, detail = _compare(
            (ITEMS_PREV_YEAR, cur.get(prev_items)),
            [
                ("+", f"{ITEMS_PREV_YEAR}({prev_year})", prev.get(prev_items)),
                ("+", f"{ITEMS_CHANGE}({prev_year})", prev.get(change)),
            ],
        )
        out.append((X_ITEMS, row, status, detail))
    return out


def pair_checks(prev: Values, prev_template: str | None, cur: Values, cur_template: str | None,
                prev_year: int) -> list[tuple[str, str, str, str]]:
    """(id, scope, status, detail) of every soft check between one report and the year before.

    >>> pair_checks({}, "gov2019", {}, "gov2021", 2020)[0]
    ('X-CARRY', 'natural_person', 'skip', 'carried_over null ? carried_forward(2020) null (null: carried_over, carried_forward(2020))')
    """
    out = _carry(prev, cur, prev_year)
    if prev_template == cur_template == schema.GOV2021:
        out += _in_force(prev, cur, prev_year)
    if prev_template == cur_template == schema.GOV2019:
        out += _items(prev, cur, prev_year)
    return out


def _is_missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def cross_year_checks(reports: pd.DataFrame, values: Mapping[str, Values]) -> pd.DataFrame:
    """Soft checks for every agency's consecutive-year report pairs, one record per id and scope.

    ``reports`` has report_id, agency_key, report_year and template; reports without an
    agency_key or report_year cannot be matched and are left out. ``values[report_id]`` is that
    report's values dict. Columns are those of the ``cross_year_checks`` output table, sorted by
    agency_key, report_year, id, scope.
    """
    records: list[dict[str, object]] = []
    usable = reports[~reports["agency_key"].map(_is_missing) & ~reports["report_year"].map(_is_missing)]
    for agency, group in usable.groupby("agency_key", sort=True):
        by_year: dict[int, list[tuple[str, str | None]]] = {}
        for rec in group.itertuples(index=False):
            template = None if _is_missing(rec.template) else rec.template
            by_year.setdefault(int(rec.report_year), []).append((rec.report_id, template))
        for year in sorted(by_year):
            base = {"agency_key": agency, "report_year": year}
            if len(by_year[year]) > 1:
                ids = sorted(str(rid) for rid, _ in by_year[year])
                records.append({**base, "report_id": None, "prev_report_id": None, "id": X_DUP,
                                "scope": "report_year", "status": SKIP,
                                "detail": f"{len(ids)} reports for {year} ({', '.join(ids)}): "
                                          f"no cross-year check uses {year}"})
                continue
            if len(by_year.get(year - 1, ())) != 1:
                continue
            (cur_id, cur_template), (prev_id, prev_template) = by_year[year][0], by_year[year - 1][0]
            for check_id, scope, status, detail in pair_checks(
                    _values_of(values, prev_id), prev_template, _values_of(values, cur_id), cur_template, year - 1):
                records.append({**base, "report_id": cur_id, "prev_report_id": prev_id, "id": check_id,
                                "scope": scope, "status": status, "detail": detail})
    frame = pd.DataFrame(records, columns=COLUMNS).astype({"report_year": "int64"})
    return frame.sort_values(_SORT, kind="stable").reset_index(drop=True)


def _values_of(values: Mapping[str, Values], report_id: str) -> Values:
    try:
        return values[report_id]
    except KeyError:
        raise KeyError(f"cross_year_checks: no values for report {report_id!r}") from None
