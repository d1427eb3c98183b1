"""The notebooks: thin, parameterised, committed without outputs, and they run on the bundled data."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers.corpus import ingest
from helpers.analysis.notebooks import numbered_notebooks, run_notebooks

from support import RAW, ROOT

NOTEBOOKS = numbered_notebooks(ROOT / "notebooks")
EXPECTED_FIGURES = ["00-inventory", "01-normative-docs", "01-licensing", "02-procurement-fees", "03-requests-heatmap",
                    "03-requests-trends", "03-outcome-mix", "03-reasons", "03-substantive-rate", "04-review-heatmap",
                    "04-litigation-heatmap", "04-review-litigation"]


def test_the_numbered_series_is_there():
    assert [p.name[:2] for p in NOTEBOOKS] == ["00", "01", "02", "03", "04", "05"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_thin_and_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    assert cells[0]["cell_type"] == "markdown"
    intro = "".join(cells[0]["source"])
    assert "**Question.**" in intro and "**Reads**" in intro and "**Writes**" in intro
    assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in cells)
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
            assert "def " not in "".join(cell["source"])  # logic lives in helpers


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    root = tmp_path_factory.mktemp("notebooks")
    processed = root / "processed"
    ingest(RAW, processed, workers=2, progress=False)
    written = run_notebooks(ROOT / "notebooks", root / "reports", processed)
    return root / "reports", written


def test_every_notebook_runs_headless_into_notebook_and_html(executed):
    reports, written = executed
    names = {p.name for p in written}
    for path in NOTEBOOKS:
        if path.name.startswith("05"):
            assert any(n.startswith("05-profile-agency-") and n.endswith(".html") for n in names)
        else:
            assert {path.name, path.with_suffix(".html").name} <= names


def test_figures_are_written_as_png_and_svg(executed):
    reports, _ = executed
    for name in EXPECTED_FIGURES:
        for suffix in (".png", ".svg"):
            assert (reports / "figures" / f"{name}{suffix}").stat().st_size > 5000, name


def test_no_errors_and_no_missing_glyphs_in_outputs(executed):
    reports, written = executed
    for path in (p for p in written if p.suffix == ".ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "missing from" not in text and '"output_type": "error"' not in text, path.name


def test_agency_profile_is_one_per_agency_with_several_reports(executed):
    reports, written = executed
    profiles = sorted(p.name for p in written if p.name.startswith("05") and p.suffix == ".html")
    table = pd.read_parquet(reports.parent / "processed" / "reports.parquet")
    counts = table.dropna(subset=["agency_key"]).groupby("agency_key").size()
    assert profiles == sorted(f"05-profile-agency-{key}.html" for key in counts[counts >= 2].index)
    assert len(profiles) >= 15  # the 平潭 panel: bureaus and areas over several years
    assert "05-profile-agency-平潭综合实验区市场监督管理局.html" in profiles
