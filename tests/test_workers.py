"""Worker processes: a file past its time has its worker stopped, a dead worker is replaced, a
file needing more memory than a worker may have fails in it; every item ends with a result and
the rest of its batch runs again. At ingest level, a worker killed mid-file leaves that file
recorded and the rest exact; the next ingest tries the file again."""

from __future__ import annotations

import os
import shutil
import signal
import time
from dataclasses import replace

import pandas as pd
import pytest

from helpers.corpus import engines
from helpers.corpus.cache import Cache, report_entry
from helpers.corpus import ingest
from helpers.limits import DEFAULT_LIMITS
from helpers.report import error_report, parse_file
from helpers.corpus.workers import supervise
from helpers.errors import TIMEOUT, WORKER_DIED

from support import RAW

FAST = replace(DEFAULT_LIMITS, timeout_s=2, worker_memory_mb=1024)


def _work(batch: list, started) -> list:
    """A toy worker's batch: ``("sleep", s)``, ``("kill", _)``, ``("allocate", mb)`` or ``("ok", x)``."""
    out = []
    for i, (what, arg) in enumerate(batch):
        started(i)
        if what == "sleep":
            time.sleep(arg)
        elif what == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif what == "allocate":
            try:
                block = bytearray(arg << 20)
                out.append(("allocated", len(block) >> 20, os.getpid()))
                continue
            except MemoryError:
                out.append(("memory", arg, os.getpid()))
                continue
        out.append(("ok", arg, os.getpid()))
    return out


def _failed(item, kind, detail):
    return (kind, item[1], detail)


def test_every_item_gets_its_result_when_all_goes_well():
    batches = [[("ok", i), ("ok", i + 100)] for i in range(5)]
    results = list(supervise(batches, _work, _failed, workers=2, limits=FAST))
    assert sorted(r[1] for r in results) == [*range(5), *range(100, 105)]
    assert len({r[2] for r in results}) == 2  # two worker processes shared the batches


def test_an_item_past_its_time_has_its_worker_stopped_and_the_batch_goes_on():
    started = time.monotonic()
    results = list(supervise([[("ok", 1), ("sleep", 60), ("ok", 2)], [("ok", 3)]], _work, _failed,
                             workers=2, limits=FAST))
    assert time.monotonic() - started < 30  # not the 60 s the item would take
    assert sorted(r[:2] for r in results) == [("ok", 1), ("ok", 2), ("ok", 3), (TIMEOUT, 60)]
    [detail] = [r[2] for r in results if r[0] == TIMEOUT]
    assert detail == "reading it took over 2 s (the limit: --limit timeout_s=…); its worker was stopped"


def test_a_worker_killed_mid_item_is_replaced_and_only_that_item_fails():
    results = list(supervise([[("ok", 1), ("kill", "victim"), ("ok", 2)], [("ok", 3), ("ok", 4)]], _work, _failed,
                             workers=1, limits=FAST))
    assert sorted(map(str, (r[:2] for r in results))) == sorted(map(str, [
        ("ok", 1), ("ok", 2), ("ok", 3), ("ok", 4), (WORKER_DIED, "victim")]))
    [detail] = [r[2] for r in results if r[0] == WORKER_DIED]
    assert detail == "the process reading it died (signal SIGKILL)"
    assert len({r[2] for r in results if r[0] == "ok"}) == 1  # the replacement ran the batch's other items


def test_a_worker_cannot_allocate_past_its_memory_limit():
    [small, large] = list(supervise([[("allocate", 100), ("allocate", 2048)]], _work, _failed, workers=1,
                                    limits=FAST))
    assert small[:2] == ("allocated", 100) and large[:2] == ("memory", 2048)


def test_a_worker_dying_before_its_first_item_twice_fails_its_whole_batch(monkeypatch):
    def die_at_start(batch, started):
        os._exit(3)

    results = list(supervise([[("ok", 1), ("ok", 2)]], die_at_start, _failed, workers=1, limits=FAST))
    assert results == [(WORKER_DIED, 1, "the process reading it died (exit code 3)"),
                       (WORKER_DIED, 2, "the process reading it died (exit code 3)")]


# -- at ingest level --------------------------------------------------------------------------------

REPORTS = [RAW / "real" / "050_pingtan-shichangjianguanju_2025.html", RAW / "real" / "022_pingtan_2021.html",
           RAW / "seeds" / "002_ed735561ce7e8ab6.txt", RAW / "real" / "049_pingtan-shichangjianguanju_2023.html"]


def test_a_worker_killed_mid_file_leaves_that_file_recorded_and_the_rest_exact(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in REPORTS:
        shutil.copy(path, raw / path.name)
    victim = REPORTS[1].name
    real_parse = engines.parse_entry

    def kill_on_victim(item, options=None):  # the worker forked from this process runs this
        if item[0].endswith(victim):
            os.kill(os.getpid(), signal.SIGKILL)
        return real_parse(item, options)

    monkeypatch.setattr(engines, "parse_entry", kill_on_victim)
    out = tmp_path / "out"
    summary = ingest(raw, out, workers=2, progress=False)
    assert (summary.n_files, summary.n_reports, summary.n_errors) == (4, 3, 1)
    errors = pd.read_parquet(out / "errors.parquet")
    assert errors[["file", "error_type", "message"]].to_dict("records") == [
        {"file": victim, "error_type": "worker_died", "message": "the process reading it died (signal SIGKILL)"}]
    cells = pd.read_parquet(out / "cells.parquet")
    reports = pd.read_parquet(out / "reports.parquet").set_index("file")
    for path in REPORTS:
        if path.name == victim:
            continue
        read = cells[cells["report_id"] == reports.loc[path.name, "report_id"]].set_index("key")["value"]
        assert {k: (None if pd.isna(v) else v) for k, v in read.items()} == parse_file(path).values

    monkeypatch.setattr(engines, "parse_entry", real_parse)  # the cause is gone: the next run reads the file
    (raw / "sources.csv").write_text("file,sha256\n", encoding="utf-8")  # any change makes the run parse
    summary = ingest(raw, out, workers=2, progress=False)
    assert (summary.n_parsed, summary.n_reports, summary.n_errors) == (1, 4, 0)


def test_an_error_of_a_run_never_hides_the_files_result_in_the_cache(tmp_path):
    path = RAW / "seeds" / "002_ed735561ce7e8ab6.txt"
    good = report_entry(parse_file(path))
    timed_out = report_entry(error_report(path, good["summary"]["sha256"], "timeout", "took too long", retry=True))
    sha = good["summary"]["sha256"]
    for order in ([timed_out, good], [good, timed_out]):
        root = tmp_path / str(len(list(tmp_path.iterdir())))
        cache = Cache(root)
        cache.store([order[0]])
        assert cache.has(sha, "text") == (order[0] is good)
        Cache(root).store([order[1]])
        fresh = Cache(root)
        assert fresh.has(sha, "text") and fresh.load_summary(sha, "text")["status"] == good["summary"]["status"]
        assert cache.load_summary(sha, "text")["status"] == good["summary"]["status"]  # re-reads the new pack


@pytest.mark.parametrize("argv, message", [
    (["parse", "--limit", "pages=1", "x.txt"], "ogi parse: unknown limit 'pages=1'"),
    (["ingest", "data/raw", "--limit", "timeout_s=-1"], "ogi ingest: limit timeout_s must be positive"),
])
def test_cli_rejects_a_bad_limit(argv, message, capsys):
    from helpers.cli import main

    assert main(argv) == 2
    assert capsys.readouterr().err.startswith(message)


def test_cli_parse_stops_a_file_past_its_time_and_goes_on(capsys):
    from helpers.cli import main

    pdf = RAW.parent.parent / "tests" / "fixtures" / "rendered" / "050_pingtan-shichangjianguanju_2025.pdf"
    status = main(["parse", "--no-ocr", "--limit", "timeout_s=0.2", str(pdf), str(REPORTS[0])])
    lines = capsys.readouterr().out.splitlines()
    assert status == 1 and lines[0] == (f"{pdf}: error (timeout): reading it took over 0.2 s (the limit: "
                                        "--limit timeout_s=…); its worker was stopped")
    assert lines[1].startswith(f"{REPORTS[0]}: ok | 平潭综合实验区市场监督管理局 | 2025")
