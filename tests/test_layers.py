"""The folders show the architecture: four layers over the core, imports one way, no cycles.

The contracts are import-linter's (``[tool.importlinter]`` in pyproject.toml); the cycle check
walks grimp's import graph. The README's *Architecture* section describes the same layers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from support import ROOT

SRC = ROOT / "src"


def test_the_import_contracts_are_kept():
    beside_python = Path(sys.executable).parent / "lint-imports"
    command = str(beside_python) if beside_python.exists() else shutil.which("lint-imports")
    if command is None:
        pytest.fail("import-linter is not installed (it is a dev dependency)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([command, "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph("helpers", cache_dir=None)
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycles.append((importer, *back))
    assert cycles == []


def test_at_most_ten_modules_at_the_top():
    top = sorted(p.name for p in (SRC / "helpers").glob("*.py"))
    assert len(top) <= 10, top


def test_the_public_face_stays():
    code = ("from helpers import read_report, parse_file, analysis, charts, views, panel, agency, schema; "
            "import helpers.corpus; from helpers.corpus import ingest; "
            "print(analysis.load_tables.__module__, charts.__name__, views.__name__, agency.__name__)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.split() == ["helpers.analysis.metrics", "helpers.analysis.charts", "helpers.analysis.views",
                                     "helpers.corpus.agency"], result.stderr
