"""The panel charts of helpers.analysis.charts: agency × year grids, small multiples, outcome panels."""

from __future__ import annotations

import pandas as pd

from helpers.analysis import charts


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_value_heatmap_prints_zero_leaves_blank_empty_and_marks_part_years():
    table = pd.DataFrame({2020: pd.array([0, 3], dtype="Int64"), 2021: pd.array([None, 3119], dtype="Int64")},
                         index=["甲局", "乙局"])
    fig = charts.value_heatmap(table, marks={("乙局", 2020)}, note="* 报告期不足一年", title="本年新收申请")
    texts = _texts(fig)
    assert sorted(texts) == ["0", "2021年起新格式", "3*", "3,119"]
    assert "* 报告期不足一年" in [t.get_text() for t in fig.texts]
    # the format line sits between the last 2019-format year and the first 2021-format year
    assert [line.get_xdata()[0] for line in fig.axes[0].lines] == [0.5]


def test_value_heatmap_has_no_format_line_or_note_when_nothing_calls_for_them():
    table = pd.DataFrame({2022: [1.5], 2023: [2.25]}, index=["甲局"])
    fig = charts.value_heatmap(table, decimals=2, note="* 报告期不足一年")
    assert sorted(_texts(fig)) == ["1.50", "2.25"] and not fig.texts and not fig.axes[0].lines


def test_inventory_matrix_colours_status_and_counts_failed_checks():
    inventory = pd.DataFrame({
        "row_label": ["甲局", "甲局", "乙局", "x.txt"], "report_year": [2020, 2021, 2021, 2022],
        "status": ["ok", "ok", "partial", "partial"], "n_failed_checks": [0, 3, 0, 0],
        "is_compared": [True, True, True, False]})
    fig = charts.inventory_matrix(inventory)
    ax = fig.axes[0]
    colours = [p.get_facecolor() for p in ax.patches]
    expected = [charts.STATUS_COLORS[k] for k in ("ok", "ok_failed", "partial", "excluded")]
    assert [pd.Series(c).round(3).tolist() for c in colours] == [
        pd.Series(charts.matplotlib.colors.to_rgba(e)).round(3).tolist() for e in expected]
    assert [t for t in _texts(fig) if t.isdigit()] == ["3"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["甲局", "乙局", "x.txt"]


def test_small_multiples_leave_a_missing_year_as_a_gap():
    frame = pd.DataFrame({"agency_label": ["甲"] * 3 + ["乙"], "report_year": [2019, 2021, 2022, 2022],
                          "received": pd.array([4, 5, None, 2], dtype="Int64"), "is_part_year": [True, False, False, False]})
    fig = charts.small_multiples(frame, "received", ncols=2)
    assert fig.axes[0].get_title(loc="left") == "乙" and fig.axes[1].get_title(loc="left") == "甲"
    ys = list(fig.axes[1].lines[0].get_ydata())  # 甲, 2019–2022: no report in 2020, a blank in 2022
    assert len(ys) == 4 and ys[0] == 4 and pd.isna(ys[1]) and ys[2] == 5 and pd.isna(ys[3])
    hollow = fig.axes[1].lines[1]  # 甲's part-year point
    assert list(hollow.get_xdata()) == [0] and hollow.get_markerfacecolor() == "white"


def test_small_multiples_titles_measures_by_their_label():
    frame = pd.DataFrame({"measure": ["received", "review_total"], "report_year": [2024, 2024], "value": [3.0, 1.0]})
    fig = charts.small_multiples(frame, "value", by="measure")
    assert [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()] == ["本年新收申请", "行政复议（总计）"]


def test_outcome_mix_panels_say_no_requests_instead_of_an_empty_bar():
    counts = pd.DataFrame({"agency_label": "甲", "report_year": [2021, 2021, 2022, 2022, 2023],
                           "handled": [4, 4, 0, 0, pd.NA], "outcome": ["granted", "denied", "granted", "denied", "granted"],
                           "count": [3, 1, 0, 0, pd.NA]})
    fig = charts.outcome_mix_panels(counts)
    assert _texts(fig) == ["4", "无申请", "空白"]
    widths = [round(p.get_width(), 2) for p in fig.axes[0].patches if p.get_width() > 0]
    assert widths == [0.75, 0.25]


def test_bar_ranking_shows_rates_as_percentages():
    frame = pd.DataFrame({"agency_label": ["甲", "乙"], "substantive_disclosure_rate": [0.857, 0.5]})
    fig = charts.bar_ranking(frame, "substantive_disclosure_rate", label="agency_label")
    assert [t.get_text() for t in fig.axes[0].texts] == ["86%", "50%"]


def test_small_multiples_keep_their_layout_when_only_some_panels_have_part_year_points():
    # regression: an empty unclipped line in the panels without a mark shrank the whole grid
    frame = pd.DataFrame({"agency_label": ["甲", "甲", "乙", "乙"], "report_year": [2019, 2020, 2019, 2020],
                          "received": pd.array([0, 2, 1, 1], dtype="Int64"), "is_part_year": [True, False, False, False]})
    fig = charts.small_multiples(frame, "received", ncols=2)
    fig.draw_without_rendering()  # runs the constrained layout
    first, second = (ax.get_position() for ax in fig.axes)
    assert first.width > 0.4 and second.width > 0.4
