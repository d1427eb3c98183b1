"""The README stays true: the two commands first, every output table documented."""

from __future__ import annotations

import re

from helpers import outputs

from support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_output_table_and_column_is_documented():
    for table in outputs.TABLES:
        row = next((line for line in README.splitlines() if line.startswith(f"| `{table.name}`")), None)
        assert row is not None, table.name
        for column in table.columns:
            assert f"`{column.name}`" in row, (table.name, column.name)
