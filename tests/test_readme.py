"""The README stays true: the two commands first, every output table documented."""

from __future__ import annotations

import re

from helpers.corpus import outputs

from support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _dictionary_row(table: outputs.OutputTable) -> str:
    """The README's data dictionary row of ``table``, as ``outputs.py`` declares it."""
    columns = ", ".join(f"`{c.name}`" for c in table.columns)
    return f"| `{table.name}` ({table.label_zh}) | {table.description} | {columns} |"


def test_every_output_table_and_column_is_documented():
    for table in outputs.TABLES:
        row = next((line for line in README.splitlines() if line.startswith(f"| `{table.name}`")), None)
        assert row is not None, table.name
        for column in table.columns:
            assert f"`{column.name}`" in row, (table.name, column.name)


def test_data_dictionary_lists_the_declared_tables_in_order_exactly():
    lines = README.splitlines()
    start = lines.index("| table | rows | columns |") + 2
    documented = [line for line in lines[start:start + len(outputs.TABLES) + 1] if line.startswith("| `")]
    assert documented == [_dictionary_row(t) for t in outputs.TABLES]


def test_data_dictionary_documents_the_information_processing_fee_keys():
    section = README.split("## Data dictionary", 1)[1].split("\n## ", 1)[0]
    for column in outputs.table("processing_fees").columns[1:]:
        assert f"`t4.{column.name}`" in section
