"""CJK fonts and house style for the workbook's charts.

Importing this module registers a Chinese font shipped inside the installed ``mplfonts``
package (Noto Sans CJK SC, else SimHei) with matplotlib and puts it first in
``font.sans-serif``; nothing is downloaded and no mplfonts installer is called. Chart
functions take tidy pandas DataFrames, return a :class:`matplotlib.figure.Figure` (not
registered with pyplot, so a notebook shows it once and nothing leaks) and label it in
Chinese, or in English with ``lang="en"``.

>>> FONT_NAME in ("Noto Sans CJK SC", "SimHei")
True
>>> label("denied"), label("denied", lang="en")
('不予公开', 'Denied')
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import matplotlib

# Headless (CI, servers): pick Agg before pyplot can choose. A notebook kernel sets MPLBACKEND itself.
if "MPLBACKEND" not in os.environ and sys.platform.startswith("linux") \
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    matplotlib.use("Agg")

import numpy as np
import pandas as pd
from matplotlib import font_manager, patches
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from ..corpus import outputs
from .. import schema

# In order of preference; both ship inside the mplfonts wheel.
FONT_FILES = ("NotoSansCJKsc-Regular.otf", "SimHei.ttf")
LANGS = ("zh", "en")


@cache
def font_path() -> Path:
    """The CJK font file registered with matplotlib, found inside the installed mplfonts package.

    >>> font_path().name in FONT_FILES
    True
    """
    # find_spec locates the package without importing it (mplfonts' import pulls in extra modules).
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("helpers.analysis.charts needs the 'mplfonts' package for its bundled CJK fonts: "
                          "pip install mplfonts")
    fonts_dir = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    for name in FONT_FILES:
        if (fonts_dir / name).is_file():
            return fonts_dir / name
    raise FileNotFoundError(f"{fonts_dir}: none of {', '.join(FONT_FILES)} found in the mplfonts package")


def _register_font(path: Path) -> str:
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    # A system copy of the same family (Debian's fonts-noto-cjk ships NotoSansCJK-Regular.ttc)
    # would win matplotlib's lookup by score: drop it, so charts look the same on every machine.
    font_manager.fontManager.ttflist = [f for f in font_manager.fontManager.ttflist
                                        if f.name != name or f.fname == str(path)]
    cached = getattr(font_manager.fontManager, "_findfont_cached", None)  # lookups made before this
    if cached is not None:
        cached.cache_clear()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [name, *(f for f in matplotlib.rcParams["font.sans-serif"] if f != name)]
    # The CJK font draws U+2212 badly at small sizes; a hyphen-minus is always there.
    matplotlib.rcParams["axes.unicode_minus"] = False
    return name


FONT_NAME = _register_font(font_path())

# --- House style --------------------------------------------------------------------

# Okabe–Ito: distinguishable with every common colour-vision deficiency (yellow left out:
# too pale on white for slides).
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#000000", "#999999")

STYLE: dict[str, object] = {
    "figure.figsize": (10.0, 5.625),  # 16:9, the briefing slide's shape
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.dpi": 200,
    "savefig.facecolor": "white",
    "font.size": 12,
    "axes.titlesize": 15,
    "axes.titleweight": "normal",  # the bundled CJK fonts have no bold face
    "axes.titlelocation": "left",
    "figure.titlesize": 16,
    "figure.titleweight": "normal",
    "axes.labelsize": 12,
    "axes.edgecolor": "#595959",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.8,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "xtick.color": "#404040",
    "ytick.color": "#404040",
    "legend.fontsize": 11,
    "legend.frameon": False,
    "lines.linewidth": 2.2,
    "lines.markersize": 6,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
    # SVG text as outlines renders the same on machines without the font; fixed salt keeps ids stable.
    "svg.fonttype": "path",
    "svg.hashsalt": "ogi-workbook",
}


def apply_style() -> None:
    """Apply the house style to matplotlib globally (for a notebook's own plots).

    The chart functions here use the style whether or not this was called.
    """
    matplotlib.rcParams.update(STYLE)


# --- Outcome categories -------------------------------------------------------------

# The seven outcome categories of Table 2, keyed by schema row keys (tests check they are).
OUTCOMES = ("granted", "partially_granted", "denied", "unavailable", "rejected", "other", "carried_forward")
OUTCOME_COLORS = {
    "granted": "#009E73",  # bluish green
    "partially_granted": "#56B4E9",  # sky blue
    "denied": "#D55E00",  # vermillion
    "unavailable": "#E69F00",  # orange
    "rejected": "#CC79A7",  # reddish purple
    "other": "#999999",  # grey
    "carried_forward": "#0072B2",  # blue
}
LABELS_ZH = {
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "denied": "不予公开",
    "unavailable": "无法提供",
    "rejected": "不予处理",
    "other": "其他处理",
    "carried_forward": "结转下年度",
}
LABELS_EN = {
    "granted": "Granted",
    "partially_granted": "Partially granted",
    "denied": "Denied",
    "unavailable": "Unavailable",
    "rejected": "Not processed",
    "other": "Other handling",
    "carried_forward": "Carried forward",
}

# Table 2 rows that are not outcomes: dropped when a whole applications table is charted.
_NOT_OUTCOMES = ("new_received", "carried_over", "results", "total_handled")
_CATEGORY_OF = {
    **{key: key for key in OUTCOMES},
    **{key: "denied" for key in schema.DENIED_KEYS},
    **{key: "unavailable" for key in schema.UNAVAILABLE_KEYS},
    **{key: "rejected" for key in schema.REJECTED_KEYS},
    **{key: "other" for key in ("other_group", *schema.T2_OTHER_2021)},
}

# Table 3: results and proceedings, Chinese labels from the schema.
_T3_RESULTS = ("upheld", "corrected", "other", "pending")
_T3_RESULT_ZH = {c.key.removeprefix("review_"): c.label.split(" / ")[-1]
                 for c in schema.T3_COLUMNS if c.key.startswith("review_")}
_T3_RESULT_EN = {"upheld": "Upheld", "corrected": "Corrected", "other": "Other result", "pending": "Pending"}
_T3_RESULT_COLORS = {"upheld": "#0072B2", "corrected": "#D55E00", "other": "#999999", "pending": "#E69F00"}
_T3_GROUP_ZH = dict(schema.T3_GROUPS)
_T3_GROUP_EN = {"review": "Administrative review", "lit_direct": "Lawsuit, direct",
                "lit_after_review": "Lawsuit after review"}

# Axis labels for the columns charts are usually drawn against.
_COLUMN_ZH = {c.name: c.label_zh for c in outputs.table("reports").columns} | {"agency_label": "机关", "report_label": "报告"}
# Table 1 and Table 2 columns by their printed labels, and the harmonised measures of helpers.analysis
_COLUMN_ZH |= {c.key: c.label for subs in schema.T1_BY_TEMPLATE.values() for s in subs for c in s.columns}
_COLUMN_ZH |= {c.key: c.label for c in schema.T2_COLUMNS}
_COLUMN_ZH |= {
    "received": "本年新收申请", "carried_over": "上年结转", "handled": "本年办结", "carried_forward": "结转下年度",
    "full_grant_rate": "予以公开率", "substantive_disclosure_rate": "实质公开率（予以公开＋部分公开）",
    "denial_rate": "不予公开率", "unavailable_rate": "无法提供率", "rejection_rate": "不予处理率",
    "backlog": "结转率（结转下年度／本年新收）", "review_per_100": "每百件申请行政复议数",
    "litigation_per_100": "每百件申请行政诉讼数", "review_correction_rate": "行政复议纠错率",
    "litigation_correction_rate": "行政诉讼纠错率",
    "count": "件数", "review_total": "行政复议（总计）", "litigation_total": "行政诉讼（总计）",
    "fee_collected_amount_wan": "信息处理费实际收取金额（万元）", "amount_wan": "金额（万元）",
}

_TEXT = {
    "outcome_mix": ("依申请公开办理结果构成", "Outcomes of disclosure requests"),
    "share": ("占比", "Share"),
    "count": ("件数", "Requests"),
    "cases": ("案件数", "Cases"),
    "review_litigation": ("政府信息公开行政复议、行政诉讼结果", "Administrative review and litigation outcomes"),
    "trend": ("{y}变化趋势", "{y} over time"),
    "ranking": ("{value}排名", "{value}: ranking"),
    "agency": ("机关", "Agency"),
    "format_change": ("2021年起新格式", "2021 format from here"),
    "inventory": ("报告清单：机关 × 年度（颜色＝读取状态，数字＝未通过的校验）", "Inventory: agency × year"),
    "small_multiples_note": ("每个机关一幅，{scale}；虚线为2021年新格式；空心点为不足一年的报告；缺点为无报告或空白",
                             "one panel per agency, {scale}; dashed line: 2021 format; hollow: part-year report; "
                             "gaps: no report or blank"),
    "shared": ("统一纵轴", "same scale"),
    "own": ("各自纵轴", "own scale"),
    "outcome_mix_panels": ("依申请公开办理结果构成（各机关逐年；右侧为件数，空行为当年无报告）",
                           "Outcomes of disclosure requests by agency and year (count at right; empty row: no report)"),
    "no_requests": ("无申请", "no requests"),
    "no_cases": ("无案件", "no cases"),
    "blank": ("空白", "blank"),
}


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")


def _text(key: str, lang: str, **fmt: object) -> str:
    return _TEXT[key][LANGS.index(lang)].format(**fmt)


def label(key: str, lang: str = "zh") -> str:
    """Display label of an outcome category (or a ``reports`` column such as ``report_year``).

    >>> label("partially_granted"), label("partially_granted", lang="en")
    ('部分公开', 'Partially granted')
    >>> label("report_year"), label("report_year", lang="en")
    ('报告年度', 'Report year')
    """
    _check_lang(lang)
    if key in LABELS_ZH:
        return (LABELS_ZH if lang == "zh" else LABELS_EN)[key]
    if key in _COLUMN_ZH:
        return _COLUMN_ZH[key] if lang == "zh" else key.replace("_", " ").capitalize()
    raise KeyError(f"no display label for {key!r}; known: {', '.join([*LABELS_ZH, *_COLUMN_ZH])}")


def _axis_label(column: str, lang: str) -> str:
    try:
        return label(column, lang)
    except KeyError:
        return column


def outcome_category(row_key: str) -> str | None:
    """The outcome category of a Table 2 row key; None for rows that are not outcomes.

    >>> outcome_category("denied_state_secret"), outcome_category("other_misc"), outcome_category("total_handled")
    ('denied', 'other', None)
    """
    if row_key in _CATEGORY_OF:
        return _CATEGORY_OF[row_key]
    if row_key in _NOT_OUTCOMES:
        return None
    raise ValueError(f"{row_key!r} is not a Table 2 row key; outcomes: {', '.join(OUTCOMES)}")


# --- Charts -------------------------------------------------------------------------


def _require(frame: pd.DataFrame, columns: Iterable[str], chart: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{chart}: frame has no column(s) {missing}; it has {list(frame.columns)}")


def _new_figure(height: float | None = None, width: float | None = None) -> Figure:
    w, h = STYLE["figure.figsize"]
    return Figure(figsize=(width or w, height or h), layout="constrained")


def _ink(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    red, green, blue = matplotlib.colors.to_rgb(background)
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.55 else "white"


def _stacked_barh(ax, table: pd.DataFrame, colors: dict, names: dict, annotate_from: float | None = None) -> None:
    """Horizontal bars, one per row of ``table``, stacked by its columns; first row on top."""
    positions = range(len(table))
    left = pd.Series(0.0, index=table.index)
    for column in table.columns:
        widths = table[column].fillna(0.0)
        bars = ax.barh(positions, widths, left=left, color=colors[column], label=names[column],
                       edgecolor="white", linewidth=0.6, height=0.7)
        if annotate_from is not None:
            texts = [f"{w:.0%}" if w >= annotate_from else "" for w in widths]
            ax.bar_label(bars, labels=texts, label_type="center", fontsize=9, color=_ink(colors[column]))
        left = left + widths
    ax.set_yticks(list(positions), [str(i) for i in table.index])
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)


def outcome_mix(frame: pd.DataFrame, by: str = "agency_name", outcome: str = "outcome", value: str = "count",
                lang: str = "zh", title: str | None = None) -> Figure:
    """100% stacked horizontal bars: the share of each outcome category per ``by`` (agency or year).

    ``frame`` is long: one row per ``by`` value and outcome. ``outcome`` holds category keys
    (``OUTCOMES``) or detailed Table 2 row keys (``denied_state_secret`` …), which are summed
    into their category; non-outcome rows (``new_received``, ``total_handled`` …) are dropped,
    so the ``applications`` table can be passed as is (``outcome="row", value="total"``).
    Null counts are left out of the sums. Shares are of the categories present.

    >>> frame = pd.DataFrame({"agency_name": ["甲", "甲", "乙"], "outcome": ["granted", "denied", "granted"],
    ...                       "count": [3, 1, 2]})
    >>> [t.get_text() for t in outcome_mix(frame).axes[0].get_legend().get_texts()]
    ['予以公开', '不予公开']
    """
    _check_lang(lang)
    _require(frame, (by, outcome, value), "outcome_mix")
    long = frame.assign(_category=frame[outcome].map(outcome_category)).dropna(subset=["_category"])
    table = long.groupby([by, "_category"], sort=True)[value].sum().unstack("_category")
    table = table[[c for c in OUTCOMES if c in table.columns]]
    shares = table.div(table.sum(axis=1), axis=0).fillna(0.0)

    with matplotlib.rc_context(STYLE):
        fig = _new_figure(height=max(3.0, 0.45 * len(shares) + 2.0))
        ax = fig.add_subplot()
        names = {k: label(k, lang) for k in shares.columns}
        _stacked_barh(ax, shares, OUTCOME_COLORS, names, annotate_from=0.08)
        ax.set_xlim(0.0, 1.0)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel(_text("share", lang))
        ax.set_ylabel(_axis_label(by, lang))
        ax.set_title(title or _text("outcome_mix", lang))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def trend(frame: pd.DataFrame, x: str = "report_year", *, y: str, by: str | None = None,
          lang: str = "zh", title: str | None = None, ylabel: str | None = None) -> Figure:
    """Lines of ``y`` against ``x`` (default: report year), one per ``by`` value (e.g. agency).

    Rows with a null ``y`` are gaps in the line, not zeros.

    >>> frame = pd.DataFrame({"report_year": [2021, 2022, 2023], "granted": [5, 8, 6]})
    >>> len(trend(frame, y="granted").axes[0].lines)
    1
    """
    _check_lang(lang)
    _require(frame, (x, y) if by is None else (x, y, by), "trend")
    y_name = ylabel or _axis_label(y, lang)
    groups = [(None, frame)] if by is None else list(frame.groupby(by, sort=False))

    with matplotlib.rc_context(STYLE):
        fig = _new_figure()
        ax = fig.add_subplot()
        for i, (name, group) in enumerate(groups):
            group = group.sort_values(x)
            # Past eight series the colours repeat; the dash pattern keeps lines apart.
            style = ("-", "--", ":")[(i // len(OKABE_ITO)) % 3]
            ax.plot(group[x], group[y], marker="o", linestyle=style, label=None if name is None else str(name))
        if pd.api.types.is_integer_dtype(frame[x]):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(_axis_label(x, lang))
        ax.set_ylabel(y_name)
        ax.set_title(title or _text("trend", lang, y=y_name))
        if by is not None:
            ax.legend(title=_axis_label(by, lang), loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def bar_ranking(frame: pd.DataFrame, value: str, label: str = "agency_name", top: int | None = None,
                lang: str = "zh", title: str | None = None, color: str = OKABE_ITO[0]) -> Figure:
    """Horizontal bars ranked by ``value`` (largest on top), one per ``label``; rows with null ``value`` are left out.

    >>> frame = pd.DataFrame({"agency_name": ["甲", "乙"], "granted": [3, 9]})
    >>> [t.get_text() for t in bar_ranking(frame, "granted").axes[0].get_yticklabels()]
    ['乙', '甲']
    """
    _check_lang(lang)
    _require(frame, (value, label), "bar_ranking")
    ranked = frame.dropna(subset=[value]).sort_values(value, ascending=False, kind="stable")
    if top is not None:
        ranked = ranked.head(top)
    values = ranked[value].astype(float)
    value_name = _axis_label(value, lang)

    with matplotlib.rc_context(STYLE):
        fig = _new_figure(height=max(3.0, 0.4 * len(ranked) + 1.8))
        ax = fig.add_subplot()
        bars = ax.barh(range(len(ranked)), values, color=color, height=0.7)
        is_whole = bool((values == values.round()).all())
        is_rate = value.endswith("_rate")
        texts = [f"{v:.0%}" if is_rate else f"{v:,.0f}" if is_whole else f"{v:,.1f}" for v in values]
        ax.bar_label(bars, labels=texts, padding=3, fontsize=10)
        if is_rate:
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_yticks(range(len(ranked)), [str(v) for v in ranked[label]])
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(value_name)
        ax.margins(x=0.08)
        ax.set_title(title or _text("ranking", lang, value=value_name))
    return fig


def review_litigation_bars(frame: pd.DataFrame, by: str | None = None, lang: str = "zh",
                           title: str | None = None, shares: bool = False) -> Figure:
    """Stacked bars of Table 3 results (维持, 纠正, 其他, 未审结) for each kind of proceeding.

    ``frame`` has the ``review_litigation`` table's columns (``review_upheld`` …,
    ``lit_after_review_pending``), one row per report. Without ``by`` the rows are summed:
    one bar per proceeding. With ``by`` (e.g. ``agency_name`` joined from ``reports``) there
    is one panel per proceeding and one bar per ``by`` value. Null cells are left out of the sums.
    ``shares=True`` draws each bar as 100 % (the mix of results) with its number of cases right
    of it, so an agency with a few cases is as legible as one with hundreds; a bar without
    cases says so.

    >>> frame = pd.DataFrame({f"{g}_{r}": [1] for g, _ in schema.T3_GROUPS for r in _T3_RESULTS})
    >>> len(review_litigation_bars(frame).axes)
    1
    """
    _check_lang(lang)
    groups = [g for g, _ in schema.T3_GROUPS]
    columns = [f"{g}_{r}" for g in groups for r in _T3_RESULTS]
    _require(frame, columns if by is None else [*columns, by], "review_litigation_bars")
    group_names = _T3_GROUP_ZH if lang == "zh" else _T3_GROUP_EN
    result_names = _T3_RESULT_ZH if lang == "zh" else _T3_RESULT_EN

    def results_of(group: str) -> pd.DataFrame:
        cells = frame[[f"{group}_{r}" for r in _T3_RESULTS]].set_axis(list(_T3_RESULTS), axis=1)
        return cells.groupby(frame[by], sort=True).sum() if by is not None else cells.sum().to_frame().T

    if by is None:
        panels = [(None, pd.concat([results_of(g).set_axis([group_names[g]]) for g in groups]))]
        size = {"height": 3.6}
    else:
        panels = [(group_names[g], results_of(g)) for g in groups]
        size = {"height": max(3.0, 0.45 * len(panels[0][1]) + 2.2), "width": 13.0}

    with matplotlib.rc_context(STYLE):
        fig = _new_figure(**size)
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        for ax, (panel_title, table) in zip(axes, panels):
            totals = table.sum(axis=1)
            if shares:
                table = table.div(totals.where(totals > 0), axis=0).fillna(0.0)
            _stacked_barh(ax, table, _T3_RESULT_COLORS, result_names)
            if shares:
                for i, total in enumerate(totals):
                    text = f"{total:,.0f}" if total > 0 else _text("no_cases", lang)
                    ax.text(1.01 if total > 0 else 0.02, i, text, transform=ax.get_yaxis_transform(), va="center",
                            fontsize=9, color="#404040")
                ax.set_xlim(0.0, 1.0)
                ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
                ax.set_xlabel(_text("share", lang))
            else:
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
                ax.set_xlabel(_text("cases", lang))
            if panel_title:
                ax.set_title(panel_title, fontsize=12, loc="center")
        if by is not None:
            axes[0].set_ylabel(_axis_label(by, lang))
        fig.suptitle(title or _text("review_litigation", lang), x=0.01, ha="left")
        axes[-1].legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


# --- Panel charts (agency × year) ------------------------------------------------------

PART_YEAR_MARK = "*"


def _format_break(ax, years: list, year: int | None, lang: str, labelled: bool = True) -> None:
    """A dashed line before the first 2021-format year (``year``), where both formats are shown."""
    if year is None or year not in years or years[0] == year:
        return
    position = years.index(year) - 0.5
    ax.axvline(position, color="#595959", linestyle="--", linewidth=1.2)
    if labelled:
        ax.annotate(_text("format_change", lang), xy=(position, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, 2), textcoords="offset points", fontsize=9, color="#404040", va="bottom")


def value_heatmap(table: pd.DataFrame, lang: str = "zh", title: str | None = None, decimals: int = 0,
                  marks: Iterable[tuple] = (), note: str | None = None, format_change: int | None = 2021,
                  cmap: str = "Blues") -> Figure:
    """Agency × year grid of a measure (``panel.agency_year``), each cell annotated with its value.

    A blank (no report, or not printed) is an empty white cell; 0 is printed as 0. Cells in
    ``marks`` ((row label, year) pairs, e.g. part-year reports) get a ``*`` and ``note`` says
    why. A dashed line marks where the 2021 format starts.

    >>> t = pd.DataFrame([[0, None], [3, 5]], index=["甲局", "乙局"], columns=[2020, 2021], dtype="Int64")
    >>> sorted(t.get_text() for t in value_heatmap(t).axes[0].texts if t.get_text().isdigit())
    ['0', '3', '5']
    """
    _check_lang(lang)
    values = table.astype("Float64").to_numpy(dtype=float, na_value=float("nan"))
    years = [int(c) for c in table.columns]
    marked = set(marks)
    with matplotlib.rc_context(STYLE):
        fig = _new_figure(height=max(3.0, 0.36 * len(table) + 2.0), width=max(7.0, 1.0 * len(years) + 4.5))
        ax = fig.add_subplot()
        finite = values[~pd.isna(values)]
        top = float(finite.max()) if finite.size else 1.0
        # Shade on a log scale: one agency with thousands of requests must not wash out the rest.
        norm = matplotlib.colors.Normalize(0.0, float(np.log1p(max(top, 1.0))))
        shades = np.log1p(np.clip(values, 0, None))
        ax.imshow(shades, aspect="auto", cmap=cmap, norm=norm)
        is_marked = False
        for (row, col), value in pd.DataFrame(values).stack().dropna().items():
            mark = (table.index[row], years[col]) in marked
            is_marked |= mark
            text = f"{value:,.{decimals}f}" + (PART_YEAR_MARK if mark else "")
            shade = matplotlib.colormaps[cmap](norm(np.log1p(max(value, 0.0))))
            ax.text(col, row, text, ha="center", va="center", fontsize=9, color=_ink(matplotlib.colors.to_hex(shade)))
        ax.set_xticks(range(len(years)), [str(y) for y in years])
        ax.set_yticks(range(len(table.index)), [str(i) for i in table.index])
        ax.set_xticks([x - 0.5 for x in range(1, len(years))], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, len(table.index))], minor=True)
        ax.grid(False)
        ax.grid(which="minor", color="#eeeeee", linewidth=0.8)
        ax.tick_params(which="minor", length=0)
        ax.set_xlabel(label("report_year", lang))
        _format_break(ax, years, format_change, lang)
        ax.set_title(title or "", pad=16)
        if note and is_marked:
            fig.text(0.01, 0.0, note, fontsize=9, color="#404040", ha="left", va="bottom")
            fig.get_layout_engine().set(rect=(0, 0.04, 1, 0.96))
    return fig


STATUS_COLORS = {"ok": "#009E73", "ok_failed": "#E69F00", "partial": "#D55E00", "excluded": "#999999"}
_STATUS_TEXT = {
    "ok": ("完整读取，校验通过", "read completely, checks pass"),
    "ok_failed": ("完整读取，报告自相矛盾（数字为未通过校验数）", "read completely; the report contradicts itself "
                  "(number = failed checks)"),
    "partial": ("部分读取", "partly read"),
    "excluded": ("不参与比较（节选、残缺）", "not compared (excerpt, incomplete)"),
}


def inventory_matrix(inventory: pd.DataFrame, lang: str = "zh", title: str | None = None,
                     format_change: int | None = 2021) -> Figure:
    """Agency × year grid of what is present: colour = status, number = failed identity checks.

    ``inventory`` is :func:`helpers.analysis.panel.inventory` (``row_label``, ``report_year``, ``status``,
    ``n_failed_checks``, ``is_compared``). Empty cells are years without a report.

    >>> inv = pd.DataFrame({"row_label": ["甲局", "甲局"], "report_year": [2020, 2021], "status": ["ok", "partial"],
    ...                     "n_failed_checks": [2, 0], "is_compared": [True, True]})
    >>> [t.get_text() for t in inventory_matrix(inv).axes[0].texts if t.get_text().isdigit()]
    ['2']
    """
    _check_lang(lang)
    frame = inventory.dropna(subset=["report_year"]).copy()
    frame["kind"] = frame["status"].where(frame["status"] != "ok", "ok")
    frame.loc[(frame["status"] == "ok") & (frame["n_failed_checks"] > 0), "kind"] = "ok_failed"
    frame.loc[~frame["is_compared"].astype(bool), "kind"] = "excluded"
    rows = list(dict.fromkeys(frame["row_label"]))
    years = sorted(frame["report_year"].astype(int).unique())
    with matplotlib.rc_context(STYLE):
        fig = _new_figure(height=max(3.0, 0.34 * len(rows) + 2.2), width=max(8.0, 0.9 * len(years) + 6.0))
        ax = fig.add_subplot()
        for _, r in frame.iterrows():
            x, y = years.index(int(r["report_year"])), rows.index(r["row_label"])
            color = STATUS_COLORS[r["kind"]]
            ax.add_patch(patches.Rectangle((x - 0.45, y - 0.42), 0.9, 0.84, color=color))
            if r["kind"] == "ok_failed":
                ax.text(x, y, str(int(r["n_failed_checks"])), ha="center", va="center", fontsize=9, color=_ink(color))
        ax.set_xlim(-0.5, len(years) - 0.5)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xticks(range(len(years)), [str(y) for y in years])
        ax.set_yticks(range(len(rows)), rows)
        ax.grid(False)
        ax.set_xlabel(label("report_year", lang))
        _format_break(ax, years, format_change, lang)
        handles = [patches.Patch(color=c, label=_STATUS_TEXT[k][LANGS.index(lang)])
                   for k, c in STATUS_COLORS.items()]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        ax.set_title(title or _text("inventory", lang), pad=16)
    return fig


def small_multiples(frame: pd.DataFrame, y: str, by: str = "agency_label", x: str = "report_year",
                    sharey: bool = False, ncols: int = 4, lang: str = "zh", title: str | None = None,
                    marks: str | None = "is_part_year", format_change: int | None = 2021) -> Figure:
    """One small line chart per ``by`` value (agency), ``y`` over the years, in a grid.

    ``sharey=True`` puts every panel on one scale (compare sizes); False gives each its own
    (compare shapes). A blank is a gap, never 0; a year with a single point shows a dot.
    Points where ``marks`` is true (part-year reports) are hollow. The dashed line is the
    2021 format change.

    >>> f = pd.DataFrame({"agency_label": ["甲", "甲", "乙"], "report_year": [2020, 2021, 2021],
    ...                   "received": pd.array([1, 2, 3], dtype="Int64")})
    >>> len(small_multiples(f, "received").axes)
    2
    """
    _check_lang(lang)
    _require(frame, (x, y, by), "small_multiples")
    groups = list(frame.groupby(by, sort=True))
    present = frame[x].dropna().astype(int)
    years = list(range(int(present.min()), int(present.max()) + 1))  # every year, so gaps show
    ncols = max(1, min(ncols, len(groups)))
    nrows = -(-len(groups) // ncols)
    y_name = _axis_label(y, lang)
    with matplotlib.rc_context(STYLE):
        fig = _new_figure(height=1.9 * nrows + 1.2, width=max(7.0, 3.1 * ncols))
        axes = fig.subplots(nrows, ncols, sharex=True, sharey=sharey, squeeze=False).ravel()
        for ax, (name, group) in zip(axes, groups):
            # every year on the axis, so a year without a report is a gap in the line, not bridged
            group = group.assign(**{x: group[x].astype(int)}).drop_duplicates(x).set_index(x).reindex(years)
            group = group.rename_axis(x).reset_index()
            xs = group[x].map(years.index)
            ys = group[y].astype("Float64").to_numpy(dtype=float, na_value=float("nan"))
            ax.plot(xs, ys, marker="o", color=OKABE_ITO[0], markersize=4.5, clip_on=False)
            hollow = (group[marks].astype("boolean").fillna(False).to_numpy(dtype=bool) if marks and marks in group
                      else np.zeros(len(group), dtype=bool))
            if hollow.any():  # an empty unclipped line would upset the layout
                ax.plot(xs[hollow], ys[hollow], "o", markersize=7, markerfacecolor="white",
                        markeredgecolor=OKABE_ITO[3], linestyle="none", zorder=3, clip_on=False)
            _format_break(ax, years, format_change, lang, labelled=False)
            ax.set_title(_axis_label(str(name), lang), fontsize=11, loc="left")
            ax.set_xticks(range(len(years)), [f"'{str(v)[2:]}" for v in years])
            ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
            if not sharey:
                ax.set_ylim(0, max(1.0, float(np.nanmax(ys, initial=0.0)) * 1.1))
            ax.tick_params(labelsize=9)
        for ax in axes[len(groups):]:
            ax.set_visible(False)
        caption = _text("small_multiples_note", lang, scale=_text("shared" if sharey else "own", lang))
        fig.suptitle(title or y_name, x=0.01, ha="left")
        fig.supxlabel(caption, fontsize=9, color="#404040", x=0.01, ha="left")
    return fig


def outcome_mix_panels(counts: pd.DataFrame, by: str = "agency_label", ncols: int = 3, lang: str = "zh",
                       title: str | None = None) -> Figure:
    """Outcome shares per year, one panel per agency (100 % stacked bars, one per report year).

    ``counts`` is :func:`helpers.analysis.panel.outcome_counts` (``by``, ``report_year``, ``handled``,
    ``outcome``, ``count``). A year whose report handled no request says 「无申请」 instead of
    an empty bar; a year with blank outcome counts says 「空白」.

    >>> c = pd.DataFrame({"agency_label": "甲", "report_year": [2021, 2021, 2022], "handled": [4, 4, 0],
    ...                   "outcome": ["granted", "denied", "granted"], "count": [3, 1, 0]})
    >>> [t.get_text() for t in outcome_mix_panels(c).axes[0].texts]
    ['4', '无申请']
    """
    _check_lang(lang)
    _require(counts, (by, "report_year", "handled", "outcome", "count"), "outcome_mix_panels")
    groups = list(counts.groupby(by, sort=True))
    ncols = max(1, min(ncols, len(groups)))
    nrows = -(-len(groups) // ncols)
    names = {k: label(k, lang) for k in OUTCOMES}
    years = sorted(counts["report_year"].dropna().astype(int).unique())
    with matplotlib.rc_context(STYLE):
        fig = _new_figure(height=0.32 * len(years) * nrows + 1.0 * nrows + 1.0, width=13.0)
        axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False).ravel()
        for ax, (name, group) in zip(axes, groups):
            table = group.pivot_table(index="report_year", columns="outcome", values="count", aggfunc="first",
                                      dropna=False).astype("Float64")
            table = table.reindex(index=years, columns=[c for c in OUTCOMES if c in table.columns])
            totals = table.sum(axis=1, min_count=1)
            shares = table.div(totals.where(totals > 0), axis=0).fillna(0.0).astype(float)
            _stacked_barh(ax, shares.rename(index=str), OUTCOME_COLORS, names)
            for i, year in enumerate(years):  # the volume behind each bar, right of it
                if pd.notna(totals[year]) and totals[year] > 0:
                    ax.text(1.01, i, f"{totals[year]:,.0f}", transform=ax.get_yaxis_transform(), va="center",
                            fontsize=8, color="#404040")
            handled = group.drop_duplicates("report_year").set_index("report_year")["handled"]
            for i, year in enumerate(years):
                if year not in handled.index:
                    continue
                if pd.notna(handled[year]) and handled[year] == 0 and not (totals[year] > 0):
                    ax.text(0.02, i, _text("no_requests", lang), va="center", fontsize=9, color="#404040")
                elif pd.isna(totals[year]) or totals[year] == 0:
                    ax.text(0.02, i, _text("blank", lang), va="center", fontsize=9, color="#404040")
            ax.set_xlim(0.0, 1.0)
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.set_title(str(name), fontsize=11, loc="left")
            ax.tick_params(labelsize=9)
        for ax in axes[len(groups):]:
            ax.set_visible(False)
        handles = [patches.Patch(color=OUTCOME_COLORS[k], label=names[k]) for k in OUTCOMES]
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=10)
        fig.suptitle(title or _text("outcome_mix_panels", lang), x=0.01, ha="left")
    return fig


# --- Saving -------------------------------------------------------------------------

_PNG_METADATA = {"Software": None}
_SVG_METADATA = {"Date": None, "Creator": None}


def save_figure(fig: Figure, name: str, folder: str | Path = "reports/figures") -> list[Path]:
    """Save ``fig`` as ``<folder>/<name>.png`` (200 dpi) and ``.svg`` (text as outlines); return both paths.

    ``folder`` (created if missing) is relative to the working directory. The files carry no
    date or software version, so re-running a notebook leaves unchanged charts byte-identical.
    """
    if not name or Path(name).name != name or Path(name).suffix.lower() in (".png", ".svg"):
        raise ValueError(f"save_figure: name must be a bare file name without extension, got {name!r}")
    out_dir = Path(folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    png, svg = out_dir / f"{name}.png", out_dir / f"{name}.svg"
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": STYLE["svg.hashsalt"]}):
        fig.savefig(png, format="png", dpi=200, metadata=_PNG_METADATA)
        fig.savefig(svg, format="svg", metadata=_SVG_METADATA)
    return [png, svg]
