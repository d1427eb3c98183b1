"""Tidy views the notebooks show: Table 1 extracts, applicant mix, agency profiles.

Each function takes the tables of :func:`helpers.analysis.load_tables` and returns a small
DataFrame; none changes a value. Blanks stay NA unless a docstring says otherwise.
"""

from __future__ import annotations

import re

import pandas as pd

from . import metrics as analysis
from .. import schema

REPORT_LABEL = "agency_label"
YEAR_LABEL = "report_label"  # agency and year, for charts with one bar per report


def agency_label(frame: pd.DataFrame) -> pd.Series:
    """The agency name, or the file name when the report prints none.

    >>> agency_label(pd.DataFrame({"agency_name": ["甲局", None], "file": ["a.txt", "real/b.html"]})).tolist()
    ['甲局', 'b.html']
    """
    names = frame["agency_name"].astype("object")
    files = frame["file"].astype("object").map(lambda f: str(f).rsplit("/", 1)[-1])
    return names.where(names.notna(), files)


def _labelled(frame: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    info = reports[["report_id", "file", "agency_name", "agency_key", "report_year", "template"]]
    out = frame.drop(columns=[c for c in ("agency_name", "agency_key", "report_year", "template") if c in frame],
                     errors="ignore").merge(info, on="report_id", how="left")
    out[REPORT_LABEL] = agency_label(out)
    out[YEAR_LABEL] = out[REPORT_LABEL] + " " + out["report_year"].astype("Int64").astype(str)
    return out


def _t1(active: pd.DataFrame, reports: pd.DataFrame, subtables: tuple[str, ...], columns: list[str]) -> pd.DataFrame:
    rows = active[active["subtable"].isin(subtables)]
    out = _labelled(rows, reports)
    keep = ["report_id", "agency_key", REPORT_LABEL, YEAR_LABEL, "report_year", "template", "subtable", "row"] + columns
    return out[keep].sort_values([REPORT_LABEL, "report_year", "subtable", "row"]).reset_index(drop=True)


def disclosure_documents(active: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """第二十条第（一）项: regulations and normative documents, both formats' columns side by side."""
    sub = schema.T1_2019[0]
    columns = [c.key for c in sub.columns] + [c.key for c in schema.T1_2021[0].columns]
    return _t1(active, reports, (sub.key,), columns)


def disclosure_decisions(active: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """第二十条第（五）（六）项: licensing, other services, penalty, coercion — decisions and item counts."""
    keys = tuple(s.key for s in schema.T1_2019 if s.article_item in ("五", "六"))
    return _t1(active, reports, keys, [c.key for c in schema.T1_2019[1].columns])


def procurement(active: pd.DataFrame, cells: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """2019–2020 centralised procurement: items, amount in 万元 and the amount as printed."""
    sub = schema.T1_2019[-1]
    out = _t1(active, reports, (sub.key,), [c.key for c in sub.columns])
    amount_key = schema.t1_key(sub.key, sub.rows[0].key, sub.columns[-1].key)
    printed = cells[cells["key"] == amount_key][["report_id", "raw_text"]].rename(columns={"raw_text": "amount_as_printed"})
    return out.merge(printed, on="report_id", how="left")


def fees(active: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """2021+ administrative fee income (本年收费金额, 万元)."""
    sub = schema.T1_2021[-1]
    out = _t1(active, reports, (sub.key,), [sub.columns[0].key])
    return out[out["template"] == schema.GOV2021].reset_index(drop=True)


def applicants(applications: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """New requests (本年新收) by applicant type, one row per report."""
    rows = applications[applications["row"] == schema.T2_ROWS_2019[0].key]
    out = _labelled(rows, reports)
    return out[[REPORT_LABEL, "report_year", *schema.COLS7]].sort_values([REPORT_LABEL, "report_year"]).reset_index(drop=True)


def most_reported_agency(reports: pd.DataFrame) -> str:
    """The agency key with the most reports (ties: alphabetical)."""
    counts = reports.dropna(subset=["agency_key"]).groupby("agency_key").size()
    return sorted(counts.index, key=lambda k: (-counts[k], k))[0]


def slug(text: str) -> str:
    """A file-name-safe form of an agency name.

    >>> slug("平潭综合实验区/市场监督管理局")
    '平潭综合实验区_市场监督管理局'
    """
    return re.sub(r"[^\w\u4e00-\u9fff-]+", "_", text).strip("_")


def agency_profile(tables: dict[str, pd.DataFrame], agency_key: str) -> dict[str, pd.DataFrame]:
    """Everything the one-page briefing shows for one agency, year by year."""
    reports = tables["reports"]
    mine = reports[reports["agency_key"] == agency_key]
    ids = set(mine["report_id"])
    harmonised = analysis.harmonised_applications(tables["applications"], reports)
    metrics = analysis.application_metrics(harmonised)
    outcomes = metrics[metrics["report_id"].isin(ids)].sort_values("report_year")
    rl = analysis.review_litigation_metrics(tables["review_litigation"], harmonised)
    rl = rl[rl["report_id"].isin(ids)].sort_values("report_year")
    summary = outcomes[["report_year", "template", "received", "handled", "granted", "partially_granted", "denied",
                        "unavailable", "rejected", "other", "substantive_disclosure_rate", "backlog"]].merge(
        rl[["report_year", "review_total", "litigation_total", "review_correction_rate"]], on="report_year", how="left")
    checks = tables["checks"]
    failed = checks[checks["report_id"].isin(ids) & (checks["status"] == "fail")]
    failed = failed.merge(mine[["report_id", "report_year"]], on="report_id", suffixes=("_x", ""))[
        ["report_year", "id", "scope", "detail"]]
    xy = tables["cross_year_checks"]
    cross = xy[(xy["agency_key"] == agency_key) & (xy["status"] == "fail")][["report_year", "id", "scope", "detail"]]
    return {"summary": summary.reset_index(drop=True), "outcomes": outcomes.reset_index(drop=True),
            "failed_checks": failed.reset_index(drop=True), "cross_year": cross.reset_index(drop=True)}


def outcome_table(metrics: pd.DataFrame, agency: str, year: int) -> pd.DataFrame:
    """One report's outcome counts and rates, as a two-column table."""
    row = metrics[(metrics["agency_name"] == agency) & (metrics["report_year"] == year)]
    measures = ["received", "handled", "granted", "partially_granted", "denied", "unavailable", "rejected", "other",
                "full_grant_rate", "substantive_disclosure_rate", "denial_rate", "backlog"]
    return row[measures].T.rename(columns=lambda _: "value")


def interactive_outcomes(metrics: pd.DataFrame):
    """Pick an agency and a year with widgets in JupyterLab; headless, show the first one.

    Returns the widget box when a front end can show it, else the static table.
    """
    options = metrics.dropna(subset=["agency_name", "report_year"])
    agencies = sorted(options["agency_name"].unique())
    if not agencies:
        return pd.DataFrame()
    first = agencies[0]
    first_year = int(options[options["agency_name"] == first]["report_year"].max())
    try:
        import ipywidgets as widgets
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - both are dependencies
        return outcome_table(metrics, first, first_year)
    shell = get_ipython()
    if shell is None or type(shell).__name__ != "ZMQInteractiveShell" or not _has_frontend():
        return outcome_table(metrics, first, first_year)
    agency = widgets.Dropdown(options=agencies, value=first, description="机关")
    year = widgets.Dropdown(options=sorted(options[options["agency_name"] == first]["report_year"].astype(int)),
                            value=first_year, description="年度")
    output = widgets.Output()

    def refresh(*_):
        years = sorted(options[options["agency_name"] == agency.value]["report_year"].astype(int))
        if year.value not in years:
            year.options, year.value = years, years[-1]
        output.clear_output()
        with output:
            from IPython.display import display

            display(outcome_table(metrics, agency.value, year.value))

    agency.observe(refresh, names="value")
    year.observe(refresh, names="value")
    refresh()
    return widgets.VBox([widgets.HBox([agency, year]), output])


def _has_frontend() -> bool:
    """Papermill and nbconvert run kernels without a widget front end."""
    import os

    return not os.environ.get("OGI_HEADLESS")
