"""helpers.analysis.notebooks' runner on a notebook of its own: quiet kernels, one line from `ogi notebooks`."""

from __future__ import annotations

import nbformat
import pandas as pd

from helpers.cli import main
from helpers.analysis.notebooks import run_notebooks


def _notebooks(root):
    folder = root / "notebooks"
    folder.mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell("processed_dir = figures_dir = None")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell("from helpers import charts\nprint(charts.FONT_NAME)")]
    nbformat.write(notebook, folder / "00-quiet.ipynb")
    return folder


def test_kernels_say_nothing_on_the_terminal(tmp_path, capfd):
    # ipykernel warned on every start: 「Kernel is running over TCP without encryption」
    written = run_notebooks(_notebooks(tmp_path), tmp_path / "reports", tmp_path)
    assert [p.name for p in written] == ["00-quiet.ipynb", "00-quiet.html"]
    captured = capfd.readouterr()
    assert (captured.out, captured.err) == ("", "")
    assert "Noto Sans CJK SC" in (tmp_path / "reports" / "00-quiet.ipynb").read_text(encoding="utf-8")


def test_ogi_notebooks_prints_one_line_saying_what_it_wrote(tmp_path, capfd):
    pd.DataFrame({"agency_key": pd.Series([], dtype="string")}).to_parquet(tmp_path / "reports.parquet")
    out = tmp_path / "reports"
    assert main(["notebooks", "--notebooks", str(_notebooks(tmp_path)), "--out", str(out),
                 "--processed", str(tmp_path)]) == 0
    captured = capfd.readouterr()
    assert captured.err == ""
    assert captured.out.startswith(f"wrote 1 executed notebook → {out}/*.ipynb, 1 HTML page → {out}/*.html, "
                                   f"0 figures (PNG + SVG) → {out}/figures/ (")
    assert captured.out.count("\n") == 1
