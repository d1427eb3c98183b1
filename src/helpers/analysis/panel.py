"""The corpus as a panel: which reports can be compared, agency labels, agency × year tables.

A comparison across agencies and years needs reports that name a known agency, use one of the
two official formats and were read (almost) completely. Everything else stays in the
inventory (:func:`exclusions` says why) but out of the comparisons, so no chart shows a
truncated excerpt as an agency with few requests, or a file name as an agency.

Every function takes the tables of :func:`helpers.analysis.load_tables` and changes no value:
counts stay nullable integers, blanks stay ``<NA>``.

>>> r = pd.DataFrame({"report_id": ["a", "b"], "file": ["x.html", "y.txt"], "agency_key": ["甲局", None],
...                   "agency_name": ["甲局", None], "report_year": [2021, 2022], "template": ["gov2021"] * 2,
...                   "n_values": [200, 200], "n_keys": [200, 200]})
>>> exclusions(r)["reason"].tolist()
[<NA>, 'no agency name']
"""

from __future__ import annotations

import pandas as pd

from . import metrics as analysis, views
from .. import schema

MIN_COMPLETENESS = 0.9  # share of a format's cells that must hold a value for a report to be compared
FORMAT_CHANGE_YEAR = 2021  # first report year of the 2021 format
COUNT = "Int64"

REASON_NO_AGENCY = "no agency name"
REASON_NO_YEAR = "no report year"
REASON_FORMAT = "not an official format"
REASON_INCOMPLETE = "incomplete"

# Bodies that say nothing without their division: 「淮安市人民政府」 keeps its city.
_BARE_BODIES = ("人民政府", "政府", "人民政府办公室", "人民政府办公厅", "管理委员会", "管委会")

# The headline measures of a panel, with the table and column they come from.
HEADLINE_COUNTS = ("received", "handled", "granted", "partially_granted", "denied", "unavailable", "rejected",
                   "other", "carried_forward", "review_total", "litigation_total")
HEADLINE_AMOUNTS = ("procurement_amount_wan", "fee_amount_wan", "fee_collected_amount_wan")


def exclusions(reports: pd.DataFrame, min_completeness: float = MIN_COMPLETENESS) -> pd.DataFrame:
    """``reports`` with ``reason``: why a report is left out of comparisons (<NA> when it is compared).

    In order: no agency name, no report year, a format other than gov2019/gov2021, fewer than
    ``min_completeness`` of its format's cells read (``incomplete: 47/198 values``), the
    mark of a truncated excerpt or a report cut short.
    """
    out = reports.copy()
    reason = pd.Series(pd.NA, index=out.index, dtype="string")
    completeness = out["n_values"].astype("Float64") / out["n_keys"].astype("Float64").where(out["n_keys"] > 0)
    incomplete = completeness.isna() | (completeness < min_completeness)
    detail = REASON_INCOMPLETE + ": " + out["n_values"].astype("string") + "/" + out["n_keys"].astype("string") + " values"
    rules = [
        (incomplete.fillna(True).astype(bool), detail),
        (~out["template"].isin(schema.TEMPLATES[:2]).fillna(False).astype(bool), REASON_FORMAT),
        (out["report_year"].isna(), REASON_NO_YEAR),
        (out["agency_key"].isna(), REASON_NO_AGENCY),
    ]
    for mask, text in rules:  # the last rule that matches names the most basic reason
        reason = reason.mask(mask, text)
    out["reason"] = reason
    return out


def comparable(reports: pd.DataFrame, min_completeness: float = MIN_COMPLETENESS) -> pd.DataFrame:
    """The reports a comparison may use (see :func:`exclusions`), sorted by agency and year."""
    kept = exclusions(reports, min_completeness)
    kept = kept[kept["reason"].isna()].drop(columns="reason")
    return kept.sort_values(["agency_key", "report_year"]).reset_index(drop=True)


def agency_labels(reports: pd.DataFrame) -> pd.Series:
    """agency_key → a short display name: the latest printed name without its leading divisions.

    「平潭综合实验区财政金融局」 shows as 「财政金融局」; a name that would be a bare body
    (「淮安市人民政府」 → 「人民政府」) or would collide with another agency's label keeps its
    full name. A renamed agency (one key, several names) shows its latest name.

    >>> r = pd.DataFrame({"agency_key": ["k1", "k1", "k2"], "report_year": [2023, 2024, 2024],
    ...                   "agency_name": ["平潭综合实验区国有资产管理局", "平潭综合实验区投资促进局", "淮安市人民政府"],
    ...                   "province": ["福建省"] * 2 + ["江苏省"], "city": ["福州市"] * 2 + ["淮安市"],
    ...                   "county": ["平潭综合实验区"] * 2 + [None]})
    >>> agency_labels(r).to_dict()
    {'k1': '投资促进局', 'k2': '淮安市人民政府'}
    """
    known = reports.dropna(subset=["agency_key"]).sort_values(["agency_key", "report_year"])
    latest = known.groupby("agency_key").tail(1).set_index("agency_key")
    names = latest["agency_name"].fillna(pd.Series(latest.index, index=latest.index)).astype(str)
    short = pd.Series({key: _without_divisions(name, latest.loc[key]) for key, name in names.items()}, dtype="object")
    clash = short.duplicated(keep=False)
    return short.where(~clash, names).rename("agency_label")


def _without_divisions(name: str, row: pd.Series) -> str:
    rest = name
    for level in ("province", "city", "county"):
        division = row.get(level)
        if isinstance(division, str) and division and rest.startswith(division):
            rest = rest[len(division):]
    return name if not rest or rest in _BARE_BODIES else rest


def headline(tables: dict[str, pd.DataFrame], min_completeness: float = MIN_COMPLETENESS) -> pd.DataFrame:
    """One row per comparable report: agency, year and the panel's headline measures.

    Counts (``HEADLINE_COUNTS``) are nullable integers from Table 2's total column
    (:func:`helpers.analysis.harmonised_applications`: a sum is <NA> when an addend is blank)
    and Table 3; amounts in 万元: 2019–2020 procurement (``procurement_amount_wan``), 2021+
    fee income (``fee_amount_wan``, 本年收费金额) and the information-processing fees collected
    (``fee_collected_amount_wan``, Table 4, reports from 2023 that print it). A measure a
    format does not have is <NA>. ``is_part_year`` marks reports covering part of a year.
    """
    reports = comparable(tables["reports"], min_completeness)
    ids = set(reports["report_id"])
    harmonised = analysis.harmonised_applications(tables["applications"][tables["applications"]["report_id"].isin(ids)],
                                                  reports)
    rl = analysis.review_litigation_metrics(tables["review_litigation"][tables["review_litigation"]["report_id"].isin(ids)],
                                            harmonised)
    out = reports[["report_id", "agency_key", "agency_name", "report_year", "template"]].copy()
    out["is_part_year"] = (reports["is_part_year"].astype("boolean").fillna(False).astype(bool)
                           if "is_part_year" in reports else False)
    out["agency_label"] = out["agency_key"].map(agency_labels(tables["reports"]))
    out = out.merge(harmonised[["report_id", *HEADLINE_COUNTS[:9]]], on="report_id", how="left")
    out = out.merge(rl[["report_id", "review_total", "litigation_total"]], on="report_id", how="left")
    for column in HEADLINE_COUNTS:
        out[column] = _as_count(out[column])
    active = tables["active_disclosure"]
    for column in HEADLINE_AMOUNTS[:2]:
        printed = active.dropna(subset=[column]).groupby("report_id")[column].first()
        out[column] = out["report_id"].map(printed).astype("Float64")
    fees = tables.get("processing_fees")
    collected = HEADLINE_AMOUNTS[2]
    if fees is not None and collected in fees:
        out[collected] = out["report_id"].map(fees.set_index("report_id")[collected]).astype("Float64")
    else:
        out[collected] = pd.Series(pd.NA, index=out.index, dtype="Float64")
    return out.sort_values(["agency_label", "report_year"]).reset_index(drop=True)


def _as_count(values: pd.Series) -> pd.Series:
    """Whole numbers as ``Int64``; a fractional value would be an error upstream, so it raises."""
    floats = values.astype("Float64")
    if ((floats.round() != floats) & floats.notna()).any():
        raise ValueError(f"{values.name}: counts must be whole numbers")
    return floats.round().astype(COUNT)


def agency_year(frame: pd.DataFrame, value: str, label: str = "agency_label") -> pd.DataFrame:
    """Agency × report year of ``value`` (rows sorted by agency, columns by year); blanks stay <NA>.

    Years no report of the agency covers are <NA> too; :func:`styled` shows both as blanks.

    >>> f = pd.DataFrame({"agency_label": ["乙", "甲", "甲"], "report_year": [2022, 2021, 2022],
    ...                   "received": pd.array([3, 0, None], dtype="Int64")})
    >>> agency_year(f, "received").astype(object).values.tolist()
    [[<NA>, 3], [0, <NA>]]
    """
    table = frame.pivot_table(index=label, columns="report_year", values=value, aggfunc="first", dropna=False)
    table = table.reindex(index=sorted(frame[label].dropna().unique()),
                          columns=sorted(frame["report_year"].dropna().astype(int).unique()))
    if pd.api.types.is_integer_dtype(frame[value]):
        table = table.astype(COUNT)
    table.index.name, table.columns.name = label, "report_year"
    return table


def styled(table: pd.DataFrame, decimals: int = 0, gradient: bool = True):
    """A pandas Styler of an agency × year table: integers (or ``decimals``), blanks blank, shaded."""
    styler = table.style.format(precision=decimals, thousands=",", na_rep="")
    if gradient and table.notna().to_numpy().any():
        styler = styler.background_gradient(cmap="Blues", axis=None, vmin=0)
    return styler


def inventory(reports: pd.DataFrame, min_completeness: float = MIN_COMPLETENESS) -> pd.DataFrame:
    """Every report with its inventory label, status, failed checks and comparison status.

    ``row_label`` is the agency label, or the file name when no agency is known (those
    reports stay in the inventory but out of comparisons).
    """
    out = exclusions(reports, min_completeness)
    # a report without an agency key prints no agency name either: agency_label shows its file name
    out["row_label"] = out["agency_key"].map(agency_labels(reports)).where(out["agency_key"].notna(),
                                                                            views.agency_label(out))
    out["is_compared"] = out["reason"].isna()
    keep = ["row_label", "report_year", "file", "status", "n_failed_checks", "n_warnings", "is_compared", "reason"]
    return out[keep].sort_values(["is_compared", "row_label", "report_year"],
                                 ascending=[False, True, True]).reset_index(drop=True)


def coverage(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """Per report year: reports in ``frame``, reports printing ``value``, and the share.

    >>> f = pd.DataFrame({"report_year": [2021, 2021, 2022], "fee_amount_wan": [1.0, None, 0.0]})
    >>> coverage(f, "fee_amount_wan").to_dict("records")[0]
    {'report_year': 2021, 'reports': 2, 'printing': 1, 'share': 0.5}
    """
    grouped = frame.groupby("report_year")[value]
    out = pd.DataFrame({"reports": grouped.size(), "printing": grouped.count()})
    out["share"] = out["printing"] / out["reports"]
    return out.reset_index()


def outcome_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Long outcome counts per report from :func:`headline`: agency, year, outcome, count (<NA> kept)."""
    outcomes = [c for c in HEADLINE_COUNTS if c in analysis.MEASURES and c not in ("received", "handled")]
    long = frame.melt(id_vars=["agency_label", "report_year", "handled"], value_vars=outcomes + ["carried_forward"],
                      var_name="outcome", value_name="count")
    long = long.drop_duplicates(["agency_label", "report_year", "outcome"])
    return long.sort_values(["agency_label", "report_year"]).reset_index(drop=True)


def reasons(applications: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Denial (不予公开) and unavailable (无法提供) reasons summed over the comparable reports.

    One row per reason: its printed label, ``reason_zh`` (group and reason, 「不予公开：属于国家秘密」),
    the count summed over the reports that print it (blanks are left out, not read as 0), and
    ``n_reports`` printing it.
    """
    ids = set(comparable(reports)["report_id"])
    rows = applications[applications["report_id"].isin(ids)]
    groups = {**{k: "denied" for k in schema.DENIED_KEYS}, **{k: "unavailable" for k in schema.UNAVAILABLE_KEYS}}
    rows = rows[rows["row"].isin(list(groups))]
    labels = {r.key: r.label for r in schema.T2_ROWS_2021} | {r.key: r.label for r in schema.T2_ROWS_2019}
    total = rows.groupby("row")[analysis.TOTAL_COLUMN]
    out = pd.DataFrame({"count": total.sum(min_count=1), "n_reports": total.count()}).reset_index()
    out["group"] = out["row"].map(groups)
    out["label_zh"] = out["row"].map(labels)
    rows = {r.key: r for r in schema.T2_ROWS_2021}
    heads = {key: rows[rows[key].group].label.lstrip("（一二三四五六七八九）") for key in groups}
    out["reason_zh"] = out["row"].map(heads) + "：" + out["label_zh"].str.replace(r"^\d+\.", "", regex=True)
    out["count"] = _as_count(out["count"].rename("count"))
    order = {k: i for i, k in enumerate(groups)}
    return out.sort_values("row", key=lambda s: s.map(order)).reset_index(drop=True)[
        ["group", "row", "label_zh", "reason_zh", "count", "n_reports"]]


def agency_names(reports: pd.DataFrame) -> pd.DataFrame:
    """Each agency of the panel with every name it printed and the years it printed it.

    One row per agency key and printed name, so a renamed agency (one key, two names) or a
    name printed two ways shows up as two rows of one agency.
    """
    known = reports.dropna(subset=["agency_key"])
    labels = agency_labels(reports)
    grouped = known.groupby(["agency_key", "agency_name"], dropna=False)["report_year"]
    out = grouped.agg(lambda years: ", ".join(str(int(y)) for y in sorted(years.dropna()))).rename("years").reset_index()
    out.insert(0, "agency_label", out["agency_key"].map(labels))
    out["n_names"] = out.groupby("agency_key")["agency_name"].transform("size")
    return out.sort_values(["agency_label", "years"]).reset_index(drop=True)


def ranking(frame: pd.DataFrame, metric: str, min_volume: int = 5, year: int | None = None,
            volume: str = "received") -> tuple[pd.DataFrame, str]:
    """Agencies ranked on ``metric`` in one report year, and a sentence saying who was left out.

    ``year`` defaults to the year with the most reports. Agencies whose ``volume`` is under
    ``min_volume`` or blank, or whose ``metric`` is blank, are not ranked; the sentence counts
    them. Uses :func:`helpers.analysis.rank`.
    """
    counts = frame.groupby("report_year").size()
    year = int(counts.idxmax()) if year is None else year
    ranked = analysis.rank(frame[frame["report_year"] == year], metric, min_volume=min_volume, volume=volume)
    shown = ranked.dropna(subset=["rank"]).sort_values("rank")
    below = int(ranked["is_below_min_volume"].sum())
    blank = int((~ranked["is_below_min_volume"] & ranked["rank"].isna()).sum())
    note = (f"{year}: {len(shown)} of {len(ranked)} agencies ranked; {below} left out with fewer than "
            f"{min_volume} requests ({volume})" + (f", {blank} with a blank {metric}" if blank else ""))
    return shown.reset_index(drop=True), note


def show(frame: pd.DataFrame, percent: tuple[str, ...] = ()):
    """A Styler for a table a person reads: whole numbers as integers, blanks blank, rates in %.

    Columns named in ``percent`` or ending in ``_rate`` (and ``backlog``) show as percentages;
    float columns holding only whole numbers show without decimals; the index is hidden.

    >>> show(pd.DataFrame({"n": pd.array([5, None], dtype="Int64"), "denial_rate": [0.25, None]})).to_html().count("25%")
    1
    """
    formats = {}
    for column in frame.columns:
        values = frame[column]
        if column in percent or str(column).endswith("_rate") or column == "backlog":
            formats[column] = "{:.0%}"
        elif pd.api.types.is_float_dtype(values):
            whole = values.dropna()
            formats[column] = "{:,.0f}" if bool((whole == whole.round()).all()) else "{:,.2f}"
        elif pd.api.types.is_integer_dtype(values):
            formats[column] = "{:,}"
    return frame.style.format(formats, na_rep="").hide(axis="index")


def amounts_side_by_side(frame: pd.DataFrame) -> pd.DataFrame:
    """One money measure per report for a chart across the format change, in 万元.

    2019–2020 reports: centralised procurement (政府集中采购总金额); 2021+ reports: fee income
    (本年收费金额). They are different measures; the chart marks the break, ``measure`` names
    which one each row holds.
    """
    out = frame[["agency_key", "agency_label", "report_year", "template", "is_part_year"]].copy()
    is_2019 = frame["template"] == schema.GOV2019
    out["amount_wan"] = frame["procurement_amount_wan"].where(is_2019, frame["fee_amount_wan"]).astype("Float64")
    out["measure"] = pd.Series("fee_amount_wan", index=out.index).where(~is_2019, "procurement_amount_wan")
    return out


def applicants_by_year(applications: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """New requests (本年新收) by applicant type, summed per report year over the comparable reports.

    Blank cells are left out of the sums (not read as 0); ``n_reports`` counts the reports summed.
    """
    kept = comparable(reports)
    rows = applications[(applications["row"] == schema.T2_ROWS_2019[0].key)
                        & applications["report_id"].isin(set(kept["report_id"]))]
    rows = rows.drop(columns=["report_year"], errors="ignore").merge(kept[["report_id", "report_year"]], on="report_id")
    summed = rows.groupby("report_year")[list(schema.COLS7)].sum(min_count=1).astype("Float64").round().astype(COUNT)
    summed.insert(0, "n_reports", rows.groupby("report_year").size().astype(COUNT))
    return summed.reset_index()


def profile_measures(frame: pd.DataFrame, agency_key: str, measures: tuple[str, ...]) -> pd.DataFrame:
    """One agency's ``measures`` over its years, long (``measure``, ``report_year``, ``value``), for small multiples."""
    mine = frame[frame["agency_key"] == agency_key]
    long = mine.melt(id_vars=["report_year", "is_part_year"], value_vars=list(measures), var_name="measure",
                     value_name="value")
    long["measure"] = pd.Categorical(long["measure"], categories=list(measures), ordered=True)
    long["value"] = long["value"].astype("Float64")
    return long.sort_values(["measure", "report_year"]).reset_index(drop=True)
