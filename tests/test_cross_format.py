"""Every rendering of a report (PDF, DOCX, XLSX) yields exactly the values of its original
(text derived from the published HTML page, or the published PDF's layout text).

Renderings live beside a ``<name>.expected.json`` naming the original they were made from
(``rendered_from``); the scripts that make them are ``scripts/render_pdf_fixtures.py`` and
``tests/fixtures/office/make_office_fixtures.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import read_report

from support import FIXTURES, ROOT

RENDER_DIRS = [FIXTURES / "rendered", FIXTURES / "office"]
SUFFIXES = (".pdf", ".docx", ".xlsx")


def _original_text(rendering: Path) -> Path | None:
    """The text of the original report a rendering was made from.

    A ``<name>.expected.json`` beside the rendering names it (``rendered_from``); otherwise the
    rendering's name is the original's, with a variant suffix such as ``_split``.
    """
    expected = rendering.with_name(rendering.stem + ".expected.json")
    if expected.exists():
        stem = Path(json.loads(expected.read_text(encoding="utf-8"))["rendered_from"]).stem
        return FIXTURES / "text" / f"{stem}.txt"
    parts = rendering.stem.split("_")
    while parts:
        base = "_".join(parts)
        for candidate in (f"{base}.txt", f"{base}_layout.txt"):
            if (FIXTURES / "text" / candidate).exists():
                return FIXTURES / "text" / candidate
        parts.pop()
    return None


def _renderings() -> list[tuple[Path, Path]]:
    out = []
    for folder in RENDER_DIRS:
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            if path.suffix in SUFFIXES:
                original = _original_text(path)
                assert original is not None, f"no original for {path}"
                out.append((path, original))
    return out


RENDERINGS = _renderings()


@pytest.mark.parametrize("rendering, original_text", RENDERINGS, ids=[r.name for r, _ in RENDERINGS])
def test_rendering_reads_like_its_original(rendering, original_text):
    original = read_report(original_text)
    report = read_report(rendering)
    assert report.status == "ok", report.warnings
    assert report.values == original.values
    for field in ("agency_name", "report_year", "template"):
        assert report.meta[field] == original.meta[field], field
    assert report.input_format == rendering.suffix.lstrip(".")


def test_every_format_is_rendered():
    formats = {r.suffix for r, _ in RENDERINGS}
    assert formats == {".pdf", ".docx", ".xlsx"}, formats
    assert (ROOT / "scripts" / "render_pdf_fixtures.py").exists()
