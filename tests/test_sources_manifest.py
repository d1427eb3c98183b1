"""data/raw/sources.csv records every raw file once, with a checksum that still matches.

Raw files are immutable: a failing checksum means a raw file was edited (put the correction
in an overrides file instead) or replaced without updating its provenance row.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = REPO_ROOT / "data" / "raw"
SOURCES_CSV = RAW_DIR / "sources.csv"
REFERENCE_DIR = REPO_ROOT / "data" / "reference"

SOURCES_COLUMNS = [
    "file",
    "sha256",
    "source",
    "agency",
    "report_year",
    "template",
    "input_format",
    "notes",
]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def raw_report_files() -> list[str]:
    """Paths under data/raw, relative and '/'-separated, that sources.csv must record."""
    return sorted(
        path.relative_to(RAW_DIR).as_posix()
        for path in RAW_DIR.rglob("*")
        if path.is_file()
        and path != SOURCES_CSV
        and not path.name.upper().startswith("README")
    )


def read_sources() -> list[dict[str, str]]:
    with SOURCES_CSV.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == SOURCES_COLUMNS
        return list(reader)


def test_every_raw_file_has_exactly_one_row():
    row_counts = Counter(row["file"] for row in read_sources())
    files = raw_report_files()
    assert files, "data/raw holds no reports"
    unrecorded = [name for name in files if row_counts[name] == 0]
    duplicated = sorted(name for name, count in row_counts.items() if count > 1)
    assert unrecorded == [], "add these files to data/raw/sources.csv"
    assert duplicated == [], (
        "these files have more than one row in data/raw/sources.csv"
    )


def test_every_row_points_to_an_existing_file():
    missing = [
        row["file"] for row in read_sources() if not (RAW_DIR / row["file"]).is_file()
    ]
    assert missing == []


@pytest.mark.parametrize("row", read_sources(), ids=lambda row: row["file"])
def test_row_checksum_matches_file(row):
    path = RAW_DIR / row["file"]
    if not path.is_file():
        pytest.skip(
            "missing file is reported by test_every_row_points_to_an_existing_file"
        )
    assert sha256_of(path) == row["sha256"], (
        f"data/raw/{row['file']} changed since it was recorded"
    )


@pytest.mark.parametrize("row", read_sources(), ids=lambda row: row["file"])
def test_row_has_provenance(row):
    assert row["source"].strip(), "say where the document comes from"
    assert re.fullmatch(r"[0-9a-f]{64}", row["sha256"])
    assert re.fullmatch(r"(19|20)\d\d", row["report_year"])
    assert row["template"] in {"gov2019", "gov2021", "legacy"}


def test_html_source_matches_the_files_own_header():
    # An archived page that names its archive path in its first line must agree with the
    # manifest; whole pages (the panel's) carry no such line, and say so in the manifest.
    for row in read_sources():
        if not row["file"].endswith(".html"):
            continue
        first_line = (RAW_DIR / row["file"]).read_text(encoding="utf-8").splitlines()[0].strip()
        if first_line.startswith("<!-- source:"):
            assert first_line in (f"<!-- source: {row['source']} -->",
                                  f"<!-- source: {row['source']}; excerpt: title element + article container -->"), row["file"]
        else:
            assert row["file"].startswith("panel/") and "whole page" in row["input_format"], row["file"]


def test_reference_readme_records_template_checksum():
    template = REFERENCE_DIR / "gov2021-template.docx"
    readme = (REFERENCE_DIR / "README.md").read_text(encoding="utf-8")
    assert sha256_of(template) in readme
