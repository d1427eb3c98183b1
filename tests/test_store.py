"""`ogi run` writes every input file to data/processed: parsed reports or error records."""

from __future__ import annotations

import json
import shutil

import pandas as pd

from helpers.cli import main

from support import RAW


def test_run_accounts_for_every_file(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / "seeds" / "002_ed735561ce7e8ab6.txt", raw)
    (raw / "nested").mkdir()
    shutil.copy(RAW / "partial" / "013_shenzhen-longgang-qzfgzbm_2024_partial.txt", raw / "nested")
    (raw / "empty.txt").write_bytes(b"")
    (raw / "news.txt").write_text("今天天气很好，我们去公园散步。", encoding="utf-8")
    out = tmp_path / "processed"
    assert main(["run", str(raw), "--out", str(out)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 5 and lines[-1].startswith("4 files: 1 ok, 1 partial, 2 error")
    reports = pd.read_parquet(out / "reports.parquet")
    errors = pd.read_parquet(out / "errors.parquet")
    assert sorted(reports["file"]) == ["002_ed735561ce7e8ab6.txt", "nested/013_shenzhen-longgang-qzfgzbm_2024_partial.txt"]
    assert sorted(zip(errors["file"], errors["error_type"])) == [("empty.txt", "empty_file"), ("news.txt", "not_a_report")]
    cells = pd.read_parquet(out / "cells.parquet")
    row = cells[(cells["key"] == "t1.art20_9.central_procurement.procurement_amount_wan")].iloc[0]
    assert row["raw_text"] == "426796元" and row["value"] == 42.6796
    checks = pd.read_parquet(out / "checks.parquet")
    assert set(checks[checks["status"] == "fail"]["id"]) == {"T2-BAL", "T2-OUT"}
    records = [json.loads(x) for x in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in records] == ["ok", "error", "partial", "error"]
    # re-running replaces the outputs with the same content
    before = (out / "reports.jsonl").read_bytes()
    assert main(["run", str(raw), "--out", str(out)]) == 0
    assert (out / "reports.jsonl").read_bytes() == before
    assert not list(out.glob(".*"))  # no temporary files left behind
