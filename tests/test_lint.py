"""The code stays free of the errors a linter can prove (unused or undefined names, syntax)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT


def test_ruff_finds_no_errors():
    beside_python = Path(sys.executable).parent / "ruff"  # the venv's own, whatever PATH says
    ruff = str(beside_python) if beside_python.exists() else shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    result = subprocess.run([ruff, "check", "--select", "F,E9,B", "--ignore", "B905", "--quiet",
                             "src", "tests", "benchmarks", "scripts"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_imports_without_optional_readers_loaded():
    code = "import sys, helpers; helpers.read_report('data/raw/seeds/000_77c3b53386b2261e.txt'); " \
           "print(any(m in sys.modules for m in ('pdfplumber', 'docx', 'openpyxl', 'camelot')))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
