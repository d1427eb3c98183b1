#!/usr/bin/env python
"""Make realistic scans of real reports: the printed page photographed back, with no text layer.

Offices publish the signed, stamped report as a scan. This turns each LibreOffice PDF rendering
of a bundled real report (``tests/fixtures/renderings/``, made by ``render_real_reports.py``;
its HTML twin is the truth) into a PDF of page images the way a scanner would:

- each page rendered at 150–200 dpi (chosen per report),
- turned by up to ±1.5°, the corners filled with paper,
- a grey, slightly warm paper tone, uneven from top to bottom,
- sensor noise, a slight blur, JPEG compression (quality 55–80),
- a red seal (a ring with a star and text) stamped over part of the last page and, in about
  one report in three, across the middle of another page (over a table).

Everything is seeded by the file's name (and ``--seed``, for another set made the same way:
other turns, tones, noise and seals), so a scan is made the same way every time. Only
pypdfium2, NumPy and Pillow are needed (installed with the project).

Writes ``<out>/<stem>.scan.pdf`` and ``<out>/MANIFEST.csv`` (file, sha256, twin, pages, dpi,
angles, seal pages, made_by). By default every rendering goes to ``benchmarks/out/scans/``
(not committed: about 150 MB); ``--fixtures`` writes the few committed test fixtures to
``tests/fixtures/scans/``.

``--producer chromium`` scans the Chromium renderings instead (another page size, font and table
drawing; ``benchmarks/out/scans-chromium/``): a second held-out set, made after the reader was built.

Usage:  .venv/bin/python scripts/make_scans.py [--fixtures] [--only SUBSTRING] [--out DIR]
        [--producer libreoffice|chromium] [--seed TEXT]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import random
import sys
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter

REPO = Path(__file__).resolve().parents[1]
RENDERINGS = REPO / "tests" / "fixtures" / "renderings"
MANIFESTS = (RENDERINGS / "MANIFEST.csv", RENDERINGS / "corpus" / "MANIFEST.csv")
DEFAULT_OUT = REPO / "benchmarks" / "out" / "scans"
# the PDF renderings a scan can be made from: the manifest's format for each producer
PRODUCERS = {"libreoffice": "pdf", "chromium": "pdf-chromium"}
FIXTURES_OUT = REPO / "tests" / "fixtures" / "scans"
# Committed fixtures (this project's renderings, not the corpus maintainers'): two 2021-format
# reports and a 2019-format one whose seal is stamped over its Table 2 (the repository stays lean).
FIXTURES = ("023_pingtan_2022.pdf", "030_pingtan-guanweihuibangongshi_2025.pdf",
            "046_pingtan-shichangjianguanju_2020.pdf")


def _sources(only: str | None, fixtures: bool, producer: str = "libreoffice") -> list[dict]:
    out = []
    for manifest in MANIFESTS:
        with manifest.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["format"] != PRODUCERS[producer]:
                    continue
                row["path"] = manifest.parent / row["file"]
                # the corpus maintainers' renderings share their stems with ours
                row["stem"] = ("corpus-" if manifest.parent.name == "corpus" else "") + Path(row["file"]).stem
                if fixtures and (row["stem"].startswith("corpus-") or row["file"] not in FIXTURES):
                    continue
                if only and only not in row["file"]:
                    continue
                out.append(row)
    return out


def _seal(size: int, rng: random.Random) -> Image.Image:
    """A red official seal: a double ring, a star, and a ring of strokes standing for its text."""
    seal = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    red = (200 + rng.randint(0, 40), 20 + rng.randint(0, 30), 30 + rng.randint(0, 30), 170 + rng.randint(0, 50))
    width = max(3, size // 40)
    draw.ellipse((width, width, size - width, size - width), outline=red, width=width)
    c, r = size / 2, size * 0.14
    points = []
    for i in range(10):
        angle = -np.pi / 2 + i * np.pi / 5
        radius = r if i % 2 == 0 else r * 0.4
        points.append((c + radius * np.cos(angle), c + radius * np.sin(angle)))
    draw.polygon(points, fill=red)
    for i in range(16):  # the agency's name around the ring: short strokes like characters
        angle = np.pi * (0.8 + 1.4 * i / 15)
        x, y = c + size * 0.36 * np.cos(angle), c + size * 0.36 * np.sin(angle)
        s = size * 0.035
        draw.rectangle((x - s, y - s, x + s, y + s), outline=red, width=max(2, width // 2))
        draw.line((x - s, y, x + s, y), fill=red, width=max(2, width // 2))
    draw.line((c - size * 0.2, c + size * 0.25, c + size * 0.2, c + size * 0.25), fill=red, width=width)
    return seal.filter(ImageFilter.GaussianBlur(0.8)).rotate(rng.uniform(-20, 20), resample=Image.BICUBIC)


def scan_page(image: Image.Image, rng: random.Random, seal_at: tuple[float, float] | None) -> tuple[Image.Image, float]:
    """One printed page as a scanner returns it; returns the image and the angle it was turned by."""
    width, height = image.size
    if seal_at is not None:
        size = int(min(width, height) * 0.3)
        seal = _seal(size, rng)
        x, y = int(seal_at[0] * width - size / 2), int(seal_at[1] * height - size / 2)
        image = image.convert("RGBA")
        layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
        layer.paste(seal, (x, y), seal)
        # ink multiplies with what is printed below it, as a stamp on a printed page does
        base = np.asarray(image, dtype=np.float32)[..., :3]
        ink = np.asarray(layer, dtype=np.float32)
        alpha = ink[..., 3:4] / 255.0
        mixed = base * (1 - alpha) + base * (ink[..., :3] / 255.0) * alpha
        image = Image.fromarray(mixed.clip(0, 255).astype(np.uint8))
    image = image.convert("RGB")
    angle = rng.uniform(-1.5, 1.5)
    paper = (238 + rng.randint(-6, 6), 234 + rng.randint(-6, 6), 224 + rng.randint(-6, 6))
    image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=(255, 255, 255))
    pixels = np.asarray(image, dtype=np.float32) / 255.0
    shade = np.linspace(1.0, rng.uniform(0.93, 0.99), height, dtype=np.float32)[:, None, None]
    pixels = pixels * np.array(paper, dtype=np.float32)[None, None, :] * shade
    noise = np.random.default_rng(rng.randint(0, 2**32 - 1)).normal(0, rng.uniform(5, 10), pixels.shape[:2])
    pixels = pixels + noise[..., None].astype(np.float32)
    image = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.9)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=rng.randint(55, 80))
    return Image.open(io.BytesIO(buffer.getvalue())), angle


def make_scan(source: Path, target: Path, seed: str = "") -> dict:
    rng = random.Random(f"{seed}:{source.name}" if seed else source.name)
    dpi = rng.choice((150, 165, 180, 200))
    pdf = pdfium.PdfDocument(str(source))
    n = len(pdf)
    seals = {n - 1: (rng.uniform(0.55, 0.8), rng.uniform(0.6, 0.85))}
    if rng.random() < 1 / 3 and n > 1:  # a seal over a table: stamped across the middle of another page
        seals[rng.randrange(0, n - 1)] = (rng.uniform(0.35, 0.7), rng.uniform(0.3, 0.7))
    pages, angles = [], []
    for i in range(n):
        image = pdf[i].render(scale=dpi / 72).to_pil()
        page, angle = scan_page(image, rng, seals.get(i))
        pages.append(page)
        angles.append(round(angle, 2))
    pdf.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(target, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return {"pages": n, "dpi": dpi, "angles": " ".join(map(str, angles)),
            "seal_pages": " ".join(str(p + 1) for p in sorted(seals))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", action="store_true", help="write the committed test fixtures only")
    parser.add_argument("--only", help="only renderings whose name contains this")
    parser.add_argument("--out", type=Path, help="output folder")
    parser.add_argument("--producer", default="libreoffice", choices=sorted(PRODUCERS),
                        help="scan the renderings of this producer (default libreoffice; chromium scans "
                             "go to benchmarks/out/scans-chromium/)")
    parser.add_argument("--seed", default="", help="scan every page another way (another turn, tone, noise, "
                        "seal): a fresh held-out set of the same reports")
    args = parser.parse_args(argv)
    default = DEFAULT_OUT if args.producer == "libreoffice" else DEFAULT_OUT.with_name(f"scans-{args.producer}")
    out = args.out or (FIXTURES_OUT if args.fixtures else default)
    rows = []
    for row in _sources(args.only, args.fixtures, args.producer):
        target = out / f"{row['stem']}.scan.pdf"
        facts = make_scan(row["path"], target, args.seed)
        rows.append({"file": target.name, "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
                     "twin": row["twin"], **facts,
                     "made_by": f"scripts/make_scans.py from {row['path'].relative_to(REPO)}"})
        print(f"{target.relative_to(REPO) if target.is_relative_to(REPO) else target}: "
              f"{facts['pages']} pages at {facts['dpi']} dpi", file=sys.stderr)
    with (out / "MANIFEST.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["file", "sha256", "twin", "pages", "dpi", "angles",
                                                    "seal_pages", "made_by"])
        writer.writeheader()
        writer.writerows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
