"""Shared fixtures."""

from __future__ import annotations

import json
import os
import shutil
import tempfile

import pytest

from support import FIXTURES


@pytest.fixture(scope="session")
def expected_fixtures() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((FIXTURES / "expected").glob("*.json"))}


def pytest_configure(config):
    """OCR'd pages are cached for the session in a folder of its own, never in the user's cache."""
    if "OGI_CACHE_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="ogi-test-cache-")
        os.environ["OGI_CACHE_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
