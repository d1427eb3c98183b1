"""Every rendering of every bundled real HTML report reads like its HTML twin.

``tests/fixtures/renderings/`` holds, for each report in ``data/raw/real/`` and
``data/raw/panel/``, what ``scripts/render_real_reports.py`` made of it: LibreOffice DOCX, the
PDF exported from it, ``pdftotext -layout`` of that PDF, LibreOffice Calc XLSX and a headless
Chromium print; ``renderings/corpus/`` holds the same kinds of rendering of the ``real/``
reports, made independently. Each manifest names every file's twin.

For every rendering:

- never a wrong number: every value read and not derived is the twin's value;
- an ``ok`` report reads exactly like its twin;
- where the twin reads ``ok``, so does the rendering, identically, except the few listed in
  ``NOT_EXACT`` with the reason, which must be ``partial``;
- the format and year are the twin's; the agency and date are the twin's or, where the
  rendering does not print them (a title only in the page's ``<title>``), absent.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest

from helpers import parse_file, read_report

from support import FIXTURES, ROOT

RENDERINGS = FIXTURES / "renderings"

# renderings that cannot read like their twin, and why; each must be `partial` (never `ok`)
NOT_EXACT = {
    "pingtan-jingjifazhanju_2025.pdf": "LibreOffice dropped Table 2 rows 5.–（六）2. at a page break: they are not in the PDF",
    "pingtan-jingjifazhanju_2025.layout.txt": "text of that PDF: the same rows are missing",
    "pingtan-jiaotongyujiansheju_2022.pdf": "borderless tables whose cells align at different heights: a Table 2 "
                                            "total printed alone after a page break, between the lines of its "
                                            "row's label, is not placed",
    "pingtan-jiaotongyujiansheju_2022.layout.txt": "the same, in the PDF's layout text",
    "pingtan-jinjingpianqu_2022.layout.txt": "the last Table 2 row, alone on its page, prints a blank cell that "
                                             "column positions on that page cannot place",
    "pingtan-jingjifazhanju_2020.xlsx": "LibreOffice Calc put the Table 2 labels and numbers in separate rows",
}
# a rendering may read the agency from the report's own signature, typo included, where the
# twin reads it from a title the rendering does not print
OWN_SIGNATURE = {"pingtan-caizhengjinrongju_2022": "平潭综合实验区财政全融局"}


def _manifest() -> list[tuple[Path, Path, str]]:
    out = []
    for manifest in (RENDERINGS / "MANIFEST.csv", RENDERINGS / "corpus" / "MANIFEST.csv"):
        with manifest.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                out.append((manifest.parent / row["file"], ROOT / row["twin"], row["format"]))
    return out


MANIFEST = _manifest()


@cache
def _read(path: Path):
    return read_report(path)


def test_every_bundled_real_html_report_is_rendered_in_every_format():
    twins = sorted(p for d in ("real", "panel") for p in (ROOT / "data" / "raw" / d).glob("*.html"))
    formats = {}
    for _, twin, fmt in MANIFEST:
        formats.setdefault(twin, set()).add(fmt)
    assert sorted(formats) == twins
    assert all({"docx", "pdf", "layout.txt", "xlsx", "pdf-chromium"} <= f for f in formats.values())
    assert all(path.is_file() for path, _, _ in MANIFEST)


@pytest.mark.parametrize("rendering, twin, fmt", MANIFEST,
                         ids=[f"{p.parent.name}/{p.name}" for p, _, _ in MANIFEST])
def test_rendering_reads_like_its_twin(rendering, twin, fmt):
    if twin.name == "pingtan-gonganju_2020.html":  # the page holds only a link to a .doc attachment
        assert parse_file(rendering).status == "error"
        return
    original, report = _read(twin), _read(rendering)
    wrong = {k: (v, original.values.get(k)) for k, v in report.values.items()
             if v is not None and k not in report.derived and original.values.get(k) != v}
    assert not wrong, wrong
    if report.status == "ok":
        assert report.values == original.values
    if rendering.name in NOT_EXACT and rendering.parent == RENDERINGS:
        assert report.status == "partial", NOT_EXACT[rendering.name]
    elif original.status == "ok" and fmt != "pdf-clipped":
        assert report.status == "ok", report.warnings
        assert report.values == original.values
    for field in ("template", "report_year"):
        assert report.meta[field] == original.meta[field], field
    assert report.meta["agency_name"] in (original.meta["agency_name"], None, OWN_SIGNATURE.get(twin.stem))
    assert report.meta["published_date"] in (original.meta["published_date"], None)


def test_a_table_cut_off_at_the_page_edge_is_partial_and_says_so():
    """A portrait page whose Table 2 runs off the right edge: the 总计 column is not printed.
    The report is partial with a warning that says so; the totals are filled only because each
    row's identity forces them (总计 = the six applicant columns), and marked derived."""
    report = _read(RENDERINGS / "clipped" / "050_pingtan-shichangjianguanju_2025.pdf")
    original = _read(ROOT / "data" / "raw" / "real" / "050_pingtan-shichangjianguanju_2025.html")
    assert report.status == "partial"
    assert any("runs to the edge of the page" in w and "cut off" in w for w in report.warnings)
    assert report.values == original.values
    # a row whose total alone is missing gets it from its parts; an all-zero row is derived whole
    for key in report.derived:
        row = key.split(".")[1]
        assert key.endswith(".total") or all(original.values[f"t2.{row}.{c}"] == 0 for c in ("total", "natural_person"))
    assert "t2.new_received.total" in report.derived and "t2.new_received.natural_person" not in report.derived
