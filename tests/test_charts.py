"""helpers.analysis.charts: the bundled CJK font, house colours and labels, the charts and save_figure."""

from __future__ import annotations

import io
import json
import logging
import os
import struct
import subprocess
import sys
import warnings

import matplotlib
import pandas as pd
import pytest
from matplotlib import font_manager

from helpers import schema
from helpers.analysis import charts


def render(fig) -> list[str]:
    """Draw ``fig`` to PNG in memory; return the messages of every warning raised meanwhile."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught]


def outcome_frame() -> pd.DataFrame:
    counts = {"某某市人民政府办公室": (3, 0, 1, 0, 0, 0, 0), "某某区自然资源局": (1, 1, 1, 1, 0, 0, 0)}
    return pd.DataFrame([{"agency_name": agency, "outcome": key, "count": n}
                         for agency, row in counts.items() for key, n in zip(charts.OUTCOMES, row)])


def review_frame() -> pd.DataFrame:
    frame = pd.DataFrame({f"{g}_{r}": [1.0, 2.0] for g, _ in schema.T3_GROUPS for r in ("upheld", "corrected", "other", "pending")})
    frame["review_upheld"] = [4.0, None]  # a blank cell stays out of the sum
    frame["agency_name"] = ["甲局", "乙局"]
    return frame


# --- Font -------------------------------------------------------------------------


def test_font_comes_from_the_installed_mplfonts_package():
    path = charts.font_path()
    assert path.is_file()
    assert path.parent.name == "fonts" and path.parent.parent.name == "mplfonts"
    assert path.name == "NotoSansCJKsc-Regular.otf"  # preferred over SimHei when both ship
    assert charts.FONT_NAME == "Noto Sans CJK SC"


def test_font_is_registered_first_and_unicode_minus_is_off():
    assert matplotlib.rcParams["font.family"] == ["sans-serif"]
    assert matplotlib.rcParams["font.sans-serif"][0] == charts.FONT_NAME
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]), fallback_to_default=False)
    assert found == str(charts.font_path())


def test_chinese_chart_renders_without_missing_glyphs_in_the_cjk_font(caplog):
    fig = charts.outcome_mix(outcome_frame())
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        messages = render(fig)
    assert not [m for m in messages if "missing from font" in m], messages
    assert not caplog.records  # e.g. "findfont: Failed to find font weight bold"
    assert fig.axes[0].get_title(loc="left") == "依申请公开办理结果构成"
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text()]
    assert {"依申请公开办理结果构成", "机关名称", "某某区自然资源局", "予以公开", "结转下年度"} <= {t.get_text() for t in texts}
    for text in texts:
        assert font_manager.findfont(text.get_fontproperties()) == str(charts.font_path()), text.get_text()


# A system font of the bundled font's family, listed before it as fontconfig lists Debian's
# fonts-noto-cjk (NotoSansCJK-Regular.ttc, "Noto Sans CJK SC"), then helpers.analysis.charts imported: the
# text of a chart must still resolve to the bundled file. The stand-in is a Latin font, so a
# chart that used it would also lose its Chinese glyphs.
_SYSTEM_COPY_FIRST = """
import json, sys, warnings
import pandas as pd
from matplotlib import font_manager, text
stand_in = font_manager.findfont("DejaVu Sans")
for weight in (400, 700):
    font_manager.fontManager.ttflist.insert(0, font_manager.FontEntry(
        fname=stand_in, name=sys.argv[1], weight=weight, size="scalable"))
from helpers.analysis import charts
frame = pd.DataFrame({"agency_name": ["某某区自然资源局"] * 2, "outcome": ["granted", "denied"], "count": [3, 1]})
fig = charts.outcome_mix(frame)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    fig.canvas.draw()
files = sorted({font_manager.findfont(t.get_fontproperties()) for t in fig.findobj(text.Text) if t.get_text()})
print(json.dumps({"files": files, "bundled": str(charts.font_path()),
                  "missing": [str(w.message) for w in caught if "missing from" in str(w.message)]}))
"""


def test_bundled_font_wins_over_a_system_font_of_the_same_family():
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-c", _SYSTEM_COPY_FIRST, charts.FONT_NAME], capture_output=True,
                          text=True, env=env, timeout=120, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["files"] == [result["bundled"]]
    assert result["missing"] == []


def test_no_other_file_answers_to_the_bundled_family_name():
    # On a machine with fonts-noto-cjk installed this is the real thing, not a stand-in.
    files = {f.fname for f in font_manager.fontManager.ttflist if f.name == charts.FONT_NAME}
    assert files == {str(charts.font_path())}


def test_missing_glyph_check_does_catch_a_latin_only_font():
    # Control for the test above: the same check fires when Chinese meets a font without it.
    fig = charts.outcome_mix(outcome_frame())
    fig.axes[0].set_title("予以公开", fontfamily="DejaVu Sans")
    assert any("missing from font" in m for m in render(fig))


# --- Colours and labels ---------------------------------------------------------------


def test_outcome_colours_and_labels_cover_every_outcome_key():
    assert charts.OUTCOMES == ("granted", "partially_granted", "denied", "unavailable", "rejected", "other",
                               "carried_forward")
    assert set(charts.OUTCOME_COLORS) == set(charts.LABELS_ZH) == set(charts.LABELS_EN) == set(charts.OUTCOMES)
    colours = [matplotlib.colors.to_hex(c) for c in charts.OUTCOME_COLORS.values()]
    assert len(set(colours)) == len(colours)


def test_outcome_keys_and_labels_agree_with_the_schema():
    rows = {r.key: r.label for r in (*schema.T2_ROWS_2019, *schema.T2_ROWS_2021)}
    for key in charts.OUTCOMES:
        assert charts.LABELS_ZH[key] in rows[key], key


def test_label_in_both_languages():
    assert [charts.label(k) for k in charts.OUTCOMES] == [
        "予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理", "结转下年度"]
    assert [charts.label(k, lang="en") for k in charts.OUTCOMES] == [
        "Granted", "Partially granted", "Denied", "Unavailable", "Not processed", "Other handling", "Carried forward"]
    assert charts.label("agency_name") == "机关名称"
    assert charts.label("agency_name", lang="en") == "Agency name"


def test_label_rejects_unknown_keys_and_languages():
    with pytest.raises(KeyError, match="no_such_key"):
        charts.label("no_such_key")
    with pytest.raises(ValueError, match="lang"):
        charts.label("granted", lang="fr")


@pytest.mark.parametrize("template", schema.TEMPLATES)
def test_every_table2_outcome_row_has_a_category(template):
    categories = {charts.outcome_category(key) for key in schema.t2_outcome_keys(template)}
    assert categories <= set(charts.OUTCOMES) and None not in categories
    assert charts.outcome_category("total_handled") is None
    with pytest.raises(ValueError, match="not_a_row"):
        charts.outcome_category("not_a_row")


# --- Charts ---------------------------------------------------------------------------


def bar_widths(ax) -> list[float]:
    return [round(p.get_width(), 6) for p in ax.patches]


def test_outcome_mix_shares_sum_detailed_rows_and_drop_totals():
    frame = pd.DataFrame({
        "report_year": [2022] * 5,
        "row": ["granted", "denied_state_secret", "denied_third_party", "total_handled", "other_misc"],
        "total": [6.0, 1.0, 1.0, 8.0, None],
    })
    fig = charts.outcome_mix(frame, by="report_year", outcome="row", value="total", lang="en")
    ax = fig.axes[0]
    assert bar_widths(ax) == [0.75, 0.25, 0.0]  # granted, denied, other (blank → left out)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Granted", "Denied", "Other handling"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2022"]
    assert ax.get_title(loc="left") == "Outcomes of disclosure requests"
    assert [p.get_facecolor() for p in ax.patches[:2]] == [
        matplotlib.colors.to_rgba(charts.OUTCOME_COLORS["granted"]),
        matplotlib.colors.to_rgba(charts.OUTCOME_COLORS["denied"])]


def test_outcome_mix_names_a_missing_column():
    with pytest.raises(KeyError, match="agency"):
        charts.outcome_mix(outcome_frame().drop(columns="agency_name"))


def test_trend_draws_one_line_per_agency():
    frame = pd.DataFrame({"report_year": [2023, 2021, 2022, 2021, 2022, 2023],
                          "agency_name": ["甲局", "甲局", "甲局", "乙局", "乙局", "乙局"],
                          "granted": [6, 5, None, 3, 4, 9]})
    fig = charts.trend(frame, y="granted", by="agency_name")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["甲局", "乙局"]
    assert list(ax.lines[0].get_xdata()) == [2021, 2022, 2023]
    assert ax.get_title(loc="left") == "予以公开变化趋势"
    assert ax.get_xlabel() == "报告年度"
    assert not render(fig)


def test_bar_ranking_puts_the_largest_on_top():
    frame = pd.DataFrame({"agency_name": ["甲", "乙", "丙", "丁"], "granted": [3, 9, None, 5]})
    ax = charts.bar_ranking(frame, "granted", "agency_name", top=2).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["乙", "丁"]
    assert bar_widths(ax) == [9.0, 5.0]
    assert ax.get_title(loc="left") == "予以公开排名"


def test_review_litigation_bars_one_panel_per_proceeding():
    fig = charts.review_litigation_bars(review_frame(), by="agency_name")
    assert [ax.get_title() for ax in fig.axes] == [label for _, label in schema.T3_GROUPS]
    # 乙局 then 甲局 (sorted); per result: upheld, corrected, other, pending
    assert bar_widths(fig.axes[0]) == [0.0, 4.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0]
    assert [t.get_text() for t in fig.axes[-1].get_legend().get_texts()] == ["结果维持", "结果纠正", "其他结果", "尚未审结"]
    assert not render(fig)


def test_review_litigation_bars_summed_in_english():
    fig = charts.review_litigation_bars(review_frame(), lang="en")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Administrative review", "Lawsuit, direct", "Lawsuit after review"]
    assert bar_widths(ax)[:3] == [4.0, 3.0, 3.0]  # upheld per proceeding


# --- save_figure ----------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_save_figure_writes_png_and_svg(tmp_path):
    fig = charts.outcome_mix(outcome_frame())
    folder = tmp_path / "reports" / "figures"
    paths = charts.save_figure(fig, "outcome-mix", folder=folder)
    assert paths == [folder / "outcome-mix.png", folder / "outcome-mix.svg"]
    png = paths[0].read_bytes()
    assert len(png) > 20_000
    width_in, height_in = fig.get_size_inches()
    assert png_size(png) == (round(width_in * 200), round(height_in * 200))
    svg = paths[1].read_text(encoding="utf-8")
    assert "<text" not in svg  # glyphs as outlines: renders without the font installed
    assert "<dc:date>" not in svg


def test_save_figure_is_byte_for_byte_repeatable(tmp_path):
    first = charts.save_figure(charts.outcome_mix(outcome_frame()), "mix", folder=tmp_path / "a")
    second = charts.save_figure(charts.outcome_mix(outcome_frame()), "mix", folder=tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


@pytest.mark.parametrize("name", ["", "mix.png", "sub/mix"])
def test_save_figure_wants_a_bare_name(tmp_path, name):
    with pytest.raises(ValueError, match="bare file name"):
        charts.save_figure(charts.outcome_mix(outcome_frame()), name, folder=tmp_path)
