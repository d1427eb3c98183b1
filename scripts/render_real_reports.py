#!/usr/bin/env python
"""Render every bundled real HTML report the way offices and readers turn them into files.

For each ``data/raw/real/*.html`` and ``data/raw/panel/*.html`` (the HTML twin) this writes,
under ``tests/fixtures/renderings/``:

- ``<stem>.docx``        LibreOffice Writer, HTML → DOCX; the page turned to landscape when a
                         table is wider than a portrait A4 page (as offices do, so nothing is cut)
- ``<stem>.pdf``         LibreOffice, that DOCX → PDF (Word/WPS-style export)
- ``<stem>.layout.txt``  ``pdftotext -layout`` of that PDF (text someone pulled out of it)
- ``<stem>.xlsx``        LibreOffice Calc, HTML → XLSX
- ``<stem>.chromium.pdf`` headless Chromium "print to PDF" of the HTML page (a second producer,
                         with its own text order and fonts: Droid Sans Fallback, US Letter)

plus variants that must be read honestly rather than exactly:

- ``clipped/<stem>.pdf`` the DOCX → PDF of a report whose Table 2 is wider than the page,
  left in portrait with fixed-width tables pinned to the left margin, so its last column
  runs off the page

and ``MANIFEST.csv`` (file, sha256, twin, format, made_by). The tests never need these
programs; they read the committed files. An HTML fragment without a ``<meta charset>`` is
wrapped in a minimal UTF-8 page first (the browser and LibreOffice would otherwise guess).

Needs (Debian): libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk
chromium fonts-droid-fallback.

Usage:  .venv/bin/python scripts/render_real_reports.py [--only SUBSTRING] [--jobs N]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"
OUT = REPO / "tests" / "fixtures" / "renderings"
TWIN_DIRS = ("real", "panel")
CLIPPED = ("050_pingtan-shichangjianguanju_2025",)  # portrait on purpose: Table 2 runs off the page

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer"]
# Chromium is given its own font set, so its PDFs differ from LibreOffice's in fonts too.
CHROMIUM_FONTS = ("/usr/share/fonts/truetype/droid", "/usr/share/fonts/truetype/dejavu")


def version(command: list[str]) -> str:
    out = subprocess.run(command, capture_output=True, text=True)
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if text else "?"


def utf8_page(html: Path, work: Path) -> Path:
    """The page as the tools should see it: a fragment gets a minimal UTF-8 wrapper."""
    text = html.read_text(encoding="utf-8")
    head = text[:4096].lower()
    if "<meta charset" not in head and "charset=" not in head:
        text = f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n{text}\n</body></html>\n'
    page = work / html.name
    page.write_text(text, encoding="utf-8")
    return page


def soffice(args: list[str], work: Path) -> None:
    profile = work / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", *args, "--outdir", str(work)],
                   check=True, capture_output=True, timeout=300)


def widest_table(doc) -> int:
    """Width (twentieths of a point) of the widest table in a python-docx document."""
    widest = 0
    for table in doc.tables:
        grid = table._tbl.find(qn("w:tblGrid"))
        cols = [int(c.get(qn("w:w")) or 0) for c in grid.findall(qn("w:gridCol"))] if grid is not None else []
        widest = max(widest, sum(cols))
    return widest


def landscape_if_wide(docx_path: Path) -> bool:
    """Turn every section to landscape when a table is wider than the portrait text width."""
    doc = Document(str(docx_path))
    section = doc.sections[0]
    usable = (section.page_width - section.left_margin - section.right_margin) / 635  # EMU → twips
    if widest_table(doc) <= usable:
        return False
    for section in doc.sections:
        if section.orientation != WD_ORIENT.LANDSCAPE:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = section.page_height, section.page_width
    doc.save(str(docx_path))
    return True


def pin_tables_left(docx_path: Path, out: Path) -> None:
    """Fixed-width tables starting at the left margin, as Word keeps a pasted web table: on a
    portrait page a table wider than the text runs off the right edge."""
    doc = Document(str(docx_path))
    for table in doc.tables:
        props = table._tbl.tblPr
        for jc in props.findall(qn("w:jc")):
            jc.set(qn("w:val"), "left")
        layout = props.makeelement(qn("w:tblLayout"), {qn("w:type"): "fixed"})
        props.append(layout)
    doc.save(str(out))


def chromium_pdf(page: Path, out: Path, work: Path) -> None:
    fonts = work / "fonts.conf"
    dirs = "".join(f"<dir>{d}</dir>" for d in CHROMIUM_FONTS)
    fonts.write_text(f'<?xml version="1.0"?><fontconfig>{dirs}<cachedir>{work}/fc-cache</cachedir></fontconfig>')
    env = dict(os.environ, FONTCONFIG_FILE=str(fonts))
    subprocess.run(["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={work}/chromium", f"--print-to-pdf={out}",
                    page.as_uri()], check=True, capture_output=True, timeout=300, env=env)


def render(html: Path, made_by: dict[str, str]) -> list[dict[str, str]]:
    stem = html.stem
    twin = html.relative_to(REPO).as_posix()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        page = utf8_page(html, work)
        soffice(["--convert-to", "docx:MS Word 2007 XML", str(page)], work)
        docx_file = work / f"{stem}.docx"
        if stem in CLIPPED:
            (work / "clipped").mkdir()
            portrait = work / "clipped" / f"{stem}.docx"
            pin_tables_left(docx_file, portrait)
            soffice(["--convert-to", "pdf", str(portrait)], work / "clipped")
            rows.append(_emit(work / "clipped" / f"{stem}.pdf", f"clipped/{stem}.pdf", twin, "pdf-clipped",
                              made_by["lo"] + " (DOCX -> PDF, portrait, table wider than the page)"))
        turned = landscape_if_wide(docx_file)
        soffice(["--convert-to", "pdf", str(docx_file)], work)
        (work / "calc").mkdir()
        soffice(["--infilter=HTML (StarCalc)", "--convert-to", "xlsx", str(page)], work / "calc")
        subprocess.run(["pdftotext", "-layout", str(work / f"{stem}.pdf"), str(work / f"{stem}.layout.txt")],
                       check=True, timeout=120)
        chromium_pdf(page, work / f"{stem}.chromium.pdf", work)
        orientation = "landscape" if turned else "portrait"
        rows.append(_emit(docx_file, f"{stem}.docx", twin, "docx",
                          f"{made_by['lo']} (HTML -> DOCX; {orientation})"))
        rows.append(_emit(work / f"{stem}.pdf", f"{stem}.pdf", twin, "pdf", f"{made_by['lo']} (DOCX -> PDF; {orientation})"))
        rows.append(_emit(work / f"{stem}.layout.txt", f"{stem}.layout.txt", twin, "layout.txt",
                          f"{made_by['pdftotext']} -layout of the LibreOffice PDF"))
        rows.append(_emit(work / "calc" / f"{stem}.xlsx", f"{stem}.xlsx", twin, "xlsx", f"{made_by['lo']} Calc (HTML -> XLSX)"))
        rows.append(_emit(work / f"{stem}.chromium.pdf", f"{stem}.chromium.pdf", twin, "pdf-chromium",
                          f"{made_by['chromium']} --print-to-pdf (US Letter, Droid Sans Fallback)"))
    return rows


def _emit(source: Path, name: str, twin: str, fmt: str, made_by: str) -> dict[str, str]:
    target = OUT / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return {"file": name, "sha256": hashlib.sha256(target.read_bytes()).hexdigest(), "twin": twin,
            "format": fmt, "made_by": made_by}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="render only twins whose name contains this")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    for tool in ("soffice", "pdftotext", "chromium"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed (see this script's docstring)", file=sys.stderr)
            return 1
    made_by = {
        "lo": re.sub(r"^LibreOffice (\d+\.\d+).*", r"LibreOffice \1", version(["soffice", "--version"])),
        "pdftotext": version(["pdftotext", "-v"]).replace(" version ", " "),
        "chromium": re.sub(r"^Chromium (\d+)\..*", r"Chromium \1", version(["chromium", "--version"])),
    }
    twins = sorted(p for d in TWIN_DIRS for p in (RAW / d).glob("*.html") if not args.only or args.only in p.name)
    manifest = OUT / "MANIFEST.csv"
    previous = {}
    if manifest.exists():
        with manifest.open(encoding="utf-8", newline="") as handle:
            previous = {r["file"]: r for r in csv.DictReader(handle)}
    with ThreadPoolExecutor(args.jobs) as pool:
        for rows in pool.map(lambda h: render(h, made_by), twins):
            for row in rows:
                previous[row["file"]] = row
            print(rows[0]["twin"], "->", ", ".join(r["file"] for r in rows), flush=True)
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["file", "sha256", "twin", "format", "made_by"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(previous[k] for k in sorted(previous))
    return 0


if __name__ == "__main__":
    sys.exit(main())
