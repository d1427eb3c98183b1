"""`ogi ingest`: every file accounted for, cached, reconciled, identical whatever the engine."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from helpers.corpus import cache, engines, outputs, pipeline
from helpers.cli import main
from helpers.corpus import ingest
from helpers.corpus.store import BASE_TABLES, WIDE_TABLES

from support import FIXTURES, RAW

SEED_002 = RAW / "seeds" / "002_ed735561ce7e8ab6.txt"
HTML_050 = RAW / "real" / "050_pingtan-shichangjianguanju_2025.html"
PDF_050 = FIXTURES / "rendered" / "050_pingtan-shichangjianguanju_2025.pdf"
HTML_049 = RAW / "real" / "049_pingtan-shichangjianguanju_2023.html"
HTML_027 = RAW / "real" / "027_pingtan-shichangjianguanju_2024.html"


def _mixed_folder(root: Path) -> Path:
    """Good reports, a byte-identical copy, the same report as HTML and PDF, bad files."""
    raw = root / "raw"
    (raw / "a").mkdir(parents=True)
    (raw / "b" / "c").mkdir(parents=True)
    shutil.copy(SEED_002, raw / "a")
    shutil.copy(SEED_002, raw / "b" / "copy_of_002.txt")
    shutil.copy(HTML_049, raw / "a")
    shutil.copy(HTML_027, raw / "a")
    shutil.copy(HTML_050, raw / "a")
    shutil.copy(PDF_050, raw / "b" / "c")
    (raw / "b" / "broken.pdf").write_bytes(PDF_050.read_bytes()[:5000])
    (raw / "b" / "empty.txt").write_bytes(b"")
    (raw / "b" / "news.txt").write_text("今天天气很好，我们去公园散步。", encoding="utf-8")
    return raw


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in BASE_TABLES + WIDE_TABLES}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed")
    raw = _mixed_folder(root)
    out = root / "processed"
    summary = ingest(raw, out, workers=2, progress=False)
    return raw, out, summary


def test_every_file_is_accounted_for(mixed):
    raw, out, summary = mixed
    t = _tables(out)
    files = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file())
    accounted = sorted([*t["reports"]["file"], *t["errors"]["file"], *t["duplicates"]["file"]])
    assert accounted == files
    assert summary.n_files == 9 and summary.n_reports == 4 and summary.n_errors == 3 and summary.n_duplicates == 2
    errors = dict(zip(t["errors"]["file"], t["errors"]["error_type"]))
    assert errors == {"b/broken.pdf": "corrupt_file", "b/empty.txt": "empty_file", "b/news.txt": "not_a_report"}


def test_duplicates_are_kept_once_and_listed(mixed):
    _, out, _ = mixed
    dup = _tables(out)["duplicates"].set_index("file")
    assert dup.loc["b/copy_of_002.txt", "reason"] == "identical bytes"
    assert dup.loc["b/copy_of_002.txt", "kept_file"] == "a/002_ed735561ce7e8ab6.txt"
    rendered = dup.loc["b/c/050_pingtan-shichangjianguanju_2025.pdf"]
    assert (rendered["reason"], rendered["kept_file"]) == ("same agency and year", "a/050_pingtan-shichangjianguanju_2025.html")
    assert not rendered["values_disagree"]


def test_tables_and_duckdb_agree(mixed):
    _, out, _ = mixed
    con = duckdb.connect(str(out / "ogi.duckdb"), read_only=True)
    try:
        for name in BASE_TABLES + WIDE_TABLES:
            assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == len(pd.read_parquet(out / f"{name}.parquet"))
        total = con.execute("SELECT value FROM cells c JOIN reports r USING (report_id) "
                            "WHERE r.file = 'a/002_ed735561ce7e8ab6.txt' AND key = 't2.new_received.total'").fetchone()
        assert total == (1.0,)
        apps = con.execute("SELECT natural_person, total FROM applications a JOIN reports r USING (report_id) "
                           "WHERE r.report_year = 2025 AND a.row = 'other_fee_unpaid'").fetchall()
        assert apps == [(2, 2)] and all(type(v) is int for v in apps[0])  # counts are integers, not 2.0
        fees = con.execute("SELECT r.file, fee_notices, fee_notified_amount_wan, fee_collected_amount_wan "
                           "FROM processing_fees JOIN reports r USING (report_id)").fetchall()
        assert fees == [("a/050_pingtan-shichangjianguanju_2025.html", 1, 0.08, 0.0)]  # 1 notice, 800 元, 0 collected
        assert type(fees[0][1]) is int
    finally:
        con.close()


def test_wide_tables_read_back_with_integer_counts_and_null_blanks(mixed):
    _, out, _ = mixed
    t = _tables(out)
    assert str(t["applications"]["total"].dtype) == "Int64"
    assert str(t["review_litigation"]["review_total"].dtype) == "Int64"
    active = t["active_disclosure"]
    assert str(active["in_force"].dtype) == "Int64" and str(active["items_change"].dtype) == "Int64"
    assert str(active["fee_amount_wan"].dtype) == "float64"
    # seed 002 (2020 format) has no 2021 columns: null, not 0
    seed = active[active["report_id"] == t["reports"].set_index("file").loc["a/002_ed735561ce7e8ab6.txt", "report_id"]]
    assert seed["in_force"].isna().all() and seed["made_new"].notna().any()


def test_reports_carry_the_statistics_period(mixed):
    _, out, _ = mixed
    reports = _tables(out)["reports"].set_index("file")
    assert reports.loc["a/027_pingtan-shichangjianguanju_2024.html", ["period_start", "period_end", "is_part_year"]
                       ].tolist() == ["2024-01-01", "2024-12-31", False]
    assert reports.loc["a/002_ed735561ce7e8ab6.txt", ["period_start", "period_end", "is_part_year"]].isna().all()


def test_absent_period_meta_is_null_and_a_part_year_flag_is_kept(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED_002, raw)
    shutil.copy(HTML_049, raw)
    real_load = cache.Cache.load_summary

    def load_summary(self, sha, input_format):
        summary = real_load(self, sha, input_format)
        for key in ("period_start", "period_end", "is_part_year"):
            summary["meta"].pop(key, None)  # as a parser that does not know the period
        if summary["meta"].get("report_year") == 2023:
            summary["meta"].update(period_start="2023-09-01", period_end="2023-12-31", is_part_year=1)
        return summary

    monkeypatch.setattr(cache.Cache, "load_summary", load_summary)
    ingest(raw, tmp_path / "out", workers=1, progress=False)
    reports = pd.read_parquet(tmp_path / "out" / "reports.parquet").set_index("file")
    assert reports.loc["049_pingtan-shichangjianguanju_2023.html", ["period_start", "period_end", "is_part_year"]
                       ].tolist() == ["2023-09-01", "2023-12-31", True]
    assert reports.loc["002_ed735561ce7e8ab6.txt", ["period_start", "period_end", "is_part_year"]].isna().all()


def test_cross_year_checks_and_report_columns(mixed):
    _, out, _ = mixed
    t = _tables(out)
    reports = t["reports"].set_index("file")
    assert reports.loc["a/050_pingtan-shichangjianguanju_2025.html", "agency_key"] == \
        reports.loc["a/027_pingtan-shichangjianguanju_2024.html", "agency_key"]
    xy = t["cross_year_checks"]
    inforce = xy[(xy["id"] == "X-INFORCE") & (xy["scope"] == "normative_docs") & (xy["report_year"] == 2025)]
    assert list(inforce["status"]) == ["fail"]  # 56 + 1 − 1 = 56, printed 73
    assert "73" in inforce["detail"].iloc[0]


def test_reingest_unchanged_parses_nothing(mixed, tmp_path):
    raw, out, _ = mixed
    before = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    again = ingest(raw, out, workers=2, progress=False)
    assert again.up_to_date and again.n_parsed == 0
    assert {p.name: p.read_bytes() for p in out.glob("*.parquet")} == before


def test_changed_file_is_parsed_alone_and_parser_upgrade_reparses_all(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED_002, raw)
    shutil.copy(HTML_049, raw)
    out = tmp_path / "out"
    assert ingest(raw, out, workers=1, progress=False).n_parsed == 2
    (raw / "extra.txt").write_bytes(SEED_002.read_bytes().replace("小楼镇".encode(), "大楼镇".encode()))
    second = ingest(raw, out, workers=1, progress=False)
    assert (second.n_parsed, second.n_cached) == (1, 2)
    monkeypatch.setattr("helpers.corpus.cache.PARSER_VERSION", "999")
    monkeypatch.setattr(pipeline, "PARSER_VERSION", "999")
    assert ingest(raw, out, workers=1, progress=False).n_parsed == 3


def test_killed_ingest_then_rerun_equals_clean_run(tmp_path, monkeypatch):
    raw = _mixed_folder(tmp_path)
    clean = tmp_path / "clean"
    ingest(raw, clean, workers=1, progress=False)
    interrupted = tmp_path / "interrupted"
    real_run = engines.run

    def dying(paths, cache_root, **kwargs):
        for i, payload in enumerate(real_run(paths, cache_root, **kwargs)):
            if i == 3:
                raise KeyboardInterrupt
            yield payload

    monkeypatch.setattr(engines, "run", dying)
    with pytest.raises(KeyboardInterrupt):
        ingest(raw, interrupted, workers=1, progress=False)
    monkeypatch.setattr(engines, "run", real_run)
    rerun = ingest(raw, interrupted, workers=1, progress=False)
    assert rerun.n_cached == 4  # what was parsed (and cached) before the kill is not parsed again
    for name in BASE_TABLES + WIDE_TABLES:
        assert (interrupted / f"{name}.parquet").read_bytes() == (clean / f"{name}.parquet").read_bytes(), name
    assert not [p for p in interrupted.iterdir() if p.name.startswith(".") and p.name != ".cache"]


def test_overrides_are_applied_recorded_and_rechecked(tmp_path):
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    shutil.copy(SEED_002, raw)
    sha = "8b61efc1cd6443c988d0963cb50ea6cbae8ad0aa197ca20a78176bb457f7f681"
    overrides = tmp_path / "data" / "overrides.csv"
    overrides.write_text(
        "report_id,agency_name,report_year,key,value,reason,source\n"
        f"{sha[:16]},,,t2.total_handled.natural_person,1,printed 0 but the one application was granted,narrative 一\n"
        ",广州市增城区小楼镇人民政府,2020,t2.total_handled.total,1,same,narrative 一\n", encoding="utf-8")
    out = tmp_path / "data" / "processed"
    ingest(raw, out, workers=1, progress=False)
    t = _tables(out)
    applied = t["overrides_applied"]
    assert sorted(applied["key"]) == ["t2.total_handled.natural_person", "t2.total_handled.total"]
    assert list(applied["original_value"]) == [0.0, 0.0] and list(applied["value"]) == [1.0, 1.0]
    cell = t["cells"].set_index("key").loc["t2.total_handled.total"]
    assert (cell["value"], cell["original_value"], bool(cell["overridden"]), cell["raw_text"]) == (1.0, 0.0, True, "0")
    checks = t["checks"].set_index(["id", "scope"])
    assert checks.loc[("T2-OUT", "total"), "status"] == "pass"  # 1 == 1 after the correction
    assert checks.loc[("T2-BAL", "total"), "status"] == "pass"  # 1 + 0 == 1 + 0
    assert (raw / "002_ed735561ce7e8ab6.txt").read_bytes() == SEED_002.read_bytes()


def test_manifest_differences_are_warnings(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED_002, raw)
    shutil.copy(HTML_049, raw)
    (raw / "sources.csv").write_text("file,sha256\n002_ed735561ce7e8ab6.txt,deadbeef\nmissing.txt,00\n", encoding="utf-8")
    out = tmp_path / "out"
    ingest(raw, out, workers=1, progress=False)
    warnings = pd.read_parquet(out / "warnings.parquet")
    manifest = warnings[warnings["source"] == "manifest"].set_index("file")["message"]
    assert manifest["missing.txt"] == "listed in sources.csv but the file is missing"
    assert manifest["002_ed735561ce7e8ab6.txt"].startswith("sha256 differs from sources.csv")
    assert manifest["049_pingtan-shichangjianguanju_2023.html"] == "not listed in sources.csv; ingested anyway"


def test_cli_ingest_query_export(tmp_path, capsys):
    raw = _mixed_folder(tmp_path)
    out = tmp_path / "out"
    assert main(["ingest", str(raw), "--out", str(out), "--workers", "2", "--summary"]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 10 and printed[-1].startswith("9 files: 4 reports, 2 duplicates, 3 errors")
    written = ", ".join(f"{t.name} {len(pd.read_parquet(out / f'{t.name}.parquet')):,}" for t in outputs.TABLES)
    assert printed[-1].endswith(f"→ wrote {out}/*.parquet and ogi.duckdb: {written} rows")  # what it wrote
    assert "reports 4, " in written and "processing_fees 1, " in written
    assert main(["ingest", str(raw), "--out", str(out)]) == 0  # as `make run` calls it: one line
    again = capsys.readouterr().out.splitlines()
    assert len(again) == 1 and again[0].startswith("9 files: outputs up to date (") and again[0].endswith(
        f"in {out}: {written} rows")
    assert main(["query", "SELECT report_year, sum(value) AS applications FROM cells JOIN reports USING (report_id) "
                 "WHERE key = 't2.new_received.total' GROUP BY report_year ORDER BY report_year",
                 "--db", str(out / "ogi.duckdb"), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["report_year,applications", "2020,1.0", "2023,1.0",
                                                    "2024,4.0", "2025,21.0"]  # cells.value is a decimal
    db = ["--db", str(out / "ogi.duckdb")]
    assert main(["query", "SELECT r.report_year, sum(a.total) AS received, max(a.org_research) AS research "
                 "FROM applications a JOIN reports r USING (report_id) WHERE a.row = 'new_received' "
                 "GROUP BY 1 ORDER BY 1", *db]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "report_year received research", "       2020        1        0", "       2023        1        0",
        "       2024        4        0", "       2025       21        0"]
    assert main(["query", "SELECT sum(value) AS requests, NULL::BIGINT AS blank, 0.08 AS fee_wan FROM cells "
                 "WHERE key = 't2.new_received.total'", *db]) == 0
    assert capsys.readouterr().out.splitlines() == ["requests blank fee_wan", "      27          0.08"]
    assert main(["query", "SELECT sum(total) AS received, NULL::BIGINT AS blank FROM applications "
                 "WHERE row = 'new_received'", *db, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["received,blank", "27,"]
    assert main(["query", "SELECT sum(total) AS received FROM applications WHERE row = 'new_received'", *db,
                 "--format", "json"]) == 0
    assert capsys.readouterr().out.strip() == '[{"received":27}]'
    assert main(["export", "--xlsx", str(tmp_path / "x.xlsx"), "--db", str(out / "ogi.duckdb")]) == 0
    assert (tmp_path / "x.xlsx").stat().st_size > 0


def test_dask_engine_gives_byte_identical_tables(tmp_path):
    distributed = pytest.importorskip("distributed")
    raw = _mixed_folder(tmp_path)
    local = tmp_path / "local"
    ingest(raw, local, workers=2, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = tmp_path / "dask"
        summary = ingest(raw, remote, engine="dask", scheduler=cluster.scheduler_address, progress=False)
    assert summary.n_parsed == 8
    for name in BASE_TABLES + WIDE_TABLES:
        assert (remote / f"{name}.parquet").read_bytes() == (local / f"{name}.parquet").read_bytes(), name
