"""Discovery and the output schemas (the ingest itself is tested in test_corpus.py)."""

from __future__ import annotations

from helpers import outputs
from helpers.store import BASE_TABLES, WIDE_TABLES, arrow_schema, discover_reports


def test_discovery_skips_manifest_readme_and_hidden(tmp_path):
    for rel in ("a.txt", "sub/b.html", "sources.csv", "README.md", ".hidden.txt", ".cache/x.txt", "sub/.gitkeep"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in discover_reports(tmp_path)] == ["a.txt", "sub/b.html"]


def test_every_output_table_is_written_with_its_declared_columns():
    declared = {t.name for t in outputs.TABLES}
    assert declared == set(BASE_TABLES) | set(WIDE_TABLES)
    for name in declared:
        assert arrow_schema(name).names == outputs.table(name).column_names
