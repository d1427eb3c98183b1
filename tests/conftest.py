"""Shared fixtures."""

from __future__ import annotations

import json

import pytest

from support import FIXTURES


@pytest.fixture(scope="session")
def expected_fixtures() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((FIXTURES / "expected").glob("*.json"))}
