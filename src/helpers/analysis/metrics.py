"""Comparable measures and rates from the corpus tables, with documented denominators.

Everything here is a pure function of pandas DataFrames (the tables ``ogi ingest`` writes, see
:mod:`helpers.corpus.outputs`). Counts are returned as nullable ``Float64`` so that a blank stays
``<NA>``: a rate whose numerator or denominator is unknown, or whose denominator is 0, is
``<NA>``, never 0 and never ``inf``.

- :func:`load_tables` reads ``data/processed``;
- :func:`harmonised_applications` puts 2019- and 2021-format Table 2 on one footing and
  :func:`format_coverage` lists what exists in only one format;
- :func:`application_metrics`, :func:`denial_reasons`, :func:`review_litigation_metrics`;
- :func:`rank` (with a minimum-volume guard) and :func:`year_over_year`;
- :func:`narrative_metrics` and :func:`narrative_vs_tables` (in :mod:`helpers.analysis.narrative`).

>>> rates = application_metrics(pd.DataFrame({"received": [10.0], "handled": [8.0], "granted": [6.0],
...     "partially_granted": [1.0], "denied": [1.0], "unavailable": [0.0], "rejected": [0.0],
...     "carried_forward": [2.0]}))
>>> float(rates.loc[0, "substantive_disclosure_rate"])
0.875
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..corpus import outputs
from .. import schema

__all__ = [
    "application_metrics", "denial_reasons", "format_coverage", "harmonised_applications", "load_tables",
    "rank", "review_litigation_metrics", "with_report_info", "year_over_year",
]

FLOAT = "Float64"
TOTAL_COLUMN = schema.COLS7[-1]  # 总计

# Report columns joined onto every table that has a report_id.
REPORT_INFO = ("agency_name", "agency_key", "report_year", "template")
_NO_REPORT_JOIN = ("reports", "duplicates")  # duplicates.report_id names a file that was not kept

# Years each format was in use (report-format.md §1).
FORMAT_YEARS = {schema.GOV2019: "2019–2020", schema.GOV2021: "2021 on"}


def _declared_row(row: str) -> str:
    """``row`` itself, after checking that the schema declares it as a Table 2 row (fails on import)."""
    schema.field(schema.t2_key(row, schema.COLS7[-1]))
    return row


def _declared_t3(column: str) -> str:
    """``column`` itself, after checking that the schema declares it as a Table 3 column."""
    schema.field(schema.t3_key(column))
    return column


# Harmonised measure -> the one Table 2 row it is read from (same meaning in both formats).
SINGLE_ROW_MEASURES = {
    "received": _declared_row("new_received"),
    "carried_over": _declared_row("carried_over"),
    "handled": _declared_row("total_handled"),
    "carried_forward": _declared_row("carried_forward"),
    "granted": _declared_row("granted"),
    "partially_granted": _declared_row("partially_granted"),
}
# Harmonised measure -> the rows summed into it (no subtotal is printed for these groups).
SUM_MEASURES = {
    "denied": schema.DENIED_KEYS,
    "unavailable": schema.UNAVAILABLE_KEYS,
    "rejected": schema.REJECTED_KEYS,
}
OTHER_2019 = _declared_row(schema.T2_OTHER_2019)
OTHER_2021 = tuple(_declared_row(r) for r in schema.T2_OTHER_2021)
MEASURES = (*SINGLE_ROW_MEASURES, *SUM_MEASURES, "other")

# Where `other` came from, per report.
OTHER_FROM_2019_ROW = "2019 row"
OTHER_FROM_2021_SUBROWS = "2021 sub-rows"
OTHER_FROM_2021_SINGLE = "2021 single row"

T3 = {c.key: _declared_t3(c.key) for c in schema.T3_COLUMNS}
_T3_GROUP_REVIEW, _T3_GROUP_DIRECT, _T3_GROUP_AFTER = (g for g, _ in schema.T3_GROUPS)


def _t3(group: str, result: str) -> str:
    return T3[f"{group}_{result}"]


# --- loading -------------------------------------------------------------------------


def with_report_info(frame: pd.DataFrame, reports: pd.DataFrame, columns=REPORT_INFO) -> pd.DataFrame:
    """``frame`` with the report columns it lacks (agency, year, format) joined on ``report_id``.

    Columns ``frame`` already has are left alone, so calling it twice changes nothing.

    >>> reports = pd.DataFrame({"report_id": ["a"], "report_year": [2024], "template": ["gov2021"]})
    >>> with_report_info(pd.DataFrame({"report_id": ["a"], "x": [1]}), reports, ("report_year",))
      report_id  x  report_year
    0         a  1         2024
    """
    missing = [c for c in columns if c not in frame.columns and c in reports.columns]
    if not missing:
        return frame
    return frame.merge(reports[["report_id", *missing]], on="report_id", how="left", validate="many_to_one")


def load_tables(processed_dir: str | Path = "data/processed", join_reports: bool = True) -> dict[str, pd.DataFrame]:
    """Every table ``ogi ingest`` wrote to ``processed_dir`` (one Parquet file each), by name.

    Numbers come back in pandas nullable dtypes (``Float64``, ``Int64``), so a blank cell is
    ``<NA>``. With ``join_reports`` every table keyed by ``report_id`` also gets the report's
    ``agency_name``, ``agency_key``, ``report_year`` and ``template``. Tables not written yet
    are left out.

    >>> tables = load_tables("data/processed")  # doctest: +SKIP
    >>> tables["applications"].columns[-4:].tolist()  # doctest: +SKIP
    ['agency_name', 'agency_key', 'report_year', 'template']
    """
    processed_dir = Path(processed_dir)
    tables: dict[str, pd.DataFrame] = {}
    for table in outputs.TABLES:
        path = processed_dir / f"{table.name}.parquet"
        if path.exists():
            tables[table.name] = pd.read_parquet(path, dtype_backend="numpy_nullable")
    if join_reports and "reports" in tables:
        for name, frame in tables.items():
            if name not in _NO_REPORT_JOIN and "report_id" in frame.columns:
                tables[name] = with_report_info(frame, tables["reports"])
    return tables


# --- harmonising the two formats ----------------------------------------------------


def _row_sum(wide: pd.DataFrame, rows, blank_as_zero: bool) -> pd.Series:
    """Sum of ``rows`` (columns of ``wide``); <NA> if any addend is <NA> unless ``blank_as_zero``."""
    parts = wide.reindex(columns=list(rows)).astype(FLOAT)
    if blank_as_zero:
        return parts.fillna(0).sum(axis=1).astype(FLOAT)
    return parts.sum(axis=1, min_count=len(rows)).where(parts.notna().all(axis=1)).astype(FLOAT)


def _wide(applications: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per report, one column per Table 2 row, from the long ``applications`` table."""
    if column not in schema.COLS7:
        raise ValueError(f"column must be one of {schema.COLS7}, not {column!r}")
    return applications.set_index(["report_id", "row"])[column].unstack("row")


def harmonised_applications(applications: pd.DataFrame, reports: pd.DataFrame, column: str = TOTAL_COLUMN,
                            blank_as_zero: bool = False) -> pd.DataFrame:
    """One row per report: Table 2 outcome measures that mean the same in both formats.

    Read from one applicant column of ``applications`` (``column``, one of ``schema.COLS7``,
    default the ``total`` column):

    - ``received`` (一、本年新收), ``carried_over``, ``handled`` (（七）总计), ``carried_forward``,
      ``granted``, ``partially_granted``: the printed row as is (<NA> when blank);
    - ``denied`` = sum of the 8 ``denied_*`` rows, ``unavailable`` = sum of the 3
      ``unavailable_*`` rows, ``rejected`` = sum of the 5 ``rejected_*`` rows;
    - ``other`` = the 2019 ``other`` row; for a 2021 table the sum of its three （六） sub-rows,
      or, when the report printed one number for （六） (sub-rows all blank, ``other`` printed),
      that number. ``other_source`` says which.

    Null handling: a sum is <NA> when any addend is blank or not printed, since blank is not
    zero. ``blank_as_zero=True`` reads blank addends as 0 instead (the single-row measures
    stay <NA>: they have no addends). ``n_blank_addends`` counts the blank addends either way.
    Report columns (agency, year, format) come from ``reports``.

    >>> apps = pd.DataFrame({"report_id": ["r"] * 3, "row": ["new_received", "granted", "other"],
    ...                      "total": [4.0, 3.0, 1.0]})
    >>> h = harmonised_applications(apps, pd.DataFrame({"report_id": ["r"], "template": ["gov2019"]}))
    >>> h.loc[0, ["received", "granted", "other"]].tolist(), h.loc[0, "denied"]
    ([4.0, 3.0, 1.0], <NA>)
    """
    wide = _wide(applications, column)
    wide = wide.reindex(applications["report_id"].drop_duplicates()).astype(FLOAT)
    out = pd.DataFrame(index=wide.index)
    out["column"] = column
    for measure, row in SINGLE_ROW_MEASURES.items():
        out[measure] = wide.reindex(columns=[row])[row].astype(FLOAT)
    addends: list[str] = [*schema.DENIED_KEYS, *schema.UNAVAILABLE_KEYS, *schema.REJECTED_KEYS]
    for measure, rows in SUM_MEASURES.items():
        out[measure] = _row_sum(wide, rows, blank_as_zero)

    # Which （六）: decided per report from the whole table (every column), not per column.
    is_printed = applications[[c for c in schema.COLS7 if c in applications.columns]].notna().any(axis=1)
    printed_rows = applications.loc[is_printed].groupby("report_id")["row"].agg(frozenset).reindex(out.index)
    has_subrows = printed_rows.map(lambda rows: isinstance(rows, frozenset) and bool(rows & set(OTHER_2021)))
    has_single = printed_rows.map(lambda rows: isinstance(rows, frozenset) and OTHER_2019 in rows)
    template = (reports.set_index("report_id")["template"].reindex(out.index) if "template" in reports.columns
                else pd.Series(pd.NA, index=out.index, dtype="string"))
    is_2021 = (template == schema.GOV2021).fillna(False).astype(bool)
    # a 2021 report that prints the single row: its sub-rows, where filled, are derived from it
    use_subrows = ((has_subrows | is_2021) & ~has_single).astype(bool)
    single = wide.reindex(columns=[OTHER_2019])[OTHER_2019].astype(FLOAT)
    out["other"] = _row_sum(wide, OTHER_2021, blank_as_zero).where(use_subrows, single.fillna(0) if blank_as_zero
                                                                      else single)
    out["other_source"] = pd.Series(OTHER_FROM_2019_ROW, index=out.index, dtype="string")
    out.loc[~use_subrows & is_2021, "other_source"] = OTHER_FROM_2021_SINGLE
    out.loc[use_subrows, "other_source"] = OTHER_FROM_2021_SUBROWS
    blank_other = (wide.reindex(columns=list(OTHER_2021)).isna().sum(axis=1)
                   .where(use_subrows, single.isna().astype(int)))
    out["n_blank_addends"] = (wide.reindex(columns=addends).isna().sum(axis=1) + blank_other).astype("Int64")
    out = out.reset_index()
    return with_report_info(out, reports)


def format_coverage() -> pd.DataFrame:
    """Measures that exist in only one of the two formats (from :mod:`helpers.schema`).

    One row per Table 1 sub-table and column (the rows that carry it listed in ``rows``) and
    per Table 2 row whose key is in one format only: ``only_in`` is the format,
    ``report_years`` the years it covers, ``harmonised_as`` the comparable measure of
    :func:`harmonised_applications` where there is one (<NA> otherwise).

    >>> cov = format_coverage()
    >>> cov.query("subtable == 'art20_9'")[["column", "only_in"]].values.tolist()
    [['procurement_items', 'gov2019'], ['procurement_amount_wan', 'gov2019']]
    """
    keys = {t: {f.key: f for f in schema.fields(t)} for t in schema.TEMPLATES}
    records: dict[tuple, dict] = {}
    for template in schema.TEMPLATES:
        others = set().union(*(keys[t] for t in schema.TEMPLATES if t != template))
        for key, f in keys[template].items():
            if key in others:
                continue
            if f.table == "t2":
                group, rows, label = (f.table, None, f.row, None), [f.row], f.label_zh.split(" / ")[0]
            else:
                group, rows, label = (f.table, f.subtable, None, f.column), [f.row], f.label_zh.split(" / ")[-1]
            if group in records:
                if f.row not in records[group]["rows"]:
                    records[group]["rows"].append(f.row)
                continue
            records[group] = {
                "table": f.table, "subtable": f.subtable, "row": group[2], "column": group[3], "rows": rows,
                "label_zh": label, "only_in": template, "report_years": FORMAT_YEARS[template],
                "harmonised_as": "other" if f.row in (OTHER_2019, *OTHER_2021) else None,
            }
    frame = pd.DataFrame(list(records.values()))
    frame["rows"] = frame["rows"].apply(", ".join)
    return frame.astype("string")


# --- rates ---------------------------------------------------------------------------


def _ratio(numerator: pd.Series, denominator: pd.Series, scale: float = 1.0) -> pd.Series:
    """``numerator / denominator * scale`` as Float64; <NA> where either is <NA> or the denominator is 0."""
    num, den = numerator.astype(FLOAT), denominator.astype(FLOAT)
    return (num / den.where(den != 0) * scale).astype(FLOAT)


def application_metrics(harmonised: pd.DataFrame) -> pd.DataFrame:
    """``harmonised`` (from :func:`harmonised_applications`) with outcome rates added.

    ==========================  ================================  ================
    column                      numerator                         denominator
    ==========================  ================================  ================
    full_grant_rate             granted                           handled
    substantive_disclosure_rate granted + partially_granted       handled
    denial_rate                 denied                            handled
    unavailable_rate            unavailable                       handled
    rejection_rate              rejected                          handled
    backlog                     carried_forward                   received
    ==========================  ================================  ================

    Rates are fractions (0.25 = 25 %). <NA> when the numerator or denominator is <NA> or the
    denominator is 0 (an agency that handled nothing has no grant rate).

    >>> m = application_metrics(pd.DataFrame({"received": [0.0], "handled": [0.0], "granted": [0.0],
    ...     "partially_granted": [0.0], "denied": [0.0], "unavailable": [0.0], "rejected": [0.0],
    ...     "carried_forward": [0.0]}))
    >>> m.loc[0, "full_grant_rate"], m.loc[0, "backlog"]
    (<NA>, <NA>)
    """
    out = harmonised.copy()
    handled = out["handled"]
    out["full_grant_rate"] = _ratio(out["granted"], handled)
    out["substantive_disclosure_rate"] = _ratio(out["granted"].astype(FLOAT) + out["partially_granted"].astype(FLOAT),
                                                handled)
    out["denial_rate"] = _ratio(out["denied"], handled)
    out["unavailable_rate"] = _ratio(out["unavailable"], handled)
    out["rejection_rate"] = _ratio(out["rejected"], handled)
    out["backlog"] = _ratio(out["carried_forward"], out["received"])
    return out


def denial_reasons(applications: pd.DataFrame, column: str = TOTAL_COLUMN, blank_as_zero: bool = False) -> pd.DataFrame:
    """Each 不予公开 reason's share of the report's denials: long, one row per report and reason.

    ``share`` = the ``denied_*`` row / ``denied_total`` (sum of the 8 ``denied_*`` rows), in
    ``column`` of Table 2. ``denied_total`` is <NA> when any of the 8 is blank (or 0-filled
    with ``blank_as_zero``); ``share`` is <NA> when its count or ``denied_total`` is <NA> or
    ``denied_total`` is 0. ``label_zh`` is the printed row label.

    >>> apps = pd.DataFrame({"report_id": "r", "row": list(schema.DENIED_KEYS), "total": [1.0, 3.0] + [0.0] * 6})
    >>> denial_reasons(apps)["share"].tolist()[:3]
    [0.25, 0.75, 0.0]
    """
    wide = _wide(applications, column)
    wide = wide.reindex(applications["report_id"].drop_duplicates()).reindex(columns=list(schema.DENIED_KEYS))
    wide = wide.astype(FLOAT)
    total = _row_sum(wide, schema.DENIED_KEYS, blank_as_zero)
    counts = wide.fillna(0) if blank_as_zero else wide
    labels = {r.key: r.label for r in schema.T2_ROWS_2021}
    long = counts.melt(ignore_index=False, var_name="reason", value_name="count").reset_index()
    long["denied_total"] = long["report_id"].map(total).astype(FLOAT)
    long["share"] = _ratio(long["count"], long["denied_total"])
    long["label_zh"] = long["reason"].map(labels).astype("string")
    order = {k: i for i, k in enumerate(schema.DENIED_KEYS)}
    long = long.sort_values(["report_id", "reason"], key=lambda s: s.map(order) if s.name == "reason" else s,
                            kind="stable")
    return long[["report_id", "reason", "label_zh", "count", "denied_total", "share"]].reset_index(drop=True)


def review_litigation_metrics(review_litigation: pd.DataFrame, harmonised: pd.DataFrame) -> pd.DataFrame:
    """Table 3 rates per report, relative to the applications it received.

    ==========================  =================================================  ===============================================
    column                      numerator                                          denominator
    ==========================  =================================================  ===============================================
    review_per_100              review_total × 100                                 received (``harmonised``, ``total`` column)
    litigation_per_100          (lit_direct_total + lit_after_review_total) × 100  received
    review_correction_rate      review_corrected                                   review_total − review_pending (decided cases)
    litigation_correction_rate  lit_direct_corrected + lit_after_review_corrected  both lit totals − both pendings
    ==========================  =================================================  ===============================================

    ``litigation_total`` and ``litigation_decided`` are returned too. Every sum and difference
    is <NA> when an operand is blank; a rate is <NA> when an operand is <NA> or the
    denominator is 0 (no cases decided, nothing received). ``harmonised`` must be the
    ``total`` column.

    >>> t3 = pd.DataFrame({"report_id": ["r"], "review_total": [3.0], "review_corrected": [1.0],
    ...     "review_pending": [1.0], "lit_direct_total": [0.0], "lit_direct_corrected": [0.0],
    ...     "lit_direct_pending": [0.0], "lit_after_review_total": [0.0],
    ...     "lit_after_review_corrected": [0.0], "lit_after_review_pending": [0.0]})
    >>> m = review_litigation_metrics(t3, pd.DataFrame({"report_id": ["r"], "received": [50.0]}))
    >>> float(m.loc[0, "review_per_100"]), float(m.loc[0, "review_correction_rate"]), m.loc[0, "litigation_correction_rate"]
    (6.0, 0.5, <NA>)
    """
    if "column" in harmonised.columns and (harmonised["column"] != TOTAL_COLUMN).any():
        raise ValueError("review_litigation_metrics needs harmonised_applications(..., column='total')")
    out = review_litigation.copy()
    extra = [c for c in ("received", *REPORT_INFO) if c in harmonised.columns and c not in out.columns]
    out = out.merge(harmonised[["report_id", *extra]], on="report_id", how="left", validate="one_to_one")
    t3 = {key: out[col].astype(FLOAT) for key, col in T3.items() if col in out.columns}
    review_total, review_pending = t3[_t3(_T3_GROUP_REVIEW, "total")], t3[_t3(_T3_GROUP_REVIEW, "pending")]
    lit_total = t3[_t3(_T3_GROUP_DIRECT, "total")] + t3[_t3(_T3_GROUP_AFTER, "total")]
    lit_pending = t3[_t3(_T3_GROUP_DIRECT, "pending")] + t3[_t3(_T3_GROUP_AFTER, "pending")]
    lit_corrected = t3[_t3(_T3_GROUP_DIRECT, "corrected")] + t3[_t3(_T3_GROUP_AFTER, "corrected")]
    out["litigation_total"] = lit_total
    out["litigation_decided"] = lit_total - lit_pending
    out["review_per_100"] = _ratio(review_total, out["received"], 100)
    out["litigation_per_100"] = _ratio(lit_total, out["received"], 100)
    out["review_correction_rate"] = _ratio(t3[_t3(_T3_GROUP_REVIEW, "corrected")], review_total - review_pending)
    out["litigation_correction_rate"] = _ratio(lit_corrected, out["litigation_decided"])
    return out


# --- comparisons ---------------------------------------------------------------------


def rank(frame: pd.DataFrame, metric: str, by: str = "agency_key", min_volume: float = 10,
         volume: str = "received", within: str | None = "report_year", ascending: bool = False) -> pd.DataFrame:
    """Rank each ``by`` (agency) on ``metric`` within each ``within`` (year), highest first.

    A rate on a handful of applications says little, so rows whose ``volume`` is under
    ``min_volume`` (or <NA>) get ``rank`` <NA> and ``is_below_min_volume`` True; rows whose
    ``metric`` is <NA> are not ranked either. Ties share the best rank (``method="min"``).
    ``rank_of`` is the number of rows ranked in the group. Several rows for the same ``by``
    and ``within`` are an error (rank one column of Table 2 at a time). Pass ``within=None``
    to rank across all rows.

    >>> f = pd.DataFrame({"agency_key": ["a", "b", "c"], "report_year": 2024,
    ...                   "received": [50.0, 5.0, 20.0], "rate": [0.5, 0.9, 0.7]})
    >>> rank(f, "rate")[["agency_key", "rank", "is_below_min_volume"]].values.tolist()
    [['a', 2, False], ['b', <NA>, True], ['c', 1, False]]
    """
    keys = [by] + ([within] if within else [])
    if frame.duplicated(keys).any():
        raise ValueError(f"several rows per {keys}: rank one row per {by}" + (f" and {within}" if within else ""))
    out = frame.copy()
    vol = out[volume].astype(FLOAT)
    out["is_below_min_volume"] = (vol.isna() | (vol < min_volume)).astype(bool)
    eligible = out[metric].astype(FLOAT).where(~out["is_below_min_volume"])
    groups = eligible.groupby(out[within], dropna=False) if within else eligible.groupby(lambda _: 0)
    out["rank"] = groups.rank(method="min", ascending=ascending).astype("Int64")
    out["rank_of"] = groups.transform("count").astype("Int64")
    return out


def year_over_year(frame: pd.DataFrame, measure: str, by: str = "agency_key", year: str = "report_year") -> pd.DataFrame:
    """``frame`` with ``measure`` of the same ``by`` one year earlier, the change and the pct change.

    Adds ``previous`` (``measure`` in ``year`` − 1 for the same ``by``), ``change`` =
    ``measure`` − ``previous`` and ``pct_change`` = ``change`` / ``previous`` (a fraction:
    0.25 = +25 %). <NA> when the previous year is missing (a gap is not bridged), either value
    is <NA>, ``by`` is <NA>, or (for ``pct_change``) ``previous`` is 0.

    >>> f = pd.DataFrame({"agency_key": "a", "report_year": [2022, 2023, 2025], "received": [4.0, 5.0, 6.0]})
    >>> year_over_year(f, "received")[["change", "pct_change"]].values.tolist()
    [[<NA>, <NA>], [1.0, 0.25], [<NA>, <NA>]]
    """
    if frame.dropna(subset=[by]).duplicated([by, year]).any():
        raise ValueError(f"several rows per {by} and {year}")
    prev = frame[[by, year, measure]].dropna(subset=[by]).copy()
    prev[year] = prev[year] + 1
    prev = prev.rename(columns={measure: "previous"})
    out = frame.merge(prev, on=[by, year], how="left")
    out.loc[out[by].isna(), "previous"] = pd.NA
    out["previous"] = out["previous"].astype(FLOAT)
    out["change"] = (out[measure].astype(FLOAT) - out["previous"]).astype(FLOAT)
    out["pct_change"] = _ratio(out["change"], out["previous"])
    return out
